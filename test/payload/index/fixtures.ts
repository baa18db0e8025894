/**
 * Random payloads, writes and filters over a fixed set of indexed keys, shared by the payload
 * index tests. Values are drawn from small pools so filters hit often, and every key sometimes
 * holds values of the wrong type for its index (which the index must account for).
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export const WORDS = ['red', 'green', 'blue', 'sky', 'Red', 'café', 'cafe', 'x'];
const KEYWORDS = ['a', 'b', 'c', 'ab', 'abc', ''];
const INTS = [-2, -1, 0, 1, 2, 3, 10];
const FLOATS = [-1.5, 0, 0.5, 1, 2.25, 3];
const DATES = ['2024-01-01T00:00:00Z', '2024-01-02', '2024-01-03T12:00:00+02:00', 'not a date'];
const UUIDS = [
  '550e8400-e29b-41d4-a716-446655440000',
  '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  'not-a-uuid',
];
const GRID = [-179.5, -1, 0, 0.5, 1, 2, 89.5, 179.9];

const geo = fc.record({ lat: fc.constantFrom(...GRID.slice(1, 7)), lon: fc.constantFrom(...GRID) });
const text = fc
  .tuple(
    fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 4 }),
    fc.constantFrom(' ', ', ', '-'),
  )
  .map(([ws, sep]) => ws.join(sep));

/**
 * A value mostly of `good`'s kind, often an array mixing it with `odd` (values of a wrong type
 * that a filter on the key may still match, such as 1.5 under an integer index), sometimes other.
 */
function mostly(good: fc.Arbitrary<Json>, odd: readonly Json[]): fc.Arbitrary<Json> {
  const other: fc.Arbitrary<Json> = fc.oneof(
    fc.constantFrom<Json>(null, true, 1.5, 7, 'zz', 'abc', ...odd),
    geo,
  );
  return fc.oneof(
    { weight: 5, arbitrary: good },
    { weight: 2, arbitrary: fc.constantFrom<Json>(...odd) },
    {
      weight: 3,
      arbitrary: fc.array(fc.oneof({ weight: 3, arbitrary: good }, other), { maxLength: 3 }),
    },
    { weight: 1, arbitrary: other },
  );
}

/** The indexed keys with the values they hold. */
const FIELDS: Record<string, fc.Arbitrary<Json>> = {
  k: mostly(fc.constantFrom(...KEYWORDS), [1, 2, false]),
  n: mostly(fc.constantFrom(...INTS), [1.5, -0.5, 2.25, 'a']),
  f: mostly(fc.constantFrom(...FLOATS, ...INTS), ['1', true]),
  d: mostly(fc.constantFrom(...DATES), [1, '2024-13-01']),
  b: mostly(fc.boolean(), [0, 1, 'true']),
  g: mostly(geo, [{ lat: 1 }, { lat: 'a', lon: 1 }, { lat: 95, lon: 200 }]),
  // Often several strings: text conditions match per string, the index lists per point.
  t: fc.oneof(mostly(text, [3, 'sky']), fc.array(text, { minLength: 2, maxLength: 3 })),
  u: mostly(fc.constantFrom(...UUIDS), ['a', 'ab', 3]),
};

