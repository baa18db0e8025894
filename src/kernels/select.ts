/**
 * Chooses the kernel implementation at load time: WASM SIMD where the runtime validates the
 * module, the scalar TypeScript reference otherwise. `QUIVER_KERNELS=scalar` (environment)
 * forces the scalar path, e.g. to compare results or to rule the WASM path out of a bug.
 */
import { simdModule } from './wasm.js';

export { preloadSimd } from './wasm.js';

/** Which kernel implementation runs: `simd` (WASM SIMD) or `scalar` (TypeScript). */
export type KernelKind = 'simd' | 'scalar';

/** What a caller asks for: `auto` picks SIMD when available, honouring `QUIVER_KERNELS`. */
export type KernelRequest = KernelKind | 'auto';

/** `QUIVER_KERNELS` from the environment when there is one (Node); undefined in a browser. */
function envKernels(): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.QUIVER_KERNELS;
}

/** Whether this runtime can run the SIMD kernels. */
export function simdAvailable(): boolean {
  return simdModule() !== null;
}

/**
 * Resolves a request to the implementation that will run. An explicit `simd` request on a
 * runtime without SIMD falls back to scalar rather than failing: results are the same.
 */
export function resolveKernels(request: KernelRequest = 'auto'): KernelKind {
  if (request === 'scalar') return 'scalar';
  if (request === 'auto' && envKernels() === 'scalar') return 'scalar';
  return simdAvailable() ? 'simd' : 'scalar';
}
