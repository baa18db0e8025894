/**
 * A sealed segment's HNSW index in shared memory: what a search worker needs to run the same
 * search the main thread would, without copying the index per worker.
 *
 * A sealed segment is immutable except for deletions, so its graph and vectors are copied once
 * into `SharedArrayBuffer`s (vectors: kernels/shared-store.ts). The main thread's graph then
 * reads its level-0 links, levels and deleted flags from those same shared arrays, so a delete
 * (`HnswIndex.markDeleted`) is seen by every worker with no message. The upper levels, about
 * 1/m of the nodes, are flattened into one shared array with a start per node.
 *
 * The number of deleted nodes (which selects the unfiltered fast path) is not shared memory: each
 * search task carries the main thread's count at dispatch.
 */
import { HnswIndex } from '../index/hnsw.js';
import { HnswGraph } from '../index/hnsw-graph.js';
import type { ResolvedHnswOptions } from '../index/hnsw-options.js';
import {
  type SharedVectors,
  openSharedVectors,
  shareVectorsSteps,
} from '../kernels/shared-store.js';

/** A published index (structured-clonable: its buffers are shared, not copied, by postMessage). */
export interface SegmentImage {
  options: ResolvedHnswOptions;
  vectors: SharedVectors;
  /** `HnswGraph.links0`, `levels` and `deleted` (the main thread's own arrays from now on). */
  links0: SharedArrayBuffer;
  levels: SharedArrayBuffer;
  deleted: SharedArrayBuffer;
  /** Upper-level link slots of every node that has some, back to back. */
  upper: SharedArrayBuffer;
  /** Per offset: start of its slots in `upper`, or -1 for none. */
  upperStart: SharedArrayBuffer;
  entry: number;
  maxLevel: number;
  span: number;
  nodeCount: number;
  /** Deleted nodes at publication (each task brings the current count). */
  deletedCount: number;
}

/** Words copied between two yields of {@link publishIndexSteps} (1 MiB). */
const CHUNK_WORDS = 1 << 18;

/** A shared copy of `array`, in steps (see {@link publishIndexSteps}). */
function* shareArray<T extends Uint8Array | Uint32Array>(
  array: T,
  make: (sab: SharedArrayBuffer) => T,
): Generator<void, { sab: SharedArrayBuffer; view: T }> {
  const sab = new SharedArrayBuffer(Math.max(4, array.byteLength));
  const view = make(sab).subarray(0, array.length) as T;
  for (let at = 0; at < array.length; at += CHUNK_WORDS) {
    view.set(array.subarray(at, at + CHUNK_WORDS), at);
    if (at + CHUNK_WORDS < array.length) yield;
  }
  return { sab, view };
}

/**
 * Publishes `index` (the index of a sealed segment) for `slots` workers. Rewires the index's
 * graph to the shared arrays: call it on the main thread, between searches.
 */
export function publishIndex(index: HnswIndex, slots: number): SegmentImage {
  const steps = publishIndexSteps(index, slots);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * {@link publishIndex} in steps, yielding after every MiB copied, so that publishing a large
 * segment does not stall the event loop. Deletes may land between steps: the deleted flags are
 * copied and the graph rewired in the last step, which runs without a yield.
 */
export function* publishIndexSteps(index: HnswIndex, slots: number): Generator<void, SegmentImage> {
  const g = index.graph;
  const vectors = yield* shareVectorsSteps(index.store, slots);
  const links0 = yield* shareArray(g.links0, (b) => new Uint32Array(b));
  const levels = yield* shareArray(g.levels, (b) => new Uint8Array(b));
  let upperWords = 0;
  for (const arr of g.upper) if (arr !== undefined) upperWords += arr.length;
  const upper = new SharedArrayBuffer(Math.max(4, upperWords * 4));
  const upperView = new Uint32Array(upper);
  const upperStart = new SharedArrayBuffer(Math.max(4, g.capacity * 4));
  const startView = new Int32Array(upperStart).fill(-1);
  let at = 0;
  g.upper.forEach((arr, o) => {
    if (arr === undefined) return;
    startView[o] = at;
    upperView.set(arr, at);
    at += arr.length;
  });
  yield;
  // Last step, no yield: the flags as they are now, and from now on the shared ones.
  const deleted = new SharedArrayBuffer(Math.max(4, g.deleted.byteLength));
  const deletedView = new Uint8Array(deleted).subarray(0, g.deleted.length);
  deletedView.set(g.deleted);
  g.links0 = links0.view;
  g.levels = levels.view;
  g.deleted = deletedView;
  return {
    options: { ...index.options },
    vectors,
    links0: links0.sab,
    levels: levels.sab,
    deleted,
    upper,
    upperStart,
    entry: g.entry,
    maxLevel: g.maxLevel,
    span: g.span,
    nodeCount: g.nodeCount,
    deletedCount: g.deletedCount,
  };
}

/** The index of a published image, searched read-only by the worker in `slot`. */
export function openImage(image: SegmentImage, slot: number): HnswIndex {
  const { options } = image;
  const graph = new HnswGraph(options.m, 1);
  const capacity = image.upperStart.byteLength / 4;
  graph.levels = new Uint8Array(image.levels, 0, capacity);
  graph.links0 = new Uint32Array(image.links0, 0, capacity * graph.stride0);
  graph.deleted = new Uint8Array(image.deleted, 0, capacity);
  const upper = new Uint32Array(image.upper);
  const starts = new Int32Array(image.upperStart);
  for (let o = 0; o < image.span; o++) {
    const start = starts[o]!;
    if (start >= 0) {
      graph.upper[o] = upper.subarray(start, start + graph.levels[o]! * graph.strideUpper);
    }
  }
  graph.entry = image.entry;
  graph.maxLevel = image.maxLevel;
  graph.span = image.span;
  graph.nodeCount = image.nodeCount;
  graph.deletedCount = image.deletedCount;
  const store = openSharedVectors(image.vectors, slot);
  return new HnswIndex({ ...options, store }, { graph, rngState: 0 });
}
