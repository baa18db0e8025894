/**
 * Validation of field conditions: `{ "key": ..., <exactly one test> }` where the test is
 * `match`, `range`, `geo_bounding_box`, `geo_radius`, `geo_polygon`, `values_count`,
 * `is_empty` or `is_null`.
 */
import { RE2JS } from 're2js';
import { parseDatetime } from './datetime.js';
import { checkKeys, describe, expectObject, filterError, optional } from './filter-errors.js';
import type { ConditionNode, FieldTest, RangeBounds } from './filter.js';
import type { GeoPoint } from './geo.js';
import { parseKeyPath } from './key-path.js';

/** Longest accepted `match.regex` pattern, in UTF-16 code units. */
export const MAX_REGEX_LENGTH = 1024;

const TESTS = [
  'match',
  'range',
  'geo_bounding_box',
  'geo_radius',
  'geo_polygon',
  'values_count',
  'is_empty',
  'is_null',
] as const;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const BOUNDS = ['gt', 'gte', 'lt', 'lte'] as const;

/** Parses `{ key, <test> }`; `is_empty`/`is_null: bool` shorthands become their own nodes. */
export function parseFieldCondition(obj: Record<string, unknown>, path: string): ConditionNode {
  checkKeys(obj, ['key', ...TESTS], path);
  const key = obj['key'];
  if (typeof key !== 'string')
    throw filterError(`${path}.key`, `must be a string, got ${describe(key)}`);
  const parts = parseKeyPath(key, `${path}.key`);
  const present = TESTS.filter((t) => optional(obj, t) !== undefined);
  if (present.length !== 1) {
    throw filterError(
      path,
      present.length === 0
        ? `the condition on ${JSON.stringify(key)} has no test; add one of ${TESTS.join(', ')}`
        : `the condition on ${JSON.stringify(key)} has several tests (${present.join(', ')}); use one per condition and combine conditions with must/should`,
    );
  }
  const which = present[0] as (typeof TESTS)[number];
  const at = `${path}.${which}`;
  const raw = obj[which];
  if (which === 'is_empty' || which === 'is_null') {
    if (typeof raw !== 'boolean')
      throw filterError(at, `must be true or false, got ${describe(raw)}`);
    return which === 'is_empty'
      ? { kind: 'is_empty', key, path: parts, empty: raw }
      : { kind: 'is_null', key, path: parts, isNull: raw };
  }
  return { kind: 'field', key, path: parts, test: parseTest(which, raw, at) };
}

function parseTest(which: string, raw: unknown, path: string): FieldTest {
  switch (which) {
    case 'match':
      return parseMatch(raw, path);
    case 'range':
      return parseRange(raw, path);
    case 'values_count': {
      const obj = expectObject(raw, path, 'values_count');
      const bounds = parseBounds(obj, path, (v, at) => {
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
          throw filterError(at, `must be a non-negative integer, got ${describe(v)}`);
        }
        return v;
      });
      return { kind: 'values_count', bounds };
    }
    case 'geo_bounding_box': {
      const obj = expectObject(raw, path, 'geo_bounding_box');
      checkKeys(obj, ['top_left', 'bottom_right'], path);
      return {
        kind: 'geo_bounding_box',
        topLeft: parseGeoPoint(obj['top_left'], `${path}.top_left`),
        bottomRight: parseGeoPoint(obj['bottom_right'], `${path}.bottom_right`),
      };
    }
    case 'geo_radius': {
      const obj = expectObject(raw, path, 'geo_radius');
      checkKeys(obj, ['center', 'radius'], path);
      const radius = obj['radius'];
      if (typeof radius !== 'number' || !Number.isFinite(radius) || radius < 0) {
        throw filterError(
          `${path}.radius`,
          `must be a non-negative number of metres, got ${describe(radius)}`,
        );
      }
      return { kind: 'geo_radius', center: parseGeoPoint(obj['center'], `${path}.center`), radius };
    }
    default: {
      const obj = expectObject(raw, path, 'geo_polygon');
      checkKeys(obj, ['exterior', 'interiors'], path);
      const interiors = optional(obj, 'interiors');
      if (interiors !== undefined && !Array.isArray(interiors)) {
        throw filterError(
          `${path}.interiors`,
          `must be an array of rings, got ${describe(interiors)}`,
        );
      }
      return {
        kind: 'geo_polygon',
        exterior: parseRing(obj['exterior'], `${path}.exterior`),
        interiors: (interiors ?? []).map((r, i) => parseRing(r, `${path}.interiors[${i}]`)),
      };
    }
  }
}

function parseMatch(raw: unknown, path: string): FieldTest {
  const obj = expectObject(raw, path, 'match');
  const kinds = ['value', 'any', 'except', 'text', 'text_any', 'phrase', 'prefix', 'regex'];
  checkKeys(obj, kinds, path);
  const keys = Object.keys(obj);
  if (keys.length !== 1) {
    throw filterError(path, `match needs exactly one of ${kinds.join(', ')}, got ${keys.length}`);
  }
  const kind = keys[0] as string;
  const v = obj[kind];
  const at = `${path}.${kind}`;
  if (kind === 'value') {
    if (typeof v === 'string' || typeof v === 'boolean') return { kind: 'match_value', value: v };
    return { kind: 'match_value', value: toInt64(v, at, 'a string, an integer or a boolean') };
  }
  if (kind === 'any' || kind === 'except') {
    const { valueType, values } = parseValueList(v, at);
    return { kind: kind === 'any' ? 'match_any' : 'match_except', valueType, values };
  }
  if (typeof v !== 'string') throw filterError(at, `must be a string, got ${describe(v)}`);
  switch (kind) {
    case 'text':
      return { kind: 'match_text', text: v };
    case 'text_any':
      return { kind: 'match_text_any', text: v, tokens: v.split(/\s+/).filter((t) => t !== '') };
    case 'phrase':
      return { kind: 'match_phrase', phrase: v };
    case 'prefix':
      return { kind: 'match_prefix', prefix: v };
    default:
      return { kind: 'match_regex', pattern: v, regex: compileRegex(v, at) };
  }
}

