/**
 * Product quantization (Jégou, Douze, Schmid, "Product quantization for nearest neighbor
 * search", 2011): the vector is cut into m sub-vectors of `subDim` components, each replaced by
 * the byte number of its nearest centroid in a codebook of up to 256 learnt by k-means on a
 * sample. Qdrant's `compression` fixes the size: xN means a code is N times smaller than the
 * float32 vector, so a byte stands for N / 4 floats (x4: 1, x8: 2, x16: 4, x32: 8, x64: 16).
 *
 * Scoring is asymmetric distance computation (ADC): per query, a table of the query's score
 * against every centroid of every sub-space (m x 256 floats); a code's score is then the sum of
 * m table entries. Dot, squared L2 and L1 all split into per-sub-space sums, so the table score
 * equals the score against the reconstruction exactly (up to float rounding).
 *
 * A dimension that is not a multiple of subDim is padded with zeros (the pad adds nothing to any
 * score).
 */
import type { BufferViews } from '../kernels/quant-scalar.js';
import { QUANT_KIND } from '../kernels/quant-scalar.js';
import type { Metric } from '../kernels/metric.js';
import type { Codec, PreparedQuery } from './codec.js';
import { kmeans, nearestCentroid, rowNorms } from './kmeans.js';
import type { TrainingSet } from './sample.js';
import { sampleRows } from './sample.js';
import { type Steps, finish } from './steps.js';

/** Qdrant's compression ratios. */
export type Compression = 'x4' | 'x8' | 'x16' | 'x32' | 'x64';

/** Floats per sub-vector for each compression ratio. */
export const SUB_DIM: Readonly<Record<Compression, number>> = {
  x4: 1,
  x8: 2,
  x16: 4,
  x32: 8,
  x64: 16,
};

/** Options for {@link trainProduct}. */
export interface ProductTrainOptions {
  /** Code size (required); see the file comment. */
  compression: Compression;
  /**
   * Centroids per sub-space, 1..256. Default 256 (a full byte). Fewer: faster training and
   * encoding, larger error.
   */
  centroids?: number;
  /** Vectors sampled for k-means. Default 4096: training cost is sample x centroids x dim. */
  sampleSize?: number;
  /** Lloyd iterations at most. Default 10. */
  iterations?: number;
  /** Seed of sampling and initialisation. Default 42. */
  seed?: number;
}

/** Trained codebooks. */
export interface ProductParams {
  /** Floats per sub-vector. */
  subDim: number;
  /** Sub-spaces (bytes per code). */
  m: number;
  /** Centroids per sub-space (<= 256). */
  k: number;
  /** m codebooks of 256 rows of subDim floats (rows >= k unused, zero). */
  codebooks: Float32Array;
}

/** Learns the codebooks from a sample of `set`. */
export function trainProduct(set: TrainingSet, options: ProductTrainOptions): ProductParams {
  return finish(trainProductSteps(set, options));
}

/** {@link trainProduct} in steps (yields after each sub-space's k-means). */
export function* trainProductSteps(
  set: TrainingSet,
  options: ProductTrainOptions,
): Steps<ProductParams> {
  const subDim = SUB_DIM[options.compression];
  if (subDim === undefined) {
    throw new RangeError(`compression must be one of x4, x8, x16, x32, x64`);
  }
  const centroids = options.centroids ?? 256;
  if (!Number.isInteger(centroids) || centroids < 1 || centroids > 256) {
    throw new RangeError(`centroids must be an integer in 1..256, got ${centroids}`);
  }
  const { dim, data } = set;
  const base = set.base ?? 0;
  const m = Math.ceil(dim / subDim);
  const seed = options.seed ?? 42;
  const rows = sampleRows(set, options.sampleSize ?? 4096, seed);
  const n = rows.length;
  const k = Math.max(1, Math.min(centroids, n));
  const codebooks = new Float32Array(m * 256 * subDim);
  const sub = new Float32Array(n * subDim);
  for (let j = 0; j < m; j++) {
    sub.fill(0);
    const from = j * subDim;
    const width = Math.min(subDim, dim - from);
    for (let r = 0; r < n; r++) {
      const src = base + rows[r]! * dim + from;
      for (let i = 0; i < width; i++) sub[r * subDim + i] = data[src + i]!;
    }
    const c = kmeans({
      data: sub,
      dim: subDim,
      count: n,
      k,
      iterations: options.iterations,
      seed: (seed + j * 0x9e3779b1) >>> 0,
    });
    codebooks.set(c, j * 256 * subDim);
    yield;
  }
  return { subDim, m, k, codebooks };
}

