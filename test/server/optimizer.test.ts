// The optimizer over HTTP: Qdrant's progress report, and the compact / rebuild-index
// extensions (wait, and wait=false answering 202), with queries exact before and after.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QdrantClient } from '@qdrant/js-client-rest';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;
let client: QdrantClient;

function vector(i: number): number[] {
  return [Math.sin(i), Math.cos(i), Math.sin(i * 0.3), 1];
}

before(async () => {
  server = await startServer({ persistent: true });
  client = new QdrantClient({ url: server.url });
  await client.createCollection('o', { vectors: { size: 4, distance: 'Dot' } });
  await client.upsert('o', {
    wait: true,
    points: Array.from({ length: 300 }, (_, i) => ({ id: i, vector: vector(i) })),
  });
  await client.delete('o', { points: Array.from({ length: 100 }, (_, i) => i * 3), wait: true });
});
after(() => server.close());

test('compact and rebuild-index keep every answer and leave the collection green', async () => {
  const query = { query: vector(1000), limit: 20 };
  const expected = await client.query('o', query);
  const compacted = await server.call('POST', '/collections/o/quiver/compact');
  assert.equal(compacted.status, 200, JSON.stringify(compacted.body));
  assert.equal(compacted.body.result, true);
  assert.deepEqual(await client.query('o', query), expected);
  const rebuilt = await server.call('POST', '/collections/o/quiver/rebuild-index?wait=true');
  assert.equal(rebuilt.body.result, true);
  assert.deepEqual(await client.query('o', query), expected);
  const info = await client.getCollection('o');
  assert.equal(info.status, 'green');
  assert.equal(info.points_count, 200);
  const progress = await server.call('GET', '/collections/o/optimizations');
  assert.deepEqual(progress.body.result.summary, {
    queued_optimizations: 0,
    queued_segments: 0,
    queued_points: 0,
    idle_segments: info.segments_count,
  });
});

test('wait=false answers 202 and the work finishes in the background', async () => {
  const res = await server.call('POST', '/collections/o/quiver/rebuild-index?wait=false');
  assert.equal(res.status, 202);
  assert.equal(res.body.status, 'accepted');
  for (let i = 0; i < 200 && (await client.getCollection('o')).status !== 'green'; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal((await client.getCollection('o')).status, 'green');
  assert.equal((await server.call('POST', '/collections/none/quiver/compact')).status, 404);
});
