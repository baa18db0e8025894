/**
 * The write-ahead log: an ordered, durable sequence of opaque records, each numbered by a
 * strictly increasing LSN (log sequence number, Qdrant's "op number"). It knows nothing of
 * points: the collection layer encodes operations into payloads.
 *
 * ## On-disk format (all integers little-endian)
 * A directory of segment files `wal-<LSN of its first record, 20 digits>.log` (lexical order is
 * LSN order) and, with `segmentsAhead > 0`, spare files `wal-spare-<hex>.log` (zeros).
 * ```
 * segment header, 24 bytes:
 *    0  4  magic "QWAL"
 *    4  2  version (1)
 *    6  2  flags (0)
 *    8  8  first LSN (u64; equals the LSN in the file name)
 *   16  4  CRC32C of bytes 0..16
 *   20  4  reserved (0)
 * records, back to back from byte 24:
 *    0  4  payload length n (u32, at most 1 GiB)
 *    4  4  CRC32C of the length field, the LSN field and the payload
 *    8  8  LSN (u64; exactly previous + 1, also across segments)
 *   16  n  payload
 * ```
 * The data ends at the end of the file or at an all-zero record header (a real record has
 * LSN >= 1), which is where a pre-allocated spare's zeros begin. The CRC covers the length too,
 * so a damaged length reads as damage rather than as a record boundary.
 *
 * A segment is closed once the next record would take it past `capacityMb`; it then holds at
 * least one record, so a record larger than the capacity gets a segment of its own. A record
 * is the unit of atomicity: after a crash it is there whole or not at all, so an operation on
 * 10,000 points must be one record (any size up to 1 GiB), not 10,000.
 *
 * ## Durability and group commit
 * `append` resolves only after its record is fsynced (and, for a new segment, the directory
 * too). Appends made while a commit is in flight queue up and go out together in the next one:
 * one write and one fsync for the lot. Before a new segment is created the old one is fsynced,
 * so every segment but the last is complete on disk: the invariant recovery relies on.
 * After a failed write or fsync the WAL refuses further appends (what reached the disk is
 * unknown, and retrying fsync can falsely succeed on Linux); reopen it to recover.
 *
 * ## Recovery (`Wal.open`)
 * Every record of every segment is checked (length, CRC, LSN sequence).
 * - Damage in the last segment (a partial or bad record, a short or unfinished header) is what
 *   an interrupted write leaves: it is truncated there and reported (`torn-tail`,
 *   `removed-torn-segment`). Only records never acknowledged can be lost: an acknowledged
 *   record was fsynced before the next write began.
 * - Damage before the last segment cannot come from a crash (see the invariant above): it is
 *   media corruption or a foreign edit, and records after it were acknowledged. By default
 *   open fails with `CORRUPT_DATA` naming the file and byte, because silently dropping
 *   acknowledged writes breaks the durability promise and replaying past a hole would apply
 *   operations out of context. `onCorruption: 'truncate'` keeps the valid prefix instead
 *   (reported as `truncated-corruption`): the operator's choice to trade data for availability.
 * - A gap in LSNs between segments is what a crash during `truncateBelow` leaves (removals can
 *   persist out of order): the segments before the gap are removed (`removed-orphan-segments`).
 * - A spare that is not all zeros is removed: a crash can undo a spare's rename into a segment
 *   after records were written into it, and reusing it would leave them after new records.
 */
import { QuiverError } from '../errors.js';
import type { FileHandle, FileSystem } from './file-system.js';
import { joinPath } from './file-system.js';
import { readSegmentRecords } from './wal-reader.js';
import { recoverSegments } from './wal-recovery.js';
import type { SegmentInfo, WalWarning } from './wal-recovery.js';
import { WalStatsRecorder } from './wal-stats.js';
import type { WalStats } from './wal-stats.js';
import {
  MAX_RECORD_BYTES,
  SEGMENT_HEADER_BYTES,
  encodeRecordHeader,
  encodeSegmentHeader,
  segmentName,
} from './wal-format.js';

export type { WalWarning } from './wal-recovery.js';
export type { WalStats } from './wal-stats.js';

