// Query API against oracles: recommend strategies, RRF/DBSF over prefetch, groups, for random
// collections of small integer vectors (so exact ties happen and exercise the tie order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Quiver } from '../../src/index.js';
import { type Dist, close, lcg, publicScore, rank, rawSim, sigmoid } from './oracle.js';

interface Pt {
  id: number;
  vector: number[];
  payload: { g: number; tag: string };
}

async function setup(distance: Dist, dim: number, n: number, seed: number) {
  const rnd = lcg(seed);
  const points: Pt[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    vector: Array.from({ length: dim }, rnd),
    payload: { g: i % 4, tag: i % 3 === 0 ? 'a' : 'b' },
  }));
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: dim, distance } });
  if (n > 0) await db.upsert('c', { points });
  return { db, points };
}

const idsOf = (pts: { id: unknown }[]) => pts.map((p) => p.id);

function tiesById<T extends { id: unknown; score: number }>(list: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < list.length;) {
    let j = i + 1;
    while (j < list.length && close(list[j]!.score, list[i]!.score)) j++;
    const run = list.slice(i, j);
    run.sort((a, b) => String(a.id).localeCompare(String(b.id), 'en', { numeric: true }));
    out.push(...run);
    i = j;
  }
  return out;
}

function assertRanked(
  got: { id: unknown; score: number }[],
  want: { id: number; score: number }[],
) {
  // Scores equal up to float rounding (sums taken in another order) are ties: within a run of
  // them the order is by id on both sides, so rounding noise cannot fail the comparison.
  assert.deepEqual(
    idsOf(tiesById(got)),
    idsOf(tiesById(want)),
    `ids ${JSON.stringify(got)} vs ${JSON.stringify(want)}`,
  );
  got.forEach((g, i) =>
    assert.ok(close(g.score, want[i]!.score), `score ${g.score} vs ${want[i]!.score}`),
  );
}

test('recommend: every strategy equals the oracle (ids and vectors as examples, example ids excluded)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Dist>('Dot', 'Euclid', 'Manhattan', 'Cosine'),
      fc.constantFrom('average_vector', 'best_score', 'sum_scores'),
      fc.integer({ min: 4, max: 25 }),
      fc.integer({ min: 0, max: 2 ** 30 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 2 }),
      async (distance, strategy, n, seed, nPos, nNeg) => {
        const dim = 3;
        const { db, points } = await setup(distance, dim, n, seed);
        const rnd = lcg(seed + 1);
        const posIds = [1, 2, 3].slice(0, nPos);
        const negVec = Array.from({ length: nNeg }, () => Array.from({ length: dim }, rnd));
        const pos = posIds.map((id) => points[id - 1]!.vector);
        const res = await db.query('c', {
          query: { recommend: { positive: posIds, negative: negVec, strategy } },
          limit: 5,
        });
        const candidates = points.filter((p) => !posIds.includes(p.id));
        let want: { id: number; score: number }[];
        const stored = (v: number[]) => (distance === 'Cosine' ? normaliseAll(v) : v);
        if (strategy === 'average_vector') {
          const avg = (vs: number[][]) =>
            vs[0]!.map((_, i) => vs.reduce((s, v) => s + stored(v)[i]!, 0) / vs.length);
          const ap = avg(pos);
          const q = negVec.length === 0 ? ap : ap.map((x, i) => x + (x - avg(negVec)[i]!));
          want = rank(
            candidates.map((p) => ({ id: p.id, score: publicScore(distance, q, p.vector) })),
            distance === 'Euclid' || distance === 'Manhattan',
          );
        } else {
          want = rank(
            candidates.map((p) => {
              const sp = pos.map((v) => rawSim(distance, v, p.vector));
              const sn = negVec.map((v) => rawSim(distance, v, p.vector));
              const score =
                strategy === 'sum_scores'
                  ? sp.reduce((a, b) => a + b, 0) - sn.reduce((a, b) => a + b, 0)
                  : Math.max(...sp) > Math.max(-Infinity, ...sn)
                    ? sigmoid(Math.max(...sp))
                    : -sigmoid(Math.max(...sn));
              return { id: p.id, score };
            }),
          );
        }
        // Near-ties of float averages may legitimately swap: compare scores position by position.
        assert.equal(res.points.length, Math.min(5, candidates.length));
        res.points.forEach((g, i) =>
          assert.ok(close(g.score, want[i]!.score), `${strategy} ${g.score} vs ${want[i]!.score}`),
        );
        if (strategy !== 'average_vector') assertRanked(res.points, want.slice(0, 5));
        for (const id of posIds) assert.ok(!idsOf(res.points).includes(id));
      },
    ),
    { numRuns: 40 },
  );
});

function normaliseAll(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((s, t) => s + t * t, 0));
  return n === 0 ? v : v.map((t) => Math.fround(t / n));
}

function rrfOracle(lists: number[][], k: number, weights?: number[]) {
  const acc = new Map<number, number>();
  lists.forEach((l, li) =>
    l.forEach((id, pos) => {
      const w = weights?.[li] ?? 1;
      const s = w <= 0 ? 0 : 1 / ((pos + 1) / w + k - 1);
      acc.set(id, (acc.get(id) ?? 0) + s);
    }),
  );
  return rank([...acc].map(([id, score]) => ({ id, score })));
}

