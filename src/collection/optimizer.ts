/**
 * The optimizer of one collection: background, cooperative segment maintenance.
 *
 * What it does, first match wins (Qdrant's optimizers, in one queue):
 * 1. rebuild: segments named by {@link Optimizer.rebuildIndex}, indexed whatever their size;
 * 2. indexing: the appendable segment once it holds `indexing_threshold` KiB of vectors is
 *    closed (a new appendable one takes the writes) and rebuilt with an HNSW graph per dense
 *    vector; so is a closed segment over the threshold that lacks a graph (one merged past the
 *    threshold), and one whose graphs were built with another `m` or `ef_construct`;
 * 3. vacuum: a closed segment of at least `vacuum_min_vector_number` offsets whose deleted share
 *    is over `deleted_threshold` is rebuilt from its live points;
 * 4. merge: while there are more closed segments than `default_segment_number`, the smallest
 *    two or three are merged, never past `max_segment_size`.
 * {@link Optimizer.compact} aims at one segment: vacuums any deleted point, merges as many
 * segments at once as fit under `max_segment_size`, and indexes last.
 *
 * Each task builds a new segment (segment-builder.ts) in slices of a few milliseconds, yielding
 * to the event loop between slices so requests keep being served, then swaps it in atomically
 * (`Collection.swapIn`, one synchronous step). Readers see the sources until the swap and the
 * new segment after it, never both and never neither.
 *
 * Status, as Qdrant reports it: `yellow` while a task runs or is scheduled, `grey` when work is
 * pending but nothing triggered it (after an open, or with `max_optimization_threads: 0`),
 * `green` otherwise.
 */
import type { Schemas } from '../api/wire.js';
import { QuiverError } from '../errors.js';
import type { PlainSegment } from '../segment/plain-segment.js';
import type { VectorSpec } from './config.js';
import type { OptimizerLimits, VectorIndexConfig } from './index-config.js';
import { type BuiltSegment, buildSegment, denseSpecs } from './segment-builder.js';

/** Milliseconds of work per slice before yielding to the event loop. */
export const SLICE_MS = 5;

/** What kind of optimization a task is. */
export type OptimizationKind = 'rebuild' | 'indexing' | 'vacuum' | 'merge';

/** The collection as the optimizer sees it. */
export interface OptimizerHost {
  /** Segments, oldest first; the last one is appendable. */
  readonly segments: readonly PlainSegment[];
  readonly specs: readonly VectorSpec[];
  /** Current limits (the config may change between tasks). */
  limits(): OptimizerLimits;
  /** HNSW settings of a vector name. */
  indexConfig(name: string): VectorIndexConfig;
  /** The `quantization_config` in force for a vector name, if any. */
  quantizationConfig?(name: string): Schemas['QuantizationConfig'] | undefined;
  /** A fresh segment id. */
  nextSegmentId(): number;
  /** Starts a new appendable segment; the current one becomes closed. */
  closeAppendable(): void;
  /** Replaces `sources` by the built segment, atomically. */
  swapIn(built: BuiltSegment, sources: readonly PlainSegment[]): void;
}

/** A chosen optimization. */
interface Plan {
  kind: OptimizationKind;
  sources: PlainSegment[];
  index: boolean;
  closeAppendable: boolean;
}

interface Task extends Plan {
  job: Generator<void, BuiltSegment>;
  /** Id the new segment will have. */
  id: number;
  startedAt: Date;
  /** Work units done so far. */
  done: number;
}

/** One optimization, running or finished, for `getOptimizations`. */
export interface OptimizationRecord {
  kind: OptimizationKind;
  /** Source segments: id and live points when the task started. */
  segments: { id: number; points: number }[];
  /** Id of the segment it builds. */
  target: number;
  startedAt: Date;
  finishedAt: Date | undefined;
  /** Work units done (a few hundred points copied or a few dozen graph inserts each). */
  done: number;
  /** `undefined` while running or when it succeeded. */
  error: string | undefined;
}

/** How many finished optimizations are remembered. */
const HISTORY = 16;

/** The optimizer's state, for collection info. */
export type OptimizerStatus = 'green' | 'yellow' | 'grey';

function defer(fn: () => void): void {
  if (typeof setImmediate === 'function') setImmediate(fn);
  else setTimeout(fn, 0);
}

const now = (): number => performance.now();

/** See the module comment. */
export class Optimizer {
  private task: Task | undefined;
  private scheduled = false;
  private stopped = false;
  private compacting = false;
  private readonly forced = new Set<PlainSegment>();
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private failure: string | undefined;
  /** Tasks completed, by kind (for tests and telemetry). */
  readonly completed: Record<OptimizationKind, number> = {
    rebuild: 0,
    indexing: 0,
    vacuum: 0,
    merge: 0,
  };

  private readonly history: OptimizationRecord[] = [];

