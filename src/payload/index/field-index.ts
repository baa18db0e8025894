/**
 * What every field index of a segment shares: the offsets it holds values for, the offsets whose
 * values it refused (wrong type), and the shape of an answer to a field condition.
 *
 * Invariant: an index answers a condition only when it can name a SUPERSET of the live points
 * that satisfy it; it says `undefined` otherwise. So a scan that visits only the offsets an index
 * names, re-checking the full filter on each, returns exactly what a full scan returns. A value
 * the index type refuses (a number under a keyword index) is not indexed, as in Qdrant, but its
 * offset is remembered in `others`, and conditions such values could satisfy add those offsets.
 */
import type { FieldTest } from '../filter.js';
import type { OffsetList } from './offset-set.js';
import type { IndexSpec } from './schema.js';

/** An index's answer to one field condition. */
export interface IndexLookup {
  /** At least as many as the live points that match (often the length of `offsets()`). */
  readonly size: number;
  /** At most as many as the live points that match. */
  readonly sure: number;
  /** `true` when `offsets()` are exactly the matching live points (then `sure === size`). */
  readonly exact: boolean;
  /** The offsets that may match, sorted; computed on first call. */
  offsets(): OffsetList;
}

function once(f: () => OffsetList): () => OffsetList {
  let list: OffsetList | undefined;
  return () => (list ??= f());
}

/** An exact answer: exactly these offsets match. */
export function exactLookup(list: OffsetList): IndexLookup {
  return { size: list.length, sure: list.length, exact: true, offsets: () => list };
}

/**
 * An exact answer whose size is known without listing it (`size` must be the exact count of
 * `list()`): estimates then cost no list, and the list is built only if a scan wants it.
 */
export function countedLookup(size: number, list: () => OffsetList): IndexLookup {
  return { size, sure: size, exact: true, offsets: once(list) };
}

/** A superset answer: these offsets may match, `sure` of them certainly do. */
export function supersetLookup(list: OffsetList, sure: number): IndexLookup {
  return {
    size: list.length,
    sure: Math.min(sure, list.length),
    exact: false,
    offsets: () => list,
  };
}

/** A superset answer with bounds known without listing it (`sure <= matches <= size`). */
export function boundedLookup(sure: number, size: number, list: () => OffsetList): IndexLookup {
  return { size, sure: Math.min(sure, size), exact: false, offsets: once(list) };
}

/** A field index over one segment. */
export interface FieldIndex {
  /** The resolved declaration. */
  readonly spec: IndexSpec;
  /** Live points holding at least one value this index accepted (`payload_schema.points`). */
  readonly points: number;
  /** Replaces what is indexed for `offset` with `values` (as `valuesAt` gives them). */
  set(offset: number, values: readonly unknown[]): void;
  /** Forgets `offset`. */
  remove(offset: number): void;
  /** Offsets that may satisfy `test`, or `undefined` when this index cannot narrow it. */
  lookup(test: FieldTest): IndexLookup | undefined;
}

/**
 * The bookkeeping every index shares: `held` maps each offset to the keys it was indexed under
 * (so `remove` needs no old payload), `others` the offsets holding refused non-null values.
 */
export abstract class BaseFieldIndex<K> implements FieldIndex {
  abstract readonly spec: IndexSpec;
  protected readonly held = new Map<number, K[]>();
  /** Offsets holding at least one non-null value this index refused. */
  readonly others = new Set<number>();
  /** Offsets held under several keys: while none is, counts per key add up to point counts. */
  protected multiKeyed = 0;

  get points(): number {
    return this.held.size;
  }

  /** The key a value is indexed under, or `undefined` when the index refuses it. */
  protected abstract accept(value: unknown): K | undefined;
  /** Adds `offset` under each of `keys` (distinct). */
  protected abstract insert(offset: number, keys: readonly K[]): void;
  /** Removes `offset` from under each of `keys`. */
  protected abstract erase(offset: number, keys: readonly K[]): void;
  abstract lookup(test: FieldTest): IndexLookup | undefined;

  set(offset: number, values: readonly unknown[]): void {
    this.remove(offset);
    const keys: K[] = [];
    let refused = false;
    for (const value of values) {
      const key = this.accept(value);
      if (key === undefined) refused ||= value !== null;
      else if (!keys.includes(key)) keys.push(key);
    }
    if (keys.length > 0) {
      this.held.set(offset, keys);
      if (keys.length > 1) this.multiKeyed++;
      this.insert(offset, keys);
    }
    if (refused) this.others.add(offset);
  }

  remove(offset: number): void {
    const keys = this.held.get(offset);
    if (keys !== undefined) {
      if (keys.length > 1) this.multiKeyed--;
      this.erase(offset, keys);
      this.held.delete(offset);
    }
    this.others.delete(offset);
  }
}
