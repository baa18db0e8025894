/**
 * Scalar (int8) quantization: each component x is stored as one signed byte c with
 * x ≈ offset + step * c, c in [-128, 127]. `step` and `offset` are per dimension (default) or
 * global, from the bounds [lo, hi] that hold a `quantile` share of the training values:
 * step = (hi - lo) / 255, so inside the bounds the reconstruction error is at most step / 2.
 *
 * Scoring, with x̂ the reconstruction, s the step and o the offset (per dimension i):
 * - asymmetric (the query stays float; default):
 *   dot:  q·x̂ = Σ (q_i s_i) c_i + Σ q_i o_i                      (one f32 x i8 dot)
 *   L2:   |q - x̂|² = Σ s_i² c_i² - 2 Σ s_i (q_i - o_i) c_i + Σ (q_i - o_i)²
 *         the first sum is the code's correction term, computed once at encoding
 *   L1:   Σ |s_i c_i - (q_i - o_i)|                               (weighted L1 kernel)
 * - symmetric (global step and offset only; the query is quantized too, i8 x i8 kernels):
 *   dot:  q̂·x̂ = s² Σ c_i d_i + s o (Σ c_i + Σ d_i) + dim o²      (correction: s o Σ c_i)
 *   L2:   |q̂ - x̂|² = s² Σ (c_i - d_i)²                            (offsets cancel)
 *   L1 is always asymmetric.
 */
import type { BufferViews } from '../kernels/quant-scalar.js';
import { QUANT_KIND } from '../kernels/quant-scalar.js';
import type { Metric } from '../kernels/metric.js';
import type { Codec, PreparedQuery } from './codec.js';
import type { TrainingSet } from './sample.js';
import { sampleRows } from './sample.js';
import { type Steps, finish } from './steps.js';

/** Options for {@link trainScalar}. */
export interface ScalarTrainOptions {
  /**
   * Share of training values inside the bounds, in [0.5, 1] (Qdrant's `quantile`). Default 1:
   * the full range. Lower values clip outliers, spending the 256 levels on where values are.
   */
  quantile?: number;
  /**
   * Bounds per dimension (default true): tighter steps when dimensions differ in range. `false`
   * shares one step and offset across dimensions, which the symmetric mode needs.
   */
  perDimension?: boolean;
  /**
   * `asymmetric` (default): the query stays float, more accurate. `symmetric`: the query is
   * quantized too and scored byte against byte; needs `perDimension: false`.
   */
  mode?: 'asymmetric' | 'symmetric';
  /** Vectors sampled to find the bounds. Default 16384. */
  sampleSize?: number;
  /** Sampling seed. Default 42. */
  seed?: number;
}

/** The trained parameters of a scalar codec. */
export interface ScalarParams {
  mode: 'asymmetric' | 'symmetric';
  /** Per-dimension step (all equal when global). */
  step: Float32Array;
  /** Per-dimension offset: the value of code 0. */
  offset: Float32Array;
}

/** The value at quantile `p` (0..1) of sorted values. */
function at(sorted: Float32Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))]!;
}

/** Learns step and offset from a sample of `set`. */
export function trainScalar(set: TrainingSet, options: ScalarTrainOptions = {}): ScalarParams {
  return finish(trainScalarSteps(set, options));
}

/** {@link trainScalar} in steps (yields every few dimensions: each sorts a sample column). */
export function* trainScalarSteps(
  set: TrainingSet,
  options: ScalarTrainOptions = {},
): Steps<ScalarParams> {
  const quantile = options.quantile ?? 1;
  if (!(quantile >= 0.5 && quantile <= 1)) {
    throw new RangeError(`quantile must be in [0.5, 1], got ${quantile}`);
  }
  const perDimension = options.perDimension ?? true;
  const mode = options.mode ?? 'asymmetric';
  if (mode === 'symmetric' && perDimension) {
    throw new RangeError('symmetric scalar quantization needs perDimension: false');
  }
  const { dim, data } = set;
  const base = set.base ?? 0;
  const rows = sampleRows(set, options.sampleSize ?? 16384, options.seed ?? 42);
  const lowP = (1 - quantile) / 2;
  const highP = (1 + quantile) / 2;
  const step = new Float32Array(dim);
  const offset = new Float32Array(dim);
  const bounds = (values: Float32Array): [number, number] => {
    if (values.length === 0) return [0, 0];
    values.sort();
    return quantile === 1
      ? [values[0]!, values[values.length - 1]!]
      : [at(values, lowP), at(values, highP)];
  };
  const fill = (i: number, lo: number, hi: number): void => {
    const s = Math.fround((hi - lo) / 255);
    step[i] = s;
    offset[i] = lo + 128 * s;
  };
  if (perDimension) {
    const column = new Float32Array(rows.length);
    for (let d = 0; d < dim; d++) {
      for (let r = 0; r < rows.length; r++) column[r] = data[base + rows[r]! * dim + d]!;
      const [lo, hi] = bounds(column);
      fill(d, lo, hi);
      if (d % 16 === 15) yield;
    }
  } else {
    const all = new Float32Array(rows.length * dim);
    for (let r = 0; r < rows.length; r++) {
      const at = base + rows[r]! * dim;
      all.set(data.subarray(at, at + dim), r * dim);
    }
    const [lo, hi] = bounds(all);
    for (let d = 0; d < dim; d++) fill(d, lo, hi);
  }
  return { mode, step, offset };
}

