/**
 * ANN benchmark: Quiver's HNSW against hnswlib-node (native hnswlib) on Fashion-MNIST
 * (60,000 x 784 base, test images as queries), L2, M = 16, ef_construct = 200, single thread.
 * Reports build time and, over an ef sweep, QPS and recall@10 against exact ground truth, plus
 * the QPS ratio at recall 0.95 and 0.99 (linear interpolation between sweep points).
 * Writes bench/results/ann.json.
 *
 * Options: --limit N (base points), --queries N, --ef 16,32,..., --m 16, --ef-construct 200,
 * --repeat N (timed passes per point, best kept; default 3).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import { createVectorStore } from '../src/kernels/vector-store.js';
import { HnswIndex } from '../src/index/hnsw.js';
import { flatSearch } from '../src/index/flat.js';
import { FASHION_MNIST_HINT, loadFashionMnist } from './fashion-mnist.js';
import { listArg, numberArg } from './args.js';

const K = 10;
const RESULTS = 'bench/results/ann.json';

interface Point {
  ef: number;
  recall: number;
  qps: number;
}

function write(result: object): void {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
}

function recallAt(found: ArrayLike<number>, truth: Uint32Array): number {
  let hit = 0;
  for (let i = 0; i < found.length; i++) if (truth.includes(found[i]!)) hit++;
  return hit / truth.length;
}

/** QPS at a recall target: interpolated between the sweep points around it, null if never. */
function qpsAt(points: Point[], target: number): number | null {
  const i = points.findIndex((p) => p.recall >= target);
  if (i < 0) return null;
  if (i === 0) return points[0]!.qps;
  const a = points[i - 1]!;
  const b = points[i]!;
  const t = (target - a.recall) / (b.recall - a.recall);
  return a.qps + t * (b.qps - a.qps);
}

const data = loadFashionMnist();
if (data === null) {
  console.log(
    `\nANN benchmark skipped: Fashion-MNIST is not installed. Install it with:\n  ${FASHION_MNIST_HINT}`,
  );
  write({ skipped: 'dataset-fashion-mnist not installed', hint: FASHION_MNIST_HINT });
  process.exit(0);
}

const dim = data.train.dim;
const n = Math.min(numberArg('limit', data.train.count), data.train.count);
const nq = Math.min(numberArg('queries', 1000), data.test.count);
const m = numberArg('m', 16);
const efConstruct = numberArg('ef-construct', 200);
const efs = listArg('ef', [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512]);
// Timed passes per ef and library; the best counts (other processes share the machine).
const repeat = Math.max(1, numberArg('repeat', 3));
const base = data.train.data;
const queries = data.test.data;
const query = (q: number): Float32Array => queries.subarray(q * dim, (q + 1) * dim);
console.log(
  `\nANN: Fashion-MNIST ${n} x ${dim} base, ${nq} queries, L2, M=${m}, ef_construct=${efConstruct}`,
);

// Vectors go straight into the store (in WASM memory with the SIMD kernels).
const store = createVectorStore({ dim, initialCapacity: n });
for (let i = 0; i < n; i++) store.append(base.subarray(i * dim, (i + 1) * dim));

let t = performance.now();
const truth: Uint32Array[] = [];
for (let q = 0; q < nq; q++)
  truth.push(flatSearch({ store, metric: 'l2', query: query(q), k: K }).offsets);
const truthSeconds = (performance.now() - t) / 1000;
console.log(`ground truth (exact search, ${store.kind} kernels): ${truthSeconds.toFixed(1)} s`);

t = performance.now();
const quiver = new HnswIndex({
  dim,
  metric: 'l2',
  m,
  efConstruct,
  seed: 1,
  store,
  initialCapacity: n,
});
for (let i = 0; i < n; i++) quiver.add(i);
const quiverBuild = (performance.now() - t) / 1000;
console.log(`Quiver build: ${quiverBuild.toFixed(1)} s`);

t = performance.now();
const native = new hnswlib.HierarchicalNSW('l2', dim);
native.initIndex(n, m, efConstruct, 100);
// hnswlib-node takes plain arrays; converting one row costs ~1 us next to ~1 ms of insertion.
for (let i = 0; i < n; i++) native.addPoint(Array.from(base.subarray(i * dim, (i + 1) * dim)), i);
const nativeBuild = (performance.now() - t) / 1000;
console.log(`hnswlib-node build: ${nativeBuild.toFixed(1)} s`);

const queryArrays = Array.from({ length: nq }, (_, q) => Array.from(query(q)));

