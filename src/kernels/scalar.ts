/**
 * Scalar reference kernels: plain TypeScript over typed arrays with offsets.
 *
 * These are the definition of every distance the engine computes: the WASM SIMD kernels must
 * agree with them within float tolerance (property-tested), and they are the fallback where
 * WebAssembly SIMD is unavailable or `QUIVER_KERNELS=scalar` is set.
 *
 * Offsets are element offsets (not bytes) into arrays that hold many fixed-stride vectors.
 */

/** Dot product of `dim` floats at `a[aOff..]` and `b[bOff..]`. */
export function dot(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  dim: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  // Two accumulators: shorter dependency chains, measurably faster in V8.
  for (; i + 1 < dim; i += 2) {
    s0 += a[aOff + i]! * b[bOff + i]!;
    s1 += a[aOff + i + 1]! * b[bOff + i + 1]!;
  }
  if (i < dim) s0 += a[aOff + i]! * b[bOff + i]!;
  return s0 + s1;
}

/** Squared Euclidean distance of `dim` floats. */
export function l2Squared(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  dim: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < dim; i += 2) {
    const d0 = a[aOff + i]! - b[bOff + i]!;
    const d1 = a[aOff + i + 1]! - b[bOff + i + 1]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
  }
  if (i < dim) {
    const d = a[aOff + i]! - b[bOff + i]!;
    s0 += d * d;
  }
  return s0 + s1;
}

/** Manhattan (L1) distance of `dim` floats. */
export function l1(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  dim: number,
): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += Math.abs(a[aOff + i]! - b[bOff + i]!);
  return s;
}

/** Dot product of `dim` signed bytes (scalar-quantization codes); exact integer result. */
export function dotI8(a: Int8Array, aOff: number, b: Int8Array, bOff: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += a[aOff + i]! * b[bOff + i]!;
  return s;
}

/** Squared Euclidean distance of `dim` signed bytes; exact integer result. */
export function l2SquaredI8(
  a: Int8Array,
  aOff: number,
  b: Int8Array,
  bOff: number,
  dim: number,
): number {
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const d = a[aOff + i]! - b[bOff + i]!;
    s += d * d;
  }
  return s;
}

/** Number of set bits in a 32-bit word (SWAR popcount). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance of `words` 32-bit words (binary-quantization codes). */
export function hamming(
  a: Uint32Array,
  aOff: number,
  b: Uint32Array,
  bOff: number,
  words: number,
): number {
  let s = 0;
  for (let i = 0; i < words; i++) s += popcount32(a[aOff + i]! ^ b[bOff + i]!);
  return s;
}
