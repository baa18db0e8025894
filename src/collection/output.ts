/**
 * Points as Qdrant returns them: `with_payload` (true / false / list of keys / include / exclude)
 * and `with_vector` (true / false / list of names) selectors, and `Record` / `ScoredPoint` shapes.
 */
import type { Schemas } from '../api/wire.js';
import { checkArray, checkObject, checkString, describeValue, fail } from '../api/check.js';
import { parseKeyPath } from '../payload/key-path.js';
import { deleteAtKey } from '../payload/payload-edit.js';
import type { Payload } from '../payload/payload.js';
import { fromPointKey } from '../segment/point-id.js';
import type { PlainSegment } from '../segment/plain-segment.js';
import { DEFAULT_VECTOR, type VectorSpec } from './config.js';
import { specFor } from './vectors-input.js';

/** A parsed `with_payload`. */
export type PayloadSelector =
  | { kind: 'none' }
  | { kind: 'all' }
  | { kind: 'include'; keys: string[] }
  | { kind: 'exclude'; keys: string[] };

/** A parsed `with_vector`: which vector names to return (empty: none). */
export type VectorSelector = readonly string[];

/** Parses `with_payload`; `fallback` is used when it is absent. */
export function toPayloadSelector(
  raw: unknown,
  fallback: boolean,
  path = 'with_payload',
): PayloadSelector {
  if (raw === undefined || raw === null) return { kind: fallback ? 'all' : 'none' };
  if (raw === true) return { kind: 'all' };
  if (raw === false) return { kind: 'none' };
  const keys = (list: unknown, p: string): string[] =>
    checkArray(list, p).map((k, i) => {
      const key = checkString(k, `${p}[${i}]`);
      parseKeyPath(key, `${p}[${i}]`);
      return key;
    });
  if (Array.isArray(raw)) return { kind: 'include', keys: keys(raw, path) };
  const obj = checkObject(raw, path);
  if (obj.include !== undefined)
    return { kind: 'include', keys: keys(obj.include, `${path}.include`) };
  if (obj.exclude !== undefined)
    return { kind: 'exclude', keys: keys(obj.exclude, `${path}.exclude`) };
  return fail(
    path,
    `expected true, false, a list of keys, {include: [...]} or {exclude: [...]}, got ${describeValue(raw)}`,
  );
}

/** Parses `with_vector`; `fallback` is used when it is absent. */
export function toVectorSelector(
  raw: unknown,
  specs: readonly VectorSpec[],
  fallback: boolean,
  path = 'with_vector',
): VectorSelector {
  if (raw === undefined || raw === null) raw = fallback;
  if (raw === true) return specs.map((s) => s.name);
  if (raw === false) return [];
  return checkArray(raw, path).map(
    (n, i) => specFor(specs, checkString(n, `${path}[${i}]`), `${path}[${i}]`).name,
  );
}

/** The payload to return for a stored one (always a copy). */
export function selectPayload(payload: Payload, selector: PayloadSelector): Payload | null {
  switch (selector.kind) {
    case 'none':
      return null;
    case 'all':
      return structuredClone(payload);
    case 'exclude': {
      const copy = structuredClone(payload);
      for (const key of selector.keys) deleteAtKey(copy, key);
      return copy;
    }
    case 'include': {
      const out: Payload = {};
      for (const key of selector.keys) copyPath(payload, out, key);
      return out;
    }
  }
}

/** Copies the value at a dotted key path from `src` into `dst`, creating parent objects. */
function copyPath(src: Payload, dst: Payload, key: string): void {
  const parts = parseKeyPath(key);
  let from: unknown = src;
  let to: Record<string, unknown> = dst;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.kind !== 'key' || from === null || typeof from !== 'object' || Array.isArray(from))
      return;
    const value = (from as Record<string, unknown>)[part.name];
    if (value === undefined) return;
    if (i === parts.length - 1 || parts[i + 1]!.kind !== 'key') {
      to[part.name] = structuredClone(value);
      return;
    }
    if (to[part.name] === null || typeof to[part.name] !== 'object') to[part.name] = {};
    to = to[part.name] as Record<string, unknown>;
    from = value;
  }
}

/** A stored multivector as Qdrant returns it: one array per vector. */
export function multiRows(data: Float32Array, dim: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < data.length; i += dim) rows.push(Array.from(data.subarray(i, i + dim)));
  return rows;
}

/** The `vector` field of a returned point: a plain array for the unnamed-only case, else a map. */
export function selectVectors(
  segment: PlainSegment,
  offset: number,
  names: VectorSelector,
  specs: readonly VectorSpec[],
): Schemas['VectorStructOutput'] | null {
  if (names.length === 0) return null;
  const unnamedOnly = specs.length === 1 && specs[0]!.name === DEFAULT_VECTOR;
  if (unnamedOnly) {
    const v = segment.columns.get(DEFAULT_VECTOR)?.get(offset);
    if (v !== undefined) return Array.from(v);
    const m = segment.multi.get(DEFAULT_VECTOR);
    return m?.has(offset) ? multiRows(m.get(offset)!, m.dim) : null;
  }
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const v = segment.columns.get(name)?.get(offset);
    if (v !== undefined) out[name] = Array.from(v);
    const m = segment.multi.get(name);
    if (m?.has(offset)) out[name] = multiRows(m.get(offset)!, m.dim);
    const sparse = segment.sparse.get(name)?.get(offset);
    if (sparse !== undefined) {
      out[name] = { indices: Array.from(sparse.indices), values: Array.from(sparse.values) };
    }
  }
  return out as Schemas['VectorStructOutput'];
}

/** Options for {@link toRecord}. */
export interface RecordOptions {
  payload: PayloadSelector;
  vectors: VectorSelector;
  specs: readonly VectorSpec[];
}

/** A stored point as Qdrant's `Record`. */
export function toRecord(
  segment: PlainSegment,
  offset: number,
  options: RecordOptions,
): Schemas['Record'] {
  return {
    id: fromPointKey(segment.keys[offset]!) as Schemas['ExtendedPointId'],
    payload: selectPayload(segment.payloads[offset]!, options.payload),
    vector: selectVectors(segment, offset, options.vectors, options.specs),
  };
}

/** A search hit as Qdrant's `ScoredPoint`. */
export function toScoredPoint(
  segment: PlainSegment,
  offset: number,
  score: number,
  options: RecordOptions,
): Schemas['ScoredPoint'] {
  return {
    id: fromPointKey(segment.keys[offset]!) as Schemas['ExtendedPointId'],
    version: segment.versions[offset]!,
    score,
    payload: selectPayload(segment.payloads[offset]!, options.payload),
    vector: selectVectors(segment, offset, options.vectors, options.specs),
  };
}
