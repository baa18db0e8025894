/**
 * Options of the HNSW index, with their defaults and valid ranges (Qdrant's names: `m`,
 * `ef_construct` spelled `efConstruct` here, `ef`).
 */
import type { Metric } from '../kernels/metric.js';

/** Options for {@link HnswIndex}. */
export interface HnswOptions {
  /**
   * Floats per vector; must equal the vector store's `dim`. Required; 1 .. 65536.
   */
  dim: number;
  /**
   * Scoring metric: `dot` (inner product), `l2` (squared Euclidean) or `l1` (Manhattan).
   * Internally a higher score is better (distances are negated). Required. For cosine, store
   * normalised vectors and use `dot`.
   */
  metric: Metric;
  /**
   * Links per node on the upper levels; level 0 keeps up to `2 * m`. Default 16; 2 .. 1024.
   * Larger: better recall at a given `ef` and on hard, high-dimensional data, but more memory
   * (`(2m + 1) * 4` bytes per node) and slower builds and searches.
   */
  m?: number;
  /**
   * Candidate list size while building (`ef_construct`). Default 100; m .. 4096 (values below
   * `m` are raised to `m`). Larger: a better graph (higher recall for the same search `ef`),
   * builds that take proportionally longer.
   */
  efConstruct?: number;
  /**
   * Seed of the level generator. Default 42; any integer (low 32 bits used). The same seed,
   * options and insertion order build a byte-identical graph (with the same kernels: SIMD and
   * scalar round differently).
   */
  seed?: number;
  /**
   * Nodes to allocate graph room for up front. Default 1024; >= 1. Only saves re-allocation
   * when the final size is known; the index grows by doubling either way.
   */
  initialCapacity?: number;
}

/** {@link HnswOptions} with every default applied and every range checked. */
export interface ResolvedHnswOptions {
  dim: number;
  metric: Metric;
  m: number;
  efConstruct: number;
  seed: number;
  initialCapacity: number;
}

function intIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`HNSW option ${name} must be an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}

/** Applies defaults and checks ranges; throws RangeError naming the bad field. */
export function resolveHnswOptions(options: HnswOptions): ResolvedHnswOptions {
  const m = intIn('m', options.m ?? 16, 2, 1024);
  if (options.metric !== 'dot' && options.metric !== 'l2' && options.metric !== 'l1') {
    throw new RangeError(`HNSW option metric must be 'dot', 'l2' or 'l1', got ${options.metric}`);
  }
  return {
    dim: intIn('dim', options.dim, 1, 65536),
    metric: options.metric,
    m,
    efConstruct: Math.max(m, intIn('efConstruct', options.efConstruct ?? 100, 1, 4096)),
    seed: Math.trunc(options.seed ?? 42) >>> 0,
    initialCapacity: intIn('initialCapacity', options.initialCapacity ?? 1024, 1, 2 ** 31),
  };
}
