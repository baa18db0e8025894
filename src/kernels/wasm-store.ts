/**
 * Vector store inside the WASM SIMD module's linear memory: the kernels read vectors in place,
 * so a search crosses the JS/WASM boundary once per expanded node (a batch of neighbours), with
 * no copying.
 *
 * Memory layout of the store's own instance (byte addresses):
 *   [0, 16)                       unused (keeps 0 an invalid pointer)
 *   [queryPtr, +dim*4)            the query slot
 *   [idsPtr, +BATCH_CAPACITY*4)   batch input: u32 offsets
 *   [scoresPtr, +BATCH_CAPACITY*4) batch output: f32 scores
 *   [basePtr, ...)                vectors, dim*4 bytes each, offset o at basePtr + o*dim*4
 * The vectors come last so growing memory extends them in place.
 */
import type { Metric } from './metric.js';
import { METRIC_CODE } from './metric.js';
import type { KernelKind } from './select.js';
import type { Scorer, VectorStore } from './vector-store.js';
import { BATCH_CAPACITY } from './batch.js';
import type { KernelExports } from './wasm.js';
import { WASM_PAGE_BYTES, instantiateSimd } from './wasm.js';

const align16 = (n: number): number => (n + 15) & ~15;

/** See the file comment. */
export class WasmVectorStore implements VectorStore {
  readonly kind: KernelKind = 'simd';
  readonly dim: number;
  count = 0;
  readonly wasm: KernelExports;
  readonly strideBytes: number;
  readonly queryPtr: number;
  readonly idsPtr: number;
  readonly scoresPtr: number;
  readonly basePtr: number;
  /** Byte address the scorers use as the query: the query slot or a stored vector. */
  currentQuery: number;
  private capacity = 0;
  private buffer: ArrayBuffer | undefined;
  private f32: Float32Array = new Float32Array(0);
  private idsView: Uint32Array = new Uint32Array(0);
  private scoresView: Float32Array = new Float32Array(0);

  constructor(dim: number, capacity: number) {
    const wasm = instantiateSimd();
    if (wasm === null) throw new Error('WASM SIMD kernels are not available in this runtime');
    this.wasm = wasm;
    this.dim = dim;
    this.strideBytes = dim * 4;
    this.queryPtr = 16;
    this.idsPtr = align16(this.queryPtr + dim * 4);
    this.scoresPtr = this.idsPtr + BATCH_CAPACITY * 4;
    this.basePtr = this.scoresPtr + BATCH_CAPACITY * 4;
    this.currentQuery = this.queryPtr;
    this.reserve(capacity);
  }

  /** A Float32Array over the whole memory (vectors at `basePtr / 4 + offset * dim`). */
  floats(): Float32Array {
    this.refresh();
    return this.f32;
  }

  ids(): Uint32Array {
    this.refresh();
    return this.idsView;
  }

  scores(): Float32Array {
    this.refresh();
    return this.scoresView;
  }

  /** Re-creates the views when memory growth has replaced the buffer. */
  private refresh(): void {
    const buffer = this.wasm.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.f32 = new Float32Array(buffer);
    this.idsView = new Uint32Array(buffer, this.idsPtr, BATCH_CAPACITY);
    this.scoresView = new Float32Array(buffer, this.scoresPtr, BATCH_CAPACITY);
  }

  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    const target = Math.max(capacity, this.capacity * 2);
    const needBytes = this.basePtr + target * this.strideBytes;
    const haveBytes = this.wasm.memory.buffer.byteLength;
    if (needBytes > haveBytes) {
      const pages = Math.ceil((needBytes - haveBytes) / WASM_PAGE_BYTES);
      try {
        this.wasm.memory.grow(pages);
      } catch (cause) {
        throw new RangeError(
          `cannot grow WASM memory to ${needBytes} bytes for ${target} vectors of ${this.dim} dims`,
          { cause },
        );
      }
    }
    this.capacity = Math.floor(
      (this.wasm.memory.buffer.byteLength - this.basePtr) / this.strideBytes,
    );
    this.refresh();
  }

  append(vector: ArrayLike<number>): number {
    const offset = this.count;
    this.reserve(offset + 1);
    this.count = offset + 1;
    this.set(offset, vector);
    return offset;
  }

  set(offset: number, vector: ArrayLike<number>): void {
    if (vector.length !== this.dim) {
      throw new RangeError(`vector has ${vector.length} dimensions, the store ${this.dim}`);
    }
    this.floats().set(vector, this.basePtr / 4 + offset * this.dim);
  }

  get(offset: number): Float32Array {
    const start = this.basePtr / 4 + offset * this.dim;
    return this.floats().slice(start, start + this.dim);
  }

  scorer(metric: Metric): Scorer {
    return new WasmScorer(this, metric);
  }

  view(): { data: Float32Array; base: number } {
    return { data: this.floats(), base: this.basePtr / 4 };
  }
}

/** What a {@link WasmScorer} reads of its store: kernels, layout and the batch views. */
export interface WasmScorerHost {
  readonly wasm: Pick<KernelExports, 'score' | 'score_batch' | 'score_range'>;
  readonly dim: number;
  readonly strideBytes: number;
  readonly queryPtr: number;
  readonly idsPtr: number;
  readonly scoresPtr: number;
  readonly basePtr: number;
  currentQuery: number;
  floats(): Float32Array;
  ids(): Uint32Array;
  scores(): Float32Array;
}

/** A scorer over a store in WASM memory (its own, or a shared one: shared-store.ts). */
export class WasmScorer implements Scorer {
  private readonly code: number;
  constructor(
    private readonly store: WasmScorerHost,
    readonly metric: Metric,
  ) {
    this.code = METRIC_CODE[metric];
  }

  setQuery(query: Float32Array): void {
    const s = this.store;
    s.floats().set(query.subarray(0, s.dim), s.queryPtr / 4);
    s.currentQuery = s.queryPtr;
  }

  setQueryStored(offset: number): void {
    const s = this.store;
    s.currentQuery = s.basePtr + offset * s.strideBytes;
  }

  ids(): Uint32Array {
    return this.store.ids();
  }

  scores(): Float32Array {
    return this.store.scores();
  }

  scoreBatch(count: number): void {
    const s = this.store;
    s.wasm.score_batch(
      this.code,
      s.currentQuery,
      s.basePtr,
      s.strideBytes,
      s.dim,
      s.idsPtr,
      count,
      s.scoresPtr,
    );
  }

  scoreBatchFrom(offset: number, count: number): void {
    const s = this.store;
    s.wasm.score_batch(
      this.code,
      s.basePtr + offset * s.strideBytes,
      s.basePtr,
      s.strideBytes,
      s.dim,
      s.idsPtr,
      count,
      s.scoresPtr,
    );
  }

  scoreRange(start: number, count: number): void {
    const s = this.store;
    const v = s.basePtr + start * s.strideBytes;
    s.wasm.score_range(this.code, s.currentQuery, v, s.strideBytes, s.dim, count, s.scoresPtr);
  }

  scoreOne(offset: number): number {
    const s = this.store;
    return s.wasm.score(this.code, s.currentQuery, s.basePtr + offset * s.strideBytes, s.dim);
  }

  scorePair(a: number, b: number): number {
    const s = this.store;
    return s.wasm.score(
      this.code,
      s.basePtr + a * s.strideBytes,
      s.basePtr + b * s.strideBytes,
      s.dim,
    );
  }
}
