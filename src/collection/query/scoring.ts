/**
 * Scores of the vector stages, as Qdrant computes them.
 *
 * - `nearest` and recommend `average_vector` are plain similarity searches: their public score
 *   is the distance's own score (a distance for Euclid/Manhattan, smaller is better).
 * - recommend `best_score` / `sum_scores`, `discover` and `context` combine RAW similarities,
 *   where Qdrant's raw similarity of Euclid is the NEGATED SQUARED distance (Manhattan: the
 *   negated distance; Cosine/Dot: the dot product). Their score is reported as computed (higher is
 *   better), whatever the distance.
 *
 * Formulas (Qdrant 1.15+):
 * - best_score: `max_p > max_n ? sigmoid(max_p) : -sigmoid(max_n)` with
 *   `sigmoid(x) = 0.5 * (x / (1 + |x|) + 1)` and a missing side counting as -Infinity;
 * - sum_scores: `sum(sim to positives) - sum(sim to negatives)`;
 * - discover: `rank + sigmoid(sim to target)` where rank adds +1 for each pair whose positive
 *   is strictly more similar than its negative and -1 otherwise;
 * - context: `sum over pairs of fastSigmoid(min(sim_pos - sim_neg - EPS, 0))` with
 *   `fastSigmoid(x) = x / (1 + |x|)` and EPS the f32 machine epsilon (best score 0).
 */
import { isDistanceMetric, normalizeInPlace } from '../../kernels/distance.js';
import type { Location } from '../collection.js';
import type { Distance } from '../config.js';
import type { ContextPair, Scoring } from './plan.js';
import type { QueryVector, VectorSpace } from './space.js';

/** f32 machine epsilon: Qdrant's margin in context scores. */
const F32_EPSILON = 1.1920928955078125e-7;

/** `x / (1 + |x|)`, in (-1, 1). */
export function fastSigmoid(x: number): number {
  return x / (1 + Math.abs(x));
}

/** fastSigmoid scaled to (0, 1). */
export function scaledFastSigmoid(x: number): number {
  return 0.5 * (fastSigmoid(x) + 1);
}

/** Internal score (negated distance for metrics) → Qdrant's raw similarity. */
export function rawSimilarity(distance: Distance, internal: number): number {
  return distance === 'Euclid' ? -(internal * internal) : internal;
}

/** A compiled vector stage: the ranking score of a point (higher is better) or undefined. */
export interface Scorer {
  score(loc: Location): number | undefined;
  /** Ranking score → public score. */
  publicScore(score: number): number;
  /** Public threshold → ranking-score threshold (keep scores >= it). */
  threshold(publicThreshold: number): number;
}

/** Mean of dense vectors (all of one dimension). */
function mean(vectors: readonly QueryVector[]): Float32Array {
  const first = vectors[0]! as { data: Float32Array };
  const out = new Float64Array(first.data.length);
  for (const v of vectors) {
    const data = (v as { data: Float32Array }).data;
    for (let i = 0; i < out.length; i++) out[i]! += data[i]!;
  }
  return Float32Array.from(out, (x) => x / vectors.length);
}

/** Mean of sparse vectors: the sum over the union of indices, divided by the count. */
function sparseMean(vectors: readonly QueryVector[]): Map<number, number> {
  const acc = new Map<number, number>();
  for (const v of vectors) {
    if (v.kind !== 'sparse') continue;
    for (let i = 0; i < v.indices.length; i++) {
      acc.set(v.indices[i]!, (acc.get(v.indices[i]!) ?? 0) + v.values[i]!);
    }
  }
  for (const [k, x] of acc) acc.set(k, x / vectors.length);
  return acc;
}

