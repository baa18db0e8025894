/**
 * A segment: points stored by dense internal offsets (u32).
 *
 * The appendable segment of a collection takes every write (new points are appended, existing
 * ones updated in place) and is searched exactly. Older segments are closed: a point rewritten
 * after its segment was closed is tombstoned there and appended to the appendable segment
 * (copy-on-write), so a reader walking a closed segment never sees it change under it. The
 * optimizer builds SEALED segments (see {@link PlainSegment.seal}): closed ones that carry an
 * HNSW index per dense vector name, over the same offsets. A delete in a sealed segment only
 * marks the node deleted: it keeps routing graph searches but is never returned.
 *
 * Invariant: a key is live in at most one segment of a collection (the collection's location map
 * enforces it).
 */
import type { VectorSpec } from '../collection/config.js';
import { PayloadIndexSet } from '../payload/index/index-set.js';
import type { HnswIndex } from '../index/hnsw.js';
import type { QuantizedVectors } from '../quantization/quantized-vectors.js';
import type { FilterEstimator } from './filter-estimator.js';
import type { Payload } from '../payload/payload.js';
import type { PointKey } from './point-id.js';
import { MultiColumn } from './multi-column.js';
import { SparseColumn, type StoredVector, isSparse } from './sparse-column.js';
import { VectorColumn } from './vector-column.js';

/** A point as the engine stores it. */
export interface StoredPoint {
  /** Canonical id. */
  key: PointKey;
  /** Op number of the last write to this point (Qdrant's `version`). */
  version: number;
  /** The payload (owned by the segment: copy before handing out). */
  payload: Payload;
  /** Vectors by name (unnamed: `""`): dense, multivector (flat) or sparse. */
  vectors: Map<string, StoredVector>;
}

const NO_INDEXES: ReadonlyMap<string, HnswIndex> = new Map();

/** Bytes of the dense (single-vector) vectors of one point. */
export function denseBytesPerPoint(specs: readonly VectorSpec[]): number {
  let bytes = 0;
  for (const spec of specs) if (spec.sparse === undefined) bytes += spec.size * 4;
  return bytes;
}

/** A segment (see the module comment). */
export class PlainSegment {
  /** Segment id, unique within its collection. */
  readonly id: number;
  /** Offset → key ('' for never-used slots). */
  readonly keys: PointKey[] = [];
  /** Offset → op number of the last write. */
  readonly versions: number[] = [];
  /** Offset → payload. */
  readonly payloads: Payload[] = [];
  /** Vector columns by vector name. */
  readonly columns = new Map<string, VectorColumn>();
  /** Sparse vector columns by vector name. */
  readonly sparse = new Map<string, SparseColumn>();
  /** Multivector columns by vector name. */
  readonly multi = new Map<string, MultiColumn>();
  /** Payload indexes of this segment, kept in step with every payload write below. */
  readonly payloadIndex: PayloadIndexSet = new PayloadIndexSet(this);
  /**
   * Filter cardinality estimator backed by payload indexes, when the segment has one; the
   * planner samples otherwise (see filter-estimator.ts).
   */
  estimator: FilterEstimator | undefined;
  /**
   * Quantized codes by dense vector name (sealed segments whose vector has a
   * `quantization_config`): graph searches walk with them and rescore with the column.
   */
  readonly quantized = new Map<string, QuantizedVectors>();
  private liveFlags = new Uint8Array(16);
  private live = 0;
  private changes = 0;
  private sealedIndexes: ReadonlyMap<string, HnswIndex> | undefined;
  private readonly bytesPerPoint: number;

  constructor(id: number, specs: readonly VectorSpec[]) {
    this.id = id;
    this.bytesPerPoint = denseBytesPerPoint(specs);
    for (const spec of specs) {
      if (spec.sparse !== undefined) this.sparse.set(spec.name, new SparseColumn());
      else if (spec.multivector !== undefined)
        this.multi.set(spec.name, new MultiColumn(spec.size));
      else this.columns.set(spec.name, new VectorColumn(spec.size));
    }
  }

  /** Offsets ever used (live and tombstoned). */
  get size(): number {
    return this.keys.length;
  }

  /** Live points. */
  get liveCount(): number {
    return this.live;
  }

  /** `true` once {@link seal} was called: no more appends or in-place updates. */
  get sealed(): boolean {
    return this.sealedIndexes !== undefined;
  }

  /** HNSW indexes by dense vector name (empty unless sealed with indexes). */
  get indexes(): ReadonlyMap<string, HnswIndex> {
    return this.sealedIndexes ?? NO_INDEXES;
  }

