/**
 * `with_vector` over every kind of vector a collection has (dense, sparse, multivector): which
 * names to return and their output shapes (`number[]`, `{indices, values}`, `number[][]`).
 */
import type { Schemas } from '../../api/wire.js';
import { checkArray, checkString } from '../../api/check.js';
import type { Collection, Location } from '../collection.js';
import { DEFAULT_VECTOR } from '../config.js';
import { type VectorSelector, multiRows } from '../output.js';
import { type QueryVector, allVectorNames, spaceFor } from './space.js';

/** Parses `with_vector` against every vector name of the collection. */
export function toVectorSelectorAll(
  collection: Collection,
  raw: unknown,
  fallback: boolean,
  path: string,
): VectorSelector {
  if (raw === undefined || raw === null) raw = fallback;
  if (raw === true) return allVectorNames(collection);
  if (raw === false) return [];
  return checkArray(raw, path).map((n, i) => {
    const p = `${path}[${i}]`;
    return spaceFor(collection, checkString(n, p), p).name;
  });
}

/** A stored vector in Qdrant's output shape. */
export function vectorOutput(v: QueryVector): number[] | number[][] | Schemas['SparseVector'] {
  switch (v.kind) {
    case 'dense':
      return Array.from(v.data);
    case 'sparse':
      return { indices: Array.from(v.indices), values: Array.from(v.values) };
    case 'multi':
      return multiRows(v.data, v.dim);
  }
}

/** The `vector` field of a returned point: a bare vector when the collection has only the unnamed one. */
export function selectAllVectors(
  collection: Collection,
  loc: Location,
  names: VectorSelector,
): Schemas['VectorStructOutput'] | null {
  if (names.length === 0) return null;
  const all = allVectorNames(collection);
  if (all.length === 1 && all[0] === DEFAULT_VECTOR) {
    const v = spaceFor(collection, DEFAULT_VECTOR, 'with_vector').get(loc);
    return v === undefined ? null : (vectorOutput(v) as Schemas['VectorStructOutput']);
  }
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const v = spaceFor(collection, name, 'with_vector').get(loc);
    if (v !== undefined) out[name] = vectorOutput(v);
  }
  return out as Schemas['VectorStructOutput'];
}
