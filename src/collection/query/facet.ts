/**
 * `facet`: counts of the distinct values of a payload key among the points matching a filter.
 * Strings, integers and booleans are counted (other values are ignored); a point counts once per
 * distinct value it holds (arrays are flattened). Ordered by count descending, then by value:
 * strings, then integers, then booleans, each ascending. Counting is always exact (`exact` is
 * accepted). Unlike Qdrant, no payload index on the key is required; without a filter, a
 * keyword, integer or bool index on the key gives the counts without visiting points.
 */
import type { Schemas } from '../../api/wire.js';
import {
  checkBool,
  checkInt,
  checkKnownFields,
  checkObject,
  checkString,
  fail,
  optional,
} from '../../api/check.js';
import { canonicalKey } from '../../payload/index/index-set.js';
import { parseKeyPath, valuesAt } from '../../payload/key-path.js';
import { optionalFilter } from '../read.js';
import { MAX_QUERY_LIMIT } from './guards.js';
import type { QueryContext } from './plan.js';

type FacetValue = string | number | boolean;

function rank(v: FacetValue): number {
  return typeof v === 'string' ? 0 : typeof v === 'number' ? 1 : 2;
}

function compareValues(a: FacetValue, b: FacetValue): number {
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'number') return a - (b as number);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `facet` (see the module comment). */
export function facet(ctx: QueryContext, raw: unknown): Schemas['FacetResponse'] {
  const body = checkObject(raw ?? {}, '');
  checkKnownFields(body, ['key', 'limit', 'filter', 'exact', 'shard_key'], '');
  if (body.key === undefined) fail('key', 'missing field; give the payload key to count values of');
  const key = checkString(body.key, 'key');
  const parts = parseKeyPath(key, 'key');
  const limit =
    optional(body.limit, (v) => checkInt(v, 'limit', { min: 1, max: MAX_QUERY_LIMIT })) ?? 10;
  optional(body.exact, (v) => checkBool(v, 'exact'));
  const predicate = optionalFilter(body.filter);
  const counts = predicate === undefined ? indexedCounts(ctx, canonicalKey(key)) : undefined;
  if (counts !== undefined) return { hits: best(counts, limit) };
  return { hits: best(scanCounts(ctx, parts, predicate), limit) };
}

/** Counts from the payload index on `key` in every segment, when each can give them. */
function indexedCounts(ctx: QueryContext, key: string): Counts | undefined {
  const counts: Counts = new Map();
  const perSegment = ctx.collection.segments.map((s) => s.payloadIndex.valueCounts(key));
  if (perSegment.some((c) => c === undefined)) return undefined;
  for (const segmentCounts of perSegment) {
    for (const [value, n] of segmentCounts!) {
      const k = `${typeof value}:${String(value)}`;
      const entry = counts.get(k);
      if (entry === undefined) counts.set(k, { value, count: n });
      else entry.count += n;
    }
  }
  return counts;
}

type Counts = Map<string, { value: FacetValue; count: number }>;

function best(counts: Counts, limit: number): Schemas['FacetResponse']['hits'] {
  return [...counts.values()]
    .sort((a, b) => (a.count !== b.count ? b.count - a.count : compareValues(a.value, b.value)))
    .slice(0, limit);
}

function scanCounts(
  ctx: QueryContext,
  parts: ReturnType<typeof parseKeyPath>,
  predicate: ReturnType<typeof optionalFilter>,
): Counts {
  const counts: Counts = new Map();
  ctx.collection.scan(predicate, (loc) => {
    ctx.deadline.tick();
    const seen = new Set<string>();
    for (const v of valuesAt(loc.segment.payloads[loc.offset]!, parts)) {
      const ok =
        typeof v === 'string' ||
        typeof v === 'boolean' ||
        (typeof v === 'number' && Number.isInteger(v));
      if (!ok) continue;
      const k = `${typeof v}:${String(v)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const entry = counts.get(k);
      if (entry === undefined) counts.set(k, { value: v, count: 1 });
      else entry.count++;
    }
  });
  return counts;
}
