/**
 * Write operations: Qdrant's request bodies → validated {@link CollectionOp}s. Validation that
 * needs no state happens here, before anything is applied, so a malformed request never changes
 * anything. The ops are plain data, so the write-ahead log can record them as they are.
 */
import type { Schemas } from '../api/wire.js';
import {
  checkArray,
  checkKnownFields,
  checkObject,
  checkString,
  describeValue,
  fail,
} from '../api/check.js';
import { compileFilter } from '../payload/filter.js';
import { parseKeyPath } from '../payload/key-path.js';
import { type Payload, toPayload } from '../payload/payload.js';
import { type PointKey, toPointKey } from '../segment/point-id.js';
import type { StoredVector } from '../segment/sparse-column.js';
import type { VectorSpec } from './config.js';
import { VectorArena, specFor, toBatchVectors, toVectorMap } from './vectors-input.js';

/** Which points an operation touches: listed ids, or all that match a (validated) filter. */
export type PointSelector = { kind: 'ids'; keys: PointKey[] } | { kind: 'filter'; filter: unknown };

/** A point to write: vectors already validated and normalised. */
export interface PointWrite {
  key: PointKey;
  vectors: Map<string, StoredVector>;
  payload: Payload;
}

/** One validated write operation. */
export type CollectionOp =
  | { type: 'upsert'; points: PointWrite[] }
  | { type: 'delete'; selector: PointSelector }
  | { type: 'set_payload'; selector: PointSelector; payload: Payload; key?: string }
  | { type: 'overwrite_payload'; selector: PointSelector; payload: Payload }
  | { type: 'delete_payload'; selector: PointSelector; keys: string[] }
  | { type: 'clear_payload'; selector: PointSelector }
  | { type: 'update_vectors'; points: { key: PointKey; vectors: Map<string, StoredVector> }[] }
  | { type: 'delete_vectors'; selector: PointSelector; names: string[] };

/** Parses a list of ids. */
export function toKeys(raw: unknown, path: string): PointKey[] {
  return checkArray(raw, path).map((id, i) => toPointKey(id, `${path}[${i}]`));
}

/** Parses Qdrant's `PointsSelector` (`{points: [...]}` or `{filter}`), also as part of a bigger body. */
export function toSelector(body: Record<string, unknown>, path: string): PointSelector {
  const hasPoints = body.points !== undefined && body.points !== null;
  const hasFilter = body.filter !== undefined && body.filter !== null;
  if (hasPoints && hasFilter) {
    fail(path, 'give either "points" (a list of ids) or "filter", not both');
  }
  if (hasPoints)
    return { kind: 'ids', keys: toKeys(body.points, `${path === '' ? '' : path + '.'}points`) };
  if (hasFilter) {
    const fpath = `${path === '' ? '' : path + '.'}filter`;
    compileFilter(body.filter, fpath); // validates; the op keeps the raw JSON for the log
    return { kind: 'filter', filter: body.filter };
  }
  return fail(path, 'missing "points" (a list of ids) or "filter": say which points to change');
}

function prefix(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Floats of a point's plain dense vectors (the size of a batch's vector arena per point). */
function denseFloatsPerPoint(specs: readonly VectorSpec[]): number {
  return specs.reduce(
    (n, s) => (s.sparse === undefined && s.multivector === undefined ? n + s.size : n),
    0,
  );
}

/** Parses an upsert body: `{points: [...]}` or `{batch: {ids, vectors, payloads}}`. */
export function parseUpsert(raw: unknown, specs: readonly VectorSpec[], path = ''): CollectionOp {
  const body = checkObject(raw, path);
  checkKnownFields(body, ['points', 'batch', 'shard_key', 'update_filter', 'update_mode'], path);
  if (body.points !== undefined && body.batch !== undefined)
    fail(path, 'give either "points" or "batch", not both');
  if (body.points !== undefined) {
    const list = checkArray(body.points, prefix(path, 'points'));
    const arena = new VectorArena(list.length * denseFloatsPerPoint(specs));
    const points = list.map((p, i) => {
      const pp = `${prefix(path, 'points')}[${i}]`;
      const obj = checkObject(p, pp);
      checkKnownFields(obj, ['id', 'vector', 'payload'], pp);
      if (obj.vector === undefined)
        fail(`${pp}.vector`, 'missing field; every point needs its vector(s)');
      return {
        key: toPointKey(obj.id, `${pp}.id`),
        vectors: toVectorMap(obj.vector, specs, `${pp}.vector`, arena),
        payload: obj.payload == null ? {} : toPayload(obj.payload, `${pp}.payload`),
      };
    });
    return { type: 'upsert', points: dedupeLast(points) };
  }
  if (body.batch !== undefined) {
    const bp = prefix(path, 'batch');
    const batch = checkObject(body.batch, bp);
    checkKnownFields(batch, ['ids', 'vectors', 'payloads'], bp);
    const keys = toKeys(batch.ids, `${bp}.ids`);
    if (batch.vectors === undefined) fail(`${bp}.vectors`, 'missing field; give one vector per id');
    const vectors = toBatchVectors(batch.vectors, keys.length, specs, `${bp}.vectors`);
    let payloads: Payload[] = keys.map(() => ({}));
    if (batch.payloads != null) {
      const list = checkArray(batch.payloads, `${bp}.payloads`);
      if (list.length !== keys.length) {
        fail(
          `${bp}.payloads`,
          `has ${list.length} payloads but ids has ${keys.length}; give one per id`,
        );
      }
      payloads = list.map((p, i) => (p == null ? {} : toPayload(p, `${bp}.payloads[${i}]`)));
    }
    return {
      type: 'upsert',
      points: dedupeLast(
        keys.map((key, i) => ({ key, vectors: vectors[i]!, payload: payloads[i]! })),
      ),
    };
  }
  return fail(path, 'missing "points" or "batch": give the points to upsert');
}

