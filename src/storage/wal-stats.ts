/**
 * WAL counters: enough for tests to prove group commit and for the server to export metrics
 * (the fsync histogram has Prometheus-style cumulative buckets).
 */

/** Upper bounds (ms) of the fsync latency buckets; the last bucket is +Inf. */
export const FSYNC_BUCKETS_MS = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000] as const;

/** WAL counters since open. */
export interface WalStats {
  /** Records made durable. */
  records: number;
  /** Bytes of records (headers included) made durable. */
  bytes: number;
  /** Group commits: each made a batch of appends durable at once. */
  commits: number;
  /** File fsyncs (one per commit, plus one per segment rollover). */
  fsyncs: number;
  /** Directory fsyncs (new segments, truncations). */
  dirSyncs: number;
  /** Segment files started. */
  rollovers: number;
  /** Latency of file fsyncs. */
  fsyncLatency: {
    /** Sum of all fsync durations, ms. */
    totalMs: number;
    /** Slowest fsync, ms. */
    maxMs: number;
    /** `counts[i]`: fsyncs that took at most `FSYNC_BUCKETS_MS[i]`; the last entry is all. */
    buckets: number[];
  };
}

/** Mutable counters behind {@link WalStats}. */
export class WalStatsRecorder {
  records = 0;
  bytes = 0;
  commits = 0;
  fsyncs = 0;
  dirSyncs = 0;
  rollovers = 0;
  private totalMs = 0;
  private maxMs = 0;
  private readonly counts = new Float64Array(FSYNC_BUCKETS_MS.length + 1);

  recordFsync(ms: number): void {
    this.fsyncs++;
    this.totalMs += ms;
    this.maxMs = Math.max(this.maxMs, ms);
    let i = 0;
    while (i < FSYNC_BUCKETS_MS.length && ms > FSYNC_BUCKETS_MS[i]!) i++;
    this.counts[i]!++;
  }

  snapshot(): WalStats {
    let running = 0;
    const buckets = Array.from(this.counts, (c) => (running += c));
    return {
      records: this.records,
      bytes: this.bytes,
      commits: this.commits,
      fsyncs: this.fsyncs,
      dirSyncs: this.dirSyncs,
      rollovers: this.rollovers,
      fsyncLatency: { totalMs: this.totalMs, maxMs: this.maxMs, buckets },
    };
  }
}
