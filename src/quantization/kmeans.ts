/**
 * Seeded k-means (Lloyd's algorithm) for product-quantization codebooks: reproducible for a
 * given seed, input order and size. Initial centroids are distinct sample points drawn with the
 * seeded generator; a centroid left without points is moved to the point farthest from its own
 * centroid, so every centroid stays in use.
 */
import { SeededRandom } from '../index/random.js';

/** Options for {@link kmeans}. */
export interface KMeansOptions {
  /** Points: `count` rows of `dim` floats. */
  data: Float32Array;
  dim: number;
  count: number;
  /** Centroids wanted; capped at `count`. */
  k: number;
  /** Lloyd iterations at most (stops early when no assignment changes). Default 10. */
  iterations?: number;
  /** Seed of the initial choice. */
  seed: number;
}

/** Squared norms of `k` rows of `dim` floats (for {@link nearestCentroid}). */
export function rowNorms(rows: Float32Array, k: number, dim: number, base = 0): Float64Array {
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += rows[base + c * dim + i]! ** 2;
    out[c] = s;
  }
  return out;
}

/**
 * Index of the centroid nearest (L2) to `data[at..at+dim)` among `k` rows of `centroids` from
 * element `base`, given their squared norms at `norms[normBase..]`: the smallest |c|² - 2 x·c
 * (|x|² is the same for every c). The point is read once into locals; widths 1, 2 and 4 (PQ x4, x8, x16) are unrolled.
 */
export function nearestCentroid(
  data: Float32Array,
  at: number,
  centroids: Float32Array,
  base: number,
  norms: Float64Array,
  normBase: number,
  k: number,
  dim: number,
): number {
  let best = 0;
  let bestD = Infinity;
  if (dim === 1) {
    const x0 = 2 * data[at]!;
    for (let c = 0; c < k; c++) {
      const d = norms[normBase + c]! - x0 * centroids[base + c]!;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
  } else if (dim === 2) {
    const x0 = 2 * data[at]!;
    const x1 = 2 * data[at + 1]!;
    for (let c = 0, o = base; c < k; c++, o += 2) {
      const d = norms[normBase + c]! - x0 * centroids[o]! - x1 * centroids[o + 1]!;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
  } else if (dim === 4) {
    const x0 = 2 * data[at]!;
    const x1 = 2 * data[at + 1]!;
    const x2 = 2 * data[at + 2]!;
    const x3 = 2 * data[at + 3]!;
    for (let c = 0, o = base; c < k; c++, o += 4) {
      const d =
        norms[normBase + c]! -
        (x0 * centroids[o]! +
          x1 * centroids[o + 1]! +
          x2 * centroids[o + 2]! +
          x3 * centroids[o + 3]!);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
  } else {
    for (let c = 0, o = base; c < k; c++, o += dim) {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += data[at + i]! * centroids[o + i]!;
      const d = norms[normBase + c]! - 2 * dot;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
  }
  return best;
}

/** Trains `min(k, count)` centroids; returns them as rows of `dim` floats. */
export function kmeans(options: KMeansOptions): Float32Array {
  const { data, dim, count } = options;
  const k = Math.min(options.k, count);
  const centroids = new Float32Array(k * dim);
  if (k === 0) return centroids;
  const rng = new SeededRandom(options.seed);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (count - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
    centroids.set(data.subarray(order[i]! * dim, (order[i]! + 1) * dim), i * dim);
  }
  const assign = new Int32Array(count).fill(-1);
  const sums = new Float64Array(k * dim);
  const sizes = new Uint32Array(k);
  const iterations = options.iterations ?? 10;
  for (let it = 0; it < iterations; it++) {
    let changed = 0;
    const norms = rowNorms(centroids, k, dim);
    for (let p = 0; p < count; p++) {
      const c = nearestCentroid(data, p * dim, centroids, 0, norms, 0, k, dim);
      if (c !== assign[p]) {
        assign[p] = c;
        changed++;
      }
    }
    if (changed === 0 && it > 0) break;
    sums.fill(0);
    sizes.fill(0);
    for (let p = 0; p < count; p++) {
      const c = assign[p]!;
      sizes[c]!++;
      for (let i = 0; i < dim; i++) sums[c * dim + i]! += data[p * dim + i]!;
    }
    for (let c = 0; c < k; c++) {
      if (sizes[c] === 0) {
        reseed(data, dim, count, assign, centroids, c);
        continue;
      }
      for (let i = 0; i < dim; i++) centroids[c * dim + i] = sums[c * dim + i]! / sizes[c]!;
    }
  }
  return centroids;
}

/** Moves centroid `c` onto the point farthest from its assigned centroid. */
function reseed(
  data: Float32Array,
  dim: number,
  count: number,
  assign: Int32Array,
  centroids: Float32Array,
  c: number,
): void {
  let far = 0;
  let farD = -1;
  for (let p = 0; p < count; p++) {
    const a = assign[p]!;
    let d = 0;
    for (let i = 0; i < dim; i++) {
      const t = data[p * dim + i]! - centroids[a * dim + i]!;
      d += t * t;
    }
    if (d > farD) {
      farD = d;
      far = p;
    }
  }
  centroids.set(data.subarray(far * dim, (far + 1) * dim), c * dim);
  assign[far] = c;
}
