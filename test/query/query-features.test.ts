// Query API features against exact scores computed here: ids and vectors as queries, points
// lacking a named vector, filters inside prefetch, nested prefetch rescoring, discover/context,
// order_by, sample, mmr, lookup_from, empty collections, batch and the legacy shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiver } from '../../src/index.js';
import { close, fastSigmoidOf, publicScore, rank, rawSim, sigmoid } from './oracle.js';

const V: Record<number, number[]> = {
  1: [1, 0],
  2: [0, 1],
  3: [1, 1],
  4: [2, -1],
  5: [-1, 2],
  6: [3, 0],
};

async function dotCollection() {
  const db = await Quiver.open();
  await db.createCollection('c', {
    vectors: { d: { size: 2, distance: 'Dot' }, e: { size: 2, distance: 'Euclid' } },
  });
  await db.upsert('c', {
    points: Object.entries(V).map(([id, v]) => ({
      id: Number(id),
      // Point 6 lacks vector "e".
      vector: (Number(id) === 6 ? { d: v } : { d: v, e: v }) as Record<string, number[]>,
      payload: { n: Number(id), kind: Number(id) % 2 === 0 ? 'even' : 'odd', t: [Number(id), 'x'] },
    })),
  });
  return db;
}

const ids = (pts: { id: unknown }[]) => pts.map((p) => p.id);

test('nearest by vector, by id (excluded) and {nearest}; points lacking the vector are skipped', async () => {
  const db = await dotCollection();
  const q = [1, 2];
  const want = rank(
    Object.entries(V).map(([id, v]) => ({ id: Number(id), score: publicScore('Dot', q, v) })),
  );
  assert.deepEqual(ids((await db.query('c', { query: q, using: 'd' })).points), ids(want));
  assert.deepEqual(
    ids((await db.query('c', { query: { nearest: q }, using: 'd', limit: 2, offset: 1 })).points),
    ids(want.slice(1, 3)),
  );
  const byId = await db.query('c', { query: 3, using: 'e' });
  const wantE = rank(
    [1, 2, 4, 5].map((id) => ({ id, score: publicScore('Euclid', V[3]!, V[id]!) })),
    true,
  );
  assert.deepEqual(ids(byId.points), ids(wantE));
  byId.points.forEach((p, i) => assert.ok(close(p.score, wantE[i]!.score)));
});

test('empty collection and no matches give empty results', async () => {
  const db = await Quiver.open();
  await db.createCollection('e', { vectors: { size: 2, distance: 'Dot' } });
  assert.deepEqual((await db.query('e', { query: [1, 0] })).points, []);
  assert.deepEqual(
    (await db.query('e', { prefetch: [{ query: [1, 0] }], query: { fusion: 'rrf' } })).points,
    [],
  );
  assert.deepEqual((await db.queryGroups('e', { query: [1, 0], group_by: 'k' })).groups, []);
  assert.deepEqual(await db.facet('e', { key: 'k' }), { hits: [] });
  assert.deepEqual(await db.searchMatrixPairs('e', {}), { pairs: [] });
});

test('prefetch: the filter applies inside, the root rescoring sees only the prefetched points', async () => {
  const db = await dotCollection();
  const res = await db.query('c', {
    prefetch: {
      query: [1, 0],
      using: 'd',
      limit: 3,
      filter: { must: [{ key: 'kind', match: { value: 'odd' } }] },
    },
    query: [0, 1],
    using: 'd',
  });
  // odd points by [1,0]: 1 (1), 3 (1), 5 (-1) → rescored by [0,1]: 5 (2), 3 (1), 1 (0)
  assert.deepEqual(ids(res.points), [5, 3, 1]);
  assert.deepEqual(
    res.points.map((p) => p.score),
    [2, 1, 0],
  );
  // Root filter propagates into the prefetch.
  const filtered = await db.query('c', {
    prefetch: [{ query: [1, 0], using: 'd', limit: 2 }],
    query: [0, 1],
    using: 'd',
    filter: { must: [{ key: 'n', range: { lt: 4 } }] },
  });
  assert.deepEqual(ids(filtered.points), [3, 1]);
  // Nested prefetch: inner by e, outer by d, root fuses with one list.
  const nested = await db.query('c', {
    prefetch: {
      prefetch: { query: [0, 0], using: 'e', limit: 4 },
      query: [1, 0],
      using: 'd',
      limit: 2,
    },
    query: { fusion: 'rrf' },
  });
  // e-distance to origin: 1:1, 2:1, 3:1.41, 4:2.24, 5:2.24 → top4 1,2,3,4(ties by id) → d·[1,0]: 4 (2), 1/3 (1)
  assert.deepEqual(ids(nested.points), [4, 1]);
  assert.deepEqual(
    nested.points.map((p) => p.score),
    [0.5, 1 / 3],
  );
});

