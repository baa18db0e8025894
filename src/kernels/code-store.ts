/**
 * Fixed-size storage for quantized codes, with the scratch a scorer needs, in one linear memory:
 * the WASM SIMD module's own memory when SIMD is used (the kernels read codes in place), or a
 * plain `ArrayBuffer` with the identical layout for the scalar reference kernels.
 *
 * Codes belong to sealed segments, which never change, so the size is fixed at construction and
 * views never go stale. Layout (byte addresses, each region 16-byte aligned):
 *   [0, 16)                         unused (keeps 0 an invalid pointer: corr = 0 means none)
 *   [queryA, +queryBytes)           the prepared query of the current search
 *   [queryB, +queryBytes)           a second query slot (a stored code used as the query)
 *   [aux, +auxBytes)                codec constants the kernels read (per-dimension weights)
 *   [ids, +BATCH_CAPACITY*4)        batch input: u32 code numbers
 *   [scores, +BATCH_CAPACITY*4)     batch output: f32 scores
 *   [corr, +count*4)                per-code f32 corrections (when the codec has them)
 *   [base, +count*stride)           the codes, `stride` bytes each
 */
import { BATCH_CAPACITY } from './batch.js';
import type { QuantKind } from './quant-scalar.js';
import { BufferViews, qscoreBatch } from './quant-scalar.js';
import type { KernelKind, KernelRequest } from './select.js';
import { resolveKernels } from './select.js';
import type { KernelExports } from './wasm.js';
import { WASM_PAGE_BYTES, instantiateSimd } from './wasm.js';

const align16 = (n: number): number => (n + 15) & ~15;

/** Options for {@link CodeStore}. */
export interface CodeStoreOptions {
  /** Codes held. >= 0. */
  count: number;
  /** Bytes per code. >= 1. */
  stride: number;
  /** Bytes of one prepared query (e.g. dim * 4 for a float query, m * 1024 for a PQ table). */
  queryBytes: number;
  /** Bytes of codec constants (0 when none). */
  auxBytes: number;
  /** Whether each code carries an f32 correction term. */
  corrections: boolean;
  /** `auto` (default), `simd` or `scalar`, as for vector stores. */
  kernels?: KernelRequest;
}

/** One batch scoring call; addresses of ids, scores, codes and corrections are the store's. */
export interface CodeBatch {
  /** What to compute. */
  kind: QuantKind;
  /** Address of the prepared query: {@link CodeStore.queryA} or {@link CodeStore.queryB}. */
  q: number;
  /** Elements per code (dims, u64 words or sub-vectors). */
  n: number;
  /** How many ids of `ids()` to score. <= BATCH_CAPACITY. */
  count: number;
  /** score = mul * raw + add + correction. */
  mul: number;
  add: number;
}

/** See the file comment. */
export class CodeStore {
  readonly kind: KernelKind;
  readonly count: number;
  readonly stride: number;
  readonly queryA: number;
  readonly queryB: number;
  readonly aux: number;
  readonly idsPtr: number;
  readonly scoresPtr: number;
  /** Address of the corrections, 0 when there are none. */
  readonly corr: number;
  readonly base: number;
  /** Bytes of the whole memory (codes, corrections and scratch). */
  readonly byteLength: number;
  private readonly wasm: KernelExports | null;
  private readonly views = new BufferViews();

  constructor(options: CodeStoreOptions) {
    const { count, stride, queryBytes, auxBytes, corrections } = options;
    this.count = count;
    this.stride = stride;
    this.queryA = 16;
    this.queryB = align16(this.queryA + queryBytes);
    this.aux = align16(this.queryB + queryBytes);
    this.idsPtr = align16(this.aux + auxBytes);
    this.scoresPtr = this.idsPtr + BATCH_CAPACITY * 4;
    const corrAt = this.scoresPtr + BATCH_CAPACITY * 4;
    this.corr = corrections ? corrAt : 0;
    this.base = align16(corrections ? corrAt + count * 4 : corrAt);
    this.byteLength = align16(this.base + count * stride);
    this.wasm = resolveKernels(options.kernels) === 'simd' ? instantiateSimd() : null;
    this.kind = this.wasm === null ? 'scalar' : 'simd';
    if (this.wasm === null) {
      this.views.refresh(new ArrayBuffer(this.byteLength));
    } else {
      const mem = this.wasm.memory;
      const have = mem.buffer.byteLength;
      if (this.byteLength > have) {
        try {
          mem.grow(Math.ceil((this.byteLength - have) / WASM_PAGE_BYTES));
        } catch (cause) {
          throw new RangeError(
            `cannot grow WASM memory to ${this.byteLength} bytes for ${count} codes of ${stride} bytes`,
            { cause },
          );
        }
      }
      this.views.refresh(mem.buffer);
    }
  }

  /** Views over the whole memory (stable: the store never grows after construction). */
  get mem(): BufferViews {
    return this.views;
  }

  /** The bytes of code `id` (a view, writable while the codes are being built). */
  code(id: number): Uint8Array {
    const at = this.base + id * this.stride;
    return this.views.u8.subarray(at, at + this.stride);
  }

  /** Batch input: u32 code numbers. */
  ids(): Uint32Array {
    return this.views.u32.subarray(this.idsPtr >>> 2, (this.idsPtr >>> 2) + BATCH_CAPACITY);
  }

  /** Batch output: f32 scores. */
  scores(): Float32Array {
    return this.views.f32.subarray(this.scoresPtr >>> 2, (this.scoresPtr >>> 2) + BATCH_CAPACITY);
  }

  /** Scores the query at `b.q` against the codes `ids()[0..count)` into `scores()`. */
  scoreBatch(b: CodeBatch): void {
    if (this.wasm !== null) {
      this.wasm.qscore_batch(
        b.kind,
        b.q,
        this.aux,
        this.base,
        this.stride,
        b.n,
        this.idsPtr,
        b.count,
        this.scoresPtr,
        b.mul,
        b.add,
        this.corr,
      );
    } else {
      qscoreBatch(this.views, {
        ...b,
        aux: this.aux,
        base: this.base,
        stride: this.stride,
        ids: this.idsPtr,
        out: this.scoresPtr,
        corr: this.corr,
      });
    }
  }
}
