// Exact search against an oracle computed here: score every point by the textbook formula,
// sort, and compare ids and scores (ties broken by id, numbers before UUIDs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Quiver } from '../../src/index.js';

type Dist = 'Cosine' | 'Euclid' | 'Dot' | 'Manhattan';

function oracleScore(distance: Dist, a: number[], b: number[]): number {
  const f32 = (v: number[]) => Array.from(new Float32Array(v));
  let x = f32(a);
  let y = f32(b);
  if (distance === 'Cosine') {
    const norm = (v: number[]) => {
      const n = Math.sqrt(v.reduce((s, t) => s + t * t, 0));
      return n === 0 ? v : f32(v.map((t) => t / n));
    };
    x = norm(x);
    y = norm(y);
  }
  switch (distance) {
    case 'Cosine':
    case 'Dot':
      return x.reduce((s, t, i) => s + t * y[i]!, 0);
    case 'Euclid':
      return Math.sqrt(x.reduce((s, t, i) => s + (t - y[i]!) ** 2, 0));
    case 'Manhattan':
      return x.reduce((s, t, i) => s + Math.abs(t - y[i]!), 0);
  }
}

const smallerIsBetter = (d: Dist) => d === 'Euclid' || d === 'Manhattan';

test('query and search return exactly the oracle top-k for every distance', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Dist>('Cosine', 'Euclid', 'Dot', 'Manhattan'),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 1, max: 15 }),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      async (distance, dim, n, limit, offset, seed) => {
        // Small integer components make exact ties common, exercising the tie order.
        let s = seed;
        const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) % 7) - 3;
        const points = Array.from({ length: n }, (_, i) => ({
          id: i % 3 === 0 ? `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` : i * 7,
          vector: Array.from({ length: dim }, rnd),
          payload: { i, even: i % 2 === 0 },
        }));
        const q = Array.from({ length: dim }, rnd);
        const db = await Quiver.open();
        await db.createCollection('c', { vectors: { size: dim, distance } });
        if (n > 0) await db.upsert('c', { points });
        const order = (
          a: { id: number | string; score: number },
          b: { id: number | string; score: number },
        ) => {
          if (a.score !== b.score)
            return smallerIsBetter(distance) ? a.score - b.score : b.score - a.score;
          if (typeof a.id !== typeof b.id) return typeof a.id === 'number' ? -1 : 1;
          return a.id < b.id ? -1 : 1;
        };
        const expected = points
          .filter((p) => p.payload.even)
          .map((p) => ({ id: p.id, score: oracleScore(distance, q, p.vector) }))
          .sort(order)
          .slice(offset, offset + limit);
        const filter = { must: [{ key: 'even', match: { value: true } }] };
        const { points: got } = await db.query('c', { query: q, filter, limit, offset });
        assert.deepEqual(
          got.map((p) => p.id),
          expected.map((p) => p.id),
        );
        got.forEach((p, i) => assert.ok(Math.abs(p.score - expected[i]!.score) < 1e-4));
        const legacy = await db.search('c', { vector: q, filter, limit, offset });
        assert.deepEqual(legacy, got);
        await db.close();
      },
    ),
    { numRuns: 120 },
  );
});

test('score_threshold keeps results at least as good as the threshold', async () => {
  const db = await Quiver.open();
  await db.createCollection('e', { vectors: { size: 2, distance: 'Euclid' } });
  await db.createCollection('d', { vectors: { size: 2, distance: 'Dot' } });
  const points = [1, 2, 3, 4].map((i) => ({ id: i, vector: [i, 0] }));
  await db.upsert('e', { points });
  await db.upsert('d', { points });
  const e = await db.query('e', { query: [0, 0], score_threshold: 2 });
  assert.deepEqual(
    e.points.map((p) => [p.id, p.score]),
    [
      [1, 1],
      [2, 2],
    ],
  );
  const d = await db.query('d', { query: [1, 0], score_threshold: 3 });
  assert.deepEqual(
    d.points.map((p) => p.id),
    [4, 3],
  );
});

