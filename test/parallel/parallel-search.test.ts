// Parallel search: graph searches of sealed segments on worker threads give exactly the answers
// of the single-thread path (ids, scores, order), through deletes and optimizer swaps; a dead
// worker never hangs a query; close() leaves no worker alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiver } from '../../src/index.js';
import { WorkerSearchPool, liveSearchWorkers } from '../../src/node/worker-search-pool.js';
import { rng } from '../fixtures/synthetic.js';

const DIM = 24;

type Db = Awaited<ReturnType<typeof Quiver.open>>;

/** The same writes on every database: equal graphs (seeded builds), so equal answers. */
async function setup(
  dbs: Db[],
  distance: 'Cosine' | 'Euclid' | 'Dot',
  n: number,
  seed: number,
  extra: Record<string, unknown> = {},
) {
  const random = rng(seed);
  const points = Array.from({ length: n }, (_, i) => ({
    id: i,
    vector: Array.from({ length: DIM }, () => random() - 0.5),
    payload: { g: i % 7 },
  }));
  for (const db of dbs) {
    await db.createCollection('c', {
      vectors: { size: DIM, distance },
      optimizers_config: { indexing_threshold: 10, max_optimization_threads: 0 },
      hnsw_config: { full_scan_threshold: 10, m: 8, ef_construct: 40 },
      ...extra,
    });
    await db.upsert('c', { points });
    await db.compact('c');
  }
  return random;
}

function searches(random: () => number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    query: Array.from({ length: DIM }, () => random() - 0.5),
    limit: 5 + (i % 12),
    with_payload: true,
    // Every fifth has a filter: searched on the main thread, the others on the pool.
    ...(i % 5 === 4 ? { filter: { must: [{ key: 'g', match: { value: i % 7 } }] } } : {}),
    ...(i % 3 === 1 ? { params: { hnsw_ef: 20 + i } } : {}),
  }));
}

test('batches, single queries and legacy searches on the pool equal the single-thread answers', async () => {
  const pool = new WorkerSearchPool({ threads: 2 });
  for (const [distance, seed] of [
    ['Cosine', 1],
    ['Euclid', 2],
    ['Dot', 3],
  ] as const) {
    const single = await Quiver.open();
    const parallel = await Quiver.open({ searchPool: pool, searchMinSegmentPoints: 0 });
    const random = await setup([single, parallel], distance, 600, seed);
    const before = pool.tasksDone;
    for (let round = 0; round < 2; round++) {
      const batch = { searches: searches(random, 24) };
      assert.deepEqual(await parallel.queryBatch('c', batch), await single.queryBatch('c', batch));
      const legacy = { searches: batch.searches.map((s) => ({ ...s, vector: s.query })) };
      for (const s of legacy.searches) delete (s as { query?: unknown }).query;
      assert.deepEqual(
        await parallel.searchBatch('c', legacy),
        await single.searchBatch('c', legacy),
      );
      const one = batch.searches[round]!;
      assert.deepEqual(await parallel.query('c', one), await single.query('c', one));
    }
    assert.ok(pool.tasksDone > before, 'the pool answered searches');
    await single.close();
    await parallel.close();
  }
  await pool.close();
  assert.equal(pool.liveWorkers, 0);
});

test('answers stay equal after deletes in a sealed segment and after optimizer swaps', async () => {
  const pool = new WorkerSearchPool({ threads: 2 });
  const single = await Quiver.open();
  const parallel = await Quiver.open({ searchPool: pool, searchMinSegmentPoints: 0 });
  const dbs = [single, parallel];
  const random = await setup(dbs, 'Cosine', 1200, 11);
  const check = async () => {
    const batch = { searches: searches(random, 20) };
    assert.deepEqual(await parallel.queryBatch('c', batch), await single.queryBatch('c', batch));
  };
  await check();
  // Deletes after the segment was published: the workers read the shared deleted flags.
  const gone = Array.from({ length: 300 }, (_, i) => i * 4);
  for (const db of dbs) await db.delete('c', { points: gone });
  await check();
  // More points, then a compaction that swaps in a new sealed segment (and unpublishes the old).
  const more = Array.from({ length: 600 }, (_, i) => ({
    id: 5000 + i,
    vector: Array.from({ length: DIM }, () => random() - 0.5),
    payload: { g: i % 7 },
  }));
  for (const db of dbs) await db.upsert('c', { points: more });
  await check();
  assert.equal(pool.registeredImages, 1);
  for (const db of dbs) await db.compact('c');
  await check();
  // The swapped-out segment's image is gone from the workers; the new segment's is there.
  const info = await parallel.getCollection('c');
  assert.equal(pool.registeredImages, info.segments_count! - 1);
  for (const db of dbs) await db.close();
  // Closing the database unpublishes its images from a pool it does not own.
  assert.equal(pool.registeredImages, 0);
  await pool.close();
});

