/**
 * Kernels benchmark: exact (brute-force) top-10 search over random vectors, the same code
 * (`flatSearch`) on a WASM SIMD store and on a scalar TypeScript store. Prints ms per query and
 * the speedup per dimension; writes bench/results/kernels.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createVectorStore } from '../src/kernels/vector-store.js';
import type { VectorStore } from '../src/kernels/vector-store.js';
import { flatSearch } from '../src/index/flat.js';
import { SeededRandom } from '../src/index/random.js';
import { numberArg } from './args.js';

const n = numberArg('kernel-points', 20000);
const queries = numberArg('kernel-queries', 30);
const rows: { dim: number; simdMs: number; scalarMs: number; speedup: number }[] = [];

function timeSearch(store: VectorStore, qs: Float32Array, dim: number): number {
  // Warm-up: let the JIT settle before timing.
  // (time-based: V8 compiles WASM with a baseline tier first and optimises it in background)
  const warmUntil = performance.now() + 300;
  for (let q = 0; performance.now() < warmUntil; q = (q + 1) % queries) {
    flatSearch({ store, metric: 'l2', query: qs.subarray(q * dim, (q + 1) * dim), k: 10 });
  }
  const t0 = performance.now();
  for (let q = 0; q < queries; q++) {
    flatSearch({ store, metric: 'l2', query: qs.subarray(q * dim, (q + 1) * dim), k: 10 });
  }
  return (performance.now() - t0) / queries;
}

for (const dim of [32, 128, 784]) {
  const rng = new SeededRandom(dim);
  const simd = createVectorStore({ dim, initialCapacity: n, kernels: 'simd' });
  const scalar = createVectorStore({ dim, initialCapacity: n, kernels: 'scalar' });
  const v = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) v[d] = rng.next();
    simd.append(v);
    scalar.append(v);
  }
  const qs = Float32Array.from({ length: queries * dim }, () => rng.next());
  const simdMs = timeSearch(simd, qs, dim);
  const scalarMs = timeSearch(scalar, qs, dim);
  rows.push({ dim, simdMs, scalarMs, speedup: scalarMs / simdMs });
}

console.log(`\nKernels: exact top-10 L2 search over ${n} random vectors (${queries} queries)`);
console.log('  dim | WASM SIMD ms/query | scalar TS ms/query | speedup');
for (const r of rows) {
  console.log(
    `${String(r.dim).padStart(5)} | ${r.simdMs.toFixed(3).padStart(18)} | ${r.scalarMs
      .toFixed(3)
      .padStart(18)} | ${r.speedup.toFixed(2)}x`,
  );
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/kernels.json',
  JSON.stringify(
    { date: new Date().toISOString(), node: process.version, n, queries, rows },
    null,
    2,
  ) + '\n',
);
