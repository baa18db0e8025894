/**
 * A collection: its config and its segments, and the one place where writes are applied.
 *
 * Writes are applied synchronously, in order, on the caller's thread (one writer, no locks).
 * A call to {@link Collection.apply} is all or nothing: every point it touches is first saved in
 * an undo journal, and if any operation fails (say, a payload update of a point that does not
 * exist) the journal puts every touched point back as it was.
 */
import type { Schemas } from '../api/wire.js';
import { QuiverError } from '../errors.js';
import { type FilterPredicate, type FilterTarget, compileFilter } from '../payload/filter.js';
import { type IndexSpec, parseIndexSchema } from '../payload/index/schema.js';
import type { Tokenizer } from '../payload/index/tokenizer.js';
import { deleteAtKey, setAtKey } from '../payload/payload-edit.js';
import type { Payload } from '../payload/payload.js';
import { PlainSegment, type StoredPoint } from '../segment/plain-segment.js';
import type { StoredVector } from '../segment/sparse-column.js';
import { type PointKey, comparePointKeys, fromPointKey } from '../segment/point-id.js';
import { effectiveQuantization } from '../quantization/segment-codes.js';
import { type VectorSpec, collectionSpecs } from './config.js';
import {
  type OptimizerLimits,
  type VectorIndexConfig,
  optimizerLimits,
  vectorIndexConfig,
} from './index-config.js';
import type { CollectionOp, PointSelector } from './operations.js';
import { Optimizer, type OptimizerHost } from './optimizer.js';
import type { BuiltSegment } from './segment-builder.js';

/** Where a live point is. */
export interface Location {
  segment: PlainSegment;
  offset: number;
}

/** Default points per appendable segment before a new one is started. */
const DEFAULT_SEGMENT_POINTS = 100_000;

/** Options for {@link Collection}. */
export interface CollectionOptions {
  /** The collection's name. */
  name: string;
  /** Its validated configuration. */
  config: Schemas['CollectionConfig'];
  /** State loaded from a checkpoint: its segments and the last op number they include. */
  restore?: { segments: PlainSegment[]; lastOp: number };
  /** Declared payload indexes. */
  payloadIndexes?: Iterable<[string, Schemas['PayloadFieldSchema']]>;
}

/**
 * A point as a filter sees it. A class rather than an object of closures: a scan makes one per
 * point, and methods on the prototype cost no allocation.
 */
class PointTarget implements FilterTarget {
  readonly key: PointKey;
  readonly payload: Payload;

  constructor(
    private readonly segment: PlainSegment,
    private readonly offset: number,
  ) {
    this.key = segment.keys[offset]!;
    this.payload = segment.payloads[offset]!;
  }

  hasVector(name: string): boolean {
    return this.segment.hasVector(name, this.offset);
  }

  textTokenizer(key: string): Tokenizer | undefined {
    return this.segment.payloadIndex.tokenizer(key);
  }
}

/** A collection (see the module comment). */
export class Collection implements OptimizerHost {
  readonly name: string;
  private configValue: Schemas['CollectionConfig'];
  private specList: VectorSpec[];
  private segmentList: PlainSegment[] = [];
  private readonly locations = new Map<PointKey, Location>();
  private segmentIds = 0;
  private layoutChanges = 0;
  private lastOpNumber = 0;
  /** Background segment maintenance (indexing, merging, vacuuming). */
  readonly optimizer: Optimizer;
  private sortedKeyCache: PointKey[] | undefined;
  private readonly indexes = new Map<string, Schemas['PayloadFieldSchema']>();
  /** The resolved form of each declared index, applied to every segment. */
  private readonly indexSpecs = new Map<string, IndexSpec>();
  /** Count of index declarations and drops (see {@link Collection.readEpoch}). */
  private indexChanges = 0;

  constructor(options: CollectionOptions) {
    this.name = options.name;
    this.configValue = options.config;
    this.specList = collectionSpecs(options.config);
    this.optimizer = new Optimizer(this);
    const restored = options.restore;
    if (restored !== undefined) {
      this.lastOpNumber = restored.lastOp;
      for (const segment of restored.segments) {
        this.segmentList.push(segment);
        this.segmentIds = Math.max(this.segmentIds, segment.id + 1);
        for (let offset = 0; offset < segment.size; offset++) {
          if (segment.isLive(offset))
            this.locations.set(segment.keys[offset]!, { segment, offset });
        }
      }
    }
    // The last restored segment stays appendable until full (see appendable()), unless it is
    // sealed: then a new one takes the writes.
    if (this.segmentList.length === 0 || this.segmentList.at(-1)!.sealed) {
      this.segmentList.push(this.newSegment(this.segmentIds++));
    }
    // Payload indexes are not persisted: each is rebuilt here from the loaded payloads.
    for (const [field, schema] of options.payloadIndexes ?? []) this.setConfigIndex(field, schema);
  }

