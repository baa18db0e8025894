/**
 * The embedded engine's public face. Method names, arguments and results follow `QdrantClient`
 * of `@qdrant/js-client-rest` (Qdrant's REST bodies, snake_case, the `result` unwrapped), so the
 * same code runs against an embedded Quiver and a Quiver or Qdrant server.
 */
import type { Schemas } from '../api/wire.js';
import {
  checkBool,
  checkEnum,
  checkKnownFields,
  checkObject,
  checkString,
  optional,
} from '../api/check.js';
import { QuiverError } from '../errors.js';
import { Collection } from '../collection/collection.js';
import {
  checkCollectionName,
  createCollectionConfig,
  updateCollectionConfig,
} from '../collection/config.js';
import {
  type CollectionOp,
  parseBatch,
  parseClearPayload,
  parseDelete,
  parseDeletePayload,
  parseDeleteVectors,
  parseSetPayload,
  parseUpdateVectors,
  parseUpsert,
} from '../collection/operations.js';
import { count, retrieve, scroll } from '../collection/read.js';
import { CollectionStore } from '../collection/collection-store.js';
import type { FileSystem, DirLock } from '../storage/file-system.js';
import { joinPath } from '../storage/file-system.js';
import { removeTempFiles } from '../storage/checked-file.js';
import type { WalStats } from '../storage/wal-stats.js';
import { queryBatch, queryGroups, queryPoints } from '../collection/query/api.js';
import { cachedQuery } from '../collection/query/cache.js';
import {
  type ParallelSearch,
  type ParallelSearchSettings,
  openParallelSearch,
} from '../parallel/parallel-search.js';
import {
  type DuplicatesResult,
  type RangeSearchResult,
  type SimilarityResult,
  findDuplicates,
  rangeSearch,
  similarity,
} from '../collection/query/extensions.js';
import { facet } from '../collection/query/facet.js';
import { Deadline, checkTimeout } from '../collection/query/guards.js';
import {
  type LegacyKind,
  legacyBatch,
  legacyGroups,
  legacySearch,
} from '../collection/query/legacy.js';
import { matrixOffsets, matrixPairs } from '../collection/query/matrix.js';
import type { QueryContext, QueryPlanInfo } from '../collection/query/plan.js';
import { applyAliasActions, parseAliasActions } from './aliases.js';
import { type Catalog, newCollectionDir, readCatalog, writeCatalog } from './catalog.js';
import { collectionInfo, checkPayloadIndex } from './collection-info.js';
import { optimizationsOf } from './optimizations.js';
import { parseKeyPath } from '../payload/key-path.js';
import {
  type ArchivedCollection,
  deleteSnapshot,
  listSnapshots,
  openSnapshot,
  readSnapshot,
  snapshotDir,
  writeSnapshot,
} from './snapshots.js';
import { fileSha256 } from '../storage/snapshot-archive.js';
import { type VectorMemoryReport, vectorMemory } from './vector-memory.js';

/** When checkpoints are written (besides `close()`). */
export interface CheckpointOptions {
  /**
   * Seconds between periodic checkpoints of collections that changed. Default 60, range
   * 1..86400. Shorter: faster recovery and WAL space freed sooner, more write I/O.
   */
  intervalSec?: number;
  /**
   * A collection is checkpointed as soon as its WAL has grown this many MiB since the last
   * checkpoint. Default 64, range 1..65536. Bounds both recovery time and WAL disk use.
   */
  walMb?: number;
}

/** Options of {@link Quiver.open}. */
export interface QuiverOptions extends ParallelSearchSettings {
  /**
   * Data directory. Without it the database lives in memory only. With it every acknowledged
   * write is durable (write-ahead log + checkpoints) and the directory is locked against a
   * second process.
   */
  path?: string;
  /**
   * Storage port to use for `path` (default: the Node file system adapter, loaded lazily, so
   * browser builds can pass their own, e.g. an in-memory or OPFS one).
   */
  fs?: FileSystem;
  /** Checkpoint policy. */
  checkpoint?: CheckpointOptions;
  /** Receives what recovery repaired and other non-fatal problems, in words. */
  onWarning?: (message: string) => void;
  /**
   * When a collection cannot be opened (damaged beyond what recovery repairs, unreadable), leave
   * it out instead of failing the whole open: the others are served, it is listed by
   * {@link Quiver.failedCollections}, its files and catalog entry are kept untouched for repair
   * or restore, its name stays taken, and calls on it fail with `CORRUPT_DATA`; deleting it
   * removes it. Default `false`: any failure fails the open (embedded use). The server sets it.
   */
  skipFailedCollections?: boolean;
  /**
   * Receives, for every nearest-neighbour search that runs (not for cached answers), how each
   * segment was searched (`exact`, `hnsw`, `skipped`). For explain output and debug logs; keep
   * it cheap, it runs inside the query.
   */
  onQueryPlan?: (plan: QueryPlanInfo) => void;
}

/** One collection's counters (see {@link Quiver.stats}). */
export interface CollectionStats {
  /** Collection name. */
  collection: string;
  /** Live points. */
  points: number;
  /** Segments holding them. */
  segments: number;
  /**
   * Bytes of dense vectors held in memory: float32 originals (those not kept on disk) plus
   * quantized codes (see {@link Quiver.vectorMemory}). Leaves out payloads, sparse and
   * multivectors, and index graphs.
   */
  vectorBytes: number;
  /** The collection's folder under the data directory (persistent mode only). */
  dir?: string;
  /** Bytes of write-ahead log on disk (persistent mode only). */
  walBytes?: number;
  /** WAL counters since open (persistent mode only). */
  wal?: WalStats;
}

