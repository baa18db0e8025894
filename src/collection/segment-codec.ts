/**
 * Segment checkpoint files.
 *
 * Version 1, plain segments: written COMPACTED, only live points renumbered from offset 0, so
 * deleted and overwritten points take no space on disk after a checkpoint.
 *
 * Version 2, sealed segments: every offset is written, dead ones too, because the segment's
 * HNSW graphs (saved in their own index files, collection/index-file.ts) are keyed by offset and
 * route through deleted nodes, whose vectors they still read. The body adds
 * `live: Uint8Array` (1 per live offset) and `indexes: { [vector name]: index file name }`.
 *
 * File: a checked file (magic `QSEG`; see storage/checked-file.ts) whose body is
 * MessagePack:
 * ```
 * { id: number, keys: string[], versions: number[], payloads: object[],
 *   vectors: { [name]: { dim: number, data: Float32Array (count * dim), present: Uint8Array } },
 *   sparse?: { [name]: { present: Uint8Array, lengths: Uint32Array (count), indices: Uint32Array,
 *                        values: Float32Array } },
 *   multi?: { [name]: { dim: number, counts: Uint32Array (vectors per point, 0 = absent),
 *                       data: Float32Array (all vectors back to back) } } }
 * ```
 * Typed arrays are stored as raw little-endian bytes (MessagePack bin).
 */
