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
  /** How many offsets {@link IndexLookup.offsets} names. */
  readonly size: number;
  /** How many of them surely match (`size` when the answer is exact). */
  readonly sure: number;
  /** The offsets that may match, sorted; computed on first call. */
  offsets(): OffsetList;
}

/** An exact answer: exactly these offsets match. */
export function exactLookup(list: OffsetList): IndexLookup {
  return { size: list.length, sure: list.length, offsets: () => list };
}

/** A superset answer: these offsets may match, `sure` of them certainly do. */
export function supersetLookup(list: OffsetList, sure: number): IndexLookup {
  return { size: list.length, sure: Math.min(sure, list.length), offsets: () => list };
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
      this.insert(offset, keys);
    }
    if (refused) this.others.add(offset);
  }

  remove(offset: number): void {
    const keys = this.held.get(offset);
    if (keys !== undefined) {
      this.erase(offset, keys);
      this.held.delete(offset);
    }
    this.others.delete(offset);
  }
}