/** In-memory bytes of a vector memory report (originals in memory plus quantized codes). */
function memoryBytes(report: VectorMemoryReport): number {
  let bytes = 0;
  for (const v of Object.values(report.vectors)) bytes += v.original_bytes + v.quantized_bytes;
  return bytes;
}

/** The durable side of a database opened with a `path`. */
interface Persistence {
  fs: FileSystem;
  root: string;
  lock: DirLock;
  stores: Map<string, CollectionStore>;
  dirs: Map<string, string>;
  /** Serialises catalog rewrites. */
  catalogWrite: Promise<void>;
  timer: ReturnType<typeof setInterval> | undefined;
  walBytesLimit: number;
}

/** Query-string parameters of Qdrant's write endpoints, accepted on every write method. */
export interface WriteParams {
  /** Wait until the change is applied (`completed`) or return once accepted (`acknowledged`). */
  wait?: boolean;
  /** Qdrant's write ordering (`weak` | `medium` | `strong`); single-node: all equivalent. */
  ordering?: Schemas['WriteOrdering'];
  /** Seconds before the call gives up. */
  timeout?: number;
}

const WRITE_PARAM_KEYS = ['wait', 'ordering', 'timeout'] as const;

/** Splits write params from the body, validating them. */
function splitWriteParams(args: unknown): { wait: boolean; body: Record<string, unknown> } {
  const all = checkObject(args ?? {}, '');
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (!(WRITE_PARAM_KEYS as readonly string[]).includes(k)) body[k] = v;
  }
  const wait = optional(all.wait, (v) => checkBool(v, 'wait')) ?? true;
  optional(all.ordering, (v) => checkEnum(v, ['weak', 'medium', 'strong'] as const, 'ordering'));
  return { wait, body };
}

/** Read params that Qdrant's clients pass along with read bodies. */
function stripReadParams(args: unknown): Record<string, unknown> {
  const { consistency: _c, timeout: _t, ...body } = checkObject(args ?? {}, '');
  return body;
}

/** Read params of Qdrant's search endpoints, accepted with every query body. */
export interface ReadParams {
  /** Read consistency (single node: ignored). */
  consistency?: unknown;
  /** Seconds before the query is aborted with `TIMEOUT`. */
  timeout?: number;
}

/** A legacy (Qdrant <= 1.18) search, recommend or discover body. */
export type LegacyBody = Record<string, unknown> & ReadParams;

/** An embedded Quiver database (see the module comment). */
export class Quiver {
  private readonly collections = new Map<string, Collection>();
  private aliases = new Map<string, string>();
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly repairs = new Map<string, string[]>();
  private readonly reserved = new Set<string>();
  /** Collections that failed to open (with `skipFailedCollections`): catalog entry and reason. */
  private readonly failed = new Map<
    string,
    { entry: Catalog['collections'][number]; reason: string }
  >();
  private persistence: Persistence | undefined;
  private readonly warn: (message: string) => void;
  private readonly onQueryPlan: ((plan: QueryPlanInfo) => void) | undefined;
  /** Graph searches on worker threads (`searchThreads` / `searchPool`), when configured. */
  private parallel: ParallelSearch | undefined;
  /** Closes the search pool Quiver started (not one passed in as `searchPool`). */
  private closePool: (() => Promise<void>) | undefined;

  private constructor(options: QuiverOptions) {
    this.warn = options.onWarning ?? (() => undefined);
    this.onQueryPlan = options.onQueryPlan;
  }

  /**
   * Opens a database: in memory, or persistent in `options.path` (recovering it: checksums
   * verified, torn WAL tail truncated, damaged checkpoints fallen back from, WAL replayed).
   * `close()` it when done.
   */
  static async open(options: QuiverOptions = {}): Promise<Quiver> {
    const db = new Quiver(options);
    const parallel = await openParallelSearch(options, db.warn);
    db.parallel = parallel?.search;
    db.closePool = parallel?.close;
    try {
      if (options.path !== undefined) await db.openStorage(options.path, options);
    } catch (err) {
      await db.closePool?.();
      throw err;
    }
    return db;
  }

