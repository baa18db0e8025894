/**
 * A vector space: one vector name of a collection seen by the query engine. It hides how the
 * vectors are stored (dense columns, sparse inverted lists, multivectors) behind four questions:
 * what does a point store, how does a query score a point, how similar are two vectors, and how
 * is a caller's vector parsed. Scores are INTERNAL: higher is always better (Euclid and Manhattan
 * are negated distances), as in `kernels/distance.ts`.
 */
import { QuiverError } from '../../errors.js';
import { type ScoreFn, scoreFunction } from '../../kernels/distance.js';
import type { Collection, Location } from '../collection.js';
import { DEFAULT_VECTOR, type Distance, type VectorSpec } from '../config.js';
import { toSparseVector } from '../sparse-input.js';
import { toDenseVector, toMultiVector } from '../vectors-input.js';

/** A parsed query vector. */
export type QueryVector =
  | { kind: 'dense'; data: Float32Array }
  | { kind: 'sparse'; indices: Uint32Array; values: Float32Array }
  | { kind: 'multi'; data: Float32Array; dim: number };

/** One vector name of a collection, as the query engine uses it (see the module comment). */
export interface VectorSpace {
  /** The vector name (`""` = unnamed). */
  readonly name: string;
  /** How vectors of this name are stored. */
  readonly kind: QueryVector['kind'];
  /** Distance of the name (sparse vectors: `Dot`). */
  readonly distance: Distance;
  /** The stored vector of a point, or `undefined` when the point lacks it. */
  get(loc: Location): QueryVector | undefined;
  /** Internal score of a point for a query vector; `undefined` when the point lacks the vector. */
  score(query: QueryVector, loc: Location): number | undefined;
  /** Internal similarity of two vectors of this space. */
  similarity(a: QueryVector, b: QueryVector): number;
  /** Parses a caller's vector for this space (validated, Cosine-normalised). */
  parse(raw: unknown, path: string): QueryVector;
}

class DenseSpace implements VectorSpace {
  readonly kind = 'dense';
  readonly name: string;
  readonly distance: Distance;
  private readonly fn: ScoreFn;

  constructor(private readonly spec: VectorSpec) {
    this.name = spec.name;
    this.distance = spec.distance;
    this.fn = scoreFunction(spec.distance);
  }

  get(loc: Location): QueryVector | undefined {
    const data = loc.segment.columns.get(this.name)?.get(loc.offset);
    return data === undefined ? undefined : { kind: 'dense', data };
  }

  score(query: QueryVector, loc: Location): number | undefined {
    const column = loc.segment.columns.get(this.name);
    if (column === undefined || !column.has(loc.offset) || query.kind !== 'dense') return undefined;
    const dim = this.spec.size;
    if (column.isOnDisk) return this.fn(query.data, column.raw(loc.offset), 0, dim);
    return this.fn(query.data, column.data, column.base + loc.offset * dim, dim);
  }

  similarity(a: QueryVector, b: QueryVector): number {
    if (a.kind !== 'dense' || b.kind !== 'dense') return -Infinity;
    return this.fn(a.data, b.data, 0, this.spec.size);
  }

  parse(raw: unknown, path: string): QueryVector {
    return { kind: 'dense', data: toDenseVector(raw, this.spec, path) };
  }
}

/**
 * A multivector name (`multivector_config: {comparator: "max_sim"}`): a point holds several
 * vectors, and a multivector query scores it by MaxSim, the late-interaction score of ColBERT:
 * for each query vector the best internal score against any of the point's vectors, summed.
 * A single dense vector as the query is a multivector of one. Exact scoring only: multivectors
 * are not in the HNSW graphs.
 */
class MultiSpace implements VectorSpace {
  readonly kind = 'multi';
  readonly name: string;
  readonly distance: Distance;
  private readonly fn: ScoreFn;

  constructor(private readonly spec: VectorSpec) {
    this.name = spec.name;
    this.distance = spec.distance;
    this.fn = scoreFunction(spec.distance);
  }

  get(loc: Location): QueryVector | undefined {
    const data = loc.segment.multi.get(this.name)?.get(loc.offset);
    return data === undefined
      ? undefined
      : { kind: 'multi', data: data.slice(), dim: this.spec.size };
  }

  private maxSim(query: Float32Array, doc: Float32Array): number {
    const dim = this.spec.size;
    let sum = 0;
    for (let q = 0; q < query.length; q += dim) {
      const one = query.subarray(q, q + dim);
      let best = -Infinity;
      for (let d = 0; d < doc.length; d += dim) best = Math.max(best, this.fn(one, doc, d, dim));
      sum += best;
    }
    return sum;
  }

