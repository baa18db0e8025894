/**
 * Scale benchmark: a whole collection through the embedded engine, segments and optimizer
 * included. Synthetic clustered vectors (Gaussian clusters, Cosine) are upserted in batches,
 * then `compact()` builds the sealed, HNSW-indexed segments. Reports per dataset:
 * - build time: upserts, then optimization (sealing, merging, graph builds);
 * - bytes per vector: JS heap + external memory (array buffers, WASM memory) grown by the build,
 *   divided by the point count, next to the raw vector size (each dataset runs in its own
 *   process, so one's garbage does not blur the next one's figure);
 * - search latency p50/p99 of `query` (limit 10, default ef) over the query set;
 * - recall@10 of those searches against `params: {exact: true}` on a query sample;
 * - the same at `hnsw_ef` 128, 256 and 512, and the first `ef` reaching recall@10 >= 0.95 with
 *   its p50 (the target is stated at that recall).
 * Writes bench/results/scale.json.
 *
 * Sizes: 1,000,000 x 128 and 100,000 x 768 by default; `QUIVER_SCALE=small` (or `--small`)
 * runs 50,000 x 128 and 10,000 x 768, which finishes in a couple of minutes on a laptop core.
 * Options: --queries N (default 200), --recall-queries N (default 50), --m 16,
 * --ef-construct 100, --batch 1000, --threads N (search threads; default 0).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Quiver } from '../src/index.js';
import { clusteredGenerator } from '../test/fixtures/synthetic.js';
import { numberArg } from './args.js';

const RESULTS = 'bench/results/scale.json';
const small = process.env.QUIVER_SCALE === 'small' || process.argv.includes('--small');
const datasets = small
  ? [
      { name: '50k x 128', n: 50_000, dim: 128 },
      { name: '10k x 768', n: 10_000, dim: 768 },
    ]
  : [
      { name: '1M x 128', n: 1_000_000, dim: 128 },
      { name: '100k x 768', n: 100_000, dim: 768 },
    ];
const queryCount = numberArg('queries', 200);
const recallQueries = numberArg('recall-queries', 50);
const m = numberArg('m', 16);
const efConstruct = numberArg('ef-construct', 100);
const batch = numberArg('batch', 1000);
/** Search threads (`searchThreads`; 0: every search on the main thread). */
const threads = numberArg('threads', 0);
/** `hnsw_ef` values measured after the default one (those above ef_construct). */
const efSweep = [128, 256, 512];
const CLUSTERS = 64;

/** Clustered vectors: `CLUSTERS` random centres, each point a centre plus Gaussian noise. */
const generator = (dim: number, seed: number) =>
  clusteredGenerator({ dim, seed, clusters: CLUSTERS });

if (globalThis.gc === undefined) {
  console.warn(
    'bytes per vector will include uncollected garbage: run through `npm run bench` or with node --expose-gc',
  );
}

/** Collects garbage thoroughly (several passes, a timer tick for finalizers) when exposed. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const memory = (): number => {
  const u = process.memoryUsage();
  // `external` holds array buffers and WASM memories alike.
  return u.heapUsed + u.external;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function runOne(ds: (typeof datasets)[number]): Promise<Record<string, unknown>> {
  await settle();
  const before = memory();
  const db = await Quiver.open(threads > 0 ? { searchThreads: threads } : {});
  await db.createCollection('bench', {
    vectors: { size: ds.dim, distance: 'Cosine' },
    hnsw_config: { m, ef_construct: efConstruct },
    // The optimizer runs when compact() asks: the build below is measured as one step.
    optimizers_config: { max_optimization_threads: 0 },
  });
  const next = generator(ds.dim, 1);
  const t0 = performance.now();
  for (let i = 0; i < ds.n; i += batch) {
    const points = [];
    for (let id = i; id < Math.min(ds.n, i + batch); id++) points.push({ id, vector: next() });
    await db.upsert('bench', { points });
  }
  const upsertMs = performance.now() - t0;
  const t1 = performance.now();
  await db.compact('bench');
  const optimizeMs = performance.now() - t1;
  await settle();
  const bytesPerVector = (memory() - before) / ds.n;
  const info = await db.getCollection('bench');
  const queries = Array.from({ length: queryCount }, next);
  // Warm-up: the first queries pay for JIT compilation.
  for (const query of queries.slice(0, 20)) await db.query('bench', { query, limit: 10 });
  const truths: Set<string | number>[] = [];
  for (const query of queries.slice(0, recallQueries)) {
    const exact = await db.query('bench', { query, limit: 10, params: { exact: true } });
    truths.push(new Set(exact.points.map((p) => p.id as number)));
  }
  /** p50, p99 and recall@10 of the query set at one `hnsw_ef` (undefined: the default). */
  const measure = async (ef: number | undefined) => {
    const latencies: number[] = [];
    let hit = 0;
    let total = 0;
    for (const [i, query] of queries.entries()) {
      const s = performance.now();
      const r = await db.query('bench', {
        query,
        limit: 10,
        ...(ef === undefined ? {} : { params: { hnsw_ef: ef } }),
      });
      latencies.push(performance.now() - s);
      const truth = truths[i];
      if (truth === undefined) continue;
      total += truth.size;
      hit += r.points.filter((p) => truth.has(p.id as number)).length;
    }
    latencies.sort((a, b) => a - b);
    return {
      ef: ef ?? efConstruct,
      p50_ms: +percentile(latencies, 0.5).toFixed(3),
      p99_ms: +percentile(latencies, 0.99).toFixed(3),
      recall_at_10: +(hit / total).toFixed(4),
    };
  };
  const base = await measure(undefined);
  const sweep = [base];
  for (const ef of efSweep) if (ef > efConstruct) sweep.push(await measure(ef));
  const at95 = sweep.find((r) => r.recall_at_10 >= 0.95);
  const row = {
    dataset: ds.name,
    points: ds.n,
    dim: ds.dim,
    segments: info.segments_count,
    indexed_vectors: info.indexed_vectors_count,
    upsert_s: +(upsertMs / 1000).toFixed(2),
    optimize_s: +(optimizeMs / 1000).toFixed(2),
    build_s: +((upsertMs + optimizeMs) / 1000).toFixed(2),
    bytes_per_vector: Math.round(bytesPerVector),
    raw_vector_bytes: ds.dim * 4,
    search_p50_ms: base.p50_ms,
    search_p99_ms: base.p99_ms,
    recall_at_10: base.recall_at_10,
    ef_at_recall_0_95: at95?.ef ?? null,
    p50_ms_at_recall_0_95: at95?.p50_ms ?? null,
    sweep,
  };
  await db.close();
  return row;
}

const one = process.argv.indexOf('--one');
if (one >= 0) {
  const row = await runOne(datasets[Number(process.argv[one + 1])]!);
  console.log(JSON.stringify(row));
  process.exit(0);
}
const results: Record<string, unknown>[] = [];
for (const [i, ds] of datasets.entries()) {
  console.log(`building ${ds.name} ...`);
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, process.argv[1]!, ...process.argv.slice(2), '--one', String(i)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  if (child.status !== 0) throw new Error(`${ds.name}: the bench process failed`);
  const row = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  console.log(row);
  results.push(row);
}

console.table(results);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  RESULTS,
  JSON.stringify(
    {
      date: new Date().toISOString().slice(0, 10),
      node: process.version,
      scale: small ? 'small' : 'full',
      search_threads: threads,
      m,
      ef_construct: efConstruct,
      results,
    },
    null,
    2,
  ) + '\n',
);
