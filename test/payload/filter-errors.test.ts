import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../../src/payload/filter.js';
import { MAX_REGEX_LENGTH } from '../../src/payload/field-parse.js';
import { isQuiverError } from '../../src/errors.js';

const ring = (n: number, closed = true) => {
  const pts = Array.from({ length: n }, (_, i) => ({ lat: i, lon: i * 2 }));
  if (closed && n > 0) pts[n - 1] = { ...(pts[0] as { lat: number; lon: number }) };
  return { points: pts };
};

/** [name, filter, expected path, message pattern] */
const CASES: [string, unknown, string, RegExp][] = [
  ['not an object', [], 'filter', /a filter must be an object, got an array/],
  ['unknown top-level field', { must: [], filter: {} }, 'filter.filter', /unknown field "filter"/],
  ['condition not an object', { must: [3] }, 'filter.must[0]', /a condition must be an object/],
  [
    'unrecognised condition',
    { must: [{ foo: 1 }] },
    'filter.must[0]',
    /not a condition: .*got fields foo/,
  ],
  [
    'min_should without conditions',
    { min_should: { min_count: 1 } },
    'filter.min_should',
    /needs "conditions"/,
  ],
  [
    'min_should conditions not a list',
    { min_should: { conditions: {}, min_count: 1 } },
    'filter.min_should.conditions',
    /must be an array/,
  ],
  [
    'min_count 0',
    { min_should: { conditions: [], min_count: 0 } },
    'filter.min_should.min_count',
    /integer of 1 or more/,
  ],
  [
    'empty key',
    { must: [{ key: '', match: { value: 1 } }] },
    'filter.must[0].key',
    /must not be empty/,
  ],
  [
    'malformed key',
    { should: { key: 'a[', match: { value: 1 } } },
    'filter.should.key',
    /unbalanced "\["/,
  ],
  [
    'key not a string',
    { must: [{ key: 5, match: { value: 1 } }] },
    'filter.must[0].key',
    /must be a string/,
  ],
  ['field condition with no test', { must: [{ key: 'a' }] }, 'filter.must[0]', /has no test/],
  [
    'field condition with two tests',
    { must: [{ key: 'a', match: { value: 1 }, range: { gt: 1 } }] },
    'filter.must[0]',
    /several tests \(match, range\)/,
  ],
  [
    'unknown field in a field condition',
    { must: [{ key: 'a', match: { value: 1 }, boost: 2 }] },
    'filter.must[0].boost',
    /unknown field "boost"/,
  ],
  [
    'match with two kinds',
    { must: [{ key: 'a', match: { value: 1, any: [1] } }] },
    'filter.must[0].match',
    /exactly one of/,
  ],
  [
    'match unknown kind',
    { must: [{ key: 'a', match: { like: 'x' } }] },
    'filter.must[0].match.like',
    /unknown field "like"/,
  ],
  [
    'match value float',
    { must: [{ key: 'a', match: { value: 1.5 } }] },
    'filter.must[0].match.value',
    /a string, an integer or a boolean, got number 1.5/,
  ],
  [
    'match value null',
    { must: [{ key: 'a', match: { value: null } }] },
    'filter.must[0].match.value',
    /got null/,
  ],
  [
    'match value beyond int64',
    { must: [{ key: 'a', match: { value: 2n ** 63n } }] },
    'filter.must[0].match.value',
    /64-bit signed integer range/,
  ],
  [
    'match any mixed types',
    { must: [{ key: 'a', match: { any: ['x', 1] } }] },
    'filter.must[0].match.any[1]',
    /must be strings/,
  ],
  [
    'match except not a list',
    { must: [{ key: 'a', match: { except: 'x' } }] },
    'filter.must[0].match.except',
    /must be an array/,
  ],
  [
    'match text not a string',
    { must: [{ key: 'a', match: { text: 3 } }] },
    'filter.must[0].match.text',
    /must be a string/,
  ],
  [
    'bad regex',
    { must: [{ key: 'a', match: { regex: '(' } }] },
    'filter.must[0].match.regex',
    /invalid regex .*missing closing \)/,
  ],
  [
    'regex backreference',
    { must: [{ key: 'a', match: { regex: '(a)\\1' } }] },
    'filter.must[0].match.regex',
    /invalid regex/,
  ],
  [
    'regex too long',
    { must: [{ key: 'a', match: { regex: 'a'.repeat(MAX_REGEX_LENGTH + 1) } }] },
    'filter.must[0].match.regex',
    /limit is 1024/,
  ],
  [
    'range with no bound',
    { must: [{ key: 'a', range: {} }] },
    'filter.must[0].range',
    /range needs at least one bound/,
  ],
  [
    'range with null bounds only',
    { must: [{ key: 'a', range: { gt: null } }] },
    'filter.must[0].range',
    /at least one bound/,
  ],
  [
    'range bound not a number',
    { must: [{ key: 'a', range: { gt: 1, lt: true } }] },
    'filter.must[0].range.lt',
    /must be a number/,
  ],
  [
    'range mixing numbers and datetimes',
    { must: [{ key: 'a', range: { gt: '2024-01-01', lt: 5 } }] },
    'filter.must[0].range.lt',
    /RFC 3339 datetime string like the other bounds/,
  ],
  [
    'bad datetime',
    { must: [{ key: 'a', range: { gte: '2024-13-01' } }] },
    'filter.must[0].range.gte',
    /is not a datetime/,
  ],
  [
    'datetime with bad day',
    { must: [{ key: 'a', range: { gte: '2023-02-29T00:00:00Z' } }] },
    'filter.must[0].range.gte',
    /is not a datetime/,
  ],
  [
    'unknown range field',
    { must: [{ key: 'a', range: { gt: 1, eq: 2 } }] },
    'filter.must[0].range.eq',
    /unknown field "eq"/,
  ],
  [
    'latitude out of range',
    { must: [{ key: 'g', geo_radius: { center: { lat: 91, lon: 0 }, radius: 1 } }] },
    'filter.must[0].geo_radius.center.lat',
    /from -90 to 90/,
  ],
  [
    'longitude out of range',
    {
      must: [
        {
          key: 'g',
          geo_bounding_box: { top_left: { lat: 0, lon: -181 }, bottom_right: { lat: 0, lon: 0 } },
        },
      ],
    },
    'filter.must[0].geo_bounding_box.top_left.lon',
    /from -180 to 180/,
  ],
  [
    'geo point missing lon',
    {
      must: [
        { key: 'g', geo_bounding_box: { top_left: { lat: 0 }, bottom_right: { lat: 0, lon: 0 } } },
      ],
    },
    'filter.must[0].geo_bounding_box.top_left.lon',
    /longitude must be a number/,
  ],
  [
    'negative radius',
    { must: [{ key: 'g', geo_radius: { center: { lat: 0, lon: 0 }, radius: -1 } }] },
    'filter.must[0].geo_radius.radius',
    /non-negative number of metres/,
  ],
  [
    'polygon with 3 points',
    { must: [{ key: 'g', geo_polygon: { exterior: ring(3) } }] },
    'filter.must[0].geo_polygon.exterior.points',
    /at least 4 points/,
  ],
  [
    'polygon not closed',
    { must: [{ key: 'g', geo_polygon: { exterior: ring(5, false) } }] },
    'filter.must[0].geo_polygon.exterior.points',
    /must be closed/,
  ],
  [
    'polygon hole not closed',
    { must: [{ key: 'g', geo_polygon: { exterior: ring(5), interiors: [ring(4, false)] } }] },
    'filter.must[0].geo_polygon.interiors[0].points',
    /must be closed/,
  ],
  [
    'values_count negative',
    { must: [{ key: 'a', values_count: { gt: -1 } }] },
    'filter.must[0].values_count.gt',
    /non-negative integer/,
  ],
  [
    'values_count empty',
    { must: [{ key: 'a', values_count: {} }] },
    'filter.must[0].values_count',
    /values_count needs at least one bound/,
  ],
  [
    'is_empty shorthand not a boolean',
    { must: [{ key: 'a', is_empty: 'yes' }] },
    'filter.must[0].is_empty',
    /true or false/,
  ],
  [
    'is_empty without key',
    { must: [{ is_empty: {} }] },
    'filter.must[0].is_empty.key',
    /must be a string/,
  ],
  [
    'is_null with extra field',
    { must: [{ is_null: { key: 'a' }, x: 1 }] },
    'filter.must[0].x',
    /unknown field "x"/,
  ],
  [
    'has_id not a list',
    { must: [{ has_id: 5 }] },
    'filter.must[0].has_id',
    /must be an array of point ids/,
  ],
  [
    'has_id negative',
    { must: [{ has_id: [1, -2] }] },
    'filter.must[0].has_id[1]',
    /number -2 is not a valid point id/,
  ],
  [
    'has_id bad uuid',
    { must: [{ has_id: ['not-a-uuid'] }] },
    'filter.must[0].has_id[0]',
    /is not a valid point id/,
  ],
  [
    'has_vector not a string',
    { must: [{ has_vector: 1 }] },
    'filter.must[0].has_vector',
    /vector name string/,
  ],
  [
    'nested without filter',
    { must: [{ nested: { key: 'a' } }] },
    'filter.must[0].nested',
    /needs "filter"/,
  ],
  [
    'error inside nested filter',
    { must: [{ nested: { key: 'a', filter: { must: [{ key: 'b', range: {} }] } } }] },
    'filter.must[0].nested.filter.must[0].range',
    /at least one bound/,
  ],
  [
    'slice index out of range',
    { must: [{ slice: { index: 3, total: 3 } }] },
    'filter.must[0].slice.index',
    /from 0 to total-1/,
  ],
  [
    'slice total 0',
    { must: [{ slice: { index: 0, total: 0 } }] },
    'filter.must[0].slice.total',
    /from 1/,
  ],
  [
    'deep error path',
    { should: [{ must_not: [{}, { key: 'x', match: { any: 'y' } }] }] },
    'filter.should[0].must_not[1].match.any',
    /must be an array/,
  ],
];

for (const [name, filter, path, message] of CASES) {
  test(`rejects: ${name}`, () => {
    assert.throws(
      () => parseFilter(filter),
      (err) => {
        assert.ok(isQuiverError(err, 'INVALID_FILTER'), String(err));
        assert.equal(err.kind, 'bad_input');
        assert.equal(err.path, path);
        assert.ok(err.message.startsWith(`Validation error in request: ${path}: `), err.message);
        assert.match(err.message, message);
        return true;
      },
    );
  });
}

test('the base path is configurable', () => {
  assert.throws(
    () => parseFilter({ must: [{ key: 'a', range: {} }] }, 'searches[1].filter'),
    (err) =>
      isQuiverError(err, 'INVALID_FILTER') && err.path === 'searches[1].filter.must[0].range',
  );
});
