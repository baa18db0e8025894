import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Metric } from '../../src/kernels/metric.js';
import { createVectorStore } from '../../src/kernels/vector-store.js';
import { HnswIndex } from '../../src/index/hnsw.js';
import { flatSearch } from '../../src/index/flat.js';
import { bruteForce, clusteredData, recall, uniformData } from './fixtures.js';

const DIM = 32;
const N = 5000;
const QUERIES = 100;

function build(
  data: Float32Array,
  dim: number,
  metric: Metric,
  seed = 1,
  kernels: 'auto' | 'scalar' = 'auto',
): HnswIndex {
  const n = data.length / dim;
  const store = createVectorStore({ dim, initialCapacity: n, kernels });
  const index = new HnswIndex({ dim, metric, m: 16, efConstruct: 100, seed, store });
  for (let i = 0; i < n; i++) index.addVector(data.subarray(i * dim, (i + 1) * dim));
  return index;
}

function meanRecall(
  index: HnswIndex,
  data: Float32Array,
  queries: Float32Array,
  dim: number,
  ef: number,
  accept?: (o: number) => boolean,
): number {
  const metric = index.options.metric;
  let total = 0;
  const count = queries.length / dim;
  for (let q = 0; q < count; q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    const truth = bruteForce(metric, data, dim, query, 10, accept);
    const found = index.search({ query, k: 10, ef, accept });
    if (accept) for (const o of found.offsets) assert.ok(accept(o), `offset ${o} was rejected`);
    for (let i = 1; i < found.scores.length; i++) {
      assert.ok(found.scores[i - 1]! >= found.scores[i]!, 'results are best first');
    }
    total += recall(found.offsets, truth);
  }
  return total / count;
}

const uniform = uniformData(N, DIM, 1);
const uniformQueries = uniformData(QUERIES, DIM, 99);
const uniformIndex = build(uniform, DIM, 'l2');
const clustered = clusteredData(N, DIM, 20, 2, 3);
const clusteredQueries = clusteredData(QUERIES, DIM, 20, 2, 98);
const clusteredIndex = build(clustered, DIM, 'l2');

test('recall@10 against brute force on random data (5k x 32, l2)', () => {
  const r = meanRecall(uniformIndex, uniform, uniformQueries, DIM, 100);
  assert.ok(r >= 0.95, `recall ${r}`);
  assert.deepEqual(uniformIndex.checkIntegrity(), []);
});

test('recall@10 against brute force on clustered data (5k x 32, l2)', () => {
  const r = meanRecall(clusteredIndex, clustered, clusteredQueries, DIM, 64);
  assert.ok(r >= 0.95, `recall ${r}`);
  assert.deepEqual(clusteredIndex.checkIntegrity(), []);
});

test('recall@10 for dot and l1, and with the scalar kernels', () => {
  const dim = 16;
  const data = uniformData(2000, dim, 5);
  const queries = uniformData(50, dim, 6);
  for (const metric of ['dot', 'l1'] as const) {
    const r = meanRecall(build(data, dim, metric), data, queries, dim, 100);
    assert.ok(r >= 0.95, `${metric} recall ${r}`);
  }
  const scalar = build(data, dim, 'l2', 1, 'scalar');
  assert.equal(scalar.store.kind, 'scalar');
  const r = meanRecall(scalar, data, queries, dim, 64);
  assert.ok(r >= 0.95, `scalar recall ${r}`);
});

test('filtered search keeps recall at 50% and 10% selectivity', () => {
  for (const [name, accept] of [
    ['50%', (o: number) => o % 2 === 0],
    ['10%', (o: number) => o % 10 === 3],
  ] as const) {
    const r = meanRecall(clusteredIndex, clustered, clusteredQueries, DIM, 64, accept);
    assert.ok(r >= 0.95, `${name} recall ${r}`);
    const ru = meanRecall(uniformIndex, uniform, uniformQueries, DIM, 100, accept);
    assert.ok(ru >= 0.95, `${name} uniform recall ${ru}`);
  }
  const none = uniformIndex.search({
    query: uniformQueries.subarray(0, DIM),
    k: 10,
    accept: () => false,
  });
  assert.equal(none.offsets.length, 0);
});

