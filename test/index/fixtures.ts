/** Test data and the exact oracle the HNSW tests compare against. */
import type { Metric } from '../../src/kernels/metric.js';
import { SeededRandom } from '../../src/index/random.js';

/** n uniform random vectors in [-1, 1)^dim, flat. */
export function uniformData(n: number, dim: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() * 2 - 1;
  return out;
}

/**
 * n vectors around `clusters` random centres (roughly Gaussian, sd ~0.1), flat. The centres
 * depend on `centreSeed` only, so queries drawn with another `seed` come from the same clusters.
 */
export function clusteredData(
  n: number,
  dim: number,
  clusters: number,
  centreSeed: number,
  seed: number,
): Float32Array {
  const rng = new SeededRandom(seed);
  const centres = uniformData(clusters, dim, centreSeed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng.next() * clusters);
    for (let d = 0; d < dim; d++) {
      // Sum of three uniforms: cheap, roughly normal.
      const noise = (rng.next() + rng.next() + rng.next() - 1.5) * 0.2;
      out[i * dim + d] = centres[c * dim + d]! + noise;
    }
  }
  return out;
}

/** Score as the index defines it (higher is better), computed in double precision. */
export function exactScore(
  metric: Metric,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  dim: number,
): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const x = a[aOff + d]!;
    const y = b[bOff + d]!;
    if (metric === 'dot') s += x * y;
    else if (metric === 'l2') s -= (x - y) * (x - y);
    else s -= Math.abs(x - y);
  }
  return s;
}

/** Brute-force top k offsets for a query, best first, among offsets that pass `accept`. */
export function bruteForce(
  metric: Metric,
  data: Float32Array,
  dim: number,
  query: Float32Array,
  k: number,
  accept: (offset: number) => boolean = () => true,
): number[] {
  const n = data.length / dim;
  const scored: { o: number; s: number }[] = [];
  for (let o = 0; o < n; o++) {
    if (accept(o)) scored.push({ o, s: exactScore(metric, query, 0, data, o * dim, dim) });
  }
  scored.sort((a, b) => b.s - a.s);
  return scored.slice(0, k).map((x) => x.o);
}

/** Fraction of `truth` found in `found`. */
export function recall(found: ArrayLike<number>, truth: number[]): number {
  if (truth.length === 0) return 1;
  const set = new Set(Array.from(found));
  let hit = 0;
  for (const t of truth) if (set.has(t)) hit++;
  return hit / truth.length;
}