  private async openStorage(root: string, options: QuiverOptions): Promise<void> {
    let fs = options.fs;
    if (fs === undefined) {
      // Loaded lazily so the engine never pulls Node modules into a browser bundle.
      const { NodeFileSystem } = await import('../node/node-file-system.js');
      fs = new NodeFileSystem();
    }
    await fs.mkdirp(joinPath(root, 'collections'));
    const lock = await fs.lock(root);
    const intervalSec = options.checkpoint?.intervalSec ?? 60;
    const walMb = options.checkpoint?.walMb ?? 64;
    const p: Persistence = {
      fs,
      root,
      lock,
      stores: new Map(),
      dirs: new Map(),
      catalogWrite: Promise.resolve(),
      timer: undefined,
      walBytesLimit: walMb * 1024 * 1024,
    };
    try {
      for (const name of await removeTempFiles({ fs, dir: root }))
        this.warn(`removed leftover temporary file ${name}`);
      const catalog = await readCatalog(fs, root);
      const known = new Set(catalog.collections.map((c) => c.dir));
      for (const dir of await fs.list(joinPath(root, 'collections'))) {
        if (known.has(dir)) continue;
        // A collection deleted (or half-created) before a crash: nothing of it may remain.
        await fs.removeDir(joinPath(root, 'collections', dir), { recursive: true });
        this.warn(`removed leftover collection folder ${dir}`);
      }
      for (const entry of catalog.collections) {
        let opened: Awaited<ReturnType<typeof CollectionStore.open>>;
        try {
          opened = await CollectionStore.open({
            fs,
            dir: joinPath(root, 'collections', entry.dir),
            name: entry.name,
            config: entry.config,
            payloadIndexes: entry.payloadIndexes,
          });
        } catch (err) {
          if (options.skipFailedCollections !== true) throw err;
          const reason = err instanceof Error ? err.message : String(err);
          this.failed.set(entry.name, { entry, reason });
          this.warn(`collection "${entry.name}" failed to open and is not served: ${reason}`);
          continue;
        }
        this.collections.set(entry.name, opened.collection);
        p.stores.set(entry.name, opened.store);
        p.dirs.set(entry.name, entry.dir);
        if (opened.repairs.length > 0) {
          this.repairs.set(entry.name, opened.repairs);
          for (const r of opened.repairs) this.warn(`collection "${entry.name}": ${r}`);
        }
      }
      this.aliases = new Map(catalog.aliases);
    } catch (err) {
      for (const store of p.stores.values()) await store.close().catch(() => undefined);
      await lock.release();
      throw err;
    }
    this.persistence = p;
    p.timer = setInterval(
      () => void this.checkpointAll().catch((e) => this.warn(`checkpoint failed: ${String(e)}`)),
      intervalSec * 1000,
    );
    (p.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Writes a checkpoint of every collection that changed since its last one. Runs on its own
   * (periodically, when a WAL grows, and at close); exposed for tools and tests.
   */
  async checkpointAll(): Promise<void> {
    const p = this.persistence;
    if (p === undefined) return;
    for (const [name, store] of p.stores) {
      const collection = this.collections.get(name);
      if (collection !== undefined) await store.checkpoint(collection);
    }
  }

  /**
   * Closes the database: waits for in-flight writes, writes a checkpoint, closes the logs and
   * releases the data directory. Every later call fails with `CLOSED`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const collection of this.collections.values()) collection.optimizer.stop();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.closePool?.();
    const p = this.persistence;
    if (p === undefined) return;
    if (p.timer !== undefined) clearInterval(p.timer);
    await p.catalogWrite;
    let failure: unknown;
    for (const [name, store] of p.stores) {
      try {
        const collection = this.collections.get(name);
        if (collection !== undefined) await store.checkpoint(collection);
      } catch (err) {
        failure ??= err;
      }
      await store.close().catch((err: unknown) => (failure ??= err));
    }
    await p.lock.release();
    if (failure !== undefined) throw failure;
  }

  /**
   * Facts per collection for the server's metrics and limits: points, segments and, with a data
   * directory, the collection's folder, its WAL size on disk and WAL counters (fsync latency).
   * Cheap: reads counters, scans nothing.
   */
  stats(): CollectionStats[] {
    if (this.closed) return [];
    const p = this.persistence;
    const out: CollectionStats[] = [];
    for (const [name, collection] of this.collections) {
      const entry: CollectionStats = {
        collection: name,
        points: collection.pointsCount,
        segments: collection.segments.length,
        vectorBytes: memoryBytes(vectorMemory(collection)),
      };
      const store = p?.stores.get(name);
      if (p !== undefined && store !== undefined) {
        entry.dir = joinPath(p.root, 'collections', p.dirs.get(name)!);
        entry.walBytes = store.walBytes;
        entry.wal = store.walStats;
      }
      out.push(entry);
    }
    return out;
  }

  /** Collections that failed to open and are not served (see `skipFailedCollections`). */
  failedCollections(): Array<{ collection: string; reason: string }> {
    return [...this.failed].map(([collection, f]) => ({ collection, reason: f.reason }));
  }

  /** Keeps a promise in the set `close()` waits for. */
  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    return promise.finally(() => this.pending.delete(promise));
  }

  /** Rewrites the catalog (persistent mode), serialised with other rewrites. */
  private saveCatalog(): Promise<void> {
    const p = this.persistence;
    if (p === undefined) return Promise.resolve();
    const snapshot = (): Catalog => ({
      collections: [
        ...[...this.collections.values()].map((c) => ({
          name: c.name,
          dir: p.dirs.get(c.name)!,
          config: c.config,
          payloadIndexes: [...c.payloadIndexes],
        })),
        // Kept as they are, so a later catalog rewrite never orphans their folders.
        ...[...this.failed.values()].map((f) => f.entry),
      ],
      aliases: [...this.aliases],
    });
    const run = p.catalogWrite.then(() => writeCatalog(p.fs, p.root, snapshot()));
    p.catalogWrite = run.catch(() => undefined);
    return this.track(run);
  }

  private live(): void {
    if (this.closed)
      throw new QuiverError(
        'CLOSED',
        'Service unavailable: this Quiver instance is closed; open a new one',
      );
  }

  /** The collection with this name or alias. */
  private resolve(nameOrAlias: string): Collection {
    this.live();
    const name = this.aliases.get(nameOrAlias) ?? nameOrAlias;
    const collection = this.collections.get(name);
    const failure = this.failed.get(name);
    if (collection === undefined && failure !== undefined) {
      throw new QuiverError(
        'CORRUPT_DATA',
        `Service internal error: collection \`${name}\` failed to load at start and is not served (${failure.reason}); restore it from a snapshot, or delete it`,
      );
    }
    if (collection === undefined) {
      throw new QuiverError(
        'COLLECTION_NOT_FOUND',
        `Not found: Collection \`${nameOrAlias}\` doesn't exist!`,
      );
    }
    return collection;
  }

  // ---- collections ----

  /** Creates a collection; fails with `COLLECTION_EXISTS` when the name is taken. */
  async createCollection(
    name: string,
    args: Schemas['CreateCollection'] & { timeout?: number } = {},
  ): Promise<boolean> {
    this.live();
    checkCollectionName(name);
    const { timeout: _t, ...body } = args;
    const config = createCollectionConfig(body);
    if (
      this.collections.has(name) ||
      this.aliases.has(name) ||
      this.reserved.has(name) ||
      this.failed.has(name)
    ) {
      throw new QuiverError(
        'COLLECTION_EXISTS',
        `Wrong input: Collection \`${name}\` already exists!`,
      );
    }
    const p = this.persistence;
    if (p === undefined) {
      this.collections.set(name, new Collection({ name, config }));
      return true;
    }
    this.reserved.add(name);
    try {
      const dir = newCollectionDir(name);
      const opened = await CollectionStore.open({
        fs: p.fs,
        dir: joinPath(p.root, 'collections', dir),
        name,
        config,
      });
      this.collections.set(name, opened.collection);
      p.stores.set(name, opened.store);
      p.dirs.set(name, dir);
    } finally {
      this.reserved.delete(name);
    }
    await this.saveCatalog();
    return true;
  }

  /** Collection info: status, counts, config and payload schema. */
  async getCollection(name: string): Promise<Schemas['CollectionInfo']> {
    const collection = this.resolve(name);
    const info = collectionInfo(collection);
    const repairs = this.repairs.get(collection.name);
    if (repairs !== undefined)
      info.warnings = repairs.map((message) => ({ message: `repaired at open: ${message}` }));
    return info;
  }

  /**
   * Quiver extension: rebuilds the HNSW graph of every segment of a collection from its stored
   * vectors (the appendable segment is sealed first, whatever `indexing_threshold` says).
   * Queries keep being served, exactly, while it runs; resolves when every segment is rebuilt.
   */
  async rebuildIndex(name: string): Promise<boolean> {
    const collection = this.resolve(name);
    await this.track(collection.optimizer.rebuildIndex());
    return true;
  }

  /**
   * Quiver extension: seals the appendable segment, drops every deleted point and merges
   * segments down to as few as `max_segment_size` allows, indexing those over
   * `indexing_threshold`. Resolves when done; queries go on meanwhile.
   */
  async compact(name: string): Promise<boolean> {
    const collection = this.resolve(name);
    await this.track(collection.optimizer.compact());
    return true;
  }

  /**
   * Quiver extension: bytes of each dense vector's float32 originals and of its quantized codes
   * (see `docs/quantization.md`), summed over the collection's segments as they are now.
   */
  async vectorMemory(name: string): Promise<VectorMemoryReport> {
    return vectorMemory(this.resolve(name));
  }

  /**
   * The optimizer's work (Qdrant's `GET /collections/{name}/optimizations`): the running task
   * with its progress, and with `with: "queued,completed,idle_segments"` the next task due, the
   * last finished ones (at most `completed_limit`) and the segments needing nothing.
   */
  async getOptimizations(
    name: string,
    args: { with?: string; completed_limit?: number } = {},
  ): Promise<Schemas['OptimizationsResponse']> {
    return optimizationsOf(this.resolve(name), args);
  }

  /** Names of all collections. */
  async getCollections(): Promise<Schemas['CollectionsResponse']> {
    this.live();
    return { collections: [...this.collections.keys()].sort().map((name) => ({ name })) };
  }

  /** Whether a collection (or alias) of this name exists. */
  async collectionExists(name: string): Promise<Schemas['CollectionExistence']> {
    this.live();
    return { exists: this.collections.has(this.aliases.get(name) ?? name) };
  }

  /** Updates optimizer, HNSW, quantization, params or metadata settings (PATCH semantics). */
  async updateCollection(
    name: string,
    args: Schemas['UpdateCollection'] & { timeout?: number } = {},
  ): Promise<boolean> {
    const collection = this.resolve(name);
    const { timeout: _t, ...body } = args;
    collection.setConfig(updateCollectionConfig(collection.config, body));
    // New thresholds may make optimizations due (or a graph config change wants rebuildIndex).
    collection.optimizer.notify();
    await this.saveCatalog();
    return true;
  }

  /** Deletes a collection and its aliases; `false` when there was none. */
  async deleteCollection(name: string, _args: { timeout?: number } = {}): Promise<boolean> {
    this.live();
    const failure = this.failed.get(name);
    if (failure !== undefined && this.persistence !== undefined) {
      this.failed.delete(name);
      for (const [alias, target] of this.aliases) if (target === name) this.aliases.delete(alias);
      await this.saveCatalog();
      const p = this.persistence;
      await p.fs.removeDir(joinPath(p.root, 'collections', failure.entry.dir), { recursive: true });
      return true;
    }
    this.collections.get(name)?.optimizer.stop();
    if (!this.collections.delete(name)) return false;
    for (const [alias, target] of this.aliases) if (target === name) this.aliases.delete(alias);
    this.repairs.delete(name);
    const p = this.persistence;
    if (p !== undefined) {
      const store = p.stores.get(name);
      const dir = p.dirs.get(name);
      p.stores.delete(name);
      p.dirs.delete(name);
      // Catalog first: once it no longer names the folder, a crash leaves only a leftover
      // folder, which the next open removes.
      await this.saveCatalog();
      await store?.close().catch(() => undefined);
      if (dir !== undefined)
        await p.fs.removeDir(joinPath(p.root, 'collections', dir), { recursive: true });
    }
    return true;
  }

  // ---- aliases ----

  /** Applies create/delete/rename alias actions atomically. */
  async updateCollectionAliases(
    args: Schemas['ChangeAliasesOperation'] & { timeout?: number },
  ): Promise<boolean> {
    this.live();
    const { timeout: _t, ...body } = args;
    const actions = parseAliasActions(body);
    this.aliases = applyAliasActions(this.aliases, actions, (n) => this.collections.has(n));
    await this.saveCatalog();
    return true;
  }

  /** Every alias. */
  async getAliases(): Promise<Schemas['CollectionsAliasesResponse']> {
    this.live();
    return { aliases: this.aliasList(() => true) };
  }

  /** The aliases of one collection. */
  async getCollectionAliases(name: string): Promise<Schemas['CollectionsAliasesResponse']> {
    const collection = this.resolve(name);
    return { aliases: this.aliasList((target) => target === collection.name) };
  }

  private aliasList(keep: (collection: string) => boolean): Schemas['AliasDescription'][] {
    return [...this.aliases]
      .filter(([, target]) => keep(target))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([alias_name, collection_name]) => ({ alias_name, collection_name }));
  }

