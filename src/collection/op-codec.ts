/**
 * Binary encoding of {@link CollectionOp} lists, for the write-ahead log. MessagePack (msgpackr)
 * with typed arrays kept as raw float32 bytes: compact, fast, and exact (no float → text → float
 * round trip). The WAL frames, checksums and numbers the records; this is only their body.
 *
 * Body layout: `{ v: 1, first: number, ops: EncodedOp[] }`: `first` is the op number of the
 * first operation (the others follow consecutively; replay skips records whose ops are already
 * in the state, which makes it idempotent), and an op is the `CollectionOp` with vector maps
 * turned into plain objects (name → Float32Array).
 */
import { Packr } from 'msgpackr';
import { QuiverError } from '../errors.js';
import type { CollectionOp } from './operations.js';

const VERSION = 1;
const packr = new Packr({ useRecords: false, moreTypes: true });

type VectorObject = Record<string, Float32Array>;

function mapToObject(map: Map<string, Float32Array>): VectorObject {
  const out: VectorObject = {};
  for (const [k, v] of map) out[k] = v;
  return out;
}

function objectToMap(obj: VectorObject): Map<string, Float32Array> {
  return new Map(Object.entries(obj));
}

function encodeOp(op: CollectionOp): unknown {
  switch (op.type) {
    case 'upsert':
      return { ...op, points: op.points.map((p) => ({ ...p, vectors: mapToObject(p.vectors) })) };
    case 'update_vectors':
      return { ...op, points: op.points.map((p) => ({ ...p, vectors: mapToObject(p.vectors) })) };
    default:
      return op;
  }
}

function decodeOp(raw: Record<string, unknown>): CollectionOp {
  const op = raw as unknown as CollectionOp;
  switch (op.type) {
    case 'upsert':
    case 'update_vectors':
      return {
        ...op,
        points: op.points.map((p) => ({
          ...p,
          vectors: objectToMap(p.vectors as unknown as VectorObject),
        })),
      } as CollectionOp;
    default:
      return op;
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