  /** The stored configuration (do not mutate; use {@link Collection.setConfig}). */
  get config(): Schemas['CollectionConfig'] {
    return this.configValue;
  }

  /** Replaces the configuration (vector definitions never change after creation). */
  setConfig(config: Schemas['CollectionConfig']): void {
    this.configValue = config;
  }

  /** Declared payload indexes by field (reported in `payload_schema`). */
  get payloadIndexes(): ReadonlyMap<string, Schemas['PayloadFieldSchema']> {
    return this.indexes;
  }

  /**
   * Declares (or, with `undefined`, drops) a payload index on `field`, indexing every segment's
   * live points at once. Redeclaring a field replaces its index.
   * @throws QuiverError `INVALID_REQUEST` when the schema is malformed; nothing is then changed.
   */
  setConfigIndex(field: string, schema: Schemas['PayloadFieldSchema'] | undefined): void {
    this.indexChanges++;
    if (schema === undefined) {
      this.indexes.delete(field);
      this.indexSpecs.delete(field);
      for (const segment of this.segmentList) segment.payloadIndex.drop(field);
      return;
    }
    const spec = parseIndexSchema(schema);
    this.indexes.set(field, schema);
    this.indexSpecs.set(field, spec);
    for (const segment of this.segmentList) segment.payloadIndex.create(field, spec);
  }

  /** A new empty segment carrying every declared payload index. */
  private newSegment(id: number): PlainSegment {
    const segment = new PlainSegment(id, this.specList);
    for (const [field, spec] of this.indexSpecs) segment.payloadIndex.create(field, spec);
    return segment;
  }

  /** Vectors of this collection: dense ones, then sparse ones (`sparse` set). */
  get specs(): readonly VectorSpec[] {
    return this.specList;
  }

  /** Segments, oldest first; the last one is appendable. */
  get segments(): readonly PlainSegment[] {
    return this.segmentList;
  }

  /** Live points. */
  get pointsCount(): number {
    return this.locations.size;
  }

  /**
   * Changes whenever what a read returns may change: on every write, and when a payload index is
   * declared or dropped (a text index changes what `match.text` means). Result caches key on it.
   */
  get readEpoch(): string {
    return `${this.lastOpNumber}.${this.indexChanges}`;
  }

  /** Op number of the last applied operation (Qdrant's `operation_id`). */
  get lastOp(): number {
    return this.lastOpNumber;
  }

  /** Where a point lives, if it exists. */
  locate(key: PointKey): Location | undefined {
    return this.locations.get(key);
  }

  /** Every live key in id order (cached until the set of keys changes). */
  sortedKeys(): readonly PointKey[] {
    this.sortedKeyCache ??= [...this.locations.keys()].sort(comparePointKeys);
    return this.sortedKeyCache;
  }

  /** A filter target for a live point, for evaluating a filter on it. */
  target(loc: Location): FilterTarget {
    return new PointTarget(loc.segment, loc.offset);
  }

  /**
   * The offsets of `segment` a scan for `predicate` must visit, ascending: the payload indexes'
   * candidates when they narrow the filter, else `undefined` (visit every offset). A superset of
   * the matches: the predicate is still checked on each.
   */
  candidates(
    segment: PlainSegment,
    predicate: FilterPredicate | undefined,
  ): Iterable<number> | undefined {
    const filter = predicate?.filter;
    return filter === undefined ? undefined : segment.payloadIndex.candidates(filter);
  }

  /**
   * Calls `visit` for every live point matching `predicate` (all when undefined), in storage
   * order, visiting only the payload indexes' candidates where they narrow the filter; `tick`
   * (a query deadline's check) runs once per offset visited.
   */
  scan(
    predicate: FilterPredicate | undefined,
    visit: (loc: Location) => void,
    tick?: () => void,
  ): void {
    for (const segment of this.segmentList) {
      const check = (offset: number): void => {
        tick?.();
        if (!segment.isLive(offset)) return;
        const loc = { segment, offset };
        if (predicate === undefined || predicate(this.target(loc))) visit(loc);
      };
      const only = this.candidates(segment, predicate);
      if (only !== undefined) for (const offset of only) check(offset);
      else for (let offset = 0, n = segment.size; offset < n; offset++) check(offset);
    }
  }

