/**
 * The seam between sealed segments and quantization: which `quantization_config` applies to a
 * vector name, building the codes of a segment's vector store, and the memory figures.
 * Kept here, away from `collection/` and `segment/`, so the segment builder and the planner
 * only call three functions.
 */
import type { Schemas } from '../api/wire.js';
import type { Distance } from '../collection/config.js';
import { metricOfDistance } from '../kernels/distance.js';
import type { KernelRequest } from '../kernels/select.js';
import type { VectorStore } from '../kernels/vector-store.js';
import type { QuantizedVectors } from './quantized-vectors.js';
import { quantizationSpec, quantizeSteps } from './spec.js';
import { type Steps, finish } from './steps.js';

/**
 * The `quantization_config` in force for vector `name`: the vector's own (Qdrant's per-vector
 * override), else the collection's; undefined when quantization is off.
 */
export function effectiveQuantization(
  config: Pick<Schemas['CollectionConfig'], 'params' | 'quantization_config'>,
  name: string,
): Schemas['QuantizationConfig'] | undefined {
  const vectors = config.params.vectors;
  let own: unknown;
  if (vectors !== undefined && vectors !== null) {
    if (typeof (vectors as Schemas['VectorParams']).size === 'number') {
      if (name === '') own = (vectors as Schemas['VectorParams']).quantization_config;
    } else {
      own = (vectors as Record<string, Schemas['VectorParams'] | undefined>)[name]
        ?.quantization_config;
    }
  }
  const chosen = own ?? config.quantization_config;
  return chosen === null || chosen === undefined
    ? undefined
    : (chosen as Schemas['QuantizationConfig']);
}

/** Options for {@link buildSegmentCodes}. */
export interface SegmentCodesOptions {
  /**
   * The sealed segment's originals for one vector name (offset i = the segment's offset i): a
   * store in memory, or the vectors of one read from disk laid out the same way.
   */
  store: Pick<VectorStore, 'dim' | 'count' | 'view'>;
  /** `present[i] === 1` where offset i has this vector; other offsets are never sampled. */
  present: Uint8Array;
  /** The vector's distance. */
  distance: Distance;
  /** The config in force ({@link effectiveQuantization}); undefined: no codes. */
  config: Schemas['QuantizationConfig'] | undefined;
  /** Training seed. Default 42 (rebuilt codes are identical). */
  seed?: number;
  /** Kernels of the codes: `auto` (default), `simd`, `scalar`. */
  kernels?: KernelRequest;
}

/** The codes of every offset of `store`, or undefined when quantization is off for it. */
export function buildSegmentCodes(options: SegmentCodesOptions): QuantizedVectors | undefined {
  return finish(buildSegmentCodesSteps(options));
}

/** {@link buildSegmentCodes} in steps, so the optimizer can run it in slices. */
export function* buildSegmentCodesSteps(
  options: SegmentCodesOptions,
): Steps<QuantizedVectors | undefined> {
  const spec = quantizationSpec(options.config);
  if (spec === undefined) return undefined;
  const rows = options.store.view();
  const { present } = options;
  return yield* quantizeSteps({
    spec,
    metric: metricOfDistance(options.distance),
    set: {
      dim: options.store.dim,
      count: options.store.count,
      data: rows.data,
      base: rows.base,
      present: (i) => present[i] === 1,
    },
    seed: options.seed,
    kernels: options.kernels,
  });
}

/** Memory held for one vector name, in bytes (what collection info and telemetry report). */
export interface VectorMemory {
  /** Original vectors resident in memory (0 when they are on disk). */
  originalBytes: number;
  /** Original vectors in files (on disk). */
  originalBytesOnDisk: number;
  /** Quantized codes and their correction terms. */
  quantizedBytes: number;
}

/** Sums {@link VectorMemory} figures (e.g. over a collection's segments). */
export function addVectorMemory(a: VectorMemory, b: VectorMemory): VectorMemory {
  return {
    originalBytes: a.originalBytes + b.originalBytes,
    originalBytesOnDisk: a.originalBytesOnDisk + b.originalBytesOnDisk,
    quantizedBytes: a.quantizedBytes + b.quantizedBytes,
  };
}
