/**
 * Vectors as callers send them (Qdrant's `VectorStruct`: a plain array for the unnamed vector or
 * a map of named ones) → validated Float32Arrays, normalised for Cosine.
 */
import { checkArray, describeValue, fail } from '../api/check.js';
import { QuiverError } from '../errors.js';
import { normalizeInPlace } from '../kernels/distance.js';
import type { StoredVector } from '../segment/sparse-column.js';
import { DEFAULT_VECTOR, type VectorSpec } from './config.js';
import { toSparseVector } from './sparse-input.js';

/** Human form of a vector name for messages. */
export function showVectorName(name: string): string {
  return name === DEFAULT_VECTOR ? 'the unnamed vector' : `vector "${name}"`;
}

/** Looks up a vector name, with Qdrant's "Not existing vector name" error when absent. */
export function specFor(specs: readonly VectorSpec[], name: string, path: string): VectorSpec {
  const spec = specs.find((s) => s.name === name);
  if (spec !== undefined) return spec;
  const names = specs.map((s) => (s.name === DEFAULT_VECTOR ? '"" (unnamed)' : `"${s.name}"`));
  const hint =
    names.length === 0
      ? 'the collection has no dense vectors'
      : `the collection has: ${names.join(', ')}`;
  throw new QuiverError(
    'VECTOR_NAME_NOT_FOUND',
    `Wrong input: Not existing vector name error: ${name} (at ${path}); ${hint}`,
    { path },
  );
}

/**
 * Hands out the dense vectors of one request from a single buffer, so that a batch's vectors lie
 * back to back in memory and the write-ahead log can write them without copying (see
 * `op-codec.ts`). When the buffer runs out (a guess that was too small) it allocates singly.
 */
export class VectorArena {
  private readonly buffer: Float32Array;
  private at = 0;

  /** An arena of `floats` floats (the request's dense components, if known). */
  constructor(floats: number) {
    this.buffer = new Float32Array(floats);
  }

  /** `n` zeroed floats of the arena (or fresh ones when it is full). */
  take(n: number): Float32Array {
    if (this.at + n > this.buffer.length) return new Float32Array(n);
    const out = this.buffer.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

/** Parses one dense vector for `spec` (dimension and finiteness checked, Cosine normalised). */
export function toDenseVector(
  raw: unknown,
  spec: VectorSpec,
  path: string,
  arena?: VectorArena,
): Float32Array {
  if (!Array.isArray(raw)) {
    if (raw !== null && typeof raw === 'object' && 'indices' in raw) {
      fail(path, `${showVectorName(spec.name)} is dense; give an array of ${spec.size} numbers`, {
        code: 'INVALID_VECTOR',
      });
    }
    fail(path, `expected an array of ${spec.size} numbers, got ${describeValue(raw)}`, {
      code: 'INVALID_VECTOR',
    });
  }
  if (raw.length !== spec.size) {
    throw new QuiverError(
      'DIMENSION_MISMATCH',
      `Wrong input: Vector dimension error: expected dim: ${spec.size}, got ${raw.length} (at ${path}); ` +
        `${showVectorName(spec.name)} of this collection has ${spec.size} dimensions`,
      { path },
    );
  }
  const out = arena?.take(raw.length) ?? new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const x = raw[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      const what = typeof x === 'number' ? String(x) : describeValue(x);
      fail(
        `${path}[${i}]`,
        `${what} is not a finite number; vectors must contain only finite numbers`,
        {
          code: 'INVALID_VECTOR',
        },
      );
    }
    out[i] = x;
  }
  if (spec.distance === 'Cosine') normalizeInPlace(out);
  return out;
}

/**
 * Parses a multivector for `spec` (a non-empty array of vectors of `spec.size` components each,
 * each checked and Cosine-normalised like a dense vector) into one `count * size` array.
 */
export function toMultiVector(raw: unknown, spec: VectorSpec, path: string): Float32Array {
  const rows = checkArray(raw, path, { code: 'INVALID_VECTOR' });
  if (rows.length === 0) {
    fail(path, `${showVectorName(spec.name)} is a multivector; give at least one vector`, {
      code: 'INVALID_VECTOR',
    });
  }
  if (!Array.isArray(rows[0])) {
    fail(
      path,
      `${showVectorName(spec.name)} is a multivector; give an array of vectors ` +
        `(each an array of ${spec.size} numbers), e.g. [[...], [...]]`,
      { code: 'INVALID_VECTOR' },
    );
  }
  const out = new Float32Array(rows.length * spec.size);
  rows.forEach((row, i) => out.set(toDenseVector(row, spec, `${path}[${i}]`), i * spec.size));
  return out;
}

/** Parses one vector of any kind for `spec` (dense ones from `arena` when given). */
export function toStoredVector(
  raw: unknown,
  spec: VectorSpec,
  path: string,
  arena?: VectorArena,
): StoredVector {
  if (spec.sparse !== undefined) return toSparseVector(raw, path);
  if (spec.multivector !== undefined) return toMultiVector(raw, spec, path);
  if (Array.isArray(raw) && Array.isArray(raw[0])) {
    fail(
      path,
      `${showVectorName(spec.name)} is a single dense vector, not a multivector; give one ` +
        `array of ${spec.size} numbers, or create the vector with multivector_config`,
      { code: 'INVALID_VECTOR' },
    );
  }
  return toDenseVector(raw, spec, path, arena);
}

/** Parses a `VectorStruct` into vectors by name. */
export function toVectorMap(
  raw: unknown,
  specs: readonly VectorSpec[],
  path: string,
  arena?: VectorArena,
): Map<string, StoredVector> {
  const out = new Map<string, StoredVector>();
  if (Array.isArray(raw)) {
    out.set(DEFAULT_VECTOR, toStoredVector(raw, specFor(specs, DEFAULT_VECTOR, path), path, arena));
    return out;
  }
  if (raw === null || typeof raw !== 'object') {
    fail(
      path,
      `expected a vector (array of numbers) or a map of named vectors, got ${describeValue(raw)}`,
      {
        code: 'INVALID_VECTOR',
      },
    );
  }
  for (const [name, value] of Object.entries(raw)) {
    const p = `${path}.${name === '' ? '""' : name}`;
    out.set(name, toStoredVector(value, specFor(specs, name, p), p, arena));
  }
  return out;
}

/** Parses the columns of a `Batch` upsert's `vectors` into one map per point. */
export function toBatchVectors(
  raw: unknown,
  count: number,
  specs: readonly VectorSpec[],
  path: string,
): Map<string, StoredVector>[] {
  const rows = Array.from({ length: count }, () => new Map<string, StoredVector>());
  const columns: [string, unknown][] = Array.isArray(raw)
    ? [[DEFAULT_VECTOR, raw]]
    : raw !== null && typeof raw === 'object'
      ? Object.entries(raw)
      : fail(
          path,
          `expected a list of vectors or a map of named lists, got ${describeValue(raw)}`,
          {
            code: 'INVALID_VECTOR',
          },
        );
  for (const [name, column] of columns) {
    const p = Array.isArray(raw) ? path : `${path}.${name}`;
    const spec = specFor(specs, name, p);
    const list = checkArray(column, p, { code: 'INVALID_VECTOR' });
    if (list.length !== count) {
      fail(p, `has ${list.length} vectors but batch.ids has ${count}; give one vector per id`, {
        code: 'INVALID_VECTOR',
      });
    }
    list.forEach((v, i) => rows[i]!.set(name, toStoredVector(v, spec, `${p}[${i}]`)));
  }
  return rows;
}
