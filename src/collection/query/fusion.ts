/**
 * Fusion of ranked lists, as Qdrant does it.
 *
 * - RRF: a point at 0-based position `p` of a list with weight `w` gets
 *   `1 / ((p + 1) / w + k - 1)` (so `1 / (p + k)` at weight 1; weight 0 contributes nothing);
 *   contributions of every list are summed. `k` defaults to 2.
 * - DBSF: each list's scores are normalised with its mean and SAMPLE standard deviation:
 *   `(s - (mean - 3 std)) / (6 std)` (no clamping); a list of one point, or whose scores are all
 *   equal, gives 0.5 to each; normalised scores are summed across lists.
 *
 * Lists hold RANKING scores (higher is better: negated distances for Euclid/Manhattan), which is
 * what Qdrant's "smaller is better" handling of distance lists amounts to.
 * Ties of the fused score are broken by point id.
 */
import { comparePointKeys } from '../../segment/point-id.js';
import type { Hit } from './hits.js';

function rrfContribution(position: number, k: number, weight: number): number {
  return weight <= 0 ? 0 : 1 / ((position + 1) / weight + k - 1);
}

/** Best first; ties by point id. */
export function byScore(a: Hit, b: Hit): number {
  return a.score !== b.score ? b.score - a.score : comparePointKeys(a.key, b.key);
}

/** Reciprocal rank fusion of best-first lists. */
export function rrf(
  lists: readonly (readonly Hit[])[],
  k: number,
  weights?: readonly number[],
): Hit[] {
  const fused = new Map<string, Hit>();
  lists.forEach((list, li) => {
    const weight = weights?.[li] ?? 1;
    list.forEach((hit, position) => {
      const s = rrfContribution(position, k, weight);
      const seen = fused.get(hit.key);
      if (seen === undefined) fused.set(hit.key, { key: hit.key, loc: hit.loc, score: s });
      else seen.score += s;
    });
  });
  return [...fused.values()].sort(byScore);
}

/** Distribution-based score normalisation of one list (see the module comment). */
export function dbsfNormalise(scores: readonly number[]): number[] {
  const n = scores.length;
  if (n < 2) return scores.map(() => 0.5);
  let sum = 0;
  for (const s of scores) sum += s;
  const mean = sum / n;
  let sq = 0;
  for (const s of scores) sq += (s - mean) ** 2;
  const std = Math.sqrt(sq / (n - 1));
  const lo = mean - 3 * std;
  const hi = mean + 3 * std;
  if (lo === hi) return scores.map(() => 0.5);
  return scores.map((s) => (s - lo) / (hi - lo));
}

/** Distribution-based score fusion of lists. */
export function dbsf(lists: readonly (readonly Hit[])[]): Hit[] {
  const fused = new Map<string, Hit>();
  for (const list of lists) {
    const normalised = dbsfNormalise(list.map((h) => h.score));
    list.forEach((hit, i) => {
      const s = normalised[i]!;
      const seen = fused.get(hit.key);
      if (seen === undefined) fused.set(hit.key, { key: hit.key, loc: hit.loc, score: s });
      else seen.score += s;
    });
  }
  return [...fused.values()].sort(byScore);
}
