/**
 * A collection on disk: its write-ahead log and its checkpoints. The collection itself stays a
 * pure in-memory structure; this store logs what was applied and writes checkpoints of it.
 *
 * Directory layout (`dir`):
 * ```
 * wal/                         the write-ahead log (storage/wal.ts); records are op lists
 * manifest-<seq, 12 digits>.qvr  checked file QMAN: the segment files of checkpoint <seq> and
 *                              the op number / WAL LSN they cover
 * segments/seg-<id>-<seq>.qvr  checked file QSEG per segment (collection/segment-codec.ts)
 * segments/hnsw-<id>-<seq>-<n>.qvr  checked file QHNS per graph of a sealed segment
 *                              (collection/index-file.ts)
 * segments/vec-<id>-<seq>-<n>.qvr   checked file QVEC per dense vector kept on disk
 *                              (`on_disk: true`) of a sealed segment (storage/vector-file.ts)
 * ```
 * Manifest body (MessagePack): `{ seq, coveredOp, coveredLsn, segments: string[],
 * indexes?: string[], vectors?: string[], dead?: { [segment file]: Uint8Array } }` (`indexes`,
 * `vectors`: the index and vector files the segments name; `dead`: for each sealed segment, its
 * deleted offsets as a bitset).
 *
 * Rules:
 * - A checkpoint writes only segments that changed since the last one (new file names, never
 *   overwritten in place), then the manifest, each atomically (temp, fsync, rename, fsync dir).
 * - The newest two checkpoints are kept with their files, and the WAL keeps every record after
 *   the OLDER one: if the newest checkpoint is damaged, recovery falls back to the previous one
 *   and replays a longer stretch of the log.
 * - A sealed segment's file is written once, like its index files: later deletions travel in
 *   the manifest's `dead` bitsets (a few bytes per thousand points), not in a rewrite of a file
 *   of hundreds of megabytes. A snapshot copies it with the deletions written in.
 * - A sealed segment's index file is written once and shared by later checkpoints. One that is
 *   missing or damaged at open is rebuilt from the segment's vectors there and then, and
 *   reported in `repairs`; the next checkpoint writes it again.
 * - A sealed segment's vector file (originals of an `on_disk` vector) is written once too, before
 *   the segment file naming it; once persisted, the segment's column reads it by offset instead
 *   of holding the vectors (collection/on-disk-vectors.ts). One that is missing or damaged at
 *   open cannot be rebuilt: that checkpoint is unusable, and if no older one is, opening fails
 *   with `CORRUPT_DATA` naming the file.
 * - Replay is idempotent: each record names the op number of its first operation, and records
 *   whose operations are already in the state are skipped.
 */
import { Packr } from 'msgpackr';
import { QuiverError } from '../errors.js';
import {
  decodeCheckedFile,
  encodeCheckedFile,
  removeTempFiles,
  writeFileAtomic,
} from '../storage/checked-file.js';
import type { FileSystem } from '../storage/file-system.js';
import { joinPath } from '../storage/file-system.js';
import { Wal } from '../storage/wal.js';
import type { PlainSegment } from '../segment/plain-segment.js';
import { VectorColumn } from '../segment/vector-column.js';
import type { HnswIndex } from '../index/hnsw.js';
import type { Schemas } from '../api/wire.js';
import { Collection } from './collection.js';
import { type VectorSpec, collectionSpecs } from './config.js';
import { vectorIndexConfig } from './index-config.js';
import { decodeIndexFile, encodeIndexFile } from './index-file.js';
import { decodeOps, encodeOps } from './op-codec.js';
import type { CollectionOp } from './operations.js';
import { buildGraph } from './segment-builder.js';
import {
  type OpenedVectorFile,
  columnData,
  isLostVectors,
  openVectorFile,
  vectorOnDisk,
} from './on-disk-vectors.js';
import { encodeVectorFile } from '../storage/vector-file.js';
import { buildSegmentCodes, effectiveQuantization } from '../quantization/segment-codes.js';
import {
  type DecodedSegment,
  deadBits,
  deadOffsets,
  decodeSegment,
  encodeSegment,
  withDeletions,
} from './segment-codec.js';

