/**
 * An epoch-stamped visited set over dense offsets, reused across searches: starting a new
 * search bumps the epoch instead of clearing the array, so a search costs O(nodes touched),
 * not O(graph size). Invariant: `marks[i] === epoch` iff i was visited in the current search.
 */
export class VisitedSet {
  marks: Uint16Array;
  epoch = 1;

  constructor(capacity: number) {
    this.marks = new Uint16Array(Math.max(1, capacity));
  }

  /** Starts a new, empty set. Clears the array only once every 65535 searches. */
  reset(): void {
    this.epoch++;
    if (this.epoch === 0x10000) {
      this.marks.fill(0);
      this.epoch = 1;
    }
  }

  /** Makes room for offsets < capacity (keeps the current marks). */
  ensure(capacity: number): void {
    if (capacity <= this.marks.length) return;
    const next = new Uint16Array(Math.max(capacity, this.marks.length * 2));
    next.set(this.marks);
    this.marks = next;
  }

  /** Marks `i`; true if it was not yet visited in this search. */
  visit(i: number): boolean {
    if (this.marks[i] === this.epoch) return false;
    this.marks[i] = this.epoch;
    return true;
  }
}
