/**
 * Segment checkpoint files. A segment is written COMPACTED: only live points, renumbered from
 * offset 0, so deleted and overwritten points take no space on disk after a checkpoint.
 *
 * File: a checked file (magic `QSEG`, version 1; see storage/checked-file.ts) whose body is
 * MessagePack:
 * ```
 * { id: number, keys: string[], versions: number[], payloads: object[],
 *   vectors: { [name]: { dim: number, data: Float32Array (count * dim), present: Uint8Array } } }
 * ```
 */
import { Packr } from 'msgpackr';
import { QuiverError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import { PlainSegment } from '../segment/plain-segment.js';
import { decodeCheckedFile, encodeCheckedFile } from '../storage/checked-file.js';
import type { VectorSpec } from './config.js';

const MAGIC = 'QSEG';
const VERSION = 1;
const packr = new Packr({ useRecords: false, moreTypes: true });

interface SegmentBody {
  id: number;
  keys: string[];
  versions: number[];
  payloads: Payload[];
  vectors: Record<string, { dim: number; data: Float32Array; present: Uint8Array }>;
}

/** The live points of `segment` as a checked file. */
export function encodeSegment(segment: PlainSegment): Uint8Array {
  const live: number[] = [];
  for (let offset = 0; offset < segment.size; offset++)
    if (segment.isLive(offset)) live.push(offset);
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
      if (!column.has(o)) return;
      present[i] = 1;
      data.set(column.data.subarray(o * column.dim, (o + 1) * column.dim), i * column.dim);
    });
    body.vectors[name] = { dim: column.dim, data, present };
  }
  return encodeCheckedFile({ magic: MAGIC, version: VERSION, body: packr.pack(body) });
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
): PlainSegment {
  const file = decodeCheckedFile({ bytes, magic: MAGIC, path });
  if (file.version !== VERSION) {
    throw new QuiverError(
      'CORRUPT_DATA',
      `${path}: segment format version ${file.version} is not supported`,
    );
  }
  const body = packr.unpack(file.body) as SegmentBody;
  const segment = new PlainSegment(body.id, specs);
  const count = body.keys.length;
  for (let i = 0; i < count; i++) {
    const vectors = new Map<string, Float32Array>();
    for (const spec of specs) {
      const col = body.vectors[spec.name];
      if (col === undefined || col.dim !== spec.size) {
        throw new QuiverError(
          'CORRUPT_DATA',
          `${path}: vector "${spec.name}" is missing or has the wrong dimension`,
        );
      }
      if (col.present[i] === 1)
        vectors.set(spec.name, col.data.subarray(i * col.dim, (i + 1) * col.dim));
    }
    segment.append({
      key: body.keys[i]!,
      version: body.versions[i]!,
      payload: body.payloads[i]!,
      vectors,
    });
  }
  return segment;
}
