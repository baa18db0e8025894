// Sealed segments on disk: they come back with their HNSW graphs (same results, same counts);
// a missing or damaged index file is rebuilt from the stored vectors at open, reported in the
// warnings and in collection info, and written again by the next checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiver } from '../../src/index.js';
import { MemoryFileSystem } from '../../src/storage/memory-file-system.js';
import type { FileSystem } from '../../src/storage/file-system.js';

const ROOT = '/data';
const DIM = 16;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function indexFiles(fs: FileSystem): Promise<string[]> {
  const out: string[] = [];
  const base = `${ROOT}/collections`;
  for (const dir of await fs.list(base)) {
    const segDir = `${base}/${dir}/segments`;
    for (const name of await fs.list(segDir)) {
      if (name.startsWith('hnsw-')) out.push(`${segDir}/${name}`);
    }
  }
  return out.sort();
}

const random = rng(3);
const queries = Array.from({ length: 8 }, () => Array.from({ length: DIM }, () => random()));

/** Answers with the default ef (a real graph search: the same graph gives the same answer) or,
 * with `full`, an ef past the segment size (exact whatever the graph). */
async function answers(db: Quiver, full = false): Promise<unknown[]> {
  const out: unknown[] = [];
  const params = full ? { hnsw_ef: 5000 } : undefined;
  for (const q of queries) {
    out.push(
      (await db.query('c', { query: q, limit: 10, params })).points.map((p) => [p.id, p.score]),
    );
    out.push(
      (
        await db.query('c', {
          query: q,
          limit: 5,
          params,
          filter: { must: [{ key: 'g', match: { value: 1 } }] },
        })
      ).points.map((p) => p.id),
    );
  }
  return out;
}

async function build(): Promise<{
  fs: MemoryFileSystem;
  expected: unknown[];
  exact: unknown[];
}> {
  const fs = new MemoryFileSystem();
  const db = await Quiver.open({ path: ROOT, fs });
  await db.createCollection('c', {
    vectors: { size: DIM, distance: 'Cosine' },
    optimizers_config: { indexing_threshold: 10, max_optimization_threads: 0 },
    hnsw_config: { full_scan_threshold: 10, m: 8, ef_construct: 32 },
  });
  const points = Array.from({ length: 700 }, (_, i) => ({
    id: i,
    vector: Array.from({ length: DIM }, () => random() - 0.5),
    payload: { g: i % 4 },
  }));
  await db.upsert('c', { points });
  await db.compact('c');
  await db.delete('c', { points: points.filter((p) => p.id % 5 === 0).map((p) => p.id) });
  const expected = await answers(db);
  const exact = await answers(db, true);
  assert.deepEqual(exact, await answers(db, true));
  const info = await db.getCollection('c');
  assert.equal(info.indexed_vectors_count, 560);
  await db.close();
  return { fs, expected, exact };
}

test('a sealed segment and its graph come back after a restart', async () => {
  const { fs, expected } = await build();
  assert.equal((await indexFiles(fs)).length, 1);
  const warnings: string[] = [];
  const db = await Quiver.open({ path: ROOT, fs, onWarning: (w) => warnings.push(w) });
  assert.deepEqual(warnings, []);
  const info = await db.getCollection('c');
  assert.equal(info.indexed_vectors_count, 560);
  assert.equal(info.points_count, 560);
  assert.equal(info.status, 'green');
  assert.deepEqual(await answers(db), expected);
  await db.close();
});

for (const damage of ['missing', 'corrupt'] as const) {
  test(`a ${damage} index file is rebuilt from the vectors at open and reported`, async () => {
    const { fs, exact } = await build();
    const [file] = await indexFiles(fs);
    if (damage === 'missing') await fs.remove(file!);
    else {
      const bytes = await fs.readFile(file!);
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0x40;
      const handle = await fs.open(file!);
      await handle.write({ bytes, position: 0 });
      await handle.sync();
      await handle.close();
    }
    const warnings: string[] = [];
    const db = await Quiver.open({ path: ROOT, fs, onWarning: (w) => warnings.push(w) });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, damage === 'missing' ? /is missing/ : /corrupt/);
    assert.match(warnings[0]!, /rebuilt it from the stored vectors/);
    const info = await db.getCollection('c');
    assert.match(info.warnings?.[0]?.message ?? '', /HNSW index of segment/);
    assert.equal(info.indexed_vectors_count, 560);
    // The rebuilt graph differs (no deleted nodes in it): compare exact-ef answers.
    assert.deepEqual(await answers(db, true), exact);
    // A write, then a checkpoint: the rebuilt graph is saved again under a new name.
    await db.upsert('c', { points: [{ id: 10_000, vector: queries[0]!, payload: { g: 1 } }] });
    await db.checkpointAll();
    const files = await indexFiles(fs);
    assert.ok(
      files.some((f) => f !== file),
      files.join(', '),
    );
    await db.close();
    const again: string[] = [];
    const db2 = await Quiver.open({ path: ROOT, fs, onWarning: (w) => again.push(w) });
    assert.deepEqual(again, []);
    assert.equal((await db2.getCollection('c')).indexed_vectors_count, 560);
    await db2.close();
  });
}
