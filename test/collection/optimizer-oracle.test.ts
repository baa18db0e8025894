// The optimizer against a model: random upserts, deletes, payload and vector updates are
// interleaved with optimizer slices (indexing, merging, vacuuming mid-build), and after every
// step each query's top-k equals an exact oracle computed here, every id is there exactly once
// with its latest vector and payload, and the built graphs pass the integrity check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Collection } from '../../src/collection/collection.js';
import { createCollectionConfig } from '../../src/collection/config.js';
import {
  parseDelete,
  parseSetPayload,
  parseUpdateVectors,
  parseUpsert,
} from '../../src/collection/operations.js';
import { queryPoints } from '../../src/collection/query/api.js';
import { Deadline } from '../../src/collection/query/guards.js';
import type { QueryContext } from '../../src/collection/query/plan.js';
import { count, retrieve, scroll } from '../../src/collection/read.js';
import { euclidTopK, rng } from '../fixtures/synthetic.js';

const DIM = 64;
const IDS = 160;

interface ModelPoint {
  vector: number[];
  payload: { g: number };
}

function newCollection(): Collection {
  const config = createCollectionConfig({
    vectors: { size: DIM, distance: 'Euclid' },
    // 64 floats = 256 bytes a vector: indexing past 16 vectors, full scans under 40, so the
    // graph path is taken on most segments; merges down to 2 closed segments.
    optimizers_config: {
      indexing_threshold: 4,
      default_segment_number: 2,
      deleted_threshold: 0.2,
      vacuum_min_vector_number: 100,
      max_optimization_threads: 0,
    },
    hnsw_config: { m: 6, ef_construct: 24, full_scan_threshold: 10 },
  });
  return new Collection({ name: 'c', config });
}

const f32 = (v: number[]): number[] => Array.from(new Float32Array(v));

function oracle(model: Map<number, ModelPoint>, q: number[], k: number, g?: number): number[] {
  const points = [...model]
    .filter(([, p]) => g === undefined || p.payload.g === g)
    .map(([id, p]) => ({ id, vector: p.vector }));
  return euclidTopK(points, q, k);
}

function check(collection: Collection, model: Map<number, ModelPoint>, random: () => number): void {
  const ctx: QueryContext = {
    collection,
    resolve: () => collection,
    deadline: new Deadline(undefined),
  };
  assert.equal(count(collection, { exact: true }).count, model.size);
  const ids = scroll(collection, { limit: 1000 }).points.map((p) => p.id);
  assert.deepEqual(
    ids,
    [...model.keys()].sort((a, b) => a - b),
  );
  for (let i = 0; i < 3; i++) {
    const q = Array.from({ length: DIM }, () => random());
    const g = i === 0 ? undefined : Math.floor(random() * 3);
    const filter = g === undefined ? undefined : { must: [{ key: 'g', match: { value: g } }] };
    for (const params of [{ hnsw_ef: 10_000 }, { exact: true }]) {
      const got = queryPoints(ctx, { query: q, limit: 10, filter, params });
      assert.deepEqual(
        got.points.map((p) => p.id),
        oracle(model, q, 10, g),
        `query ${i} with ${JSON.stringify(params)}`,
      );
    }
  }
  const sample = [...model.keys()].filter(() => random() < 0.1);
  const records = retrieve(collection, { ids: sample, with_vector: true, with_payload: true });
  for (const r of records) {
    const want = model.get(r.id as number)!;
    assert.deepEqual(r.payload, want.payload);
    assert.deepEqual(r.vector, f32(want.vector));
  }
}

function run(seed: number, steps: number, completed: Record<string, number>): void {
  const random = rng(seed);
  const collection = newCollection();
  const model = new Map<number, ModelPoint>();
  const specs = collection.specs;
  const vector = () => Array.from({ length: DIM }, () => random());
  const someIds = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * IDS)).filter(
      (id, i, all) => all.indexOf(id) === i,
    );
  for (let step = 0; step < steps; step++) {
    const roll = random();
    if (roll < 0.45) {
      const points = someIds(1 + Math.floor(random() * 25)).map((id) => ({
        id,
        vector: vector(),
        payload: { g: Math.floor(random() * 3) },
      }));
      collection.apply([parseUpsert({ points }, specs)]);
      for (const p of points) model.set(p.id, { vector: p.vector, payload: p.payload });
    } else if (roll < 0.65) {
      const ids = someIds(1 + Math.floor(random() * 15));
      collection.apply([parseDelete({ points: ids })]);
      for (const id of ids) model.delete(id);
    } else if (roll < 0.8) {
      const ids = someIds(5).filter((id) => model.has(id));
      if (ids.length === 0) continue;
      const g = Math.floor(random() * 3);
      collection.apply([parseSetPayload({ points: ids, payload: { g } }, false)]);
      for (const id of ids) model.get(id)!.payload = { g };
    } else {
      const ids = someIds(5).filter((id) => model.has(id));
      if (ids.length === 0) continue;
      const points = ids.map((id) => ({ id, vector: vector() }));
      collection.apply([parseUpdateVectors({ points }, specs)]);
      for (const p of points) model.get(p.id)!.vector = p.vector;
    }
    collection.optimizer.step(1 + Math.floor(random() * 12));
    check(collection, model, random);
  }
  while (collection.optimizer.step(50));
  check(collection, model, random);
  for (const segment of collection.segments) {
    for (const index of segment.indexes.values()) assert.deepEqual(index.checkIntegrity(), []);
  }
  for (const [kind, n] of Object.entries(collection.optimizer.completed)) {
    completed[kind] = (completed[kind] ?? 0) + n;
  }
}

test('optimizer slices interleaved with writes: queries always equal the exact oracle', () => {
  const completed: Record<string, number> = {};
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => run(seed, 60, completed)),
    { numRuns: 8 },
  );
  // The runs must have exercised the optimizer, or the test proves nothing.
  assert.ok((completed.indexing ?? 0) > 0, JSON.stringify(completed));
  assert.ok((completed.merge ?? 0) > 0, JSON.stringify(completed));
  assert.ok((completed.vacuum ?? 0) > 0, JSON.stringify(completed));
});
