/**
 * One named vector of every point in a segment: a vector store (kernels/vector-store.ts: WASM
 * memory when SIMD is available, so exact scans run on the SIMD kernels in place) plus a
 * presence byte per offset, since a point may lack a named vector. Vector `o` is at
 * `data[base + o * dim ..]`; `data` and `base` follow the store when it grows.
 *
 * A column of an appendable segment owns its store (made with its first vector, so an empty
 * segment costs no WASM memory) and grows with it. A column of a sealed segment is a fixed view
 * over the store its HNSW index reads ({@link VectorColumn.over}), so the vectors are held once;
 * it never grows, and a cleared vector keeps its data, because a deleted node still routes graph
 * searches.
 */
import { type VectorStore, createVectorStore } from '../kernels/vector-store.js';

/** See the module comment. */
export class VectorColumn {
  /** Components per vector. */
  readonly dim: number;
  /** The array holding the vectors (see `base`); replaced when the store grows. */
  data!: Float32Array;
  /** Float index of offset 0 in `data`. */
  base = 0;
  /** 1 where the point at that offset has this vector. */
  present: Uint8Array;
  /** `true` for a sealed segment's view: no growth. */
  private readonly fixed: boolean;
  private owned: VectorStore | undefined;
  private zeros: Float32Array | undefined;
  private readonly capacity: number;

  constructor(dim: number, capacity = 16, store?: VectorStore) {
    this.dim = dim;
    this.fixed = store !== undefined;
    this.owned = store;
    this.capacity = capacity;
    if (store !== undefined) this.refresh();
    else this.data = new Float32Array(0);
    this.present = new Uint8Array(capacity);
  }

  /**
   * The store holding the vectors (offsets without a vector hold zeros or stale data). An
   * appendable column creates it with its first vector: a segment or collection that never
   * gets one costs no WASM memory.
   */
  get store(): VectorStore {
    if (this.owned === undefined) {
      this.owned = createVectorStore({ dim: this.dim, initialCapacity: this.capacity });
      this.refresh();
    }
    return this.owned;
  }

  /** `true` while no vector was ever stored. */
  get empty(): boolean {
    return this.owned === undefined || this.owned.count === 0;
  }

  /**
   * A fixed-size column over `store` (which must hold `present.length` vectors and never grow
   * again): `present[o] === 1` where offset `o` has a vector.
   */
  static over(store: VectorStore, present: Uint8Array): VectorColumn {
    const column = new VectorColumn(store.dim, present.length, store);
    column.present = present;
    return column;
  }

  /** Re-reads the store's array (it moves when the store grows). */
  private refresh(): void {
    const view = this.owned!.view();
    this.data = view.data;
    this.base = view.base;
  }

  private ensure(offset: number): void {
    if (offset < this.present.length) return;
    if (this.fixed) {
      throw new RangeError(`offset ${offset} is past the end of a sealed vector column`);
    }
    let capacity = this.present.length * 2;
    while (capacity <= offset) capacity *= 2;
    const present = new Uint8Array(capacity);
    present.set(this.present);
    this.present = present;
  }

  /** Stores `vector` (already validated and, for Cosine, normalised) at `offset`. */
  set(offset: number, vector: Float32Array): void {
    this.ensure(offset);
    const store = this.store;
    if (offset < store.count) store.set(offset, vector);
    else {
      if (offset > store.count) this.zeros ??= new Float32Array(this.dim);
      while (store.count < offset) store.append(this.zeros!);
      store.append(vector);
    }
    this.refresh();
    this.present[offset] = 1;
  }

  /** Removes the vector at `offset` (its data stays: see the module comment). */
  clear(offset: number): void {
    if (offset < this.present.length) this.present[offset] = 0;
  }

  /** `true` when the point at `offset` has this vector. */
  has(offset: number): boolean {
    return offset < this.present.length && this.present[offset] === 1;
  }

  /** A copy of the vector at `offset`, or undefined when absent. */
  get(offset: number): Float32Array | undefined {
    if (!this.has(offset)) return undefined;
    return this.raw(offset).slice();
  }

  /** A view of the vector data at `offset`, present or not (do not mutate). */
  raw(offset: number): Float32Array {
    const start = this.base + offset * this.dim;
    return this.data.subarray(start, start + this.dim);
  }
}
