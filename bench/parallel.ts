/**
 * Parallel search benchmark: batch-query throughput on the main thread alone against a search
 * worker pool, and how responsive the event loop stays.
 *
 * Per kernel kind (WASM SIMD over a shared WebAssembly.Memory, scalar over a SharedArrayBuffer;
 * each in its own process, `QUIVER_KERNELS` selects it), one collection of clustered vectors
 * is built and indexed once on disk, then reopened with 0 (main thread only), 1 and 2 search
 * threads (`--threads 1,2`). For each: queries per second of `queryBatch` (`--batch` queries
 * per request, `--batches` requests after a warm-up), whether every answer equals the
 * main-thread one, and the event-loop lag (perf_hooks monitorEventLoopDelay: p50/p99/max) while
 * the batches run: with a pool the main thread is free while the workers search, so the longest
 * stall shrinks from a whole batch to its parsing and merging.
 * Then, in memory, the event-loop lag while the background optimizer indexes the collection
 * (cooperative slices) and single queries keep arriving every 5 ms: their latency p50/p99.
 * Writes bench/results/parallel.json.
 *
 * Sizes: 100,000 x 128 by default; `QUIVER_SCALE=small` (or `--small`) 20,000 x 64.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Quiver } from '../src/index.js';
import { clusteredGenerator } from '../test/fixtures/synthetic.js';
import { numberArg, listArg } from './args.js';

const RESULTS = 'bench/results/parallel.json';
const small = process.env.QUIVER_SCALE === 'small' || process.argv.includes('--small');
const points = numberArg('points', small ? 20_000 : 100_000);
const dim = numberArg('dim', small ? 64 : 128);
const batchSize = numberArg('batch', 64);
const batches = numberArg('batches', small ? 10 : 30);
const threadList = listArg('threads', [1, 2]);
const CLUSTERS = 64;

const generator = (seed: number) => clusteredGenerator({ dim, seed, clusters: CLUSTERS });

const ms = (ns: number): number => +(ns / 1e6).toFixed(2);

function lagOf(h: ReturnType<typeof monitorEventLoopDelay>) {
  return {
    lag_p50_ms: ms(h.percentile(50)),
    lag_p99_ms: ms(h.percentile(99)),
    lag_max_ms: ms(h.max),
  };
}

const collection = {
  vectors: { size: dim, distance: 'Cosine' as const },
  hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10 },
};
// Indexed whatever the size (the default threshold would leave small runs unindexed); the
// optimizer runs when compact() asks.
const optimizers = { indexing_threshold: 10, max_optimization_threads: 0 };

/** A turn of the event loop, as between two requests of a server. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function fill(db: Quiver, next: () => number[]): Promise<void> {
  for (let i = 0; i < points; i += 1000) {
    const batch = [];
    for (let id = i; id < Math.min(points, i + 1000); id++) batch.push({ id, vector: next() });
    await db.upsert('bench', { points: batch });
  }
}

/** Throughput and lag of batches, main thread alone and with each pool size. */
async function throughput(): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-parallel-'));
  try {
    const next = generator(1);
    let db = await Quiver.open({ path: dir });
    await db.createCollection('bench', { ...collection, optimizers_config: optimizers });
    await fill(db, next);
    await db.compact('bench');
    await db.close();
    const requests = Array.from({ length: batches + 2 }, () => ({
      searches: Array.from({ length: batchSize }, () => ({ query: next(), limit: 10 })),
    }));
    const rows: Record<string, unknown>[] = [];
    let expected: unknown[] = [];
    for (const threads of [0, ...threadList]) {
      db = await Quiver.open({ path: dir, searchThreads: threads });
      // Warm-up: JIT, and for the pool the workers' start and the segments' publication.
      // (published in the background, a few milliseconds per turn of the event loop).
      for (const r of requests.slice(0, 2)) {
        await db.queryBatch('bench', r);
        for (let i = 0; i < 20; i++) await turn();
      }
      const h = monitorEventLoopDelay({ resolution: 1 });
      const answers: unknown[] = [];
      h.enable();
      const t0 = performance.now();
      for (const r of requests.slice(2)) {
        answers.push(await db.queryBatch('bench', r));
        await turn();
      }
      const elapsed = performance.now() - t0;
      h.disable();
      if (threads === 0) expected = answers;
      const same = JSON.stringify(answers) === JSON.stringify(expected);
      rows.push({
        threads,
        qps: Math.round((batches * batchSize) / (elapsed / 1000)),
        speedup: 0,
        same_answers: same,
        ...lagOf(h),
      });
      await db.close();
    }
    for (const row of rows)
      row.speedup = +((row.qps as number) / (rows[0]!.qps as number)).toFixed(2);
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Event-loop lag and query latency while the background optimizer indexes the collection. */
async function buildLag(): Promise<Record<string, unknown>> {
  const next = generator(2);
  const db = await Quiver.open();
  // Held back until every point is in, then started by compact() (slices between requests).
  await db.createCollection('bench', { ...collection, optimizers_config: optimizers });
  await fill(db, next);
  const queries = Array.from({ length: 50 }, next);
  const h = monitorEventLoopDelay({ resolution: 1 });
  const latencies: number[] = [];
  let stop = false;
  const ask = async (): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const s = performance.now();
      await db.query('bench', { query: queries[i % queries.length]!, limit: 10 });
      latencies.push(performance.now() - s);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  h.enable();
  const t0 = performance.now();
  const asking = ask();
  await db.compact('bench');
  const buildMs = performance.now() - t0;
  stop = true;
  await asking;
  h.disable();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
  await db.close();
  return {
    build_s: +(buildMs / 1000).toFixed(2),
    queries_during_build: latencies.length,
    query_p50_ms: pct(0.5),
    query_p99_ms: pct(0.99),
    ...lagOf(h),
  };
}

const child = process.argv.indexOf('--child');
if (child >= 0) {
  const kernels = process.argv[child + 1]!;
  const rows = await throughput();
  const build = kernels === 'simd' ? await buildLag() : undefined;
  console.log(JSON.stringify({ kernels, rows, build }));
  process.exit(0);
}

const out: Record<string, unknown> = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  // Figures from a machine shared with other work are noise: these say how shared it was.
  cores: cpus().length,
  load_average_1m: +loadavg()[0]!.toFixed(1),
  scale: small ? 'small' : 'full',
  points,
  dim,
  batch: batchSize,
  batches,
};
for (const kernels of ['simd', 'scalar']) {
  console.log(`${kernels} kernels, ${points} x ${dim} ...`);
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, process.argv[1]!, ...process.argv.slice(2), '--child', kernels],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
      env: { ...process.env, QUIVER_KERNELS: kernels === 'scalar' ? 'scalar' : '' },
    },
  );
  if (run.status !== 0) throw new Error(`${kernels}: the bench process failed`);
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    rows: Record<string, unknown>[];
    build?: Record<string, unknown>;
  };
  console.log(`queryBatch throughput (${kernels}):`);
  console.table(result.rows);
  out[`batch_${kernels}`] = result.rows;
  if (result.build !== undefined) {
    console.log('while the optimizer indexes the collection (single queries every 5 ms):');
    console.table([result.build]);
    out.optimizer_build = result.build;
  }
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(RESULTS, JSON.stringify(out, null, 2) + '\n');
