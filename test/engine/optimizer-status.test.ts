// Collection status as the optimizer moves it (grey: work pending and not triggered; yellow:
// optimizing; green: done), truthful counts, and the admin operations rebuildIndex and compact,
// with queries served correctly while the optimizer runs in the background.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiver } from '../../src/index.js';
import { rng } from '../fixtures/synthetic.js';

const DIM = 16;

const random = rng(5);
const vector = () => Array.from({ length: DIM }, () => random());
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function waitGreen(db: Quiver): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const { status } = await db.getCollection('c');
    if (seen.at(-1) !== status) seen.push(status);
    if (status === 'green') return seen;
    await tick();
  }
  throw new Error(`never green: ${seen.join(' -> ')}`);
}

test('grey while optimizations wait for a trigger, yellow while they run, then green', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', {
    vectors: { size: DIM, distance: 'Dot' },
    optimizers_config: { indexing_threshold: 10, max_optimization_threads: 0 },
  });
  assert.equal((await db.getCollection('c')).status, 'green');
  await db.upsert('c', {
    points: Array.from({ length: 500 }, (_, id) => ({ id, vector: vector() })),
  });
  let info = await db.getCollection('c');
  assert.equal(info.status, 'grey');
  assert.equal(info.segments_count, 1);
  assert.equal(info.indexed_vectors_count, 0);
  const running = db.compact('c');
  assert.equal((await db.getCollection('c')).status, 'yellow');
  await running;
  info = await db.getCollection('c');
  assert.equal(info.status, 'green');
  assert.deepEqual(info.optimizer_status, 'ok');
  // One sealed segment with every point indexed, and the new (empty) appendable one.
  assert.equal(info.segments_count, 2);
  assert.equal(info.indexed_vectors_count, 500);
  assert.equal(info.points_count, 500);
  await db.close();
});

test('the background optimizer indexes on its own; queries stay correct meanwhile', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', {
    vectors: { size: DIM, distance: 'Euclid' },
    optimizers_config: { indexing_threshold: 10 },
  });
  const points = Array.from({ length: 3000 }, (_, id) => ({ id, vector: vector() }));
  await db.upsert('c', { points });
  const q = vector();
  const want = (await db.query('c', { query: q, limit: 5, params: { exact: true } })).points;
  let sawYellow = false;
  for (let i = 0; i < 10_000; i++) {
    const info = await db.getCollection('c');
    if (info.status === 'yellow') sawYellow = true;
    // Mid-build: every point is counted once and exact queries see all of them.
    assert.equal(info.points_count, 3000);
    assert.equal((await db.count('c', { exact: true })).count, 3000);
    const got = (await db.query('c', { query: q, limit: 5, params: { exact: true } })).points;
    assert.deepEqual(
      got.map((p) => p.id),
      want.map((p) => p.id),
    );
    if (info.status === 'green') break;
    await tick();
  }
  assert.ok(sawYellow);
  assert.deepEqual(await waitGreen(db), ['green']);
  const info = await db.getCollection('c');
  assert.equal(info.indexed_vectors_count, 3000);
  await db.close();
});

test('rebuildIndex indexes every segment, even under the threshold; compact drops deleted points', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', {
    vectors: { size: DIM, distance: 'Cosine' },
    optimizers_config: { max_optimization_threads: 0 },
  });
  const points = Array.from({ length: 300 }, (_, id) => ({ id, vector: vector() }));
  await db.upsert('c', { points });
  assert.equal((await db.getCollection('c')).indexed_vectors_count, 0);
  assert.equal(await db.rebuildIndex('c'), true);
  let info = await db.getCollection('c');
  assert.equal(info.indexed_vectors_count, 300);
  assert.equal(info.status, 'green');
  await db.delete('c', { points: points.filter((p) => p.id % 2 === 0).map((p) => p.id) });
  info = await db.getCollection('c');
  assert.equal(info.indexed_vectors_count, 150);
  await db.upsert('c', { points: [{ id: 1000, vector: vector() }] });
  assert.equal(await db.compact('c'), true);
  info = await db.getCollection('c');
  assert.equal(info.points_count, 151);
  // Under the default indexing threshold the compacted segment is plain again.
  assert.equal(info.indexed_vectors_count, 0);
  assert.equal(info.segments_count, 2);
  const q = vector();
  const a = await db.query('c', { query: q, limit: 10 });
  const b = await db.query('c', { query: q, limit: 10, params: { exact: true } });
  assert.deepEqual(a.points, b.points);
  await assert.rejects(db.rebuildIndex('nope'), /doesn't exist/);
  await db.close();
});

test('lowering indexing_threshold starts indexing; closing mid-optimization rejects the wait', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: DIM, distance: 'Dot' } });
  await db.upsert('c', {
    points: Array.from({ length: 2000 }, (_, id) => ({ id, vector: vector() })),
  });
  assert.equal((await db.getCollection('c')).status, 'green');
  await db.updateCollection('c', { optimizers_config: { indexing_threshold: 10 } });
  assert.equal((await db.getCollection('c')).status, 'yellow');
  await waitGreen(db);
  assert.equal((await db.getCollection('c')).indexed_vectors_count, 2000);
  const pending = db.rebuildIndex('c');
  await db.close();
  await assert.rejects(pending, { code: 'CLOSED' });
});

test('changing hnsw_config rebuilds the graphs in the background', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', {
    vectors: { size: DIM, distance: 'Euclid' },
    hnsw_config: { m: 8, ef_construct: 32 },
    optimizers_config: { indexing_threshold: 10 },
  });
  await db.upsert('c', {
    points: Array.from({ length: 800 }, (_, id) => ({ id, vector: vector() })),
  });
  await waitGreen(db);
  assert.equal((await db.getCollection('c')).indexed_vectors_count, 800);
  await db.updateCollection('c', { hnsw_config: { m: 12 } });
  assert.equal((await db.getCollection('c')).status, 'yellow');
  await waitGreen(db);
  const info = await db.getCollection('c');
  assert.equal(info.indexed_vectors_count, 800);
  // m: 0 turns the graph off: the segments are rebuilt without one.
  await db.updateCollection('c', { hnsw_config: { m: 0 } });
  await waitGreen(db);
  assert.equal((await db.getCollection('c')).indexed_vectors_count, 0);
  await db.close();
});
