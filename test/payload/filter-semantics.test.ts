import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, parseFilter, type FilterTarget } from '../../src/payload/filter.js';
import type { Payload } from '../../src/payload/payload.js';

function point(payload: Payload, key = '1', vectors: string[] = []): FilterTarget {
  return { key, payload, hasVector: (name) => vectors.includes(name) };
}

/** Which of `payloads` the filter selects, by index. */
function selects(filter: unknown, payloads: Payload[]): number[] {
  const f = compileFilter(filter);
  return payloads.flatMap((p, i) => (f(point(p)) ? [i] : []));
}

test('boolean clauses: must AND, should OR, must_not NOR, min_should, single or list', () => {
  const ps: Payload[] = [{ c: 'red', n: 1 }, { c: 'blue', n: 2 }, { c: 'red', n: 3 }, {}];
  const red = { key: 'c', match: { value: 'red' } };
  const big = { key: 'n', range: { gte: 2 } };
  assert.deepEqual(selects({}, ps), [0, 1, 2, 3]);
  assert.deepEqual(selects({ must: [] }, ps), [0, 1, 2, 3]);
  assert.deepEqual(selects({ must_not: [] }, ps), [0, 1, 2, 3]);
  assert.deepEqual(selects({ must: [red, big] }, ps), [2]);
  assert.deepEqual(selects({ must: red }, ps), [0, 2], 'a single condition instead of a list');
  assert.deepEqual(selects({ should: [red, big] }, ps), [0, 1, 2]);
  assert.deepEqual(selects({ must_not: [red, big] }, ps), [3]);
  assert.deepEqual(selects({ should: [] }, ps), [], 'an empty should matches nothing');
  assert.deepEqual(selects({ should: null, must: null }, ps), [0, 1, 2, 3], 'null = absent');
  const ms = (min_count: number) => ({ min_should: { conditions: [red, big], min_count } });
  assert.deepEqual(selects(ms(1), ps), [0, 1, 2]);
  assert.deepEqual(selects(ms(2), ps), [2]);
  assert.deepEqual(selects(ms(3), ps), []);
  assert.deepEqual(selects({ min_should: { conditions: [], min_count: 1 } }, ps), []);
  assert.deepEqual(selects({ must: [{ should: [red] }, { must_not: [big] }] }, ps), [0]);
  assert.deepEqual(selects({ must: [{}] }, ps), [0, 1, 2, 3], 'an empty nested filter holds');
});

test('match value: strings, integers and booleans never cross types', () => {
  const ps: Payload[] = [{ v: 1 }, { v: 1.5 }, { v: true }, { v: '1' }, { v: [0, 1] }, { v: null }];
  assert.deepEqual(selects({ must: { key: 'v', match: { value: 1 } } }, ps), [0, 4]);
  assert.deepEqual(selects({ must: { key: 'v', match: { value: true } } }, ps), [2]);
  assert.deepEqual(selects({ must: { key: 'v', match: { value: '1' } } }, ps), [3]);
  // JSON 1.0 parses to the number 1, so it matches integer 1 (Qdrant keeps 1.0 a float).
  assert.deepEqual(selects({ must: { key: 'v', match: { value: 1.0 } } }, [{ v: 1.0 }]), [0]);
  assert.deepEqual(
    selects({ must: { key: 'v', match: { value: 2n ** 60n } } }, [{ v: 2 ** 60 }]),
    [0],
  );
});

test('match any and except: IN and NOT IN over stored values', () => {
  const ps: Payload[] = [
    { t: 'a' },
    { t: 'b' },
    { t: ['a', 'b'] },
    { t: [] },
    { t: null },
    {},
    { t: 5 },
    { t: true },
    { t: [null] },
    { t: [['a']] },
  ];
  const any = (list: unknown[]) => selects({ must: { key: 't', match: { any: list } } }, ps);
  const except = (list: unknown[]) => selects({ must: { key: 't', match: { except: list } } }, ps);
  assert.deepEqual(any(['a']), [0, 2]);
  assert.deepEqual(any([]), [], 'any [] matches nothing');
  assert.deepEqual(any([5, 6]), [6]);
  // Missing, [], null and [null] never match except; values of another type always do.
  assert.deepEqual(except(['a']), [1, 2, 6, 7, 9]);
  assert.deepEqual(except([]), [0, 1, 2, 6, 7, 9]);
  assert.deepEqual(except([5]), [0, 1, 2, 7, 9]);
  assert.deepEqual(except(['a', 'b']), [6, 7, 9]);
});

