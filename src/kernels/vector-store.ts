/**
 * Dense vector storage: one fixed-stride Float32 array per store, addressed by dense u32
 * offsets, with a scorer that computes query-to-vector scores in batches.
 *
 * Two implementations share this interface: {@link WasmVectorStore} keeps the vectors in the
 * WASM SIMD module's linear memory (no copy per call: the kernels read them in place), and
 * {@link ScalarVectorStore} keeps them in an ordinary typed array for the scalar kernels.
 * {@link createVectorStore} picks one at run time.
 */
import type { Metric } from './metric.js';
import type { KernelKind, KernelRequest } from './select.js';
import { resolveKernels } from './select.js';
import { ScalarVectorStore } from './scalar-store.js';
import { WasmVectorStore } from './wasm-store.js';

export { BATCH_CAPACITY } from './batch.js';

/**
 * Scores a query against stored vectors under one metric (higher is better). The query and the
 * batch buffers are shared by every scorer of a store: not re-entrant, which is fine on one
 * thread as long as one search or insert runs at a time per store.
 */
export interface Scorer {
  /** The metric this scorer computes. */
  readonly metric: Metric;
  /** Copies `query` (length = dim) into the store's query slot. */
  setQuery(query: Float32Array): void;
  /** Uses the stored vector at `offset` as the query (no copy). */
  setQueryStored(offset: number): void;
  /**
   * Batch input: fill `ids()[0..count)` with offsets, call {@link scoreBatch}, read
   * `scores()[0..count)`. The views are re-fetched after the store grows (WASM memory growth
   * detaches old views).
   */
  ids(): Uint32Array;
  /** Batch output, see {@link ids}. */
  scores(): Float32Array;
  /** Scores the query against `ids()[0..count)` into `scores()`; count <= BATCH_CAPACITY. */
  scoreBatch(count: number): void;
  /**
   * Like {@link scoreBatch} with the stored vector at `offset` as the query, leaving the
   * current query as it is (for scoring a node's neighbours against that node).
   */
  scoreBatchFrom(offset: number, count: number): void;
  /** Scores the query against `count` consecutive vectors from `start` into `scores()`. */
  scoreRange(start: number, count: number): void;
  /** Score of the query against the vector at `offset`. */
  scoreOne(offset: number): number;
  /** Score between two stored vectors. */
  scorePair(a: number, b: number): number;
}

/**
 * The part of a {@link Scorer} a graph search uses: enough for a scorer over other data (such as
 * quantized codes of the same vectors) to steer the traversal.
 */
export type TraversalScorer = Pick<
  Scorer,
  'setQuery' | 'ids' | 'scores' | 'scoreBatch' | 'scoreOne'
>;

/** Fixed-dimension vector storage with dense offsets. */
export interface VectorStore {
  /** Which kernels score this store's vectors. */
  readonly kind: KernelKind;
  /** Floats per vector. */
  readonly dim: number;
  /** Vectors stored: valid offsets are `0 .. count - 1`. */
  readonly count: number;
  /** Appends a vector (length = dim) and returns its offset. */
  append(vector: ArrayLike<number>): number;
  /** Overwrites the vector at an existing offset. */
  set(offset: number, vector: ArrayLike<number>): void;
  /** A copy of the vector at `offset`. */
  get(offset: number): Float32Array;
  /** Makes room for `capacity` vectors without further growth. */
  reserve(capacity: number): void;
  /** A scorer for `metric` over this store. */
  scorer(metric: Metric): Scorer;
  /**
   * The array holding the vectors and the float index of offset 0 in it (vector `o` starts at
   * `base + o * dim`). Valid until the store grows: call it after the last append.
   */
  view(): { data: Float32Array; base: number };
}

/** Options for {@link createVectorStore}. */
export interface VectorStoreOptions {
  /** Floats per vector. Required; 1 .. 65536. */
  dim: number;
  /**
   * Vectors to allocate room for up front. Default 1024; growth doubles, so this only saves
   * copies (scalar) or memory.grow calls (WASM) when the final size is known.
   */
  initialCapacity?: number;
  /**
   * `auto` (default): WASM SIMD when the runtime supports it, unless `QUIVER_KERNELS=scalar`;
   * `simd` or `scalar` to choose explicitly (`simd` falls back to scalar where unsupported).
   */
  kernels?: KernelRequest;
}

/** Creates a vector store with the fastest available kernels (see {@link VectorStoreOptions}). */
export function createVectorStore(options: VectorStoreOptions): VectorStore {
  const { dim } = options;
  if (!Number.isInteger(dim) || dim < 1 || dim > 65536) {
    throw new RangeError(`dim must be an integer in 1..65536, got ${dim}`);
  }
  const capacity = Math.max(1, options.initialCapacity ?? 1024);
  return resolveKernels(options.kernels) === 'simd'
    ? new WasmVectorStore(dim, capacity)
    : new ScalarVectorStore(dim, capacity);
}
