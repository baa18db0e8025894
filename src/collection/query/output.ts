/**
 * Hits → Qdrant's `ScoredPoint`, with `with_payload` / `with_vector` applied (defaults: none, as
 * in the Query API) and `order_value` for `order_by` results.
 */
import type { Schemas } from '../../api/wire.js';
import type { Collection } from '../collection.js';
import { type RecordOptions, toPayloadSelector, toScoredPoint } from '../output.js';
import type { Hit, Ranked } from './hits.js';
import { toVectorSelectorAll, selectAllVectors } from './vectors-output.js';

/** Parses `with_payload` / `with_vector` of a search body (both default to false). */
export function outputOptions(
  collection: Collection,
  body: Record<string, unknown>,
  vectorKey: 'with_vector' | 'with_vectors' = 'with_vector',
  payloadDefault = false,
  path = '',
): RecordOptions {
  const p = (k: string): string => (path === '' ? k : `${path}.${k}`);
  return {
    payload: toPayloadSelector(body.with_payload, payloadDefault, p('with_payload')),
    vectors: toVectorSelectorAll(collection, body[vectorKey], false, p(vectorKey)),
    specs: collection.specs,
  };
}

/** One hit as a `ScoredPoint`. */
export function toHitPoint(
  collection: Collection,
  hit: Hit,
  score: number,
  output: RecordOptions,
): Schemas['ScoredPoint'] {
  const point = toScoredPoint(hit.loc.segment, hit.loc.offset, score, {
    ...output,
    vectors: [],
  });
  point.vector = selectAllVectors(collection, hit.loc, output.vectors);
  if (hit.orderValue !== undefined) point.order_value = hit.orderValue;
  return point;
}

/** A stage's result as `ScoredPoint`s. */
export function toScoredPoints(
  collection: Collection,
  ranked: Ranked,
  output: RecordOptions,
): Schemas['ScoredPoint'][] {
  return ranked.hits.map((h) => toHitPoint(collection, h, ranked.publicScore(h.score), output));
}
