/**
 * Measures, every `disk.check_interval_sec`, the free space of the data volume (`fs.statfs`)
 * and the bytes each collection folder takes. Below `disk.min_free_mb` free the server turns
 * read-only (writes answer 503 with the reason; reads go on) and turns writable again by itself
 * once space is back: a full disk must never become a torn write or a crash loop.
 */
import { readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Quiver } from '../../db/quiver.js';
import type { ServerState } from './state.js';

/** Options of {@link startDiskWatch}. */
export interface DiskWatchOptions {
  db: Quiver;
  state: ServerState;
  log: FastifyBaseLogger;
  /** The data directory (its volume is the one measured). */
  dataDir: string;
  /** Read-only below this many bytes free; 0: never. */
  minFreeBytes: number;
  /** Milliseconds between checks. */
  intervalMs: number;
}

const MIB = 1024 * 1024;

/** Bytes taken by the files under `dir` (0 if it is gone). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0; // removed meanwhile (a collection deleted while we measured)
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else
      total += await stat(path).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}

/** One measurement: updates `state` and logs transitions. */
export async function checkDisk(options: DiskWatchOptions): Promise<void> {
  const { state, log } = options;
  const fs = await statfs(options.dataDir);
  const free = Number(fs.bavail) * Number(fs.bsize);
  state.diskFreeBytes = free;
  const sizes = new Map<string, number>();
  for (const s of options.db.stats()) {
    if (s.dir !== undefined) sizes.set(s.collection, await folderBytes(s.dir));
  }
  state.collectionBytes.clear();
  for (const [name, bytes] of sizes) state.collectionBytes.set(name, bytes);
  const low = options.minFreeBytes > 0 && free < options.minFreeBytes;
  if (low && state.diskReadOnly === undefined) {
    state.diskReadOnly =
      `Service unavailable: read-only mode, only ${(free / MIB).toFixed(1)} MiB free on the data volume of ${options.dataDir}, ` +
      `below disk.min_free_mb = ${(options.minFreeBytes / MIB).toFixed(1)}; free some space (or lower QUIVER__DISK__MIN_FREE_MB) and writes resume by themselves. Reads still work.`;
    log.error(
      { freeBytes: free, minFreeBytes: options.minFreeBytes },
      'disk space low: read-only mode',
    );
  } else if (!low && state.diskReadOnly !== undefined) {
    state.diskReadOnly = undefined;
    log.warn({ freeBytes: free }, 'disk space back: writes resume');
  }
}

/** Checks now, then every `intervalMs`; returns the stop function. */
export async function startDiskWatch(options: DiskWatchOptions): Promise<() => void> {
  // A volume statfs cannot measure must not stop the server: it runs without the watch's help
  // (and says so) until a later check succeeds.
  await checkDisk(options).catch((err: unknown) =>
    options.log.error({ err }, 'disk check failed; free space is not watched until it succeeds'),
  );
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    checkDisk(options)
      .catch((err: unknown) => options.log.error({ err }, 'disk check failed'))
      .finally(() => (running = false));
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
