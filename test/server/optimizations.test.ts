// The optimizer over HTTP: GET /collections/{name}/optimizations reports queued, running and
// completed optimizations in Qdrant's shape, and the Quiver extensions POST .../compact and
// POST .../rebuild-index run them and answer when done.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});
after(() => server.close());

test('optimizations are queued, run by compact, then listed as completed', async () => {
  const created = await server.call('PUT', '/collections/opt', {
    vectors: { size: 8, distance: 'Cosine' },
    optimizers_config: { indexing_threshold: 1, max_optimization_threads: 0 },
  });
  assert.equal(created.status, 200);
  const points = Array.from({ length: 200 }, (_, id) => ({
    id,
    vector: Array.from({ length: 8 }, (_, j) => Math.sin(id * 8 + j)),
  }));
  assert.equal(
    (await server.call('PUT', '/collections/opt/points?wait=true', { points })).status,
    200,
  );
  const before = await server.call(
    'GET',
    '/collections/opt/optimizations?with=queued,completed,idle_segments',
  );
  assert.equal(before.status, 200);
  assert.equal(before.body.result.summary.queued_optimizations, 1);
  assert.equal(before.body.result.summary.queued_points, 200);
  assert.equal(before.body.result.queued[0].optimizer, 'indexing_optimizer');
  assert.deepEqual(before.body.result.completed, []);
  assert.equal((await server.call('GET', '/collections/opt')).body.result.status, 'grey');

  const compacted = await server.call('POST', '/collections/opt/quiver/compact');
  assert.equal(compacted.status, 200);
  assert.equal(compacted.body.result, true);
  const after = await server.call('GET', '/collections/opt/optimizations?with=completed');
  assert.equal(after.body.result.summary.queued_optimizations, 0);
  assert.deepEqual(after.body.result.running, []);
  const [done] = after.body.result.completed;
  assert.equal(done.optimizer, 'indexing_optimizer');
  assert.equal(done.status, 'done');
  assert.equal(done.segments[0].points_count, 200);
  assert.ok(done.progress.duration_sec >= 0);
  const info = (await server.call('GET', '/collections/opt')).body.result;
  assert.equal(info.status, 'green');
  assert.equal(info.indexed_vectors_count, 200);

  const rebuilt = await server.call('POST', '/collections/opt/quiver/rebuild-index');
  assert.equal(rebuilt.body.result, true);
  const history = await server.call(
    'GET',
    '/collections/opt/optimizations?with=completed&completed_limit=1',
  );
  assert.equal(history.body.result.completed.length, 1);
  assert.equal(history.body.result.completed[0].optimizer, 'config_mismatch_optimizer');
  const missing = await server.call('POST', '/collections/nope/quiver/compact');
  assert.equal(missing.status, 404);
});