/** Within one request the last write of an id wins, as if applied in order. */
function dedupeLast(points: PointWrite[]): PointWrite[] {
  const seen = new Map<PointKey, number>();
  points.forEach((p, i) => seen.set(p.key, i));
  return seen.size === points.length ? points : points.filter((p, i) => seen.get(p.key) === i);
}

/** Parses a delete-points body (`PointsSelector`). */
export function parseDelete(raw: unknown, path = ''): CollectionOp {
  const body = checkObject(raw, path);
  checkKnownFields(body, ['points', 'filter', 'shard_key'], path);
  return { type: 'delete', selector: toSelector(body, path) };
}

/** Parses `SetPayload` (for set and overwrite). */
export function parseSetPayload(raw: unknown, overwrite: boolean, path = ''): CollectionOp {
  const body = checkObject(raw, path);
  checkKnownFields(body, ['payload', 'points', 'filter', 'key', 'shard_key'], path);
  if (body.payload === undefined)
    fail(prefix(path, 'payload'), 'missing field; give the payload to set');
  const payload = toPayload(body.payload, prefix(path, 'payload'));
  const selector = toSelector(body, path);
  if (overwrite) return { type: 'overwrite_payload', selector, payload };
  if (body.key != null) {
    const key = checkString(body.key, prefix(path, 'key'));
    parseKeyPath(key, prefix(path, 'key'));
    return { type: 'set_payload', selector, payload, key };
  }
  return { type: 'set_payload', selector, payload };
}

/** Parses `DeletePayload`. */
export function parseDeletePayload(raw: unknown, path = ''): CollectionOp {
  const body = checkObject(raw, path);
  checkKnownFields(body, ['keys', 'points', 'filter', 'shard_key'], path);
  const keys = checkArray(body.keys, prefix(path, 'keys')).map((k, i) => {
    const key = checkString(k, `${prefix(path, 'keys')}[${i}]`);
    parseKeyPath(key, `${prefix(path, 'keys')}[${i}]`);
    return key;
  });
  return { type: 'delete_payload', selector: toSelector(body, path), keys };
}

/** Parses a clear-payload body (`PointsSelector`). */
export function parseClearPayload(raw: unknown, path = ''): CollectionOp {
  const body = checkObject(raw, path);
  checkKnownFields(body, ['points', 'filter', 'shard_key'], path);
  return { type: 'clear_payload', selector: toSelector(body, path) };
}

/** Parses `UpdateVectors`. */
export function parseUpdateVectors(
  raw: unknown,
  specs: readonly VectorSpec[],
  path = '',
): CollectionOp {
  const body = checkObject(raw, path);
  checkKnownFields(body, ['points', 'shard_key', 'update_filter'], path);
  const points = checkArray(body.points, prefix(path, 'points')).map((p, i) => {
    const pp = `${prefix(path, 'points')}[${i}]`;
    const obj = checkObject(p, pp);
    checkKnownFields(obj, ['id', 'vector'], pp);
    if (obj.vector === undefined) fail(`${pp}.vector`, 'missing field; give the vector(s) to set');
    return {
      key: toPointKey(obj.id, `${pp}.id`),
      vectors: toVectorMap(obj.vector, specs, `${pp}.vector`),
    };
  });
  return { type: 'update_vectors', points };
}

/** Parses `DeleteVectors`. */
export function parseDeleteVectors(
  raw: unknown,
  specs: readonly VectorSpec[],
  path = '',
): CollectionOp {
  const body = checkObject(raw, path);
  checkKnownFields(body, ['points', 'filter', 'vector', 'shard_key'], path);
  const names = checkArray(body.vector, prefix(path, 'vector')).map((n, i) => {
    const p = `${prefix(path, 'vector')}[${i}]`;
    return specFor(specs, checkString(n, p), p).name;
  });
  return { type: 'delete_vectors', selector: toSelector(body, path), names };
}

const BATCH_KINDS = [
  'upsert',
  'delete',
  'set_payload',
  'overwrite_payload',
  'delete_payload',
  'clear_payload',
  'update_vectors',
  'delete_vectors',
] as const;

/** Parses `UpdateOperations` (`batchUpdate`): every operation validated before any is applied. */
export function parseBatch(raw: unknown, specs: readonly VectorSpec[]): CollectionOp[] {
  const body = checkObject(raw, '') as Partial<Schemas['UpdateOperations']>;
  checkKnownFields(body, ['operations'], '');
  return checkArray(body.operations, 'operations').map((entry, i) => {
    const path = `operations[${i}]`;
    const obj = checkObject(entry, path);
    const kinds = Object.keys(obj);
    const kind = kinds[0];
    if (
      kinds.length !== 1 ||
      kind === undefined ||
      !(BATCH_KINDS as readonly string[]).includes(kind)
    ) {
      fail(
        path,
        `expected exactly one of ${BATCH_KINDS.join(', ')}, got ${describeValue(kinds.join(', '))}`,
      );
    }
    const inner = obj[kind];
    const p = `${path}.${kind}`;
    switch (kind as (typeof BATCH_KINDS)[number]) {
      case 'upsert':
        return parseUpsert(inner, specs, p);
      case 'delete':
        return parseDelete(inner, p);
      case 'set_payload':
        return parseSetPayload(inner, false, p);
      case 'overwrite_payload':
        return parseSetPayload(inner, true, p);
      case 'delete_payload':
        return parseDeletePayload(inner, p);
      case 'clear_payload':
        return parseClearPayload(inner, p);
      case 'update_vectors':
        return parseUpdateVectors(inner, specs, p);
      case 'delete_vectors':
        return parseDeleteVectors(inner, specs, p);
    }
  });
}
