/**
 * WAL recovery at open: validate every segment and record, repair what a crash can leave
 * behind, refuse (or, on request, cut off) what a crash cannot explain. The policy is
 * explained at the top of wal.ts ("Recovery").
 */
import { QuiverError } from '../errors.js';
import type { FileSystem } from './file-system.js';
import { joinPath } from './file-system.js';
import {
  SEGMENT_HEADER_BYTES,
  decodeRecordAt,
  decodeSegmentHeader,
  isSpareName,
  isZero,
  parseSegmentName,
} from './wal-format.js';

/** What recovery repaired (or, for `spare-failed`, a later non-fatal problem). */
export interface WalWarning {
  /**
   * - `torn-tail`: the last segment ended in a partial or damaged record (an interrupted
   *   write); it was truncated there. Only unacknowledged records are lost.
   * - `removed-torn-segment`: the last segment's header was never made durable; removed.
   * - `removed-orphan-segments`: segments before a gap in LSNs, left by an interrupted
   *   `truncateBelow`; removed.
   * - `truncated-corruption`: damage before the tail, cut off because `onCorruption` is
   *   `'truncate'`; acknowledged records after it are lost.
   * - `spare-failed`: pre-creating a spare segment failed; rollover creates files instead.
   */
  kind:
    | 'torn-tail'
    | 'removed-torn-segment'
    | 'removed-orphan-segments'
    | 'truncated-corruption'
    | 'spare-failed';
  /** The file concerned. */
  file: string;
  /** A sentence for the log. */
  message: string;
  /** Bytes removed, when the repair removed any. */
  droppedBytes?: number;
}

/** One segment as known after recovery. */
export interface SegmentInfo {
  path: string;
  firstLsn: number;
  /** LSN of the last record; `firstLsn - 1` when the segment holds none yet. */
  lastLsn: number;
  /** Bytes of header and records (the end of the data, not pre-allocated space). */
  size: number;
}

/** Options for {@link recoverSegments}. */
export interface RecoverOptions {
  fs: FileSystem;
  dir: string;
  onCorruption: 'fail' | 'truncate';
  warn: (warning: WalWarning) => void;
}

/** What {@link recoverSegments} found. */
export interface Recovered {
  segments: SegmentInfo[];
  /** Paths of spare segments ready for reuse. */
  spares: string[];
  /** Valid records in all segments. */
  records: number;
}

