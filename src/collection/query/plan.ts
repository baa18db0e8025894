/**
 * Qdrant's Query API request (`QueryRequest`, `Prefetch`) → a validated {@link Plan}: a tree of
 * stages, each with its candidates (its prefetches, or the whole collection), its scoring, its
 * filter and its window. Every vector input is resolved here (point ids looked up, possibly in
 * another collection with `lookup_from`), so running a plan never fails on bad input.
 */
import type { SegmentStrategy } from './segment-search.js';
import {
  checkArray,
  checkBool,
  checkEnum,
  checkInt,
  checkKnownFields,
  checkNumber,
  checkObject,
  checkString,
  describeValue,
  fail,
  optional,
} from '../../api/check.js';
import { QuiverError } from '../../errors.js';
import { type FilterPredicate, andPredicates } from '../../payload/filter.js';
import { type KeyPathPart, parseKeyPath } from '../../payload/key-path.js';
import { type PointKey, fromPointKey, toPointKey } from '../../segment/point-id.js';
import type { Collection } from '../collection.js';
import { DEFAULT_VECTOR } from '../config.js';
import { optionalFilter } from '../read.js';
import { MAX_PREFETCH_DEPTH, MAX_QUERY_LIMIT, MAX_QUERY_OFFSET, type Deadline } from './guards.js';
import type { Presearch } from './presearch.js';
import { type QueryVector, type VectorSpace, spaceFor } from './space.js';
import type { QuantizationSearchParams } from '../../quantization/spec.js';
import { checkQuantizationParams } from '../../quantization/spec.js';

/** What a query needs besides its body. */
export interface QueryContext {
  /** The collection queried. */
  collection: Collection;
  /** Another collection by name or alias (for `lookup_from` and `with_lookup`). */
  resolve: (name: string) => Collection;
  /** The request's deadline. */
  deadline: Deadline;
  /** Graph searches run on a search pool (parallel-search.ts), when one is in use. */
  presearch?: Presearch | undefined;
  /** Receives how each nearest-neighbour stage searched the segments (explain, debug logs). */
  onPlan?: (plan: QueryPlanInfo) => void;
}

/** How one nearest-neighbour stage ran: the strategy per segment, in segment order. */
export interface QueryPlanInfo {
  /** Collection name. */
  collection: string;
  /** Vector name searched. */
  vector: string;
  /** Results the stage needed (offset + limit, or MMR candidates). */
  k: number;
  /** Whether a filter applied. */
  filtered: boolean;
  /** `exact` (scan), `hnsw` (graph) or `skipped` (nothing to find) per segment. */
  segments: SegmentStrategy[];
}

/** Qdrant's recommendation strategies. */
export type RecommendStrategy = 'average_vector' | 'best_score' | 'sum_scores';
export const RECOMMEND_STRATEGIES: readonly RecommendStrategy[] = [
  'average_vector',
  'best_score',
  'sum_scores',
];

/** A positive/negative pair of discovery and context search. */
export interface ContextPair {
  positive: QueryVector;
  negative: QueryVector;
}

/** How a vector stage scores a candidate. */
export type Scoring =
  | {
      kind: 'nearest';
      vector: QueryVector;
      /** Maximal marginal relevance re-ranking. */
      mmr?: { diversity: number; candidatesLimit: number | undefined };
    }
  | {
      kind: 'recommend';
      strategy: RecommendStrategy;
      positive: QueryVector[];
      negative: QueryVector[];
    }
  | { kind: 'discover'; target: QueryVector; pairs: ContextPair[] }
  | { kind: 'context'; pairs: ContextPair[] };

/** What a stage does with its candidates. */
export type Stage =
  | { kind: 'vector'; space: VectorSpace; scoring: Scoring }
  | {
      kind: 'order_by';
      parts: KeyPathPart[];
      direction: 'asc' | 'desc';
      startFrom: number | undefined;
    }
  | { kind: 'fusion'; method: 'rrf' | 'dbsf'; k: number; weights: number[] | undefined }
  | { kind: 'sample' }
  | { kind: 'none' };

