/**
 * The saved form of a segment's quantized vectors, so a segment can load its codes instead of
 * retraining them (PQ training takes seconds). A checked file (`storage/checked-file.ts`, magic
 * "QQNT", version 1) whose body is, little-endian:
 * ```
 * offset size field
 *      0    1 method      0 scalar, 1 binary, 2 product
 *      1    1 metric      0 dot, 1 l2, 2 l1 (kernels/metric.ts codes)
 *      2    2 reserved    0
 *      4    4 dim         u32
 *      8    4 count       u32 codes
 *     12    4 params      u32 bytes of codec parameters (the codec's `params()`)
 *     16    p parameters, padded to 4 bytes
 *      .    count * stride code bytes, padded to 4 bytes
 *      .    count * 4 correction terms (f32), only for codecs that have them
 * ```
 * The stride follows from method, dim and parameters, so it is not stored.
 */
import { QuiverError } from '../errors.js';
import { METRIC_CODE, metricFromCode } from '../kernels/metric.js';
import type { KernelRequest } from '../kernels/select.js';
import { decodeCheckedFile, encodeCheckedFile } from '../storage/checked-file.js';
import { BinaryCodec } from './binary-codec.js';
import type { Codec, QuantizationMethod } from './codec.js';
import { ProductCodec, productParamsFrom } from './product-codec.js';
import { QuantizedVectors } from './quantized-vectors.js';
import { ScalarCodec, scalarParamsFrom } from './scalar-codec.js';

const MAGIC = 'QQNT';
const VERSION = 1;
const METHODS: readonly QuantizationMethod[] = ['scalar', 'binary', 'product'];
const pad4 = (n: number): number => (n + 3) & ~3;

/** The file's bytes. */
export function encodeQuantizedFile(q: QuantizedVectors): Uint8Array {
  const params = q.codec.params();
  const codes = q.codeBytes();
  const corrections = q.correctionBytes();
  const body = new Uint8Array(16 + pad4(params.length) + pad4(codes.length) + corrections.length);
  const view = new DataView(body.buffer);
  body[0] = METHODS.indexOf(q.method);
  body[1] = METRIC_CODE[q.codec.metric];
  view.setUint32(4, q.dim, true);
  view.setUint32(8, q.count, true);
  view.setUint32(12, params.length, true);
  let at = 16;
  body.set(params, at);
  at += pad4(params.length);
  body.set(codes, at);
  at += pad4(codes.length);
  body.set(corrections, at);
  return encodeCheckedFile({ magic: MAGIC, version: VERSION, body });
}

/** Reads a file written by {@link encodeQuantizedFile}; `CORRUPT_DATA` naming `path` if bad. */
export function decodeQuantizedFile(
  bytes: Uint8Array,
  path: string,
  kernels?: KernelRequest,
): QuantizedVectors {
  const { version, body } = decodeCheckedFile({ bytes, magic: MAGIC, path });
  const corrupt = (problem: string, cause?: unknown) =>
    new QuiverError('CORRUPT_DATA', `quantized vectors file ${path} is corrupt: ${problem}`, {
      cause,
    });
  if (version !== VERSION) throw corrupt(`unknown version ${version}`);
  if (body.length < 16) throw corrupt('body shorter than its header');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const method = METHODS[body[0]!];
  const metric = metricFromCode(body[1]!);
  if (method === undefined || metric === undefined) throw corrupt('unknown method or metric');
  const dim = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  const paramsLength = view.getUint32(12, true);
  let at = 16;
  if (dim < 1 || at + paramsLength > body.length) throw corrupt('bad dimension or parameters');
  const params = body.subarray(at, at + paramsLength);
  at += pad4(paramsLength);
  let codec: Codec;
  try {
    codec =
      method === 'scalar'
        ? new ScalarCodec(metric, scalarParamsFrom(params, dim))
        : method === 'binary'
          ? new BinaryCodec(metric, dim)
          : new ProductCodec(metric, dim, productParamsFrom(params));
  } catch (cause) {
    throw corrupt('bad codec parameters', cause);
  }
  const codeLength = count * codec.stride;
  const correctionLength = codec.corrections ? count * 4 : 0;
  if (at + pad4(codeLength) + correctionLength !== body.length) {
    throw corrupt(`${count} codes of ${codec.stride} bytes do not fill the body`);
  }
  const codes = body.subarray(at, at + codeLength);
  at += pad4(codeLength);
  return QuantizedVectors.restore(
    codec,
    count,
    codes,
    body.subarray(at, at + correctionLength),
    kernels,
  );
}
