/**
 * The segment planner of nearest-neighbour stages: for each segment, which points to score.
 *
 * Per segment, for a dense query vector:
 * - exact scan of every live point passing the filter, when the search is `exact`, when the
 *   segment has no graph for the vector (appendable and small segments: the flat index), or
 *   when the segment (no filter) or the filter's expected matches (with one) hold fewer vectors
 *   than `full_scan_threshold` KiB: scoring a few points beats walking a graph. With a filter the
 *   scan visits the estimator's candidate list when it has one;
 * - otherwise an HNSW search with the filter checked during traversal: non-matching nodes are
 *   walked through but never returned, and `ef` is raised as the filter gets more selective so
 *   the beam still collects enough matches.
 * Exact scans are flat indexes: a sealed segment's vectors are scored by the SIMD kernels in
 * place (`flatSearch`), a plain column in one tight loop with a typed heap; either way only the
 * best `k + RESCORE_MARGIN` go on. Each point found is handed to `offer`, which scores it
 * exactly (the score an exact scan of every point gives), so plans mixing both kinds of segment
 * rank consistently.
 *
 * `indexed_only` skips segments that are over the indexing threshold but not indexed yet.
 */
import type { HnswIndex } from '../../index/hnsw.js';
import type { Metric } from '../../kernels/metric.js';
import type { FilterPredicate } from '../../payload/filter.js';
import type { QuantizedVectors } from '../../quantization/quantized-vectors.js';
import type { QuantizationSearchParams } from '../../quantization/spec.js';
import { flatSearch } from '../../index/flat.js';
import { drainTopK, topKHeap } from '../../index/top-k.js';
import { metricOfDistance, scoreFunction } from '../../kernels/distance.js';
import { estimatorOf } from '../../segment/filter-estimator.js';
import type { PlainSegment } from '../../segment/plain-segment.js';
import type { PointKey } from '../../segment/point-id.js';
import type { Collection, Location } from '../collection.js';
import type { Deadline } from './guards.js';
import type { SearchParams } from './plan.js';
import type { Presearch } from './presearch.js';

/** Options for {@link searchSegments}. */
export interface SegmentSearchOptions {
  collection: Collection;
  /** The dense vector name searched. */
  vector: string;
  /** The query (normalised for Cosine). */
  query: Float32Array;
  /** Results wanted (offset + limit). */
  k: number;
  predicate: FilterPredicate | undefined;
  exclude: ReadonlySet<PointKey>;
  params: SearchParams;
  deadline: Deadline;
  /**
   * Receives every candidate point. `estimate` is set when the search was told not to rescore
   * (`params.quantization.rescore: false`): the codes' estimate of the internal score, to be
   * used instead of an exact score.
   */
  offer: (loc: Location, key: PointKey, estimate?: number) => void;
  /** Unfiltered graph searches run on other threads (presearch.ts), when a pool is in use. */
  presearch?: Presearch | undefined;
}

/** How a segment was searched (for tests and explain output). */
export type SegmentStrategy = 'exact' | 'hnsw' | 'skipped';

/** Calls `offer` for the candidates of every segment; returns each segment's strategy. */
export function searchSegments(o: SegmentSearchOptions): SegmentStrategy[] {
  return o.collection.segments.map((segment) => searchSegment(o, segment));
}

/**
 * Candidates taken from a kernel-scored search beyond the `k` asked: the kernels score in f32,
 * `offer` rescores exactly, and this margin keeps a near-tie at the k-th place from being
 * decided by rounding.
 */
const RESCORE_MARGIN = 4;

/** Offers every live point of `offsets` (all when undefined) that passes the filter. */
function offerAll(
  o: SegmentSearchOptions,
  segment: PlainSegment,
  offsets: Iterable<number> | undefined,
): void {
  const { collection, predicate, deadline, offer } = o;
  const visit = (offset: number): void => {
    deadline.tick();
    if (!segment.isLive(offset)) return;
    const loc = { segment, offset };
    if (predicate === undefined || predicate(collection.target(loc))) {
      offer(loc, segment.keys[offset]!);
    }
  };
  if (offsets !== undefined) for (const offset of offsets) visit(offset);
  else for (let offset = 0; offset < segment.size; offset++) visit(offset);
}