test('discover and context scores equal the oracle; best is closest to positives', async () => {
  const db = await dotCollection();
  const res = await db.query('c', {
    query: { discover: { target: [1, 1], context: [{ positive: 1, negative: 2 }] } },
    using: 'e',
    limit: 10,
  });
  const want = rank(
    [3, 4, 5].map((id) => {
      const r = rawSim('Euclid', V[1]!, V[id]!) > rawSim('Euclid', V[2]!, V[id]!) ? 1 : -1;
      return { id, score: r + sigmoid(rawSim('Euclid', [1, 1], V[id]!)) };
    }),
  );
  assert.deepEqual(ids(res.points), ids(want));
  res.points.forEach((p, i) => assert.ok(close(p.score, want[i]!.score)));
  const ctx = await db.query('c', {
    query: { context: { positive: [1, 0], negative: [0, 1] } },
    using: 'd',
  });
  const wantC = rank(
    [1, 2, 3, 4, 5, 6].map((id) => ({
      id,
      score: fastSigmoidOf(
        Math.min(
          rawSim('Dot', [1, 0], V[id]!) - rawSim('Dot', [0, 1], V[id]!) - 1.1920928955078125e-7,
          0,
        ),
      ),
    })),
  );
  assert.deepEqual(ids(ctx.points), ids(wantC));
});

test('order_by, sample and query without query', async () => {
  const db = await dotCollection();
  const desc = await db.query('c', {
    query: { order_by: { key: 'n', direction: 'desc' } },
    limit: 3,
  });
  assert.deepEqual(ids(desc.points), [6, 5, 4]);
  assert.deepEqual(
    desc.points.map((p) => p.order_value),
    [6, 5, 4],
  );
  const sample = await db.query('c', { query: { sample: 'random' }, limit: 10 });
  assert.deepEqual(ids(sample.points).sort(), [1, 2, 3, 4, 5, 6]);
  const none = await db.query('c', {
    limit: 3,
    filter: { must: [{ key: 'kind', match: { value: 'even' } }] },
  });
  assert.deepEqual(ids(none.points), [2, 4, 6]);
});

test('mmr: first pick is the most relevant, later picks are penalised by similarity to picks', async () => {
  const db = await Quiver.open();
  await db.createCollection('m', { vectors: { size: 2, distance: 'Cosine' } });
  const pts = { 1: [1, 0], 2: [1, 0.01], 3: [0.7, 0.7], 4: [0, 1] } as Record<number, number[]>;
  await db.upsert('m', {
    points: Object.entries(pts).map(([id, vector]) => ({ id: Number(id), vector })),
  });
  const d = 0.7;
  const res = await db.query('m', {
    query: { nearest: [1, 0], mmr: { diversity: d, candidates_limit: 4 } },
    limit: 3,
  });
  // Oracle: greedy MMR over cosine similarities.
  const sim = (a: number[], b: number[]) => publicScore('Cosine', a, b);
  const left = [1, 2, 3, 4];
  const picked: number[] = [];
  const scores: number[] = [];
  while (picked.length < 3) {
    let best = -1;
    let bestScore = -Infinity;
    for (const id of left) {
      const pen = picked.length === 0 ? 0 : Math.max(...picked.map((p) => sim(pts[p]!, pts[id]!)));
      const s = (1 - d) * sim([1, 0], pts[id]!) - d * pen;
      if (s > bestScore) [best, bestScore] = [id, s];
    }
    picked.push(best);
    scores.push(bestScore);
    left.splice(left.indexOf(best), 1);
  }
  assert.deepEqual(ids(res.points), picked);
  res.points.forEach((p, i) => assert.ok(close(p.score, scores[i]!)));
  assert.notDeepEqual(picked.slice(0, 2), [1, 2]);
});