  constructor(private readonly host: OptimizerHost) {}

  /** The running task, the next one due (not started), and the last finished ones, newest first. */
  report(): {
    running: OptimizationRecord | undefined;
    queued: { kind: OptimizationKind; segments: { id: number; points: number }[] } | undefined;
    completed: readonly OptimizationRecord[];
  } {
    const t = this.task;
    const segmentsOf = (sources: readonly PlainSegment[]) =>
      sources.map((s) => ({ id: s.id, points: s.liveCount }));
    const next = t === undefined ? this.plan() : undefined;
    return {
      running:
        t === undefined
          ? undefined
          : {
              kind: t.kind,
              segments: segmentsOf(t.sources),
              target: t.id,
              startedAt: t.startedAt,
              finishedAt: undefined,
              done: t.done,
              error: undefined,
            },
      queued:
        next === undefined ? undefined : { kind: next.kind, segments: segmentsOf(next.sources) },
      completed: this.history,
    };
  }

  private record(task: Task, error: string | undefined): void {
    this.history.unshift({
      kind: task.kind,
      segments: task.sources.map((s) => ({ id: s.id, points: s.liveCount })),
      target: task.id,
      startedAt: task.startedAt,
      finishedAt: new Date(),
      done: task.done,
      error,
    });
    if (this.history.length > HISTORY) this.history.pop();
  }

  /** The last failure's message, if the last task failed. */
  get error(): string | undefined {
    return this.failure;
  }

  /** Green, yellow or grey (see the module comment). */
  get status(): OptimizerStatus {
    if (this.task !== undefined || this.scheduled) return 'yellow';
    return this.plan() === undefined ? 'green' : 'grey';
  }

  /** `true` while a task is being built. */
  get running(): boolean {
    return this.task !== undefined;
  }

  /** Called after every write: starts the background loop when work is due. */
  notify(): void {
    if (this.stopped || this.scheduled || this.task !== undefined) return;
    if (!this.host.limits().auto || this.failure !== undefined) return;
    if (this.plan() !== undefined) this.schedule();
  }

  /** Starts the background loop now (whatever `max_optimization_threads` says). */
  trigger(): void {
    this.failure = undefined;
    if (!this.stopped) this.schedule();
  }

  /** Resolves once nothing is pending; starts the loop if needed. */
  idle(): Promise<void> {
    if (this.stopped) {
      return Promise.reject(
        new QuiverError('CLOSED', 'Service unavailable: the collection is closed'),
      );
    }
    if (this.task === undefined && this.plan() === undefined) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.trigger();
    return done;
  }

  /**
   * Rebuilds the graph of every segment from its vectors (the appendable one is closed first),
   * whatever `indexing_threshold` says; resolves when done.
   */
  rebuildIndex(): Promise<void> {
    const segments = this.host.segments;
    if (segments.at(-1)!.liveCount > 0) this.host.closeAppendable();
    for (const s of this.host.segments.slice(0, -1)) if (s.liveCount > 0) this.forced.add(s);
    return this.idle();
  }

  /**
   * Closes the appendable segment, drops every deleted point and merges segments down to as
   * few as `max_segment_size` allows; resolves when done.
   */
  compact(): Promise<void> {
    if (this.host.segments.at(-1)!.liveCount > 0) this.host.closeAppendable();
    this.compacting = true;
    return this.idle();
  }

  /**
   * Stops for good (collection closed or dropped): a task in flight is abandoned, and callers
   * waiting for the optimizer are told so.
   */
  stop(): void {
    this.stopped = true;
    this.task = undefined;
    this.settle(
      new QuiverError(
        'CLOSED',
        'Service unavailable: the collection was closed or dropped before its optimization finished',
      ),
    );
  }

  /**
   * Runs the optimizer synchronously for at most `maxUnits` units of work (a unit is a few
   * hundred points copied or a few dozen graph inserts) or until `deadline` (a
   * `performance.now()` time); returns `true` while work remains. The background loop calls
   * it one slice at a time; tests call it to interleave optimization with writes.
   */
  step(maxUnits = Infinity, deadline = Infinity): boolean {
    let units = 0;
    while (units < maxUnits && !this.stopped) {
      if (this.task === undefined) {
        const plan = this.plan();
        if (plan === undefined) return false;
        this.start(plan);
      }
      const task = this.task!;
      let result: IteratorResult<void, BuiltSegment>;
      try {
        result = task.job.next();
      } catch (err) {
        this.task = undefined;
        this.failure = `${task.kind} of segments ${task.sources.map((s) => s.id).join(', ')} failed: ${err instanceof Error ? err.message : String(err)}`;
        this.record(task, this.failure);
        return false;
      }
      units++;
      task.done++;
      if (result.done === true) {
        this.task = undefined;
        this.host.swapIn(result.value, task.sources);
        for (const s of task.sources) this.forced.delete(s);
        this.completed[task.kind]++;
        this.record(task, undefined);
      }
      if (now() >= deadline) break;
    }
    return this.task !== undefined || this.plan() !== undefined;
  }

