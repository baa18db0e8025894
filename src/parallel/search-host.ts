/**
 * The thread side of a `SearchPool` (search-pool.ts): holds the registered images and answers search
 * messages with the same `HnswIndex.search` the main thread runs, over the shared arrays.
 * Runtime-neutral: the Node worker (src/node/search-worker.ts) wires it to `parentPort`.
 */
import type { HnswIndex } from '../index/hnsw.js';
import { openImage } from './segment-image.js';
import { type SearchMessage, type SearchReply, packOffsets, unpackTasks } from './search-pool.js';

/** See the module comment. */
export class SearchHost {
  private readonly indexes = new Map<number, HnswIndex>();

  /** @param slot This thread's scratch slot in shared WASM memories (0 .. threads - 1). */
  constructor(private readonly slot: number) {}

  /** Handles one message; returns the reply to post, if the message wants one. */
  handle(message: SearchMessage): SearchReply | undefined {
    switch (message.type) {
      case 'register':
        this.indexes.set(message.id, openImage(message.image, this.slot));
        return undefined;
      case 'unregister':
        this.indexes.delete(message.id);
        return undefined;
      case 'search': {
        try {
          const offsets = unpackTasks(message.tasks).map((task) => {
            const index = this.indexes.get(task.image);
            if (index === undefined)
              throw new Error(`segment image ${task.image} is not registered`);
            index.graph.deletedCount = task.deletedCount;
            return index.search({ query: task.query, k: task.k, ef: task.ef }).offsets;
          });
          return { seq: message.seq, ok: true, found: packOffsets(offsets) };
        } catch (err) {
          return {
            seq: message.seq,
            ok: false,
            error: err instanceof Error ? err.message : String(err),
          };
        }
      }
    }
  }
}