const MANIFEST_MAGIC = 'QMAN';
const MANIFEST_VERSION = 1;
const MANIFEST_NAME = /^manifest-(\d{12})\.qvr$/;
const packr = new Packr({ useRecords: false });

interface Manifest {
  seq: number;
  coveredOp: number;
  coveredLsn: number;
  segments: string[];
  indexes?: string[];
  vectors?: string[];
  dead?: Record<string, Uint8Array>;
}

/** Runs a build generator to its end. */
function finish<T>(job: Generator<void, T>): T {
  for (;;) {
    const step = job.next();
    if (step.done === true) return step.value;
  }
}

/**
 * Loads the graphs of a decoded sealed segment, rebuilding any whose file is missing or
 * damaged, and seals it. Returns the graphs read from files with their names (not rewritten by
 * the next checkpoint) and what was repaired.
 */
async function sealDecoded(
  decoded: DecodedSegment,
  options: {
    fs: FileSystem;
    segDir: string;
    specs: VectorSpec[];
    config: Schemas['CollectionConfig'];
    /** Receives each vector file opened (name and handle). */
    opened: (column: VectorColumn, file: string, handle: OpenedVectorFile) => void;
  },
): Promise<{ loaded: Map<HnswIndex, string>; repairs: string[] }> {
  const { segment, indexFiles } = decoded;
  const loaded = new Map<HnswIndex, string>();
  const repairs: string[] = [];
  for (const [name, { file, present }] of decoded.vectorFiles ?? []) {
    const spec = options.specs.find((s) => s.name === name);
    if (spec === undefined) continue;
    const handle = await openVectorFile({
      fs: options.fs,
      path: joinPath(options.segDir, file),
      dim: spec.size,
      count: segment.size,
      label: `segment ${segment.id} (${name === '' ? 'the unnamed vector' : `vector "${name}"`})`,
    });
    const column = VectorColumn.onDisk(handle.store, present);
    for (let o = 0; o < segment.size; o++) if (!segment.isLive(o)) column.clear(o);
    segment.columns.set(name, column);
    options.opened(column, file, handle);
  }
  const indexes = new Map<string, HnswIndex>();
  for (const [name, file] of Object.entries(indexFiles ?? {})) {
    const column = segment.columns.get(name);
    const spec = options.specs.find((s) => s.name === name);
    if (column?.store === undefined || spec === undefined) continue;
    const path = joinPath(options.segDir, file);
    let why: string;
    try {
      if (await options.fs.exists(path)) {
        const index = decodeIndexFile(await options.fs.readFile(path), column.store, path);
        indexes.set(name, index);
        loaded.set(index, file);
        continue;
      }
      why = `${path} is missing`;
    } catch (err) {
      why = err instanceof Error ? err.message : String(err);
    }
    const config = vectorIndexConfig(options.config, name);
    const rebuilt = finish(buildGraph(column.store, column.present, spec, config));
    if (rebuilt !== undefined) indexes.set(name, rebuilt);
    const label = name === '' ? 'the unnamed vector' : `vector "${name}"`;
    const done =
      rebuilt === undefined ? 'left it out (m is 0)' : 'rebuilt it from the stored vectors';
    repairs.push(`HNSW index of segment ${segment.id} (${label}) was unusable (${why}); ${done}`);
  }
  segment.seal(indexes);
  // Quantized codes are rebuilt from the stored vectors (seeded training: the same codes).
  for (const name of indexes.keys()) {
    const column = segment.columns.get(name);
    const spec = options.specs.find((s) => s.name === name);
    if (column?.store === undefined || spec === undefined) continue;
    // Originals on disk are read once, in full, to train and encode; then dropped.
    const data = column.isOnDisk ? columnData(column, segment.size) : undefined;
    const { dim, count } = column.store;
    const codes = buildSegmentCodes({
      store: data === undefined ? column.store : { dim, count, view: () => ({ data, base: 0 }) },
      present: column.present,
      distance: spec.distance,
      config: effectiveQuantization(options.config, name),
    });
    if (codes !== undefined) segment.quantized.set(name, codes);
  }
  return { loaded, repairs };
}

