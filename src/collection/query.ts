/**
 * The search requests: Qdrant's Query API (`query`, nearest by vector or by point id) and the
 * legacy `search` shape. Both come down to {@link searchNearest}.
 */
import type { Schemas } from '../api/wire.js';
import {
  checkBool,
  checkInt,
  checkKnownFields,
  checkNumber,
  checkObject,
  checkString,
  describeValue,
  fail,
  optional,
} from '../api/check.js';
import { QuiverError } from '../errors.js';
import { type PointKey, fromPointKey, toPointKey } from '../segment/point-id.js';
import type { Collection } from './collection.js';
import { DEFAULT_VECTOR, type VectorSpec } from './config.js';
import { toPayloadSelector, toVectorSelector } from './output.js';
import { optionalFilter } from './read.js';
import { searchNearest } from './search.js';
import { specFor, toDenseVector } from './vectors-input.js';

/** Largest `limit` + `offset` of one search. */
export const MAX_SEARCH_WINDOW = 100_000;

function checkParams(raw: unknown, path: string): void {
  if (raw === undefined || raw === null) return;
  const params = checkObject(raw, path);
  checkKnownFields(params, ['hnsw_ef', 'exact', 'quantization', 'indexed_only', 'acorn'], path);
  optional(params.hnsw_ef, (v) => checkInt(v, `${path}.hnsw_ef`, { min: 0 }));
  optional(params.exact, (v) => checkBool(v, `${path}.exact`));
  optional(params.indexed_only, (v) => checkBool(v, `${path}.indexed_only`));
}

function window(
  body: Record<string, unknown>,
  limitRequired: boolean,
): { limit: number; offset: number } {
  if (limitRequired && body.limit == null)
    fail('limit', 'missing field; say how many results to return');
  const limit = optional(body.limit, (v) => checkInt(v, 'limit', { min: 1 })) ?? 10;
  const offset = optional(body.offset, (v) => checkInt(v, 'offset', { min: 0 })) ?? 0;
  if (limit + offset > MAX_SEARCH_WINDOW) {
    fail(
      'limit',
      `limit + offset is ${limit + offset}, over the maximum of ${MAX_SEARCH_WINDOW}; page with scroll instead`,
    );
  }
  return { limit, offset };
}

/** The stored vector of a point, used as a query (`query: <id>`). */
function vectorOfPoint(
  collection: Collection,
  rawId: unknown,
  spec: VectorSpec,
  path: string,
): Float32Array {
  const key = toPointKey(rawId, path);
  const loc = collection.locate(key);
  const vector = loc?.segment.columns.get(spec.name)?.get(loc.offset);
  if (vector === undefined) {
    const what =
      loc === undefined
        ? 'does not exist'
        : `has no ${spec.name === DEFAULT_VECTOR ? 'vector' : `vector "${spec.name}"`}`;
    throw new QuiverError(
      'POINT_NOT_FOUND',
      `Not found: point ${String(fromPointKey(key))} used as the query ${what} in collection "${collection.name}"`,
      { path },
    );
  }
  return vector;
}

function isId(raw: unknown): boolean {
  return typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'string';
}

/** `query` (Query API): nearest neighbours of a vector or of a stored point. */
export function query(collection: Collection, raw: unknown): Schemas['QueryResponse'] {
  const body = checkObject(raw ?? {}, '');
  checkKnownFields(
    body,
    [
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
    ],
    '',
  );
  for (const unsupported of ['prefetch', 'lookup_from'] as const) {
    if (body[unsupported] != null) fail(unsupported, `${unsupported} is not supported yet`);
  }
  const using = optional(body.using, (v) => checkString(v, 'using')) ?? DEFAULT_VECTOR;
  const spec = specFor(collection.specs, using, 'using');
  let q = body.query;
  if (q === undefined || q === null)
    fail('query', 'missing field; give a vector or a point id to search near');
  if (q !== null && typeof q === 'object' && !Array.isArray(q)) {
    const obj = q as Record<string, unknown>;
    if (!('nearest' in obj) || Object.keys(obj).some((k) => k !== 'nearest' && k !== 'mmr')) {
      fail(
        'query',
        `query kind ${describeValue(Object.keys(obj).join(', '))} is not supported yet; use a vector, a point id or {nearest}`,
      );
    }
    if (obj.mmr != null) fail('query.mmr', 'mmr is not supported yet');
    q = obj.nearest;
  }
  const exclude = new Set<PointKey>();
  let vector: Float32Array;
  if (isId(q)) {
    vector = vectorOfPoint(collection, q, spec, 'query');
    exclude.add(toPointKey(q, 'query'));
  } else {
    vector = toDenseVector(q, spec, 'query');
  }
  checkParams(body.params, 'params');
  const { limit, offset } = window(body, false);
  const points = searchNearest(collection, {
    spec,
    query: vector,
    predicate: optionalFilter(body.filter),
    limit,
    offset,
    scoreThreshold: optional(body.score_threshold, (v) => checkNumber(v, 'score_threshold')),
    exclude,
    output: {
      payload: toPayloadSelector(body.with_payload, false),
      vectors: toVectorSelector(body.with_vector, collection.specs, false),
      specs: collection.specs,
    },
  });
  return { points };
}

/** Legacy `search` (Qdrant <= 1.18 `SearchRequest`): `vector` is an array or `{name, vector}`. */
export function search(collection: Collection, raw: unknown): Schemas['ScoredPoint'][] {
  const body = checkObject(raw, '');
  checkKnownFields(
    body,
    [
      'vector',
      'filter',
      'params',
      'limit',
      'offset',
      'with_payload',
      'with_vector',
      'score_threshold',
      'shard_key',
    ],
    '',
  );
  let name = DEFAULT_VECTOR;
  let rawVector: unknown = body.vector;
  if (rawVector === undefined) fail('vector', 'missing field; give the query vector');
  if (rawVector !== null && typeof rawVector === 'object' && !Array.isArray(rawVector)) {
    const named = rawVector as Record<string, unknown>;
    name = checkString(named.name, 'vector.name');
    rawVector = named.vector;
  }
  const spec = specFor(collection.specs, name, 'vector.name');
  const vector = toDenseVector(
    rawVector,
    spec,
    name === DEFAULT_VECTOR ? 'vector' : 'vector.vector',
  );
  checkParams(body.params, 'params');
  const { limit, offset } = window(body, true);
  return searchNearest(collection, {
    spec,
    query: vector,
    predicate: optionalFilter(body.filter),
    limit,
    offset,
    scoreThreshold: optional(body.score_threshold, (v) => checkNumber(v, 'score_threshold')),
    output: {
      payload: toPayloadSelector(body.with_payload, false),
      vectors: toVectorSelector(body.with_vector, collection.specs, false),
      specs: collection.specs,
    },
  });
}
