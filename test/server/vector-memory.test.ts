// The vector-memory extension over HTTP: int8 codes take a quarter of the originals' bytes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QdrantClient } from '@qdrant/js-client-rest';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;
let client: QdrantClient;

before(async () => {
  server = await startServer();
  client = new QdrantClient({ url: server.url });
});
after(() => server.close());

test('GET /quiver/vector-memory reports originals and int8 codes', async () => {
  await client.createCollection('m', {
    vectors: { size: 8, distance: 'Dot' },
    quantization_config: { scalar: { type: 'int8', always_ram: true } },
    optimizers_config: { indexing_threshold: 1 },
  });
  await client.upsert('m', {
    wait: true,
    points: Array.from({ length: 400 }, (_, i) => ({
      id: i,
      vector: Array.from({ length: 8 }, (_, d) => Math.sin(i * (d + 1))),
    })),
  });
  const compacted = await server.call('POST', '/collections/m/quiver/compact');
  assert.equal(compacted.status, 200);
  const res = await server.call('GET', '/collections/m/quiver/vector-memory');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.result.vectors[''], {
    vectors: 400,
    dim: 8,
    original_bytes: 400 * 8 * 4,
    original_bytes_on_disk: 0,
    quantized_bytes: 400 * 8,
    quantized_vectors: 400,
  });
  const missing = await server.call('GET', '/collections/nope/quiver/vector-memory');
  assert.equal(missing.status, 404);
});
