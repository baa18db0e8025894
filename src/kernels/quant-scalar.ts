/**
 * Scalar reference kernels for quantized codes, and the reference of the batch entry point
 * `qscore_batch` of `kernels.wat`. As with `scalar.ts`, these are the definition: the WASM SIMD
 * path must agree with them (property-tested), and they run where SIMD is unavailable or
 * `QUIVER_KERNELS=scalar` is set.
 *
 * The batch reference works on byte addresses inside one `ArrayBuffer` laid out exactly as the
 * WASM module's memory is (see `code-store.ts`), so both paths run on the same layout.
 */
import { dotI8, hamming, l2SquaredI8 } from './scalar.js';

/**
 * What a code score computes (the `kind` argument of `qscore_batch`; stable numbers).
 * - `dotF32I8`: dot product of a float query with signed-byte codes (asymmetric scalar).
 * - `l1wF32I8`: sum of |w[i] * c[i] - t[i]| with per-dimension weights w in `aux`.
 * - `dotI8` / `l2I8`: dot product / squared L2 of byte codes on both sides (symmetric scalar).
 * - `hamming64`: Hamming distance over 64-bit words (binary).
 * - `adc`: product-quantization lookup, sum of table[j * 256 + code[j]] (the query is the table).
 */
export const QUANT_KIND = {
  dotF32I8: 0,
  l1wF32I8: 1,
  dotI8: 2,
  l2I8: 3,
  hamming64: 4,
  adc: 5,
} as const;

/** One of the {@link QUANT_KIND} numbers. */
export type QuantKind = (typeof QUANT_KIND)[keyof typeof QUANT_KIND];

/** Dot product of `n` floats of `q` (from `qOff`) with `n` signed bytes of `c` (from `cOff`). */
export function dotF32I8(q: Float32Array, qOff: number, c: Int8Array, cOff: number, n: number) {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += q[qOff + i]! * c[cOff + i]!;
    s1 += q[qOff + i + 1]! * c[cOff + i + 1]!;
  }
  if (i < n) s0 += q[qOff + i]! * c[cOff + i]!;
  return s0 + s1;
}

/** Weighted L1: sum over i < n of |w[i] * c[i] - t[i]| (t and w from `tOff`/`wOff`). */
export function l1wF32I8(
  t: Float32Array,
  tOff: number,
  w: Float32Array,
  wOff: number,
  c: Int8Array,
  cOff: number,
  n: number,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(w[wOff + i]! * c[cOff + i]! - t[tOff + i]!);
  return s;
}

/**
 * Hamming distance of `words` 64-bit words, each given as two 32-bit halves of `a` and `b`
 * (little-endian: the same bytes the WASM kernel reads as one u64).
 */
export function hamming64(
  a: Uint32Array,
  aOff: number,
  b: Uint32Array,
  bOff: number,
  words: number,
): number {
  return hamming(a, aOff, b, bOff, words * 2);
}

/** Product-quantization lookup: sum over j < m of table[tOff + j * 256 + c[cOff + j]]. */
export function adcU8(
  table: Float32Array,
  tOff: number,
  c: Uint8Array,
  cOff: number,
  m: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let j = 0;
  for (; j + 1 < m; j += 2) {
    s0 += table[tOff + j * 256 + c[cOff + j]!]!;
    s1 += table[tOff + (j + 1) * 256 + c[cOff + j + 1]!]!;
  }
  if (j < m) s0 += table[tOff + j * 256 + c[cOff + j]!]!;
  return s0 + s1;
}

/** Typed views over one buffer, re-created only when the buffer changes. */
export class BufferViews {
  buffer: ArrayBuffer = new ArrayBuffer(0);
  u8 = new Uint8Array(0);
  i8 = new Int8Array(0);
  u32 = new Uint32Array(0);
  f32 = new Float32Array(0);

  /** Points the views at `buffer` (no-op when they already are). */
  refresh(buffer: ArrayBuffer): this {
    if (buffer === this.buffer) return this;
    this.buffer = buffer;
    this.u8 = new Uint8Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.f32 = new Float32Array(buffer, 0, buffer.byteLength >>> 2);
    return this;
  }
}

/** Arguments of the batch scorer: byte addresses in one buffer, as `qscore_batch` takes them. */
export interface QuantBatchArgs {
  /** What to compute ({@link QUANT_KIND}). */
  kind: QuantKind;
  /** Address of the prepared query (floats, bytes, words or the lookup table, by kind). */
  q: number;
  /** Address of the per-dimension weights (`l1wF32I8` only). */
  aux: number;
  /** Address of code 0; code `id` starts at `base + id * stride`. */
  base: number;
  /** Bytes per code. */
  stride: number;
  /** Elements per code: dims, u64 words (hamming64) or sub-vectors (adc). */
  n: number;
  /** Address of `count` u32 ids. */
  ids: number;
  /** How many ids. */
  count: number;
  /** Address of `count` f32 outputs. */
  out: number;
  /** out = mul * raw + add + corr[id]. */
  mul: number;
  add: number;
  /** Address of per-code f32 corrections, or 0 for none. */
  corr: number;
}

/** One raw code score (the reference of `$qraw`); addresses are bytes, 4-aligned for floats. */
function raw(v: BufferViews, kind: QuantKind, q: number, aux: number, c: number, n: number) {
  switch (kind) {
    case QUANT_KIND.dotF32I8:
      return dotF32I8(v.f32, q >>> 2, v.i8, c, n);
    case QUANT_KIND.l1wF32I8:
      return l1wF32I8(v.f32, q >>> 2, v.f32, aux >>> 2, v.i8, c, n);
    case QUANT_KIND.dotI8:
      return dotI8(v.i8, q, v.i8, c, n);
    case QUANT_KIND.l2I8:
      return l2SquaredI8(v.i8, q, v.i8, c, n);
    case QUANT_KIND.hamming64:
      return hamming64(v.u32, q >>> 2, v.u32, c >>> 2, n);
    case QUANT_KIND.adc:
      return adcU8(v.f32, q >>> 2, v.u8, c, n);
  }
}

/**
 * The scalar reference of `qscore_batch`. Results are rounded to f32 at the same points as in
 * WASM (the raw score, then the corrected one), so both paths agree to float tolerance.
 */
export function qscoreBatch(v: BufferViews, a: QuantBatchArgs): void {
  const { kind, q, aux, base, stride, n, mul, add, corr } = a;
  const ids = a.ids >>> 2;
  const out = a.out >>> 2;
  const corrAt = corr >>> 2;
  const f32 = v.f32;
  const u32 = v.u32;
  for (let i = 0; i < a.count; i++) {
    const id = u32[ids + i]!;
    let s = Math.fround(
      Math.fround(mul * Math.fround(raw(v, kind, q, aux, base + id * stride, n))) + add,
    );
    if (corr !== 0) s += f32[corrAt + id]!;
    f32[out + i] = s;
  }
}
