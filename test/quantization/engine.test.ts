// Quantization through the engine: sealed segments build codes per quantization_config, graph
// searches walk with them and rescore with the stored vectors, params.quantization is honoured,
// the memory report shows the saving, and codes come back after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Quiver } from '../../src/index.js';
import { clusteredData } from '../index/fixtures.js';

const DIM = 32;
const N = 1500;

function rows(data: Float32Array, dim: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < data.length / dim; i++)
    out.push(Array.from(data.subarray(i * dim, (i + 1) * dim)));
  return out;
}

async function filled(
  db: Quiver,
  name: string,
  options: {
    distance: 'Dot' | 'Euclid' | 'Cosine';
    dim?: number;
    clusters?: number;
    quantization?: unknown;
  },
): Promise<number[][]> {
  const dim = options.dim ?? DIM;
  await db.createCollection(name, {
    vectors: { size: dim, distance: options.distance },
    optimizers_config: { indexing_threshold: 10 },
    // Small segments are scanned exactly; this keeps them on the graph (and the codes).
    hnsw_config: { full_scan_threshold: 10 },
    ...(options.quantization === undefined
      ? {}
      : { quantization_config: options.quantization as never }),
  });
  const clusters = options.clusters ?? 20;
  const vectors = rows(clusteredData(N, dim, clusters, 1, 2), dim);
  await db.upsert(name, { points: vectors.map((vector, id) => ({ id, vector })) });
  await db.compact(name);
  return rows(clusteredData(20, dim, clusters, 1, 3), dim);
}

type Hit = { id: string | number; score: number };

async function search(db: Quiver, name: string, query: number[], params: object): Promise<Hit[]> {
  const res = await db.query(name, { query, limit: 10, params: params as never });
  return res.points as Hit[];
}

async function recallAgainstExact(
  db: Quiver,
  name: string,
  queries: number[][],
  params: object,
): Promise<number> {
  let hit = 0;
  for (const q of queries) {
    const exact = new Set((await search(db, name, q, { exact: true })).map((p) => p.id));
    for (const p of await search(db, name, q, params)) if (exact.has(p.id)) hit++;
  }
  return hit / (queries.length * 10);
}

test('int8: codes in sealed segments, rescored results, 4x less vector memory', async () => {
  const db = await Quiver.open();
  const queries = await filled(db, 'c', {
    distance: 'Dot',
    quantization: { scalar: { type: 'int8', quantile: 0.99, always_ram: true } },
  });
  const memory = (await db.vectorMemory('c')).vectors['']!;
  assert.equal(memory.vectors, N);
  assert.equal(memory.quantized_vectors, N);
  assert.equal(memory.original_bytes, N * DIM * 4);
  assert.equal(memory.quantized_bytes, N * DIM);
  assert.equal(memory.original_bytes / memory.quantized_bytes, 4);

  const recall = await recallAgainstExact(db, 'c', queries, {
    hnsw_ef: 64,
    quantization: { oversampling: 2 },
  });
  assert.ok(recall >= 0.95, `recall ${recall}`);
  // Rescored: the scores are the exact ones.
  const exact = await search(db, 'c', queries[0]!, { exact: true });
  const rescored = await search(db, 'c', queries[0]!, {
    hnsw_ef: 64,
    quantization: { rescore: true, oversampling: 2 },
  });
  const exactScore = new Map(exact.map((p) => [p.id, p.score]));
  for (const p of rescored) {
    if (exactScore.has(p.id)) assert.ok(Math.abs(exactScore.get(p.id)! - p.score) < 1e-5);
  }
  // Not rescored: the scores are the codes' estimates, close but not equal.
  const estimated = await search(db, 'c', queries[0]!, {
    hnsw_ef: 64,
    quantization: { rescore: false },
  });
  let differs = 0;
  for (const p of estimated) {
    const e = exactScore.get(p.id);
    if (e !== undefined && e !== p.score) differs++;
    if (e !== undefined) assert.ok(Math.abs(e - p.score) < 0.05 * (1 + Math.abs(e)), 'close');
  }
  assert.ok(differs > 0, 'estimates are returned as they are');
  // Ignored: the graph walks the originals; exact scores.
  const ignored = await search(db, 'c', queries[0]!, {
    hnsw_ef: 64,
    quantization: { ignore: true },
  });
  for (const p of ignored) {
    if (exactScore.has(p.id)) assert.ok(Math.abs(exactScore.get(p.id)! - p.score) < 1e-5);
  }
  await db.close();
});

