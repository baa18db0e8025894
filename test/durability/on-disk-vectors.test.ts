// `on_disk: true` in a persistent collection: a sealed segment's originals go to a vector file
// (QVEC) at checkpoint and are read from it by offset; queries, retrieve with_vector, recommend
// by id and snapshot restore answer exactly as an in-memory twin; a lost vector file is a clear
// CORRUPT_DATA at open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, unlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Quiver } from '../../src/index.js';
import { isQuiverError } from '../../src/errors.js';
import { MemoryFileSystem } from '../../src/storage/memory-file-system.js';
import { WorkerSearchPool } from '../../src/node/worker-search-pool.js';

const DIM = 16;
const N = 600;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(11);
const points = Array.from({ length: N }, (_, i) => ({
  id: i,
  vector: Array.from({ length: DIM }, () => random() - 0.5),
  payload: { g: i % 3 },
}));
const queries = Array.from({ length: 6 }, () => Array.from({ length: DIM }, () => random() - 0.5));

const CONFIG = {
  vectors: { size: DIM, distance: 'Cosine' as const, on_disk: true },
  optimizers_config: { indexing_threshold: 10, max_optimization_threads: 0 },
  hnsw_config: { full_scan_threshold: 10, m: 8, ef_construct: 32 },
  quantization_config: { scalar: { type: 'int8' as const, quantile: 0.99, always_ram: true } },
};

/** Fills `name`; `onDisk: false` makes the twin that keeps its originals in memory. */
async function fill(db: Quiver, name: string, onDisk = true): Promise<void> {
  await db.createCollection(name, {
    ...CONFIG,
    vectors: { ...CONFIG.vectors, on_disk: onDisk },
  });
  await db.upsert(name, { points });
  await db.compact(name);
  await db.delete(name, { points: [0, 5, 10, 15] });
}

/**
 * Everything the test compares: queries (graph, exact, filtered), retrieve, recommend. With
 * `estimates`, also the codes' own scores (`rescore: false`): only before a reopen, since codes
 * are retrained at open on the live points (the deleted ones no longer in the sample).
 */
async function answers(db: Quiver, name: string, estimates = false): Promise<unknown> {
  const out: unknown[] = [];
  const variants: object[] = [{}, { exact: true }];
  if (estimates) variants.push({ quantization: { rescore: false } });
  for (const q of queries) {
    for (const params of variants) {
      const res = await db.query(name, { query: q, limit: 10, params });
      out.push(res.points.map((p) => [p.id, p.score]));
    }
    const filtered = await db.query(name, {
      query: q,
      limit: 5,
      filter: { must: [{ key: 'g', match: { value: 1 } }] },
      with_vector: true,
    });
    out.push(filtered.points.map((p) => [p.id, p.score, p.vector]));
  }
  out.push(await db.retrieve(name, { ids: [1, 2, 3, 5, 599], with_vector: true }));
  const rec = await db.query(name, { query: { recommend: { positive: [7, 8], negative: [9] } } });
  out.push(rec.points.map((p) => [p.id, p.score]));
  const legacy = await db.recommend(name, { positive: [20], limit: 5 });
  out.push(legacy.map((p) => [p.id, p.score]));
  return out;
}

async function vectorFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const dir of await readdir(join(root, 'collections'))) {
    const segDir = join(root, 'collections', dir, 'segments');
    for (const name of await readdir(segDir))
      if (name.startsWith('vec-')) out.push(join(segDir, name));
  }
  return out.sort();
}