/** A payload: some of the indexed keys, plus nested `o[].v` (keyword) and `m.s` (integer). */
export const payloadArb: fc.Arbitrary<Obj> = fc.record(
  {
    ...FIELDS,
    o: fc.array(fc.record({ v: FIELDS.k! }, { requiredKeys: [] }), { maxLength: 3 }),
    m: fc.record({ s: FIELDS.n! }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

/** The indexes declared on those keys (text parameters vary per run). */
export const schemasArb = fc
  .record({
    tokenizer: fc.constantFrom('word', 'whitespace', 'prefix', 'multilingual'),
    lowercase: fc.boolean(),
    ascii_folding: fc.boolean(),
    min_token_len: fc.constantFrom(1, 2),
    max_token_len: fc.constantFrom(3, 20),
    tenant: fc.boolean(),
    intLookup: fc.constantFrom([true, true], [true, false], [false, true]),
  })
  .map(
    (p) =>
      ({
        k: { type: 'keyword', is_tenant: p.tenant },
        n: {
          type: 'integer',
          lookup: p.intLookup[0],
          range: p.intLookup[1],
          is_principal: p.tenant,
        },
        f: 'float',
        d: 'datetime',
        b: 'bool',
        g: 'geo',
        u: { type: 'uuid', is_tenant: p.tenant },
        t: {
          type: 'text',
          tokenizer: p.tokenizer,
          lowercase: p.lowercase,
          ascii_folding: p.ascii_folding,
          min_token_len: p.min_token_len,
          max_token_len: p.max_token_len,
        },
        'o[].v': 'keyword',
        'm.s': 'integer',
      }) as Record<string, unknown>,
  );

/** The same without the text index (text conditions mean substrings without one). */
export function withoutText(schemas: Record<string, unknown>): Record<string, unknown> {
  const { t: _t, ...rest } = schemas;
  return rest;
}

const bounds = (pool: readonly (number | string)[]) =>
  fc
    .record(
      {
        gt: fc.constantFrom(...pool),
        gte: fc.constantFrom(...pool),
        lt: fc.constantFrom(...pool),
        lte: fc.constantFrom(...pool),
      },
      { requiredKeys: [] },
    )
    .filter((b) => Object.keys(b).length > 0 && Object.keys(b).length <= 2);

const keywordKey = fc.constantFrom('k', 'o[].v', 'u', 't');
const intKey = fc.constantFrom('n', 'm.s', 'f');

/** A field condition on one of the keys (sometimes a condition its index cannot answer). */
const fieldCondition: fc.Arbitrary<Obj> = fc.oneof(
  // Text on the text-indexed key, twice as likely: its per-string semantics are the subtle part.
  fc.record({
    key: fc.constant('t'),
    match: fc.oneof(fc.record({ text: text }), fc.record({ phrase: text })),
  }),
  fc.record({
    key: fc.constant('t'),
    match: fc.oneof(fc.record({ text: text }), fc.record({ text_any: text })),
  }),
  fc.record({
    key: keywordKey,
    match: fc.record({ value: fc.constantFrom(...KEYWORDS, ...UUIDS) }),
  }),
  fc.record({ key: keywordKey, match: fc.record({ any: fc.subarray([...KEYWORDS, UUIDS[0]!]) }) }),
  fc.record({ key: keywordKey, match: fc.record({ except: fc.subarray(KEYWORDS) }) }),
  fc.record({
    key: fc.constantFrom('k', 'u'),
    match: fc.record({ prefix: fc.constantFrom('a', 'ab', '55', '') }),
  }),
  fc.record({ key: intKey, match: fc.record({ value: fc.constantFrom(...INTS) }) }),
  fc.record({ key: intKey, match: fc.record({ any: fc.subarray(INTS) }) }),
  fc.record({ key: intKey, match: fc.record({ except: fc.subarray(INTS) }) }),
  fc.record({ key: fc.constantFrom('n', 'f', 'm.s', 'k'), range: bounds([...INTS, ...FLOATS]) }),
  fc.record({ key: fc.constantFrom('d', 'k'), range: bounds(DATES.slice(0, 3)) }),
  fc.record({ key: fc.constantFrom('b', 'k'), match: fc.record({ value: fc.boolean() }) }),
  fc.record({
    key: fc.constantFrom('t', 'k'),
    match: fc.oneof(
      fc.record({ text: text }),
      fc.record({ text_any: text }),
      fc.record({ phrase: text }),
    ),
  }),
  fc.record({
    key: fc.constantFrom('g', 'k'),
    geo_bounding_box: fc.tuple(geo, geo).map(([a, b]) => ({
      top_left: { lat: Math.max(a.lat, b.lat), lon: a.lon },
      bottom_right: { lat: Math.min(a.lat, b.lat), lon: b.lon },
    })),
  }),
  fc.record({
    key: fc.constant('g'),
    geo_radius: fc.record({ center: geo, radius: fc.constantFrom(1, 60_000, 200_000, 5_000_000) }),
  }),
  fc.record({
    key: fc.constant('g'),
    geo_polygon: fc
      .tuple(geo, geo, geo)
      .map((ring) => ({ exterior: { points: [...ring, ring[0]] } })),
  }),
  fc.record({ is_empty: fc.record({ key: fc.constantFrom('k', 'n', 't') }) }),
  fc.record({ has_id: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]) }),
);

/** A clause over `c`: deep random trees match nothing and would hide wrong candidates. */
function clause(c: fc.Arbitrary<Obj>): fc.Arbitrary<Obj> {
  return fc.record(
    {
      must: fc.array(c, { maxLength: 2 }),
      should: fc.array(c, { minLength: 1, maxLength: 2 }),
      must_not: fc.array(c, { minLength: 1, maxLength: 1 }),
      min_should: fc.record({
        conditions: fc.array(c, { minLength: 1, maxLength: 3 }),
        min_count: fc.constantFrom(1, 2),
      }),
    },
    { requiredKeys: [] },
  );
}

/** Filters: one condition, a clause of conditions, or a clause of clauses. */
const filterArb: fc.Arbitrary<Obj> = fc.oneof(
  { weight: 3, arbitrary: fieldCondition.map((c) => ({ must: [c] })) },
  { weight: 3, arbitrary: clause(fieldCondition) },
  { weight: 1, arbitrary: clause(fc.oneof(fieldCondition, clause(fieldCondition))) },
);

export { filterArb };

/** One write. Ids are 0..15 so writes often hit existing points. */
export type Write =
  | { kind: 'upsert'; id: number; payload: Obj }
  | { kind: 'set'; id: number; payload: Obj }
  | { kind: 'overwrite'; id: number; payload: Obj }
  | { kind: 'delete_keys'; id: number; keys: string[] }
  | { kind: 'clear'; id: number }
  | { kind: 'delete'; id: number };

const id = fc.integer({ min: 0, max: 15 });
export const writeArb: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('upsert' as const), id, payload: payloadArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('set' as const), id, payload: payloadArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('overwrite' as const), id, payload: payloadArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete_keys' as const),
      id,
      keys: fc.subarray(['k', 'n', 't', 'g', 'o', 'm.s']),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), id }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), id }) },
);

/** Vector size: 64 floats, so `max_segment_size: 1` (KiB) makes segments of 4 points. */
export const DIM = 64;

/** A deterministic vector for a point id. */
export function vectorOf(id: number): number[] {
  return Array.from({ length: DIM }, (_, i) => Math.sin((id + 1) * (i + 1)));
}
