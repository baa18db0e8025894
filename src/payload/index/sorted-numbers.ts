/**
 * Numbers held by offsets, for range queries: a sorted base (values and offsets in two typed
 * arrays) plus a small write buffer. A write marks the offset's base entries stale and puts its
 * new values in the buffer; a query binary-searches the base, skips stale offsets, and scans the
 * buffer. When the buffer grows past a quarter of the base (or 256), the base is rebuilt, so a
 * write costs O(1) and a query O(log n + hits + buffer).
 */
import type { RangeBounds } from '../filter.js';
import type { OffsetList } from './offset-set.js';

function inBounds(b: RangeBounds, x: number): boolean {
  return (
    (b.gt === undefined || x > b.gt) &&
    (b.gte === undefined || x >= b.gte) &&
    (b.lt === undefined || x < b.lt) &&
    (b.lte === undefined || x <= b.lte)
  );
}

/** Range-searchable numbers by offset (see the module comment). */
export class SortedNumbers {
  /** Offset → its current values (the truth; the base and buffer are views of it). */
  private readonly current = new Map<number, readonly number[]>();
  private baseValues = new Float64Array(0);
  private baseOffsets = new Int32Array(0);
  /** Offsets whose base entries no longer hold. */
  private readonly stale = new Set<number>();
  /** Offsets whose current values are not in the base. */
  private readonly buffer = new Set<number>();

  set(offset: number, values: readonly number[]): void {
    this.stale.add(offset);
    this.current.set(offset, values);
    this.buffer.add(offset);
  }

  delete(offset: number): void {
    this.stale.add(offset);
    this.current.delete(offset);
    this.buffer.delete(offset);
  }

  /** Offsets holding a value within `bounds`, sorted. */
  range(bounds: RangeBounds): OffsetList {
    if (this.stale.size + this.buffer.size > Math.max(256, this.baseValues.length / 4)) {
      this.rebuild();
    }
    const out: number[] = [];
    const values = this.baseValues;
    const offsets = this.baseOffsets;
    const low = bounds.gte ?? bounds.gt ?? -Infinity;
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! < low) lo = mid + 1;
      else hi = mid;
    }
    const high = bounds.lte ?? bounds.lt ?? Infinity;
    for (let i = lo; i < values.length && values[i]! <= high; i++) {
      const offset = offsets[i]!;
      if (!this.stale.has(offset) && inBounds(bounds, values[i]!)) out.push(offset);
    }
    for (const offset of this.buffer) {
      if (this.current.get(offset)!.some((x) => inBounds(bounds, x))) out.push(offset);
    }
    // An offset with several values in range appears once per value: sort, then drop repeats.
    const sorted = Int32Array.from(out).sort();
    const unique: number[] = [];
    for (let i = 0; i < sorted.length; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) unique.push(sorted[i]!);
    }
    return unique;
  }

  /**
   * How many base entries fall within `bounds`, in O(log n), when nothing was written since the
   * last rebuild (sealed segments); `undefined` otherwise. Entries, not offsets: equal to the
   * count of offsets only when each offset holds one value.
   */
  count(bounds: RangeBounds): number | undefined {
    if (this.stale.size > 0 || this.buffer.size > 0) return undefined;
    const values = this.baseValues;
    // First index whose value is above (or at, when `inclusive`) x.
    const search = (x: number, inclusive: boolean): number => {
      let lo = 0;
      let hi = values.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (values[mid]! < x || (!inclusive && values[mid] === x)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const from = Math.max(
      bounds.gte === undefined ? 0 : search(bounds.gte, true),
      bounds.gt === undefined ? 0 : search(bounds.gt, false),
    );
    const to = Math.min(
      bounds.lte === undefined ? values.length : search(bounds.lte, false),
      bounds.lt === undefined ? values.length : search(bounds.lt, true),
    );
    return Math.max(0, to - from);
  }

  private rebuild(): void {
    const pairs: [number, number][] = [];
    for (const [offset, values] of this.current) for (const x of values) pairs.push([x, offset]);
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.baseValues = Float64Array.from(pairs, (p) => p[0]);
    this.baseOffsets = Int32Array.from(pairs, (p) => p[1]);
    this.stale.clear();
    this.buffer.clear();
  }
}
