/**
 * Quantization benchmark: recall@10 and QPS of HNSW search scored with float32 vectors, against
 * the same graph traversed with int8, binary and product-quantized codes and rescored with the
 * originals (Qdrant's default `rescore: true`), plus the bytes each keeps per vector.
 *
 * Data: Fashion-MNIST (centred, normalised: a Cosine set, so binary codes are meaningful) when
 * the Debian package is installed, else a synthetic clustered set of the same shape.
 * One graph (built with float32, M = 16, ef_construct = 100) is shared by every method, so the
 * figures isolate what the codes change. Writes bench/results/quantization.json.
 *
 * PQ trains on a 1,024-vector sample (k-means cost is sample x 256 x dim per iteration).
 *
 * Options: --limit N (base points, default 10000), --queries N (default 200), --ef 32,64,128,
 * --oversampling-int8 2, --oversampling-binary 4, --oversampling-pq 3, --pq x16.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { normalizeInPlace } from '../src/kernels/distance.js';
import { createVectorStore } from '../src/kernels/vector-store.js';
import { HnswIndex } from '../src/index/hnsw.js';
import { flatSearch } from '../src/index/flat.js';
import { SeededRandom } from '../src/index/random.js';
import type { Compression } from '../src/quantization/product-codec.js';
import type { QuantizationSpec } from '../src/quantization/spec.js';
import { quantize } from '../src/quantization/spec.js';
import { QuantizedVectors } from '../src/quantization/quantized-vectors.js';
import { ScalarCodec, trainScalar } from '../src/quantization/scalar-codec.js';
import { quantizedSearch, storeOriginals } from '../src/quantization/quantized-search.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { listArg, numberArg } from './args.js';

const K = 10;
const RESULTS = 'bench/results/quantization.json';

function stringArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}

/** Base and query vectors, centred on the base mean and normalised (Cosine as Qdrant stores it). */
function dataset(limit: number, nq: number) {
  const fm = loadFashionMnist();
  let dim: number;
  let base: Float32Array;
  let queries: Float32Array;
  let name: string;
  if (fm !== null) {
    dim = fm.train.dim;
    const n = Math.min(limit, fm.train.count);
    base = fm.train.data.slice(0, n * dim);
    queries = fm.test.data.slice(0, Math.min(nq, fm.test.count) * dim);
    name = 'fashion-mnist';
  } else {
    dim = 784;
    const rng = new SeededRandom(7);
    const centres = Float32Array.from({ length: 50 * dim }, () => rng.next() * 2 - 1);
    const draw = (count: number) => {
      const out = new Float32Array(count * dim);
      for (let i = 0; i < count; i++) {
        const c = Math.floor(rng.next() * 50);
        for (let d = 0; d < dim; d++) out[i * dim + d] = centres[c * dim + d]! + rng.next() - 0.5;
      }
      return out;
    };
    base = draw(limit);
    queries = draw(nq);
    name = 'synthetic-clustered';
  }
  const n = base.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d]! += base[i * dim + d]! / n;
  for (const set of [base, queries]) {
    for (let i = 0; i < set.length / dim; i++) {
      const v = set.subarray(i * dim, (i + 1) * dim);
      for (let d = 0; d < dim; d++) v[d] = v[d]! - mean[d]!;
      normalizeInPlace(v);
    }
  }
  return { name, dim, n, base, queries, nq: queries.length / dim };
}

const limit = numberArg('limit', 10000);
const efs = listArg('ef', [32, 64, 128]);
const data = dataset(limit, numberArg('queries', 200));
const { dim, n, base, nq } = data;
const query = (q: number): Float32Array => data.queries.subarray(q * dim, (q + 1) * dim);
console.log(
  `\nQuantization: ${data.name} ${n} x ${dim}, ${nq} queries, Cosine, M=16, ef_construct=100`,
);

const store = createVectorStore({ dim, initialCapacity: n });
for (let i = 0; i < n; i++) store.append(base.subarray(i * dim, (i + 1) * dim));
const truth = Array.from({ length: nq }, (_, q) => {
  return flatSearch({ store, metric: 'dot', query: query(q), k: K }).offsets;
});
let t = performance.now();
const index = new HnswIndex({
  dim,
  metric: 'dot',
  store,
  m: 16,
  efConstruct: 100,
  initialCapacity: n,
});
for (let i = 0; i < n; i++) index.add(i);
console.log(`graph build: ${((performance.now() - t) / 1000).toFixed(1)} s`);
const originals = storeOriginals(store);

