/**
 * Binary quantization: one bit per component, set when the component is positive, packed into
 * 64-bit words (32x smaller than float32). Two codes are compared by Hamming distance (popcount
 * of their xor): the number of components whose signs disagree. For unit vectors (Cosine) and
 * roughly centred data (Dot) few sign disagreements mean a small angle, so the Hamming order is a
 * coarse version of the true order; it is meant for candidate selection followed by rescoring
 * with the original vectors, with oversampling. For Euclid and Manhattan it is a weak proxy.
 *
 * Score estimate: 1 - 2 h / dim (h = Hamming distance), in [-1, 1], higher is better: the
 * fraction of agreeing signs minus the fraction of disagreeing ones.
 */
import type { BufferViews } from '../kernels/quant-scalar.js';
import { QUANT_KIND } from '../kernels/quant-scalar.js';
import type { Metric } from '../kernels/metric.js';
import type { Codec, PreparedQuery } from './codec.js';

/** See the file comment. Binary codes need no training. */
export class BinaryCodec implements Codec {
  readonly method = 'binary';
  readonly stride: number;
  readonly queryBytes: number;
  readonly auxBytes = 0;
  readonly corrections = false;
  /** 64-bit words per code. */
  readonly words: number;

  constructor(
    readonly metric: Metric,
    readonly dim: number,
  ) {
    this.words = Math.ceil(dim / 64);
    this.stride = this.words * 8;
    this.queryBytes = this.stride;
  }

  writeAux(): void {}

  /** Sets bit i (byte i >> 3, bit i & 7) when component i is positive; code must be zeroed. */
  private pack(data: Float32Array, offset: number, code: Uint8Array): void {
    for (let i = 0; i < this.dim; i++) {
      if (data[offset + i]! > 0) code[i >>> 3] = code[i >>> 3]! | (1 << (i & 7));
    }
  }

  encode(data: Float32Array, offset: number, code: Uint8Array): number {
    this.pack(data, offset, code);
    return 0;
  }

  /** ±1/√dim per component: a unit vector with the code's signs. */
  decode(code: Uint8Array): Float32Array {
    const v = 1 / Math.sqrt(this.dim);
    const out = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) out[i] = (code[i >>> 3]! >> (i & 7)) & 1 ? v : -v;
    return out;
  }

  prepare(query: Float32Array, mem: BufferViews, at: number): PreparedQuery {
    const q = mem.u8.subarray(at, at + this.stride);
    q.fill(0);
    this.pack(query, 0, q);
    return { kind: QUANT_KIND.hamming64, n: this.words, mul: -2 / this.dim, add: 1 };
  }

  params(): Uint8Array {
    return new Uint8Array(0);
  }
}
