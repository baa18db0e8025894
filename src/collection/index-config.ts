/**
 * The index settings that apply to one vector name: the collection's `hnsw_config` overridden
 * field by field by the vector's own `hnsw_config` (Qdrant's rule), plus the optimizer sizes
 * the segment planner needs, all resolved to numbers with Qdrant's defaults.
 */
import type { Schemas } from '../api/wire.js';
import { DEFAULT_HNSW, DEFAULT_OPTIMIZER } from './config.js';

/** HNSW settings of one vector name. */
export interface VectorIndexConfig {
  /** Links per node (`m`); 0 disables the graph for this vector (exact search only). */
  m: number;
  /** Build beam width (`ef_construct`); also the default search `ef`, as in Qdrant. */
  efConstruct: number;
  /**
   * Below this many KiB of vectors a search is an exact scan (`full_scan_threshold`): of the
   * segment without a filter, of the points a filter matches with one.
   */
  fullScanThresholdKb: number;
  /** Accepted and reported; the graph stays in memory either way. */
  onDisk: boolean;
}

/** The vector params of `name` in a collection config, if it is a dense vector. */
function vectorParams(
  config: Schemas['CollectionConfig'],
  name: string,
): Schemas['VectorParams'] | undefined {
  const vectors = config.params.vectors;
  if (vectors === undefined || vectors === null) return undefined;
  if (typeof (vectors as Schemas['VectorParams']).size === 'number') {
    return name === '' ? (vectors as Schemas['VectorParams']) : undefined;
  }
  return (vectors as Record<string, Schemas['VectorParams']>)[name];
}

/** Effective HNSW settings of vector `name` (see the module comment). */
export function vectorIndexConfig(
  config: Schemas['CollectionConfig'],
  name: string,
): VectorIndexConfig {
  const own = (vectorParams(config, name)?.hnsw_config ?? {}) as Partial<Schemas['HnswConfig']>;
  const all = config.hnsw_config;
  return {
    m: own.m ?? all.m ?? DEFAULT_HNSW.m,
    efConstruct: own.ef_construct ?? all.ef_construct ?? DEFAULT_HNSW.ef_construct,
    fullScanThresholdKb:
      own.full_scan_threshold ?? all.full_scan_threshold ?? DEFAULT_HNSW.full_scan_threshold,
    onDisk: own.on_disk ?? all.on_disk ?? false,
  };
}

/** Without `max_segment_size`: segments grow to this many bytes of vectors. */
export const AUTO_MAX_SEGMENT_BYTES = 256 * 1024 * 1024;
/** Without `default_segment_number` (0): closed segments the optimizer aims for. */
export const AUTO_SEGMENT_NUMBER = 4;

/** The optimizer's sizes in bytes and counts, defaults applied. */
export interface OptimizerLimits {
  /** A segment with at least this many bytes of vectors gets indexed; 0 = never. */
  indexingBytes: number;
  /** Merges never produce a segment with more bytes of vectors than this. */
  maxSegmentBytes: number;
  /** Closed segments to aim for. */
  segmentNumber: number;
  /** Deleted share above which a segment is vacuumed. */
  deletedThreshold: number;
  /** Segments with fewer offsets are never vacuumed. */
  vacuumMinVectors: number;
  /** `false` when `max_optimization_threads` is 0: nothing runs on its own. */
  auto: boolean;
}

/** Resolves `optimizer_config` (see {@link OptimizerLimits}). */
export function optimizerLimits(config: Schemas['CollectionConfig']): OptimizerLimits {
  const o = config.optimizer_config;
  const indexingKb = o.indexing_threshold ?? DEFAULT_OPTIMIZER.indexing_threshold ?? 10000;
  const threads = o.max_optimization_threads as unknown;
  return {
    indexingBytes: indexingKb * 1024,
    maxSegmentBytes:
      o.max_segment_size == null ? AUTO_MAX_SEGMENT_BYTES : o.max_segment_size * 1024,
    segmentNumber:
      o.default_segment_number == null || o.default_segment_number === 0
        ? AUTO_SEGMENT_NUMBER
        : o.default_segment_number,
    deletedThreshold: o.deleted_threshold ?? 0.2,
    vacuumMinVectors: o.vacuum_min_vector_number ?? 1000,
    auto: threads !== 0,
  };
}