/** One level of a query (the request itself, or one prefetch). */
export interface Plan {
  /** Sub-queries whose results are this level's candidates; none = the whole collection. */
  prefetch: Plan[];
  stage: Stage;
  /** Effective filter: this level's own and every enclosing level's, all must hold. */
  predicate: FilterPredicate | undefined;
  /** Public score threshold (Qdrant's `score_threshold`). */
  scoreThreshold: number | undefined;
  limit: number;
  offset: number;
  /** Points never returned at this level: the ids used as query examples. */
  exclude: Set<PointKey>;
  /** Search params (`params`): how segments are searched. */
  params: SearchParams;
}

/** Qdrant's `SearchParams`, as the segment planner uses them. */
export interface SearchParams {
  /** Beam width of graph searches; default: the vector's `ef_construct`. */
  hnswEf: number | undefined;
  /** Exact scan of every segment, no graph. */
  exact: boolean;
  /** Skip segments that are over the indexing threshold but not indexed yet. */
  indexedOnly: boolean;
  /**
   * `params.quantization`: how segments with quantized vectors use them. Default: use the codes,
   * rescore, oversampling 1.
   */
  quantization?: QuantizationSearchParams;
}

/** Qdrant's default `k` of Reciprocal Rank Fusion. */
export const DEFAULT_RRF_K = 2;
/** Default `limit` of a query and of each prefetch. */
export const DEFAULT_LIMIT = 10;

const QUERY_FIELDS = [
  'prefetch',
  'query',
  'using',
  'filter',
  'params',
  'score_threshold',
  'limit',
  'offset',
  'with_vector',
  'with_payload',
  'lookup_from',
  'shard_key',
];
const PREFETCH_FIELDS = [
  'prefetch',
  'query',
  'using',
  'filter',
  'params',
  'score_threshold',
  'limit',
  'lookup_from',
];

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Validates `params` (`acorn` is accepted and ignored). */
export function checkSearchParams(raw: unknown, path: string): SearchParams {
  if (raw === undefined || raw === null) {
    return {
      hnswEf: undefined,
      exact: false,
      indexedOnly: false,
      quantization: checkQuantizationParams(undefined, `${path}.quantization`),
    };
  }
  const params = checkObject(raw, path);
  checkKnownFields(params, ['hnsw_ef', 'exact', 'quantization', 'indexed_only', 'acorn'], path);
  const hnswEf = optional(params.hnsw_ef, (v) => checkInt(v, `${path}.hnsw_ef`, { min: 0 }));
  const exact = optional(params.exact, (v) => checkBool(v, `${path}.exact`)) ?? false;
  const indexedOnly =
    optional(params.indexed_only, (v) => checkBool(v, `${path}.indexed_only`)) ?? false;
  const quantization = checkQuantizationParams(params.quantization, `${path}.quantization`);
  optional(params.acorn, (v) => checkObject(v, `${path}.acorn`));
  return { hnswEf: hnswEf === 0 ? undefined : hnswEf, exact, indexedOnly, quantization };
}

/** Both filters must hold (either may be absent); keeps the trees for the payload indexes. */
export { andPredicates };

/** Where vectors given as point ids are read from. */
interface Lookup {
  collection: Collection;
  /** Vector name there; `undefined` = the queried name (same collection) or unnamed (lookup_from). */
  vector: string | undefined;
}

function parseLookup(raw: unknown, ctx: QueryContext, path: string): Lookup | undefined {
  if (raw === undefined || raw === null) return undefined;
  const obj = checkObject(raw, path);
  checkKnownFields(obj, ['collection', 'vector', 'shard_key'], path);
  const name = checkString(obj.collection, join(path, 'collection'));
  const vector = optional(obj.vector, (v) => checkString(v, join(path, 'vector')));
  return { collection: ctx.resolve(name), vector: vector ?? DEFAULT_VECTOR };
}

function isPointId(raw: unknown): boolean {
  return typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'string';
}

/**
 * One `VectorInput`: a vector for `space`, or a point id whose stored vector is used (and, when
 * it is a point of the queried collection, excluded from the results, as in Qdrant).
 */