/** Options for {@link Wal.open}, after Qdrant's `wal_config`. */
export interface WalOpenOptions {
  /** The storage port. */
  fs: FileSystem;
  /** The WAL's own directory (created if missing). Nothing else should live in it. */
  dir: string;
  /**
   * Size of a segment file in MiB. Default 32, range 1/1024 (1 KiB, for tests) to 4096.
   * Larger segments mean fewer files and rollovers (each costs a file creation and a directory
   * fsync); smaller ones let `truncateBelow` free disk space sooner after a checkpoint.
   */
  capacityMb?: number;
  /**
   * Spare segment files kept ready, filled with zeros to `capacityMb`. Default 0, range 0..8.
   * With spares, rollover renames a ready file instead of creating one, and appends overwrite
   * already-allocated blocks, so an fsync need not also journal a file-size change; the cost
   * is `segmentsAhead * capacityMb` of disk and a background zero-fill after each rollover.
   */
  segmentsAhead?: number;
  /**
   * What to do about damage before the last segment (see "Recovery" above). Default `'fail'`.
   * `'truncate'` keeps the records before the damage and drops everything after it.
   */
  onCorruption?: 'fail' | 'truncate';
  /** Called with each repair made at open and each later non-fatal problem. */
  onWarning?: (warning: WalWarning) => void;
}

/** What {@link Wal.open} returns: the WAL and a report of what recovery found. */
export interface WalOpenResult {
  wal: Wal;
  /** Repairs made while opening (also passed to `onWarning`). */
  repairs: WalWarning[];
  /** Valid records found. */
  records: number;
  /** Segment files in use. */
  segments: number;
  /** LSN of the first record kept, or `lastLsn + 1` when there is none. */
  firstLsn: number;
  /** LSN of the last record, 0 for a WAL that never held one. */
  lastLsn: number;
}

/** Options for {@link Wal.read}. */
export interface WalReadOptions {
  /** First LSN wanted (default: the oldest kept). */
  fromLsn?: number;
}

/** One record read back. `payload` is a view into a buffer owned by the caller from then on. */
export interface WalRecord {
  lsn: number;
  payload: Uint8Array;
}

/** Options for {@link Wal.truncateBelow}. */
export interface WalTruncateOptions {
  /** Records below this LSN are no longer needed (a checkpoint covers them). */
  lsn: number;
}

interface Pending {
  lsn: number;
  /** The record: its header, then the payload parts. */
  parts: Uint8Array[];
  /** Total bytes of `parts`. */
  length: number;
  resolve: (lsn: number) => void;
  reject: (err: unknown) => void;
}

/** Groups of consecutive small records are copied into one write up to this size. */
const MAX_COALESCED_WRITE = 8 * 1024 * 1024;
const ZERO_CHUNK = new Uint8Array(1024 * 1024);

/** The write-ahead log. Create with {@link Wal.open}. */
export class Wal {
  private readonly fs: FileSystem;
  private readonly dir: string;
  private readonly capacity: number;
  private readonly segmentsAhead: number;
  private readonly warn: (warning: WalWarning) => void;
  private readonly segments: SegmentInfo[];
  private readonly spares: string[];
  private readonly recorder = new WalStatsRecorder();
  private handle: FileHandle | undefined;
  private pending: Pending[] = [];
  private flushLoop: Promise<void> | null = null;
  private spareTask: Promise<void> | null = null;
  /** Serialises commits and truncations. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private nextLsn: number;
  private durableLsn: number;
  private failure: QuiverError | undefined;
  private closed = false;

  private constructor(options: WalOpenOptions, segments: SegmentInfo[], spares: string[]) {
    this.fs = options.fs;
    this.dir = options.dir;
    this.capacity = Math.round((options.capacityMb ?? 32) * 1024 * 1024);
    this.segmentsAhead = options.segmentsAhead ?? 0;
    this.warn = options.onWarning ?? (() => undefined);
    this.segments = segments;
    this.spares = spares;
    this.durableLsn = segments.at(-1)?.lastLsn ?? 0;
    this.nextLsn = this.durableLsn + 1;
  }

  /** Opens (or creates) the WAL in `dir`, validating and repairing it; see "Recovery". */
  static async open(options: WalOpenOptions): Promise<WalOpenResult> {
    const capacityMb = options.capacityMb ?? 32;
    if (!(capacityMb >= 1 / 1024 && capacityMb <= 4096)) {
      throw new QuiverError('INVALID_REQUEST', `wal capacityMb must be in [1/1024, 4096]`);
    }
    const ahead = options.segmentsAhead ?? 0;
    if (!Number.isInteger(ahead) || ahead < 0 || ahead > 8) {
      throw new QuiverError('INVALID_REQUEST', `wal segmentsAhead must be an integer in 0..8`);
    }
    await options.fs.mkdirp(options.dir);
    const repairs: WalWarning[] = [];
    const recovered = await recoverSegments({
      fs: options.fs,
      dir: options.dir,
      onCorruption: options.onCorruption ?? 'fail',
      warn: (w) => {
        repairs.push(w);
        options.onWarning?.(w);
      },
    });
    const wal = new Wal(options, recovered.segments, recovered.spares);
    const last = recovered.segments.at(-1);
    if (last !== undefined) wal.handle = await options.fs.open(last.path);
    wal.ensureSpares();
    return {
      wal,
      repairs,
      records: recovered.records,
      segments: recovered.segments.length,
      firstLsn: recovered.segments[0]?.firstLsn ?? wal.durableLsn + 1,
      lastLsn: wal.durableLsn,
    };
  }

