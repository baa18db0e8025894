/**
 * Binary encoding of {@link CollectionOp} lists, for the write-ahead log. MessagePack (msgpackr)
 * with the vectors of an operation packed as raw float32 bytes in one blob: compact, fast (one
 * copy), and exact (no float → text → float round trip). The WAL frames, checksums and numbers the records; this is only their body.
 *
 * Body layout: `{ v: 1, first: number, ops: EncodedOp[] }`: `first` is the op number of the
 * first operation (the others follow consecutively; replay skips records whose operations are
 * already in the state, which makes it idempotent), and an op is the `CollectionOp` with its
 * points' vectors packed (see {@link PackedVectors}).
 */
import { Packr } from 'msgpackr';
import { QuiverError } from '../errors.js';
import type { CollectionOp } from './operations.js';
import type { Payload } from '../payload/payload.js';
import { type StoredVector, isSparse } from '../segment/sparse-column.js';

const VERSION = 1;
const packr = new Packr({ useRecords: false });

/**
 * Vectors of an op's points, packed: every dense vector's float32 bytes back to back in one blob
 * (one copy, written as one MessagePack bin), and per point the names of its dense vectors in
 * blob order. Sparse vectors are kept per point as raw bytes of their indices and values.
 */
interface PackedVectors {
  names: string[][];
  dims: number[][];
  blob: Uint8Array;
  sparse?: Record<string, { i: Uint8Array; v: Uint8Array }>[];
}

function bytesOf(view: Uint32Array | Float32Array): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function packVectors(points: readonly { vectors: Map<string, StoredVector> }[]): PackedVectors {
  let floats = 0;
  let anySparse = false;
  for (const p of points) {
    for (const v of p.vectors.values()) {
      if (isSparse(v)) anySparse = true;
      else floats += v.length;
    }
  }
  const all = new Float32Array(floats);
  const names: string[][] = [];
  const dims: number[][] = [];
  const sparse: Record<string, { i: Uint8Array; v: Uint8Array }>[] = [];
  let at = 0;
  for (const p of points) {
    const n: string[] = [];
    const d: number[] = [];
    const s: Record<string, { i: Uint8Array; v: Uint8Array }> = {};
    for (const [name, v] of p.vectors) {
      if (isSparse(v)) {
        s[name] = { i: bytesOf(v.indices), v: bytesOf(v.values) };
        continue;
      }
      all.set(v, at);
      at += v.length;
      n.push(name);
      d.push(v.length);
    }
    names.push(n);
    dims.push(d);
    sparse.push(s);
  }
  const packed: PackedVectors = { names, dims, blob: new Uint8Array(all.buffer) };
  if (anySparse) packed.sparse = sparse;
  return packed;
}

function unpackVectors(packed: PackedVectors): Map<string, StoredVector>[] {
  // Copy once into an aligned buffer; each vector is then a view into it.
  const all = new Float32Array(packed.blob.byteLength / 4);
  new Uint8Array(all.buffer).set(packed.blob);
  let at = 0;
  return packed.names.map((names, i) => {
    const map = new Map<string, StoredVector>();
    names.forEach((name, j) => {
      const dim = packed.dims[i]![j]!;
      map.set(name, all.subarray(at, at + dim));
      at += dim;
    });
    for (const [name, sv] of Object.entries(packed.sparse?.[i] ?? {})) {
      map.set(name, {
        indices: new Uint32Array(new Uint8Array(sv.i).buffer),
        values: new Float32Array(new Uint8Array(sv.v).buffer),
      });
    }
    return map;
  });
}

function encodeOp(op: CollectionOp): unknown {
  switch (op.type) {
    case 'upsert':
      return {
        type: op.type,
        keys: op.points.map((p) => p.key),
        payloads: op.points.map((p) => p.payload),
        vectors: packVectors(op.points),
      };
    case 'update_vectors':
      return { type: op.type, keys: op.points.map((p) => p.key), vectors: packVectors(op.points) };
    default:
      return op;
  }
}

function decodeOp(raw: Record<string, unknown>): CollectionOp {
  switch (raw.type) {
    case 'upsert': {
      const vectors = unpackVectors(raw.vectors as PackedVectors);
      const payloads = raw.payloads as Payload[];
      return {
        type: 'upsert',
        points: (raw.keys as string[]).map((key, i) => ({
          key,
          vectors: vectors[i]!,
          payload: payloads[i]!,
        })),
      };
    }
    case 'update_vectors': {
      const vectors = unpackVectors(raw.vectors as PackedVectors);
      return {
        type: 'update_vectors',
        points: (raw.keys as string[]).map((key, i) => ({ key, vectors: vectors[i]! })),
      };
    }
    default:
      return raw as unknown as CollectionOp;
  }
}

/** A logged list of operations and the op number of the first. */
export interface LoggedOps {
  firstOp: number;
  ops: CollectionOp[];
}

/** Encodes operations for the log. */
export function encodeOps(logged: { firstOp: number; ops: readonly CollectionOp[] }): Uint8Array {
  return packr.pack({ v: VERSION, first: logged.firstOp, ops: logged.ops.map(encodeOp) });
}

/** Decodes what {@link encodeOps} wrote. @throws QuiverError CORRUPT_DATA on a foreign body. */
export function decodeOps(bytes: Uint8Array): LoggedOps {
  let body: { v?: unknown; first?: unknown; ops?: unknown };
  try {
    body = packr.unpack(bytes) as typeof body;
  } catch (cause) {
    throw new QuiverError('CORRUPT_DATA', 'write-ahead log record body cannot be decoded', {
      cause,
    });
  }
  if (
    body === null ||
    typeof body !== 'object' ||
    body.v !== VERSION ||
    !Array.isArray(body.ops) ||
    typeof body.first !== 'number'
  ) {
    throw new QuiverError(
      'CORRUPT_DATA',
      `write-ahead log record has an unknown body (version ${String(body?.v)})`,
    );
  }
  return {
    firstOp: body.first,
    ops: body.ops.map((op) => decodeOp(op as Record<string, unknown>)),
  };
}