  /**
   * Closes the segment for good and attaches its indexes (their nodes are this segment's
   * offsets). Tombstoned offsets are marked deleted in them.
   */
  seal(indexes: ReadonlyMap<string, HnswIndex>): void {
    this.sealedIndexes = indexes;
    for (const index of indexes.values()) {
      for (let offset = 0; offset < this.size; offset++) {
        if (!this.isLive(offset)) index.markDeleted(offset);
      }
    }
  }

  /** Bytes of dense vectors this segment holds per offset (Qdrant sizes segments by them). */
  get vectorBytesPerPoint(): number {
    return this.bytesPerPoint;
  }

  /** Count of mutations so far: a checkpoint rewrites the segment only when it changed. */
  get mutations(): number {
    return this.changes;
  }

  /** `true` when the point at `offset` is live (not tombstoned). */
  isLive(offset: number): boolean {
    return this.liveFlags[offset] === 1;
  }

  /** `true` when the point at `offset` has the vector `name`, of whatever kind. */
  hasVector(name: string, offset: number): boolean {
    return (
      (this.columns.get(name)?.has(offset) ??
        this.sparse.get(name)?.has(offset) ??
        this.multi.get(name)?.has(offset)) === true
    );
  }

  /** Appends a point; returns its offset. */
  append(point: StoredPoint): number {
    if (this.sealed) throw new RangeError(`segment ${this.id} is sealed`);
    const offset = this.keys.length;
    this.changes++;
    if (offset >= this.liveFlags.length) {
      const flags = new Uint8Array(this.liveFlags.length * 2);
      flags.set(this.liveFlags);
      this.liveFlags = flags;
    }
    this.keys.push(point.key);
    this.versions.push(point.version);
    this.payloads.push(point.payload);
    for (const [name, vector] of point.vectors) this.storeVector(offset, name, vector);
    this.liveFlags[offset] = 1;
    this.live++;
    if (!this.payloadIndex.isEmpty) this.payloadIndex.update(offset, point.payload);
    return offset;
  }

  /** Tombstones the point at `offset`. */
  remove(offset: number): void {
    if (this.liveFlags[offset] !== 1) return;
    this.changes++;
    this.liveFlags[offset] = 0;
    this.live--;
    for (const index of this.indexes.values()) index.markDeleted(offset);
    this.payloads[offset] = {};
    if (!this.payloadIndex.isEmpty) this.payloadIndex.remove(offset);
    for (const column of this.columns.values()) column.clear(offset);
    for (const column of this.sparse.values()) column.clear(offset);
    for (const column of this.multi.values()) column.clear(offset);
  }

  /** Replaces the payload of a live point. */
  setPayload(offset: number, payload: Payload, version: number): void {
    if (this.sealed) throw new RangeError(`segment ${this.id} is sealed`);
    this.changes++;
    this.payloads[offset] = payload;
    this.versions[offset] = version;
    if (!this.payloadIndex.isEmpty) this.payloadIndex.update(offset, payload);
  }

  /** Sets or (with `undefined`) removes one named vector of a live point. */
  setVector(offset: number, name: string, vector: StoredVector | undefined, version: number): void {
    if (this.sealed) throw new RangeError(`segment ${this.id} is sealed`);
    this.changes++;
    if (vector === undefined) {
      this.columns.get(name)?.clear(offset);
      this.sparse.get(name)?.clear(offset);
      this.multi.get(name)?.clear(offset);
    } else this.storeVector(offset, name, vector);
    this.versions[offset] = version;
  }

  private storeVector(offset: number, name: string, vector: StoredVector): void {
    if (isSparse(vector)) this.sparse.get(name)?.set(offset, vector);
    else if (this.multi.has(name)) this.multi.get(name)!.set(offset, vector);
    else this.columns.get(name)?.set(offset, vector);
  }

  /** A copy of the point at `offset` (payload deep-copied, vectors copied). */
  read(offset: number): StoredPoint {
    const vectors = new Map<string, StoredVector>();
    for (const [name, column] of this.columns) {
      const v = column.get(offset);
      if (v !== undefined) vectors.set(name, v);
    }
    for (const [name, column] of this.sparse) {
      const v = column.get(offset);
      if (v !== undefined) vectors.set(name, v);
    }
    for (const [name, column] of this.multi) {
      const v = column.get(offset);
      if (v !== undefined) vectors.set(name, v.slice());
    }
    return {
      key: this.keys[offset]!,
      version: this.versions[offset]!,
      payload: structuredClone(this.payloads[offset]!),
      vectors,
    };
  }
}