/** Options for {@link CollectionStore.open}. */
export interface CollectionStoreOptions {
  /** The storage port. */
  fs: FileSystem;
  /** The collection's own directory. */
  dir: string;
  /** Collection name. */
  name: string;
  /** Its configuration (vectors and `wal_config` are used here). */
  config: Schemas['CollectionConfig'];
  /** Declared payload indexes, passed through to the collection. */
  payloadIndexes?: Iterable<[string, Schemas['PayloadFieldSchema']]>;
}

/** What {@link CollectionStore.open} returns. */
export interface OpenedCollection {
  store: CollectionStore;
  collection: Collection;
  /** What recovery repaired or fell back from, in words (also for logs and collection info). */
  repairs: string[];
  /** WAL records replayed on open. */
  replayed: number;
}

function manifestName(seq: number): string {
  return `manifest-${String(seq).padStart(12, '0')}.qvr`;
}

/** The durable side of one collection (see the module comment). */
export class CollectionStore {
  private readonly fs: FileSystem;
  private readonly dir: string;
  private readonly wal: Wal;
  private current: Manifest | undefined;
  private previous: Manifest | undefined;
  /** Segment object → mutation count and file of its last written version. */
  private written = new WeakMap<PlainSegment, { mutations: number; file: string }>();
  /** Graph → the index file holding it. */
  private indexWritten = new WeakMap<HnswIndex, string>();
  /** Column read from a vector file → that file. */
  private vectorWritten = new WeakMap<VectorColumn, string>();
  /** Open vector files by name: closed once no kept checkpoint names them, or on close. */
  private readonly vectorHandles = new Map<string, OpenedVectorFile>();
  private running: Promise<void> | undefined;
  /** Segment files a snapshot is copying: not deleted until released. */
  private readonly pinned = new Map<string, number>();
  private failure: QuiverError | undefined;
  private walBytesAtCheckpoint: number;

  private constructor(fs: FileSystem, dir: string, wal: Wal) {
    this.fs = fs;
    this.dir = dir;
    this.wal = wal;
    this.walBytesAtCheckpoint = wal.sizeBytes;
  }

