/**
 * Hits flowing between query stages: a live point, its ranking score (higher is always better)
 * and, for `order_by` stages, the payload value it was ordered by.
 */
import type { PointKey } from '../../segment/point-id.js';
import type { Location } from '../collection.js';

/** One candidate of a stage. */
export interface Hit {
  key: PointKey;
  loc: Location;
  /** Ranking score, higher is better. */
  score: number;
  /** The value an `order_by` stage ordered by. */
  orderValue?: number;
}

/** A stage's result: hits best first, and how its ranking scores read publicly. */
export interface Ranked {
  hits: Hit[];
  /** Ranking score → the score Qdrant reports. */
  publicScore: (score: number) => number;
}

/** Public score of identity-scored stages (fusion, order_by, sample). */
export const identityScore = (score: number): number => score;
