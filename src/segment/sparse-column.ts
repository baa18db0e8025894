/**
 * One named sparse vector of every point in a segment: the vectors by offset (indices sorted
 * ascending, values alongside) and an inverted index, index → offsets holding it, which gives
 * document frequencies for the IDF modifier.
 *
 * Invariant: an offset is in the posting list of index `i` iff its stored vector has index `i`.
 */

/** A sparse vector: unique u32 indices sorted ascending, one finite value each. */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
}

/** A stored vector: dense (or multivector) components, or a sparse vector. */
export type StoredVector = Float32Array | SparseVector;

/** `true` when a stored vector is sparse. */
export function isSparse(v: StoredVector): v is SparseVector {
  return !(v instanceof Float32Array);
}

/** The sparse column of a segment (see the module comment). */
export class SparseColumn {
  private readonly vectors: (SparseVector | undefined)[] = [];
  /** index → offsets holding it. */
  readonly postings = new Map<number, Set<number>>();

  /** Stores `vector` at `offset`, replacing any previous one. */
  set(offset: number, vector: SparseVector): void {
    this.clear(offset);
    this.vectors[offset] = vector;
    for (const i of vector.indices) {
      let list = this.postings.get(i);
      if (list === undefined) this.postings.set(i, (list = new Set()));
      list.add(offset);
    }
  }

  /** Removes the vector at `offset`. */
  clear(offset: number): void {
    const old = this.vectors[offset];
    if (old === undefined) return;
    this.vectors[offset] = undefined;
    for (const i of old.indices) {
      const list = this.postings.get(i)!;
      list.delete(offset);
      if (list.size === 0) this.postings.delete(i);
    }
  }

  /** `true` when the point at `offset` has this vector. */
  has(offset: number): boolean {
    return this.vectors[offset] !== undefined;
  }

  /** The vector at `offset` (shared: do not mutate). */
  get(offset: number): SparseVector | undefined {
    return this.vectors[offset];
  }

  /** Points holding index `i` (document frequency). */
  frequency(i: number): number {
    return this.postings.get(i)?.size ?? 0;
  }

  /** Points holding any vector. */
  get count(): number {
    let n = 0;
    for (const v of this.vectors) if (v !== undefined) n++;
    return n;
  }
}
