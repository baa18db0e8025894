/**
 * Nearest-neighbour search over a collection's segments. Here every segment is plain, so the
 * search is exact: score every live point that has the vector and passes the filter, keep the
 * best `offset + limit`. Indexed segments will plug in per segment without changing this shape.
 */
import type { Schemas } from '../api/wire.js';
import { internalThreshold, publicScore, scoreFunction } from '../kernels/distance.js';
import type { FilterPredicate } from '../payload/filter.js';
import type { PlainSegment } from '../segment/plain-segment.js';
import type { PointKey } from '../segment/point-id.js';
import type { Collection } from './collection.js';
import type { VectorSpec } from './config.js';
import { type RecordOptions, toScoredPoint } from './output.js';
import { TopK } from './top-k.js';

/** Options for {@link searchNearest}. */
export interface NearestOptions {
  /** The vector searched. */
  spec: VectorSpec;
  /** Query vector, validated and (for Cosine) normalised. */
  query: Float32Array;
  /** Only points passing it are candidates. */
  predicate?: FilterPredicate | undefined;
  /** Results to return. */
  limit: number;
  /** Best results to skip first. */
  offset: number;
  /** Public score threshold (Qdrant's `score_threshold`): keep results at least this good. */
  scoreThreshold?: number | undefined;
  /** Points never returned (e.g. the ids used as the query). */
  exclude?: ReadonlySet<PointKey> | undefined;
  /** What to return of each point. */
  output: RecordOptions;
}

/** Exact top-k search; best first, ties by point id. */
export function searchNearest(
  collection: Collection,
  options: NearestOptions,
): Schemas['ScoredPoint'][] {
  const { spec, query, predicate, exclude } = options;
  const score = scoreFunction(spec.distance);
  const minScore =
    options.scoreThreshold === undefined
      ? -Infinity
      : internalThreshold(spec.distance, options.scoreThreshold);
  const top = new TopK<{ segment: PlainSegment; offset: number }>(options.offset + options.limit);
  const dim = spec.size;
  for (const segment of collection.segments) {
    const column = segment.columns.get(spec.name);
    if (column === undefined) continue;
    const n = segment.size;
    for (let offset = 0; offset < n; offset++) {
      if (!segment.isLive(offset) || !column.has(offset)) continue;
      const key = segment.keys[offset]!;
      if (exclude !== undefined && exclude.has(key)) continue;
      const s = score(query, column.data, offset * dim, dim);
      if (s < minScore || s < top.floor) continue;
      if (predicate !== undefined && !predicate(collection.target({ segment, offset }))) continue;
      top.push({ score: s, key, item: { segment, offset } });
    }
  }
  return top
    .sorted()
    .slice(options.offset)
    .map((hit) =>
      toScoredPoint(
        hit.item.segment,
        hit.item.offset,
        publicScore(spec.distance, hit.score),
        options.output,
      ),
    );
}