function dbsfOracle(lists: { id: number; score: number }[][]) {
  const acc = new Map<number, number>();
  for (const l of lists) {
    const n = l.length;
    const mean = l.reduce((s, h) => s + h.score, 0) / n;
    const std = n < 2 ? 0 : Math.sqrt(l.reduce((s, h) => s + (h.score - mean) ** 2, 0) / (n - 1));
    for (const h of l) {
      const norm = std === 0 ? 0.5 : (h.score - (mean - 3 * std)) / (6 * std);
      acc.set(h.id, (acc.get(h.id) ?? 0) + norm);
    }
  }
  return rank([...acc].map(([id, score]) => ({ id, score })));
}

test('fusion: rrf (k, weights) and dbsf over filtered prefetches equal the oracle', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 2 ** 30 }),
      fc.constantFrom('rrf', 'dbsf', 'rrf-k', 'rrf-weights'),
      fc.integer({ min: 1, max: 8 }),
      async (n, seed, method, plimit) => {
        const dim = 2;
        const db = await Quiver.open();
        await db.createCollection('c', {
          vectors: { a: { size: dim, distance: 'Dot' }, b: { size: dim, distance: 'Euclid' } },
        });
        const rnd = lcg(seed);
        const points = Array.from({ length: n }, (_, i) => ({
          id: i + 1,
          vector: { a: [rnd(), rnd()], b: [rnd(), rnd()] },
          payload: { g: i % 3 },
        }));
        if (n > 0) await db.upsert('c', { points });
        const qa = [rnd(), rnd()];
        const qb = [rnd(), rnd()];
        const listA = rank(
          points
            .filter((p) => p.payload.g !== 0)
            .map((p) => ({ id: p.id, score: publicScore('Dot', qa, p.vector.a) })),
        ).slice(0, plimit);
        const listB = rank(
          points.map((p) => ({ id: p.id, score: publicScore('Euclid', qb, p.vector.b) })),
          true,
        ).slice(0, plimit);
        const prefetch = [
          {
            query: qa,
            using: 'a',
            limit: plimit,
            filter: { must_not: [{ key: 'g', match: { value: 0 } }] },
          },
          { query: qb, using: 'b', limit: plimit },
        ];
        let query: unknown;
        let want: { id: number; score: number }[];
        if (method === 'dbsf') {
          query = { fusion: 'dbsf' };
          want = dbsfOracle([listA, listB.map((h) => ({ id: h.id, score: -h.score }))]);
        } else if (method === 'rrf') {
          query = { fusion: 'rrf' };
          want = rrfOracle([listA.map((h) => h.id), listB.map((h) => h.id)], 2);
        } else if (method === 'rrf-k') {
          query = { rrf: { k: 60 } };
          want = rrfOracle([listA.map((h) => h.id), listB.map((h) => h.id)], 60);
        } else {
          query = { rrf: { weights: [3, 0.5] } };
          want = rrfOracle([listA.map((h) => h.id), listB.map((h) => h.id)], 2, [3, 0.5]);
        }
        const res = await db.query('c', { prefetch, query: query as never, limit: 20 });
        if (method === 'dbsf') {
          // Mathematically tied DBSF sums may differ in the last bits: compare rounded scores.
          const key = (p: { id: unknown; score: number }) =>
            `${p.score.toFixed(9)}/${String(p.id)}`;
          assert.deepEqual(res.points.map(key).sort(), want.map(key).sort());
          res.points.forEach((p, i) => i === 0 || assert.ok(p.score <= res.points[i - 1]!.score));
        } else assertRanked(res.points, want);
      },
    ),
    { numRuns: 60 },
  );
});

test('groups: grouped by best hit, group_size and limit honoured, arrays join several groups', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 2 ** 30 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 5 }),
      async (n, seed, groupSize, limit) => {
        const rnd = lcg(seed);
        const db = await Quiver.open();
        await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
        const cats = ['x', 'y', 'z'];
        const points = Array.from({ length: n }, (_, i) => {
          const r = Math.abs(rnd()) % 5;
          const cat = r === 4 ? [cats[i % 3]!, 7] : r === 3 ? 1.5 : r === 2 ? 7 : cats[r]!;
          return { id: i + 1, vector: [rnd(), rnd()], payload: { cat } };
        });
        if (n > 0) await db.upsert('c', { points });
        const q = [rnd(), rnd()];
        const ranked = rank(
          points.map((p) => ({
            id: p.id,
            score: publicScore('Dot', q, p.vector),
            cat: p.payload.cat,
          })),
        );
        const groups = new Map<string, { id: string | number; hits: number[] }>();
        for (const h of ranked) {
          const vals = (Array.isArray(h.cat) ? h.cat : [h.cat]).filter(
            (v) => typeof v === 'string' || Number.isInteger(v),
          );
          for (const v of vals) {
            const k = `${typeof v}:${v}`;
            if (!groups.has(k)) {
              if (groups.size === limit) continue;
              groups.set(k, { id: v, hits: [] });
            }
            const g = groups.get(k)!;
            if (g.hits.length < groupSize) g.hits.push(h.id);
          }
        }
        const res = await db.queryGroups('c', {
          query: q,
          group_by: 'cat',
          group_size: groupSize,
          limit,
        });
        assert.deepEqual(
          res.groups.map((g) => ({ id: g.id, hits: g.hits.map((h) => h.id) })),
          [...groups.values()],
        );
      },
    ),
    { numRuns: 60 },
  );
});