  // ---- payload indexes ----

  /**
   * Declares a payload index on `field_name` and indexes the existing points at once (reported in
   * `payload_schema`). Filtered reads then visit only the points the indexes name; results are
   * the same with or without indexes, except that `match.text`/`phrase` on a text-indexed field
   * match tokens rather than substrings (as in Qdrant).
   */
  async createPayloadIndex(
    name: string,
    args: WriteParams & Schemas['CreateFieldIndex'],
  ): Promise<Schemas['UpdateResult']> {
    const collection = this.resolve(name);
    const { wait, body } = splitWriteParams(args);
    checkKnownFields(body, ['field_name', 'field_schema'], '');
    const field = checkString(body.field_name, 'field_name');
    parseKeyPath(field, 'field_name');
    collection.setConfigIndex(field, checkPayloadIndex(body.field_schema, 'field_schema'));
    await this.saveCatalog();
    return { operation_id: collection.lastOp, status: wait ? 'completed' : 'acknowledged' };
  }

  /** Drops a payload index declaration. */
  async deletePayloadIndex(
    name: string,
    field: string,
    args: WriteParams = {},
  ): Promise<Schemas['UpdateResult']> {
    const collection = this.resolve(name);
    const { wait } = splitWriteParams(args);
    collection.setConfigIndex(field, undefined);
    await this.saveCatalog();
    return { operation_id: collection.lastOp, status: wait ? 'completed' : 'acknowledged' };
  }

