/**
 * Vectors published once in shared memory, for search workers (src/parallel/).
 *
 * A sealed segment's vectors never change, so the main thread copies them once into memory every
 * worker can read without a copy of its own: a `SharedArrayBuffer` for the scalar kernels, or a
 * shared `WebAssembly.Memory` for the SIMD kernels (the same kernels assembled against an imported
 * shared memory, see scripts/build-wasm.mjs). Workers score with the same kernels as the main
 * thread's store, so every score, and therefore every HNSW traversal, is bit-identical.
 *
 * Shared WASM memory layout (byte addresses):
 *   [0, 16)                                   unused (keeps 0 an invalid pointer)
 *   [16 + slot * scratchBytes, +scratchBytes) one scratch area per worker slot: the query slot,
 *                                             batch ids, batch scores (as in wasm-store.ts)
 *   [basePtr, ...)                            vectors, dim * 4 bytes each
 * Readers never write outside their own scratch area.
 */
import { BATCH_CAPACITY } from './batch.js';
import type { Metric } from './metric.js';
import type { KernelKind } from './select.js';
import type { Scorer, VectorStore } from './vector-store.js';
import { ScalarVectorStore } from './scalar-store.js';
import { WasmScorer, type WasmScorerHost } from './wasm-store.js';
import { type KernelExports, WASM_PAGE_BYTES, instantiateSharedSimd } from './wasm.js';

/** The shared form of a store's vectors; structured-clonable (postMessage shares, not copies). */
export type SharedVectors =
  | { kind: 'scalar'; dim: number; count: number; data: SharedArrayBuffer }
  | {
      kind: 'simd';
      dim: number;
      count: number;
      /** A shared `WebAssembly.Memory`. */
      memory: object;
      /** Bytes of one worker's scratch area. */
      scratchBytes: number;
      /** Worker slots with a scratch area. */
      slots: number;
      /** Byte address of vector 0. */
      basePtr: number;
    };

const align16 = (n: number): number => (n + 15) & ~15;

interface SharedMemoryApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => {
    buffer: SharedArrayBuffer;
  };
}

/** Floats copied between two yields of {@link shareVectorsSteps} (1 MiB). */
const CHUNK_FLOATS = 1 << 18;

/**
 * Copies the first `store.count` vectors of `store` into shared memory, laid out for `slots`
 * readers of the same kernel kind as `store`.
 */
