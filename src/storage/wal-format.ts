/**
 * The WAL's on-disk format: segment names, the segment header, the record frame. Documented in
 * full at the top of wal.ts; this file holds the code that reads and writes the bytes.
 */
import { QuiverError } from '../errors.js';
import { crc32c } from './crc32c.js';

/** Magic at the start of every segment file. */
export const SEGMENT_MAGIC = 'QWAL';
/** Segment format version written by this code. */
export const SEGMENT_VERSION = 1;
/** Bytes in a segment header. */
export const SEGMENT_HEADER_BYTES = 24;
/** Bytes in a record header (length, crc, lsn). */
export const RECORD_HEADER_BYTES = 16;
/** Largest payload accepted (1 GiB): replay reads a record whole into memory. */
export const MAX_RECORD_BYTES = 1024 * 1024 * 1024;

const SEGMENT_NAME = /^wal-(\d{20})\.log$/;
const SPARE_NAME = /^wal-spare-[0-9a-f]+\.log$/;
const MAGIC_BYTES = Uint8Array.from(SEGMENT_MAGIC, (c) => c.charCodeAt(0));

/** `wal-<first lsn, 20 digits>.log`: lexical order is LSN order. */
export function segmentName(firstLsn: number): string {
  return `wal-${String(firstLsn).padStart(20, '0')}.log`;
}

/** The first LSN named by a segment file name, or `undefined` for any other name. */
export function parseSegmentName(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  return m === null ? undefined : Number(m[1]);
}

/** Whether `name` is a pre-created spare segment (see `segmentsAhead`). */
export function isSpareName(name: string): boolean {
  return SPARE_NAME.test(name);
}

/** A fresh segment header for a segment whose first record will carry `firstLsn`. */
export function encodeSegmentHeader(firstLsn: number): Uint8Array {
  const out = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC_BYTES, 0);
  view.setUint16(4, SEGMENT_VERSION, true);
  view.setUint16(6, 0, true);
  setU64(view, 8, firstLsn);
  view.setUint32(16, crc32c(out.subarray(0, 16)), true);
  return out;
}

/** The first LSN a segment header announces, or a description of what is wrong with it. */
export function decodeSegmentHeader(bytes: Uint8Array): { firstLsn: number } | { bad: string } {
  if (bytes.length < SEGMENT_HEADER_BYTES) return { bad: `header cut short (${bytes.length} B)` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(16, true) !== crc32c(bytes.subarray(0, 16))) {
    return { bad: 'header checksum mismatch' };
  }
  if (!MAGIC_BYTES.every((b, i) => bytes[i] === b)) return { bad: 'not a WAL segment (magic)' };
  const version = view.getUint16(4, true);
  if (version !== SEGMENT_VERSION) return { bad: `unsupported segment version ${version}` };
  return { firstLsn: getU64(view, 8) };
}

/**
 * The header (length, crc, lsn) of a record whose payload is `parts` back to back. The parts
 * are checksummed where they are, not copied: a large record goes to disk without a copy.
 */
export function encodeRecordHeader(lsn: number, parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(
    0,
    parts.reduce((n, part) => n + part.length, 0),
    true,
  );
  setU64(view, 8, lsn);
  let crc = crc32c(out.subarray(8, 16), crc32c(out.subarray(0, 4)));
  for (const part of parts) crc = crc32c(part, crc);
  view.setUint32(4, crc, true);
  return out;
}

/** One record read back; `payload` is a view into the segment's bytes. */
export interface DecodedRecord {
  lsn: number;
  payload: Uint8Array;
  /** Offset of the byte after this record. */
  next: number;
}

/** Outcome of decoding at an offset: a record, the end of the data, or damage. */
export type DecodeResult = DecodedRecord | { end: true } | { bad: string };

/**
 * Decodes the record at `offset`. The end of the data is the end of the file or an all-zero
 * record header (unwritten space of a pre-allocated segment: a real record has lsn >= 1).
 */
export function decodeRecordAt(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  expectedLsn: number,
): DecodeResult {
  const left = bytes.length - offset;
  if (left === 0) return { end: true };
  if (left < RECORD_HEADER_BYTES) {
    return isZero(bytes, offset, bytes.length)
      ? { end: true }
      : { bad: `record header cut short (${left} bytes left)` };
  }
  const length = view.getUint32(offset, true);
  const crc = view.getUint32(offset + 4, true);
  const lsn = getU64(view, offset + 8);
  if (length === 0 && crc === 0 && lsn === 0) return { end: true };
  if (length > MAX_RECORD_BYTES) return { bad: `record length ${length} exceeds the maximum` };
  const next = offset + RECORD_HEADER_BYTES + length;
  if (next > bytes.length) {
    return { bad: `record of ${length} bytes runs past the end of the file` };
  }
  const actual = crc32c(
    bytes.subarray(offset + 8, next),
    crc32c(bytes.subarray(offset, offset + 4)),
  );
  if (actual !== crc) return { bad: 'record checksum mismatch' };
  if (lsn !== expectedLsn) return { bad: `expected LSN ${expectedLsn}, found ${lsn}` };
  return { lsn, payload: bytes.subarray(offset + RECORD_HEADER_BYTES, next), next };
}

/** Whether `bytes[from, to)` are all zero. */
export function isZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

function setU64(view: DataView, offset: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new QuiverError('INTERNAL', `LSN ${value} is not a safe unsigned integer`);
  }
  view.setUint32(offset, value % 0x1_0000_0000, true);
  view.setUint32(offset + 4, Math.floor(value / 0x1_0000_0000), true);
}

function getU64(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x1_0000_0000;
}
