/**
 * `getOptimizations` (Qdrant's `GET /collections/{name}/optimizations`): the optimizer's running
 * task, the next one due, the last finished ones, and the segments needing nothing, in
 * Qdrant's `OptimizationsResponse` shape. Segment "uuids" are the segment ids written as UUIDs
 * (`00000000-0000-0000-0000-<id in hex>`): stable for a segment's life, unique within the
 * collection.
 */
import type { Schemas } from '../api/wire.js';
import { checkInt, checkObject, checkString, optional } from '../api/check.js';
import type { Collection } from '../collection/collection.js';
import type { OptimizationRecord } from '../collection/optimizer.js';

/** The UUID spelling of a segment id. */
export function segmentUuid(id: number): string {
  return `00000000-0000-0000-0000-${id.toString(16).padStart(12, '0')}`;
}

const OPTIMIZER_NAMES = {
  rebuild: 'config_mismatch_optimizer',
  indexing: 'indexing_optimizer',
  vacuum: 'vacuum_optimizer',
  merge: 'merge_optimizer',
} as const;

function optimization(r: OptimizationRecord): Schemas['Optimization'] {
  const progress: Schemas['ProgressTree'] = {
    name: r.kind,
    started_at: r.startedAt.toISOString(),
    done: r.done,
  };
  if (r.finishedAt !== undefined) {
    progress.finished_at = r.finishedAt.toISOString();
    progress.duration_sec = (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000;
  }
  return {
    uuid: segmentUuid(r.target),
    optimizer: OPTIMIZER_NAMES[r.kind],
    status:
      r.finishedAt === undefined
        ? 'optimizing'
        : r.error === undefined
          ? 'done'
          : { error: r.error },
    segments: r.segments.map((s) => ({ uuid: segmentUuid(s.id), points_count: s.points })),
    progress,
  };
}

/** Options of `getOptimizations`: Qdrant's `with` (comma-separated) and `completed_limit`. */
export function optimizationsOf(
  collection: Collection,
  args: unknown,
): Schemas['OptimizationsResponse'] {
  const obj = checkObject(args ?? {}, '');
  const withParts = (optional(obj.with, (v) => checkString(v, 'with')) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const limit = optional(obj.completed_limit, (v) => checkInt(v, 'completed_limit', { min: 0 }));
  const report = collection.optimizer.report();
  const busy = new Set([
    ...(report.running?.segments ?? []).map((s) => s.id),
    ...(report.queued?.segments ?? []).map((s) => s.id),
  ]);
  const idle = collection.segments.filter((s) => !busy.has(s.id));
  const queuedPoints = (report.queued?.segments ?? []).reduce((n, s) => n + s.points, 0);
  const out: Schemas['OptimizationsResponse'] = {
    summary: {
      queued_optimizations: report.queued === undefined ? 0 : 1,
      queued_segments: report.queued?.segments.length ?? 0,
      queued_points: queuedPoints,
      idle_segments: idle.length,
    },
    running: report.running === undefined ? [] : [optimization(report.running)],
  };
  if (withParts.includes('queued')) {
    out.queued =
      report.queued === undefined
        ? []
        : [
            {
              optimizer: OPTIMIZER_NAMES[report.queued.kind],
              segments: report.queued.segments.map((s) => ({
                uuid: segmentUuid(s.id),
                points_count: s.points,
              })),
            },
          ];
  }
  if (withParts.includes('completed')) {
    out.completed = report.completed.slice(0, limit ?? report.completed.length).map(optimization);
  }
  if (withParts.includes('idle_segments')) {
    out.idle_segments = idle.map((s) => ({ uuid: segmentUuid(s.id), points_count: s.liveCount }));
  }
  return out;
}
