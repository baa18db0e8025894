/**
 * The range view of numeric indexes: after any writes, `range` names exactly the offsets with a
 * value in bounds (checked against a plain filter), and once rebuilt, `count` (binary search,
 * no list) agrees with it for single-valued offsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RangeBounds } from '../../../src/payload/filter.js';
import { SortedNumbers } from '../../../src/payload/index/sorted-numbers.js';

const value = fc.constantFrom(-2, -1, -0.5, 0, 0.5, 1, 1, 2, 3);
const boundsArb: fc.Arbitrary<RangeBounds> = fc
  .record({ gt: value, gte: value, lt: value, lte: value }, { requiredKeys: [] })
  .map((b) => ({ gt: b.gt, gte: b.gte, lt: b.lt, lte: b.lte }));

const inBounds = (b: RangeBounds, x: number): boolean =>
  (b.gt === undefined || x > b.gt) &&
  (b.gte === undefined || x >= b.gte) &&
  (b.lt === undefined || x < b.lt) &&
  (b.lte === undefined || x <= b.lte);

test('range and count agree with a plain filter through writes and rebuilds', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat({ max: 400 }), fc.option(value, { nil: undefined })), {
        minLength: 1,
        maxLength: 700,
        size: 'max',
      }),
      fc.array(boundsArb, { minLength: 1, maxLength: 5 }),
      (writes, queries) => {
        const sorted = new SortedNumbers();
        const model = new Map<number, number>();
        for (const [offset, x] of writes) {
          if (x === undefined) {
            sorted.delete(offset);
            model.delete(offset);
          } else {
            sorted.set(offset, [x]);
            model.set(offset, x);
          }
        }
        for (const bounds of queries) {
          const want = [...model].filter(([, x]) => inBounds(bounds, x)).map(([o]) => o);
          want.sort((a, b) => a - b);
          assert.deepEqual(sorted.range(bounds), want);
          const count = sorted.count(bounds);
          assert.ok(count === undefined || count === want.length, `count ${count}`);
        }
        // Past 256 written offsets the first query rebuilt the view, which then counts by search.
        if (new Set(writes.map(([o]) => o)).size > 256) {
          assert.notEqual(sorted.count(queries[0]!), undefined);
        }
      },
    ),
    { numRuns: 150 },
  );
});