test('same seed gives byte-identical serialization; another seed does not', () => {
  const data = uniform.subarray(0, 2000 * DIM);
  const a = build(data, DIM, 'l2', 7).serialize();
  const b = build(data, DIM, 'l2', 7).serialize();
  const c = build(data, DIM, 'l2', 8).serialize();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('deleted points are never returned and the graph stays sound', () => {
  const data = uniform.subarray(0, 2000 * DIM);
  const index = build(data, DIM, 'l2', 3);
  const isDeleted = (o: number): boolean => o % 5 === 0;
  for (let o = 0; o < 2000; o++) if (isDeleted(o)) assert.ok(index.markDeleted(o));
  assert.equal(index.markDeleted(0), false);
  assert.equal(index.deletedCount, 400);
  assert.deepEqual(index.checkIntegrity(), []);
  // The deleted entry point, if it is one, still routes the search.
  const r = meanRecall(index, data, uniformQueries, DIM, 100, (o) => !isDeleted(o));
  assert.ok(r >= 0.95, `recall ${r}`);
  const filtered = meanRecall(
    index,
    data,
    uniformQueries,
    DIM,
    100,
    (o) => !isDeleted(o) && o % 2 === 1,
  );
  assert.ok(filtered >= 0.95, `recall ${filtered}`);
});

test('integrity check catches a corrupted graph', () => {
  const data = uniform.subarray(0, 500 * DIM);
  const fresh = (): HnswIndex => build(data, DIM, 'l2', 4);
  const stride = 33; // 2m + 1
  {
    const index = fresh();
    index.graph.links0[10 * stride + 1] = 10;
    assert.match(index.checkIntegrity().join('\n'), /node 10 level 0: links to itself/);
  }
  {
    const index = fresh();
    const links = index.graph.links0;
    links[20 * stride + 2] = links[20 * stride + 1]!;
    assert.match(index.checkIntegrity().join('\n'), /node 20 level 0: links to \d+ twice/);
  }
  {
    const index = fresh();
    index.graph.links0[30 * stride + 1] = 100000;
    assert.match(index.checkIntegrity().join('\n'), /links to 100000, which is not a node/);
  }
  {
    // Cut every link into node 42 (at every level): it becomes unreachable.
    const index = fresh();
    const g = index.graph;
    for (let o = 0; o < g.span; o++) {
      for (let l = 0; l <= g.levels[o]!; l++) {
        const { arr, base } = g.listOf(o, l);
        const kept = Array.from(arr.subarray(base + 1, base + 1 + arr[base]!)).filter(
          (t) => t !== 42,
        );
        arr[base] = kept.length;
        arr.set(kept, base + 1);
      }
    }
    if (g.entry !== 42) {
      assert.match(index.checkIntegrity().join('\n'), /node 42 is not reachable/);
    }
  }
});

test('serialize / deserialize round trip gives identical results and stays reproducible', () => {
  const data = uniform.subarray(0, 2000 * DIM);
  const index = build(data.subarray(0, 1500 * DIM), DIM, 'l2', 9);
  index.markDeleted(17);
  const bytes = index.serialize();
  const store = createVectorStore({ dim: DIM });
  for (let i = 0; i < 1500; i++) store.append(data.subarray(i * DIM, (i + 1) * DIM));
  const restored = HnswIndex.deserialize(bytes, store);
  assert.deepEqual(restored.serialize(), bytes);
  assert.deepEqual(restored.checkIntegrity(), []);
  for (let q = 0; q < 20; q++) {
    const query = uniformQueries.subarray(q * DIM, (q + 1) * DIM);
    assert.deepEqual(
      restored.search({ query, k: 10, ef: 50 }),
      index.search({ query, k: 10, ef: 50 }),
    );
  }
  // Adding more after a reload continues exactly as the original would (PRNG state is saved).
  for (let i = 1500; i < 2000; i++) {
    index.addVector(data.subarray(i * DIM, (i + 1) * DIM));
    restored.addVector(data.subarray(i * DIM, (i + 1) * DIM));
  }
  assert.deepEqual(restored.serialize(), index.serialize());

  const damaged = bytes.slice();
  damaged[100] = damaged[100]! ^ 1;
  assert.throws(() => HnswIndex.deserialize(damaged, store), /checksum mismatch/);
  assert.throws(() => HnswIndex.deserialize(bytes.subarray(0, 20), store), /too short/);
  assert.throws(() => HnswIndex.deserialize(bytes, createVectorStore({ dim: DIM })), /store has 0/);
});

test('edge cases: empty index, bad input, options', () => {
  const index = new HnswIndex({ dim: 4, metric: 'dot' });
  assert.deepEqual(index.checkIntegrity(), []);
  assert.equal(index.search({ query: new Float32Array(4), k: 3 }).offsets.length, 0);
  assert.throws(() => index.search({ query: new Float32Array(3), k: 3 }), RangeError);
  assert.throws(() => index.add(0), RangeError);
  const o = index.addVector([1, 0, 0, 0]);
  assert.throws(() => index.add(o), /already indexed/);
  assert.deepEqual(
    Array.from(index.search({ query: new Float32Array([1, 0, 0, 0]), k: 3 }).offsets),
    [0],
  );
  assert.throws(() => new HnswIndex({ dim: 4, metric: 'l2', m: 1 }), /option m/);
  assert.throws(() => new HnswIndex({ dim: 0, metric: 'l2' }), /option dim/);
  assert.throws(() => new HnswIndex({ dim: 4, metric: 'cosine' as Metric }), /metric must be/);
  assert.throws(
    () => new HnswIndex({ dim: 4, metric: 'l2', store: createVectorStore({ dim: 5 }) }),
    /does not match/,
  );
});

test('flat search is exact and honours the filter', () => {
  const store = createVectorStore({ dim: DIM });
  for (let i = 0; i < 5000; i++) store.append(uniform.subarray(i * DIM, (i + 1) * DIM));
  for (let q = 0; q < 5; q++) {
    const query = uniformQueries.subarray(q * DIM, (q + 1) * DIM);
    const accept = (o: number): boolean => o % 3 === 0;
    const found = flatSearch({ store, metric: 'l2', query, k: 10, accept });
    assert.deepEqual(Array.from(found.offsets), bruteForce('l2', uniform, DIM, query, 10, accept));
  }
});