  // ---- points: writes ----

  private async write(
    name: string,
    args: unknown,
    parse: (collection: Collection, body: Record<string, unknown>) => CollectionOp,
  ): Promise<Schemas['UpdateResult']> {
    const collection = this.resolve(name);
    const { wait, body } = splitWriteParams(args);
    const [opNumber] = await this.applyDurably(collection, [parse(collection, body)]);
    return { operation_id: opNumber!, status: wait ? 'completed' : 'acknowledged' };
  }

  /**
   * Applies operations (atomically) and, in persistent mode, resolves only once they are in
   * the write-ahead log on disk. Apply and log happen in the same tick, so log order is apply
   * order. With `wait: false` Quiver still waits for durability: an acknowledged write is
   * never lost.
   */
  private async applyDurably(collection: Collection, ops: CollectionOp[]): Promise<number[]> {
    const p = this.persistence;
    const store = p?.stores.get(collection.name);
    store?.assertWritable();
    const opNumbers = collection.apply(ops);
    if (p !== undefined && store !== undefined && opNumbers.length > 0) {
      await this.track(store.log(opNumbers[0]!, ops));
      if (store.walBytesSinceCheckpoint > p.walBytesLimit) {
        this.track(store.checkpoint(collection)).catch((e: unknown) =>
          this.warn(`checkpoint of "${collection.name}" failed: ${String(e)}`),
        );
      }
    }
    return opNumbers;
  }

  /** Inserts or replaces points (`{points: [...]}` or `{batch: {ids, vectors, payloads}}`). */
  async upsert(
    name: string,
    args: WriteParams & Schemas['PointInsertOperations'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (c, body) => parseUpsert(body, c.specs));
  }

  /** Deletes points by ids or filter. */
  async delete(
    name: string,
    args: WriteParams & Schemas['PointsSelector'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseDelete(body));
  }

  /** Merges keys into the payload of the selected points (optionally at a nested `key`). */
  async setPayload(
    name: string,
    args: WriteParams & Schemas['SetPayload'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseSetPayload(body, false));
  }

  /** Replaces the whole payload of the selected points. */
  async overwritePayload(
    name: string,
    args: WriteParams & Schemas['SetPayload'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseSetPayload(body, true));
  }

  /** Removes keys (key paths allowed) from the payload of the selected points. */
  async deletePayload(
    name: string,
    args: WriteParams & Schemas['DeletePayload'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseDeletePayload(body));
  }

  /** Removes the whole payload of the selected points. */
  async clearPayload(
    name: string,
    args: WriteParams & Schemas['PointsSelector'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseClearPayload(body));
  }

  /** Sets vectors of existing points, keeping their payload and other vectors. */
  async updateVectors(
    name: string,
    args: WriteParams & Schemas['UpdateVectors'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (c, body) => parseUpdateVectors(body, c.specs));
  }

  /** Removes named vectors from the selected points. */
  async deleteVectors(
    name: string,
    args: WriteParams & Schemas['DeleteVectors'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (c, body) => parseDeleteVectors(body, c.specs));
  }

  /** Several write operations, applied all or nothing. */
  async batchUpdate(
    name: string,
    args: WriteParams & Schemas['UpdateOperations'],
  ): Promise<Schemas['UpdateResult'][]> {
    const collection = this.resolve(name);
    const { wait, body } = splitWriteParams(args);
    const ops = parseBatch(body, collection.specs);
    const opNumbers = await this.applyDurably(collection, ops);
    return opNumbers.map((operation_id) => ({
      operation_id,
      status: wait ? 'completed' : 'acknowledged',
    }));
  }

  // ---- points: reads ----

  /** Points by id (unknown ids are skipped). */
  async retrieve(
    name: string,
    args: Schemas['PointRequest'] & { consistency?: unknown; timeout?: number },
  ): Promise<Schemas['Record'][]> {
    return retrieve(this.resolve(name), stripReadParams(args));
  }

