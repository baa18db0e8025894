/**
 * A binary max-heap of (key, id) pairs over typed arrays: no objects, no allocation once grown.
 * For a min-heap, push negated keys. The graph search uses one of each: candidates (best score
 * on top) and results (worst score on top, as the negated key).
 */
export class ScoreHeap {
  keys: Float64Array;
  ids: Uint32Array;
  /** Number of entries; entries live at [0, size). */
  size = 0;

  constructor(capacity = 64) {
    this.keys = new Float64Array(capacity);
    this.ids = new Uint32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  /** Largest key; only valid when size > 0. */
  topKey(): number {
    return this.keys[0]!;
  }

  /** Id of the largest key; only valid when size > 0. */
  topId(): number {
    return this.ids[0]!;
  }

  push(key: number, id: number): void {
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys;
    const ids = this.ids;
    // Sift up: move parents down until the slot for `key` is found.
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk >= key) break;
      keys[i] = pk;
      ids[i] = ids[parent]!;
      i = parent;
    }
    keys[i] = key;
    ids[i] = id;
  }

  /** Removes the top entry and returns its id; only valid when size > 0. */
  pop(): number {
    const top = this.ids[0]!;
    const n = --this.size;
    if (n > 0) this.siftDown(this.keys[n]!, this.ids[n]!);
    return top;
  }

  /**
   * Replaces the top entry with (key, id): a pop and a push in one sift. The bounded result
   * set uses it once full, when a better candidate evicts the worst.
   */
  replaceTop(key: number, id: number): void {
    this.siftDown(key, id);
  }

  /** Places (key, id) at the root's position and sifts it down over [0, size). */
  private siftDown(key: number, id: number): void {
    const keys = this.keys;
    const ids = this.ids;
    const n = this.size;
    let i = 0;
    while (true) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && keys[right]! > keys[child]!) child = right;
      if (keys[child]! <= key) break;
      keys[i] = keys[child]!;
      ids[i] = ids[child]!;
      i = child;
    }
    keys[i] = key;
    ids[i] = id;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    const ids = new Uint32Array(this.ids.length * 2);
    keys.set(this.keys);
    ids.set(this.ids);
    this.keys = keys;
    this.ids = ids;
  }
}