/** Qdrant's average_vector query: `avg(pos) + (avg(pos) - avg(neg))`, or `avg(pos)` alone. */
export function averageVector(
  space: VectorSpace,
  positive: readonly QueryVector[],
  negative: readonly QueryVector[],
): QueryVector {
  if (space.kind === 'sparse') {
    const p = sparseMean(positive);
    const n = negative.length > 0 ? sparseMean(negative) : new Map<number, number>();
    const out = new Map<number, number>();
    for (const [k, x] of p) out.set(k, negative.length > 0 ? 2 * x : x);
    for (const [k, x] of n) out.set(k, (out.get(k) ?? 0) - x);
    const keys = [...out.keys()].sort((a, b) => a - b);
    return {
      kind: 'sparse',
      indices: Uint32Array.from(keys),
      values: Float32Array.from(keys, (k) => out.get(k)!),
    };
  }
  const p = mean(positive);
  if (negative.length > 0) {
    const n = mean(negative);
    for (let i = 0; i < p.length; i++) p[i] = p[i]! + (p[i]! - n[i]!);
  }
  if (space.distance === 'Cosine') normalizeInPlace(p);
  return { kind: 'dense', data: p };
}

function nearestScorer(space: VectorSpace, vector: QueryVector): Scorer {
  const metric = isDistanceMetric(space.distance);
  return {
    score: (loc) => space.score(vector, loc),
    publicScore: (s) => (metric ? -s : s),
    threshold: (t) => (metric ? -t : t),
  };
}

function rawScorer(score: (loc: Location) => number | undefined): Scorer {
  return { score, publicScore: (s) => s, threshold: (t) => t };
}

/** Builds the scorer of a vector stage. */
export function buildScorer(space: VectorSpace, scoring: Scoring): Scorer {
  const raw = (q: QueryVector, loc: Location): number | undefined => {
    const s = space.score(q, loc);
    return s === undefined ? undefined : rawSimilarity(space.distance, s);
  };
  switch (scoring.kind) {
    case 'nearest':
      return nearestScorer(space, scoring.vector);
    case 'recommend': {
      const { positive, negative } = scoring;
      switch (scoring.strategy) {
        case 'average_vector':
          return nearestScorer(space, averageVector(space, positive, negative));
        case 'best_score':
          return rawScorer((loc) => {
            let maxP = -Infinity;
            let maxN = -Infinity;
            for (const q of positive) {
              const s = raw(q, loc);
              if (s === undefined) return undefined;
              if (s > maxP) maxP = s;
            }
            for (const q of negative) {
              const s = raw(q, loc);
              if (s === undefined) return undefined;
              if (s > maxN) maxN = s;
            }
            return maxP > maxN ? scaledFastSigmoid(maxP) : -scaledFastSigmoid(maxN);
          });
        case 'sum_scores':
          return rawScorer((loc) => {
            let sum = 0;
            for (const q of positive) {
              const s = raw(q, loc);
              if (s === undefined) return undefined;
              sum += s;
            }
            for (const q of negative) {
              const s = raw(q, loc);
              if (s === undefined) return undefined;
              sum -= s;
            }
            return sum;
          });
      }
      break;
    }
    case 'discover': {
      const { target, pairs } = scoring;
      return rawScorer((loc) => {
        const t = raw(target, loc);
        if (t === undefined) return undefined;
        let rank = 0;
        for (const pair of pairs) {
          const d = pairDifference(pair, loc, raw);
          if (d === undefined) return undefined;
          rank += d > 0 ? 1 : -1;
        }
        return rank + scaledFastSigmoid(t);
      });
    }
    case 'context': {
      const { pairs } = scoring;
      return rawScorer((loc) => {
        let sum = 0;
        for (const pair of pairs) {
          const d = pairDifference(pair, loc, raw);
          if (d === undefined) return undefined;
          sum += fastSigmoid(Math.min(d - F32_EPSILON, 0));
        }
        return sum;
      });
    }
  }
}

function pairDifference(
  pair: ContextPair,
  loc: Location,
  raw: (q: QueryVector, loc: Location) => number | undefined,
): number | undefined {
  const p = raw(pair.positive, loc);
  const n = raw(pair.negative, loc);
  return p === undefined || n === undefined ? undefined : p - n;
}
