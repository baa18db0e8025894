/**
 * Quiver extensions (not in Qdrant's API): the similarity of two stored points, near-duplicate
 * pairs above a threshold, and range search (every point within a score threshold). Scores are
 * public scores of the vector's distance: "meets the threshold" means `>=` for Cosine/Dot and
 * `<=` for Euclid/Manhattan, as with Qdrant's `score_threshold`. Results page with `offset`
 * (a count) and return `next_offset` (null on the last page).
 */
import type { Schemas } from '../../api/wire.js';
import {
  checkInt,
  checkKnownFields,
  checkNumber,
  checkObject,
  checkString,
  fail,
  optional,
} from '../../api/check.js';
import { type PointKey, fromPointKey } from '../../segment/point-id.js';
import type { Location } from '../collection.js';
import { DEFAULT_VECTOR } from '../config.js';
import { optionalFilter } from '../read.js';
import { MAX_QUERY_LIMIT, MAX_QUERY_OFFSET } from './guards.js';
import { outputOptions, toScoredPoints } from './output.js';
import { type QueryContext, parseQuery, resolveVectorInput } from './plan.js';
import { runPlan } from './run.js';
import { buildScorer } from './scoring.js';
import { spaceFor } from './space.js';

function pageOf(body: Record<string, unknown>): { limit: number; offset: number } {
  return {
    limit:
      optional(body.limit, (v) => checkInt(v, 'limit', { min: 1, max: MAX_QUERY_LIMIT })) ?? 10,
    offset:
      optional(body.offset, (v) => checkInt(v, 'offset', { min: 0, max: MAX_QUERY_OFFSET })) ?? 0,
  };
}

function requireThreshold(body: Record<string, unknown>): number {
  if (body.threshold === undefined || body.threshold === null) {
    fail('threshold', 'missing field; give the score a result must meet');
  }
  return checkNumber(body.threshold, 'threshold');
}

/** Result of {@link similarity}. */
export interface SimilarityResult {
  /** Public score of the pair under the vector's distance. */
  score: number;
}

/** Similarity of two stored points `a` and `b` under vector `using`. */
export function similarity(ctx: QueryContext, raw: unknown): SimilarityResult {
  const body = checkObject(raw ?? {}, '');
  checkKnownFields(body, ['a', 'b', 'using'], '');
  const using = optional(body.using, (v) => checkString(v, 'using')) ?? DEFAULT_VECTOR;
  const space = spaceFor(ctx.collection, using, 'using');
  if (body.a === undefined) fail('a', 'missing field; give a point id');
  if (body.b === undefined) fail('b', 'missing field; give a point id');
  const scratch = new Set<PointKey>();
  for (const k of ['a', 'b'] as const) {
    const id = body[k];
    if (typeof id !== 'number' && typeof id !== 'bigint' && typeof id !== 'string') {
      fail(k, 'expected a point id');
    }
  }
  const a = resolveVectorInput(body.a, 'a', space, ctx, undefined, scratch);
  const b = resolveVectorInput(body.b, 'b', space, ctx, undefined, scratch);
  const scorer = buildScorer(space, { kind: 'nearest', vector: a });
  return { score: scorer.publicScore(space.similarity(a, b)) };
}

/** One near-duplicate pair (`a` before `b` in id order). */
export interface DuplicatePair {
  a: Schemas['ExtendedPointId'];
  b: Schemas['ExtendedPointId'];
  score: number;
}

/** Result of {@link findDuplicates}. */
export interface DuplicatesResult {
  pairs: DuplicatePair[];
  next_offset: number | null;
}

/**
 * Every pair of points (matching `filter`, having vector `using`) whose score meets `threshold`,
 * best first (ties by ids), paged. Quadratic in the number of points: bound it with a filter or
 * a `timeout`.
 */
export function findDuplicates(ctx: QueryContext, raw: unknown): DuplicatesResult {
  const body = checkObject(raw ?? {}, '');
  checkKnownFields(body, ['threshold', 'using', 'filter', 'limit', 'offset'], '');
  const threshold = requireThreshold(body);
  const using = optional(body.using, (v) => checkString(v, 'using')) ?? DEFAULT_VECTOR;
  const space = spaceFor(ctx.collection, using, 'using');
  const predicate = optionalFilter(body.filter);
  const { limit, offset } = pageOf(body);
  const { collection } = ctx;
  const locs: Location[] = [];
  for (const key of collection.sortedKeys()) {
    const loc = collection.locate(key)!;
    if (space.get(loc) === undefined) continue;
    if (predicate !== undefined && !predicate(collection.target(loc))) continue;
    locs.push(loc);
  }
  const found: { i: number; j: number; score: number }[] = [];
  let scorerThreshold = -Infinity;
  for (let i = 0; i < locs.length; i++) {
    const scorer = buildScorer(space, { kind: 'nearest', vector: space.get(locs[i]!)! });
    scorerThreshold = scorer.threshold(threshold);
    for (let j = i + 1; j < locs.length; j++) {
      ctx.deadline.tick();
      const s = scorer.score(locs[j]!)!;
      if (s >= scorerThreshold) found.push({ i, j, score: s });
    }
  }
  found.sort((x, y) => (x.score !== y.score ? y.score - x.score : x.i - y.i || x.j - y.j));
  const metric = locs.length > 0 && scorerThreshold !== threshold;
  const id = (i: number): Schemas['ExtendedPointId'] =>
    fromPointKey(locs[i]!.segment.keys[locs[i]!.offset]!) as Schemas['ExtendedPointId'];
  return {
    pairs: found.slice(offset, offset + limit).map((f) => ({
      a: id(f.i),
      b: id(f.j),
      score: metric ? -f.score : f.score,
    })),
    next_offset: offset + limit < found.length ? offset + limit : null,
  };
}

/** Result of {@link rangeSearch}. */
export interface RangeSearchResult {
  points: Schemas['ScoredPoint'][];
  next_offset: number | null;
}

/** Every point whose score for `query` meets `threshold`, best first, paged. */
export function rangeSearch(ctx: QueryContext, raw: unknown): RangeSearchResult {
  const body = checkObject(raw ?? {}, '');
  checkKnownFields(
    body,
    ['query', 'threshold', 'using', 'filter', 'limit', 'offset', 'with_payload', 'with_vector'],
    '',
  );
  const threshold = requireThreshold(body);
  const { limit, offset } = pageOf(body);
  if (body.query === undefined || body.query === null) {
    fail('query', 'missing field; give a vector or a point id');
  }
  const plan = parseQuery(ctx, {
    query: body.query,
    using: body.using,
    filter: body.filter,
    score_threshold: threshold,
  });
  const ranked = runPlan(plan, ctx, 'all');
  const total = ranked.hits.length;
  const page = { ...ranked, hits: ranked.hits.slice(offset, offset + limit) };
  return {
    points: toScoredPoints(ctx.collection, page, outputOptions(ctx.collection, body)),
    next_offset: offset + limit < total ? offset + limit : null,
  };
}
