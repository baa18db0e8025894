// Multivectors (`multivector_config: {comparator: "max_sim"}`): MaxSim scoring against an oracle
// for every distance, validation, output shape, persistence, filters and hybrid fusion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Quiver, isQuiverError } from '../../src/index.js';
import { type Dist, close, normalise, publicScore } from './oracle.js';

type Multi = number[][];
const DISTANCES: Dist[] = ['Cosine', 'Dot', 'Euclid', 'Manhattan'];
const smallerIsBetter = (d: Dist) => d === 'Euclid' || d === 'Manhattan';

/** MaxSim as Qdrant defines it: per query vector the best match among the point's vectors, summed. */
function maxSim(d: Dist, query: Multi, doc: Multi): number {
  let sum = 0;
  for (const q of query) {
    const scores = doc.map((v) => publicScore(d, q, v));
    sum += smallerIsBetter(d) ? Math.min(...scores) : Math.max(...scores);
  }
  return sum;
}

const vec = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 });
const multi = fc.array(vec, { minLength: 1, maxLength: 4 });

test('MaxSim search equals the oracle for every distance; ties by id', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...DISTANCES),
      fc.array(multi, { minLength: 1, maxLength: 15 }),
      multi,
      async (distance, docs, query) => {
        const db = await Quiver.open();
        await db.createCollection('m', {
          vectors: { size: 3, distance, multivector_config: { comparator: 'max_sim' } },
        });
        await db.upsert('m', { points: docs.map((v, i) => ({ id: i + 1, vector: v })) });
        const want = docs
          .map((v, i) => ({ id: i + 1, score: maxSim(distance, query, v) }))
          .sort((a, b) =>
            a.score !== b.score
              ? smallerIsBetter(distance)
                ? a.score - b.score
                : b.score - a.score
              : a.id - b.id,
          );
        const res = await db.query('m', { query, limit: 100 });
        assert.equal(res.points.length, want.length);
        res.points.forEach((p, i) => {
          assert.ok(close(p.score, want[i]!.score, 1e-3), `${p.score} vs ${want[i]!.score}`);
        });
        // Ids in the oracle's order wherever scores differ clearly.
        for (let i = 1; i < want.length; i++) {
          if (Math.abs(want[i]!.score - want[i - 1]!.score) > 1e-3) {
            assert.equal(res.points[i - 1]!.id, want[i - 1]!.id);
          }
        }
        await db.close();
      },
    ),
    { numRuns: 80 },
  );
});

test('multivectors are returned as arrays of vectors, Cosine-normalised, and survive a restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-multi-'));
  try {
    let db = await Quiver.open({ path: dir });
    await db.createCollection('m', {
      vectors: {
        colbert: { size: 2, distance: 'Cosine', multivector_config: { comparator: 'max_sim' } },
        dense: { size: 2, distance: 'Dot' },
      },
    });
    await db.upsert('m', {
      points: [
        {
          id: 1,
          vector: {
            colbert: [
              [3, 4],
              [0, 2],
            ],
            dense: [1, 0],
          },
          payload: { k: 'a' },
        },
        { id: 2, vector: { dense: [0, 1] }, payload: { k: 'b' } },
      ],
      wait: true,
    });
    const want = [normalise([3, 4]), normalise([0, 2])];
    const [p1] = await db.retrieve('m', { ids: [1], with_vector: ['colbert'] });
    const got = (p1!.vector as Record<string, number[][]>).colbert!;
    got.forEach((row, i) => row.forEach((x, j) => assert.ok(close(x, want[i]![j]!))));
    // has_vector sees the multivector; a point without it is not a candidate.
    const hv = await db.scroll('m', { filter: { must: [{ has_vector: 'colbert' }] } });
    assert.deepEqual(
      hv.points.map((p) => p.id),
      [1],
    );
    const hits = await db.query('m', { query: [[1, 0]], using: 'colbert', limit: 10 });
    assert.deepEqual(
      hits.points.map((p) => p.id),
      [1],
    );
    await db.checkpointAll();
    await db.close();
    db = await Quiver.open({ path: dir });
    const again = await db.retrieve('m', { ids: [1], with_vector: true });
    assert.deepEqual((again[0]!.vector as Record<string, unknown>).colbert, got);
    const info = await db.getCollection('m');
    const params = info.config.params.vectors as Record<string, { multivector_config?: unknown }>;
    assert.deepEqual(params.colbert!.multivector_config, { comparator: 'max_sim' });
    await db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('hybrid: a multivector prefetch fused with a dense one by RRF', async () => {
  const db = await Quiver.open();
  await db.createCollection('h', {
    vectors: {
      late: { size: 2, distance: 'Dot', multivector_config: { comparator: 'max_sim' } },
      dense: { size: 2, distance: 'Dot' },
    },
  });
  await db.upsert('h', {
    points: [
      { id: 1, vector: { late: [[1, 0]], dense: [0, 1] } },
      { id: 2, vector: { late: [[0, 1]], dense: [1, 0] } },
      { id: 3, vector: { late: [[2, 0]], dense: [1, 1] } },
    ],
  });
  const res = await db.query('h', {
    prefetch: [
      { query: [[1, 0]], using: 'late', limit: 3 },
      { query: [1, 1], using: 'dense', limit: 3 },
    ],
    query: { fusion: 'rrf' },
    limit: 3,
  });
  // late ranks 3, 1, 2 (MaxSim 2, 1, 0); dense ranks 3, 1, 2 (1+1 beats 0+1 and 1+0 by id).
  assert.deepEqual(
    res.points.map((p) => p.id),
    [3, 1, 2],
  );
});

test('bad multivector input gets a clear error and writes nothing', async () => {
  const db = await Quiver.open();
  await db.createCollection('m', {
    vectors: { size: 2, distance: 'Dot', multivector_config: { comparator: 'max_sim' } },
  });
  const bad: [unknown, string, RegExp][] = [
    [[], 'INVALID_VECTOR', /at least one vector/],
    [[1, 2], 'INVALID_VECTOR', /multivector; give an array of vectors/],
    [[[1, 2], [1]], 'DIMENSION_MISMATCH', /expected dim: 2, got 1/],
    [[[1, Number.NaN]], 'INVALID_VECTOR', /finite/],
  ];
  for (const [vector, code, message] of bad) {
    await assert.rejects(
      db.upsert('m', { points: [{ id: 9, vector: vector as never }] }),
      (e) => isQuiverError(e, code as never) && message.test((e as Error).message),
    );
  }
  assert.equal((await db.count('m', {})).count, 0);
  await assert.rejects(
    db.createCollection('x', {
      vectors: { size: 2, distance: 'Dot', multivector_config: { comparator: 'min_sim' } as never },
    }),
    (e) => isQuiverError(e, 'INVALID_COLLECTION_CONFIG') && /max_sim/.test((e as Error).message),
  );
  await db.createCollection('d', { vectors: { size: 2, distance: 'Dot' } });
  await assert.rejects(
    db.upsert('d', { points: [{ id: 1, vector: [[1, 2]] as never }] }),
    (e) => isQuiverError(e, 'INVALID_VECTOR') && /not a multivector/.test((e as Error).message),
  );
});