test('on_disk originals: out of memory after checkpoint and reopen, same answers as in memory', async () => {
  const root = await mkdtemp(join(tmpdir(), 'quiver-ondisk-'));
  try {
    // Twins: one never persisted, one persisted with its originals in memory (on_disk: false).
    // Codes are retrained at open, so after a reopen the persisted twin is the reference.
    const twin = await Quiver.open();
    await fill(twin, 'c');
    const estimated = await answers(twin, 'c', true);
    const ram = await Quiver.open({ path: join(root, 'ram') });
    await fill(ram, 'c', false);
    await ram.checkpointAll();
    await ram.close();

    const path = join(root, 'disk');
    const db = await Quiver.open({ path });
    await fill(db, 'c');
    assert.deepEqual(await answers(db, 'c', true), estimated);
    await db.checkpointAll();
    // Persisted: the sealed segment now reads its originals from the vector file.
    assert.equal((await vectorFiles(path)).length, 1);
    let memory = (await db.vectorMemory('c')).vectors['']!;
    assert.equal(memory.original_bytes, 0);
    assert.equal(memory.original_bytes_on_disk, N * DIM * 4);
    assert.equal(memory.quantized_vectors, N - 4);
    assert.deepEqual(await answers(db, 'c', true), estimated);
    await db.close();

    const reopened = await Quiver.open({ path });
    const ramAgain = await Quiver.open({ path: join(root, 'ram') });
    memory = (await reopened.vectorMemory('c')).vectors['']!;
    assert.equal(memory.original_bytes, 0);
    assert.equal(memory.original_bytes_on_disk, N * DIM * 4);
    const inRam = (await ramAgain.vectorMemory('c')).vectors['']!;
    assert.equal(inRam.original_bytes, N * DIM * 4);
    assert.equal(inRam.original_bytes_on_disk, 0);
    assert.deepEqual(await answers(reopened, 'c', true), await answers(ramAgain, 'c', true));

    // Writes after reopen go to the appendable segment (in memory).
    const extra = { id: 10_000, vector: queries[0]!, payload: { g: 1 } };
    await reopened.upsert('c', { points: [extra] });
    await ramAgain.upsert('c', { points: [extra] });
    const afterWrite = await answers(ramAgain, 'c', true);
    assert.deepEqual(await answers(reopened, 'c', true), afterWrite);

    // Snapshot: it carries the vector file; the restored collection reads it from disk too.
    const snap = await reopened.createSnapshot('c');
    const location = `file://${join(path, 'snapshots', 'c-c', snap.name)}`;
    await reopened.recoverSnapshot('r', { location, checksum: snap.checksum });
    const ramSnap = await ramAgain.createSnapshot('c');
    const ramLocation = `file://${join(root, 'ram', 'snapshots', 'c-c', ramSnap.name)}`;
    await ramAgain.recoverSnapshot('r', { location: ramLocation, checksum: ramSnap.checksum });
    assert.deepEqual(await answers(reopened, 'r', true), await answers(ramAgain, 'r', true));
    const restored = (await reopened.vectorMemory('r')).vectors['']!;
    assert.equal(restored.original_bytes_on_disk, N * DIM * 4);
    assert.equal(restored.original_bytes, DIM * 4);
    await reopened.close();
    await ramAgain.close();
    await twin.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a crash after the checkpoint keeps the on-disk originals and the later writes', async () => {
  const extra = { id: 10_000, vector: queries[1]!, payload: { g: 2 } };
  const survivors: Quiver[] = [];
  for (const onDisk of [true, false]) {
    const fs = new MemoryFileSystem();
    const db = await Quiver.open({ path: '/data', fs });
    await fill(db, 'c', onDisk);
    await db.checkpointAll();
    await db.upsert('c', { points: [extra] });
    // No close: the process dies; what was synced survives.
    survivors.push(await Quiver.open({ path: '/data', fs: fs.crash() }));
  }
  const [disk, ram] = survivors as [Quiver, Quiver];
  assert.equal((await disk.vectorMemory('c')).vectors['']!.original_bytes_on_disk, N * DIM * 4);
  assert.equal((await disk.count('c', {})).count, N - 4 + 1);
  assert.deepEqual(await answers(disk, 'c', true), await answers(ram, 'c', true));
  await disk.close();
  await ram.close();
});

for (const damage of ['missing', 'corrupt'] as const) {
  test(`a ${damage} vector file fails the open with CORRUPT_DATA naming it`, async () => {
    const root = await mkdtemp(join(tmpdir(), 'quiver-ondisk-'));
    try {
      const db = await Quiver.open({ path: root });
      await fill(db, 'c');
      await db.checkpointAll();
      await db.close();
      const [file] = await vectorFiles(root);
      assert.ok(file !== undefined);
      if (damage === 'missing') await unlink(file);
      else {
        const bytes = await readFile(file);
        bytes[bytes.length - 7] = bytes[bytes.length - 7]! ^ 0x10;
        await writeFile(file, bytes);
      }
      await assert.rejects(Quiver.open({ path: root }), (err: unknown) => {
        assert.ok(isQuiverError(err), String(err));
        assert.equal(err.code, 'CORRUPT_DATA');
        assert.match(err.message, /original vectors of segment \d+ \(the unnamed vector\)/);
        assert.match(err.message, /kept on disk in .*vec-/);
        assert.match(err.message, damage === 'missing' ? /is missing/ : /checksum mismatch/);
        assert.match(err.message, /lost: restore the collection from a snapshot/);
        return true;
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
}

test('without codes, on-disk segments are searched and rebuilt by the optimizer from the file', async () => {
  const dbs: Quiver[] = [];
  const fss: MemoryFileSystem[] = [];
  for (const onDisk of [true, false]) {
    const fs = new MemoryFileSystem();
    const db = await Quiver.open({ path: '/data', fs });
    await db.createCollection('c', {
      ...CONFIG,
      quantization_config: undefined,
      vectors: { ...CONFIG.vectors, on_disk: onDisk },
    });
    await db.upsert('c', { points });
    await db.compact('c');
    await db.checkpointAll();
    dbs.push(db);
    fss.push(fs);
  }
  const [disk, ram] = dbs as [Quiver, Quiver];
  assert.equal((await disk.vectorMemory('c')).vectors['']!.original_bytes, 0);
  assert.deepEqual(await answers(disk, 'c'), await answers(ram, 'c'));
  // Deletes, then a rebuild that reads the on-disk originals; persisted, it moves to disk again.
  for (const db of dbs) {
    await db.delete('c', { points: points.filter((p) => p.id % 6 === 5).map((p) => p.id) });
    await db.compact('c');
    await db.checkpointAll();
  }
  const memory = (await disk.vectorMemory('c')).vectors['']!;
  assert.equal(memory.original_bytes, 0);
  assert.equal(memory.original_bytes_on_disk, (N - N / 6) * DIM * 4);
  assert.deepEqual(await answers(disk, 'c'), await answers(ram, 'c'));
  // Only the new vector file is left once both kept checkpoints have moved on.
  await disk.upsert('c', { points: [{ id: 20_000, vector: queries[2]!, payload: { g: 0 } }] });
  await disk.checkpointAll();
  const collections = await fss[0]!.list('/data/collections');
  const files = await fss[0]!.list(`/data/collections/${collections[0]}/segments`);
  assert.equal(files.filter((f) => f.startsWith('vec-')).length, 1, files.join(', '));
  for (const db of dbs) await db.close();
});

test('parallel search: a segment moved to disk is unpublished and searched in place', async () => {
  const pool = new WorkerSearchPool({ threads: 1 });
  const single = await Quiver.open();
  const parallel = await Quiver.open({
    path: '/data',
    fs: new MemoryFileSystem(),
    searchPool: pool,
    searchMinSegmentPoints: 0,
  });
  for (const db of [single, parallel]) await fill(db, 'c');
  const batch = {
    searches: queries.map((query) => ({
      query,
      limit: 10,
      params: { quantization: { ignore: true } },
    })),
  };
  const expected = await single.queryBatch('c', batch);
  assert.deepEqual(await parallel.queryBatch('c', batch), expected);
  assert.equal(pool.registeredImages, 1);
  await parallel.checkpointAll();
  assert.equal((await parallel.vectorMemory('c')).vectors['']!.original_bytes, 0);
  // Another request (the same one would be answered from the query cache).
  const again = { searches: batch.searches.map((s) => ({ ...s, limit: 9 })) };
  assert.deepEqual(await parallel.queryBatch('c', again), await single.queryBatch('c', again));
  assert.equal(pool.registeredImages, 0);
  await parallel.close();
  await single.close();
  await pool.close();
});

test('a sealed on-disk segment whose points are all deleted still answers exact scans', async () => {
  const db = await Quiver.open({ path: '/data', fs: new MemoryFileSystem() });
  await fill(db, 'c');
  await db.checkpointAll();
  await db.delete('c', { filter: {} });
  await db.upsert('c', { points: [{ id: 1, vector: queries[0]!, payload: { g: 1 } }] });
  for (let i = 0; i < 3; i++) {
    await db.upsert('c', { points: [{ id: 2 + i, vector: queries[1]!, payload: { g: 1 } }] });
    await db.checkpointAll();
  }
  assert.equal((await db.count('c', {})).count, 4);
  for (const params of [{ exact: true }, {}, { quantization: { ignore: true } }]) {
    const res = await db.query('c', { query: queries[0]!, limit: 3, params });
    assert.deepEqual(
      res.points.map((p) => p.id),
      [1, 2, 3],
    );
  }
  await db.close();
});