test('text, text_any, phrase, prefix: substring rules without a text index', () => {
  const ps: Payload[] = [
    { s: 'the quick brown fox' },
    { s: 'Quick!' },
    { s: ['x', 'brown'] },
    { s: 3 },
  ];
  const m = (match: object) => selects({ must: { key: 's', match } }, ps);
  assert.deepEqual(m({ text: 'quick' }), [0]);
  assert.deepEqual(m({ text: 'k b' }), [0]);
  assert.deepEqual(m({ phrase: 'brown fox' }), [0]);
  assert.deepEqual(m({ phrase: 'fox brown' }), []);
  assert.deepEqual(m({ text_any: 'Quick  brown' }), [0, 1, 2]);
  assert.deepEqual(m({ text_any: '   ' }), []);
  assert.deepEqual(m({ prefix: 'the q' }), [0]);
  assert.deepEqual(m({ prefix: 'br' }), [2]);
});

test('regex (Quiver extension): RE2 search semantics, linear on pathological patterns', () => {
  const ps: Payload[] = [{ s: 'abc-123' }, { s: 'ABC' }, { s: ['zz', 'x9'] }, { s: 9 }];
  const m = (regex: string) => selects({ must: { key: 's', match: { regex } } }, ps);
  assert.deepEqual(m('[0-9]+$'), [0, 2]);
  assert.deepEqual(m('^abc'), [0]);
  assert.deepEqual(m('(?i)^abc$'), [1]);
  assert.deepEqual(m(''), [0, 1, 2]);
  const evil = 'a'.repeat(10_000) + '!';
  assert.deepEqual(selects({ must: { key: 's', match: { regex: '(a+)+$' } } }, [{ s: evil }]), []);
  assert.deepEqual(
    selects({ must: { key: 's', match: { regex: '(a+)+!$' } } }, [{ s: evil }]),
    [0],
  );
});

test('numeric range: all four bounds, arrays match if any element does', () => {
  const ps: Payload[] = [
    { n: 1 },
    { n: 2.5 },
    { n: [0, 10] },
    { n: '3' },
    { n: true },
    { n: null },
  ];
  const r = (range: object) => selects({ must: { key: 'n', range } }, ps);
  assert.deepEqual(r({ gt: 1 }), [1, 2]);
  assert.deepEqual(r({ gte: 1 }), [0, 1, 2]);
  assert.deepEqual(r({ lt: 1 }), [2]);
  assert.deepEqual(r({ gte: 1, lte: 2.5 }), [0, 1]);
  assert.deepEqual(r({ gt: 1, lt: 0 }), []);
  assert.deepEqual(r({ gt: null, lte: 1 }), [0, 2]);
});

test('datetime range: RFC 3339 and the other spellings Qdrant accepts, compared as instants', () => {
  const ps: Payload[] = [
    { d: '2024-05-01T12:00:00Z' },
    { d: '2024-05-01T14:00:00+02:00' }, // same instant as 0
    { d: '2024-05-01 12:00:00.5' },
    { d: '2024-05-01T11:59:59.999999-00:00' },
    { d: '2024-05-01' },
    { d: '2024-05-01T13:00:00+0100' },
    { d: '2024-05-01 12:30' },
    { d: 'not a date' },
    { d: 1714564800 },
    { d: '2024-02-30' },
  ];
  const r = (range: object) => selects({ must: { key: 'd', range } }, ps);
  assert.deepEqual(r({ gte: '2024-05-01T12:00:00Z', lte: '2024-05-01T12:00:00Z' }), [0, 1, 5]);
  assert.deepEqual(r({ gt: '2024-05-01T12:00:00Z' }), [2, 6]);
  assert.deepEqual(r({ lt: '2024-05-01T12:00:00Z' }), [3, 4]);
  assert.deepEqual(r({ lt: '2024-05-01T00:00:00.000001Z' }), [4]);
  assert.deepEqual(r({ gte: '2024-05-01 12:00:00.500', lt: '2024-05-01T10:31:00-02:00' }), [2, 6]);
});

