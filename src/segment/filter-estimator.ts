/**
 * Cardinality estimates of a filter within one segment, for the query planner: how many live
 * points match (at least, expected, at most), and optionally which ones.
 *
 * The planner asks the segment's own estimator when it has one (payload field indexes provide
 * exact or tight answers and candidate lists) and falls back to {@link SamplingEstimator}, which
 * evaluates the filter on an evenly spread sample of offsets.
 */
import type { FilterNode } from '../payload/filter.js';
import type { PlainSegment } from './plain-segment.js';

/** A filter as the planner hands it to an estimator. */
export interface SegmentFilter {
  /** Whether the LIVE point at `offset` of the segment matches. */
  matches: (offset: number) => boolean;
  /** The parsed filter, when the caller has it (index-backed estimators read it). */
  node?: FilterNode;
}

/** Matching live points: a lower bound, an expectation and an upper bound. */
export interface Cardinality {
  min: number;
  exp: number;
  max: number;
}

/** Estimates a filter's cardinality in one segment (see the module comment). */
export interface FilterEstimator {
  /** Bounds on the number of live points matching `filter`. */
  estimate(filter: SegmentFilter): Cardinality;
  /**
   * Offsets that may match (a superset of the live matches), when the estimator can list them
   * cheaply; `undefined` otherwise. The planner still checks each one against the filter.
   */
  candidates?(filter: SegmentFilter): Iterable<number> | undefined;
}

/** Segments with at most this many offsets are counted exactly rather than sampled. */
export const EXACT_COUNT_LIMIT = 4096;
/** Offsets sampled in larger segments. */
export const SAMPLE_SIZE = 1024;

/**
 * Estimates by evaluating the filter: every point of a small segment, an evenly strided sample
 * of a large one, with bounds of about two standard deviations (and the rule of three when the
 * sample has no match, so a rare filter is never estimated as certainly empty).
 */
export class SamplingEstimator implements FilterEstimator {
  constructor(private readonly segment: PlainSegment) {}

  estimate(filter: SegmentFilter): Cardinality {
    const s = this.segment;
    const live = s.liveCount;
    if (s.size <= EXACT_COUNT_LIMIT) {
      let n = 0;
      for (let o = 0; o < s.size; o++) if (s.isLive(o) && filter.matches(o)) n++;
      return { min: n, exp: n, max: n };
    }
    const stride = s.size / SAMPLE_SIZE;
    let sampled = 0;
    let hits = 0;
    for (let i = 0; i < SAMPLE_SIZE; i++) {
      const o = Math.floor(i * stride + stride / 2);
      if (!s.isLive(o)) continue;
      sampled++;
      if (filter.matches(o)) hits++;
    }
    if (sampled === 0) return { min: 0, exp: 0, max: live };
    const spread = 2 * Math.sqrt(hits);
    const pMin = Math.max(0, hits - spread) / sampled;
    const pMax = Math.min(sampled, hits + spread + 3) / sampled;
    return {
      min: Math.floor(pMin * live),
      exp: Math.round((hits / sampled) * live),
      max: Math.ceil(pMax * live),
    };
  }
}

/** The estimator of a segment: its own when it has one, else sampling. */
export function estimatorOf(segment: PlainSegment): FilterEstimator {
  if (segment.estimator !== undefined) return segment.estimator;
  if (!segment.payloadIndex.isEmpty) return new IndexedEstimator(segment);
  return new SamplingEstimator(segment);
}

/**
 * Estimates from the segment's payload indexes when the caller has the parsed filter: their
 * exact count when they know it, else a sample bounded by what they know (candidate lists come
 * from the indexes alone); by sampling when there is no parsed filter.
 */
class IndexedEstimator implements FilterEstimator {
  private readonly sampling: SamplingEstimator;

  constructor(private readonly segment: PlainSegment) {
    this.sampling = new SamplingEstimator(segment);
  }

  estimate(filter: SegmentFilter): Cardinality {
    if (filter.node === undefined) return this.sampling.estimate(filter);
    const indexes = this.segment.payloadIndex;
    const exact = indexes.exactCount(filter.node);
    if (exact !== undefined) return { min: exact, exp: exact, max: exact };
    // Conditions no index answers count as "anywhere from none to all": a sample measures the
    // whole filter better, and the indexes' bounds (always true) then tighten it.
    const bounds = indexes.estimate(filter.node);
    const sampled = this.sampling.estimate(filter);
    const min = Math.max(bounds.min, Math.min(sampled.min, bounds.max));
    const max = Math.max(min, Math.min(bounds.max, sampled.max));
    return { min, exp: Math.min(max, Math.max(min, sampled.exp)), max };
  }

  candidates(filter: SegmentFilter): Iterable<number> | undefined {
    if (filter.node === undefined) return undefined;
    return this.segment.payloadIndex.candidates(filter.node);
  }
}