  /**
   * Applies operations atomically; returns the op number given to each.
   * @throws QuiverError when an operation cannot apply; nothing is then changed.
   */
  apply(ops: readonly CollectionOp[]): number[] {
    const journal = new Map<PointKey, StoredPoint | undefined>();
    const firstOp = this.lastOpNumber;
    const keysBefore = this.sortedKeyCache;
    try {
      const numbers = ops.map((op) => {
        const opNumber = ++this.lastOpNumber;
        this.applyOne(op, opNumber, journal);
        return opNumber;
      });
      this.optimizer.notify();
      return numbers;
    } catch (err) {
      this.rollback(journal);
      this.lastOpNumber = firstOp;
      this.sortedKeyCache = keysBefore;
      throw err;
    }
  }

  private applyOne(
    op: CollectionOp,
    version: number,
    journal: Map<PointKey, StoredPoint | undefined>,
  ): void {
    const save = (key: PointKey): void => {
      if (journal.has(key)) return;
      const loc = this.locations.get(key);
      journal.set(key, loc === undefined ? undefined : loc.segment.read(loc.offset));
    };
    switch (op.type) {
      case 'upsert':
        for (const p of op.points) {
          save(p.key);
          this.put({
            key: p.key,
            version,
            payload: structuredClone(p.payload),
            vectors: p.vectors,
          });
        }
        return;
      case 'delete':
        for (const key of this.select(op.selector, false)) {
          save(key);
          this.remove(key);
        }
        return;
      case 'set_payload':
        return this.rewriteAll(op.selector, version, save, (p) => {
          if (op.key === undefined) Object.assign(p.payload, structuredClone(op.payload));
          else setAtKey(p.payload, op.key, op.payload);
        });
      case 'overwrite_payload':
        return this.rewriteAll(op.selector, version, save, (p) => {
          p.payload = structuredClone(op.payload);
        });
      case 'delete_payload':
        return this.rewriteAll(op.selector, version, save, (p) => {
          for (const key of op.keys) deleteAtKey(p.payload, key);
        });
      case 'clear_payload':
        return this.rewriteAll(op.selector, version, save, (p) => {
          p.payload = {};
        });
      case 'update_vectors':
        for (const { key, vectors } of op.points) {
          this.requireExisting(key);
          save(key);
          this.rewrite(key, version, (p) => {
            for (const [name, v] of vectors) p.vectors.set(name, v);
          });
        }
        return;
      case 'delete_vectors':
        return this.rewriteAll(op.selector, version, save, (p) => {
          for (const name of op.names) p.vectors.delete(name);
        });
    }
  }

  /** Keys an operation's selector picks: for ids, those listed (all must exist if `mustExist`). */
  private select(selector: PointSelector, mustExist: boolean): PointKey[] {
    if (selector.kind === 'ids') {
      if (mustExist) for (const key of selector.keys) this.requireExisting(key);
      return selector.keys.filter((k) => this.locations.has(k));
    }
    const predicate = compileFilter(selector.filter);
    const keys: PointKey[] = [];
    this.scan(predicate, (loc) => keys.push(loc.segment.keys[loc.offset]!));
    return keys;
  }

  private requireExisting(key: PointKey): void {
    if (!this.locations.has(key)) {
      throw new QuiverError(
        'POINT_NOT_FOUND',
        `Not found: No point with id ${String(fromPointKey(key))} found in collection "${this.name}"`,
      );
    }
  }

  private rewriteAll(
    selector: PointSelector,
    version: number,
    save: (key: PointKey) => void,
    mutate: (point: { payload: Payload; vectors: Map<string, StoredVector> }) => void,
  ): void {
    for (const key of this.select(selector, true)) {
      save(key);
      this.rewrite(key, version, mutate);
    }
  }

  /** Changes one existing point: in place in the appendable segment, else copy-on-write. */
  private rewrite(
    key: PointKey,
    version: number,
    mutate: (point: { payload: Payload; vectors: Map<string, StoredVector> }) => void,
  ): void {
    const loc = this.locations.get(key)!;
    const point = loc.segment.read(loc.offset);
    mutate(point);
    point.version = version;
    this.put(point);
  }