test('Euclid int8 estimates are distances; binary with oversampling on a Cosine set', async () => {
  const db = await Quiver.open();
  const queries = await filled(db, 'e', {
    distance: 'Euclid',
    quantization: { scalar: { type: 'int8' } },
  });
  const exact = await search(db, 'e', queries[1]!, { exact: true });
  const estimated = await search(db, 'e', queries[1]!, { quantization: { rescore: false } });
  assert.ok(estimated[0]!.score >= 0, 'a distance');
  assert.ok(Math.abs(estimated[0]!.score - exact[0]!.score) < 0.1 * (1 + exact[0]!.score));
  assert.ok((await recallAgainstExact(db, 'e', queries, {})) >= 0.95);

  const bq = await filled(db, 'b', {
    distance: 'Cosine',
    dim: 256,
    // Binary codes cannot order points within a tight cluster (their signs agree): many small
    // clusters, as embeddings of distinct items look.
    clusters: 300,
    quantization: { binary: { always_ram: true } },
  });
  const memory = (await db.vectorMemory('b')).vectors['']!;
  assert.equal(memory.quantized_bytes, N * 32);
  const one = await recallAgainstExact(db, 'b', bq, {});
  const eight = await recallAgainstExact(db, 'b', bq, { quantization: { oversampling: 8 } });
  // Beyond its own cluster a point's neighbours are near-random here: a hard set for one bit.
  assert.ok(eight >= 0.8 && eight > one, `binary recall ${eight} (oversampling 1: ${one})`);
  await db.close();
});

test('codes come back after a restart (rebuilt from the stored vectors)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-quant-'));
  try {
    let db = await Quiver.open({ path: dir });
    const queries = await filled(db, 'p', {
      distance: 'Dot',
      quantization: { product: { compression: 'x16', always_ram: true } },
    });
    const before = await search(db, 'p', queries[0]!, { quantization: { oversampling: 3 } });
    const memoryBefore = await db.vectorMemory('p');
    await db.close();
    db = await Quiver.open({ path: dir });
    assert.deepEqual(await db.vectorMemory('p'), memoryBefore);
    assert.equal(memoryBefore.vectors['']!.quantized_bytes, N * (DIM / 4));
    const after = await search(db, 'p', queries[0]!, { quantization: { oversampling: 3 } });
    assert.deepEqual(after, before);
    await db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('per-vector configs override the collection one; a config change applies on rebuild', async () => {
  const db = await Quiver.open();
  const dim = 64;
  await db.createCollection('n', {
    vectors: {
      a: { size: dim, distance: 'Cosine', quantization_config: { binary: {} } },
      b: { size: dim, distance: 'Euclid' },
    },
    quantization_config: { scalar: { type: 'int8' } },
    optimizers_config: { indexing_threshold: 10 },
    hnsw_config: { full_scan_threshold: 10 },
  });
  const data = rows(clusteredData(400, dim, 10, 1, 2), dim);
  await db.upsert('n', {
    points: data.map((v, id) => ({ id, vector: { a: v, b: v } })),
  });
  await db.compact('n');
  let memory = (await db.vectorMemory('n')).vectors;
  assert.equal(memory.a!.quantized_bytes, 400 * 8, 'binary: 64 bits per vector');
  assert.equal(memory.b!.quantized_bytes, 400 * (dim + 4), 'int8 + Euclid correction');
  const hits = await db.query('n', { query: data[0]!, using: 'b', limit: 3 });
  assert.equal(hits.points[0]!.id, 0);

  await db.updateCollection('n', { quantization_config: null } as never);
  await db.rebuildIndex('n');
  memory = (await db.vectorMemory('n')).vectors;
  assert.equal(memory.a!.quantized_bytes, 400 * 8, 'its own config still applies');
  assert.equal(memory.b!.quantized_bytes, 0, 'no codes once the collection config is gone');
  assert.equal(memory.b!.original_bytes, 400 * dim * 4);
  await db.close();
});