function compileRegex(pattern: string, path: string): RE2JS {
  if (pattern.length > MAX_REGEX_LENGTH) {
    throw filterError(
      path,
      `regex is ${pattern.length} characters long; the limit is ${MAX_REGEX_LENGTH}, so shorten the pattern`,
    );
  }
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw filterError(
      path,
      `invalid regex (RE2 syntax, no backreferences or lookaround): ${detail}`,
      err,
    );
  }
}

/** An integer in Qdrant's int64 range as a JS number (payload numbers are doubles anyway). */
function toInt64(v: unknown, path: string, expected: string): number {
  const big =
    typeof v === 'bigint'
      ? v
      : typeof v === 'number' && Number.isInteger(v)
        ? BigInt(v)
        : undefined;
  if (big === undefined) throw filterError(path, `must be ${expected}, got ${describe(v)}`);
  if (big < INT64_MIN || big > INT64_MAX) {
    throw filterError(path, `${big} is outside the 64-bit signed integer range`);
  }
  return Number(big);
}

function parseValueList(
  raw: unknown,
  path: string,
): { valueType: 'keyword' | 'integer'; values: Set<string | number> } {
  if (!Array.isArray(raw)) {
    throw filterError(path, `must be an array of strings or of integers, got ${describe(raw)}`);
  }
  // Qdrant reads `[]` as an (empty) list of strings.
  const valueType = raw.length === 0 || typeof raw[0] === 'string' ? 'keyword' : 'integer';
  const values = new Set<string | number>();
  raw.forEach((item, i) => {
    if (valueType === 'keyword') {
      if (typeof item !== 'string') {
        throw filterError(
          `${path}[${i}]`,
          `all values must be strings like the first, got ${describe(item)}`,
        );
      }
      values.add(item);
    } else {
      values.add(
        toInt64(item, `${path}[${i}]`, 'an integer like the first value (lists may not mix types)'),
      );
    }
  });
  return { valueType, values };
}

function parseBounds(
  obj: Record<string, unknown>,
  path: string,
  read: (v: unknown, at: string) => number,
): RangeBounds {
  checkKeys(obj, BOUNDS, path);
  const b: Record<string, number | undefined> = {};
  for (const k of BOUNDS) {
    const v = optional(obj, k);
    b[k] = v === undefined ? undefined : read(v, `${path}.${k}`);
  }
  if (BOUNDS.every((k) => b[k] === undefined)) {
    const name = path.slice(path.lastIndexOf('.') + 1);
    throw filterError(path, `${name} needs at least one bound: gt, gte, lt or lte`);
  }
  return { gt: b['gt'], gte: b['gte'], lt: b['lt'], lte: b['lte'] };
}

/** Numbers make a numeric range, strings a datetime range; the two may not mix. */
function parseRange(raw: unknown, path: string): FieldTest {
  const obj = expectObject(raw, path, 'range');
  const given = BOUNDS.map((k) => optional(obj, k)).filter((v) => v !== undefined);
  const datetime = given.length > 0 && typeof given[0] === 'string';
  const bounds = parseBounds(obj, path, (v, at) => {
    if (datetime) {
      if (typeof v !== 'string') {
        throw filterError(
          at,
          `must be an RFC 3339 datetime string like the other bounds, got ${describe(v)}`,
        );
      }
      const instant = parseDatetime(v);
      if (instant === undefined) {
        throw filterError(
          at,
          `${JSON.stringify(v)} is not a datetime; use RFC 3339 such as "2024-05-01T12:00:00Z" or a date "2024-05-01"`,
        );
      }
      return instant;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw filterError(
        at,
        `must be a number like the other bounds (or all RFC 3339 strings), got ${describe(v)}`,
      );
    }
    return v;
  });
  return datetime ? { kind: 'datetime_range', bounds } : { kind: 'range', bounds };
}

function parseGeoPoint(raw: unknown, path: string): GeoPoint {
  const obj = expectObject(raw, path, 'a geo point');
  checkKeys(obj, ['lat', 'lon'], path);
  const { lat, lon } = obj;
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) {
    throw filterError(
      `${path}.lat`,
      `latitude must be a number from -90 to 90, got ${describe(lat)}`,
    );
  }
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) {
    throw filterError(
      `${path}.lon`,
      `longitude must be a number from -180 to 180, got ${describe(lon)}`,
    );
  }
  return { lat, lon };
}

/** A closed ring: at least 4 points, the last equal to the first (as Qdrant requires). */
function parseRing(raw: unknown, path: string): GeoPoint[] {
  const obj = expectObject(raw, path, 'a line string');
  checkKeys(obj, ['points'], path);
  const pointsRaw = obj['points'];
  if (!Array.isArray(pointsRaw)) {
    throw filterError(
      `${path}.points`,
      `must be an array of geo points, got ${describe(pointsRaw)}`,
    );
  }
  const points = pointsRaw.map((p, i) => parseGeoPoint(p, `${path}.points[${i}]`));
  if (points.length < 4) {
    throw filterError(
      `${path}.points`,
      `a polygon ring needs at least 4 points (the first repeated at the end), got ${points.length}`,
    );
  }
  const first = points[0] as GeoPoint;
  const last = points[points.length - 1] as GeoPoint;
  if (first.lat !== last.lat || first.lon !== last.lon) {
    throw filterError(
      `${path}.points`,
      'a polygon ring must be closed: repeat the first point at the end',
    );
  }
  return points;
}
