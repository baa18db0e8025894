/**
 * Sparse vectors as callers send them (`{indices, values}`) → validated {@link SparseVector}s:
 * same lengths, unique non-negative u32 indices, finite values; stored sorted by index.
 */
import { checkArray, checkKnownFields, checkObject, describeValue, fail } from '../api/check.js';
import type { SparseVector } from '../segment/sparse-column.js';

const MAX_U32 = 2 ** 32 - 1;

/** Parses one sparse vector. */
export function toSparseVector(raw: unknown, path: string): SparseVector {
  const code = { code: 'INVALID_VECTOR' as const };
  if (Array.isArray(raw)) {
    fail(path, 'this vector is sparse; give {indices: [...], values: [...]}', code);
  }
  const obj = checkObject(raw, path, code);
  checkKnownFields(obj, ['indices', 'values'], path, code);
  const indices = checkArray(obj.indices, `${path}.indices`, code);
  const values = checkArray(obj.values, `${path}.values`, code);
  if (indices.length !== values.length) {
    fail(
      path,
      `indices has ${indices.length} entries but values has ${values.length}; give one value per index`,
      code,
    );
  }
  const pairs = indices.map((i, k): [number, number] => {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i > MAX_U32) {
      fail(
        `${path}.indices[${k}]`,
        `expected an integer from 0 to ${MAX_U32}, got ${describeValue(i)}`,
        code,
      );
    }
    const v = values[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(`${path}.values[${k}]`, `${describeValue(v)} is not a finite number`, code);
    }
    return [i, v];
  });
  pairs.sort((a, b) => a[0] - b[0]);
  for (let k = 1; k < pairs.length; k++) {
    if (pairs[k]![0] === pairs[k - 1]![0]) {
      fail(`${path}.indices`, `index ${pairs[k]![0]} appears twice; indices must be unique`, code);
    }
  }
  return {
    indices: Uint32Array.from(pairs, (p) => p[0]),
    values: Float32Array.from(pairs, (p) => p[1]),
  };
}