export function resolveVectorInput(
  raw: unknown,
  path: string,
  space: VectorSpace,
  ctx: QueryContext,
  lookup: Lookup | undefined,
  exclude: Set<PointKey>,
): QueryVector {
  if (isPointId(raw)) {
    const key = toPointKey(raw, path);
    const source = lookup?.collection ?? ctx.collection;
    const name = lookup?.vector ?? space.name;
    const sourceSpace = spaceFor(source, name, path);
    const loc = source.locate(key);
    const vector = loc === undefined ? undefined : sourceSpace.get(loc);
    if (vector === undefined) {
      const what =
        loc === undefined
          ? 'does not exist'
          : `has no ${name === DEFAULT_VECTOR ? 'unnamed vector' : `vector "${name}"`}`;
      throw new QuiverError(
        'POINT_NOT_FOUND',
        `Not found: No point with id ${String(fromPointKey(key))} found: point ${String(fromPointKey(key))} used as a query example ${what} in collection "${source.name}"`,
        { path },
      );
    }
    if (vector.kind !== space.kind) {
      fail(path, `the looked-up vector is ${vector.kind} but "${space.name}" is ${space.kind}`);
    }
    if (vector.kind === 'dense' && space.kind === 'dense') {
      // Re-parse so a looked-up vector of another dimension or distance is caught and normalised.
      const parsed = space.parse(Array.from(vector.data), path);
      if (source === ctx.collection) exclude.add(key);
      return parsed;
    }
    if (source === ctx.collection) exclude.add(key);
    return vector;
  }
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const obj = raw as Record<string, unknown>;
    if ('text' in obj || 'image' in obj || 'object' in obj) {
      fail(
        path,
        'inference inputs (Document, Image, InferenceObject) are not supported; send vectors',
      );
    }
  }
  return space.parse(raw, path);
}

function checkPairs(
  raw: unknown,
  path: string,
  input: (raw: unknown, path: string) => QueryVector,
): ContextPair[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((p, i) => {
    const pp = Array.isArray(raw) ? `${path}[${i}]` : path;
    const pair = checkObject(p, pp);
    checkKnownFields(pair, ['positive', 'negative'], pp);
    if (pair.positive === undefined) fail(join(pp, 'positive'), 'missing field');
    if (pair.negative === undefined) fail(join(pp, 'negative'), 'missing field');
    return {
      positive: input(pair.positive, join(pp, 'positive')),
      negative: input(pair.negative, join(pp, 'negative')),
    };
  });
}

/** Parses a recommend input (`{positive, negative, strategy}`) for `space`. */
export function parseRecommend(
  obj: Record<string, unknown>,
  path: string,
  input: (raw: unknown, path: string) => QueryVector,
  space: VectorSpace,
  defaultStrategy: RecommendStrategy,
): Scoring {
  const strategy =
    optional(obj.strategy, (v) => checkEnum(v, RECOMMEND_STRATEGIES, join(path, 'strategy'))) ??
    defaultStrategy;
  const list = (key: 'positive' | 'negative'): QueryVector[] =>
    obj[key] == null
      ? []
      : checkArray(obj[key], join(path, key)).map((v, i) => input(v, `${join(path, key)}[${i}]`));
  const positive = list('positive');
  const negative = list('negative');
  if (strategy === 'average_vector' && positive.length === 0) {
    fail(
      join(path, 'positive'),
      'the average_vector strategy needs at least one positive example; add one or use best_score or sum_scores',
    );
  }
  if (positive.length + negative.length === 0) {
    fail(path, 'give at least one positive or negative example');
  }
  if (strategy === 'average_vector' && space.kind === 'multi') {
    fail(
      join(path, 'strategy'),
      'average_vector is not defined for multivectors; use best_score or sum_scores',
    );
  }
  return { kind: 'recommend', strategy, positive, negative };
}

function orderValueOf(raw: unknown, path: string): number {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}/.test(raw) && !Number.isNaN(Date.parse(raw))) {
    return Date.parse(raw);
  }
  return fail(path, `expected a number or an RFC 3339 datetime, got ${describeValue(raw)}`);
}

function parseOrderBy(raw: unknown, path: string): Stage {
  const spec = typeof raw === 'string' ? { key: raw } : checkObject(raw, path);
  checkKnownFields(spec, ['key', 'direction', 'start_from'], path);
  const key = checkString(spec.key, join(path, 'key'));
  return {
    kind: 'order_by',
    parts: parseKeyPath(key, join(path, 'key')),
    direction:
      optional(spec.direction, (v) =>
        checkEnum(v, ['asc', 'desc'] as const, join(path, 'direction')),
      ) ?? 'asc',
    startFrom: optional(spec.start_from, (v) => orderValueOf(v, join(path, 'start_from'))),
  };
}

