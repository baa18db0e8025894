/**
 * Queries with graph searches spread over a {@link SearchPool}, results identical to the
 * single-thread path (see collection/query/presearch.ts for the two runs).
 *
 * What goes to the pool: unfiltered HNSW searches (no filter, no excluded ids, not `exact`) of
 * sealed segments, every one of a batch request and, for a single request, those of segments
 * with at least `minSegmentPoints` live points. Filtered searches, exact scans and the appendable
 * segment stay on the calling thread. Each segment's index is published to the pool the first
 * time one of its searches could go there (segment-image.ts): the copy runs in the background in
 * slices of a few milliseconds, the segment being searched in place until it is done. It is
 * unpublished once its collection no longer holds it (an optimizer swap, a deleted collection).
 */
import type { HnswIndex } from '../index/hnsw.js';
import type { PlainSegment } from '../segment/plain-segment.js';
import type { Collection } from '../collection/collection.js';
import { Presearch } from '../collection/query/presearch.js';
import type { QueryContext } from '../collection/query/plan.js';
import { type SegmentImage, publishIndexSteps } from './segment-image.js';
import type { SearchPool } from './search-pool.js';

/** Options for {@link ParallelSearch}. */
export interface ParallelSearchOptions {
  pool: SearchPool;
  /**
   * A single (non-batch) request hands a segment's search to the pool from this many live
   * points; smaller segments are searched in place, where a search costs less than the hand-off.
   * Batches hand out every sealed segment's searches. Default 10,000; 0 hands out everything.
   */
  minSegmentPoints?: number;
  /** Told when the pool failed and a query fell back to the calling thread. */
  onWarning?: (message: string) => void;
}

interface Published {
  id: number;
  segment: WeakRef<PlainSegment>;
  collection: WeakRef<Collection>;
}

/** Milliseconds of copying per slice of a background publication. */
const SLICE_MS = 4;

/** Indexes up to this many bytes (vectors and level-0 links) are published at once. */
const SYNC_PUBLISH_BYTES = 4 << 20;

function defer(fn: () => void): void {
  if (typeof setImmediate === 'function') setImmediate(fn);
  else setTimeout(fn, 0);
}

/** Whether `collection` still holds `segment`. */
function holds(entry: Published): boolean {
  const segment = entry.segment.deref();
  return segment !== undefined && entry.collection.deref()?.segments.includes(segment) === true;
}

/** See the module comment. */
export class ParallelSearch {
  readonly pool: SearchPool;
  private readonly minSegmentPoints: number;
  private readonly warn: (message: string) => void;
  private readonly images = new WeakMap<HnswIndex, Published>();
  private readonly published = new Map<number, Published>();
  private readonly publishing = new WeakSet<HnswIndex>();
  private nextId = 1;
  private stopped = false;
  private lastFailure: string | undefined;

  constructor(options: ParallelSearchOptions) {
    this.pool = options.pool;
    this.minSegmentPoints = options.minSegmentPoints ?? 10_000;
    this.warn = options.onWarning ?? (() => undefined);
  }

  /** Images published to the pool (for tests and stats). */
  get publishedCount(): number {
    return this.published.size;
  }

  /** Runs `run` with its eligible graph searches on the pool (see the module comment). */
  async run<T>(ctx: QueryContext, batch: boolean, run: (ctx: QueryContext) => T): Promise<T> {
    const presearch = new Presearch(batch ? 0 : this.minSegmentPoints);
    const first = run({ ...ctx, presearch });
    if (presearch.pending.length === 0) {
      presearch.serve(undefined);
      return first;
    }
    this.sweep();
    // Searches of segments not published yet are left out (searched in place by the second run).
    const ids = presearch.pending.map((s) => this.imageOf(s.index, s.segment, ctx.collection));
    const handed = presearch.pending.flatMap((s, i) =>
      ids[i] === undefined
        ? []
        : [
            {
              image: ids[i],
              query: s.query,
              k: s.k,
              ef: s.ef,
              deletedCount: s.index.deletedCount,
            },
          ],
    );
    let offsets: (Uint32Array | undefined)[] | undefined;
    if (handed.length > 0) {
      try {
        const found = await this.pool.search(handed);
        this.lastFailure = undefined;
        let next = 0;
        offsets = ids.map((id) => (id === undefined ? undefined : found[next++]));
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        // Said once per distinct failure: a pool that cannot start fails every query alike.
        if (reason !== this.lastFailure) {
          this.lastFailure = reason;
          this.warn(`parallel search failed, searching on the main thread instead: ${reason}`);
        }
      }
    }
    presearch.serve(offsets);
    return run({ ...ctx, presearch });
  }