test('geo bounding box (open, may cross the antimeridian), radius and polygon', () => {
  const at = (lat: number, lon: number) => ({ loc: { lat, lon } });
  const ps: Payload[] = [
    at(52.52, 13.4), // Berlin
    at(55.75, 37.62), // Moscow
    { loc: [at(0, 0).loc, at(52.5, 13.5).loc] },
    { loc: { lat: '52', lon: 13 } },
    at(0, 179.5),
    {},
  ];
  const box = { top_left: { lat: 53, lon: 13 }, bottom_right: { lat: 52, lon: 14 } };
  assert.deepEqual(selects({ must: { key: 'loc', geo_bounding_box: box } }, ps), [0, 2]);
  const edge = { top_left: { lat: 52.52, lon: 13 }, bottom_right: { lat: 52, lon: 14 } };
  assert.deepEqual(
    selects({ must: { key: 'loc', geo_bounding_box: edge } }, [ps[0] as Payload]),
    [],
  );
  const wrap = { top_left: { lat: 10, lon: 179 }, bottom_right: { lat: -10, lon: -179 } };
  assert.deepEqual(selects({ must: { key: 'loc', geo_bounding_box: wrap } }, ps), [4]);
  const radius = (r: number) =>
    selects(
      { must: { key: 'loc', geo_radius: { center: { lat: 52.52, lon: 13.405 }, radius: r } } },
      ps,
    );
  assert.deepEqual(radius(1_000), [0]);
  assert.deepEqual(radius(10_000), [0, 2]);
  // Berlin to Moscow is about 1,608 km.
  assert.deepEqual(radius(1_600_000), [0, 2]);
  assert.deepEqual(radius(1_620_000), [0, 1, 2]);
  // The distance must be strictly less than the radius: radius 0 matches not even the centre.
  const centre = {
    must: { key: 'loc', geo_radius: { center: { lat: 52.52, lon: 13.4 }, radius: 0 } },
  };
  assert.deepEqual(selects(centre, ps), []);
  const square = (lo: number, hi: number) => ({
    points: [
      { lat: lo, lon: lo },
      { lat: lo, lon: hi },
      { lat: hi, lon: hi },
      { lat: hi, lon: lo },
      { lat: lo, lon: lo },
    ],
  });
  const poly = { exterior: square(0, 10), interiors: [square(4, 6)] };
  const pts: Payload[] = [
    at(1, 1),
    at(0, 5), // on the exterior edge
    at(10, 10), // a vertex
    at(5, 5), // inside the hole
    at(4, 5), // on the hole's edge
    at(11, 5),
    at(-0.0001, 5),
  ];
  assert.deepEqual(selects({ must: { key: 'loc', geo_polygon: poly } }, pts), [0, 1, 2, 4]);
});

test('values_count: a scalar counts 1, null 0, missing 0, arrays their length', () => {
  const ps: Payload[] = [{ v: 'x' }, { v: [1, 2, 3] }, { v: [] }, { v: null }, {}, { v: { a: 1 } }];
  const c = (values_count: object) => selects({ must: { key: 'v', values_count } }, ps);
  assert.deepEqual(c({ gte: 1 }), [0, 1, 5]);
  assert.deepEqual(c({ gt: 2 }), [1]);
  assert.deepEqual(c({ lt: 1 }), [2, 3, 4]);
  assert.deepEqual(c({ lte: 1, gte: 1 }), [0, 5]);
});

test('is_empty and is_null, and their key shorthands', () => {
  const ps: Payload[] = [
    { v: null },
    { v: [] },
    {},
    { v: [null] },
    { v: 0 },
    { v: '' },
    { v: [1, null] },
  ];
  assert.deepEqual(selects({ must: { is_empty: { key: 'v' } } }, ps), [0, 1, 2]);
  assert.deepEqual(selects({ must: { is_null: { key: 'v' } } }, ps), [0, 3, 6]);
  assert.deepEqual(selects({ must: { key: 'v', is_empty: true } }, ps), [0, 1, 2]);
  assert.deepEqual(selects({ must: { key: 'v', is_empty: false } }, ps), [3, 4, 5, 6]);
  assert.deepEqual(selects({ must: { key: 'v', is_null: true } }, ps), [0, 3, 6]);
  assert.deepEqual(selects({ must: { key: 'v', is_null: false } }, ps), [1, 2, 4, 5]);
  // Through a projection every reached value must be empty.
  const arr: Payload[] = [
    { a: [{ b: null }, { b: [] }] },
    { a: [{ b: null }, { b: 1 }] },
    { a: [] },
  ];
  assert.deepEqual(selects({ must: { is_empty: { key: 'a[].b' } } }, arr), [0, 2]);
  assert.deepEqual(selects({ must: { is_null: { key: 'a[].b' } } }, arr), [0, 1]);
});