export function shareVectors(store: VectorStore, slots: number): SharedVectors {
  const steps = shareVectorsSteps(store, slots);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * {@link shareVectors} in steps, yielding after every MiB copied, so a caller can spread a large
 * copy over several turns of the event loop. The store must not change meanwhile (sealed).
 */
export function* shareVectorsSteps(
  store: VectorStore,
  slots: number,
): Generator<void, SharedVectors> {
  const { dim, count } = store;
  const total = count * dim;
  let shared: SharedVectors;
  let target: Float32Array;
  if (store.kind === 'scalar') {
    const sab = new SharedArrayBuffer(Math.max(4, total * 4));
    shared = { kind: 'scalar', dim, count, data: sab };
    target = new Float32Array(sab, 0, total);
  } else {
    const scratchBytes = align16(dim * 4) + BATCH_CAPACITY * 8;
    const basePtr = align16(16 + slots * scratchBytes);
    const pages = Math.max(1, Math.ceil((basePtr + total * 4) / WASM_PAGE_BYTES));
    const api = (globalThis as unknown as { WebAssembly: SharedMemoryApi }).WebAssembly;
    let memory: { buffer: SharedArrayBuffer };
    try {
      memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
    } catch (cause) {
      throw new RangeError(`cannot allocate ${pages * WASM_PAGE_BYTES} bytes of shared memory`, {
        cause,
      });
    }
    shared = { kind: 'simd', dim, count, memory, scratchBytes, slots, basePtr };
    target = new Float32Array(memory.buffer, basePtr, total);
  }
  for (let at = 0; at < total; at += CHUNK_FLOATS) {
    // The view is taken again after every yield: a store's buffer may be replaced meanwhile.
    const { data, base } = store.view();
    const end = Math.min(total, at + CHUNK_FLOATS);
    target.set(data.subarray(base + at, base + end), at);
    if (end < total) yield;
  }
  return shared;
}

/**
 * A read-only store over shared vectors for the reader in `slot` (0 .. slots - 1): appends and
 * writes throw.
 */
export function openSharedVectors(shared: SharedVectors, slot: number): VectorStore {
  if (shared.kind === 'scalar') {
    const store = new ScalarVectorStore(shared.dim, 1);
    store.data = new Float32Array(shared.data);
    store.count = shared.count;
    return new ReadOnlyStore(store);
  }
  if (slot < 0 || slot >= shared.slots) {
    throw new RangeError(`worker slot ${slot} is outside the shared store's ${shared.slots}`);
  }
  return new SharedWasmStore(shared, slot);
}

/** Forwards reads to a store and refuses writes. */
class ReadOnlyStore implements VectorStore {
  constructor(private readonly inner: VectorStore) {}
  get kind(): KernelKind {
    return this.inner.kind;
  }
  get dim(): number {
    return this.inner.dim;
  }
  get count(): number {
    return this.inner.count;
  }
  append(): number {
    throw new RangeError('a shared vector store is read-only');
  }
  set(): void {
    throw new RangeError('a shared vector store is read-only');
  }
  get(offset: number): Float32Array {
    return this.inner.get(offset);
  }
  reserve(): void {}
  scorer(metric: Metric): Scorer {
    return this.inner.scorer(metric);
  }
  view(): { data: Float32Array; base: number } {
    return this.inner.view();
  }
}

/** See the file comment: SIMD kernels over a shared memory, scratch in this reader's slot. */
class SharedWasmStore implements VectorStore, WasmScorerHost {
  readonly kind: KernelKind = 'simd';
  readonly dim: number;
  readonly count: number;
  readonly wasm: Omit<KernelExports, 'memory'>;
  readonly strideBytes: number;
  readonly queryPtr: number;
  readonly idsPtr: number;
  readonly scoresPtr: number;
  readonly basePtr: number;
  currentQuery: number;
  private readonly f32: Float32Array;
  private readonly idsView: Uint32Array;
  private readonly scoresView: Float32Array;

  constructor(shared: Extract<SharedVectors, { kind: 'simd' }>, slot: number) {
    const wasm = instantiateSharedSimd(shared.memory);
    if (wasm === null) throw new Error('WASM SIMD kernels are not available in this runtime');
    this.wasm = wasm;
    this.dim = shared.dim;
    this.count = shared.count;
    this.strideBytes = shared.dim * 4;
    this.queryPtr = 16 + slot * shared.scratchBytes;
    this.idsPtr = this.queryPtr + align16(shared.dim * 4);
    this.scoresPtr = this.idsPtr + BATCH_CAPACITY * 4;
    this.basePtr = shared.basePtr;
    this.currentQuery = this.queryPtr;
    const buffer = (shared.memory as { buffer: SharedArrayBuffer }).buffer;
    this.f32 = new Float32Array(buffer);
    this.idsView = new Uint32Array(buffer, this.idsPtr, BATCH_CAPACITY);
    this.scoresView = new Float32Array(buffer, this.scoresPtr, BATCH_CAPACITY);
  }

  floats(): Float32Array {
    return this.f32;
  }
  ids(): Uint32Array {
    return this.idsView;
  }
  scores(): Float32Array {
    return this.scoresView;
  }
  append(): number {
    throw new RangeError('a shared vector store is read-only');
  }
  set(): void {
    throw new RangeError('a shared vector store is read-only');
  }
  get(offset: number): Float32Array {
    const start = this.basePtr / 4 + offset * this.dim;
    return this.f32.slice(start, start + this.dim);
  }
  reserve(): void {}
  scorer(metric: Metric): Scorer {
    return new WasmScorer(this, metric);
  }
  view(): { data: Float32Array; base: number } {
    return { data: this.f32, base: this.basePtr / 4 };
  }
}
