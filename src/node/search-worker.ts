/**
 * Entry of a search worker thread (worker-search-pool.ts): answers the pool's messages with a
 * {@link SearchHost}. `workerData.slot` is this thread's scratch slot in shared WASM memories.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SearchHost } from '../parallel/search-host.js';
import type { SearchMessage } from '../parallel/search-pool.js';

const port = parentPort;
if (port === null) throw new Error('search-worker.ts runs as a worker thread only');
const host = new SearchHost((workerData as { slot: number }).slot);
port.on('message', (message: SearchMessage) => {
  const reply = host.handle(message);
  if (reply === undefined) return;
  port.postMessage(
    reply,
    reply.ok
      ? [reply.found.counts.buffer as ArrayBuffer, reply.found.offsets.buffer as ArrayBuffer]
      : [],
  );
});