test('a point deleted while its search runs on a worker is not returned', async () => {
  const pool = new WorkerSearchPool({ threads: 2 });
  const single = await Quiver.open();
  const parallel = await Quiver.open({ searchPool: pool, searchMinSegmentPoints: 0 });
  const random = await setup([single, parallel], 'Cosine', 600, 17);
  const batch = {
    searches: searches(random, 20).map((q) => ({ ...q, filter: undefined })),
  };
  const before = await single.queryBatch('c', batch);
  const top = [...new Set(before.flatMap((r) => r.points.slice(0, 2).map((p) => p.id)))];
  // Dispatched before the delete, answered after it: the ids must not come back.
  const pending = parallel.queryBatch('c', batch);
  await parallel.delete('c', { points: top });
  const got = await pending;
  const ids = new Set(got.flatMap((r) => r.points.map((p) => p.id)));
  for (const id of top) assert.ok(!ids.has(id), `deleted point ${String(id)} returned`);
  assert.ok(pool.tasksDone > 0);
  await single.close();
  await parallel.close();
  await pool.close();
});

test('quantized segments keep their searches on the main thread, with the same answers', async () => {
  const pool = new WorkerSearchPool({ threads: 1 });
  const single = await Quiver.open();
  const parallel = await Quiver.open({ searchPool: pool, searchMinSegmentPoints: 0 });
  const random = await setup([single, parallel], 'Cosine', 500, 13, {
    quantization_config: { scalar: { type: 'int8', always_ram: true } },
  });
  const batch = { searches: searches(random, 10) };
  assert.deepEqual(await parallel.queryBatch('c', batch), await single.queryBatch('c', batch));
  assert.equal(pool.tasksDone, 0);
  await single.close();
  await parallel.close();
  await pool.close();
});

test('a worker that dies mid-search: the query falls back to the main thread, never hangs', async () => {
  const pool = new WorkerSearchPool({ threads: 2 });
  const warnings: string[] = [];
  const single = await Quiver.open();
  const parallel = await Quiver.open({
    searchPool: pool,
    searchMinSegmentPoints: 0,
    onWarning: (m) => warnings.push(m),
  });
  const random = await setup([single, parallel], 'Euclid', 800, 5);
  const batch = { searches: searches(random, 10) };
  const expected = await single.queryBatch('c', batch);
  assert.deepEqual(await parallel.queryBatch('c', batch), expected);
  // The searches are posted before queryBatch first awaits; kill every worker right after. The
  // batch is wide (ef over the whole graph), so the workers are still busy with it.
  const other = {
    searches: searches(random, 100).map((q) => ({
      ...q,
      filter: undefined,
      params: { hnsw_ef: 800 },
    })),
  };
  const pending = parallel.queryBatch('c', other);
  const killed = pool.workers().map((worker) => worker.terminate());
  assert.deepEqual(await pending, await single.queryBatch('c', other));
  await Promise.all(killed);
  assert.match(warnings.join('\n'), /search worker \d exited with code 1/);
  // The next search starts fresh workers, with the published segments registered again.
  const done = pool.tasksDone;
  const third = { searches: searches(random, 10) };
  assert.deepEqual(await parallel.queryBatch('c', third), await single.queryBatch('c', third));
  assert.ok(pool.tasksDone > done);
  await single.close();
  await parallel.close();
  await pool.close();
});

test('a task naming an unknown segment image fails with a clear error', async () => {
  const pool = new WorkerSearchPool({ threads: 1 });
  await assert.rejects(
    pool.search([{ image: 42, query: new Float32Array(4), k: 1, ef: 10, deletedCount: 0 }]),
    /search worker 0 failed a search: segment image 42 is not registered/,
  );
  await pool.close();
  await assert.rejects(pool.search([]), /closed/);
});

test('searchThreads starts a pool that close() stops: no worker is left alive', async () => {
  const single = await Quiver.open();
  const db = await Quiver.open({ searchThreads: 2, searchMinSegmentPoints: 0 });
  const random = await setup([single, db], 'Cosine', 600, 9);
  const batch = { searches: searches(random, 8) };
  assert.deepEqual(await db.queryBatch('c', batch), await single.queryBatch('c', batch));
  assert.ok(liveSearchWorkers() >= 2);
  await db.close();
  await single.close();
  assert.equal(liveSearchWorkers(), 0);
  assert.throws(() => new WorkerSearchPool({ threads: 0 }), /search threads must be an integer/);
});