  /** Opens (creating if new) the collection stored in `options.dir`, recovering it. */
  static async open(options: CollectionStoreOptions): Promise<OpenedCollection> {
    const { fs, dir } = options;
    const segDir = joinPath(dir, 'segments');
    await fs.mkdirp(segDir);
    const repairs: string[] = [];
    for (const where of [dir, segDir]) {
      for (const name of await removeTempFiles({ fs, dir: where })) {
        repairs.push(`removed leftover temporary file ${joinPath(where, name)}`);
      }
    }
    const specs = collectionSpecs(options.config);
    const manifests = (await fs.list(dir))
      .filter((n) => MANIFEST_NAME.test(n))
      .sort()
      .reverse();
    let loaded:
      | {
          manifest: Manifest;
          segments: PlainSegment[];
          files: Map<PlainSegment, string>;
          indexes: Map<HnswIndex, string>;
          vectors: Map<VectorColumn, string>;
        }
      | undefined;
    let fallback: Manifest | undefined;
    /** Vector files opened by the checkpoint being loaded (closed if it proves unusable). */
    let handles: { column: VectorColumn; file: string; handle: OpenedVectorFile }[] = [];
    /** The first vector file found lost: fatal when no checkpoint is usable. */
    let lostVectors: QuiverError | undefined;
    for (const name of manifests) {
      try {
        const path = joinPath(dir, name);
        const file = decodeCheckedFile({
          bytes: await fs.readFile(path),
          magic: MANIFEST_MAGIC,
          path,
        });
        const manifest = packr.unpack(file.body) as Manifest;
        if (loaded !== undefined) {
          fallback = manifest;
          break;
        }
        const segments: PlainSegment[] = [];
        const files = new Map<PlainSegment, string>();
        const decoded: DecodedSegment[] = [];
        for (const seg of manifest.segments) {
          const segPath = joinPath(segDir, seg);
          if (!(await fs.exists(segPath))) {
            throw new QuiverError('CORRUPT_DATA', `${segPath} is missing`);
          }
          const one = decodeSegment(await fs.readFile(segPath), specs, segPath);
          const dead = manifest.dead?.[seg];
          if (dead !== undefined) {
            for (const o of deadOffsets(dead, one.segment.size)) one.segment.remove(o);
          }
          decoded.push(one);
          segments.push(one.segment);
          files.set(one.segment, seg);
        }
        const indexes = new Map<HnswIndex, string>();
        for (const one of decoded) {
          if (one.indexFiles === undefined) continue;
          const sealed = await sealDecoded(one, {
            fs,
            segDir,
            specs,
            config: options.config,
            opened: (column, file, handle) => handles.push({ column, file, handle }),
          });
          for (const [index, file] of sealed.loaded) indexes.set(index, file);
          repairs.push(...sealed.repairs);
        }
        const vectors = new Map(handles.map((h) => [h.column, h.file]));
        loaded = { manifest, segments, files, indexes, vectors };
      } catch (err) {
        if (loaded !== undefined) break;
        for (const h of handles) h.handle.close();
        handles = [];
        if (isLostVectors(err)) lostVectors ??= err as QuiverError;
        const why = err instanceof Error ? err.message : String(err);
        repairs.push(
          `checkpoint ${name} is unusable (${why}); falling back to an older checkpoint and a longer replay`,
        );
      }
    }
    if (loaded === undefined && lostVectors !== undefined) throw lostVectors;
    if (manifests.length > 0 && loaded === undefined) {
      repairs.push('no usable checkpoint; rebuilding from the whole write-ahead log');
    }
    const walConfig = (options.config.wal_config ?? {}) as Partial<Schemas['WalConfig']>;
    const opened = await Wal.open({
      fs,
      dir: joinPath(dir, 'wal'),
      capacityMb: walConfig.wal_capacity_mb ?? 32,
      segmentsAhead: Math.min(8, walConfig.wal_segments_ahead ?? 0),
    });
    for (const r of opened.repairs) repairs.push(`write-ahead log: ${describeWarning(r)}`);
    const collection = new Collection({
      name: options.name,
      config: options.config,
      payloadIndexes: options.payloadIndexes,
      restore:
        loaded === undefined
          ? undefined
          : { segments: loaded.segments, lastOp: loaded.manifest.coveredOp },
    });
    const store = new CollectionStore(fs, dir, opened.wal);
    // What is on disk already is not written again until it changes.
    for (const [segment, file] of loaded?.files ?? []) {
      store.written.set(segment, { mutations: segment.mutations, file });
    }
    for (const [index, file] of loaded?.indexes ?? []) store.indexWritten.set(index, file);
    for (const [column, file] of loaded?.vectors ?? []) store.vectorWritten.set(column, file);
    for (const h of handles) store.vectorHandles.set(h.file, h.handle);
    store.current = loaded?.manifest;
    store.previous = fallback;
    const replayed = await store.replay(collection);
    return { store, collection, repairs, replayed };
  }

  /**
   * Applies every logged record whose operations are not yet in `collection`. Idempotent:
   * running it again applies nothing. Returns the number of records applied.
   * @throws QuiverError `CORRUPT_DATA` when the log does not continue where the state ends.
   */
  async replay(collection: Collection): Promise<number> {
    let applied = 0;
    for await (const record of this.wal.read()) {
      const { firstOp, ops } = decodeOps(record.payload);
      if (firstOp + ops.length - 1 <= collection.lastOp) continue;
      if (firstOp !== collection.lastOp + 1) {
        throw new QuiverError(
          'CORRUPT_DATA',
          `collection "${collection.name}": the write-ahead log continues at op ${firstOp} but the checkpoint ends at op ${collection.lastOp}; operations in between are lost`,
        );
      }
      collection.apply(ops);
      applied++;
    }
    return applied;
  }

  /** WAL statistics, for metrics. */
  get walStats(): Wal['stats'] {
    return this.wal.stats;
  }

  /** WAL bytes on disk. */
  get walBytes(): number {
    return this.wal.sizeBytes;
  }

  /** WAL bytes written since the last checkpoint. */
  get walBytesSinceCheckpoint(): number {
    return Math.max(0, this.wal.sizeBytes - this.walBytesAtCheckpoint);
  }

  /** Op number the newest checkpoint covers (0 before the first). */
  get checkpointedOp(): number {
    return this.current?.coveredOp ?? 0;
  }

