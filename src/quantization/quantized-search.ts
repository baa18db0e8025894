/**
 * Search with quantized vectors: find candidates with the codes (an HNSW walk scored by codes,
 * or a scan of all codes), then rescore them exactly with the original vectors, which may live
 * in memory or on disk. With `oversampling` o the codes pick ceil(k * o) candidates, so a true
 * neighbour ranked a little low by the codes still reaches the exact rescoring.
 */
import { BATCH_CAPACITY } from '../kernels/batch.js';
import type { Metric } from '../kernels/metric.js';
import type { TraversalScorer, VectorStore } from '../kernels/vector-store.js';
import { flatSearch } from '../index/flat.js';
import { drainTopK, offerBatch, topKHeap } from '../index/top-k.js';
import type { HnswIndex } from '../index/hnsw.js';
import type { QuantizedVectors } from './quantized-vectors.js';
import type { QuantizationSearchParams } from './spec.js';

/** The original (full-precision) vectors, wherever they are kept. */
export interface OriginalVectors {
  /** Floats per vector. */
  readonly dim: number;
  /** Vectors held (offsets 0 .. count - 1). */
  readonly count: number;
  /** Bytes of original vectors held in memory (0 when they are read from disk). */
  readonly residentBytes: number;
  /** A scorer over the originals, for a traversal that ignores the codes. */
  scorer(metric: Metric): TraversalScorer;
}

/** Originals held in a {@link VectorStore} (in memory: the JS heap or WASM memory). */
export function storeOriginals(store: VectorStore): OriginalVectors {
  return {
    dim: store.dim,
    get count() {
      return store.count;
    },
    get residentBytes() {
      return store.count * store.dim * 4;
    },
    scorer: (metric) => store.scorer(metric),
  };
}

/** Options for {@link quantizedSearch}. */
export interface QuantizedSearchOptions {
  /** The codes of the searched vectors. */
  quantized: QuantizedVectors;
  /** The originals, for rescoring and for `ignore`; offsets match the codes'. */
  originals: OriginalVectors;
  /**
   * The graph over these offsets (built over the originals or over the codes). Without it the
   * codes are scanned in full (a flat search, as for small segments).
   */
  index?: HnswIndex;
  /** The metric (internal scores, higher is better); the codes' metric. */
  metric: Metric;
  /** The query (normalised for Cosine). */
  query: Float32Array;
  /** Results wanted. */
  k: number;
  /** HNSW beam width; raised to the candidate count. */
  ef?: number;
  /** Only offsets it accepts are returned. */
  accept?: (offset: number) => boolean;
  /** Qdrant's `params.quantization` (defaults: use codes, rescore, oversampling 1). */
  params?: QuantizationSearchParams;
}

/** Results, best first, with exact scores when rescored. */
export interface QuantizedSearchResult {
  offsets: Uint32Array;
  scores: Float32Array;
}

/** See the file comment. */
export function quantizedSearch(options: QuantizedSearchOptions): QuantizedSearchResult {
  const { quantized, originals, index, metric, query, k, accept } = options;
  const params = options.params ?? { ignore: false, rescore: true, oversampling: 1 };
  if (params.ignore) {
    const scorer = originals.scorer(metric);
    if (index !== undefined) return index.search({ query, k, ef: options.ef, accept, scorer });
    return scan(scorer, originals.count, query, k, accept);
  }
  const candidates = params.rescore ? Math.max(k, Math.ceil(k * params.oversampling)) : k;
  const codeScorer = quantized.scorer(metric);
  const found =
    index !== undefined
      ? index.search({
          query,
          k: candidates,
          ef: Math.max(candidates, options.ef ?? 0),
          accept,
          scorer: codeScorer,
        })
      : flatSearch({ store: quantized, metric, query, k: candidates, accept });
  if (!params.rescore) return found;
  return rescore(originals.scorer(metric), query, found.offsets, k);
}

/** Exact scores of `offsets` against the query; the best k, best first. */
export function rescore(
  scorer: TraversalScorer,
  query: Float32Array,
  offsets: Uint32Array,
  k: number,
): QuantizedSearchResult {
  scorer.setQuery(query);
  const n = offsets.length;
  const exact = new Float32Array(n);
  for (let start = 0; start < n; start += BATCH_CAPACITY) {
    const count = Math.min(BATCH_CAPACITY, n - start);
    scorer.ids().set(offsets.subarray(start, start + count));
    scorer.scoreBatch(count);
    exact.set(scorer.scores().subarray(0, count), start);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  // Best first; ties by offset so results are deterministic.
  order.sort((a, b) => exact[b]! - exact[a]! || offsets[a]! - offsets[b]!);
  const m = Math.min(k, n);
  const out = { offsets: new Uint32Array(m), scores: new Float32Array(m) };
  for (let i = 0; i < m; i++) {
    out.offsets[i] = offsets[order[i]!]!;
    out.scores[i] = exact[order[i]!]!;
  }
  return out;
}

/** Exact top k over offsets 0 .. total - 1 through a scorer (no index). */
function scan(
  scorer: TraversalScorer,
  total: number,
  query: Float32Array,
  k: number,
  accept: ((offset: number) => boolean) | undefined,
): QuantizedSearchResult {
  scorer.setQuery(query);
  const best = topKHeap(k);
  for (let start = 0; start < total; start += BATCH_CAPACITY) {
    const count = Math.min(BATCH_CAPACITY, total - start);
    const ids = scorer.ids();
    for (let i = 0; i < count; i++) ids[i] = start + i;
    scorer.scoreBatch(count);
    offerBatch(best, k, scorer.scores(), start, count, accept);
  }
  return drainTopK(best);
}