  /** Number of points matching a filter (always exact). */
  async count(
    name: string,
    args: Schemas['CountRequest'] & { timeout?: number } = {},
  ): Promise<Schemas['CountResult']> {
    return count(this.resolve(name), stripReadParams(args));
  }

  /** A page of points in id order, or ordered by a payload field (`order_by`). */
  async scroll(
    name: string,
    args: Schemas['ScrollRequest'] & { consistency?: unknown; timeout?: number } = {},
  ): Promise<Schemas['ScrollResult']> {
    return scroll(this.resolve(name), stripReadParams(args));
  }

  /** Query API: nearest, recommend, discover, context, order_by, fusion, sample; prefetch. */
  async query(
    name: string,
    args: Schemas['QueryRequest'] & ReadParams,
  ): Promise<Schemas['QueryResponse']> {
    return this.read(name, 'query', args, queryPoints);
  }

  /** Legacy search (Qdrant <= 1.18 `SearchRequest`). */
  async search(name: string, args: LegacyBody): Promise<Schemas['ScoredPoint'][]> {
    return this.read(name, 'search', args, (ctx, body) => legacySearch(ctx, 'search', body));
  }

  // ---- Query API and search (collection/query/) ----

  /** Runs a read with a query context: `timeout` (seconds) and `consistency` split off, cached. */
  private read<T>(
    name: string,
    method: string,
    args: unknown,
    run: (ctx: QueryContext, body: Record<string, unknown>) => T,
  ): Promise<T> {
    const collection = this.resolve(name);
    const { consistency: _c, timeout, ...body } = checkObject(args ?? {}, '');
    const ctx: QueryContext = {
      collection,
      resolve: (other) => this.resolve(other),
      deadline: new Deadline(checkTimeout(timeout)),
      onPlan: this.onQueryPlan,
    };
    const parallel = this.parallel;
    const batch = method.endsWith('Batch');
    return cachedQuery(collection, method, body, () =>
      parallel === undefined ? run(ctx, body) : parallel.run(ctx, batch, (c) => run(c, body)),
    );
  }

  /** Several Query API requests (`{searches: [...]}`), validated together before any runs. */
  async queryBatch(
    name: string,
    args: Schemas['QueryRequestBatch'] & ReadParams,
  ): Promise<Schemas['QueryResponse'][]> {
    return this.read(name, 'queryBatch', args, queryBatch);
  }

  /** Query API with the hits grouped by a payload key (`group_by`, `group_size`, `with_lookup`). */
  async queryGroups(
    name: string,
    args: Schemas['QueryGroupsRequest'] & ReadParams,
  ): Promise<Schemas['GroupsResult']> {
    return this.read(name, 'queryGroups', args, queryGroups);
  }

  private legacy<K extends LegacyKind>(kind: K) {
    return {
      batch: (name: string, args: { searches: LegacyBody[] } & ReadParams) =>
        this.read(name, `${kind}Batch`, args, (ctx, body) => legacyBatch(ctx, kind, body)),
      groups: (name: string, args: LegacyBody) =>
        this.read(name, `${kind}Groups`, args, (ctx, body) => legacyGroups(ctx, kind, body)),
      single: (name: string, args: LegacyBody) =>
        this.read(name, kind, args, (ctx, body) => legacySearch(ctx, kind, body)),
    };
  }

  /** Legacy search batch (Qdrant <= 1.18 `SearchRequestBatch`). */
  async searchBatch(
    name: string,
    args: { searches: LegacyBody[] } & ReadParams,
  ): Promise<Schemas['ScoredPoint'][][]> {
    return this.legacy('search').batch(name, args);
  }

  /** Legacy grouped search (Qdrant <= 1.18 `SearchGroupsRequest`). */
  async searchGroups(name: string, args: LegacyBody): Promise<Schemas['GroupsResult']> {
    return this.legacy('search').groups(name, args);
  }

  /** Legacy recommend (Qdrant <= 1.18 `RecommendRequest`). */
  async recommend(name: string, args: LegacyBody): Promise<Schemas['ScoredPoint'][]> {
    return this.legacy('recommend').single(name, args);
  }

  /** Legacy recommend batch (Qdrant <= 1.18 `RecommendRequestBatch`). */
  async recommendBatch(
    name: string,
    args: { searches: LegacyBody[] } & ReadParams,
  ): Promise<Schemas['ScoredPoint'][][]> {
    return this.legacy('recommend').batch(name, args);
  }

  /** Legacy grouped recommend (Qdrant <= 1.18 `RecommendGroupsRequest`). */
  async recommendGroups(name: string, args: LegacyBody): Promise<Schemas['GroupsResult']> {
    return this.legacy('recommend').groups(name, args);
  }

  /** Legacy discover (Qdrant <= 1.18 `DiscoverRequest`). */
  async discover(name: string, args: LegacyBody): Promise<Schemas['ScoredPoint'][]> {
    return this.legacy('discover').single(name, args);
  }

  /** Legacy discover batch (Qdrant <= 1.18 `DiscoverRequestBatch`). */
  async discoverBatch(
    name: string,
    args: { searches: LegacyBody[] } & ReadParams,
  ): Promise<Schemas['ScoredPoint'][][]> {
    return this.legacy('discover').batch(name, args);
  }

  /** Counts of the distinct values of a payload key among the points matching a filter. */
  async facet(
    name: string,
    args: Schemas['FacetRequest'] & ReadParams,
  ): Promise<Schemas['FacetResponse']> {
    return this.read(name, 'facet', args, facet);
  }

  /** Distance matrix of a sample of points, as `{a, b, score}` pairs. */
  async searchMatrixPairs(
    name: string,
    args: Schemas['SearchMatrixRequest'] & ReadParams = {},
  ): Promise<Schemas['SearchMatrixPairsResponse']> {
    return this.read(name, 'searchMatrixPairs', args, matrixPairs);
  }

