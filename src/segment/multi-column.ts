/**
 * One multivector name of every point in a segment (Qdrant's `multivector_config`): a point holds
 * one or more vectors of the same dimension, stored back to back in one Float32Array
 * (`count * dim` floats). Unlike a dense column the stride varies by point, so vectors are kept
 * per offset rather than in one fixed-stride array.
 */
export class MultiColumn {
  /** Components of each of a point's vectors. */
  readonly dim: number;
  private readonly vectors: (Float32Array | undefined)[] = [];

  constructor(dim: number) {
    this.dim = dim;
  }

  /** Stores `vectors` (a non-empty multiple of `dim` floats, validated and normalised). */
  set(offset: number, vectors: Float32Array): void {
    this.vectors[offset] = vectors;
  }

  /** Removes the multivector at `offset`. */
  clear(offset: number): void {
    if (offset < this.vectors.length) this.vectors[offset] = undefined;
  }

  /** `true` when the point at `offset` has this multivector. */
  has(offset: number): boolean {
    return this.vectors[offset] !== undefined;
  }

  /** The multivector at `offset` (shared: do not mutate), or undefined when absent. */
  get(offset: number): Float32Array | undefined {
    return this.vectors[offset];
  }
}
