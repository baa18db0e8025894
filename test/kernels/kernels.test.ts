import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SimdKernels } from '../../src/kernels/simd.js';
import * as scalar from '../../src/kernels/scalar.js';
import { resolveKernels, simdAvailable } from '../../src/kernels/select.js';

const simd = SimdKernels.create();

test('SIMD is available on this Node and chosen by default', () => {
  assert.ok(simd !== null && simdAvailable());
  const saved = process.env.QUIVER_KERNELS;
  try {
    delete process.env.QUIVER_KERNELS;
    assert.equal(resolveKernels(), 'simd');
    process.env.QUIVER_KERNELS = 'scalar';
    assert.equal(resolveKernels(), 'scalar');
    assert.equal(resolveKernels('simd'), 'simd');
    assert.equal(resolveKernels('scalar'), 'scalar');
  } finally {
    if (saved === undefined) delete process.env.QUIVER_KERNELS;
    else process.env.QUIVER_KERNELS = saved;
  }
});

/** Two vectors of `dim` floats each, with some padding before them (offsets are exercised). */
const floatPair = fc
  .record({ dim: fc.integer({ min: 0, max: 300 }), pad: fc.integer({ min: 0, max: 7 }) })
  .chain(({ dim, pad }) =>
    fc.record({
      dim: fc.constant(dim),
      pad: fc.constant(pad),
      a: fc.float32Array({
        minLength: dim + pad,
        maxLength: dim + pad,
        noNaN: true,
        min: -100,
        max: 100,
      }),
      b: fc.float32Array({ minLength: dim, maxLength: dim, noNaN: true, min: -100, max: 100 }),
    }),
  );

function close(actual: number, expected: number, scale: number): void {
  const tol = 1e-5 * scale + 1e-6;
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} vs ${expected} (tol ${tol})`);
}

test('f32 kernels: SIMD agrees with scalar for any dim and offset', () => {
  assert.ok(simd);
  fc.assert(
    fc.property(floatPair, ({ dim, pad, a, b }) => {
      let absDot = 0;
      let absL2 = 0;
      let absL1 = 0;
      for (let i = 0; i < dim; i++) {
        const d = a[pad + i]! - b[i]!;
        absDot += Math.abs(a[pad + i]! * b[i]!);
        absL2 += d * d;
        absL1 += Math.abs(d);
      }
      close(simd.dot(a, pad, b, 0, dim), scalar.dot(a, pad, b, 0, dim), absDot);
      close(simd.l2Squared(a, pad, b, 0, dim), scalar.l2Squared(a, pad, b, 0, dim), absL2);
      close(simd.l1(a, pad, b, 0, dim), scalar.l1(a, pad, b, 0, dim), absL1);
    }),
    { numRuns: 300 },
  );
});

test('int8 kernels: SIMD equals scalar exactly', () => {
  assert.ok(simd);
  const pair = fc.integer({ min: 0, max: 400 }).chain((dim) =>
    fc.record({
      a: fc.int8Array({ minLength: dim, maxLength: dim }),
      b: fc.int8Array({ minLength: dim, maxLength: dim }),
    }),
  );
  fc.assert(
    fc.property(pair, ({ a, b }) => {
      assert.equal(simd.dotI8(a, 0, b, 0, a.length), scalar.dotI8(a, 0, b, 0, a.length));
      assert.equal(
        simd.l2SquaredI8(a, 0, b, 0, a.length),
        scalar.l2SquaredI8(a, 0, b, 0, a.length),
      );
    }),
    { numRuns: 300 },
  );
  const lo = new Int8Array(64).fill(-128);
  const hi = new Int8Array(64).fill(127);
  assert.equal(simd.l2SquaredI8(lo, 0, hi, 0, 64), 64 * 255 * 255);
  assert.equal(simd.dotI8(lo, 0, lo, 0, 64), 64 * 128 * 128);
});

test('hamming: SIMD popcount equals scalar exactly', () => {
  assert.ok(simd);
  const pair = fc.integer({ min: 0, max: 40 }).chain((words) =>
    fc.record({
      a: fc.array(fc.nat({ max: 0xffffffff }), { minLength: words, maxLength: words }),
      b: fc.array(fc.nat({ max: 0xffffffff }), { minLength: words, maxLength: words }),
    }),
  );
  fc.assert(
    fc.property(pair, ({ a, b }) => {
      const ua = Uint32Array.from(a);
      const ub = Uint32Array.from(b);
      const expected = scalar.hamming(ua, 0, ub, 0, ua.length);
      assert.equal(simd.hamming(ua, 0, ub, 0, ua.length), expected);
    }),
    { numRuns: 300 },
  );
  assert.equal(scalar.popcount32(0xffffffff), 32);
  assert.equal(scalar.popcount32(0), 0);
  assert.equal(scalar.popcount32(0x80000001), 2);
});
