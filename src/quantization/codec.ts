/**
 * The contract between a quantization method (scalar int8, binary, product) and the code store
 * that holds and scores its codes (`quantized-vectors.ts`). A codec is trained once, on a
 * sample of a sealed segment's vectors, and is immutable afterwards.
 */
import type { BufferViews, QuantKind } from '../kernels/quant-scalar.js';
import type { Metric } from '../kernels/metric.js';

/** The three quantization methods, named as in Qdrant's `quantization_config`. */
export type QuantizationMethod = 'scalar' | 'binary' | 'product';

/** How a prepared query is scored: the batch kernel's kind, element count and affine terms. */
export interface PreparedQuery {
  kind: QuantKind;
  /** Elements per code passed to the kernel (dims, u64 words or sub-vectors). */
  n: number;
  /** score = mul * raw + add (+ the code's correction). */
  mul: number;
  add: number;
}

/** A trained quantizer for one metric. */
export interface Codec {
  readonly method: QuantizationMethod;
  /** Floats per original vector. */
  readonly dim: number;
  /** The metric the scores estimate (internal: higher is better). */
  readonly metric: Metric;
  /** Bytes per code. */
  readonly stride: number;
  /** Bytes of a prepared query. */
  readonly queryBytes: number;
  /** Bytes of constants the kernels read (see {@link writeAux}). */
  readonly auxBytes: number;
  /** Whether each code has an f32 correction term (returned by {@link encode}). */
  readonly corrections: boolean;
  /** Writes the kernel constants at byte address `at` (4-aligned). */
  writeAux(mem: BufferViews, at: number): void;
  /**
   * Encodes `dim` floats of `data` from `offset` into `code` (stride bytes, zeroed) and returns
   * the code's correction term (0 when the codec has none).
   */
  encode(data: Float32Array, offset: number, code: Uint8Array): number;
  /** The vector a code stands for (the reconstruction). */
  decode(code: Uint8Array): Float32Array;
  /** Writes the query prepared for scoring at byte address `at` (16-aligned). */
  prepare(query: Float32Array, mem: BufferViews, at: number): PreparedQuery;
  /** The trained parameters, for persistence (read back by the codec's `decode...` function). */
  params(): Uint8Array;
}