test('lookup_from reads example vectors from another collection (not excluded here)', async () => {
  const db = await dotCollection();
  await db.createCollection('other', { vectors: { size: 2, distance: 'Dot' } });
  await db.upsert('other', { points: [{ id: 3, vector: [0, 5] }] });
  const res = await db.query('c', {
    query: 3,
    using: 'd',
    lookup_from: { collection: 'other' },
    limit: 2,
  });
  assert.deepEqual(ids(res.points), [5, 2]);
  assert.deepEqual(
    res.points.map((p) => p.score),
    [10, 5],
  );
});

test('with_payload / with_vector in the query API; groups with_lookup', async () => {
  const db = await dotCollection();
  const res = await db.query('c', {
    query: [1, 0],
    using: 'd',
    limit: 1,
    with_payload: ['n'],
    with_vector: ['d'],
  });
  assert.deepEqual(res.points[0], {
    id: 6,
    version: res.points[0]!.version,
    score: 3,
    payload: { n: 6 },
    vector: { d: [3, 0] },
  });
  await db.createCollection('kinds', { vectors: { size: 1, distance: 'Dot' } });
  await db.upsert('kinds', { points: [{ id: 6, vector: [1], payload: { label: 'six' } }] });
  const groups = await db.queryGroups('c', {
    query: [1, 0],
    using: 'd',
    group_by: 't',
    group_size: 1,
    limit: 2,
    with_lookup: 'kinds',
  });
  assert.deepEqual(
    groups.groups.map((g) => g.id),
    [6, 'x'],
  );
  assert.deepEqual(groups.groups[0]!.lookup, { id: 6, payload: { label: 'six' }, vector: null });
  assert.equal(groups.groups[1]!.lookup, undefined);
});

test('queryBatch and legacy shapes agree with the Query API', async () => {
  const db = await dotCollection();
  const a = await db.query('c', { query: [1, 2], using: 'd', limit: 3 });
  const [b1, b2] = await db.queryBatch('c', {
    searches: [
      { query: [1, 2], using: 'd', limit: 3 },
      { query: 1, using: 'd' },
    ],
  });
  assert.deepEqual(b1, a);
  assert.ok(!ids(b2!.points).includes(1));
  assert.deepEqual(
    await db.search('c', { vector: { name: 'd', vector: [1, 2] }, limit: 3 }),
    a.points,
  );
  assert.deepEqual(
    await db.searchBatch('c', { searches: [{ vector: { name: 'd', vector: [1, 2] }, limit: 3 }] }),
    [a.points],
  );
  const rec = await db.query('c', {
    query: { recommend: { positive: [1], negative: [2], strategy: 'best_score' } },
    using: 'd',
    limit: 4,
  });
  assert.deepEqual(
    await db.recommend('c', {
      positive: [1],
      negative: [2],
      strategy: 'best_score',
      using: 'd',
      limit: 4,
    }),
    rec.points,
  );
  assert.deepEqual(
    await db.recommendBatch('c', {
      searches: [{ positive: [1], negative: [2], strategy: 'best_score', using: 'd', limit: 4 }],
    }),
    [rec.points],
  );
  const disc = await db.query('c', {
    query: { discover: { target: 3, context: [{ positive: 1, negative: 2 }] } },
    using: 'd',
    limit: 3,
  });
  assert.deepEqual(
    await db.discover('c', {
      target: 3,
      context: [{ positive: 1, negative: 2 }],
      using: 'd',
      limit: 3,
    }),
    disc.points,
  );
  assert.deepEqual(
    await db.discoverBatch('c', {
      searches: [{ target: 3, context: [{ positive: 1, negative: 2 }], using: 'd', limit: 3 }],
    }),
    [disc.points],
  );
  const groups = await db.queryGroups('c', {
    query: [1, 2],
    using: 'd',
    group_by: 'kind',
    limit: 2,
    group_size: 2,
  });
  assert.deepEqual(
    await db.searchGroups('c', {
      vector: { name: 'd', vector: [1, 2] },
      group_by: 'kind',
      limit: 2,
      group_size: 2,
    }),
    groups,
  );
  const rgroups = await db.queryGroups('c', {
    query: { recommend: { positive: [1] } },
    using: 'd',
    group_by: 'kind',
    limit: 2,
  });
  assert.deepEqual(
    await db.recommendGroups('c', { positive: [1], using: 'd', group_by: 'kind', limit: 2 }),
    rgroups,
  );
});

