/**
 * Builds a new closed segment from the live points of one or more closed source segments, and
 * with `index` set an HNSW graph per dense vector name: the work of every optimization (indexing,
 * merging, vacuuming, rebuilding).
 *
 * The build is a generator that yields after every small unit of work, so the optimizer can run
 * it in slices between requests. It reads the sources while writes go on, which is safe because
 * a closed segment only ever changes by tombstoning: the snapshot of live offsets is taken in
 * one step at the start, and any point tombstoned after it is found at swap time through
 * {@link BuiltSegment.originSegment} / {@link BuiltSegment.originOffset} and tombstoned in the new
 * segment too (see `Collection.swapIn`).
 *
 * Dense vectors go straight into one vector store per name (WASM memory when SIMD is
 * available), which the segment's column then views: the vectors are held once, and the HNSW
 * kernels read them in place. Points without a vector of that name get a zero slot and no node.
 */
import type { Schemas } from '../api/wire.js';
import { HnswIndex } from '../index/hnsw.js';
import { buildSegmentCodesSteps } from '../quantization/segment-codes.js';
import { repairReachability } from '../index/hnsw-repair.js';
import { createVectorStore, type VectorStore } from '../kernels/vector-store.js';
import { PlainSegment } from '../segment/plain-segment.js';
import type { StoredVector } from '../segment/sparse-column.js';
import { VectorColumn } from '../segment/vector-column.js';
import type { VectorSpec } from './config.js';
import { metricOfDistance } from '../kernels/distance.js';
import type { VectorIndexConfig } from './index-config.js';

/** Points copied between two yields. */
const COPY_CHUNK = 512;
/** Graph insertions between two yields. */
const INDEX_CHUNK = 8;
/** Seed of every segment graph: builds are reproducible. */
const GRAPH_SEED = 42;

/** Options for {@link buildSegment}. */
export interface BuildSegmentOptions {
  /** Id of the new segment. */
  id: number;
  /** The collection's vectors. */
  specs: readonly VectorSpec[];
  /** Closed segments whose live points are copied, in order. */
  sources: readonly PlainSegment[];
  /** Build an HNSW graph per dense vector name (`m > 0`). */
  index: boolean;
  /** HNSW settings of a vector name. */
  indexConfig: (name: string) => VectorIndexConfig;
  /**
   * The `quantization_config` in force for a vector name (undefined: none). With `index`, the
   * vectors that have one get quantized codes (`PlainSegment.quantized`). Default: none.
   */
  quantization?: (name: string) => Schemas['QuantizationConfig'] | undefined;
}

/** A finished build, ready to swap in. */
export interface BuiltSegment {
  /** The new segment, sealed. */
  segment: PlainSegment;
  /** Offset → the source segment the point came from. */
  originSegment: PlainSegment[];
  /** Offset → its offset there. */
  originOffset: Uint32Array;
}

/** Dense single vectors: the ones stored in columns and indexed. */
export function denseSpecs(specs: readonly VectorSpec[]): VectorSpec[] {
  return specs.filter((s) => s.sparse === undefined && s.multivector === undefined);
}

/**
 * Builds an HNSW graph over `store` for the offsets `present` marks, yielding every few inserts.
 * Returns undefined when `m` is 0 (graph disabled for the vector).
 */
export function* buildGraph(
  store: VectorStore,
  present: Uint8Array,
  spec: VectorSpec,
  config: VectorIndexConfig,
): Generator<void, HnswIndex | undefined> {
  if (config.m === 0) return undefined;
  const index = new HnswIndex({
    dim: spec.size,
    metric: metricOfDistance(spec.distance),
    m: Math.max(2, config.m),
    efConstruct: config.efConstruct,
    seed: GRAPH_SEED,
    initialCapacity: Math.max(1, present.length),
    store,
  });
  let done = 0;
  for (let offset = 0; offset < present.length; offset++) {
    if (present[offset] !== 1) continue;
    index.add(offset);
    if (++done % INDEX_CHUNK === 0) yield;
  }
  repairReachability(index);
  return index;
}

/** The build (see the module comment); drive it with `next()` until done. */
export function* buildSegment(options: BuildSegmentOptions): Generator<void, BuiltSegment> {
  const { specs, sources } = options;
  // Snapshot: the live offsets right now (one step, no yield in between).
  const originSegment: PlainSegment[] = [];
  const offsets: number[] = [];
  for (const source of sources) {
    for (let offset = 0; offset < source.size; offset++) {
      if (!source.isLive(offset)) continue;
      originSegment.push(source);
      offsets.push(offset);
    }
  }
  const count = offsets.length;
  const dense = denseSpecs(specs);
  const stores = dense.map((spec) =>
    createVectorStore({ dim: spec.size, initialCapacity: Math.max(1, count) }),
  );
  const present = dense.map(() => new Uint8Array(count));
  const zeros = dense.map((spec) => new Float32Array(spec.size));
  const segment = new PlainSegment(options.id, specs);
  for (let i = 0; i < count; i++) {
    const source = originSegment[i]!;
    const offset = offsets[i]!;
    const vectors = new Map<string, StoredVector>();
    for (const [name, column] of source.sparse) {
      const v = column.get(offset);
      if (v !== undefined) vectors.set(name, v);
    }
    for (const [name, column] of source.multi) {
      const v = column.get(offset);
      if (v !== undefined) vectors.set(name, v);
    }
    segment.append({
      key: source.keys[offset]!,
      version: source.versions[offset]!,
      // Shared, not copied: closed segments never mutate a payload in place.
      payload: source.payloads[offset]!,
      vectors,
    });
    dense.forEach((spec, d) => {
      const column = source.columns.get(spec.name);
      if (column?.has(offset) === true) {
        stores[d]!.append(column.raw(offset));
        present[d]![i] = 1;
      } else stores[d]!.append(zeros[d]!);
    });
    if ((i + 1) % COPY_CHUNK === 0) yield;
  }
  const indexes = new Map<string, HnswIndex>();
  for (const [d, spec] of dense.entries()) {
    segment.columns.set(spec.name, VectorColumn.over(stores[d]!, present[d]!));
    if (!options.index) continue;
    const index = yield* buildGraph(stores[d]!, present[d]!, spec, options.indexConfig(spec.name));
    if (index === undefined) continue;
    indexes.set(spec.name, index);
    // Codes steer graph searches, so only a vector with a graph gets them.
    const codes = yield* buildSegmentCodesSteps({
      store: stores[d]!,
      present: present[d]!,
      distance: spec.distance,
      config: options.quantization?.(spec.name),
    });
    if (codes !== undefined) segment.quantized.set(spec.name, codes);
    yield;
  }
  segment.seal(indexes);
  return { segment, originSegment, originOffset: Uint32Array.from(offsets) };
}