  /** Writes a whole point, replacing any previous version. */
  private put(point: StoredPoint): void {
    const loc = this.locations.get(point.key);
    const appendable = this.appendable();
    if (loc !== undefined && loc.segment === appendable) {
      const { offset } = loc;
      appendable.setPayload(offset, point.payload, point.version);
      for (const spec of this.specList) {
        appendable.setVector(offset, spec.name, point.vectors.get(spec.name), point.version);
      }
      return;
    }
    if (loc !== undefined) this.removeFrom(loc);
    else this.sortedKeyCache = undefined;
    const offset = appendable.append(point);
    this.locations.set(point.key, { segment: appendable, offset });
  }

  private remove(key: PointKey): void {
    const loc = this.locations.get(key);
    if (loc === undefined) return;
    this.removeFrom(loc);
    this.locations.delete(key);
    this.sortedKeyCache = undefined;
  }

  private removeFrom(loc: Location): void {
    loc.segment.remove(loc.offset);
    // A closed segment with nothing live left is dropped at once: the cheapest vacuum.
    if (loc.segment.liveCount === 0 && loc.segment !== this.segmentList.at(-1)) {
      this.segmentList = this.segmentList.filter((s) => s !== loc.segment);
    }
  }

  private rollback(journal: Map<PointKey, StoredPoint | undefined>): void {
    for (const [key, prev] of [...journal].reverse()) {
      this.remove(key);
      if (prev !== undefined) this.put(prev);
    }
  }

  /** Optimizer limits from the current config. */
  limits(): OptimizerLimits {
    return optimizerLimits(this.configValue);
  }

  /** HNSW settings of vector `name` from the current config. */
  indexConfig(name: string): VectorIndexConfig {
    return vectorIndexConfig(this.configValue, name);
  }

  /** The `quantization_config` in force for vector `name` (its own, else the collection's). */
  quantizationConfig(name: string): Schemas['QuantizationConfig'] | undefined {
    return effectiveQuantization(this.configValue, name);
  }

  /** A segment id not used by any segment of this collection so far. */
  nextSegmentId(): number {
    return this.segmentIds++;
  }

  /**
   * Count of segment-list changes by the optimizer (swaps, sealing). With `lastOp` it names a
   * state: approximate results, `indexed_only` and planner choices may differ between two
   * states with the same data, so cached query results are keyed by both.
   */
  get layoutVersion(): number {
    return this.layoutChanges;
  }

  /** Starts a new appendable segment; the current one becomes closed (read-only). */
  closeAppendable(): void {
    this.layoutChanges++;
    this.segmentList = [...this.segmentList, this.newSegment(this.segmentIds++)];
  }

  /**
   * Swaps a built segment in for its sources in one synchronous step: points tombstoned in a
   * source since the build's snapshot are tombstoned in the new segment too, every other point
   * moves to its new location, and the sources leave the segment list. The new segment takes
   * the place of the first source still listed, so the appendable segment stays last.
   */
  swapIn(built: BuiltSegment, sources: readonly PlainSegment[]): void {
    this.layoutChanges++;
    const { segment, originSegment, originOffset } = built;
    // The builder copies points, not indexes: index the new segment before it serves queries.
    for (const [field, spec] of this.indexSpecs) segment.payloadIndex.create(field, spec);
    for (let offset = 0; offset < segment.size; offset++) {
      const from = originSegment[offset]!;
      const key = segment.keys[offset]!;
      const loc = this.locations.get(key);
      if (loc === undefined || loc.segment !== from || loc.offset !== originOffset[offset]) {
        segment.remove(offset);
      } else {
        this.locations.set(key, { segment, offset });
      }
    }
    const gone = new Set(sources);
    const next: PlainSegment[] = [];
    let placed = segment.liveCount === 0;
    for (const s of this.segmentList) {
      if (!gone.has(s)) next.push(s);
      else if (!placed) {
        next.push(segment);
        placed = true;
      }
    }
    if (!placed) next.splice(next.length - 1, 0, segment);
    this.segmentList = next;
  }

  /** The appendable segment, starting a new one when the current is full. */
  private appendable(): PlainSegment {
    let last = this.segmentList.at(-1)!;
    if (last.size >= this.segmentCapacity()) {
      last = this.newSegment(this.segmentIds++);
      this.segmentList.push(last);
    }
    return last;
  }

  /** Points per segment: from `optimizers_config.max_segment_size` (KiB of vectors) when set. */
  private segmentCapacity(): number {
    const kb = this.configValue.optimizer_config.max_segment_size;
    if (kb == null) return DEFAULT_SEGMENT_POINTS;
    const bytesPerPoint = Math.max(
      4,
      this.specList.reduce((s, v) => s + v.size * 4, 0),
    );
    return Math.max(1, Math.floor((kb * 1024) / bytesPerPoint));
  }
}
