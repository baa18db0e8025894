// Sealed segments on disk: they come back with their HNSW graphs (same results, same counts);
// a missing or damaged index file is rebuilt from the stored vectors at open, reported in the
// warnings and in collection info, and written again by the next checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiver } from '../../src/index.js';
import { MemoryFileSystem } from '../../src/storage/memory-file-system.js';
import type { FileSystem } from '../../src/storage/file-system.js';
import { rng } from '../fixtures/synthetic.js';

const ROOT = '/data';
const DIM = 16;

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

test('deletes after a sealed segment was written: the file stays, the deletes survive reopen and snapshots', async () => {
  const { fs } = await build();
  const db = await Quiver.open({ path: ROOT, fs });
  const segFiles = async () =>
    (await fs.list(`${ROOT}/collections`)).length === 1
      ? (await fs.list(`${ROOT}/collections/${(await fs.list(`${ROOT}/collections`))[0]}/segments`))
          .filter((n) => n.startsWith('seg-'))
          .sort()
      : [];
  const before = await segFiles();
  await db.delete('c', { points: [1, 2, 3, 4] });
  await db.checkpointAll();
  // The sealed segment's file is not rewritten for four deletes.
  assert.deepEqual(await segFiles(), before);
  const snapshot = await db.createSnapshot('c');
  await db.close();
  const db2 = await Quiver.open({ path: ROOT, fs });
  assert.equal((await db2.getCollection('c')).points_count, 556);
  assert.deepEqual(
    await db2.retrieve('c', { ids: [1, 2, 3, 4, 6] }).then((r) => r.map((p) => p.id)),
    [6],
  );
  await db2.recoverSnapshot('copy', {
    location: `${ROOT}/snapshots/c-c/${snapshot.name}`,
  });
  // The snapshot carried the index file: the copy holds the same graph file, not a rebuild.
  const names = (await indexFiles(fs)).map((f) => f.split('/').at(-1));
  assert.equal(names.length, 2);
  assert.equal(names[0], names[1]);
  const copy = await db2.getCollection('copy');
  assert.equal(copy.warnings, undefined);
  assert.equal(copy.points_count, 556);
  assert.equal(copy.indexed_vectors_count, 556);
  assert.deepEqual(
    await db2.retrieve('copy', { ids: [1, 2, 3, 4, 6] }).then((r) => r.map((p) => p.id)),
    [6],
  );
  await db2.close();
});

test('checkpoints and a close in the middle of background optimizations lose nothing', async () => {
  const fs = new MemoryFileSystem();
  const db = await Quiver.open({ path: ROOT, fs });
  await db.createCollection('c', {
    vectors: { size: DIM, distance: 'Dot' },
    optimizers_config: { indexing_threshold: 10, default_segment_number: 1 },
  });
  const model = new Map<number, number[]>();
  const put = async (ids: number[]) => {
    const points = ids.map((id) => ({ id, vector: Array.from({ length: DIM }, () => random()) }));
    await db.upsert('c', { points });
    for (const p of points) model.set(p.id, Array.from(new Float32Array(p.vector)));
  };
  for (let round = 0; round < 6; round++) {
    await put(Array.from({ length: 400 }, (_, i) => round * 300 + i));
    const gone = Array.from({ length: 50 }, (_, i) => round * 300 + i * 7);
    await db.delete('c', { points: gone });
    for (const id of gone) model.delete(id);
    // A checkpoint while the optimizer is (probably) mid-build, then let it run a little.
    await db.checkpointAll();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await db.close();
  const db2 = await Quiver.open({ path: ROOT, fs });
  const all = await db2.scroll('c', { limit: 10_000, with_vector: true });
  assert.equal(all.points.length, model.size);
  for (const p of all.points) assert.deepEqual(p.vector, model.get(p.id as number));
  await db2.compact('c');
  assert.equal((await db2.getCollection('c')).points_count, model.size);
  await db2.close();
});
