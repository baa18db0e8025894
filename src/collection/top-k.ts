/**
 * Bounded top-k selection for exact search: keeps the `k` best hits in a binary heap whose root
 * is the worst kept hit. Order of "better": higher internal score, then smaller point key, so
 * results are deterministic when scores tie.
 */
import { type PointKey, comparePointKeys } from '../segment/point-id.js';

/** One candidate hit. */
export interface Hit<T> {
  score: number;
  key: PointKey;
  item: T;
}

function worse<T>(a: Hit<T>, b: Hit<T>): boolean {
  return a.score < b.score || (a.score === b.score && comparePointKeys(a.key, b.key) > 0);
}

/** Keeps the best `k` hits offered (see the module comment). */
export class TopK<T> {
  private readonly heap: Hit<T>[] = [];

  constructor(private readonly k: number) {}

  /** Offers a hit; kept if it is among the best `k` so far. */
  push(hit: Hit<T>): void {
    const heap = this.heap;
    if (this.k <= 0) return;
    if (heap.length < this.k) {
      heap.push(hit);
      this.siftUp(heap.length - 1);
    } else if (worse(heap[0]!, hit)) {
      heap[0] = hit;
      this.siftDown(0);
    }
  }

  /** Score a new hit must beat to be kept, or -Infinity while fewer than `k` are held. */
  get floor(): number {
    return this.heap.length < this.k ? -Infinity : this.heap[0]!.score;
  }

  /** The kept hits, best first. */
  sorted(): Hit<T>[] {
    return [...this.heap].sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}
