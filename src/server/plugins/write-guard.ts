/**
 * The checks every write passes before its route runs (a `preHandler`, so the body is parsed),
 * each answering in Qdrant's error envelope with a message that names the setting to change:
 * - read-only mode (low disk space): 503, except deletes, which free space;
 * - memory pressure (`memory.max_heap_percent`, `memory.max_rss_mb`): 503 instead of crashing
 *   with an out-of-memory error halfway through a batch;
 * - `limits.max_batch_size` (400), `limits.max_collections`, `limits.max_points_per_collection`
 *   and `limits.max_disk_per_collection_mb` (403).
 * Writes are the routes of kind `write` and `admin`.
 */
import { getHeapStatistics } from 'node:v8';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Quiver } from '../../db/quiver.js';
import { QuiverError } from '../../errors.js';
import { errorBody, httpStatusOf } from '../envelope.js';
import { collectionOf, isWrite, routeMeta } from './request-meta.js';
import type { ServerState } from './state.js';

/** Options of {@link registerWriteGuard} (0 turns a check off). */
export interface WriteGuardOptions {
  db: Quiver;
  state: ServerState;
  maxHeapPercent: number;
  maxRssMb: number;
  maxCollections: number;
  maxPointsPerCollection: number;
  maxDiskPerCollectionMb: number;
  maxBatchSize: number;
}

const MIB = 1024 * 1024;

/** Operations that free space (allowed in read-only mode). */
function freesSpace(operation: string): boolean {
  return operation.startsWith('delete_') || operation.startsWith('clear_');
}

/** Points (or ids) a write request carries: a list, a column batch, or a batch of operations. */
export function pointsInRequest(body: unknown): number {
  if (typeof body !== 'object' || body === null) return 0;
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.points)) return b.points.length;
  const batch = b.batch as Record<string, unknown> | undefined;
  if (batch !== undefined && Array.isArray(batch?.ids)) return batch.ids.length;
  if (Array.isArray(b.operations)) {
    let n = 0;
    for (const op of b.operations) {
      const inner = typeof op === 'object' && op !== null ? Object.values(op)[0] : undefined;
      n += Math.max(1, pointsInRequest(inner));
    }
    return n;
  }
  return 0;
}

/** Points a request upserts (0 for other writes). */
function upsertedPoints(operation: string, body: unknown): number {
  if (operation === 'upsert_points') return pointsInRequest(body);
  if (operation !== 'batch_update') return 0;
  const ops = (body as { operations?: unknown } | null)?.operations;
  if (!Array.isArray(ops)) return 0;
  let n = 0;
  for (const op of ops) {
    const upsert = (op as { upsert?: unknown } | null)?.upsert;
    if (upsert !== undefined) n += pointsInRequest(upsert);
  }
  return n;
}

/** The first check that refuses this write, or `undefined`. */
export function refusal(
  request: FastifyRequest,
  options: WriteGuardOptions,
): QuiverError | undefined {
  const { state, db } = options;
  const operation = routeMeta(request)?.operation ?? '';
  const collection = collectionOf(request);
  if (state.diskReadOnly !== undefined && !freesSpace(operation))
    return new QuiverError('READ_ONLY', state.diskReadOnly);
  if (options.maxHeapPercent > 0) {
    const heap = getHeapStatistics();
    const percent = (100 * heap.used_heap_size) / heap.heap_size_limit;
    if (percent > options.maxHeapPercent)
      return new QuiverError(
        'READ_ONLY',
        `Service unavailable: memory pressure, the JS heap is ${percent.toFixed(0)}% full (memory.max_heap_percent = ${options.maxHeapPercent}); writes are refused until memory is freed. Retry later, write smaller batches, or give Node more heap (--max-old-space-size).`,
      );
  }
  if (options.maxRssMb > 0) {
    const rss = process.memoryUsage.rss() / MIB;
    if (rss > options.maxRssMb)
      return new QuiverError(
        'READ_ONLY',
        `Service unavailable: memory pressure, the process uses ${rss.toFixed(0)} MiB of RAM (memory.max_rss_mb = ${options.maxRssMb}); writes are refused until memory is freed. Retry later or raise memory.max_rss_mb.`,
      );
  }
  const points = pointsInRequest(request.body);
  if (options.maxBatchSize > 0 && points > options.maxBatchSize)
    return new QuiverError(
      'INVALID_REQUEST',
      `Bad request: ${points} points in one request, more than limits.max_batch_size = ${options.maxBatchSize}; split the batch into requests of at most ${options.maxBatchSize} points`,
      { path: 'points' },
    );
  if (collection === undefined) return undefined;
  if (operation === 'create_collection' && options.maxCollections > 0) {
    const existing = db.stats();
    const known = existing.some((s) => s.collection === collection);
    if (!known && existing.length >= options.maxCollections)
      return new QuiverError(
        'LIMIT_EXCEEDED',
        `Forbidden: cannot create collection \`${collection}\`, the server already holds ${existing.length} collection${existing.length === 1 ? '' : 's'} (limits.max_collections = ${options.maxCollections}); delete one or raise the limit`,
      );
  }
  if (options.maxDiskPerCollectionMb <= 0 && options.maxPointsPerCollection <= 0) return undefined;
  const stats = db.stats().find((s) => s.collection === collection);
  if (stats === undefined) return undefined;
  if (options.maxDiskPerCollectionMb > 0 && !freesSpace(operation)) {
    const bytes = state.collectionBytes.get(collection) ?? 0;
    if (bytes > options.maxDiskPerCollectionMb * MIB)
      return new QuiverError(
        'LIMIT_EXCEEDED',
        `Forbidden: collection \`${collection}\` takes ${(bytes / MIB).toFixed(1)} MiB on disk, more than limits.max_disk_per_collection_mb = ${options.maxDiskPerCollectionMb}; delete points (space is reclaimed at the next checkpoint) or raise the limit`,
      );
  }
  const adding = upsertedPoints(operation, request.body);
  if (options.maxPointsPerCollection > 0 && adding > 0) {
    if (stats.points + adding > options.maxPointsPerCollection)
      return new QuiverError(
        'LIMIT_EXCEEDED',
        `Forbidden: collection \`${collection}\` holds ${stats.points} points and this request upserts ${adding}, more than limits.max_points_per_collection = ${options.maxPointsPerCollection} (points that already exist count too); delete points or raise the limit`,
      );
  }
  return undefined;
}

/** Adds the `preHandler` hook that runs {@link refusal} on every write. */
export function registerWriteGuard(app: FastifyInstance, options: WriteGuardOptions): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isWrite(request)) return;
    const startedAt = performance.now();
    const err = refusal(request, options);
    if (err === undefined) return;
    request.log.warn({ code: err.code }, err.message);
    return reply.code(httpStatusOf(err.kind)).send(errorBody(err.message, startedAt));
  });
}