  /** Distance matrix of a sample of points, in offsets (coordinate) form. */
  async searchMatrixOffsets(
    name: string,
    args: Schemas['SearchMatrixRequest'] & ReadParams = {},
  ): Promise<Schemas['SearchMatrixOffsetsResponse']> {
    return this.read(name, 'searchMatrixOffsets', args, matrixOffsets);
  }

  // ---- Quiver extensions (not in Qdrant's API; see docs/query.md) ----

  /** Extension: the score of two stored points `a` and `b` under vector `using`. */
  async similarity(
    name: string,
    args: {
      a: Schemas['ExtendedPointId'];
      b: Schemas['ExtendedPointId'];
      using?: string;
    } & ReadParams,
  ): Promise<SimilarityResult> {
    return this.read(name, 'similarity', args, similarity);
  }

  /** Extension: pairs of points whose score meets `threshold`, best first, paged. */
  async findDuplicates(
    name: string,
    args: {
      threshold: number;
      using?: string;
      filter?: Schemas['Filter'];
      limit?: number;
      offset?: number;
    } & ReadParams,
  ): Promise<DuplicatesResult> {
    return this.read(name, 'findDuplicates', args, findDuplicates);
  }

  /** Extension: every point whose score for `query` meets `threshold`, best first, paged. */
  async rangeSearch(
    name: string,
    args: {
      query: Schemas['VectorInput'];
      threshold: number;
      using?: string;
      filter?: Schemas['Filter'];
      limit?: number;
      offset?: number;
      with_payload?: Schemas['WithPayloadInterface'];
      with_vector?: Schemas['WithVector'];
    } & ReadParams,
  ): Promise<RangeSearchResult> {
    return this.read(name, 'rangeSearch', args, rangeSearch);
  }

  // ---- snapshots ----

  private storage(): Persistence {
    this.live();
    if (this.persistence === undefined) {
      throw new QuiverError(
        'INVALID_REQUEST',
        'Snapshots need a data directory: open Quiver with { path } (the server always has one)',
      );
    }
    return this.persistence;
  }

  private source(collection: Collection): { collection: Collection; store: CollectionStore } {
    return { collection, store: this.storage().stores.get(collection.name)! };
  }

  /** Creates a snapshot of a collection, consistent at one op number. */
  async createSnapshot(
    name: string,
    _args: { wait?: boolean } = {},
  ): Promise<Schemas['SnapshotDescription']> {
    const collection = this.resolve(name);
    const p = this.storage();
    return this.track(
      writeSnapshot({
        fs: p.fs,
        root: p.root,
        collection: collection.name,
        sources: [this.source(collection)],
      }),
    );
  }

  /** The snapshots of a collection, newest first. */
  async listSnapshots(name: string): Promise<Schemas['SnapshotDescription'][]> {
    const collection = this.resolve(name);
    const p = this.storage();
    return listSnapshots(p.fs, snapshotDir(p.root, collection.name));
  }

  /** Deletes a collection snapshot. */
  async deleteSnapshot(
    name: string,
    snapshot: string,
    _args: { wait?: boolean } = {},
  ): Promise<boolean> {
    const collection = this.resolve(name);
    const p = this.storage();
    await deleteSnapshot(p.fs, snapshotDir(p.root, collection.name), snapshot);
    return true;
  }

  /** Opens a collection snapshot for download: its size and a stream of its bytes. */
  async openSnapshot(
    name: string,
    snapshot: string,
  ): Promise<{ size: number; stream: ReadableStream<Uint8Array> }> {
    const collection = this.resolve(name);
    const p = this.storage();
    return openSnapshot(p.fs, snapshotDir(p.root, collection.name), snapshot);
  }

  /**
   * Replaces (or creates) collection `name` with the content of a snapshot at `location`: a
   * `file://` URL, an absolute path, or an `http(s)://` URL. With `checksum` (hex SHA-256) the
   * file is verified first. Points, payloads, vectors, config and payload indexes come back
   * exactly as they were at the snapshot's op number.
   */
  async recoverSnapshot(
    name: string,
    args: { location: string; checksum?: string | null; priority?: string | null; wait?: boolean },
  ): Promise<boolean> {
    this.live();
    checkCollectionName(name);
    const p = this.storage();
    if (this.aliases.has(name)) {
      throw new QuiverError(
        'ALIAS_EXISTS',
        `Wrong input: \`${name}\` is an alias; recover into the collection itself`,
      );
    }
    const { path, cleanup } = await this.fetchSnapshot(p, args.location);
    try {
      await this.verifyChecksum(p, path, args.checksum);
      const content = await readSnapshot(p.fs, path);
      const [archived] = content.collections;
      if (
        content.aliases !== undefined ||
        archived === undefined ||
        content.collections.length !== 1
      ) {
        throw new QuiverError(
          'INVALID_REQUEST',
          `Wrong input: ${args.location} is not a collection snapshot (use recoverFullSnapshot for a full-storage one)`,
        );
      }
      await this.installCollection(p, name, archived);
    } finally {
      await cleanup();
    }
    return true;
  }

  /** Same as {@link Quiver.recoverSnapshot} for a snapshot file already on this machine. */
  async recoverSnapshotFromUpload(
    name: string,
    args: { path: string; checksum?: string | null },
  ): Promise<boolean> {
    return this.recoverSnapshot(name, { location: args.path, checksum: args.checksum ?? null });
  }

  /** Creates a snapshot of every collection and the aliases. */
  async createFullSnapshot(
    _args: { wait?: boolean } = {},
  ): Promise<Schemas['SnapshotDescription']> {
    const p = this.storage();
    const sources = [...this.collections.values()].map((c) => this.source(c));
    return this.track(
      writeSnapshot({
        fs: p.fs,
        root: p.root,
        collection: undefined,
        sources,
        aliases: [...this.aliases],
      }),
    );
  }

