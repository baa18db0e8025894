/**
 * The server's operational state, shared by the plugins: readiness (for `/readyz`), why writes
 * are paused (disk or memory) and the last measured sizes. One object, written by the watchers
 * and `startServer`, read by the hooks.
 */

/** Operational state of a running server. */
export class ServerState {
  /** Every collection was loaded and checked; cleared again when shutdown starts. */
  ready = false;
  /** Shutdown has begun: `/readyz` answers 503 and no new work should arrive. */
  stopping = false;
  /** Collections that failed their check at start, with the reason; the others serve. */
  readonly failedCollections = new Map<string, string>();
  /** When set, writes are refused with this message (low disk space); reads go on. */
  diskReadOnly: string | undefined;
  /** Free bytes on the data volume at the last check (`undefined` before the first). */
  diskFreeBytes: number | undefined;
  /** Bytes on disk per collection name, at the last check. */
  readonly collectionBytes = new Map<string, number>();
}
