/**
 * Exact (brute-force) search over a vector store: scores every stored vector in batches with
 * the store's kernels and keeps the best k. Used where a filter matches few points, for ground
 * truth in benchmarks, and to measure the kernels.
 */
import { BATCH_CAPACITY } from '../kernels/batch.js';
import type { Metric } from '../kernels/metric.js';
import type { VectorStore } from '../kernels/vector-store.js';
import { drainTopK, offerBatch, topKHeap, type TopK } from './top-k.js';

/** An exact top-k query. */
export interface FlatSearchRequest {
  /** The store to scan: offsets 0 .. store.count - 1. */
  store: VectorStore;
  /** Scoring metric (higher score is better). */
  metric: Metric;
  /** The query; length = store.dim. */
  query: Float32Array;
  /** Results to return (at most). Integer >= 1. */
  k: number;
  /** Optional filter: only offsets it accepts are returned. */
  accept?: (offset: number) => boolean;
}

/** The exact top k, best first. */
export function flatSearch(request: FlatSearchRequest): TopK {
  const { store, metric, query, k, accept } = request;
  if (query.length !== store.dim) {
    throw new RangeError(`query has ${query.length} dimensions, the store ${store.dim}`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, got ${k}`);
  const sc = store.scorer(metric);
  sc.setQuery(query);
  // Min-heap of the best k so far (negated scores): the top is the one to beat.
  const best = topKHeap(k);
  const total = store.count;
  for (let start = 0; start < total; start += BATCH_CAPACITY) {
    const count = Math.min(BATCH_CAPACITY, total - start);
    sc.scoreRange(start, count);
    offerBatch(best, k, sc.scores(), start, count, accept);
  }
  return drainTopK(best);
}
