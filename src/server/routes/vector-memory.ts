/**
 * Quiver extension `GET /collections/{name}/quiver/vector-memory`: bytes of each dense vector's
 * float32 originals and of its quantized codes (the engine's `vectorMemory`), so the saving of
 * a `quantization_config` can be read off a running server.
 */
import { pathParam } from '../params.js';
import { addRoute } from '../route.js';
import type { RouteScope } from './index.js';

const INFO = {
  type: 'object',
  properties: {
    vectors: { type: 'integer' },
    dim: { type: 'integer' },
    original_bytes: { type: 'integer' },
    original_bytes_on_disk: { type: 'integer' },
    quantized_bytes: { type: 'integer' },
    quantized_vectors: { type: 'integer' },
  },
};

/** Registers the route. */
export function vectorMemoryRoutes({ app, db }: RouteScope): void {
  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name/quiver/vector-memory',
    operation: 'quiver_vector_memory',
    kind: 'read',
    summary:
      'Quiver extension: bytes of the float32 originals and of the quantized codes of each dense vector',
    tags: ['Quiver extensions'],
    result: {
      type: 'object',
      properties: { vectors: { type: 'object', additionalProperties: INFO } },
    },
    handler: (request) => db.vectorMemory(pathParam(request, 'collection_name')),
  });
}
