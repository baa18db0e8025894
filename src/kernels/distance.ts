/**
 * Distance functions over fixed-stride Float32Array storage, as internal scores where HIGHER IS
 * ALWAYS BETTER: Cosine and Dot score the dot product (Cosine vectors are normalised on insert),
 * Euclid and Manhattan score the negated distance. {@link publicScore} turns an internal score into
 * what Qdrant reports (Euclid/Manhattan: the distance itself, smaller is better).
 */
import type { Distance } from '../collection/config.js';
import type { Metric } from './metric.js';

/** Scores stored vector at `offset * dim` in `data` against `query` (internal: higher is better). */
export type ScoreFn = (
  query: Float32Array,
  data: Float32Array,
  base: number,
  dim: number,
) => number;

function dot(q: Float32Array, data: Float32Array, base: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < dim; i += 2) {
    s0 += q[i]! * data[base + i]!;
    s1 += q[i + 1]! * data[base + i + 1]!;
  }
  if (i < dim) s0 += q[i]! * data[base + i]!;
  return s0 + s1;
}

function negEuclid(q: Float32Array, data: Float32Array, base: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const d = q[i]! - data[base + i]!;
    s += d * d;
  }
  return -Math.sqrt(s);
}

function negManhattan(q: Float32Array, data: Float32Array, base: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += Math.abs(q[i]! - data[base + i]!);
  return -s;
}

/** The internal scoring function of a distance. */
export function scoreFunction(distance: Distance): ScoreFn {
  switch (distance) {
    case 'Cosine':
    case 'Dot':
      return dot;
    case 'Euclid':
      return negEuclid;
    case 'Manhattan':
      return negManhattan;
  }
}

/**
 * The kernel metric of a distance (what HNSW, flat scans and quantized codes compute): Cosine
 * (vectors stored normalised) and Dot use the dot product, Euclid squared L2, Manhattan L1.
 */
export function metricOfDistance(distance: Distance): Metric {
  switch (distance) {
    case 'Cosine':
    case 'Dot':
      return 'dot';
    case 'Euclid':
      return 'l2';
    case 'Manhattan':
      return 'l1';
  }
}

/** `true` when the public score of this distance is a distance (smaller is better). */
export function isDistanceMetric(distance: Distance): boolean {
  return distance === 'Euclid' || distance === 'Manhattan';
}

/** Internal score → the score Qdrant reports. */
export function publicScore(distance: Distance, internal: number): number {
  return isDistanceMetric(distance) ? -internal : internal;
}

/** Public score threshold → internal threshold (keep results with internal score >= it). */
export function internalThreshold(distance: Distance, threshold: number): number {
  return isDistanceMetric(distance) ? -threshold : threshold;
}

/** Normalises `v` in place to unit length (a zero vector stays zero), as Qdrant does for Cosine. */
export function normalizeInPlace(v: Float32Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s === 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
}
