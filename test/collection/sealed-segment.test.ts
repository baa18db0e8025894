// Sealed segments: the optimizer indexes the appendable segment once it passes
// indexing_threshold, queries then walk the HNSW graph, and results match an exact oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Collection } from '../../src/collection/collection.js';
import { createCollectionConfig } from '../../src/collection/config.js';
import { parseUpsert } from '../../src/collection/operations.js';
import { Quiver } from '../../src/index.js';
import { euclidTopK, rng } from '../fixtures/synthetic.js';

const DIM = 16;

async function indexedCollection(n: number) {
  const db = await Quiver.open();
  await db.createCollection('c', {
    vectors: { size: DIM, distance: 'Euclid' },
    // 10 KiB = 160 vectors of 16 floats: the appendable segment is indexed past that.
    optimizers_config: { indexing_threshold: 10, max_optimization_threads: 0 },
    hnsw_config: { full_scan_threshold: 10, m: 8, ef_construct: 64 },
  });
  const random = rng(7);
  const points = Array.from({ length: n }, (_, i) => ({
    id: i,
    vector: Array.from({ length: DIM }, () => random()),
    payload: { g: i % 10 },
  }));
  await db.upsert('c', { points });
  return { db, points, random };
}

test('the optimizer seals and indexes the appendable segment; searches use the graph', async () => {
  const { db, points, random } = await indexedCollection(600);
  const before = await db.getCollection('c');
  assert.equal(before.status, 'grey');
  assert.equal(before.indexed_vectors_count, 0);
  await db.compact('c');
  const after = await db.getCollection('c');
  assert.equal(after.status, 'green');
  assert.equal(after.indexed_vectors_count, 600);
  assert.equal(after.points_count, 600);
  for (let i = 0; i < 20; i++) {
    const q = Array.from({ length: DIM }, () => random());
    // hnsw_ef past the segment size: the beam covers the whole graph, so the answer is exact.
    const got = await db.query('c', { query: q, limit: 10, params: { hnsw_ef: 1000 } });
    assert.deepEqual(
      got.points.map((p) => p.id),
      euclidTopK(points, q, 10),
    );
    const exact = await db.query('c', { query: q, limit: 10, params: { exact: true } });
    assert.deepEqual(
      exact.points.map((p) => p.id),
      euclidTopK(points, q, 10),
    );
  }
  await db.close();
});

test('deletes in a sealed segment are skipped by graph searches; rewrites move to the appendable', async () => {
  const { db, points, random } = await indexedCollection(400);
  await db.compact('c');
  const deleted = points.filter((p) => p.id % 3 === 0).map((p) => p.id);
  await db.delete('c', { points: deleted });
  const moved = points.filter((p) => p.id % 7 === 1);
  for (const p of moved) p.vector = Array.from({ length: DIM }, () => random());
  await db.upsert('c', { points: moved });
  // Re-upserting a deleted id brings it back.
  const alive = points.filter((p) => p.id % 3 !== 0 || p.id % 7 === 1);
  const info = await db.getCollection('c');
  assert.equal(info.points_count, alive.length);
  for (let i = 0; i < 10; i++) {
    const q = Array.from({ length: DIM }, () => random());
    const got = await db.query('c', { query: q, limit: 10, params: { hnsw_ef: 1000 } });
    assert.deepEqual(
      got.points.map((p) => p.id),
      euclidTopK(alive, q, 10),
    );
  }
  await db.close();
});

test('indexed_only skips a segment over the indexing threshold that is not indexed yet', async () => {
  const { db, random } = await indexedCollection(300);
  const q = Array.from({ length: DIM }, () => random());
  const skipped = await db.query('c', { query: q, limit: 5, params: { indexed_only: true } });
  assert.deepEqual(skipped.points, []);
  assert.equal((await db.query('c', { query: q, limit: 5 })).points.length, 5);
  await db.compact('c');
  const found = await db.query('c', { query: q, limit: 5, params: { indexed_only: true } });
  assert.equal(found.points.length, 5);
  await db.close();
});

test('each dense vector gets its own graph settings: collection hnsw_config, per-vector override', async () => {
  const collection = new Collection({
    name: 'v',
    config: createCollectionConfig({
      vectors: {
        a: { size: 8, distance: 'Dot', hnsw_config: { m: 4, ef_construct: 20 } },
        b: { size: 8, distance: 'Euclid' },
        c: { size: 8, distance: 'Cosine', hnsw_config: { m: 0 } },
      },
      hnsw_config: { m: 10, ef_construct: 40 },
      optimizers_config: { max_optimization_threads: 0 },
    }),
  });
  const random = rng(1);
  const v = () => Array.from({ length: 8 }, () => random());
  const points = Array.from({ length: 100 }, (_, id) => ({
    id,
    vector: { a: v(), b: v(), c: v() },
  }));
  collection.apply([parseUpsert({ points }, collection.specs)]);
  await collection.optimizer.rebuildIndex();
  const [sealed] = collection.segments.filter((s) => s.sealed);
  assert.equal(sealed!.indexes.get('a')!.options.m, 4);
  assert.equal(sealed!.indexes.get('a')!.options.efConstruct, 20);
  assert.equal(sealed!.indexes.get('b')!.options.m, 10);
  assert.equal(sealed!.indexes.get('b')!.options.metric, 'l2');
  // m: 0 turns the graph off for that vector: exact search only.
  assert.equal(sealed!.indexes.has('c'), false);
});