test('nested: all inner conditions hold on the same array element', () => {
  const ps: Payload[] = [
    {
      dishes: [
        { food: 'meat', likes: true },
        { food: 'tofu', likes: false },
      ],
    },
    {
      dishes: [
        { food: 'meat', likes: false },
        { food: 'tofu', likes: true },
      ],
    },
    { dishes: { food: 'meat', likes: true } },
    { dishes: [null, 'meat', [{ food: 'meat', likes: true }]] },
  ];
  const inner = {
    must: [
      { key: 'food', match: { value: 'meat' } },
      { key: 'likes', match: { value: true } },
    ],
  };
  assert.deepEqual(selects({ must: { nested: { key: 'dishes', filter: inner } } }, ps), [0]);
  assert.deepEqual(selects({ must: { nested: { key: 'dishes[]', filter: inner } } }, ps), [0]);
  // The flat version mixes elements, which is why nested exists.
  assert.deepEqual(
    selects(
      {
        must: [
          { key: 'dishes[].food', match: { value: 'meat' } },
          { key: 'dishes[].likes', match: { value: true } },
        ],
      },
      ps,
    ),
    [0, 1],
  );
  const mustNot = {
    must_not: {
      nested: { key: 'dishes', filter: { must_not: { key: 'likes', match: { value: true } } } },
    },
  };
  assert.deepEqual(selects(mustNot, ps.slice(0, 2)), []);
  // Id and vector conditions see no point inside nested (as in Qdrant).
  const idInside = { must: { nested: { key: 'dishes', filter: { must: { has_id: [1] } } } } };
  assert.deepEqual(selects(idInside, ps), []);
});

test('has_id: any UUID spelling, big integer ids; has_vector', () => {
  const uuid = '550e8400-e29b-41d4-a716-446655440000';
  const big = '18446744073709551615';
  const f = compileFilter({
    should: [{ has_id: ['{550E8400E29B41D4A716446655440000}', 2n ** 64n - 1n, 7] }],
  });
  assert.equal(f(point({}, uuid)), true);
  assert.equal(f(point({}, big)), true);
  assert.equal(f(point({}, '7')), true);
  assert.equal(f(point({}, '8')), false);
  assert.equal(compileFilter({ must: { has_id: [] } })(point({}, '7')), false);
  const v = compileFilter({ must: { has_vector: 'image' } });
  assert.equal(v(point({}, '1', ['image'])), true);
  assert.equal(v(point({}, '1', ['text'])), false);
  assert.equal(compileFilter({ must: { has_vector: '' } })(point({}, '1', [''])), true);
});

test('slice: disjoint slices that cover every id', () => {
  const keys = ['0', '1', '42', '18446744073709551615', '550e8400-e29b-41d4-a716-446655440000'];
  for (const key of keys) {
    const hits = [0, 1, 2].filter((index) =>
      compileFilter({ must: { slice: { index, total: 3 } } })(point({}, key)),
    );
    assert.equal(hits.length, 1, key);
  }
  assert.equal(compileFilter({ must: { slice: { index: 0, total: 1 } } })(point({}, '5')), true);
});

test('the parsed tree keeps key paths and match kinds for a planner', () => {
  const node = parseFilter({
    must: [{ key: 'a[].b', match: { any: ['x', 'y'] } }],
    should: [{ has_id: [1] }],
  });
  const first = node.must[0];
  assert.equal(first?.kind, 'field');
  if (first?.kind !== 'field') return;
  assert.equal(first.key, 'a[].b');
  assert.equal(first.path.length, 3);
  assert.equal(first.test.kind, 'match_any');
  if (first.test.kind === 'match_any') assert.deepEqual([...first.test.values], ['x', 'y']);
  assert.equal(node.should?.[0]?.kind, 'has_id');
});
