/**
 * Validation of the filter wire shape into a {@link FilterNode} tree: the boolean clauses and
 * the conditions that are not about one payload key. Field conditions are in `field-parse.ts`.
 */
import { toPointKey, type PointKey } from '../segment/point-id.js';
import { isQuiverError } from '../errors.js';
import { checkKeys, describe, expectObject, filterError, optional } from './filter-errors.js';
import { parseFieldCondition } from './field-parse.js';
import type { ConditionNode, FilterNode, MinShouldNode } from './filter.js';
import { parseKeyPath } from './key-path.js';

const FILTER_KEYS = ['must', 'should', 'must_not', 'min_should'] as const;

/**
 * Validates a Qdrant `Filter` (with Quiver's `match.regex` extension) and returns its tree.
 * @param raw - the filter as sent, already JSON-decoded.
 * @param path - where the filter sits in the request, for error paths.
 * @throws QuiverError `INVALID_FILTER` naming the first problem and its path.
 */
export function parseFilter(raw: unknown, path = 'filter'): FilterNode {
  const obj = expectObject(raw, path, 'a filter');
  checkKeys(obj, FILTER_KEYS, path);
  const must = optional(obj, 'must');
  const should = optional(obj, 'should');
  const mustNot = optional(obj, 'must_not');
  const minShould = optional(obj, 'min_should');
  return {
    kind: 'filter',
    must: must === undefined ? [] : parseConditionList(must, `${path}.must`),
    should: should === undefined ? undefined : parseConditionList(should, `${path}.should`),
    mustNot: mustNot === undefined ? [] : parseConditionList(mustNot, `${path}.must_not`),
    minShould:
      minShould === undefined ? undefined : parseMinShould(minShould, `${path}.min_should`),
  };
}

/** One condition or an array of them (Qdrant accepts both). */
function parseConditionList(raw: unknown, path: string): ConditionNode[] {
  if (Array.isArray(raw)) return raw.map((c, i) => parseCondition(c, `${path}[${i}]`));
  return [parseCondition(raw, path)];
}

function parseMinShould(raw: unknown, path: string): MinShouldNode {
  const obj = expectObject(raw, path, 'min_should');
  checkKeys(obj, ['conditions', 'min_count'], path);
  const conditions = obj['conditions'];
  if (conditions === undefined || conditions === null) {
    throw filterError(path, 'min_should needs "conditions": an array of conditions');
  }
  if (!Array.isArray(conditions)) {
    throw filterError(`${path}.conditions`, `must be an array, got ${describe(conditions)}`);
  }
  const minCount = obj['min_count'];
  if (typeof minCount !== 'number' || !Number.isSafeInteger(minCount) || minCount < 1) {
    throw filterError(
      `${path}.min_count`,
      `min_count must be an integer of 1 or more, got ${describe(minCount)}`,
    );
  }
  return {
    conditions: conditions.map((c, i) => parseCondition(c, `${path}.conditions[${i}]`)),
    minCount,
  };
}

/** Which condition an object is, told apart by its identifying field as Qdrant does. */
function parseCondition(raw: unknown, path: string): ConditionNode {
  const obj = expectObject(raw, path, 'a condition');
  if ('key' in obj) return parseFieldCondition(obj, path);
  if ('is_empty' in obj || 'is_null' in obj) return parseIsEmptyOrNull(obj, path);
  if ('has_id' in obj) {
    checkKeys(obj, ['has_id'], path);
    return { kind: 'has_id', ids: parseIds(obj['has_id'], `${path}.has_id`) };
  }
  if ('has_vector' in obj) {
    checkKeys(obj, ['has_vector'], path);
    const name = obj['has_vector'];
    if (typeof name !== 'string') {
      throw filterError(
        `${path}.has_vector`,
        `must be a vector name string, got ${describe(name)}`,
      );
    }
    return { kind: 'has_vector', name };
  }
  if ('nested' in obj) return parseNested(obj, path);
  if ('slice' in obj) return parseSlice(obj, path);
  if (
    Object.keys(obj).some((k) => (FILTER_KEYS as readonly string[]).includes(k)) ||
    isEmpty(obj)
  ) {
    return parseFilter(obj, path);
  }
  throw filterError(
    path,
    `not a condition: expected "key" (field condition), "is_empty", "is_null", "has_id", "has_vector", "nested", "slice" or a nested filter (must/should/must_not/min_should); got fields ${Object.keys(obj).join(', ')}`,
  );
}

