/**
 * The WASM SIMD kernels over arbitrary typed arrays, with the same signatures as the scalar
 * reference (`scalar.ts`). Each call copies its operands into the module's memory, so this is
 * for tests and one-off scoring; hot paths keep vectors resident in a `WasmVectorStore`.
 */
import type { KernelExports } from './wasm.js';
import { WASM_PAGE_BYTES, instantiateSimd } from './wasm.js';

/** SIMD kernels bound to one private module instance. */
export class SimdKernels {
  private readonly wasm: KernelExports;

  private constructor(wasm: KernelExports) {
    this.wasm = wasm;
  }

  /** SIMD kernels, or null where the runtime lacks WebAssembly SIMD. */
  static create(): SimdKernels | null {
    const wasm = instantiateSimd();
    return wasm === null ? null : new SimdKernels(wasm);
  }

  /** Copies `bytes` of a and b into memory at 0 and at an aligned address after; returns it. */
  private stage(a: Uint8Array, b: Uint8Array): number {
    const second = (a.byteLength + 15) & ~15;
    const need = second + b.byteLength;
    const mem = this.wasm.memory;
    if (need > mem.buffer.byteLength) {
      mem.grow(Math.ceil((need - mem.buffer.byteLength) / WASM_PAGE_BYTES));
    }
    const view = new Uint8Array(mem.buffer);
    view.set(a, 0);
    view.set(b, second);
    return second;
  }

  private run(
    fn: (a: number, b: number, n: number) => number,
    a: ArrayBufferView,
    aByte: number,
    b: ArrayBufferView,
    bByte: number,
    bytes: number,
    n: number,
  ): number {
    const ua = new Uint8Array(a.buffer, a.byteOffset + aByte, bytes);
    const ub = new Uint8Array(b.buffer, b.byteOffset + bByte, bytes);
    return fn(0, this.stage(ua, ub), n);
  }

  /** Dot product of `dim` floats. */
  dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
    return this.run(this.wasm.dot_f32, a, aOff * 4, b, bOff * 4, dim * 4, dim);
  }

  /** Squared Euclidean distance of `dim` floats. */
  l2Squared(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
    return this.run(this.wasm.l2_f32, a, aOff * 4, b, bOff * 4, dim * 4, dim);
  }

  /** Manhattan distance of `dim` floats. */
  l1(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
    return this.run(this.wasm.l1_f32, a, aOff * 4, b, bOff * 4, dim * 4, dim);
  }

  /** Dot product of `dim` signed bytes. */
  dotI8(a: Int8Array, aOff: number, b: Int8Array, bOff: number, dim: number): number {
    return this.run(this.wasm.dot_i8, a, aOff, b, bOff, dim, dim);
  }

  /** Squared Euclidean distance of `dim` signed bytes. */
  l2SquaredI8(a: Int8Array, aOff: number, b: Int8Array, bOff: number, dim: number): number {
    return this.run(this.wasm.l2_i8, a, aOff, b, bOff, dim, dim);
  }

  /** Dot product of `n` floats with `n` signed bytes (asymmetric scalar quantization). */
  dotF32I8(q: Float32Array, qOff: number, c: Int8Array, cOff: number, n: number): number {
    const uq = new Uint8Array(q.buffer, q.byteOffset + qOff * 4, n * 4);
    const uc = new Uint8Array(c.buffer, c.byteOffset + cOff, n);
    return this.wasm.dot_f32_i8(0, this.stage(uq, uc), n);
  }

  /** Hamming distance of `words` 64-bit words (given as pairs of 32-bit halves). */
  hamming64(a: Uint32Array, aOff: number, b: Uint32Array, bOff: number, words: number): number {
    return this.run(this.wasm.hamming_u64, a, aOff * 4, b, bOff * 4, words * 8, words);
  }

  /** Hamming distance of `words` 32-bit words. */
  hamming(a: Uint32Array, aOff: number, b: Uint32Array, bOff: number, words: number): number {
    return this.run(this.wasm.hamming_u32, a, aOff * 4, b, bOff * 4, words * 4, words);
  }
}