test('named vectors: `using` picks the vector; points lacking it are not candidates', async () => {
  const db = await Quiver.open();
  await db.createCollection('n', {
    vectors: { img: { size: 2, distance: 'Dot' }, txt: { size: 3, distance: 'Cosine' } },
  });
  await db.upsert('n', {
    points: [
      { id: 1, vector: { img: [1, 0], txt: [1, 0, 0] } },
      { id: 2, vector: { img: [2, 0] } },
      { id: 3, vector: { txt: [0, 1, 0] } },
    ],
  });
  const img = await db.query('n', { query: [1, 0], using: 'img', with_vector: true });
  assert.deepEqual(
    img.points.map((p) => p.id),
    [2, 1],
  );
  assert.deepEqual(img.points[0]!.vector, { img: [2, 0] });
  const txt = await db.query('n', { query: [0, 1, 0], using: 'txt' });
  assert.deepEqual(
    txt.points.map((p) => p.id),
    [3, 1],
  );
  const legacy = await db.search('n', { vector: { name: 'txt', vector: [0, 1, 0] }, limit: 1 });
  assert.deepEqual(
    legacy.map((p) => p.id),
    [3],
  );
  await assert.rejects(db.query('n', { query: [1, 0] }), { code: 'VECTOR_NAME_NOT_FOUND' });
});

test('query by point id uses its vector and leaves the point itself out', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 2, distance: 'Euclid' } });
  await db.upsert('c', {
    points: [
      { id: 1, vector: [0, 0] },
      { id: 2, vector: [1, 0] },
      { id: 3, vector: [5, 0] },
    ],
  });
  const r = await db.query('c', { query: 1 });
  assert.deepEqual(
    r.points.map((p) => [p.id, p.score]),
    [
      [2, 1],
      [3, 5],
    ],
  );
  const nearest = await db.query('c', { query: { nearest: 3 }, limit: 1 });
  assert.deepEqual(
    nearest.points.map((p) => p.id),
    [2],
  );
  await assert.rejects(db.query('c', { query: 99 }), { code: 'POINT_NOT_FOUND' });
});

test('cosine vectors are normalised on insert and returned normalised', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 2, distance: 'Cosine' } });
  await db.upsert('c', { points: [{ id: 1, vector: [3, 4] }] });
  const [rec] = await db.retrieve('c', { ids: [1], with_vector: true });
  const v = rec!.vector as number[];
  assert.ok(Math.abs(v[0]! - 0.6) < 1e-6 && Math.abs(v[1]! - 0.8) < 1e-6);
  const r = await db.query('c', { query: [30, 40] });
  assert.ok(Math.abs(r.points[0]!.score - 1) < 1e-6);
});

test('with_payload selectors and defaults of search', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await db.upsert('c', { points: [{ id: 1, vector: [1], payload: { a: 1, b: { c: 2, d: 3 } } }] });
  const none = await db.query('c', { query: [1] });
  assert.equal(none.points[0]!.payload, null);
  assert.equal(none.points[0]!.vector, null);
  const inc = await db.query('c', { query: [1], with_payload: ['b.c'] });
  assert.deepEqual(inc.points[0]!.payload, { b: { c: 2 } });
  const exc = await db.query('c', { query: [1], with_payload: { exclude: ['b.d'] } });
  assert.deepEqual(exc.points[0]!.payload, { a: 1, b: { c: 2 } });
  const inc2 = await db.query('c', { query: [1], with_payload: { include: ['a'] } });
  assert.deepEqual(inc2.points[0]!.payload, { a: 1 });
});

test('search spans several segments and still returns the exact top-k', async () => {
  const db = await Quiver.open();
  // max_segment_size is in KiB of vectors: 1 KiB / (4 dims * 4 bytes) = 64 points per segment.
  await db.createCollection('c', {
    vectors: { size: 4, distance: 'Euclid' },
    optimizers_config: { max_segment_size: 1 },
  });
  const points = Array.from({ length: 300 }, (_, i) => ({ id: i, vector: [i, 0, 0, 0] }));
  await db.upsert('c', { points });
  // Rewrite some old points: copy-on-write moves them to the appendable segment.
  await db.upsert('c', { points: [{ id: 5, vector: [1000, 0, 0, 0] }] });
  const info = await db.getCollection('c');
  assert.ok(info.segments_count >= 5, `segments: ${info.segments_count}`);
  assert.equal(info.points_count, 300);
  const r = await db.query('c', { query: [1000, 0, 0, 0], limit: 3 });
  assert.deepEqual(
    r.points.map((p) => p.id),
    [5, 299, 298],
  );
  assert.equal((await db.count('c')).count, 300);
});