  score(query: QueryVector, loc: Location): number | undefined {
    const doc = loc.segment.multi.get(this.name)?.get(loc.offset);
    if (doc === undefined || query.kind === 'sparse') return undefined;
    return this.maxSim(query.data, doc);
  }

  similarity(a: QueryVector, b: QueryVector): number {
    if (a.kind === 'sparse' || b.kind === 'sparse') return -Infinity;
    return this.maxSim(a.data, b.data);
  }

  parse(raw: unknown, path: string): QueryVector {
    const data =
      Array.isArray(raw) && !Array.isArray(raw[0])
        ? toDenseVector(raw, this.spec, path)
        : toMultiVector(raw, this.spec, path);
    return { kind: 'multi', data, dim: this.spec.size };
  }
}

/**
 * A sparse vector name: exact dot product over shared indices (points sharing none are not
 * candidates, as with Qdrant's inverted index). With the `idf` modifier each query weight is
 * multiplied by `idf(i) = ln((N - n_i + 0.5) / (n_i + 0.5) + 1)`, where N counts the points that
 * have this sparse vector and n_i those whose vector has index i (Qdrant's formula).
 */
class SparseSpace implements VectorSpace {
  readonly kind = 'sparse';
  readonly distance = 'Dot' as const;
  readonly name: string;
  private readonly idf: boolean;
  private total: number | undefined;
  private readonly idfCache = new Map<number, number>();

  constructor(
    spec: VectorSpec,
    private readonly collection: Collection,
  ) {
    this.name = spec.name;
    this.idf = spec.sparse?.modifier === 'idf';
  }

  private weight(i: number): number {
    if (!this.idf) return 1;
    let w = this.idfCache.get(i);
    if (w === undefined) {
      let n = 0;
      let total = this.total ?? 0;
      const countTotal = this.total === undefined;
      for (const segment of this.collection.segments) {
        const column = segment.sparse.get(this.name);
        if (column === undefined) continue;
        n += column.frequency(i);
        if (countTotal) total += column.count;
      }
      this.total = total;
      w = Math.log((total - n + 0.5) / (n + 0.5) + 1);
      this.idfCache.set(i, w);
    }
    return w;
  }

  get(loc: Location): QueryVector | undefined {
    const v = loc.segment.sparse.get(this.name)?.get(loc.offset);
    return v === undefined
      ? undefined
      : { kind: 'sparse', indices: v.indices.slice(), values: v.values.slice() };
  }

  private dot(q: QueryVector, indices: Uint32Array, values: Float32Array): number | undefined {
    if (q.kind !== 'sparse') return undefined;
    let a = 0;
    let b = 0;
    let sum = 0;
    let shared = false;
    while (a < q.indices.length && b < indices.length) {
      const ia = q.indices[a]!;
      const ib = indices[b]!;
      if (ia === ib) {
        sum += this.weight(ia) * q.values[a]! * values[b]!;
        shared = true;
        a++;
        b++;
      } else if (ia < ib) a++;
      else b++;
    }
    return shared ? sum : undefined;
  }

  score(query: QueryVector, loc: Location): number | undefined {
    const v = loc.segment.sparse.get(this.name)?.get(loc.offset);
    return v === undefined ? undefined : this.dot(query, v.indices, v.values);
  }

  similarity(a: QueryVector, b: QueryVector): number {
    if (b.kind !== 'sparse') return -Infinity;
    return this.dot(a, b.indices, b.values) ?? 0;
  }

  parse(raw: unknown, path: string): QueryVector {
    return { kind: 'sparse', ...toSparseVector(raw, path) };
  }
}

/** The space of vector name `name` in `collection`; Qdrant's "Not existing vector name" when absent. */
export function spaceFor(collection: Collection, name: string, path: string): VectorSpace {
  const spec = collection.specs.find((s) => s.name === name);
  if (spec?.sparse !== undefined) return new SparseSpace(spec, collection);
  if (spec?.multivector !== undefined) return new MultiSpace(spec);
  if (spec !== undefined) return new DenseSpace(spec);
  const names = collection.specs.map((s) =>
    s.name === DEFAULT_VECTOR ? '"" (unnamed)' : `"${s.name}"`,
  );
  throw new QuiverError(
    'VECTOR_NAME_NOT_FOUND',
    `Wrong input: Not existing vector name error: ${name} (at ${path}); ` +
      (names.length === 0
        ? 'the collection has no vectors'
        : `the collection has: ${names.join(', ')}`),
    { path },
  );
}

/** Every vector name of the collection (dense first, as `specs` orders them). */
export function allVectorNames(collection: Collection): string[] {
  return collection.specs.map((s) => s.name);
}
