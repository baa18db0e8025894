/**
 * Inverted lists: for each distinct key (a keyword, an integer, a token), the offsets holding it.
 * Lists are kept as sets for O(1) updates and sorted only when a query asks for them.
 */
import { type IndexLookup, countedLookup, exactLookup } from './field-index.js';
import { type OffsetList, sortedOffsets, unionAll } from './offset-set.js';

/** Offsets by key (see the module comment). */
export class Postings<K> {
  private readonly lists = new Map<K, Set<number>>();
  /** Sorted copies of lists, dropped when their list changes (sealed segments keep them). */
  private readonly sorted = new Map<K, number[]>();

  /** Distinct keys held. */
  get keyCount(): number {
    return this.lists.size;
  }

  add(key: K, offset: number): void {
    let list = this.lists.get(key);
    if (list === undefined) this.lists.set(key, (list = new Set()));
    list.add(offset);
    this.sorted.delete(key);
  }

  delete(key: K, offset: number): void {
    const list = this.lists.get(key);
    if (list === undefined) return;
    list.delete(offset);
    this.sorted.delete(key);
    if (list.size === 0) this.lists.delete(key);
  }

  /** How many offsets hold `key`. */
  count(key: K): number {
    return this.lists.get(key)?.size ?? 0;
  }

  /** The offsets holding `key`, sorted. */
  get(key: K): OffsetList {
    const list = this.lists.get(key);
    if (list === undefined) return [];
    let sorted = this.sorted.get(key);
    if (sorted === undefined) this.sorted.set(key, (sorted = sortedOffsets(list)));
    return sorted;
  }

  /** Offsets holding any of `keys`, sorted. */
  getAny(keys: Iterable<K>): OffsetList {
    const lists: OffsetList[] = [];
    for (const key of keys) if (this.lists.has(key)) lists.push(this.get(key));
    return unionAll(lists);
  }

  /**
   * The exact answer "holds one of `keys`" (distinct keys). `singleKeyed`: no offset is held
   * under several keys, so the counts add up and no list is built until a scan asks for it.
   */
  lookup(keys: readonly K[], singleKeyed: boolean): IndexLookup {
    if (keys.length === 1) return countedLookup(this.count(keys[0]!), () => this.get(keys[0]!));
    if (!singleKeyed) return exactLookup(this.getAny(keys));
    let size = 0;
    for (const key of keys) size += this.count(key);
    return countedLookup(size, () => this.getAny(keys));
  }

  /** Offsets holding any key that passes `keep` (walks every distinct key). */
  getWhere(keep: (key: K) => boolean): OffsetList {
    return this.getAny([...this.lists.keys()].filter(keep));
  }

  /** Each distinct key with its count of offsets. */
  *counts(): IterableIterator<[K, number]> {
    for (const [key, list] of this.lists) yield [key, list.size];
  }
}
