// Sparse vectors: config, validation, exact dot product and IDF against an oracle, output shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Quiver, QuiverError } from '../../src/index.js';
import { close } from './oracle.js';

type Sparse = { indices: number[]; values: number[] };

function dotOracle(q: Sparse, v: Sparse, idf?: (i: number) => number): number | undefined {
  let sum = 0;
  let shared = false;
  q.indices.forEach((i, k) => {
    const j = v.indices.indexOf(i);
    if (j >= 0) {
      shared = true;
      sum += (idf ? idf(i) : 1) * Math.fround(q.values[k]!) * Math.fround(v.values[j]!);
    }
  });
  return shared ? sum : undefined;
}

const sparseArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 5 })
  .chain((indices) =>
    fc.record({
      indices: fc.constant(indices),
      values: fc.array(fc.integer({ min: -4, max: 4 }), {
        minLength: indices.length,
        maxLength: indices.length,
      }),
    }),
  );

test('sparse search (plain and idf) equals the oracle; points without shared indices are not hits', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.option(sparseArb, { nil: undefined }), { maxLength: 20 }),
      sparseArb,
      fc.boolean(),
      async (vectors, q, idf) => {
        const db = await Quiver.open();
        await db.createCollection('s', {
          vectors: { d: { size: 1, distance: 'Dot' } },
          sparse_vectors: { text: idf ? { modifier: 'idf' } : {} },
        });
        const points = vectors.map((v, i) => ({
          id: i + 1,
          vector: (v === undefined ? { d: [1] } : { d: [1], text: v }) as never,
        }));
        if (points.length > 0) await db.upsert('s', { points });
        const withV = vectors.filter((v): v is Sparse => v !== undefined);
        const N = withV.length;
        const idfOf = (i: number) => {
          const n = withV.filter((v) => v.indices.includes(i)).length;
          return Math.log((N - n + 0.5) / (n + 0.5) + 1);
        };
        const want = vectors
          .map((v, i) => ({
            id: i + 1,
            score: v === undefined ? undefined : dotOracle(q, v, idf ? idfOf : undefined),
          }))
          .filter((h): h is { id: number; score: number } => h.score !== undefined)
          .sort((a, b) => b.score - a.score || a.id - b.id);
        const res = await db.query('s', { query: q, using: 'text', limit: 50 });
        assert.equal(res.points.length, want.length);
        res.points.forEach((p, i) =>
          assert.ok(close(p.score, want[i]!.score), `${p.score} vs ${want[i]!.score}`),
        );
        const legacy = await db.search('s', { vector: { name: 'text', vector: q }, limit: 50 });
        assert.deepEqual(legacy, res.points);
      },
    ),
    { numRuns: 60 },
  );
});

test('sparse vectors are validated, reported in the config and returned as {indices, values}', async () => {
  const db = await Quiver.open();
  await db.createCollection('s', {
    sparse_vectors: { text: { modifier: 'idf', index: { on_disk: false } } },
  });
  const info = await db.getCollection('s');
  assert.deepEqual(info.config.params.sparse_vectors, {
    text: { modifier: 'idf', index: { on_disk: false } },
  });
  const bad = async (v: unknown, re: RegExp) =>
    assert.rejects(
      db.upsert('s', { points: [{ id: 1, vector: { text: v } as never }] }),
      (e: unknown) => {
        assert.ok(
          e instanceof QuiverError && e.code === 'INVALID_VECTOR' && re.test(e.message),
          String(e),
        );
        return true;
      },
    );
  await bad({ indices: [1, 2], values: [1] }, /one value per index/);
  await bad({ indices: [1, 1], values: [1, 2] }, /unique/);
  await bad({ indices: [-1], values: [1] }, /integer from 0/);
  await bad({ indices: [1], values: [Infinity] }, /finite/);
  await bad([1, 2], /sparse/);
  await db.upsert('s', {
    points: [{ id: 1, vector: { text: { indices: [5, 2], values: [0.5, 1] } } }],
  });
  const [rec] = await db.retrieve('s', { ids: [1], with_vector: true });
  assert.deepEqual(rec!.vector, { text: { indices: [2, 5], values: [1, 0.5] } });
  const q = await db.query('s', {
    query: { indices: [2], values: [2] },
    using: 'text',
    with_vector: true,
  });
  assert.deepEqual(q.points[0]!.vector, { text: { indices: [2, 5], values: [1, 0.5] } });
  await assert.rejects(
    db.query('s', { query: { indices: [2, 3], values: [2] }, using: 'text' }),
    /one value per index/,
  );
  await assert.rejects(
    db.createCollection('x', {
      vectors: { a: { size: 1, distance: 'Dot' } },
      sparse_vectors: { a: {} },
    }),
    /already a dense vector/,
  );
});

test('has_vector matches points that hold a sparse vector (and only those)', async () => {
  const db = await Quiver.open();
  await db.createCollection('s', {
    vectors: { d: { size: 1, distance: 'Dot' } },
    sparse_vectors: { text: {} },
  });
  await db.upsert('s', {
    points: [
      { id: 1, vector: { d: [1], text: { indices: [1], values: [1] } } },
      { id: 2, vector: { d: [1] } },
    ],
  });
  const res = await db.scroll('s', { filter: { must: [{ has_vector: 'text' }] } });
  assert.deepEqual(
    res.points.map((p) => p.id),
    [1],
  );
});