  /** Unpublishes every image and stops publishing (before the pool closes). */
  clear(): void {
    this.stopped = true;
    for (const id of this.published.keys()) this.pool.unregister(id);
    this.published.clear();
  }

  /**
   * The id of the index's published image, or undefined while it is not published: the first
   * call starts publishing it in the background.
   */
  private imageOf(
    index: HnswIndex,
    segment: PlainSegment,
    collection: Collection,
  ): number | undefined {
    const known = this.images.get(index);
    if (known !== undefined && this.published.has(known.id)) return known.id;
    if (this.publishing.has(index) || this.stopped) return undefined;
    this.publishing.add(index);
    const entry: Published = {
      id: this.nextId++,
      segment: new WeakRef(segment),
      collection: new WeakRef(collection),
    };
    const steps = publishIndexSteps(index, this.pool.threads);
    const bytes = index.store.count * index.store.dim * 4 + index.graph.links0.byteLength;
    const small = bytes <= SYNC_PUBLISH_BYTES;
    const slice = (): void => {
      try {
        if (this.stopped || !holds(entry)) {
          this.publishing.delete(index);
          return;
        }
        const until = small ? Infinity : performance.now() + SLICE_MS;
        let step = steps.next();
        while (step.done !== true && performance.now() < until) step = steps.next();
        if (step.done !== true) return defer(slice);
        this.finish(index, entry, step.value);
      } catch (err) {
        this.publishing.delete(index);
        const reason = err instanceof Error ? err.message : String(err);
        this.warn(`segment ${segment.id} could not be shared with the search threads: ${reason}`);
      }
    };
    slice();
    return this.images.get(index) === entry ? entry.id : undefined;
  }

  private finish(index: HnswIndex, entry: Published, image: SegmentImage): void {
    this.publishing.delete(index);
    this.pool.register(entry.id, image);
    this.images.set(index, entry);
    this.published.set(entry.id, entry);
  }

  /** Unpublishes the images of segments their collection no longer holds. */
  private sweep(): void {
    for (const [id, entry] of this.published) {
      if (holds(entry)) continue;
      this.pool.unregister(id);
      this.published.delete(id);
    }
  }
}

/** The parallel search settings of `Quiver.open`. */
export interface ParallelSearchSettings {
  /**
   * Worker threads for graph searches (Node: `worker_threads`, started at open, stopped by
   * `close()`). Default 0: every search runs on the calling thread. Range 0..64; more threads
   * than idle cores only adds hand-off cost. Ignored when `searchPool` is given.
   */
  searchThreads?: number;
  /**
   * A search pool to use instead (e.g. Web Workers in a browser). The caller owns it: `close()`
   * leaves it running.
   */
  searchPool?: SearchPool;
  /** See {@link ParallelSearchOptions.minSegmentPoints}. Default 10,000. */
  searchMinSegmentPoints?: number;
}

/**
 * The parallel search `Quiver.open` settings ask for, if any, and how to close the pool it
 * started. The Node pool is loaded lazily, so browser bundles never pull in `worker_threads`.
 */
export async function openParallelSearch(
  settings: ParallelSearchSettings,
  onWarning: (message: string) => void,
): Promise<{ search: ParallelSearch; close: () => Promise<void> } | undefined> {
  const minSegmentPoints = settings.searchMinSegmentPoints;
  if (settings.searchPool !== undefined) {
    const search = new ParallelSearch({ pool: settings.searchPool, minSegmentPoints, onWarning });
    return { search, close: async () => search.clear() };
  }
  const threads = settings.searchThreads ?? 0;
  if (threads === 0) return undefined;
  const { WorkerSearchPool } = await import('../node/worker-search-pool.js');
  const pool = new WorkerSearchPool({ threads });
  const search = new ParallelSearch({ pool, minSegmentPoints, onWarning });
  return {
    search,
    close: async () => {
      search.clear();
      await pool.close();
    },
  };
}