function isEmpty(obj: Record<string, unknown>): boolean {
  return Object.keys(obj).length === 0;
}

function parseIsEmptyOrNull(obj: Record<string, unknown>, path: string): ConditionNode {
  const which = 'is_empty' in obj ? 'is_empty' : 'is_null';
  checkKeys(obj, [which], path);
  const field = expectObject(obj[which], `${path}.${which}`, which);
  checkKeys(field, ['key'], `${path}.${which}`);
  const keyPath = `${path}.${which}.key`;
  const key = field['key'];
  if (typeof key !== 'string') throw filterError(keyPath, `must be a string, got ${describe(key)}`);
  const parts = parseKeyPath(key, keyPath);
  return which === 'is_empty'
    ? { kind: 'is_empty', key, path: parts, empty: true }
    : { kind: 'is_null', key, path: parts, isNull: true };
}

function parseIds(raw: unknown, path: string): Set<PointKey> {
  if (!Array.isArray(raw)) {
    throw filterError(path, `must be an array of point ids, got ${describe(raw)}`);
  }
  const ids = new Set<PointKey>();
  raw.forEach((id, i) => {
    try {
      ids.add(toPointKey(id, `${path}[${i}]`));
    } catch (err) {
      if (!isQuiverError(err, 'INVALID_ID')) throw err;
      throw filterError(
        `${path}[${i}]`,
        `${describe(id)} is not a valid point id; use an unsigned 64-bit integer or a UUID string`,
      );
    }
  });
  return ids;
}

function parseNested(obj: Record<string, unknown>, path: string): ConditionNode {
  checkKeys(obj, ['nested'], path);
  const nestedPath = `${path}.nested`;
  const nested = expectObject(obj['nested'], nestedPath, 'nested');
  checkKeys(nested, ['key', 'filter'], nestedPath);
  const key = nested['key'];
  if (typeof key !== 'string') {
    throw filterError(`${nestedPath}.key`, `must be a string, got ${describe(key)}`);
  }
  const parts = parseKeyPath(key, `${nestedPath}.key`);
  // Qdrant checks the elements of the array at `key`: `key` and `key[]` mean the same.
  if (parts[parts.length - 1]?.kind !== 'each') parts.push({ kind: 'each' });
  if (nested['filter'] === undefined || nested['filter'] === null) {
    throw filterError(nestedPath, 'nested needs "filter": the conditions each element must meet');
  }
  return {
    kind: 'nested',
    key,
    path: parts,
    filter: parseFilter(nested['filter'], `${nestedPath}.filter`),
  };
}

function parseSlice(obj: Record<string, unknown>, path: string): ConditionNode {
  checkKeys(obj, ['slice'], path);
  const slicePath = `${path}.slice`;
  const slice = expectObject(obj['slice'], slicePath, 'slice');
  checkKeys(slice, ['index', 'total'], slicePath);
  const { index, total } = slice;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 1 || total > 0xffffffff) {
    throw filterError(
      `${slicePath}.total`,
      `must be an integer from 1 to 2^32-1, got ${describe(total)}`,
    );
  }
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= total) {
    throw filterError(
      `${slicePath}.index`,
      `must be an integer from 0 to total-1 (${total - 1}), got ${describe(index)}`,
    );
  }
  return { kind: 'slice', index, total };
}
