/**
 * Maximal marginal relevance re-ranking (Qdrant's `nearest` + `mmr`): from the candidates (the
 * `candidates_limit` nearest points), greedily pick the point maximising
 * `(1 - diversity) * sim(query, c) - diversity * max(sim(c, s) for s already picked)`
 * (the penalty is 0 for the first pick). Similarities are the distance's internal scores (higher
 * is better). The reported score of each pick is its MMR value at the time it was picked.
 */
import type { Hit } from './hits.js';
import type { Deadline } from './guards.js';
import type { QueryVector, VectorSpace } from './space.js';

/** Options for {@link mmrRerank}. */
export interface MmrOptions {
  space: VectorSpace;
  query: QueryVector;
  /** Candidates with their relevance (internal score) to the query. */
  hits: readonly Hit[];
  /** 0 = pure relevance, 1 = pure diversity. */
  diversity: number;
  /** How many to pick. */
  count: number;
  deadline: Deadline;
}

/** Picks `count` candidates by MMR (see the module comment). */
export function mmrRerank(options: MmrOptions): Hit[] {
  const { space, hits, diversity, deadline } = options;
  const vectors = hits.map((h) => space.get(h.loc)!);
  const n = hits.length;
  // Highest similarity of each candidate to any picked point so far.
  const maxSim = new Float64Array(n).fill(-Infinity);
  const picked = new Uint8Array(n);
  const out: Hit[] = [];
  for (let round = 0; round < options.count; round++) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < n; i++) {
      if (picked[i] === 1) continue;
      const penalty = out.length === 0 ? 0 : maxSim[i]!;
      const score = (1 - diversity) * hits[i]!.score - diversity * penalty;
      if (best === -1 || score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    if (best === -1) break;
    picked[best] = 1;
    out.push({ key: hits[best]!.key, loc: hits[best]!.loc, score: bestScore });
    for (let i = 0; i < n; i++) {
      if (picked[i] === 1) continue;
      deadline.tick();
      const s = space.similarity(vectors[best]!, vectors[i]!);
      if (s > maxSim[i]!) maxSim[i] = s;
    }
  }
  return out;
}
