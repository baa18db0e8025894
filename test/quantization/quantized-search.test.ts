import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metric } from '../../src/kernels/metric.js';
import { normalizeInPlace } from '../../src/kernels/distance.js';
import { createVectorStore } from '../../src/kernels/vector-store.js';
import { HnswIndex } from '../../src/index/hnsw.js';
import type { QuantizationSpec } from '../../src/quantization/spec.js';
import { checkQuantizationParams, quantize } from '../../src/quantization/spec.js';
import { quantizedSearch, storeOriginals } from '../../src/quantization/quantized-search.js';
import { bruteForce, clusteredData, exactScore, recall } from '../index/fixtures.js';

const K = 10;

interface Setup {
  dim: number;
  count: number;
  data: Float32Array;
  queries: Float32Array[];
}

function setup(cosine: boolean, dim = 32, count = 2000): Setup {
  const data = clusteredData(count, dim, 30, 1, 2);
  const raw = clusteredData(40, dim, 30, 1, 3);
  const queries: Float32Array[] = [];
  for (let q = 0; q < 40; q++) queries.push(raw.slice(q * dim, (q + 1) * dim));
  if (cosine) {
    for (let i = 0; i < count; i++) normalizeInPlace(data.subarray(i * dim, (i + 1) * dim));
    for (const q of queries) normalizeInPlace(q);
  }
  return { dim, count, data, queries };
}

function meanRecall(
  s: Setup,
  metric: Metric,
  search: (query: Float32Array) => { offsets: Uint32Array },
): number {
  let total = 0;
  for (const q of s.queries)
    total += recall(search(q).offsets, bruteForce(metric, s.data, s.dim, q, K));
  return total / s.queries.length;
}

function build(s: Setup, metric: Metric, spec: QuantizationSpec) {
  const store = createVectorStore({ dim: s.dim, initialCapacity: s.count });
  for (let i = 0; i < s.count; i++) store.append(s.data.subarray(i * s.dim, (i + 1) * s.dim));
  const index = new HnswIndex({ dim: s.dim, metric, store, m: 16, efConstruct: 100 });
  for (let i = 0; i < s.count; i++) index.add(i);
  const quantized = quantize({ spec, metric, set: { dim: s.dim, count: s.count, data: s.data } });
  return { store, index, quantized, originals: storeOriginals(store) };
}

const INT8: QuantizationSpec = { method: 'scalar', quantile: 1, alwaysRam: false };

for (const metric of ['l2', 'dot', 'l1'] as const) {
  test(`int8 + rescore: recall@10 >= 0.95 against exact (${metric}, HNSW and flat)`, () => {
    const s = setup(metric === 'dot');
    const b = build(s, metric, INT8);
    const params = checkQuantizationParams({ rescore: true, oversampling: 2 }, 'q');
    const viaIndex = meanRecall(s, metric, (query) =>
      quantizedSearch({ ...b, metric, query, k: K, ef: 64, params }),
    );
    const flat = meanRecall(s, metric, (query) =>
      quantizedSearch({ ...b, index: undefined, metric, query, k: K, params }),
    );
    assert.ok(viaIndex >= 0.95, `HNSW recall ${viaIndex}`);
    assert.ok(flat >= 0.95, `flat recall ${flat}`);
  });
}

test('binary + rescore + oversampling on a cosine set: oversampling raises recall', () => {
  // One bit per dimension needs many dimensions to separate neighbours (as embeddings have).
  const s = setup(true, 256, 1000);
  const b = build(s, 'dot', { method: 'binary', alwaysRam: false });
  const at = (oversampling: number) =>
    meanRecall(s, 'dot', (query) =>
      quantizedSearch({
        ...b,
        metric: 'dot',
        query,
        k: K,
        ef: 64,
        params: { ignore: false, rescore: true, oversampling },
      }),
    );
  const one = at(1);
  const four = at(4);
  assert.ok(four >= 0.85, `oversampling 4: recall ${four}`);
  assert.ok(four > one, `oversampling 4 (${four}) beats 1 (${one})`);
});

test('PQ x8 + rescore + oversampling: recall@10 >= 0.9', () => {
  const s = setup(false);
  const b = build(s, 'l2', { method: 'product', compression: 'x8', alwaysRam: false });
  const r = meanRecall(s, 'l2', (query) =>
    quantizedSearch({
      ...b,
      metric: 'l2',
      query,
      k: K,
      ef: 64,
      params: { ignore: false, rescore: true, oversampling: 3 },
    }),
  );
  assert.ok(r >= 0.9, `recall ${r}`);
});

