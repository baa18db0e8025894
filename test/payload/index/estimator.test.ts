/**
 * What a query planner reads from a segment's payload indexes (`FilterEstimator`): exact
 * cardinalities where an index answers exactly, bounds where it cannot, candidates only when the
 * indexes narrow the filter, and every write reflected at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../../../src/payload/filter.js';
import { parseIndexSchema } from '../../../src/payload/index/schema.js';
import { PlainSegment } from '../../../src/segment/plain-segment.js';

function segmentOf(payloads: Record<string, unknown>[]): PlainSegment {
  const segment = new PlainSegment(0, []);
  segment.payloadIndex.create('city', parseIndexSchema('keyword'));
  segment.payloadIndex.create('n', parseIndexSchema('integer'));
  payloads.forEach((payload, i) =>
    segment.append({ key: String(i), version: 1, payload, vectors: new Map() }),
  );
  segment.payloadIndex.broadShare = 1;
  return segment;
}

const cities = ['berlin', 'paris', 'rome', 'oslo'];
const payloads = Array.from({ length: 100 }, (_, i) => ({ city: cities[i % 4], n: i }));

test('an exactly indexed condition has an exact estimate and exact candidates', () => {
  const segment = segmentOf(payloads);
  const filter = parseFilter({ must: [{ key: 'city', match: { value: 'rome' } }] });
  assert.deepEqual(segment.payloadIndex.estimate(filter), { min: 25, exp: 25, max: 25 });
  const candidates = [...segment.payloadIndex.candidates(filter)!];
  assert.equal(candidates.length, 25);
  assert.ok(candidates.every((o) => o % 4 === 2));
  assert.equal(segment.payloadIndex.exactCount(filter), 25);
});

test('must intersects, should unites, must_not complements a large exact part', () => {
  const segment = segmentOf(payloads);
  const idx = segment.payloadIndex;
  const both = parseFilter({
    must: [
      { key: 'city', match: { any: ['rome', 'oslo'] } },
      { key: 'n', range: { lt: 40 } },
    ],
  });
  assert.equal(idx.exactCount(both), 20);
  const est = idx.estimate(both);
  assert.ok(est.min <= 20 && est.max >= 20 && est.max <= 40);
  const either = parseFilter({
    should: [
      { key: 'city', match: { value: 'rome' } },
      { key: 'n', range: { gte: 90 } },
    ],
  });
  assert.equal(idx.exactCount(either), 25 + 7);
  const notBerlin = parseFilter({ must_not: [{ key: 'city', match: { except: ['berlin'] } }] });
  assert.deepEqual(
    [...idx.candidates(notBerlin)!],
    Array.from({ length: 25 }, (_, i) => i * 4),
  );
});

test('conditions no index answers give bounds, and no candidates unless another part narrows', () => {
  const segment = segmentOf(payloads);
  const idx = segment.payloadIndex;
  const unindexed = parseFilter({ must: [{ key: 'other', match: { value: 'x' } }] });
  assert.equal(idx.candidates(unindexed), undefined);
  assert.deepEqual(idx.estimate(unindexed), { min: 0, exp: 50, max: 100 });
  const mixed = parseFilter({
    must: [
      { key: 'other', match: { value: 'x' } },
      { key: 'city', match: { value: 'oslo' } },
    ],
  });
  assert.equal([...idx.candidates(mixed)!].length, 25);
  assert.equal(idx.exactCount(mixed), undefined);
  const est = idx.estimate(mixed);
  assert.ok(est.min === 0 && est.max === 25);
  // `should` with an unanswerable part cannot be narrowed.
  const loose = parseFilter({
    should: [
      { key: 'other', match: { value: 'x' } },
      { key: 'city', match: { value: 'oslo' } },
    ],
  });
  assert.equal(idx.candidates(loose), undefined);
});

test('writes and deletes are reflected at once; broad filters list no candidates by default', () => {
  const segment = segmentOf(payloads);
  const rome = parseFilter({ must: [{ key: 'city', match: { value: 'rome' } }] });
  segment.setPayload(0, { city: 'rome' }, 2);
  segment.remove(2);
  assert.equal(segment.payloadIndex.exactCount(rome), 25);
  assert.equal([...segment.payloadIndex.candidates(rome)!][0], 0);
  segment.payloadIndex.broadShare = 0.3;
  const broad = parseFilter({ must: [{ key: 'n', range: { gte: 10 } }] });
  assert.equal(segment.payloadIndex.candidates(broad), undefined);
  assert.equal(segment.payloadIndex.exactCount(broad), 90);
});
