/**
 * Binary encoding of {@link CollectionOp} lists, for the write-ahead log: compact, fast and exact
 * (vectors stay raw float32 bytes, no float → text → float round trip). The WAL frames,
 * checksums and numbers the records; this is only their body.
 *
 * Body layout (version 2), as parts written back to back:
 * ```
 *   0  4  n: byte length of the head (u32, little-endian)
 *   4  n  head: MessagePack `{ v: 2, first: number, ops: EncodedOp[] }`
 * 4+n  …  the ops' vector blobs, back to back, in op order (each op's `vectors.bytes` long)
 * ```
 * `first` is the op number of the first operation (the others follow consecutively; replay
 * skips records whose operations are already in the state, which makes it idempotent), and an
 * op is the `CollectionOp` with its points' vectors packed (see {@link PackedVectors}). The
 * blobs sit outside the MessagePack head so that a 10,000-point batch, whose vectors the parser
 * put in one buffer, reaches the log without being copied (see `Wal.append`).
 */
import { Packr } from 'msgpackr';
import { QuiverError } from '../errors.js';
import type { CollectionOp } from './operations.js';
import type { Payload } from '../payload/payload.js';
import { type StoredVector, isSparse } from '../segment/sparse-column.js';

const VERSION = 2;
const packr = new Packr({ useRecords: false });

/**
 * Vectors of an op's points, packed: every dense (and multi-) vector's float32 bytes back to back
 * in one blob of `bytes` bytes (stored after the head), and per point the names of its dense
 * vectors in blob order with their lengths. Sparse vectors are kept per point in the head as raw
 * bytes of their indices and values.
 */
interface PackedVectors {
  names: string[][];
  dims: number[][];
  bytes: number;
  sparse?: Record<string, { i: Uint8Array; v: Uint8Array }>[];
}

/** A packed op's head and the blob that follows it. */
interface Packed {
  vectors: PackedVectors;
  blob: Uint8Array;
}

/**
 * The bytes of `vectors` back to back: a view of their buffer when they already lie back to
 * back in one (as the parser lays out a batch), else one copy.
 */
function blobOf(vectors: readonly Float32Array[], floats: number): Uint8Array {
  const first = vectors[0];
  if (first === undefined) return new Uint8Array(0);
  let contiguous = true;
  let at = first.byteOffset;
  for (const v of vectors) {
    if (v.buffer !== first.buffer || v.byteOffset !== at) {
      contiguous = false;
      break;
    }
    at += v.byteLength;
  }
  if (contiguous) return new Uint8Array(first.buffer, first.byteOffset, floats * 4);
  const all = new Float32Array(floats);
  let o = 0;
  for (const v of vectors) {
    all.set(v, o);
    o += v.length;
  }
  return new Uint8Array(all.buffer);
}

function bytesOf(view: Uint32Array | Float32Array): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function packVectors(points: readonly { vectors: Map<string, StoredVector> }[]): Packed {
  let floats = 0;
  let anySparse = false;
  const dense: Float32Array[] = [];
  for (const p of points) {
    for (const v of p.vectors.values()) {
      if (isSparse(v)) anySparse = true;
      else {
        floats += v.length;
        dense.push(v);
      }
    }
  }
  const names: string[][] = [];
  const dims: number[][] = [];
  const sparse: Record<string, { i: Uint8Array; v: Uint8Array }>[] = [];
  for (const p of points) {
    const n: string[] = [];
    const d: number[] = [];
    const s: Record<string, { i: Uint8Array; v: Uint8Array }> = {};
    for (const [name, v] of p.vectors) {
      if (isSparse(v)) {
        s[name] = { i: bytesOf(v.indices), v: bytesOf(v.values) };
        continue;
      }
      n.push(name);
      d.push(v.length);
    }
    names.push(n);
    dims.push(d);
    sparse.push(s);
  }
  const vectors: PackedVectors = { names, dims, bytes: floats * 4 };
  if (anySparse) vectors.sparse = sparse;
  return { vectors, blob: blobOf(dense, floats) };
}

function unpackVectors(packed: PackedVectors, blob: Uint8Array): Map<string, StoredVector>[] {
  // Copy once into an aligned buffer; each vector is then a view into it.
  const all = new Float32Array(blob.byteLength / 4);
  new Uint8Array(all.buffer).set(blob);
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

/** An op's MessagePack head, with its vector blob pushed onto `blobs`. */
function encodeOp(op: CollectionOp, blobs: Uint8Array[]): unknown {
  switch (op.type) {
    case 'upsert': {
      const { vectors, blob } = packVectors(op.points);
      blobs.push(blob);
      return {
        type: op.type,
        keys: op.points.map((p) => p.key),
        payloads: op.points.map((p) => p.payload),
        vectors,
      };
    }
    case 'update_vectors': {
      const { vectors, blob } = packVectors(op.points);
      blobs.push(blob);
      return { type: op.type, keys: op.points.map((p) => p.key), vectors };
    }
    default:
      return op;
  }
}

/** Decodes an op's head; `takeBlob(n)` hands out the next `n` bytes of the blob area. */
function decodeOp(
  raw: Record<string, unknown>,
  takeBlob: (bytes: number) => Uint8Array,
): CollectionOp {
  switch (raw.type) {
    case 'upsert': {
      const packed = raw.vectors as PackedVectors;
      const vectors = unpackVectors(packed, takeBlob(packed.bytes));
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
      const packed = raw.vectors as PackedVectors;
      const vectors = unpackVectors(packed, takeBlob(packed.bytes));
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

/**
 * Encodes operations for the log, as parts to write back to back (see the file comment). The
 * parts may share memory with the operations' vectors: leave both unchanged until written.
 */
export function encodeOps(logged: { firstOp: number; ops: readonly CollectionOp[] }): Uint8Array[] {
  const blobs: Uint8Array[] = [];
  const ops = logged.ops.map((op) => encodeOp(op, blobs));
  // msgpackr packs into a buffer it reuses on its next call, and these parts are written later:
  // copy the (small) head out of it.
  const head = packr.pack({ v: VERSION, first: logged.firstOp, ops }).slice();
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, head.length, true);
  return [length, head, ...blobs.filter((b) => b.length > 0)];
}

/** Decodes what {@link encodeOps} wrote (its parts joined). @throws QuiverError CORRUPT_DATA on a foreign body. */
export function decodeOps(bytes: Uint8Array): LoggedOps {
  const foreign = (detail: string, cause?: unknown) =>
    new QuiverError('CORRUPT_DATA', `write-ahead log record body ${detail}`, { cause });
  if (bytes.length < 4) throw foreign('is too short');
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (4 + headLength > bytes.length) throw foreign('has a head longer than the record');
  let body: { v?: unknown; first?: unknown; ops?: unknown };
  try {
    body = packr.unpack(bytes.subarray(4, 4 + headLength)) as typeof body;
  } catch (cause) {
    throw foreign('cannot be decoded', cause);
  }
  if (
    body === null ||
    typeof body !== 'object' ||
    body.v !== VERSION ||
    !Array.isArray(body.ops) ||
    typeof body.first !== 'number'
  ) {
    throw foreign(`has an unknown format (version ${String(body?.v)})`);
  }
  let at = 4 + headLength;
  const takeBlob = (n: number): Uint8Array => {
    if (at + n > bytes.length) throw foreign('ends inside its vectors');
    const blob = bytes.subarray(at, at + n);
    at += n;
    return blob;
  };
  const ops = body.ops.map((op) => decodeOp(op as Record<string, unknown>, takeBlob));
  if (at !== bytes.length) throw foreign('has bytes after its vectors');
  return { firstOp: body.first, ops };
}
