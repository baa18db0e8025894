/**
 * The optimizer: Qdrant's progress report (`GET /collections/{name}/optimizations`) and two
 * Quiver extensions that start work now, `POST /collections/{name}/quiver/rebuild-index` and
 * `POST /collections/{name}/quiver/compact` (the engine's `rebuildIndex` and `compact`).
 */
import type { FastifyRequest } from 'fastify';
import { pathParam } from '../params.js';
import { addRoute } from '../route.js';
import type { RouteScope } from './index.js';
import { waitOrAccept } from './snapshots.js';

/** Registers the optimizer routes. */
export function optimizerRoutes({ app, db }: RouteScope): void {
  const name = (request: FastifyRequest): string => pathParam(request, 'collection_name');

  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name/optimizations',
    operation: 'get_optimizations',
    kind: 'read',
    summary:
      'Optimizations: running (with progress), and with `with=queued,completed,idle_segments` the next one due, the last finished ones and the idle segments',
    tags: ['Collections'],
    query: ['with', 'completed_limit'],
    handler: (request) => {
      const q = request.query as { with?: string; completed_limit?: string };
      return db.getOptimizations(name(request), {
        with: q.with,
        completed_limit: q.completed_limit === undefined ? undefined : Number(q.completed_limit),
      });
    },
  });

  const extensions = [
    {
      path: 'rebuild-index',
      operation: 'quiver_rebuild_index',
      summary:
        'Quiver extension: seal the appendable segment and rebuild every HNSW graph from the stored vectors',
      run: (collection: string) => db.rebuildIndex(collection),
    },
    {
      path: 'compact',
      operation: 'quiver_compact',
      summary:
        'Quiver extension: seal the appendable segment, drop deleted points, merge and index segments',
      run: (collection: string) => db.compact(collection),
    },
  ];
  for (const e of extensions) {
    addRoute(app, {
      method: 'POST',
      url: `/collections/:collection_name/quiver/${e.path}`,
      operation: e.operation,
      kind: 'admin',
      summary: e.summary,
      tags: ['Quiver extensions'],
      query: ['wait'],
      result: { type: 'boolean' },
      raw: true,
      handler: (request, reply) => waitOrAccept(request, reply, () => e.run(name(request))),
    });
  }
}
