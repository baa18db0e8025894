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

/** A message to a search thread. */
export type SearchMessage =
  | { type: 'register'; id: number; image: SegmentImage }
  | { type: 'unregister'; id: number }
  | { type: 'search'; seq: number; tasks: SearchTask[] };

/** A search thread's answer to a `search` message. */
export type SearchReply =
  { seq: number; ok: true; offsets: Uint32Array[] } | { seq: number; ok: false; error: string };

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
