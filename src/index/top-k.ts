/**
 * The bounded best-k set that exact scans keep: a {@link ScoreHeap} of negated scores, so the
 * worst kept score is on top and a candidate that does not beat it is dropped at once.
 */
import { ScoreHeap } from './heap.js';

/** Offsets and scores of the kept results, best first. */
export interface TopK {
  offsets: Uint32Array;
  scores: Float32Array;
}

/** An empty best-k set for `k` results (one slot spare for the push before the pop). */
export function topKHeap(k: number): ScoreHeap {
  return new ScoreHeap(k + 1);
}

/**
 * Offers one batch of scores to `best`: `scores[i]` belongs to offset `start + i`, for
 * i < `count`. A score is kept when it beats the worst of the `k` kept so far and `accept`
 * (optional) takes its offset; the filter runs only for scores good enough to be kept.
 */
export function offerBatch(
  best: ScoreHeap,
  k: number,
  scores: Float32Array,
  start: number,
  count: number,
  accept: ((offset: number) => boolean) | undefined,
): void {
  for (let i = 0; i < count; i++) {
    const s = scores[i]!;
    if (best.size === k && -s >= best.topKey()) continue;
    if (accept !== undefined && !accept(start + i)) continue;
    best.push(-s, start + i);
    if (best.size > k) best.pop();
  }
}

/** Empties a heap of negated scores into offsets and scores, best first. */
export function drainTopK(best: ScoreHeap): TopK {
  const n = best.size;
  const offsets = new Uint32Array(n);
  const scores = new Float32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    scores[i] = -best.topKey();
    offsets[i] = best.pop();
  }
  return { offsets, scores };
}
