/**
 * Limits of one query request and the cooperative timeout. Exact search scores every candidate,
 * so a request's cost is bounded here rather than by an index: the window (`limit + offset`),
 * the batch size, the prefetch depth, and wall-clock time checked inside the scoring loops.
 */
import { fail } from '../../api/check.js';
import { QuiverError } from '../../errors.js';

/** Largest `limit` of one query (also the number of groups of a groups query). */
export const MAX_QUERY_LIMIT = 10_000;
/** Largest `offset` of one query. */
export const MAX_QUERY_OFFSET = 100_000;
/** Most requests in one batch (`queryBatch`, `searchBatch`, ...). */
export const MAX_BATCH_SIZE = 100;
/** Deepest nesting of `prefetch` (a prefetch inside a prefetch is depth 2). */
export const MAX_PREFETCH_DEPTH = 8;
/** Largest `group_size`. */
export const MAX_GROUP_SIZE = 1_000;
/** Largest `sample` of the distance-matrix requests. */
export const MAX_MATRIX_SAMPLE = 10_000;

/** Points scored between two clock reads: keeps `Date.now()` out of the hot loop. */
const CHECK_EVERY = 1024;

/**
 * A deadline checked cooperatively: scoring loops call {@link Deadline.tick} once per point and
 * it throws `TIMEOUT` once the time is up.
 */
export class Deadline {
  private counter = 0;
  private readonly end: number;

  /** @param seconds the request's `timeout`; `undefined` = no limit. */
  constructor(private readonly seconds: number | undefined) {
    // performance.now(): sub-millisecond, so a tiny timeout trips even on a fast query.
    this.end = seconds === undefined ? Infinity : performance.now() + seconds * 1000;
  }

  /** Counts one unit of work; every {@link CHECK_EVERY} units reads the clock. */
  tick(): void {
    if (++this.counter % CHECK_EVERY === 0) this.check();
  }

  /** Throws `TIMEOUT` when the deadline has passed. */
  check(): void {
    if (performance.now() > this.end) {
      throw new QuiverError(
        'TIMEOUT',
        `Timeout error: the request took longer than its timeout of ${String(this.seconds)} s; ` +
          'narrow it with a filter or a smaller limit, or raise the timeout',
      );
    }
  }
}

/** Validates a request `timeout` (seconds, > 0). */
export function checkTimeout(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) {
    fail('timeout', `expected a positive number of seconds, got ${String(raw)}`);
  }
  return raw;
}