function recallAt(found: Uint32Array, truthRow: Uint32Array): number {
  let hit = 0;
  for (const f of found) if (truthRow.includes(f)) hit++;
  return hit / truthRow.length;
}

/** Best QPS of 3 passes after a short warm-up, and the mean recall. */
function measure(search: (q: Float32Array) => Uint32Array): { recall: number; qps: number } {
  const warmUntil = performance.now() + 100;
  for (let q = 0; performance.now() < warmUntil; q = (q + 1) % nq) search(query(q));
  let best = 0;
  const found: Uint32Array[] = [];
  for (let r = 0; r < 3; r++) {
    const start = performance.now();
    for (let q = 0; q < nq; q++) found[q] = search(query(q));
    best = Math.max(best, nq / ((performance.now() - start) / 1000));
  }
  return { recall: found.reduce((s, f, q) => s + recallAt(f, truth[q]!), 0) / nq, qps: best };
}

interface Row {
  method: string;
  bytesPerVector: number;
  buildSeconds: number;
  oversampling: number;
  sweep: { ef: number; recall: number; qps: number }[];
}
const rows: Row[] = [];
rows.push({
  method: 'float32',
  bytesPerVector: dim * 4,
  buildSeconds: 0,
  oversampling: 1,
  sweep: efs.map((ef) => ({ ef, ...measure((q) => index.search({ query: q, k: K, ef }).offsets) })),
});

const configs: { method: string; spec: QuantizationSpec; oversampling: number }[] = [
  {
    method: 'int8',
    spec: { method: 'scalar', quantile: 1, alwaysRam: true },
    oversampling: numberArg('oversampling-int8', 2),
  },
  {
    method: 'binary',
    spec: { method: 'binary', alwaysRam: true },
    oversampling: numberArg('oversampling-binary', 4),
  },
  {
    method: `product ${stringArg('pq', 'x16')}`,
    spec: {
      method: 'product',
      compression: stringArg('pq', 'x16') as Compression,
      alwaysRam: true,
    },
    oversampling: numberArg('oversampling-pq', 3),
  },
];
/** The library's symmetric int8 mode (global bounds, query quantized too): not in Qdrant's config. */
function symmetricInt8(): QuantizedVectors {
  const set = { dim, count: n, data: base };
  const params = trainScalar(set, { perDimension: false, mode: 'symmetric' });
  return QuantizedVectors.build({ codec: new ScalarCodec('dot', params), data: base, count: n });
}

for (const c of [...configs, { method: 'int8 symmetric', spec: undefined, oversampling: 2 }]) {
  t = performance.now();
  const quantized =
    c.spec === undefined
      ? symmetricInt8()
      : quantize({
          spec: c.spec,
          metric: 'dot',
          set: { dim, count: n, data: base },
          sampleSize: c.spec.method === 'product' ? 1024 : undefined,
        });
  const buildSeconds = (performance.now() - t) / 1000;
  const params = { ignore: false, rescore: true, oversampling: c.oversampling };
  rows.push({
    method: c.method,
    bytesPerVector: quantized.bytesPerVector,
    buildSeconds,
    oversampling: c.oversampling,
    sweep: efs.map((ef) => ({
      ef,
      ...measure(
        (q) =>
          quantizedSearch({
            quantized,
            originals,
            index,
            metric: 'dot',
            query: q,
            k: K,
            ef,
            params,
          }).offsets,
      ),
    })),
  });
}

console.log(
  '\n method         | bytes/vector | codes build s | oversampling |   ef | recall@10 |    QPS',
);
for (const r of rows) {
  for (const p of r.sweep) {
    console.log(
      ` ${r.method.padEnd(14)} | ${String(r.bytesPerVector).padStart(12)} | ${r.buildSeconds
        .toFixed(1)
        .padStart(
          13,
        )} | ${String(r.oversampling).padStart(12)} | ${String(p.ef).padStart(4)} | ${p.recall
        .toFixed(4)
        .padStart(9)} | ${p.qps.toFixed(0).padStart(6)}`,
    );
  }
}
console.log(
  '\nQuantized rows traverse the float32-built graph with codes and rescore limit x oversampling ' +
    'candidates with the originals; memory is the bytes/vector column (graph not included).',
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  RESULTS,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      dataset: data.name,
      base: n,
      queries: nq,
      dim,
      distance: 'Cosine',
      m: 16,
      efConstruct: 100,
      // One flat row per method and ef, so the report can tabulate it.
      rows: rows.flatMap(({ sweep, ...r }) => sweep.map((p) => ({ ...r, ...p }))),
    },
    null,
    2,
  ) + '\n',
);