const QUERY_KINDS = [
  'nearest',
  'recommend',
  'discover',
  'context',
  'order_by',
  'fusion',
  'rrf',
  'sample',
  'formula',
  'relevance_feedback',
] as const;

interface LevelInput {
  body: Record<string, unknown>;
  path: string;
  depth: number;
  parentPredicate: FilterPredicate | undefined;
  root: boolean;
}

/** Parses one level (root request or prefetch) into a plan. */
function parseLevel(ctx: QueryContext, level: LevelInput): Plan {
  const { body, path, depth } = level;
  checkKnownFields(body, level.root ? QUERY_FIELDS : PREFETCH_FIELDS, path);
  if (depth > MAX_PREFETCH_DEPTH) {
    fail(
      join(path, 'prefetch'),
      `prefetch is nested ${depth} levels deep, over the maximum of ${MAX_PREFETCH_DEPTH}; flatten the query`,
    );
  }
  const params = checkSearchParams(body.params, join(path, 'params'));
  const predicate = andPredicates(
    level.parentPredicate,
    optionalFilter(body.filter, join(path, 'filter')),
  );
  const rawPrefetch = body.prefetch;
  const prefetchList =
    rawPrefetch === undefined || rawPrefetch === null
      ? []
      : Array.isArray(rawPrefetch)
        ? rawPrefetch
        : [rawPrefetch];
  const prefetch = prefetchList.map((p, i) => {
    const pp = Array.isArray(rawPrefetch)
      ? `${join(path, 'prefetch')}[${i}]`
      : join(path, 'prefetch');
    return parseLevel(ctx, {
      body: checkObject(p, pp),
      path: pp,
      depth: depth + 1,
      parentPredicate: predicate,
      root: false,
    });
  });
  const limit =
    optional(body.limit, (v) =>
      checkInt(v, join(path, 'limit'), { min: 1, max: MAX_QUERY_LIMIT }),
    ) ?? DEFAULT_LIMIT;
  const offset = level.root
    ? (optional(body.offset, (v) =>
        checkInt(v, join(path, 'offset'), { min: 0, max: MAX_QUERY_OFFSET }),
      ) ?? 0)
    : 0;
  const scoreThreshold = optional(body.score_threshold, (v) =>
    checkNumber(v, join(path, 'score_threshold')),
  );
  const using = optional(body.using, (v) => checkString(v, join(path, 'using'))) ?? DEFAULT_VECTOR;
  const lookup = parseLookup(body.lookup_from, ctx, join(path, 'lookup_from'));
  const exclude = new Set<PointKey>();
  const stage = parseStage(ctx, {
    raw: body.query,
    path: join(path, 'query'),
    usingPath: join(path, 'using'),
    using,
    lookup,
    exclude,
    prefetchCount: prefetch.length,
  });
  return { prefetch, stage, predicate, scoreThreshold, limit, offset, exclude, params };
}

interface StageInput {
  raw: unknown;
  path: string;
  usingPath: string;
  using: string;
  lookup: Lookup | undefined;
  exclude: Set<PointKey>;
  prefetchCount: number;
}

