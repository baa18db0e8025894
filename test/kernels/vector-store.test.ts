import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metric } from '../../src/kernels/metric.js';
import { createVectorStore } from '../../src/kernels/vector-store.js';
import { SeededRandom } from '../../src/index/random.js';

const METRICS: Metric[] = ['dot', 'l2', 'l1'];

test('SIMD and scalar stores give the same scores, across growth', () => {
  const dim = 37;
  const rng = new SeededRandom(7);
  const simd = createVectorStore({ dim, initialCapacity: 2, kernels: 'simd' });
  const scalar = createVectorStore({ dim, initialCapacity: 2, kernels: 'scalar' });
  assert.equal(simd.kind, 'simd');
  assert.equal(scalar.kind, 'scalar');
  const vectors: Float32Array[] = [];
  for (let i = 0; i < 300; i++) {
    const v = Float32Array.from({ length: dim }, () => rng.next() * 2 - 1);
    vectors.push(v);
    assert.equal(simd.append(v), i);
    assert.equal(scalar.append(v), i);
  }
  assert.deepEqual(simd.get(123), vectors[123]);
  const query = Float32Array.from({ length: dim }, () => rng.next());
  for (const metric of METRICS) {
    const a = simd.scorer(metric);
    const b = scalar.scorer(metric);
    a.setQuery(query);
    b.setQuery(query);
    const ids = [5, 0, 299, 17, 17];
    a.ids().set(ids);
    b.ids().set(ids);
    a.scoreBatch(ids.length);
    b.scoreBatch(ids.length);
    for (let i = 0; i < ids.length; i++) {
      assert.ok(Math.abs(a.scores()[i]! - b.scores()[i]!) < 1e-4, metric);
      assert.ok(Math.abs(a.scores()[i]! - a.scoreOne(ids[i]!)) < 1e-4);
    }
    a.scoreRange(290, 10);
    b.scoreRange(290, 10);
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(a.scores()[i]! - b.scores()[i]!) < 1e-4);
    assert.ok(Math.abs(a.scorePair(3, 4) - b.scorePair(3, 4)) < 1e-4);
    a.setQueryStored(9);
    b.setQueryStored(9);
    assert.ok(Math.abs(a.scoreOne(10) - b.scoreOne(10)) < 1e-4);
    assert.ok(Math.abs(a.scoreOne(10) - a.scorePair(9, 10)) < 1e-6);
  }
  // l2 scores are negated squared distances: a vector scores 0 against itself.
  const l2 = simd.scorer('l2');
  l2.setQueryStored(42);
  assert.equal(l2.scoreOne(42) + 0, 0);
  assert.throws(() => simd.append(new Float32Array(3)), RangeError);
});