  /** Full-storage snapshots, newest first. */
  async listFullSnapshots(): Promise<Schemas['SnapshotDescription'][]> {
    const p = this.storage();
    return listSnapshots(p.fs, snapshotDir(p.root, undefined));
  }

  /** Deletes a full-storage snapshot. */
  async deleteFullSnapshot(snapshot: string, _args: { wait?: boolean } = {}): Promise<boolean> {
    const p = this.storage();
    await deleteSnapshot(p.fs, snapshotDir(p.root, undefined), snapshot);
    return true;
  }

  /** Opens a full-storage snapshot for download. */
  async openFullSnapshot(
    snapshot: string,
  ): Promise<{ size: number; stream: ReadableStream<Uint8Array> }> {
    const p = this.storage();
    return openSnapshot(p.fs, snapshotDir(p.root, undefined), snapshot);
  }

  /**
   * Restores a full-storage snapshot: every collection in it replaces (or creates) the one of
   * the same name, and its aliases are set. Collections not in the snapshot are left alone.
   */
  async recoverFullSnapshot(args: {
    location: string;
    checksum?: string | null;
  }): Promise<boolean> {
    const p = this.storage();
    const { path, cleanup } = await this.fetchSnapshot(p, args.location);
    try {
      await this.verifyChecksum(p, path, args.checksum);
      const content = await readSnapshot(p.fs, path);
      if (content.aliases === undefined) {
        throw new QuiverError(
          'INVALID_REQUEST',
          `Wrong input: ${args.location} is a collection snapshot, not a full-storage one`,
        );
      }
      for (const archived of content.collections)
        await this.installCollection(p, archived.meta.name, archived);
      for (const [alias, target] of content.aliases)
        if (this.collections.has(target)) this.aliases.set(alias, target);
      await this.saveCatalog();
    } finally {
      await cleanup();
    }
    return true;
  }

  /** Makes a snapshot location readable on the storage port; downloads http(s) URLs. */
  private async fetchSnapshot(
    p: Persistence,
    location: string,
  ): Promise<{ path: string; cleanup: () => Promise<void> }> {
    const none = async (): Promise<void> => undefined;
    if (typeof location !== 'string' || location === '') {
      throw new QuiverError(
        'INVALID_REQUEST',
        'Validation error in request: location: give a file:// or http(s):// URL of the snapshot',
      );
    }
    if (!/^https?:\/\//.test(location)) {
      const path = location.startsWith('file://')
        ? decodeURIComponent(new URL(location).pathname)
        : location;
      // A location the caller got wrong is theirs to fix (404), not a server I/O failure.
      if (!(await p.fs.exists(path))) {
        throw new QuiverError(
          'SNAPSHOT_NOT_FOUND',
          `Not found: snapshot file ${path} does not exist; give the location of an existing snapshot file`,
        );
      }
      return { path, cleanup: none };
    }
    const response = await fetch(location);
    if (!response.ok || response.body === null) {
      throw new QuiverError(
        'INVALID_REQUEST',
        `Wrong input: downloading snapshot ${location} failed with HTTP ${response.status}`,
      );
    }
    const dir = joinPath(p.root, 'snapshots', 'tmp');
    await p.fs.mkdirp(dir);
    const path = joinPath(
      dir,
      `download-${Date.now()}.snapshot.tmp-${Math.floor(Math.random() * 2 ** 32).toString(16)}`,
    );
    const handle = await p.fs.open(path, { create: true, truncate: true });
    try {
      let position = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await handle.write({ bytes: chunk, position });
        position += chunk.length;
      }
    } finally {
      await handle.close();
    }
    return { path, cleanup: () => p.fs.remove(path) };
  }

  private async verifyChecksum(
    p: Persistence,
    path: string,
    checksum: string | null | undefined,
  ): Promise<void> {
    if (checksum == null) return;
    const actual = await fileSha256(p.fs, path);
    if (actual !== checksum.toLowerCase()) {
      throw new QuiverError(
        'INVALID_REQUEST',
        `Wrong input: snapshot checksum mismatch: expected ${checksum}, the file has ${actual}`,
      );
    }
  }

  /** Lays out an archived collection as a new folder and swaps it in for `name`. */
  private async installCollection(
    p: Persistence,
    name: string,
    archived: ArchivedCollection,
  ): Promise<void> {
    const dir = newCollectionDir(name);
    const full = joinPath(p.root, 'collections', dir);
    let opened;
    try {
      await CollectionStore.seed({
        fs: p.fs,
        dir: full,
        segments: archived.segments,
        indexes: archived.indexes,
        lastOp: archived.meta.lastOp,
      });
      opened = await CollectionStore.open({
        fs: p.fs,
        dir: full,
        name,
        config: archived.meta.config,
        payloadIndexes: archived.meta.payloadIndexes,
      });
    } catch (err) {
      await p.fs.removeDir(full, { recursive: true }).catch(() => undefined);
      throw err;
    }
    const oldStore = p.stores.get(name);
    // A collection that failed to load is replaced too: restoring it is the way to repair it.
    const oldDir = p.dirs.get(name) ?? this.failed.get(name)?.entry.dir;
    this.failed.delete(name);
    this.collections.get(name)?.optimizer.stop();
    this.collections.set(name, opened.collection);
    p.stores.set(name, opened.store);
    p.dirs.set(name, dir);
    this.repairs.delete(name);
    await this.saveCatalog();
    if (oldStore !== undefined) await oldStore.close().catch(() => undefined);
    if (oldDir !== undefined)
      await p.fs.removeDir(joinPath(p.root, 'collections', oldDir), { recursive: true });
  }
}