// hnswlib-node's fixed cost per call (reading a JS array through N-API, building the result),
// measured on a one-point index, so the table can also show the ratio without it.
const tiny = new hnswlib.HierarchicalNSW('l2', dim);
tiny.initIndex(1, m, efConstruct, 100);
tiny.addPoint(queryArrays[0]!, 0);
tiny.setEf(10);
let overheadSeconds = Infinity;
for (let r = 0; r < 5; r++) {
  const start = performance.now();
  for (let q = 0; q < nq; q++) tiny.searchKnn(queryArrays[q]!, 1);
  overheadSeconds = Math.min(overheadSeconds, (performance.now() - start) / 1000 / nq);
}
console.log(`hnswlib-node per-call overhead: ${(overheadSeconds * 1e6).toFixed(1)} us`);
/** hnswlib's QPS with its per-call overhead taken out: the native search alone. */
const coreQps = (qps: number): number => 1 / Math.max(1e-9, 1 / qps - overheadSeconds);
const quiverPoints: Point[] = [];
const nativePoints: Point[] = [];
/** Runs `fn` over all queries `repeat` times after a warm-up; returns the best QPS. */
function timeQueries(fn: (q: number) => void): number {
  const warmUntil = performance.now() + 200;
  for (let q = 0; performance.now() < warmUntil; q = (q + 1) % nq) fn(q);
  let best = 0;
  for (let r = 0; r < repeat; r++) {
    const start = performance.now();
    for (let q = 0; q < nq; q++) fn(q);
    best = Math.max(best, nq / ((performance.now() - start) / 1000));
  }
  return best;
}

for (const ef of efs) {
  // Libraries alternate per ef so that load from other processes hits both alike.
  const found: Uint32Array[] = [];
  const qps = timeQueries((q) => {
    found[q] = quiver.search({ query: query(q), k: K, ef }).offsets;
  });
  const recall = found.reduce((s, f, q) => s + recallAt(f, truth[q]!), 0) / nq;
  quiverPoints.push({ ef, recall, qps });

  native.setEf(ef);
  const nfound: number[][] = [];
  const nqps = timeQueries((q) => {
    nfound[q] = native.searchKnn(queryArrays[q]!, K).neighbors;
  });
  const nrecall = nfound.reduce((s, f, q) => s + recallAt(f, truth[q]!), 0) / nq;
  nativePoints.push({ ef, recall: nrecall, qps: nqps });
}

console.log(
  '\n   ef | Quiver recall@10 |  Quiver QPS | hnswlib recall@10 | hnswlib QPS | QPS ratio',
);
efs.forEach((ef, i) => {
  const a = quiverPoints[i]!;
  const b = nativePoints[i]!;
  console.log(
    `${String(ef).padStart(5)} | ${a.recall.toFixed(4).padStart(16)} | ${a.qps.toFixed(0).padStart(11)} | ` +
      `${b.recall.toFixed(4).padStart(17)} | ${b.qps.toFixed(0).padStart(11)} | ${(a.qps / b.qps).toFixed(2)}`,
  );
});
const atTargets = [0.95, 0.99].map((target) => {
  const q = qpsAt(quiverPoints, target);
  const h = qpsAt(nativePoints, target);
  return {
    recall: target,
    quiverQps: q,
    hnswlibQps: h,
    ratio: q !== null && h !== null ? q / h : null,
    ratioWithoutCallOverhead: q !== null && h !== null ? q / coreQps(h) : null,
  };
});
console.log('');
for (const r of atTargets) {
  const fmt = (x: number | null): string => (x === null ? 'not reached' : x.toFixed(0));
  console.log(
    `at recall ${r.recall}: Quiver ${fmt(r.quiverQps)} QPS, hnswlib-node ${fmt(r.hnswlibQps)} QPS, ratio ${
      r.ratio === null ? 'n/a' : r.ratio.toFixed(2)
    }x (${r.ratioWithoutCallOverhead === null ? 'n/a' : r.ratioWithoutCallOverhead.toFixed(2)}x against hnswlib's native search alone)`,
  );
}
console.log(
  `build: Quiver ${quiverBuild.toFixed(1)} s, hnswlib-node ${nativeBuild.toFixed(1)} s, ratio ${(quiverBuild / nativeBuild).toFixed(2)}x`,
);
write({
  date: new Date().toISOString(),
  node: process.version,
  dataset: 'fashion-mnist',
  base: n,
  queries: nq,
  dim,
  metric: 'l2',
  m,
  efConstruct,
  repeat,
  kernels: store.kind,
  groundTruthSeconds: truthSeconds,
  hnswlibCallOverheadMicros: overheadSeconds * 1e6,
  build: {
    quiverSeconds: quiverBuild,
    hnswlibSeconds: nativeBuild,
    ratio: quiverBuild / nativeBuild,
  },
  sweep: { quiver: quiverPoints, hnswlib: nativePoints },
  atRecall: atTargets,
});
