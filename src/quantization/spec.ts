/**
 * From Qdrant's `quantization_config` (collection-level or per vector, already validated by
 * `collection/config.ts`) to trained quantized vectors, and the search-time
 * `params.quantization` settings.
 */
import type { Schemas } from '../api/wire.js';
import { checkBool, checkKnownFields, checkNumber, checkObject, optional } from '../api/check.js';
import type { Metric } from '../kernels/metric.js';
import type { KernelRequest } from '../kernels/select.js';
import { BinaryCodec } from './binary-codec.js';
import type { Codec } from './codec.js';
import type { Compression } from './product-codec.js';
import { ProductCodec, trainProductSteps } from './product-codec.js';
import { QuantizedVectors } from './quantized-vectors.js';
import type { TrainingSet } from './sample.js';
import { ScalarCodec, trainScalarSteps } from './scalar-codec.js';
import { type Steps, finish } from './steps.js';

/** A quantization config as the engine uses it (a discriminated union). */
export type QuantizationSpec =
  | {
      method: 'scalar';
      /** Share of values inside the int8 bounds, [0.5, 1]; default 1. */
      quantile: number;
      /** Qdrant's `always_ram`: codes stay in memory even when originals are on disk. */
      alwaysRam: boolean;
    }
  | { method: 'binary'; alwaysRam: boolean }
  | { method: 'product'; compression: Compression; alwaysRam: boolean };

/** The spec of a validated `quantization_config`, or undefined when quantization is off. */
export function quantizationSpec(
  config: Schemas['QuantizationConfig'] | null | undefined,
): QuantizationSpec | undefined {
  if (config === null || config === undefined || typeof config !== 'object') return undefined;
  if ('scalar' in config) {
    const s = config.scalar;
    return { method: 'scalar', quantile: s.quantile ?? 1, alwaysRam: s.always_ram ?? false };
  }
  if ('product' in config) {
    const p = config.product;
    return { method: 'product', compression: p.compression, alwaysRam: p.always_ram ?? false };
  }
  if ('binary' in config) return { method: 'binary', alwaysRam: config.binary.always_ram ?? false };
  return undefined;
}

/** Options for {@link quantize}. */
export interface QuantizeOptions {
  /** Which method and settings. */
  spec: QuantizationSpec;
  /** The metric the codes must estimate. */
  metric: Metric;
  /** The vectors: trained on a sample, then every row encoded. */
  set: TrainingSet;
  /** Training seed. Default 42: the same vectors and seed give identical codes. */
  seed?: number;
  /** Vectors sampled for training (default: the method's own, see the codecs). */
  sampleSize?: number;
  /** Kernels for scoring codes: `auto` (default), `simd` or `scalar`. */
  kernels?: KernelRequest;
}

/** Trains the codec the spec names. */
export function trainCodec(options: QuantizeOptions): Codec {
  return finish(trainCodecSteps(options));
}

/** {@link trainCodec} in steps. */
export function* trainCodecSteps(options: QuantizeOptions): Steps<Codec> {
  const { spec, metric, set, seed, sampleSize } = options;
  switch (spec.method) {
    case 'scalar': {
      const params = yield* trainScalarSteps(set, { quantile: spec.quantile, seed, sampleSize });
      return new ScalarCodec(metric, params);
    }
    case 'binary':
      return new BinaryCodec(metric, set.dim);
    case 'product': {
      const train = { compression: spec.compression, seed, sampleSize };
      return new ProductCodec(metric, set.dim, yield* trainProductSteps(set, train));
    }
  }
}

/** Trains a codec on `options.set` and encodes all of its rows. */
export function quantize(options: QuantizeOptions): QuantizedVectors {
  return finish(quantizeSteps(options));
}

/** {@link quantize} in steps, for the optimizer's slices. */
export function* quantizeSteps(options: QuantizeOptions): Steps<QuantizedVectors> {
  const codec = yield* trainCodecSteps(options);
  const { set } = options;
  return yield* QuantizedVectors.buildSteps({
    codec,
    data: set.data,
    base: set.base,
    count: set.count,
    present: set.present,
    kernels: options.kernels,
  });
}

/** Qdrant's `params.quantization` with defaults applied. */
export interface QuantizationSearchParams {
  /** Search the originals, as if there were no codes. Default false. */
  ignore: boolean;
  /** Rescore the candidates found with codes using the originals. Default true. */
  rescore: boolean;
  /** Candidates taken by codes = ceil(limit * oversampling), >= 1. Default 1. */
  oversampling: number;
}

/** Validates `params.quantization` (Qdrant's `QuantizationSearchParams`); `path` names it. */
export function checkQuantizationParams(raw: unknown, path: string): QuantizationSearchParams {
  if (raw === undefined || raw === null) return { ignore: false, rescore: true, oversampling: 1 };
  const obj = checkObject(raw, path);
  checkKnownFields(obj, ['ignore', 'rescore', 'oversampling'], path);
  return {
    ignore: optional(obj.ignore, (v) => checkBool(v, `${path}.ignore`)) ?? false,
    rescore: optional(obj.rescore, (v) => checkBool(v, `${path}.rescore`)) ?? true,
    oversampling:
      optional(obj.oversampling, (v) => checkNumber(v, `${path}.oversampling`, { min: 1 })) ?? 1,
  };
}
