import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ScoreHeap } from '../../src/index/heap.js';
import { VisitedSet } from '../../src/index/visited-set.js';

test('ScoreHeap pops keys in descending order, growing as needed', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 })), (keys) => {
      const heap = new ScoreHeap(2);
      keys.forEach((k, i) => heap.push(k, i));
      const popped: number[] = [];
      while (heap.size > 0) {
        const k = heap.topKey();
        assert.equal(keys[heap.pop()], k);
        popped.push(k);
      }
      assert.deepEqual(
        popped,
        [...keys].sort((a, b) => b - a),
      );
    }),
  );
});

test('VisitedSet forgets on reset, also across the epoch wrap-around', () => {
  const v = new VisitedSet(4);
  assert.ok(v.visit(3));
  assert.ok(!v.visit(3));
  for (let i = 0; i < 70000; i++) v.reset();
  assert.ok(v.visit(3));
  v.ensure(100);
  assert.ok(!v.visit(3));
  assert.ok(v.visit(99));
});

test('ScoreHeap.replaceTop keeps the k smallest keys of a stream', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 })),
      fc.integer({ min: 1, max: 8 }),
      (keys, k) => {
        const heap = new ScoreHeap(1);
        for (const [i, key] of keys.entries()) {
          if (heap.size < k) heap.push(key, i);
          else if (key < heap.topKey()) heap.replaceTop(key, i);
        }
        const got: number[] = [];
        while (heap.size > 0) {
          got.push(heap.topKey());
          heap.pop();
        }
        got.sort((a, b) => a - b);
        assert.deepEqual(got, [...keys].sort((a, b) => a - b).slice(0, k));
      },
    ),
  );
});
