/**
 * Reads by id and by filter: retrieve, scroll (by id or `order_by` a payload field) and count,
 * with Qdrant's request shapes, defaults and results.
 */
import type { Schemas } from '../api/wire.js';
import {
  checkBool,
  checkEnum,
  checkInt,
  checkKnownFields,
  checkObject,
  checkString,
  describeValue,
  fail,
  optional,
} from '../api/check.js';
import { type FilterPredicate, compileFilter } from '../payload/filter.js';
import { parseKeyPath, valuesAt } from '../payload/key-path.js';
import { type PointKey, comparePointKeys, fromPointKey, toPointKey } from '../segment/point-id.js';
import type { Collection, Location } from './collection.js';
import { toKeys } from './operations.js';
import { type RecordOptions, toPayloadSelector, toRecord, toVectorSelector } from './output.js';

/** Compiles an optional request filter. */
export function optionalFilter(raw: unknown, path = 'filter'): FilterPredicate | undefined {
  return raw === undefined || raw === null ? undefined : compileFilter(raw, path);
}

function recordOptions(
  collection: Collection,
  body: Record<string, unknown>,
  payloadDefault: boolean,
): RecordOptions {
  return {
    payload: toPayloadSelector(body.with_payload, payloadDefault),
    vectors: toVectorSelector(body.with_vector, collection.specs, false),
    specs: collection.specs,
  };
}

/** `retrieve`: points by id, in the order asked, unknown ids skipped. */
export function retrieve(collection: Collection, raw: unknown): Schemas['Record'][] {
  const body = checkObject(raw, '');
  checkKnownFields(body, ['ids', 'with_payload', 'with_vector', 'shard_key'], '');
  const keys = toKeys(body.ids, 'ids');
  const output = recordOptions(collection, body, true);
  const seen = new Set<PointKey>();
  const out: Schemas['Record'][] = [];
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const loc = collection.locate(key);
    if (loc !== undefined) out.push(toRecord(loc.segment, loc.offset, output));
  }
  return out;
}

/** `count`: exact number of points matching the filter. */
export function count(collection: Collection, raw: unknown): Schemas['CountResult'] {
  const body = checkObject(raw ?? {}, '');
  checkKnownFields(body, ['filter', 'exact', 'shard_key'], '');
  optional(body.exact, (v) => checkBool(v, 'exact'));
  const predicate = optionalFilter(body.filter);
  if (predicate === undefined) return { count: collection.pointsCount };
  const known = indexedCount(collection, predicate);
  if (known !== undefined) return { count: known };
  let n = 0;
  collection.scan(predicate, () => n++);
  return { count: n };
}

/** The count from the payload indexes alone, when every segment's indexes know it exactly. */
function indexedCount(collection: Collection, predicate: FilterPredicate): number | undefined {
  const filter = predicate.filter;
  if (filter === undefined) return undefined;
  let total = 0;
  for (const segment of collection.segments) {
    const n = segment.payloadIndex.exactCount(filter);
    if (n === undefined) return undefined;
    total += n;
  }
  return total;
}

