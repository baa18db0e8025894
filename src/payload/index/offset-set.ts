/**
 * Sets of segment offsets as sorted, duplicate-free arrays: the currency of candidate lists.
 * Sorted order lets the index combine lists in one merge pass, and lets a scan visit candidates in
 * storage order, the order a full scan visits points in.
 */

/** Offsets in ascending order, no duplicates. */
export type OffsetList = readonly number[];

/** The offsets of `set`, sorted. */
export function sortedOffsets(set: Iterable<number>): number[] {
  // A typed array sorts numerically without a comparator call per pair: several times faster.
  return Array.from(Int32Array.from(set).sort());
}

/** Offsets in both lists. */
export function intersect(a: OffsetList, b: OffsetList): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/** Offsets in either list. */
export function union(a: OffsetList, b: OffsetList): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) out.push(a[i++]!);
    else if (i >= a.length || b[j]! < a[i]!) out.push(b[j++]!);
    else {
      out.push(a[i++]!);
      j++;
    }
  }
  return out;
}

/** Union of many lists (concatenate, sort, drop duplicates: fine for the sizes seen here). */
export function unionAll(lists: readonly OffsetList[]): number[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0]!.slice();
  if (lists.length === 2) return union(lists[0]!, lists[1]!);
  let total = 0;
  for (const list of lists) total += list.length;
  const all = new Int32Array(total);
  let at = 0;
  for (const list of lists) for (const x of list) all[at++] = x;
  all.sort();
  const out: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]!);
  return out;
}

/** Offsets `0 .. size-1` that pass `keep` and are not in `minus`. */
export function complement(
  minus: OffsetList,
  size: number,
  keep: (offset: number) => boolean,
): number[] {
  const out: number[] = [];
  let j = 0;
  for (let offset = 0; offset < size; offset++) {
    while (j < minus.length && minus[j]! < offset) j++;
    if (j < minus.length && minus[j] === offset) continue;
    if (keep(offset)) out.push(offset);
  }
  return out;
}