  /** Throws the stored failure when the log is broken (writes are then refused). */
  assertWritable(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Logs operations that were just applied, resolving once they are durable. Must be called
   * synchronously right after `Collection.apply`, so log order is apply order.
   * @throws QuiverError `IO_ERROR` when the log cannot be written; the store then refuses
   * further writes until reopened.
   */
  log(firstOp: number, ops: readonly CollectionOp[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return this.wal.append(encodeOps({ firstOp, ops })).then(
      () => undefined,
      (err: unknown) => {
        this.failure = new QuiverError(
          'IO_ERROR',
          `write-ahead log of ${this.dir} failed; the collection refuses writes until restarted: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
        throw this.failure;
      },
    );
  }

  /** Writes a checkpoint of `collection` (see the module comment); concurrent calls share one. */
  checkpoint(collection: Collection): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.running = this.runCheckpoint(collection).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runCheckpoint(collection: Collection): Promise<void> {
    if (this.current !== undefined && this.current.coveredOp === collection.lastOp) return;
    // Everything up to `await` runs in one tick: the state captured and the LSN it covers
    // match exactly, since writes apply and log synchronously.
    const seq = (this.current?.seq ?? 0) + 1;
    const toWrite: { file: string; bytes: Uint8Array; segment: PlainSegment; mutations: number }[] =
      [];
    const indexWrites: { file: string; bytes: Uint8Array; index: HnswIndex }[] = [];
    const vectorWrites: { file: string; bytes: Uint8Array; segment: PlainSegment; name: string }[] =
      [];
    const files: string[] = [];
    const indexFiles: string[] = [];
    const vectorFiles: string[] = [];
    /** Columns whose vector file is written but which still hold their vectors in memory. */
    const moves: { segment: PlainSegment; name: string; file: string }[] = [];
    /** Vector files read by the collection's segments now (kept even if no manifest names them). */
    const inUse = new Set<string>();
    const dead: Record<string, Uint8Array> = {};
    for (const segment of collection.segments) {
      if (segment.liveCount === 0) {
        for (const column of segment.columns.values()) {
          const file = this.vectorWritten.get(column);
          if (file !== undefined && column.isOnDisk) inUse.add(file);
        }
        continue;
      }
      const named: Record<string, string> = {};
      let newIndex = false;
      let n = 0;
      for (const [name, index] of segment.indexes) {
        let file = this.indexWritten.get(index);
        if (file === undefined) {
          file = `hnsw-${segment.id}-${seq}-${n}.qvr`;
          indexWrites.push({ file, bytes: encodeIndexFile(index), index });
          newIndex = true;
        }
        n++;
        named[name] = file;
        indexFiles.push(file);
      }
      // Vector files: those a column already reads, and new ones for on_disk vectors.
      const onDisk: Record<string, string> = {};
      const prior = this.written.get(segment);
      const unchanged = segment.sealed || prior?.mutations === segment.mutations;
      const rewrite = prior === undefined || !unchanged || newIndex;
      for (const [name, column] of segment.columns) {
        if (!segment.sealed) break;
        let file = this.vectorWritten.get(column);
        if (file !== undefined && column.isOnDisk) inUse.add(file);
        else if (file !== undefined) moves.push({ segment, name, file });
        if (file === undefined && rewrite && vectorOnDisk(collection.config, name)) {
          file = `vec-${segment.id}-${seq}-${vectorWrites.length}.qvr`;
          const data = columnData(column, segment.size);
          const bytes = encodeVectorFile({ dim: column.dim, count: segment.size, data });
          vectorWrites.push({ file, bytes, segment, name });
          moves.push({ segment, name, file });
        }
        if (file === undefined) continue;
        onDisk[name] = file;
        vectorFiles.push(file);
      }
      if (!rewrite) {
        files.push(prior.file);
        if (segment.sealed) dead[prior.file] = deadBits(segment);
        continue;
      }
      const file = `seg-${segment.id}-${seq}.qvr`;
      if (segment.sealed) dead[file] = deadBits(segment);
      toWrite.push({
        file,
        bytes: encodeSegment(segment, named, onDisk),
        segment,
        mutations: segment.mutations,
      });
      files.push(file);
    }
    const manifest: Manifest = {
      seq,
      coveredOp: collection.lastOp,
      coveredLsn: this.wal.assignedLsn,
      segments: files,
      indexes: indexFiles,
      vectors: vectorFiles,
      dead,
    };
    const walSize = this.wal.sizeBytes;
    // The manifest may only claim what the log has made durable (see the module comment).
    await this.wal.waitDurable();
    const segDir = joinPath(this.dir, 'segments');
    // Index files before the segment files naming them, all before the manifest.
    for (const w of indexWrites)
      await writeFileAtomic({ fs: this.fs, path: joinPath(segDir, w.file), bytes: w.bytes });
    for (const w of vectorWrites)
      await writeFileAtomic({ fs: this.fs, path: joinPath(segDir, w.file), bytes: w.bytes });
    for (const w of toWrite)
      await writeFileAtomic({ fs: this.fs, path: joinPath(segDir, w.file), bytes: w.bytes });
    const body = encodeCheckedFile({
      magic: MANIFEST_MAGIC,
      version: MANIFEST_VERSION,
      body: packr.pack(manifest),
    });
    await writeFileAtomic({
      fs: this.fs,
      path: joinPath(this.dir, manifestName(seq)),
      bytes: body,
    });
    for (const w of toWrite) this.written.set(w.segment, { mutations: w.mutations, file: w.file });
    for (const w of indexWrites) this.indexWritten.set(w.index, w.file);
    // Named now, so a later checkpoint keeps listing the file even if the move below fails.
    for (const w of vectorWrites) this.vectorWritten.set(w.segment.columns.get(w.name)!, w.file);
    this.previous = this.current;
    this.current = manifest;
    this.walBytesAtCheckpoint = walSize;
    for (const m of moves) {
      await this.moveToDisk(m.segment, m.name, m.file);
      inUse.add(m.file);
    }
    await this.removeUnreferenced(inUse);
  }

  /**
   * Swaps the in-memory column of vector `name` of a sealed segment just persisted for a reader
   * of its vector file `file`, and points the segment's graph at it: the originals leave memory.
   */
  private async moveToDisk(segment: PlainSegment, name: string, file: string): Promise<void> {
    const column = segment.columns.get(name);
    if (column === undefined || column.isOnDisk) return;
    const handle = await openVectorFile({
      fs: this.fs,
      path: joinPath(this.dir, 'segments', file),
      dim: column.dim,
      count: segment.size,
      label: `segment ${segment.id} (${name === '' ? 'the unnamed vector' : `vector "${name}"`})`,
    });
    const moved = VectorColumn.onDisk(handle.store, column.present);
    segment.indexes.get(name)?.moveTo(handle.store);
    segment.columns.set(name, moved);
    this.vectorWritten.set(moved, file);
    this.vectorHandles.set(file, handle);
  }

  /**
   * Writes a checkpoint and pins its files until `release()`, so a snapshot can copy a state
   * consistent at one op number while writes and later checkpoints go on.
   */
  async pinCheckpoint(collection: Collection): Promise<{
    coveredOp: number;
    files: string[];
    /** Index and vector files of the sealed segments: name and path. */
    indexFiles: { name: string; path: string }[];
    read: (path: string) => Promise<Uint8Array>;
    release: () => void;
  }> {
    await this.checkpoint(collection);
    const manifest = this.current!;
    const segDir = joinPath(this.dir, 'segments');
    // Vector files travel with the index files: both are named side files of sealed segments.
    const indexNames = [...(manifest.indexes ?? []), ...(manifest.vectors ?? [])];
    const files = [...manifest.segments, ...indexNames];
    for (const f of files) this.pinned.set(f, (this.pinned.get(f) ?? 0) + 1);
    let released = false;
    const deadByPath = new Map(
      Object.entries(manifest.dead ?? {}).map(([f, bits]) => [joinPath(segDir, f), bits]),
    );
    return {
      coveredOp: manifest.coveredOp,
      files: manifest.segments.map((f) => joinPath(segDir, f)),
      indexFiles: indexNames.map((name) => ({ name, path: joinPath(segDir, name) })),
      // A sealed segment's file, made self-contained: its later deletions written in.
      read: async (path) => {
        const bytes = await this.fs.readFile(path);
        const dead = deadByPath.get(path);
        return dead === undefined ? bytes : withDeletions(bytes, dead, path);
      },
      release: () => {
        if (released) return;
        released = true;
        for (const f of files) {
          const n = (this.pinned.get(f) ?? 1) - 1;
          if (n <= 0) this.pinned.delete(f);
          else this.pinned.set(f, n);
        }
      },
    };
  }

  /**
   * Lays out a new collection directory from segment files (QSEG bytes, e.g. from a snapshot)
   * and the index files they name, as checkpoint 1 covering `lastOp`, ready for
   * {@link CollectionStore.open}.
   */
  static async seed(options: {
    fs: FileSystem;
    dir: string;
    segments: Uint8Array[];
    indexes?: { name: string; bytes: Uint8Array }[];
    lastOp: number;
  }): Promise<void> {
    const { fs, dir } = options;
    const segDir = joinPath(dir, 'segments');
    await fs.mkdirp(segDir);
    const indexNames: string[] = [];
    const vectorNames: string[] = [];
    for (const { name, bytes } of options.indexes ?? []) {
      if (/^vec-[0-9]+-[0-9]+-[0-9]+\.qvr$/.test(name)) vectorNames.push(name);
      else if (!/^hnsw-[0-9]+-[0-9]+-[0-9]+\.qvr$/.test(name)) {
        throw new QuiverError(
          'CORRUPT_DATA',
          `index file name ${JSON.stringify(name)} is not valid`,
        );
      }
      await writeFileAtomic({ fs, path: joinPath(segDir, name), bytes });
      if (!name.startsWith('vec-')) indexNames.push(name);
    }
    const names: string[] = [];
    for (const [i, bytes] of options.segments.entries()) {
      const name = `seg-${i}-1.qvr`;
      await writeFileAtomic({ fs, path: joinPath(segDir, name), bytes });
      names.push(name);
    }
    const manifest: Manifest = {
      seq: 1,
      coveredOp: options.lastOp,
      coveredLsn: 0,
      segments: names,
      indexes: indexNames,
      vectors: vectorNames,
    };
    const body = encodeCheckedFile({
      magic: MANIFEST_MAGIC,
      version: MANIFEST_VERSION,
      body: packr.pack(manifest),
    });
    await writeFileAtomic({ fs, path: joinPath(dir, manifestName(1)), bytes: body });
  }

  /** Drops WAL records and files that neither kept checkpoint needs. */
  private async removeUnreferenced(inUse: ReadonlySet<string> = new Set()): Promise<void> {
    const keepFrom = this.previous?.coveredLsn ?? this.current?.coveredLsn ?? 0;
    await this.wal.truncateBelow({ lsn: keepFrom + 1 });
    const keep = new Set([
      ...(this.current?.segments ?? []),
      ...(this.previous?.segments ?? []),
      ...(this.current?.indexes ?? []),
      ...(this.previous?.indexes ?? []),
      ...(this.current?.vectors ?? []),
      ...(this.previous?.vectors ?? []),
      ...this.pinned.keys(),
      // Files the collection's segments read now (one without live points is not in the
      // manifest but is still searched through).
      ...inUse,
    ]);
    const segDir = joinPath(this.dir, 'segments');
    for (const [name, handle] of this.vectorHandles) {
      if (keep.has(name)) continue;
      handle.close();
      this.vectorHandles.delete(name);
    }
    for (const name of await this.fs.list(segDir)) {
      if (!keep.has(name)) await this.fs.remove(joinPath(segDir, name));
    }
    const keepManifests = new Set(
      [this.current, this.previous].filter((m) => m !== undefined).map((m) => manifestName(m.seq)),
    );
    for (const name of await this.fs.list(this.dir)) {
      if (MANIFEST_NAME.test(name) && !keepManifests.has(name))
        await this.fs.remove(joinPath(this.dir, name));
    }
    this.walBytesAtCheckpoint = Math.min(this.walBytesAtCheckpoint, this.wal.sizeBytes);
  }

  /** Waits for in-flight log writes, then closes the log. Call `checkpoint` first for a clean close. */
  async close(): Promise<void> {
    if (this.running !== undefined) await this.running.catch(() => undefined);
    for (const handle of this.vectorHandles.values()) handle.close();
    this.vectorHandles.clear();
    await this.wal.close();
  }
}

function describeWarning(w: unknown): string {
  if (w !== null && typeof w === 'object' && 'message' in w)
    return String((w as { message: unknown }).message);
  return JSON.stringify(w);
}
