/**
 * The HNSW graph as flat typed arrays over dense u32 offsets (the vector store's offsets).
 *
 * Layout and invariants:
 * - `links0`: level 0 for every node, one fixed-stride slot of `stride0 = 2m + 1` u32 per
 *   offset: `[count, n_1 .. n_count, unused...]`, count <= 2m.
 * - `upper[o]`: levels 1..levels[o] of node o (undefined when it has none), `level - 1` slots
 *   of `m + 1` u32: `[count, n_1 .. n_count, unused...]`, count <= m. Only about 1/m of the
 *   nodes have upper levels, so these are side arrays.
 * - `levels[o]`: the node's top level, or ABSENT (255) for an offset not in the graph.
 * - `deleted[o]`: 1 for a node marked deleted (still linked and traversed, never returned).
 * - Links are never to self, never duplicated, and at level l point to nodes with level >= l.
 */

/** `levels[o]` of an offset that is not (yet) in the graph. */
export const ABSENT = 255;
/** `entry` of an empty graph. */
export const NO_ENTRY = 0xffffffff;
/** Highest level a node can be drawn at (keeps levels in a byte). */
export const MAX_LEVEL = 32;

/** See the file comment. */
export class HnswGraph {
  readonly m: number;
  readonly stride0: number;
  readonly strideUpper: number;
  links0: Uint32Array;
  levels: Uint8Array;
  deleted: Uint8Array;
  upper: (Uint32Array | undefined)[] = [];
  /** Entry point: a node on the top level, or NO_ENTRY. */
  entry = NO_ENTRY;
  /** Top level of the graph (the entry's level); -1 when empty. */
  maxLevel = -1;
  /** One past the highest offset ever added. */
  span = 0;
  /** Nodes in the graph (deleted ones included). */
  nodeCount = 0;
  /** Nodes marked deleted. */
  deletedCount = 0;

  constructor(m: number, capacity: number) {
    this.m = m;
    this.stride0 = 2 * m + 1;
    this.strideUpper = m + 1;
    this.links0 = new Uint32Array(capacity * this.stride0);
    this.levels = new Uint8Array(capacity).fill(ABSENT);
    this.deleted = new Uint8Array(capacity);
  }

  /** Offsets the arrays have room for. */
  get capacity(): number {
    return this.levels.length;
  }

  /** Makes room for offsets < capacity (doubling, so appends are amortised O(1)). */
  ensure(capacity: number): void {
    if (capacity <= this.levels.length) return;
    const next = Math.max(capacity, this.levels.length * 2);
    const links0 = new Uint32Array(next * this.stride0);
    links0.set(this.links0);
    this.links0 = links0;
    const levels = new Uint8Array(next).fill(ABSENT);
    levels.set(this.levels);
    this.levels = levels;
    const deleted = new Uint8Array(next);
    deleted.set(this.deleted);
    this.deleted = deleted;
  }

  /** The array and slot start holding node o's links at `level` (count first). */
  listOf(o: number, level: number): { arr: Uint32Array; base: number } {
    if (level === 0) return { arr: this.links0, base: o * this.stride0 };
    const arr = this.upper[o];
    if (arr === undefined || level > this.levels[o]!) {
      throw new RangeError(`node ${o} has no level ${level}`);
    }
    return { arr, base: (level - 1) * this.strideUpper };
  }

  /** Most links a node keeps at `level`. */
  maxLinks(level: number): number {
    return level === 0 ? 2 * this.m : this.m;
  }
}
