/**
 * A {@link SearchPool} on Node `worker_threads` (see src/parallel/search-pool.ts).
 *
 * Each worker runs search-worker.ts with its own scratch slot. Images are registered on every
 * worker and remembered, so a worker that dies (crash, out of memory, terminated) is replaced
 * on the next search with every live image registered again. A dead worker rejects the tasks it
 * held: nothing waits on it forever. Workers are `unref`ed while idle, so a forgotten pool never
 * keeps the process alive; `close()` terminates them.
 */
import { Worker } from 'node:worker_threads';
import { QuiverError } from '../errors.js';
import {
  type SearchMessage,
  type SearchPool,
  type SearchReply,
  type SearchTask,
  packTasks,
  unpackOffsets,
} from '../parallel/search-pool.js';
import type { SegmentImage } from '../parallel/segment-image.js';

let alive = 0;

/** Search worker threads alive in this process, across pools (a closed pool leaves none). */
export function liveSearchWorkers(): number {
  return alive;
}

/** Options for {@link WorkerSearchPool}. */
export interface WorkerSearchPoolOptions {
  /** Worker threads, 1..64. A machine gains up to one per core the main thread leaves idle. */
  threads: number;
}

interface Pending {
  resolve: (offsets: Uint32Array[]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker | undefined;
  pending: Map<number, Pending>;
}

/**
 * Starts search-worker next to this file: the built `.js`, or, when running from source under
 * tsx (tests, benches), the `.ts` through tsx's loader, which Node 20 does not hand to workers.
 */
function startWorker(slot: number): Worker {
  const options = { workerData: { slot } };
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./search-worker.js', import.meta.url), options);
  }
  const entry = JSON.stringify(new URL('./search-worker.ts', import.meta.url).href);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** See the module comment. */
export class WorkerSearchPool implements SearchPool {
  readonly threads: number;
  private readonly slots: Slot[];
  private readonly images = new Map<number, SegmentImage>();
  private seq = 0;
  private closed = false;
  /** Set when a worker failed before answering anything: it cannot start, so none is retried. */
  private broken: QuiverError | undefined;
  /** Search tasks answered by the workers so far. */
  tasksDone = 0;

  constructor(options: WorkerSearchPoolOptions) {
    const { threads } = options;
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
      throw new QuiverError(
        'INVALID_CONFIG',
        `search threads must be an integer in 1..64, got ${threads}; use 0 in the config to turn parallel search off`,
      );
    }
    this.threads = threads;
    this.slots = Array.from({ length: threads }, () => ({ worker: undefined, pending: new Map() }));
  }

  /** Live worker threads (started and not exited). */
  get liveWorkers(): number {
    return this.slots.filter((s) => s.worker !== undefined).length;
  }

  /** Segment images registered (published and not yet unpublished). */
  get registeredImages(): number {
    return this.images.size;
  }

  /** @internal The workers, for tests that kill one. */
  workers(): Worker[] {
    return this.slots.flatMap((s) => (s.worker === undefined ? [] : [s.worker]));
  }

  register(id: number, image: SegmentImage): void {
    this.images.set(id, image);
    for (const slot of this.slots) slot.worker?.postMessage({ type: 'register', id, image });
  }

  unregister(id: number): void {
    if (!this.images.delete(id)) return;
    for (const slot of this.slots) slot.worker?.postMessage({ type: 'unregister', id });
  }

  async search(tasks: SearchTask[]): Promise<Uint32Array[]> {
    if (this.closed) throw new QuiverError('CLOSED', 'the search pool is closed');
    if (this.broken !== undefined) throw this.broken;
    if (tasks.length === 0) return [];
    // Contiguous shares, one message per worker: a batch costs one round trip per thread.
    const n = Math.min(this.threads, tasks.length);
    const parts: Promise<Uint32Array[]>[] = [];
    for (let i = 0; i < n; i++) {
      const from = Math.floor((i * tasks.length) / n);
      const to = Math.floor(((i + 1) * tasks.length) / n);
      parts.push(this.send(this.slots[i]!, i, tasks.slice(from, to)));
    }
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        if (worker === undefined) return;
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        await worker.terminate();
        await exited;
      }),
    );
  }

  private send(slot: Slot, index: number, tasks: SearchTask[]): Promise<Uint32Array[]> {
    const worker = slot.worker ?? this.start(slot, index);
    const seq = ++this.seq;
    return new Promise<Uint32Array[]>((resolve, reject) => {
      slot.pending.set(seq, { resolve, reject });
      const packed = packTasks(tasks);
      const message: SearchMessage = { type: 'search', seq, tasks: packed };
      worker.postMessage(message, [
        packed.meta.buffer as ArrayBuffer,
        packed.queries.buffer as ArrayBuffer,
      ]);
      worker.ref();
    });
  }

  private start(slot: Slot, index: number): Worker {
    const worker = startWorker(index);
    alive++;
    worker.once('exit', () => alive--);
    worker.unref();
    slot.worker = worker;
    for (const [id, image] of this.images) worker.postMessage({ type: 'register', id, image });
    let answered = false;
    worker.on('message', (reply: SearchReply) => {
      answered = true;
      const pending = slot.pending.get(reply.seq);
      if (pending === undefined) return;
      slot.pending.delete(reply.seq);
      if (slot.pending.size === 0) worker.unref();
      if (reply.ok) {
        const offsets = unpackOffsets(reply.found);
        this.tasksDone += offsets.length;
        pending.resolve(offsets);
      } else {
        pending.reject(
          new QuiverError('INTERNAL', `search worker ${index} failed a search: ${reply.error}`),
        );
      }
    });
    const fail = (reason: string): void => {
      if (slot.worker === worker) slot.worker = undefined;
      const err = new QuiverError('INTERNAL', `search worker ${index} ${reason}`);
      for (const pending of slot.pending.values()) pending.reject(err);
      slot.pending.clear();
    };
    worker.on('error', (err) => {
      if (!answered) {
        this.broken = new QuiverError(
          'INTERNAL',
          `search workers cannot start (${err.message}); searches stay on the main thread`,
          { cause: err },
        );
      }
      fail(`crashed: ${err.message}`);
    });
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    return worker;
  }
}