test('params: rescore returns exact scores, rescore false the codes, ignore the originals', () => {
  const s = setup(false);
  const b = build(s, 'l2', INT8);
  const query = s.queries[0]!;
  const exactOf = (o: number) => exactScore('l2', query, 0, s.data, o * s.dim, s.dim);

  const rescored = quantizedSearch({ ...b, metric: 'l2', query, k: K, ef: 64 });
  for (let i = 0; i < rescored.offsets.length; i++) {
    const e = exactOf(rescored.offsets[i]!);
    assert.ok(Math.abs(rescored.scores[i]! - e) < 1e-3 * (1 + Math.abs(e)), 'exact score');
    if (i > 0) assert.ok(rescored.scores[i - 1]! >= rescored.scores[i]!, 'best first');
  }

  const codesOnly = quantizedSearch({
    ...b,
    metric: 'l2',
    query,
    k: K,
    ef: 64,
    params: checkQuantizationParams({ rescore: false }, 'q'),
  });
  const codeScorer = b.quantized.scorer('l2');
  codeScorer.setQuery(query);
  let differs = false;
  for (let i = 0; i < codesOnly.offsets.length; i++) {
    const o = codesOnly.offsets[i]!;
    assert.ok(Math.abs(codesOnly.scores[i]! - codeScorer.scoreOne(o)) < 1e-4, 'code score');
    if (Math.abs(codesOnly.scores[i]! - exactOf(o)) > 1e-6) differs = true;
  }
  assert.ok(differs, 'without rescoring the scores are the estimates');

  const ignored = quantizedSearch({
    ...b,
    metric: 'l2',
    query,
    k: K,
    ef: 64,
    params: checkQuantizationParams({ ignore: true }, 'q'),
  });
  const plain = b.index.search({ query, k: K, ef: 64 });
  assert.deepEqual(ignored.offsets, plain.offsets);
  assert.deepEqual(ignored.scores, plain.scores);

  const filtered = quantizedSearch({
    ...b,
    metric: 'l2',
    query,
    k: K,
    ef: 64,
    accept: (o) => o % 2 === 0,
  });
  assert.ok(filtered.offsets.every((o) => o % 2 === 0));
});

test('an HNSW graph built over the codes alone, rescored from the originals', () => {
  const s = setup(false);
  const quantized = quantize({
    spec: INT8,
    metric: 'l2',
    set: { dim: s.dim, count: s.count, data: s.data },
  });
  const index = new HnswIndex({ dim: s.dim, metric: 'l2', store: quantized, m: 16 });
  for (let i = 0; i < s.count; i++) index.add(i);
  assert.deepEqual(index.checkIntegrity(), []);
  const store = createVectorStore({ dim: s.dim, initialCapacity: s.count });
  for (let i = 0; i < s.count; i++) store.append(s.data.subarray(i * s.dim, (i + 1) * s.dim));
  const r = meanRecall(s, 'l2', (query) =>
    quantizedSearch({
      quantized,
      originals: storeOriginals(store),
      index,
      metric: 'l2',
      query,
      k: K,
      ef: 64,
      params: { ignore: false, rescore: true, oversampling: 2 },
    }),
  );
  assert.ok(r >= 0.95, `recall ${r}`);
  assert.throws(() => quantized.append(), /read-only/);
});

test('params.quantization is validated with the field named', () => {
  assert.deepEqual(checkQuantizationParams(undefined, 'params.quantization'), {
    ignore: false,
    rescore: true,
    oversampling: 1,
  });
  assert.throws(
    () => checkQuantizationParams({ oversampling: 0.5 }, 'params.quantization'),
    (e: Error & { code?: string }) =>
      e.code === 'INVALID_REQUEST' && /params\.quantization\.oversampling/.test(e.message),
  );
  assert.throws(
    () => checkQuantizationParams({ rescore: 'yes' }, 'params.quantization'),
    /params\.quantization\.rescore/,
  );
  assert.throws(() => checkQuantizationParams({ speed: 1 }, 'params.quantization'), /speed/);
});

test('the engine validates params.quantization in queries', async () => {
  const { Quiver, QuiverError } = await import('../../src/index.js');
  const db = await Quiver.open();
  await db.createCollection('c', {
    vectors: { size: 2, distance: 'Dot' },
    quantization_config: { scalar: { type: 'int8', quantile: 0.99, always_ram: true } },
  });
  await db.upsert('c', { points: [{ id: 1, vector: [1, 0] }] });
  const ok = await db.query('c', {
    query: [1, 0],
    params: { quantization: { ignore: false, rescore: true, oversampling: 2 } },
  });
  assert.equal(ok.points.length, 1);
  await assert.rejects(
    db.query('c', { query: [1, 0], params: { quantization: { oversampling: 0 } } }),
    (e: unknown) =>
      e instanceof QuiverError &&
      e.code === 'INVALID_REQUEST' &&
      e.message.includes('params.quantization.oversampling'),
  );
  await db.close();
});
