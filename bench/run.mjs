#!/usr/bin/env node
// `npm run bench`: every benchmark in turn. Each prints its table and writes
// bench/results/<name>.json. Bench names select a subset; flags go to each bench:
//   npm run bench                          all of them
//   npm run bench -- ann --queries 200     the ANN bench with 200 queries
//   npm run bench -- durability --quick    a short durability run
// kernels: WASM SIMD vs scalar exact search; ann: Quiver HNSW vs hnswlib-node on Fashion-MNIST;
// durability: durable upserts and recovery; wal: the write-ahead log alone; server: the REST
// API's big upsert and search overhead against bare Fastify (autocannon); filtered: filtered
// search QPS and recall@10 with and without payload indexes; scale: a whole collection (1M x 128,
// 100k x 768; QUIVER_SCALE=small for 50k x 128, 10k x 768) through upserts, the optimizer and
// HNSW-indexed sealed segments; quantization: recall and QPS of int8, binary and product codes
// with rescoring against float32.
import { spawnSync } from 'node:child_process';

const BENCHES = [
  'kernels',
  'ann',
  'quantization',
  'durability',
  'wal',
  'server',
  'filtered',
  'scale',
  'parallel',
];
const args = process.argv.slice(2);
const chosen = args.filter((a) => BENCHES.includes(a));
const flags = args.filter((a) => !BENCHES.includes(a));
let failed = 0;
for (const name of BENCHES.filter((b) => chosen.length === 0 || chosen.includes(b))) {
  console.log(`\n=== bench: ${name} ===`);
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', `bench/${name}.ts`, ...flags],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) failed++;
}
// The results part of docs/benchmarks.md and its chart, from bench/results/*.json.
const report = spawnSync(process.execPath, ['--import', 'tsx', 'bench/report.ts'], {
  stdio: 'inherit',
});
if (report.status !== 0) failed++;
process.exit(failed === 0 ? 0 : 1);