import { Packr } from 'msgpackr';
import { QuiverError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import { createVectorStore } from '../kernels/vector-store.js';
import { PlainSegment } from '../segment/plain-segment.js';
import { VectorColumn } from '../segment/vector-column.js';
import { decodeCheckedFile, encodeCheckedFile } from '../storage/checked-file.js';
import type { VectorSpec } from './config.js';
import type { StoredVector } from '../segment/sparse-column.js';

const MAGIC = 'QSEG';
const PLAIN_VERSION = 1;
const SEALED_VERSION = 2;
const packr = new Packr({ useRecords: false, moreTypes: true });

interface SegmentBody {
  id: number;
  keys: string[];
  versions: number[];
  payloads: Payload[];
  vectors: Record<string, { dim: number; data: Uint8Array; present: Uint8Array }>;
  sparse?: Record<
    string,
    { present: Uint8Array; lengths: Uint8Array; indices: Uint8Array; values: Uint8Array }
  >;
  multi?: Record<string, { dim: number; counts: Uint8Array; data: Uint8Array }>;
  /** Version 2: 1 per live offset. */
  live?: Uint8Array;
  /** Version 2: index file of each indexed vector name. */
  indexes?: Record<string, string>;
}

/** A decoded segment; a sealed one still needs its indexes loaded and `seal()` called. */
export interface DecodedSegment {
  segment: PlainSegment;
  /** Set for a sealed segment: its index files by vector name. */
  indexFiles: Record<string, string> | undefined;
}

function bytes(view: Float32Array | Uint32Array): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** An aligned copy of MessagePack bin bytes as a typed array. */
function floats(b: Uint8Array): Float32Array {
  return new Float32Array(new Uint8Array(b).buffer);
}
function u32s(b: Uint8Array): Uint32Array {
  return new Uint32Array(new Uint8Array(b).buffer);
}

/**
 * A segment as a checked file: the live points of a plain segment (version 1), every offset of
 * a sealed one with the names of its index files (version 2).
 */
export function encodeSegment(
  segment: PlainSegment,
  indexFiles: Record<string, string> = {},
): Uint8Array {
  const live: number[] = [];
  for (let offset = 0; offset < segment.size; offset++)
    if (segment.sealed || segment.isLive(offset)) live.push(offset);
  const body: SegmentBody = {
    id: segment.id,
    keys: live.map((o) => segment.keys[o]!),
    versions: live.map((o) => segment.versions[o]!),
    payloads: live.map((o) => segment.payloads[o]!),
    vectors: {},
  };
  for (const [name, column] of segment.columns) {
    const data = new Float32Array(live.length * column.dim);
    const present = new Uint8Array(live.length);
    live.forEach((o, i) => {
      // A sealed segment keeps the vectors of deleted points: its graphs route through them.
      if (segment.sealed || column.has(o)) data.set(column.raw(o), i * column.dim);
      if (column.has(o)) present[i] = 1;
    });
    body.vectors[name] = { dim: column.dim, data: bytes(data), present };
  }
  for (const [name, column] of segment.sparse) {
    const lengths = new Uint32Array(live.length);
    const present = new Uint8Array(live.length);
    let total = 0;
    live.forEach((o, i) => {
      const v = column.get(o);
      if (v === undefined) return;
      present[i] = 1;
      total += lengths[i] = v.indices.length;
    });
    const indices = new Uint32Array(total);
    const values = new Float32Array(total);
    let at = 0;
    for (const o of live) {
      const v = column.get(o);
      if (v === undefined) continue;
      indices.set(v.indices, at);
      values.set(v.values, at);
      at += v.indices.length;
    }
    body.sparse ??= {};
    body.sparse[name] = {
      present,
      lengths: bytes(lengths),
      indices: bytes(indices),
      values: bytes(values),
    };
  }
  for (const [name, column] of segment.multi) {
    const counts = new Uint32Array(live.length);
    let total = 0;
    live.forEach((o, i) => (total += counts[i] = (column.get(o)?.length ?? 0) / column.dim));
    const data = new Float32Array(total * column.dim);
    let at = 0;
    for (const o of live) {
      const v = column.get(o);
      if (v === undefined) continue;
      data.set(v, at);
      at += v.length;
    }
    body.multi ??= {};
    body.multi[name] = { dim: column.dim, counts: bytes(counts), data: bytes(data) };
  }
  if (segment.sealed) {
    body.live = Uint8Array.from(live, (o) => (segment.isLive(o) ? 1 : 0));
    body.indexes = indexFiles;
  }
  return encodeCheckedFile({
    magic: MAGIC,
    version: segment.sealed ? SEALED_VERSION : PLAIN_VERSION,
    body: packr.pack(body),
  });
}

/** Dead offsets of a sealed segment as a bitset (bit `o` of byte `o >> 3` set = deleted). */
export function deadBits(segment: PlainSegment): Uint8Array {
  const bits = new Uint8Array((segment.size + 7) >> 3);
  for (let o = 0; o < segment.size; o++) if (!segment.isLive(o)) bits[o >> 3]! |= 1 << (o & 7);
  return bits;
}

/** Offsets a {@link deadBits} bitset marks. */
export function* deadOffsets(bits: Uint8Array, size: number): Generator<number> {
  for (let o = 0; o < size; o++) if ((bits[o >> 3]! >> (o & 7)) & 1) yield o;
}

/**
 * A sealed segment file with the deletions of `dead` (a {@link deadBits} bitset) written into
 * its live map: a self-contained copy for snapshots, which do not carry manifests.
 */
export function withDeletions(bytes: Uint8Array, dead: Uint8Array, path: string): Uint8Array {
  const file = decodeCheckedFile({ bytes, magic: MAGIC, path });
  if (file.version !== SEALED_VERSION) return bytes;
  const body = packr.unpack(file.body) as SegmentBody;
  const live = Uint8Array.from(body.live ?? []);
  for (const o of deadOffsets(dead, live.length)) live[o] = 0;
  body.live = live;
  return encodeCheckedFile({ magic: MAGIC, version: SEALED_VERSION, body: packr.pack(body) });
}

/**
 * Reads a segment file back.
 * @throws QuiverError `CORRUPT_DATA` naming `path` when the file is damaged or does not match
 * the collection's vectors.
 */
export function decodeSegment(
  bytes: Uint8Array,
  specs: readonly VectorSpec[],
  path: string,
): DecodedSegment {
  const file = decodeCheckedFile({ bytes, magic: MAGIC, path });
  if (file.version !== PLAIN_VERSION && file.version !== SEALED_VERSION) {
    throw new QuiverError(
      'CORRUPT_DATA',
      `${path}: segment format version ${file.version} is not supported`,
    );
  }
  const body = packr.unpack(file.body) as SegmentBody;
  const segment = new PlainSegment(body.id, specs);
  const count = body.keys.length;
  const dense = new Map<string, { dim: number; data: Float32Array; present: Uint8Array }>();
  const sparse = new Map<
    string,
    {
      present: Uint8Array;
      lengths: Uint32Array;
      indices: Uint32Array;
      values: Float32Array;
      starts: number[];
    }
  >();
  const multi = new Map<
    string,
    { dim: number; counts: Uint32Array; data: Float32Array; starts: number[] }
  >();
  for (const spec of specs) {
    if (spec.multivector !== undefined) {
      const col = body.multi?.[spec.name];
      if (col === undefined || col.dim !== spec.size) {
        throw new QuiverError(
          'CORRUPT_DATA',
          `${path}: multivector "${spec.name}" is missing or has the wrong dimension`,
        );
      }
      const counts = u32s(col.counts);
      const starts: number[] = [];
      let at = 0;
      for (const n of counts) {
        starts.push(at);
        at += n * col.dim;
      }
      multi.set(spec.name, { dim: col.dim, counts, data: floats(col.data), starts });
      continue;
    }
    if (spec.sparse !== undefined) {
      const col = body.sparse?.[spec.name];
      if (col === undefined) continue; // added to the config after this segment was written
      const lengths = u32s(col.lengths);
      const starts: number[] = [];
      let at = 0;
      for (const n of lengths) {
        starts.push(at);
        at += n;
      }
      sparse.set(spec.name, {
        present: col.present,
        lengths,
        indices: u32s(col.indices),
        values: floats(col.values),
        starts,
      });
      continue;
    }
    const col = body.vectors[spec.name];
    if (col === undefined || col.dim !== spec.size) {
      throw new QuiverError(
        'CORRUPT_DATA',
        `${path}: vector "${spec.name}" is missing or has the wrong dimension`,
      );
    }
    dense.set(spec.name, { dim: col.dim, data: floats(col.data), present: col.present });
  }
  const sealed = file.version === SEALED_VERSION;
  if (sealed && (body.live === undefined || body.live.length !== count)) {
    throw new QuiverError('CORRUPT_DATA', `${path}: sealed segment without a valid live map`);
  }
  for (let i = 0; i < count; i++) {
    const vectors = new Map<string, StoredVector>();
    for (const [name, col] of sealed ? [] : dense) {
      if (col.present[i] === 1)
        vectors.set(name, col.data.subarray(i * col.dim, (i + 1) * col.dim));
    }
    for (const [name, col] of sparse) {
      if (col.present[i] !== 1) continue;
      const n = col.lengths[i]!;
      const from = col.starts[i]!;
      vectors.set(name, {
        indices: col.indices.slice(from, from + n),
        values: col.values.slice(from, from + n),
      });
    }
    for (const [name, col] of multi) {
      const n = col.counts[i]!;
      if (n === 0) continue;
      const from = col.starts[i]!;
      vectors.set(name, col.data.slice(from, from + n * col.dim));
    }
    segment.append({
      key: body.keys[i]!,
      version: body.versions[i]!,
      payload: body.payloads[i]!,
      vectors,
    });
  }
  if (!sealed) return { segment, indexFiles: undefined };
  for (let i = 0; i < count; i++) if (body.live![i] !== 1) segment.remove(i);
  // Dense vectors of a sealed segment go into vector stores its graphs read in place.
  for (const [name, col] of dense) {
    const store = createVectorStore({ dim: col.dim, initialCapacity: Math.max(1, count) });
    for (let i = 0; i < count; i++) store.append(col.data.subarray(i * col.dim, (i + 1) * col.dim));
    segment.columns.set(name, VectorColumn.over(store, Uint8Array.from(col.present)));
  }
  return { segment, indexFiles: body.indexes ?? {} };
}
