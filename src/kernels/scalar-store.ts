/**
 * Vector store on an ordinary Float32Array, scored by the scalar reference kernels: the
 * fallback where WASM SIMD is unavailable, and the baseline the SIMD store is measured against.
 */
import type { Metric } from './metric.js';
import type { KernelKind } from './select.js';
import type { Scorer, VectorStore } from './vector-store.js';
import { BATCH_CAPACITY } from './batch.js';
import { dot, l1, l2Squared } from './scalar.js';

type Kernel = (a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number) => number;

/** Score functions, higher is better, one per metric. */
const SCORE: Readonly<Record<Metric, Kernel>> = {
  dot,
  l2: (a, aOff, b, bOff, dim) => -l2Squared(a, aOff, b, bOff, dim),
  l1: (a, aOff, b, bOff, dim) => -l1(a, aOff, b, bOff, dim),
};

/** See the file comment. */
export class ScalarVectorStore implements VectorStore {
  readonly kind: KernelKind = 'scalar';
  readonly dim: number;
  count = 0;
  /** All vectors, `dim` floats each; replaced (copied) on growth. */
  data: Float32Array;
  /** The query slot shared by this store's scorers. */
  readonly query: Float32Array;
  readonly batchIds = new Uint32Array(BATCH_CAPACITY);
  readonly batchScores = new Float32Array(BATCH_CAPACITY);
  /** Where the current query lives: the query slot or a stored vector. */
  queryArray: Float32Array;
  queryOffset = 0;

  constructor(dim: number, capacity: number) {
    this.dim = dim;
    this.data = new Float32Array(dim * capacity);
    this.query = new Float32Array(dim);
    this.queryArray = this.query;
  }

  reserve(capacity: number): void {
    if (capacity * this.dim <= this.data.length) return;
    const next = new Float32Array(Math.max(capacity, (this.data.length / this.dim) * 2) * this.dim);
    next.set(this.data);
    this.data = next;
    if (this.queryArray !== this.query) this.queryArray = next;
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
    this.data.set(vector, offset * this.dim);
  }

  get(offset: number): Float32Array {
    return this.data.slice(offset * this.dim, (offset + 1) * this.dim);
  }

  scorer(metric: Metric): Scorer {
    return new ScalarScorer(this, metric);
  }

  view(): { data: Float32Array; base: number } {
    return { data: this.data, base: 0 };
  }
}

class ScalarScorer implements Scorer {
  private readonly fn: Kernel;
  constructor(
    private readonly store: ScalarVectorStore,
    readonly metric: Metric,
  ) {
    this.fn = SCORE[metric];
  }

  setQuery(query: Float32Array): void {
    this.store.query.set(query);
    this.store.queryArray = this.store.query;
    this.store.queryOffset = 0;
  }

  setQueryStored(offset: number): void {
    this.store.queryArray = this.store.data;
    this.store.queryOffset = offset * this.store.dim;
  }

  ids(): Uint32Array {
    return this.store.batchIds;
  }

  scores(): Float32Array {
    return this.store.batchScores;
  }

  scoreBatch(count: number): void {
    const { data, dim, queryArray, queryOffset, batchIds, batchScores } = this.store;
    const fn = this.fn;
    for (let i = 0; i < count; i++) {
      batchScores[i] = fn(queryArray, queryOffset, data, batchIds[i]! * dim, dim);
    }
  }

  scoreBatchFrom(offset: number, count: number): void {
    const { data, dim, batchIds, batchScores } = this.store;
    const fn = this.fn;
    const q = offset * dim;
    for (let i = 0; i < count; i++) batchScores[i] = fn(data, q, data, batchIds[i]! * dim, dim);
  }

  scoreRange(start: number, count: number): void {
    const { data, dim, queryArray, queryOffset, batchScores } = this.store;
    const fn = this.fn;
    for (let i = 0; i < count; i++) {
      batchScores[i] = fn(queryArray, queryOffset, data, (start + i) * dim, dim);
    }
  }

  scoreOne(offset: number): number {
    const s = this.store;
    return this.fn(s.queryArray, s.queryOffset, s.data, offset * s.dim, s.dim);
  }

  scorePair(a: number, b: number): number {
    const s = this.store;
    return this.fn(s.data, a * s.dim, s.data, b * s.dim, s.dim);
  }
}