/** `scroll`: a page of points by id, or ordered by a payload field with `order_by`. */
export function scroll(collection: Collection, raw: unknown): Schemas['ScrollResult'] {
  const body = checkObject(raw ?? {}, '');
  checkKnownFields(
    body,
    ['offset', 'limit', 'filter', 'with_payload', 'with_vector', 'order_by', 'shard_key'],
    '',
  );
  const limit = optional(body.limit, (v) => checkInt(v, 'limit', { min: 1 })) ?? 10;
  const predicate = optionalFilter(body.filter);
  const output = recordOptions(collection, body, true);
  if (body.order_by != null) {
    if (body.offset != null) {
      fail('offset', 'offset cannot be used with order_by; page with order_by.start_from instead');
    }
    return scrollOrdered(collection, body.order_by, limit, predicate, output);
  }
  // With a narrowing index, only the matches are sorted; the predicate is then already checked.
  const matched = predicate === undefined ? undefined : indexedMatches(collection, predicate);
  const keys = matched ?? collection.sortedKeys();
  const check = matched === undefined ? predicate : undefined;
  let start = 0;
  if (body.offset != null) {
    const from = toPointKey(body.offset, 'offset');
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comparePointKeys(keys[mid]!, from) < 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const points: Schemas['Record'][] = [];
  let next: Schemas['ExtendedPointId'] | null = null;
  for (let i = start; i < keys.length; i++) {
    const loc = collection.locate(keys[i]!)!;
    if (check !== undefined && !check(collection.target(loc))) continue;
    if (points.length === limit) {
      next = fromPointKey(keys[i]!) as Schemas['ExtendedPointId'];
      break;
    }
    points.push(toRecord(loc.segment, loc.offset, output));
  }
  return { points, next_page_offset: next };
}

/**
 * The keys of the points matching `predicate`, sorted, when the payload indexes narrow it in
 * every segment to at most a quarter of the collection; `undefined` otherwise (a scroll then walks
 * the keys in order and stops after a page, which is cheaper for a broad filter).
 */
function indexedMatches(
  collection: Collection,
  predicate: FilterPredicate,
): PointKey[] | undefined {
  const lists: [Location['segment'], Iterable<number>][] = [];
  let total = 0;
  for (const segment of collection.segments) {
    const only = collection.candidates(segment, predicate);
    if (only === undefined) return undefined;
    const list = [...only];
    total += list.length;
    if (total > collection.pointsCount / 4) return undefined;
    lists.push([segment, list]);
  }
  const keys: PointKey[] = [];
  for (const [segment, list] of lists) {
    for (const offset of list) {
      if (segment.isLive(offset) && predicate(collection.target({ segment, offset }))) {
        keys.push(segment.keys[offset]!);
      }
    }
  }
  return keys.sort(comparePointKeys);
}

/** A payload value usable for ordering: numbers as they are, RFC 3339 datetimes as epoch ms. */
function orderValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const t = Date.parse(value);
    if (!Number.isNaN(t) && /^\d{4}-\d{2}-\d{2}/.test(value)) return t;
  }
  return undefined;
}

function scrollOrdered(
  collection: Collection,
  raw: unknown,
  limit: number,
  predicate: FilterPredicate | undefined,
  output: RecordOptions,
): Schemas['ScrollResult'] {
  const spec = typeof raw === 'string' ? { key: raw } : checkObject(raw, 'order_by');
  checkKnownFields(spec, ['key', 'direction', 'start_from'], 'order_by');
  const key = checkString(spec.key, 'order_by.key');
  const parts = parseKeyPath(key, 'order_by.key');
  const direction =
    optional(spec.direction, (v) => checkEnum(v, ['asc', 'desc'] as const, 'order_by.direction')) ??
    'asc';
  let startFrom: number | undefined;
  if (spec.start_from != null) {
    startFrom = orderValue(spec.start_from);
    if (startFrom === undefined) {
      fail(
        'order_by.start_from',
        `expected a number or an RFC 3339 datetime, got ${describeValue(spec.start_from)}`,
      );
    }
  }
  const rows: { value: number; key: PointKey; loc: Location }[] = [];
  collection.scan(predicate, (loc) => {
    const pointKey = loc.segment.keys[loc.offset]!;
    // A point appears once per value of a multi-valued key, as in Qdrant.
    for (const v of valuesAt(loc.segment.payloads[loc.offset]!, parts)) {
      const value = orderValue(v);
      if (value === undefined) continue;
      if (startFrom !== undefined && (direction === 'asc' ? value < startFrom : value > startFrom))
        continue;
      rows.push({ value, key: pointKey, loc });
    }
  });
  const sign = direction === 'asc' ? 1 : -1;
  rows.sort((a, b) =>
    a.value !== b.value ? sign * (a.value - b.value) : comparePointKeys(a.key, b.key),
  );
  const points = rows.slice(0, limit).map((row) => ({
    ...toRecord(row.loc.segment, row.loc.offset, output),
    order_value: row.value,
  }));
  return { points, next_page_offset: null };
}
