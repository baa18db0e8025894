/**
 * The port between the engine and a pool of search threads. The engine publishes sealed segments
 * (segment-image.ts) and sends search tasks; where the threads come from is the adapter's
 * business: `src/node/worker-search-pool.ts` uses `worker_threads`, a browser build could supply
 * Web Workers running the same {@link SearchHost}.
 *
 * Messages, in order per thread (the adapter must keep that order):
 * - `register` an image under an id before any task names it; `unregister` it after the last;
 * - `search` a list of tasks; the thread answers with one offsets array per task, or an error.
 */
import type { SegmentImage } from './segment-image.js';

/** One HNSW search of a registered image (no filter: deleted nodes are skipped). */
export interface SearchTask {
  /** The registered image. */
  image: number;
  /** The query, as the main thread would pass it to `HnswIndex.search`. */
  query: Float32Array;
  k: number;
  ef: number;
  /** The main thread's `HnswIndex.deletedCount` at dispatch. */
  deletedCount: number;
}

/**
 * Tasks as one message: their queries back to back in one array (transferable), the rest as
 * numbers. A query may be a view into a larger buffer (a request's vector arena), which a
 * structured clone would copy whole; packing copies only the floats.
 */
export interface PackedTasks {
  /** Per task: image, k, ef, deletedCount, query length. */
  meta: Float64Array;
  queries: Float32Array;
}

/** Offsets of several tasks in one array: `counts[i]` offsets of task i, in order. */
export interface PackedOffsets {
  counts: Uint32Array;
  offsets: Uint32Array;
}

/** A message to a search thread. */
export type SearchMessage =
  | { type: 'register'; id: number; image: SegmentImage }
  | { type: 'unregister'; id: number }
  | { type: 'search'; seq: number; tasks: PackedTasks };

/** A search thread's answer to a `search` message. */
export type SearchReply =
  { seq: number; ok: true; found: PackedOffsets } | { seq: number; ok: false; error: string };

const META = 5;

/** Packs tasks for a `search` message. */
export function packTasks(tasks: readonly SearchTask[]): PackedTasks {
  const meta = new Float64Array(tasks.length * META);
  let floats = 0;
  for (const t of tasks) floats += t.query.length;
  const queries = new Float32Array(floats);
  let at = 0;
  tasks.forEach((t, i) => {
    meta.set([t.image, t.k, t.ef, t.deletedCount, t.query.length], i * META);
    queries.set(t.query, at);
    at += t.query.length;
  });
  return { meta, queries };
}

/** The tasks of a packed message (queries are views into `packed.queries`). */
export function unpackTasks(packed: PackedTasks): SearchTask[] {
  const { meta, queries } = packed;
  const tasks: SearchTask[] = [];
  let at = 0;
  for (let i = 0; i < meta.length; i += META) {
    const dim = meta[i + 4]!;
    tasks.push({
      image: meta[i]!,
      k: meta[i + 1]!,
      ef: meta[i + 2]!,
      deletedCount: meta[i + 3]!,
      query: queries.subarray(at, at + dim),
    });
    at += dim;
  }
  return tasks;
}

/** Packs each task's offsets for a reply. */
export function packOffsets(found: readonly Uint32Array[]): PackedOffsets {
  const counts = Uint32Array.from(found, (f) => f.length);
  const offsets = new Uint32Array(counts.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const f of found) {
    offsets.set(f, at);
    at += f.length;
  }
  return { counts, offsets };
}

/** Each task's offsets from a reply (views into `packed.offsets`). */
export function unpackOffsets(packed: PackedOffsets): Uint32Array[] {
  const out: Uint32Array[] = [];
  let at = 0;
  for (const n of packed.counts) {
    out.push(packed.offsets.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** A pool of search threads (see the module comment). */
export interface SearchPool {
  /** Threads in the pool (>= 1): the number of scratch slots shared images lay out. */
  readonly threads: number;
  /** Sends an image to every thread, and to any thread started later. */
  register(id: number, image: SegmentImage): void;
  /** Forgets an image on every thread. */
  unregister(id: number): void;
  /**
   * Runs the tasks spread over the threads; resolves with each task's offsets, best first, in
   * task order. Rejects (never hangs) when a thread fails or exits: the caller searches on its
   * own thread instead. A failed thread is replaced on the next call.
   */
  search(tasks: SearchTask[]): Promise<Uint32Array[]>;
  /** Stops every thread; later calls reject. */
  close(): Promise<void>;
}