/** Scans and repairs the segments of `dir`. */
export async function recoverSegments(options: RecoverOptions): Promise<Recovered> {
  const { fs, dir, warn } = options;
  const names = await fs.list(dir);
  // A spare is trusted only if it is all zeros: appends into a reused spare rely on zeros to
  // mark the end of the data. A crash after a spare was renamed into a segment and written, but
  // before the rename reached the directory, brings back the spare's name over record bytes;
  // reusing that file would leave stale records after the new ones. Such a spare is removed.
  let changedDir = false;
  const spares: string[] = [];
  for (const name of names.filter(isSpareName)) {
    const path = joinPath(dir, name);
    if ((await fs.readFile(path)).every((b) => b === 0)) spares.push(path);
    else {
      await fs.remove(path);
      changedDir = true;
    }
  }
  const found = names
    .map((name) => ({ name, lsn: parseSegmentName(name) }))
    .filter((s): s is { name: string; lsn: number } => s.lsn !== undefined)
    .sort((a, b) => a.lsn - b.lsn);

  const segments: SegmentInfo[] = [];
  let records = 0;
  for (let i = 0; i < found.length; i++) {
    const { name, lsn: nameLsn } = found[i]!;
    const path = joinPath(dir, name);
    const isLast = i === found.length - 1;
    const bytes = await fs.readFile(path);

    const fail = async (offset: number, problem: string): Promise<'stop'> => {
      const keptUpTo = segments.at(-1)?.lastLsn ?? nameLsn - 1;
      if (options.onCorruption === 'fail') {
        throw new QuiverError(
          'CORRUPT_DATA',
          `WAL segment ${path} is corrupt at byte ${offset}: ${problem}. It is not the last ` +
            `segment, so this is not an interrupted write and acknowledged records would be ` +
            `lost. Restore from a snapshot, or open with onCorruption: 'truncate' to keep ` +
            `records up to LSN ${keptUpTo} and drop the rest.`,
        );
      }
      let dropped = bytes.length - offset;
      const later = found.slice(i + 1).map((s) => joinPath(dir, s.name));
      for (const p of later) {
        dropped += (await fs.stat(p))?.size ?? 0;
        await fs.remove(p);
      }
      warn({
        kind: 'truncated-corruption',
        file: path,
        message: `WAL segment ${path} is corrupt at byte ${offset} (${problem}); dropped it from there and ${later.length} later segment(s), keeping records up to LSN ${keptUpTo}`,
        droppedBytes: dropped,
      });
      changedDir = true;
      return 'stop';
    };

    const header = decodeSegmentHeader(bytes);
    if ('bad' in header || header.firstLsn !== nameLsn) {
      const problem = 'bad' in header ? header.bad : `header names LSN ${header.firstLsn}`;
      if (!isLast) {
        await fail(0, problem);
        if (options.onCorruption === 'truncate') await fs.remove(path);
        break;
      }
      // The header is written and synced with the segment's first records, before the
      // directory entry is synced, so a damaged header on the last segment means none of its
      // records were acknowledged.
      await fs.remove(path);
      changedDir = true;
      warn({
        kind: 'removed-torn-segment',
        file: path,
        message: `WAL segment ${path} has an unfinished header (${problem}); removed it`,
        droppedBytes: bytes.length,
      });
      break;
    }

    const prev = segments.at(-1);
    if (prev !== undefined && nameLsn !== prev.lastLsn + 1) {
      if (nameLsn < prev.lastLsn + 1) {
        await fail(
          0,
          `first LSN ${nameLsn} overlaps the previous segment (ends at ${prev.lastLsn})`,
        );
        break;
      }
      // A gap: truncateBelow removes oldest first but a crash may persist its removals in
      // any order, so everything before the gap is below a checkpoint. Drop it.
      let dropped = 0;
      for (const s of segments) {
        dropped += s.size;
        await fs.remove(s.path);
      }
      changedDir = true;
      warn({
        kind: 'removed-orphan-segments',
        file: segments.map((s) => s.path).join(', '),
        message: `WAL has a gap before ${path} (LSN ${prev.lastLsn + 1}..${nameLsn - 1}); removed ${segments.length} older segment(s) left by an interrupted truncation`,
        droppedBytes: dropped,
      });
      segments.length = 0;
      records = 0;
    }

    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = SEGMENT_HEADER_BYTES;
    let expected = nameLsn;
    let stop: string | undefined;
    while (true) {
      const r = decodeRecordAt(bytes, view, offset, expected);
      if ('end' in r) break;
      if ('bad' in r) {
        stop = r.bad;
        break;
      }
      offset = r.next;
      expected++;
      records++;
    }
    if (stop === undefined && !isZero(bytes, offset, bytes.length)) {
      stop = 'unexpected bytes after an end-of-data marker';
    }
    segments.push({ path, firstLsn: nameLsn, lastLsn: expected - 1, size: offset });
    if (stop === undefined) continue;
    if (!isLast) {
      await fail(offset, stop);
      if (options.onCorruption === 'truncate') await truncateFile(fs, path, offset);
      break;
    }
    await truncateFile(fs, path, offset);
    warn({
      kind: 'torn-tail',
      file: path,
      message: `WAL segment ${path} ends in an interrupted write at byte ${offset} (${stop}); truncated ${bytes.length - offset} bytes, keeping records up to LSN ${expected - 1}`,
      droppedBytes: bytes.length - offset,
    });
  }
  if (changedDir) await fs.syncDir(dir);
  return { segments, spares, records };
}

async function truncateFile(fs: FileSystem, path: string, length: number): Promise<void> {
  const handle = await fs.open(path);
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
