/**
 * One named vector of every point in a segment: a single fixed-stride Float32Array (vector `o`
 * at `base + o * dim`) plus a presence byte per offset, since a point may lack a named vector.
 *
 * A column of an appendable segment owns its array (`base` 0, doubled on growth). A column of a
 * sealed segment is a view over the vector store its HNSW index reads ({@link VectorColumn.over}),
 * so the vectors are held once; such a column never grows, and a cleared vector keeps its data,
 * because a deleted node still routes graph searches.
 */
import type { VectorStore } from '../kernels/vector-store.js';

/** See the module comment. */
export class VectorColumn {
  /** Components per vector. */
  readonly dim: number;
  /** The array holding the vectors (see `base`). */
  data: Float32Array;
  /** Float index of offset 0 in `data`. */
  base = 0;
  /** 1 where the point at that offset has this vector. */
  present: Uint8Array;
  /** The store this column is a view of (sealed segments), if any. */
  readonly store: VectorStore | undefined;

  constructor(dim: number, capacity = 16, store?: VectorStore) {
    this.dim = dim;
    this.store = store;
    if (store === undefined) {
      this.data = new Float32Array(dim * capacity);
    } else {
      const view = store.view();
      this.data = view.data;
      this.base = view.base;
    }
    this.present = new Uint8Array(capacity);
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

  private ensure(offset: number): void {
    if (offset < this.present.length) return;
    if (this.store !== undefined) {
      throw new RangeError(`offset ${offset} is past the end of a sealed vector column`);
    }
    let capacity = this.present.length * 2;
    while (capacity <= offset) capacity *= 2;
    const data = new Float32Array(capacity * this.dim);
    data.set(this.data);
    const present = new Uint8Array(capacity);
    present.set(this.present);
    this.data = data;
    this.present = present;
  }

  /** Stores `vector` (already validated and, for Cosine, normalised) at `offset`. */
  set(offset: number, vector: Float32Array): void {
    this.ensure(offset);
    this.data.set(vector, this.base + offset * this.dim);
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