  private start(plan: Plan): void {
    if (plan.closeAppendable) this.host.closeAppendable();
    const id = this.host.nextSegmentId();
    this.task = {
      ...plan,
      id,
      startedAt: new Date(),
      done: 0,
      job: buildSegment({
        id,
        specs: this.host.specs,
        sources: plan.sources,
        index: plan.index,
        indexConfig: (name) => this.host.indexConfig(name),
        quantization: (name) => this.host.quantizationConfig?.(name),
      }),
    };
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    defer(() => this.loop());
  }

  private loop(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const more = this.step(Infinity, now() + SLICE_MS);
    if (more && this.failure === undefined) this.schedule();
    else this.settle();
  }

  private settle(abort?: QuiverError): void {
    const waiters = this.waiters;
    this.waiters = [];
    const failure =
      abort ??
      (this.failure === undefined
        ? undefined
        : new QuiverError('INTERNAL', `Service internal error: ${this.failure}`));
    for (const w of waiters) {
      if (failure !== undefined) w.reject(failure);
      else w.resolve();
    }
  }

  /** Bytes of dense vectors in a segment's live points. */
  private liveBytes(s: PlainSegment): number {
    return s.liveCount * s.vectorBytesPerPoint;
  }

  /**
   * `true` when a closed segment's graphs are not what the config asks for: a segment over the
   * indexing threshold lacking one, or a graph built with other `m` / `ef_construct` (or with
   * `m` now 0). A graph config change thus rebuilds the graphs in the background, as in Qdrant.
   */
  private lacksIndex(s: PlainSegment, limits: OptimizerLimits): boolean {
    const big = limits.indexingBytes > 0 && this.liveBytes(s) >= limits.indexingBytes;
    return denseSpecs(this.host.specs).some((spec) => {
      const config = this.host.indexConfig(spec.name);
      const index = s.indexes.get(spec.name);
      if (index === undefined) return big && config.m > 0;
      if (config.m === 0) return true;
      const m = Math.max(2, config.m);
      return index.options.m !== m || index.options.efConstruct !== Math.max(m, config.efConstruct);
    });
  }

  /** The next task, or undefined when the segments are as they should be. */
  private plan(): Plan | undefined {
    const limits = this.host.limits();
    const segments = this.host.segments;
    const appendable = segments.at(-1)!;
    const closed = segments.slice(0, -1).filter((s) => s.liveCount > 0 || s.size > 0);
    const shouldIndex = (bytes: number): boolean =>
      limits.indexingBytes > 0 && bytes >= limits.indexingBytes;
    const one = (kind: OptimizationKind, s: PlainSegment, index: boolean): Plan => ({
      kind,
      sources: [s],
      index,
      closeAppendable: false,
    });
    for (const s of this.forced) {
      if (!closed.includes(s)) this.forced.delete(s);
      else return one('rebuild', s, true);
    }
    if (
      limits.indexingBytes > 0 &&
      appendable.size * appendable.vectorBytesPerPoint >= limits.indexingBytes &&
      appendable.liveCount > 0
    ) {
      return { kind: 'indexing', sources: [appendable], index: true, closeAppendable: true };
    }
    // When compacting, merge first: indexing each part and then merging would build twice.
    if (!this.compacting) {
      for (const s of closed) if (this.lacksIndex(s, limits)) return one('indexing', s, true);
    }
    for (const s of closed) {
      const dead = s.size - s.liveCount;
      const vacuum = this.compacting
        ? dead > 0
        : s.size >= limits.vacuumMinVectors && dead / s.size > limits.deletedThreshold;
      if (vacuum) return one('vacuum', s, shouldIndex(this.liveBytes(s)) || s.indexes.size > 0);
    }
    const target = this.compacting ? 1 : limits.segmentNumber;
    // Background merges take the smallest three (bounded work per task); compaction merges
    // everything that fits in one segment at once.
    const maxMerge = this.compacting ? Infinity : 3;
    if (closed.length > target) {
      const bySize = [...closed].sort((a, b) => this.liveBytes(a) - this.liveBytes(b));
      const sources: PlainSegment[] = [];
      let bytes = 0;
      for (const s of bySize) {
        if (sources.length === maxMerge || bytes + this.liveBytes(s) > limits.maxSegmentBytes) {
          break;
        }
        sources.push(s);
        bytes += this.liveBytes(s);
      }
      if (sources.length >= 2) {
        return { kind: 'merge', sources, index: shouldIndex(bytes), closeAppendable: false };
      }
    }
    if (this.compacting) {
      for (const s of closed) if (this.lacksIndex(s, limits)) return one('indexing', s, true);
    }
    this.compacting = false;
    return undefined;
  }
}