  /** LSN of the last durable record (0 when there has never been one). */
  get lastLsn(): number {
    return this.durableLsn;
  }

  /** LSN given to the latest `append` call, durable or not yet (0 before any record). */
  get assignedLsn(): number {
    return this.nextLsn - 1;
  }

  /** Resolves once every record appended before the call is durable (or the WAL failed). */
  async waitDurable(): Promise<void> {
    const target = this.nextLsn - 1;
    while (this.durableLsn < target && this.flushLoop !== null) await this.flushLoop;
    if (this.durableLsn < target && this.failure !== undefined) throw this.failure;
  }

  /** Bytes of segment headers and records on disk (not counting pre-allocated space). */
  get sizeBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  /** Counters since open, for tests and metrics. A snapshot: later appends do not change it. */
  get stats(): WalStats {
    return this.recorder.snapshot();
  }

  /**
   * Appends one record and resolves with its LSN once it is durable. The payload is one array
   * or several parts written back to back (so a caller can frame a large body without copying
   * it); 0 bytes to 1 GiB in all. It is NOT copied: leave it unchanged until the returned
   * promise settles. Concurrent calls share fsyncs.
   */
  append(payload: Uint8Array | readonly Uint8Array[]): Promise<number> {
    const parts = payload instanceof Uint8Array ? [payload] : [...payload];
    const size = parts.reduce((n, part) => n + part.length, 0);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new QuiverError('CLOSED', `WAL ${this.dir} is closed`));
    if (size > MAX_RECORD_BYTES) {
      return Promise.reject(
        new QuiverError('INVALID_REQUEST', `WAL record of ${size} bytes exceeds 1 GiB`),
      );
    }
    const lsn = this.nextLsn++;
    const header = encodeRecordHeader(lsn, parts);
    const length = header.length + size;
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ lsn, parts: [header, ...parts], length, resolve, reject });
      if (this.flushLoop === null) this.flushLoop = this.runFlushLoop();
    });
  }

  private async runFlushLoop(): Promise<void> {
    try {
      // Let appends made in the same tick join the first commit.
      await Promise.resolve();
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.serialised(() => this.commit(batch));
        } catch (err) {
          this.failure = new QuiverError(
            'IO_ERROR',
            `WAL ${this.dir} failed to make records durable; reopen it to recover: ${String(err)}`,
            { cause: err },
          );
          for (const p of [...batch, ...this.pending]) p.reject(this.failure);
          this.pending = [];
          return;
        }
        for (const p of batch) p.resolve(p.lsn);
      }
    } finally {
      this.flushLoop = null;
    }
  }

  private serialised<T>(run: () => Promise<T>): Promise<T> {
    const result = this.exclusive.then(run);
    this.exclusive = result.catch(() => undefined);
    return result;
  }

  /** Writes `batch` (LSN order) and makes it durable. */
  private async commit(batch: Pending[]): Promise<void> {
    let createdSegment = false;
    let group: Uint8Array[] = [];
    let groupStart = this.segments.at(-1)?.size ?? 0;
    for (const p of batch) {
      const active = this.segments.at(-1);
      const full =
        active !== undefined &&
        active.size > SEGMENT_HEADER_BYTES &&
        active.size + p.length > this.capacity;
      if (active === undefined || full) {
        if (active !== undefined) {
          await this.writeGroup(group, groupStart);
          await this.syncActive();
        }
        await this.rollover(p.lsn);
        createdSegment = true;
        group = [];
        groupStart = SEGMENT_HEADER_BYTES;
      }
      const seg = this.segments.at(-1)!;
      group.push(...p.parts);
      seg.size += p.length;
      seg.lastLsn = p.lsn;
    }
    await this.writeGroup(group, groupStart);
    await this.syncActive();
    if (createdSegment) {
      await this.fs.syncDir(this.dir);
      this.recorder.dirSyncs++;
    }
    this.durableLsn = batch.at(-1)!.lsn;
    this.recorder.commits++;
    this.recorder.records += batch.length;
    for (const p of batch) this.recorder.bytes += p.length;
  }

  /** Writes record parts back to back from `position`, copying small ones into shared writes. */
  private async writeGroup(records: Uint8Array[], position: number): Promise<void> {
    const handle = this.handle!;
    let at = position;
    let i = 0;
    while (i < records.length) {
      let j = i;
      let bytes = 0;
      while (j < records.length && (j === i || bytes + records[j]!.length <= MAX_COALESCED_WRITE)) {
        bytes += records[j]!.length;
        j++;
      }
      let chunk = records[i]!;
      if (j - i > 1) {
        chunk = new Uint8Array(bytes);
        let o = 0;
        for (let k = i; k < j; k++) {
          chunk.set(records[k]!, o);
          o += records[k]!.length;
        }
      }
      await handle.write({ bytes: chunk, position: at });
      at += bytes;
      i = j;
    }
  }

  private async syncActive(): Promise<void> {
    const started = performance.now();
    await this.handle!.sync();
    this.recorder.recordFsync(performance.now() - started);
  }

  /** Starts segment `wal-<firstLsn>.log`, from a spare if one is ready. Not yet durable. */
  private async rollover(firstLsn: number): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    const path = joinPath(this.dir, segmentName(firstLsn));
    const spare = this.spares.shift();
    if (spare !== undefined) {
      await this.fs.rename({ from: spare, to: path });
      this.handle = await this.fs.open(path);
    } else {
      this.handle = await this.fs.open(path, { create: true, truncate: true });
    }
    await this.handle.write({ bytes: encodeSegmentHeader(firstLsn), position: 0 });
    this.segments.push({ path, firstLsn, lastLsn: firstLsn - 1, size: SEGMENT_HEADER_BYTES });
    this.recorder.rollovers++;
    this.ensureSpares();
  }

  /** Tops up the spare segments in the background. */
  private ensureSpares(): void {
    if (this.spareTask !== null || this.spares.length >= this.segmentsAhead) return;
    this.spareTask = this.makeSpares()
      .catch((err: unknown) => {
        this.warn({
          kind: 'spare-failed',
          file: this.dir,
          message: `could not pre-create a WAL segment in ${this.dir}: ${String(err)}`,
        });
      })
      .finally(() => {
        this.spareTask = null;
      });
  }

  private async makeSpares(): Promise<void> {
    while (this.spares.length < this.segmentsAhead && !this.closed) {
      const hex = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(6)), (b) =>
        b.toString(16).padStart(2, '0'),
      ).join('');
      const path = joinPath(this.dir, `wal-spare-${hex}.log`);
      const handle = await this.fs.open(path, { create: true, truncate: true });
      try {
        for (let at = 0; at < this.capacity; at += ZERO_CHUNK.length) {
          const n = Math.min(ZERO_CHUNK.length, this.capacity - at);
          await handle.write({ bytes: ZERO_CHUNK.subarray(0, n), position: at });
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.fs.syncDir(this.dir);
      this.spares.push(path);
    }
  }

  /**
   * Reads durable records in LSN order from `fromLsn`, one segment file in memory at a time.
   * Records appended after the call started are not included. Do not `truncateBelow` LSNs a
   * reader still needs.
   */
  async *read(options: WalReadOptions = {}): AsyncGenerator<WalRecord> {
    const from = options.fromLsn ?? 0;
    const upTo = this.durableLsn;
    for (const seg of [...this.segments]) {
      if (seg.lastLsn < from || seg.firstLsn > seg.lastLsn) continue;
      if (seg.firstLsn > upTo) break;
      const bytes = await this.fs.readFile(seg.path);
      yield* readSegmentRecords({ bytes, path: seg.path, firstLsn: seg.firstLsn, from, upTo });
    }
  }

  /**
   * Removes segment files all of whose records are below `lsn` (call after a checkpoint that
   * covers them). The last segment always stays. Resolves once the removal is durable.
   * Returns the number of segment files removed.
   */
  truncateBelow(options: WalTruncateOptions): Promise<number> {
    return this.serialised(async () => {
      if (this.failure !== undefined) throw this.failure;
      let removed = 0;
      // Oldest first, so a crash midway leaves a suffix (recovery removes what stays before a
      // gap, should the removals persist out of order).
      while (this.segments.length > 1 && this.segments[1]!.firstLsn <= options.lsn) {
        await this.fs.remove(this.segments[0]!.path);
        this.segments.shift();
        removed++;
      }
      if (removed > 0) {
        await this.fs.syncDir(this.dir);
        this.recorder.dirSyncs++;
      }
      return removed;
    });
  }

  /** Waits for pending appends, then closes the files. Later appends fail with `CLOSED`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushLoop !== null) await this.flushLoop;
    await this.serialised(async () => undefined);
    if (this.spareTask !== null) await this.spareTask;
    await this.handle?.close();
    this.handle = undefined;
  }
}