/**
 * Offers the kernel-scored best offsets, best first; returns false (offering nothing) when
 * scores tie across the cut, where rounding or heap order could pick the wrong ones among equals.
 */
function offerBest(
  o: SegmentSearchOptions,
  segment: PlainSegment,
  offsets: Uint32Array,
  scores: Float32Array,
  kept: number,
): boolean {
  if (offsets.length === kept && offsets.length > o.k) {
    const kth = scores[o.k - 1]!;
    const last = scores[offsets.length - 1]!;
    if (last >= kth - 1e-5 * Math.max(1, Math.abs(kth))) return false;
  }
  for (const offset of offsets) o.offer({ segment, offset }, segment.keys[offset]!);
  return true;
}

/** An exact scan of one segment: a flat index (see the module comment). */
function exactScan(
  o: SegmentSearchOptions,
  segment: PlainSegment,
  offsets: Iterable<number> | undefined,
): void {
  const { collection, predicate, deadline } = o;
  const column = segment.columns.get(o.vector);
  if (column === undefined || !Number.isFinite(o.k)) return offerAll(o, segment, offsets);
  const k = o.k + RESCORE_MARGIN;
  const passes = (offset: number): boolean =>
    column.has(offset) &&
    segment.isLive(offset) &&
    !(o.exclude.size > 0 && o.exclude.has(segment.keys[offset]!)) &&
    (predicate === undefined || predicate(collection.target({ segment, offset })));
  const distance = collection.specs.find((s) => s.name === o.vector)!.distance;
  if (offsets === undefined) {
    // Every offset: the SIMD kernels score the store in place.
    if (column.empty) return;
    const store = column.store;
    const found = flatSearch({
      store,
      metric: metricOfDistance(distance),
      query: o.query,
      k: Math.min(k, store.count),
      accept: passes,
    });
    deadline.check();
    if (!offerBest(o, segment, found.offsets, found.scores, Math.min(k, store.count))) {
      offerAll(o, segment, undefined);
    }
    return;
  }
  // A candidate list: score those in one loop, keep the best few in a typed heap.
  const { data, base, dim } = column;
  const score = scoreFunction(distance);
  const best = topKHeap(k);
  const list: number[] = [];
  for (const offset of offsets) {
    deadline.tick();
    list.push(offset);
    if (!column.has(offset) || !segment.isLive(offset)) continue;
    const s = column.isOnDisk
      ? score(o.query, column.raw(offset), 0, dim)
      : score(o.query, data, base + offset * dim, dim);
    if (best.size === k && -s >= best.topKey()) continue;
    if (!passes(offset)) continue;
    best.push(-s, offset);
    if (best.size > k) best.pop();
  }
  const { offsets: found, scores } = drainTopK(best);
  if (!offerBest(o, segment, found, scores, k)) offerAll(o, segment, list);
}

