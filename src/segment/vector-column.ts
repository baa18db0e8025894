/**
 * One named vector of every point in a segment: a single fixed-stride Float32Array (offset * dim)
 * plus a presence byte per offset, since a point may lack a named vector.
 */
export class VectorColumn {
  /** Components per vector. */
  readonly dim: number;
  /** All vectors back to back; capacity is `data.length / dim`. */
  data: Float32Array;
  /** 1 where the point at that offset has this vector. */
  present: Uint8Array;

  constructor(dim: number, capacity = 16) {
    this.dim = dim;
    this.data = new Float32Array(dim * capacity);
    this.present = new Uint8Array(capacity);
  }

  private ensure(offset: number): void {
    if (offset < this.present.length) return;
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
    this.data.set(vector, offset * this.dim);
    this.present[offset] = 1;
  }

  /** Removes the vector at `offset`. */
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
    const start = offset * this.dim;
    return this.data.slice(start, start + this.dim);
  }
}