test('facet counts values (arrays once per point), ordered by count then value', async () => {
  const db = await dotCollection();
  await db.upsert('c', {
    points: [{ id: 7, vector: { d: [0, 0] }, payload: { t: ['x', 'x', true, 1.5] } }],
  });
  const res = await db.facet('c', { key: 't', limit: 4 });
  assert.deepEqual(res.hits, [
    { value: 'x', count: 7 },
    { value: 1, count: 1 },
    { value: 2, count: 1 },
    { value: 3, count: 1 },
  ]);
  const filtered = await db.facet('c', {
    key: 'kind',
    filter: { must: [{ key: 'n', range: { gte: 3 } }] },
  });
  assert.deepEqual(filtered.hits, [
    { value: 'even', count: 2 },
    { value: 'odd', count: 2 },
  ]);
});

test('distance matrix: pairs and offsets over the deterministic sample equal the oracle', async () => {
  const db = await dotCollection();
  const pairs = await db.searchMatrixPairs('c', { sample: 4, limit: 2, using: 'e' });
  const sample = [1, 2, 3, 4];
  const want = sample.flatMap((a) =>
    rank(
      sample
        .filter((b) => b !== a)
        .map((b) => ({ id: b, score: publicScore('Euclid', V[a]!, V[b]!) })),
      true,
    )
      .slice(0, 2)
      .map((h) => ({ a, b: h.id, score: h.score })),
  );
  assert.deepEqual(
    pairs.pairs.map((p) => [p.a, p.b]),
    want.map((p) => [p.a, p.b]),
  );
  pairs.pairs.forEach((p, i) => assert.ok(close(p.score, want[i]!.score)));
  const offsets = await db.searchMatrixOffsets('c', { sample: 4, limit: 2, using: 'e' });
  assert.deepEqual(offsets.ids, sample);
  assert.deepEqual(offsets.offsets_row, [0, 0, 1, 1, 2, 2, 3, 3]);
  assert.deepEqual(
    offsets.offsets_col.map((j, i) => [sample[offsets.offsets_row[i]!], sample[j]]),
    want.map((p) => [p.a, p.b]),
  );
});

test('extensions: similarity, findDuplicates (paged) and rangeSearch (paged)', async () => {
  const db = await dotCollection();
  assert.ok(
    close(
      (await db.similarity('c', { a: 1, b: 4, using: 'e' })).score,
      publicScore('Euclid', V[1]!, V[4]!),
    ),
  );
  const all = [1, 2, 3, 4, 5, 6].flatMap((a) =>
    [1, 2, 3, 4, 5, 6]
      .filter((b) => b > a)
      .map((b) => ({ a, b, score: publicScore('Dot', V[a]!, V[b]!) })),
  );
  const want = all
    .filter((p) => p.score >= 1)
    .sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b);
  const page1 = await db.findDuplicates('c', { threshold: 1, using: 'd', limit: 3 });
  const page2 = await db.findDuplicates('c', { threshold: 1, using: 'd', limit: 3, offset: 3 });
  const page3 = await db.findDuplicates('c', { threshold: 1, using: 'd', limit: 3, offset: 6 });
  assert.deepEqual([...page1.pairs, ...page2.pairs, ...page3.pairs], want);
  assert.equal(page3.next_offset, null);
  assert.equal(page1.next_offset, 3);
  const rs = await db.rangeSearch('c', { query: [0, 0], using: 'e', threshold: 1.5, limit: 2 });
  assert.deepEqual(ids(rs.points), [1, 2]);
  assert.equal(rs.next_offset, 2);
  const rs2 = await db.rangeSearch('c', {
    query: [0, 0],
    using: 'e',
    threshold: 1.5,
    limit: 2,
    offset: 2,
  });
  assert.deepEqual(ids(rs2.points), [3]);
  assert.equal(rs2.next_offset, null);
});
