/**
 * Loads the WASM SIMD kernels (assembled from `kernels.wat` at build time) without fs or
 * fetch, so it works the same in Node, a browser and a worker.
 *
 * The module is compiled once and cached; each vector store instantiates it with its own memory,
 * so stores grow independently. Compilation is synchronous on first use, which Node and workers
 * allow; a browser's main thread may refuse synchronous compilation of a module this size, so
 * there call {@link preloadSimd} (async) first, or the stores fall back to the scalar kernels.
 */
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';

/** The functions `kernels.wat` exports. Pointers are byte addresses; counts are elements. */
export interface KernelExports {
  readonly memory: WasmMemory;
  dot_f32(a: number, b: number, n: number): number;
  l2_f32(a: number, b: number, n: number): number;
  l1_f32(a: number, b: number, n: number): number;
  dot_i8(a: number, b: number, n: number): number;
  l2_i8(a: number, b: number, n: number): number;
  hamming_u32(a: number, b: number, n: number): number;
  dot_f32_i8(q: number, c: number, n: number): number;
  l1w_f32_i8(t: number, w: number, c: number, n: number): number;
  hamming_u64(a: number, b: number, n: number): number;
  adc_u8(lut: number, c: number, m: number): number;
  qscore_batch(
    kind: number,
    q: number,
    aux: number,
    base: number,
    stride: number,
    n: number,
    ids: number,
    count: number,
    out: number,
    mul: number,
    add: number,
    corr: number,
  ): void;
  score(metric: number, a: number, b: number, dim: number): number;
  score_batch(
    metric: number,
    q: number,
    base: number,
    stride: number,
    dim: number,
    ids: number,
    count: number,
    out: number,
  ): void;
  score_range(
    metric: number,
    q: number,
    v: number,
    stride: number,
    dim: number,
    count: number,
    out: number,
  ): void;
}

/** The part of `WebAssembly.Memory` used here. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The part of the `WebAssembly` global used here (the engine's TS lib has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** Bytes in one WebAssembly memory page. */
export const WASM_PAGE_BYTES = 65536;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes standard base64 (no Buffer or atob: both are missing somewhere we run). */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array((clean.length * 3) >> 2);
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = B64.indexOf(clean[i]!);
    if (v < 0) throw new Error(`invalid base64 character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

let compiled: object | null | undefined;

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/**
 * The compiled SIMD module, or null where WebAssembly or its SIMD proposal is unavailable
 * (the validator rejects the module's v128 instructions there).
 */
export function simdModule(): object | null {
  if (compiled !== undefined) return compiled;
  const api = wasmApi();
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  if (api === undefined || !api.validate(bytes)) return (compiled = null);
  try {
    return (compiled = new api.Module(bytes));
  } catch {
    // Synchronous compilation refused (a browser's main thread): scalar for now, and not
    // cached, so that a later preloadSimd() can still enable SIMD.
    return null;
  }
}

/**
 * Compiles the SIMD module asynchronously and caches it, so later stores use SIMD without
 * synchronous compilation. Resolves to whether SIMD is available.
 */
export async function preloadSimd(): Promise<boolean> {
  if (compiled !== undefined) return compiled !== null;
  const api = wasmApi();
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  compiled = api !== undefined && api.validate(bytes) ? await api.compile(bytes) : null;
  return compiled !== null;
}

/** A fresh instance of the SIMD module with its own memory, or null if SIMD is unavailable. */
export function instantiateSimd(): KernelExports | null {
  const mod = simdModule();
  const api = wasmApi();
  if (mod === null || api === undefined) return null;
  return new api.Instance(mod, {}).exports as KernelExports;
}

let compiledShared: object | null | undefined;

/**
 * An instance of the SIMD kernels over `memory`, a shared `WebAssembly.Memory` (the variant
 * assembled with an imported memory), or null where SIMD or shared memory is unavailable.
 * Compiled once per thread, synchronously: workers allow that everywhere.
 */
export function instantiateSharedSimd(memory: object): Omit<KernelExports, 'memory'> | null {
  const api = wasmApi();
  if (api === undefined) return null;
  if (compiledShared === undefined) {
    const bytes = decodeBase64(KERNELS_SHARED_WASM_BASE64);
    compiledShared = api.validate(bytes) ? new api.Module(bytes) : null;
  }
  if (compiledShared === null) return null;
  return new api.Instance(compiledShared, { env: { memory } }).exports as KernelExports;
}
