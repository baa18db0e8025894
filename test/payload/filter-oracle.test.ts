/**
 * Property test: compiled filters agree with a deliberately plain oracle evaluator written here,
 * on random payloads (nested objects, arrays, nulls, numbers, strings, booleans, geo points,
 * datetimes) and random filters of every condition kind (slice is covered by examples).
 * The oracle does not import the code under test; generated filters carry their key paths as
 * token lists and datetimes come from a table of known instants, so no parsing is shared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileFilter } from '../../src/payload/filter.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const DATES: Record<string, number> = {
  '2024-01-01T00:00:00Z': T0,
  '2024-01-01T01:00:00+01:00': T0,
  '2024-01-01': T0,
  '2024-01-01 00:00': T0,
  '2024-01-01 00:00:00.250': T0 + 250,
  '2023-12-31T23:59:59Z': T0 - 1000,
  '2024-01-01T00:30:00-00:30': T0 + H,
  '2024-01-01T02:00:00+0100': T0 + H,
  '2024-01-01t03:00:00.5z': T0 + 3 * H + 500,
};
const DATE_STRINGS = Object.keys(DATES);
const STRINGS = ['red', 're', 'green', 'blue sky', '', 'abc 123', 'Red'];
const NUMBERS = [-2, -1, 0, 1, 2, 3, 0.5, -1.5, 2.5];
const GRID = [-1, 0, 1, 2, 3];
const geoPoint = fc.record({ lat: fc.constantFrom(...GRID), lon: fc.constantFrom(...GRID) });

// Point ids: canonical key and the spellings a filter may use.
const UUID = '550e8400-e29b-41d4-a716-446655440000';
const IDS: { key: string; spellings: (string | number | bigint)[] }[] = [
  { key: '1', spellings: [1] },
  { key: '2', spellings: [2] },
  { key: '18446744073709551615', spellings: [2n ** 64n - 1n] },
  { key: UUID, spellings: [UUID, UUID.toUpperCase(), UUID.replaceAll('-', '')] },
];

// --- payloads -----------------------------------------------------------------------------------

const leaf: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...DATE_STRINGS) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: geoPoint },
);
const { value: jsonValue } = fc.letrec<{ value: Json; obj: Obj }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    tie('obj'),
  ),
  obj: fc.dictionary(fc.constantFrom('x', 'd', 'a'), tie('value'), { maxKeys: 3 }),
}));
// Keys the filters use are present most of the time, in the shapes the paths reach into.
const inner: fc.Arbitrary<Obj> = fc.record(
  { x: jsonValue, d: leaf, a: fc.array(fc.record({ x: leaf }), { maxLength: 2 }) },
  { requiredKeys: [] },
);
const payloadArb: fc.Arbitrary<Obj> = fc.record(
  {
    a: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.array(fc.oneof({ weight: 4, arbitrary: inner }, leaf), { maxLength: 3 }),
      },
      { weight: 1, arbitrary: inner },
      { weight: 1, arbitrary: jsonValue },
    ),
    b: fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), jsonValue),
    c: fc.oneof(fc.record({ d: fc.oneof(leaf, fc.array(leaf, { maxLength: 2 })) }), jsonValue),
  },
  { requiredKeys: [] },
);
const pointArb = fc.record({
  id: fc.constantFrom(...IDS),
  payload: payloadArb,
  vectors: fc.subarray(['', 'img']),
});

// --- filters: the wire JSON plus what the oracle needs --------------------------------------------

type Tok = string; // a key, '[]' or '[N]'
interface Gen {
  wire: unknown;
  eval: (o: OracleCtx) => boolean;
}
interface OracleCtx {
  payload: Obj;
  id: string;
  vectors: string[];
  nested: boolean;
}

const TOP_PATHS: [string, Tok[]][] = [
  ['a', ['a']],
  ['b', ['b']],
  ['b', ['b']],
  ['b', ['b']],
  ['a[].x', ['a', '[]', 'x']],
  ['c.d', ['c', 'd']],
  ['a.x', ['a', 'x']],
  ['a[].x', ['a', '[]', 'x']],
  ['a[]', ['a', '[]']],
  ['a[0]', ['a', '[0]']],
  ['a[1].d', ['a', '[1]', 'd']],
  ['c.d', ['c', 'd']],
];
const INNER_PATHS: [string, Tok[]][] = [
  ['x', ['x']],
  ['d', ['d']],
  ['a[].x', ['a', '[]', 'x']],
];

/** Values at a path as stored (no flattening of the last array). */
function oracleRaw(value: Json, toks: Tok[]): Json[] {
  if (toks.length === 0) return [value];
  const [t, ...rest] = toks as [Tok, ...Tok[]];
  if (t === '[]') return Array.isArray(value) ? value.flatMap((v) => oracleRaw(v, rest)) : [];
  if (t.startsWith('[')) {
    const i = Number(t.slice(1, -1));
    return Array.isArray(value) && i < value.length ? oracleRaw(value[i] as Json, rest) : [];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return t in value ? oracleRaw(value[t] as Json, rest) : [];
}
function oracleFlat(value: Json, toks: Tok[]): Json[] {
  return oracleRaw(value, toks).flatMap((v) => (Array.isArray(v) ? v : [v]));
}
const isGeo = (v: Json): v is { lat: number; lon: number } =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  typeof v['lat'] === 'number' &&
  typeof v['lon'] === 'number';

function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

type Bounds = { gt?: number; gte?: number; lt?: number; lte?: number };
const inBounds = (x: number, b: Bounds) =>
  (b.gt === undefined || x > b.gt) &&
  (b.gte === undefined || x >= b.gte) &&
  (b.lt === undefined || x < b.lt) &&
  (b.lte === undefined || x <= b.lte);
function boundsArb<T>(values: fc.Arbitrary<T>) {
  return fc
    .record({ gt: values, gte: values, lt: values, lte: values }, { requiredKeys: [] })
    .filter((b) => Object.keys(b).length > 0);
}

/** A per-value test: wire `match`/`range`/geo body and the oracle's check of one value. */
type ValueTest = { field: string; body: unknown; ok: (v: Json) => boolean };

const valueTests: fc.Arbitrary<ValueTest>[] = [
  fc
    .oneof(fc.constantFrom(...STRINGS), fc.integer({ min: -2, max: 3 }), fc.boolean())
    .map((value) => ({
      field: 'match',
      body: { value },
      ok: (v: Json) => v === value,
    })),
  ...(['any', 'except'] as const).map((kind) =>
    fc
      .oneof(
        fc.uniqueArray(fc.constantFrom(...STRINGS), { maxLength: 3 }),
        fc.uniqueArray(fc.integer({ min: -2, max: 3 }), { minLength: 1, maxLength: 3 }),
      )
      .map((list: (string | number)[]) => {
        const strings = list.length === 0 || typeof list[0] === 'string';
        const inList = (v: Json) =>
          strings
            ? typeof v === 'string' && list.includes(v)
            : typeof v === 'number' && Number.isInteger(v) && list.includes(v);
        return {
          field: 'match',
          body: { [kind]: list },
          ok: kind === 'any' ? inList : (v: Json) => v !== null && !inList(v),
        };
      }),
  ),
  ...(
    [
      ['text', (v: string, q: string) => v.includes(q)],
      ['phrase', (v: string, q: string) => v.includes(q)],
      ['prefix', (v: string, q: string) => v.startsWith(q)],
      [
        'text_any',
        (v: string, q: string) => q.split(' ').some((tok) => tok !== '' && v.includes(tok)),
      ],
    ] as const
  ).map(([kind, ok]) =>
    fc.constantFrom('re', 'e', 'sky', '', 'abc 1', 'b', 're zz', 'green e').map((q) => ({
      field: 'match',
      body: { [kind]: q },
      ok: (v: Json) => typeof v === 'string' && ok(v, q),
    })),
  ),
  fc.constantFrom('^r', 'e$', 'b.u', '[0-9]+', '^$', 'a|g', '(?i)^red$').map((re) => ({
    field: 'match',
    body: { regex: re },
    ok: (v: Json) =>
      typeof v === 'string' &&
      new RegExp(re.replace('(?i)', ''), re.startsWith('(?i)') ? 'i' : '').test(v),
  })),
  boundsArb(fc.constantFrom(...NUMBERS)).map((b) => ({
    field: 'range',
    body: b,
    ok: (v: Json) => typeof v === 'number' && inBounds(v, b),
  })),
  boundsArb(fc.constantFrom(...DATE_STRINGS)).map((b) => {
    const inst: Bounds = Object.fromEntries(Object.entries(b).map(([k, s]) => [k, DATES[s]]));
    return {
      field: 'range',
      body: b,
      ok: (v: Json) => typeof v === 'string' && v in DATES && inBounds(DATES[v] as number, inst),
    };
  }),
  fc.tuple(geoPoint, geoPoint).map(([tl, br]) => ({
    field: 'geo_bounding_box',
    body: { top_left: tl, bottom_right: br },
    ok: (v: Json) => {
      if (!isGeo(v)) return false;
      const lonOk =
        tl.lon > br.lon ? v.lon > tl.lon || v.lon < br.lon : tl.lon < v.lon && v.lon < br.lon;
      return lonOk && br.lat < v.lat && v.lat < tl.lat;
    },
  })),
  fc.tuple(geoPoint, fc.constantFrom(0, 50_000, 120_000, 200_000, 400_000)).map(([c, radius]) => ({
    field: 'geo_radius',
    body: { center: c, radius },
    ok: (v: Json) => isGeo(v) && haversine(c.lat, c.lon, v.lat, v.lon) < radius,
  })),
  fc
    .tuple(
      fc.constantFrom(-1, 0),
      fc.constantFrom(2, 3),
      fc.constantFrom(-1, 0, 1),
      fc.constantFrom(2, 3),
      fc.boolean(),
    )
    .map(([lo, hi, lo2, hi2, wantHole]) => {
      // Holes must lie inside the exterior for the polygon to be valid.
      const hole = wantHole && lo2 < 0.5;
      const rect = (a: number, b: number, c: number, d: number) => ({
        points: [
          { lat: a, lon: c },
          { lat: a, lon: d },
          { lat: b, lon: d },
          { lat: b, lon: c },
          { lat: a, lon: c },
        ],
      });
      return {
        field: 'geo_polygon',
        body: {
          exterior: rect(lo, hi, lo2, hi2),
          ...(hole ? { interiors: [rect(0.5, 1.5, 0.5, 1.5)] } : {}),
        },
        ok: (v: Json) => {
          if (!isGeo(v)) return false;
          const inOuter = lo <= v.lat && v.lat <= hi && lo2 <= v.lon && v.lon <= hi2;
          const inHole = hole && 0.5 < v.lat && v.lat < 1.5 && 0.5 < v.lon && v.lon < 1.5;
          return inOuter && !inHole;
        },
      };
    }),
];

function leafCondition(paths: [string, Tok[]][]): fc.Arbitrary<Gen> {
  const path = fc.constantFrom(...paths);
  const field = fc.tuple(path, fc.oneof(...valueTests)).map(([[key, toks], t]) => ({
    wire: { key, [t.field]: t.body },
    eval: (o: OracleCtx) => oracleFlat(o.payload, toks).some(t.ok),
  }));
  const valuesCount = fc
    .tuple(path, boundsArb(fc.integer({ min: 0, max: 3 })))
    .map(([[key, toks], b]) => ({
      wire: { key, values_count: b },
      eval: (o: OracleCtx) => {
        const raw = oracleRaw(o.payload, toks);
        const count = (v: Json) => (v === null ? 0 : Array.isArray(v) ? v.length : 1);
        return raw.length === 0 ? inBounds(0, b) : raw.some((v) => inBounds(count(v), b));
      },
    }));
  const emptyNull = fc
    .tuple(path, fc.constantFrom('is_empty', 'is_null'), fc.constantFrom('object', true, false))
    .map(([[key, toks], which, form]) => ({
      wire: form === 'object' ? { [which]: { key } } : { key, [which]: form },
      eval: (o: OracleCtx) => {
        const raw = oracleRaw(o.payload, toks);
        const result =
          which === 'is_empty'
            ? raw.every((v) => v === null || (Array.isArray(v) && v.length === 0))
            : raw.some((v) => v === null || (Array.isArray(v) && v.includes(null)));
        return form === false ? !result : result;
      },
    }));
  const hasId = fc.subarray(IDS).chain((ids) =>
    fc.tuple(...ids.map((i) => fc.constantFrom(...i.spellings))).map((spellings) => ({
      wire: { has_id: spellings },
      eval: (o: OracleCtx) => !o.nested && ids.some((i) => i.key === o.id),
    })),
  );
  const hasVector = fc.constantFrom('', 'img', 'text').map((name) => ({
    wire: { has_vector: name },
    eval: (o: OracleCtx) => !o.nested && o.vectors.includes(name),
  }));
  return fc.oneof(
    { weight: 6, arbitrary: field },
    { weight: 2, arbitrary: valuesCount },
    { weight: 2, arbitrary: emptyNull },
    { weight: 1, arbitrary: hasId },
    { weight: 1, arbitrary: hasVector },
  );
}

function clause(cond: fc.Arbitrary<Gen>): fc.Arbitrary<Gen> {
  const list = fc.array(cond, { maxLength: 2 });
  // Each clause is often absent: filters where every clause is present almost never match.
  const maybe = <T>(arb: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
  const maybeList = maybe(
    fc.oneof(
      list,
      cond.map((c) => [c]),
    ),
  );
  return fc
    .record({
      must: maybeList,
      should: maybeList,
      must_not: maybeList,
      min: maybe(fc.tuple(list, fc.integer({ min: 1, max: 2 }))),
      singles: fc.boolean(),
    })
    .map(({ must, should, must_not, min, singles }) => {
      const wire: Record<string, unknown> = {};
      const put = (k: string, gs: Gen[] | undefined) => {
        if (gs === undefined) return;
        wire[k] = singles && gs.length === 1 ? (gs[0] as Gen).wire : gs.map((g) => g.wire);
      };
      put('must', must);
      put('should', should);
      put('must_not', must_not);
      if (min) wire['min_should'] = { conditions: min[0].map((g) => g.wire), min_count: min[1] };
      return {
        wire,
        eval: (o: OracleCtx) =>
          (must ?? []).every((g) => g.eval(o)) &&
          (should === undefined || should.some((g) => g.eval(o))) &&
          (must_not ?? []).every((g) => !g.eval(o)) &&
          (min === undefined || min[0].filter((g) => g.eval(o)).length >= min[1]),
      };
    });
}

const innerCondition = leafCondition(INNER_PATHS);
const innerFilter = fc.oneof(
  innerCondition.map((c) => ({ wire: { must: [c.wire] }, eval: c.eval })),
  clause(innerCondition),
);
const nested: fc.Arbitrary<Gen> = fc
  .tuple(fc.constantFrom<[string, Tok[]]>(['a', ['a']], ['a[]', ['a']], ['c', ['c']]), innerFilter)
  .map(([[key, toks], inner]) => ({
    wire: { nested: { key, filter: inner.wire } },
    eval: (o: OracleCtx) =>
      oracleRaw(o.payload, [...toks, '[]']).some(
        (el) =>
          el !== null &&
          typeof el === 'object' &&
          !Array.isArray(el) &&
          inner.eval({ ...o, payload: el, nested: true }),
      ),
  }));
const topCondition = fc.oneof(
  { weight: 5, arbitrary: leafCondition(TOP_PATHS) },
  { weight: 1, arbitrary: nested },
);
const complexFilter = clause(
  fc.oneof({ weight: 4, arbitrary: topCondition }, { weight: 1, arbitrary: clause(topCondition) }),
);

// Half the filters are one condition, so each kind's semantics is tested without being masked.
const filterArb = fc.oneof(
  topCondition.map((c) => ({ wire: { must: c.wire }, eval: c.eval })),
  complexFilter,
);

test('compiled filters agree with the oracle on random payloads and filters', () => {
  fc.assert(
    fc.property(filterArb, fc.array(pointArb, { minLength: 1, maxLength: 12 }), (f, points) => {
      const predicate = compileFilter(f.wire);
      for (const p of points) {
        const expected = f.eval({
          payload: p.payload,
          id: p.id.key,
          vectors: p.vectors,
          nested: false,
        });
        const target = {
          key: p.id.key,
          payload: p.payload,
          hasVector: (n: string) => p.vectors.includes(n),
        };
        if (predicate(target) !== expected) {
          assert.fail(`expected ${expected} for ${fc.stringify({ filter: f.wire, point: p })}`);
        }
      }
    }),
    { numRuns: 1000, seed: Number(process.env['QUIVER_FC_SEED'] ?? 20261125) },
  );
});