/** The codec over trained codebooks (see the file comment). */
export class ProductCodec implements Codec {
  readonly method = 'product';
  readonly stride: number;
  readonly queryBytes: number;
  readonly auxBytes = 0;
  readonly corrections = false;
  private readonly padded: Float32Array;

  /** Squared norms of every codebook row (256 per sub-space), for nearest-centroid search. */
  private readonly norms: Float64Array;

  constructor(
    readonly metric: Metric,
    readonly dim: number,
    readonly product: ProductParams,
  ) {
    this.stride = product.m;
    this.queryBytes = product.m * 256 * 4;
    this.padded = new Float32Array(product.m * product.subDim);
    this.norms = rowNorms(product.codebooks, product.m * 256, product.subDim);
  }

  writeAux(): void {}

  /** `dim` floats from `offset`, zero-padded to m * subDim (a shared scratch array). */
  private pad(data: Float32Array, offset: number): Float32Array {
    this.padded.set(data.subarray(offset, offset + this.dim));
    return this.padded;
  }

  encode(data: Float32Array, offset: number, code: Uint8Array): number {
    const { m, k, subDim, codebooks } = this.product;
    const v = this.pad(data, offset);
    for (let j = 0; j < m; j++) {
      code[j] = nearestCentroid(
        v,
        j * subDim,
        codebooks,
        j * 256 * subDim,
        this.norms,
        j * 256,
        k,
        subDim,
      );
    }
    return 0;
  }

  decode(code: Uint8Array): Float32Array {
    const { m, subDim, codebooks } = this.product;
    const out = new Float32Array(m * subDim);
    for (let j = 0; j < m; j++) {
      const at = (j * 256 + code[j]!) * subDim;
      out.set(codebooks.subarray(at, at + subDim), j * subDim);
    }
    return out.slice(0, this.dim);
  }

  prepare(query: Float32Array, mem: BufferViews, at: number): PreparedQuery {
    const { m, k, subDim, codebooks } = this.product;
    const q = this.pad(query, 0);
    const lut = mem.f32;
    const base = at >>> 2;
    const metric = this.metric;
    for (let j = 0; j < m; j++) {
      const qb = j * subDim;
      const row = base + j * 256;
      // One loop per metric: the branch stays out of the m x k x subDim inner loop.
      for (let c = 0; c < k; c++) {
        const cb = (j * 256 + c) * subDim;
        let s = 0;
        if (metric === 'dot') {
          for (let i = 0; i < subDim; i++) s += q[qb + i]! * codebooks[cb + i]!;
        } else if (metric === 'l2') {
          for (let i = 0; i < subDim; i++) {
            const t = q[qb + i]! - codebooks[cb + i]!;
            s -= t * t;
          }
        } else {
          for (let i = 0; i < subDim; i++) s -= Math.abs(q[qb + i]! - codebooks[cb + i]!);
        }
        lut[row + c] = s;
      }
      lut.fill(0, row + k, row + 256);
    }
    return { kind: QUANT_KIND.adc, n: m, mul: 1, add: 0 };
  }

  params(): Uint8Array {
    const { subDim, m, k, codebooks } = this.product;
    const out = new Uint8Array(12 + codebooks.length * 4);
    const view = new DataView(out.buffer);
    view.setUint32(0, subDim, true);
    view.setUint32(4, m, true);
    view.setUint32(8, k, true);
    new Float32Array(out.buffer, 12, codebooks.length).set(codebooks);
    return out;
  }
}

/** Reads parameters written by {@link ProductCodec.params}. */
export function productParamsFrom(bytes: Uint8Array): ProductParams {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) throw new RangeError('product codec parameters: truncated');
  const subDim = view.getUint32(0, true);
  const m = view.getUint32(4, true);
  const k = view.getUint32(8, true);
  const floats = m * 256 * subDim;
  if (bytes.length !== 12 + floats * 4 || k < 1 || k > 256) {
    throw new RangeError('product codec parameters: wrong size');
  }
  const codebooks = new Float32Array(bytes.slice(12).buffer, 0, floats);
  return { subDim, m, k, codebooks };
}