function parseStage(ctx: QueryContext, s: StageInput): Stage {
  const { raw, path } = s;
  if (raw === undefined || raw === null) return { kind: 'none' };
  const vectorStage = (
    build: (space: VectorSpace, input: (r: unknown, p: string) => QueryVector) => Scoring,
  ): Stage => {
    const space = spaceFor(ctx.collection, s.using, s.usingPath);
    const input = (r: unknown, p: string): QueryVector =>
      resolveVectorInput(r, p, space, ctx, s.lookup, s.exclude);
    return { kind: 'vector', space, scoring: build(space, input) };
  };
  if (isPointId(raw) || Array.isArray(raw)) {
    return vectorStage((_space, input) => ({ kind: 'nearest', vector: input(raw, path) }));
  }
  const obj = checkObject(raw, path);
  if ('text' in obj || 'image' in obj || 'object' in obj) {
    fail(
      path,
      'inference inputs (Document, Image, InferenceObject) are not supported; send vectors',
    );
  }
  if ('indices' in obj && 'values' in obj) {
    return vectorStage((_space, input) => ({ kind: 'nearest', vector: input(raw, path) }));
  }
  const kinds = Object.keys(obj).filter((k) => obj[k] !== undefined);
  const kind = kinds.find((k) => (QUERY_KINDS as readonly string[]).includes(k));
  if (kind === undefined) {
    fail(
      path,
      `expected a vector, a point id or one of {${QUERY_KINDS.join('}, {')}}, got an object with keys [${kinds.join(', ')}]`,
    );
  }
  const extra = kinds.filter((k) => k !== kind && !(kind === 'nearest' && k === 'mmr'));
  if (extra.length > 0) fail(join(path, extra[0]!), `unexpected next to "${kind}"`);
  const inner = obj[kind];
  const ip = join(path, kind);
  switch (kind as (typeof QUERY_KINDS)[number]) {
    case 'nearest':
      return vectorStage((_space, input) => {
        const vector = input(inner, ip);
        if (obj.mmr === undefined || obj.mmr === null) return { kind: 'nearest', vector };
        const mp = join(path, 'mmr');
        const mmr = checkObject(obj.mmr, mp);
        checkKnownFields(mmr, ['diversity', 'candidates_limit'], mp);
        return {
          kind: 'nearest',
          vector,
          mmr: {
            diversity:
              optional(mmr.diversity, (v) =>
                checkNumber(v, join(mp, 'diversity'), { min: 0, max: 1 }),
              ) ?? 0.5,
            candidatesLimit: optional(mmr.candidates_limit, (v) =>
              checkInt(v, join(mp, 'candidates_limit'), { min: 1, max: MAX_QUERY_LIMIT }),
            ),
          },
        };
      });
    case 'recommend':
      return vectorStage((space, input) => {
        const rec = checkObject(inner, ip);
        checkKnownFields(rec, ['positive', 'negative', 'strategy'], ip);
        return parseRecommend(rec, ip, input, space, 'average_vector');
      });
    case 'discover':
      return vectorStage((_space, input) => {
        const d = checkObject(inner, ip);
        checkKnownFields(d, ['target', 'context'], ip);
        if (d.target === undefined || d.target === null) {
          fail(join(ip, 'target'), 'missing field; give the target vector or point id');
        }
        return {
          kind: 'discover',
          target: input(d.target, join(ip, 'target')),
          pairs: checkPairs(d.context, join(ip, 'context'), input),
        };
      });
    case 'context':
      return vectorStage((_space, input) => {
        const pairs = checkPairs(inner, ip, input);
        if (pairs.length === 0) fail(ip, 'give at least one {positive, negative} pair');
        return { kind: 'context', pairs };
      });
    case 'order_by':
      return parseOrderBy(inner, ip);
    case 'fusion': {
      const method = checkEnum(inner, ['rrf', 'dbsf'] as const, ip);
      if (s.prefetchCount === 0) fail(ip, 'fusion combines prefetch results; add a prefetch');
      return { kind: 'fusion', method, k: DEFAULT_RRF_K, weights: undefined };
    }
    case 'rrf': {
      const rrf = checkObject(inner, ip);
      checkKnownFields(rrf, ['k', 'weights'], ip);
      if (s.prefetchCount === 0) fail(ip, 'fusion combines prefetch results; add a prefetch');
      const k = optional(rrf.k, (v) => checkInt(v, join(ip, 'k'), { min: 1 })) ?? DEFAULT_RRF_K;
      const weights = optional(rrf.weights, (v) =>
        checkArray(v, join(ip, 'weights')).map((w, i) =>
          checkNumber(w, `${join(ip, 'weights')}[${i}]`, { min: 0 }),
        ),
      );
      if (weights !== undefined && weights.length !== s.prefetchCount) {
        fail(
          join(ip, 'weights'),
          `Number of weights in RRF should match number of pre-fetches: got ${weights.length}, expected ${s.prefetchCount}`,
        );
      }
      return { kind: 'fusion', method: 'rrf', k, weights };
    }
    case 'sample':
      checkEnum(inner, ['random'] as const, ip);
      return { kind: 'sample' };
    case 'formula':
    case 'relevance_feedback':
      return fail(ip, `${kind} queries are not supported by Quiver yet`);
  }
}

/** Parses a Query API request into a plan. */
export function parseQuery(ctx: QueryContext, raw: unknown, path = ''): Plan {
  return parseLevel(ctx, {
    body: checkObject(raw ?? {}, path),
    path,
    depth: 0,
    parentPredicate: undefined,
    root: true,
  });
}
