/**
 * Replay side of the WAL: walks the records of one segment's bytes. Recovery has validated
 * them at open, so damage found here means the file changed under a running WAL.
 */
import { QuiverError } from '../errors.js';
import { SEGMENT_HEADER_BYTES, decodeRecordAt } from './wal-format.js';

/** Options for {@link readSegmentRecords}. */
export interface ReadSegmentOptions {
  /** The whole segment file. */
  bytes: Uint8Array;
  /** Its path, for errors. */
  path: string;
  /** LSN of its first record. */
  firstLsn: number;
  /** Skip records below this LSN. */
  from: number;
  /** Stop after this LSN (the last durable one when the read began). */
  upTo: number;
}

/** Records of one segment with `from <= lsn <= upTo`, in order. */
export function* readSegmentRecords(
  options: ReadSegmentOptions,
): Generator<{ lsn: number; payload: Uint8Array }> {
  const { bytes, path, from, upTo } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SEGMENT_HEADER_BYTES;
  for (let expected = options.firstLsn; expected <= upTo; expected++) {
    const r = decodeRecordAt(bytes, view, offset, expected);
    if ('end' in r) return;
    if ('bad' in r) {
      throw new QuiverError(
        'CORRUPT_DATA',
        `WAL segment ${path} changed while open: at byte ${offset}: ${r.bad}`,
      );
    }
    if (r.lsn >= from) yield { lsn: r.lsn, payload: r.payload };
    offset = r.next;
  }
}