/** The codec over trained parameters (see the file comment for the formulas). */
export class ScalarCodec implements Codec {
  readonly method = 'scalar';
  readonly dim: number;
  readonly stride: number;
  readonly queryBytes: number;
  readonly auxBytes: number;
  readonly corrections: boolean;
  private readonly symmetric: boolean;
  private readonly invStep: Float32Array;

  constructor(
    readonly metric: Metric,
    readonly scalar: ScalarParams,
  ) {
    this.dim = scalar.step.length;
    this.stride = this.dim;
    this.symmetric = scalar.mode === 'symmetric' && metric !== 'l1';
    this.queryBytes = this.dim * 4;
    this.auxBytes = metric === 'l1' ? this.dim * 4 : 0;
    this.corrections = this.symmetric ? metric === 'dot' : metric === 'l2';
    this.invStep = scalar.step.map((s) => (s === 0 ? 0 : 1 / s));
  }

  writeAux(mem: BufferViews, at: number): void {
    if (this.metric === 'l1') mem.f32.set(this.scalar.step, at >>> 2);
  }

  /** Quantizes dim floats into signed bytes (clamped to the trained bounds). */
  private quantize(data: Float32Array, offset: number, out: Int8Array): number {
    const { offset: o } = this.scalar;
    const inv = this.invStep;
    let sum = 0;
    for (let i = 0; i < this.dim; i++) {
      const c = Math.round((data[offset + i]! - o[i]!) * inv[i]!);
      const k = inv[i] === 0 ? -128 : c < -128 ? -128 : c > 127 ? 127 : c;
      out[i] = k;
      sum += k;
    }
    return sum;
  }

  encode(data: Float32Array, offset: number, code: Uint8Array): number {
    const c = new Int8Array(code.buffer, code.byteOffset, this.dim);
    const sum = this.quantize(data, offset, c);
    if (!this.corrections) return 0;
    const s = this.scalar.step;
    if (this.symmetric) return s[0]! * this.scalar.offset[0]! * sum;
    // Asymmetric L2: minus the squared norm of the code part (score = -distance²).
    let n = 0;
    for (let i = 0; i < this.dim; i++) {
      const v = s[i]! * c[i]!;
      n += v * v;
    }
    return -n;
  }

  decode(code: Uint8Array): Float32Array {
    const c = new Int8Array(code.buffer, code.byteOffset, this.dim);
    const { step, offset } = this.scalar;
    const out = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) out[i] = offset[i]! + step[i]! * c[i]!;
    return out;
  }

  prepare(query: Float32Array, mem: BufferViews, at: number): PreparedQuery {
    const { step, offset } = this.scalar;
    const dim = this.dim;
    if (this.symmetric) {
      const d = new Int8Array(mem.buffer, at, dim);
      const sum = this.quantize(query, 0, d);
      const s = step[0]!;
      const o = offset[0]!;
      if (this.metric === 'dot') {
        return { kind: QUANT_KIND.dotI8, n: dim, mul: s * s, add: s * o * sum + dim * o * o };
      }
      return { kind: QUANT_KIND.l2I8, n: dim, mul: -s * s, add: 0 };
    }
    const f = mem.f32;
    const base = at >>> 2;
    switch (this.metric) {
      case 'dot': {
        let add = 0;
        for (let i = 0; i < dim; i++) {
          f[base + i] = query[i]! * step[i]!;
          add += query[i]! * offset[i]!;
        }
        return { kind: QUANT_KIND.dotF32I8, n: dim, mul: 1, add };
      }
      case 'l2': {
        let tt = 0;
        for (let i = 0; i < dim; i++) {
          const t = query[i]! - offset[i]!;
          f[base + i] = step[i]! * t;
          tt += t * t;
        }
        return { kind: QUANT_KIND.dotF32I8, n: dim, mul: 2, add: -tt };
      }
      case 'l1':
        for (let i = 0; i < dim; i++) f[base + i] = query[i]! - offset[i]!;
        return { kind: QUANT_KIND.l1wF32I8, n: dim, mul: -1, add: 0 };
    }
  }

  params(): Uint8Array {
    const out = new Uint8Array(4 + this.dim * 8);
    out[0] = this.scalar.mode === 'symmetric' ? 1 : 0;
    new Float32Array(out.buffer, 4, this.dim).set(this.scalar.step);
    new Float32Array(out.buffer, 4 + this.dim * 4, this.dim).set(this.scalar.offset);
    return out;
  }
}

/** Reads parameters written by {@link ScalarCodec.params}. */
export function scalarParamsFrom(bytes: Uint8Array, dim: number): ScalarParams {
  if (bytes.length !== 4 + dim * 8) throw new RangeError('scalar codec parameters: wrong size');
  const copy = bytes.slice();
  return {
    mode: copy[0] === 1 ? 'symmetric' : 'asymmetric',
    step: new Float32Array(copy.buffer, 4, dim),
    offset: new Float32Array(copy.buffer, 4 + dim * 4, dim),
  };
}
