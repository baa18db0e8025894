#!/usr/bin/env node
// `npm run bench`: the ANN benchmark (Quiver HNSW vs hnswlib-node on Fashion-MNIST) and the
// kernels benchmark (WASM SIMD vs scalar exact search). Arguments go to both, e.g.
//   npm run bench -- --queries 200 --limit 20000
// Results: bench/results/ann.json (the table is printed too).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
for (const script of ['bench/kernels.ts', 'bench/ann.ts']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