function searchSegment(o: SegmentSearchOptions, segment: PlainSegment): SegmentStrategy {
  const { collection, params, predicate, exclude } = o;
  const index = segment.indexes.get(o.vector);
  const config = collection.indexConfig(o.vector);
  const bytesPerVector = o.query.length * 4;
  if (index === undefined || params.exact) {
    if (index === undefined && params.indexedOnly && !params.exact) {
      const limits = collection.limits();
      const bytes = segment.liveCount * bytesPerVector;
      if (limits.indexingBytes > 0 && bytes >= limits.indexingBytes) return 'skipped';
    }
    exactScan(o, segment, collection.candidates(segment, predicate));
    return 'exact';
  }
  const fullScanPoints = Math.floor((config.fullScanThresholdKb * 1024) / bytesPerVector);
  const live = segment.liveCount;
  if (live === 0) return 'exact';
  let matching = live;
  let accept: ((offset: number) => boolean) | undefined;
  if (predicate !== undefined) {
    const matches = (offset: number): boolean => predicate(collection.target({ segment, offset }));
    const estimator = estimatorOf(segment);
    const filter = { matches, node: predicate.filter };
    const estimate = estimator.estimate(filter);
    // The expectation, not the upper bound, decides: an exact scan is right whatever the real
    // count, and the sampling estimator's upper bound is loose for rare values.
    if (estimate.exp < fullScanPoints) {
      exactScan(o, segment, estimator.candidates?.(filter));
      return 'exact';
    }
    matching = Math.max(1, estimate.exp);
    accept = (offset) => segment.isLive(offset) && matches(offset);
  } else if (live < fullScanPoints) {
    exactScan(o, segment, undefined);
    return 'exact';
  }
  if (exclude.size > 0) {
    const inner = accept;
    accept = (offset) =>
      !exclude.has(segment.keys[offset]!) && (inner === undefined || inner(offset));
  }
  const k = Math.min(o.k + RESCORE_MARGIN, live);
  let ef = Math.max(params.hnswEf ?? config.efConstruct, k);
  // A selective filter leaves fewer matches per step of the beam: widen it in proportion to
  // the log of the selectivity (a linear raise would degenerate into a full scan).
  const selectivity = matching / live;
  if (selectivity < 1) ef = Math.ceil(ef * (1 + Math.log2(1 / selectivity)));
  ef = Math.min(ef, live);
  const quantized = segment.quantized.get(o.vector);
  const qp = params.quantization ?? DEFAULT_QUANTIZATION;
  if (quantized !== undefined && !qp.ignore) {
    // Quantized graph searches stay on this thread (the codes are not published to workers).
    searchWithCodes(o, segment, index, quantized, qp, { k, ef, accept, live });
    return 'hnsw';
  }
  // Originals read from disk are not copied into workers' shared memory.
  const ahead =
    accept === undefined && segment.columns.get(o.vector)?.isOnDisk !== true
      ? o.presearch?.take({ segment, vector: o.vector, index, query: o.query, k, ef })
      : undefined;
  if (ahead === 'deferred') return 'hnsw';
  const offsets = ahead ?? index.search({ query: o.query, k, ef, accept }).offsets;
  for (let i = 0; i < offsets.length; i++) {
    const offset = offsets[i]!;
    // A point deleted while its search ran on another thread is not returned.
    if (ahead !== undefined && !segment.isLive(offset)) continue;
    o.offer({ segment, offset }, segment.keys[offset]!);
  }
  return 'hnsw';
}

const DEFAULT_QUANTIZATION: QuantizationSearchParams = {
  ignore: false,
  rescore: true,
  oversampling: 1,
};

/**
 * The graph walk scored by the segment's quantized codes. With rescoring (the default) it takes
 * ceil(k * oversampling) candidates and `offer` scores each exactly from the stored vectors, so
 * the best k of them win on exact scores; without, it takes k and offers the codes' estimates.
 */
function searchWithCodes(
  o: SegmentSearchOptions,
  segment: PlainSegment,
  index: HnswIndex,
  quantized: QuantizedVectors,
  qp: QuantizationSearchParams,
  walk: { k: number; ef: number; accept: ((offset: number) => boolean) | undefined; live: number },
): void {
  const metric = quantized.codec.metric;
  const k = qp.rescore ? Math.min(walk.live, Math.ceil(walk.k * qp.oversampling)) : walk.k;
  const found = index.search({
    query: o.query,
    k,
    ef: Math.max(walk.ef, k),
    accept: walk.accept,
    scorer: quantized.scorer(metric),
  });
  for (let i = 0; i < found.offsets.length; i++) {
    const offset = found.offsets[i]!;
    const estimate = qp.rescore ? undefined : nearestScore(metric, found.scores[i]!);
    o.offer({ segment, offset }, segment.keys[offset]!, estimate);
  }
}

/**
 * A code score (kernel convention: squared L2 negated) as the query engine's internal nearest
 * score (`kernels/distance.ts`: Euclid is the negated distance, not its square).
 */
function nearestScore(metric: Metric, score: number): number {
  return metric === 'l2' ? -Math.sqrt(Math.max(0, -score)) : score;
}
