// The pieces under parallel search: shared vector stores score bit-identically to the stores they
// were copied from (both kernel kinds, every metric, each reader slot), a published index searched
// through its shared image returns what the original returns (deletes included), and search
// messages pack and unpack losslessly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Metric } from '../../src/kernels/metric.js';
import { createVectorStore } from '../../src/kernels/vector-store.js';
import { openSharedVectors, shareVectors } from '../../src/kernels/shared-store.js';
import { HnswIndex } from '../../src/index/hnsw.js';
import { SeededRandom } from '../../src/index/random.js';
import { openImage, publishIndex } from '../../src/parallel/segment-image.js';
import {
  packOffsets,
  packTasks,
  unpackOffsets,
  unpackTasks,
} from '../../src/parallel/search-pool.js';

const METRICS: Metric[] = ['dot', 'l2', 'l1'];

test('shared stores score exactly like their source store, from every slot', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 70 }),
      fc.integer({ min: 1, max: 60 }),
      fc.constantFrom('simd' as const, 'scalar' as const),
      fc.integer(),
      (dim, n, kernels, seed) => {
        const rng = new SeededRandom(seed);
        const store = createVectorStore({ dim, initialCapacity: 1, kernels });
        for (let i = 0; i < n; i++)
          store.append(Array.from({ length: dim }, () => rng.next() - 0.5));
        const shared = shareVectors(store, 3);
        const query = Float32Array.from({ length: dim }, () => rng.next() - 0.5);
        for (const slot of [0, 2]) {
          const copy = openSharedVectors(shared, slot);
          assert.equal(copy.kind, store.kind);
          assert.equal(copy.count, n);
          assert.deepEqual(copy.get(n - 1), store.get(n - 1));
          for (const metric of METRICS) {
            const a = store.scorer(metric);
            const b = copy.scorer(metric);
            a.setQuery(query);
            b.setQuery(query);
            for (let o = 0; o < n; o++) assert.equal(b.scoreOne(o), a.scoreOne(o));
            const count = Math.min(n, 16);
            for (let j = 0; j < count; j++) a.ids()[j] = b.ids()[j] = (j * 7) % n;
            a.scoreBatch(count);
            b.scoreBatch(count);
            assert.deepEqual(b.scores().slice(0, count), a.scores().slice(0, count));
          }
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('a shared store is read-only, and a slot outside the layout is refused', () => {
  const store = createVectorStore({ dim: 4, kernels: 'simd' });
  store.append([1, 2, 3, 4]);
  const shared = shareVectors(store, 2);
  const copy = openSharedVectors(shared, 1);
  assert.throws(() => copy.append([1, 1, 1, 1]), /read-only/);
  assert.throws(() => copy.set(0, [1, 1, 1, 1]), /read-only/);
  if (shared.kind === 'simd') assert.throws(() => openSharedVectors(shared, 2), /slot 2/);
});

test('a published index searched through its image answers as the original, deletes included', () => {
  for (const kernels of ['simd', 'scalar'] as const) {
    const rng = new SeededRandom(3);
    const dim = 12;
    const store = createVectorStore({ dim, kernels });
    const index = new HnswIndex({ dim, metric: 'l2', m: 6, efConstruct: 32, store });
    for (let i = 0; i < 700; i++) index.addVector(Array.from({ length: dim }, () => rng.next()));
    for (let i = 0; i < 700; i += 9) index.markDeleted(i);
    const image = publishIndex(index, 2);
    const copy = openImage(image, 1);
    assert.deepEqual(copy.checkIntegrity(), []);
    const queries = Array.from({ length: 30 }, () =>
      Float32Array.from({ length: dim }, () => rng.next()),
    );
    const check = () => {
      copy.graph.deletedCount = index.deletedCount;
      for (const query of queries) {
        const a = index.search({ query, k: 10, ef: 40 });
        const b = copy.search({ query, k: 10, ef: 40 });
        assert.deepEqual(b.offsets, a.offsets);
        assert.deepEqual(b.scores, a.scores);
      }
    };
    check();
    // A delete on the main thread after publication reaches the image through shared memory.
    for (let i = 1; i < 700; i += 5) index.markDeleted(i);
    check();
  }
});

test('search messages pack and unpack losslessly (queries may be views into a larger buffer)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          image: fc.nat(1000),
          k: fc.integer({ min: 1, max: 100 }),
          ef: fc.integer({ min: 1, max: 5000 }),
          deletedCount: fc.nat(1e6),
          query: fc.array(fc.float({ noNaN: true }), { minLength: 1, maxLength: 20 }),
        }),
        { maxLength: 12 },
      ),
      (raw) => {
        const arena = new Float32Array(raw.reduce((a, t) => a + t.query.length, 0) + 5);
        let at = 5;
        const tasks = raw.map((t) => {
          const query = arena.subarray(at, at + t.query.length);
          query.set(t.query);
          at += t.query.length;
          return { ...t, query };
        });
        const packed = packTasks(tasks);
        assert.equal(packed.queries.length, at - 5);
        assert.deepEqual(
          unpackTasks(packed).map((t) => ({ ...t, query: Array.from(t.query) })),
          tasks.map((t) => ({ ...t, query: Array.from(t.query) })),
        );
        const found = tasks.map((t) => Uint32Array.from({ length: t.k % 7 }, (_, i) => i * t.k));
        assert.deepEqual(unpackOffsets(packOffsets(found)), found);
      },
    ),
    { numRuns: 60 },
  );
});
