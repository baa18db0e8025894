// Recovery from each kind of damage, on the in-memory file system (whose crash() drops all that
// was not made durable) and, for the lock, real processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Quiver } from '../../src/index.js';
import { MemoryFileSystem } from '../../src/storage/memory-file-system.js';
import type { FileSystem } from '../../src/storage/file-system.js';

const ROOT = '/data';

async function filesUnder(fs: FileSystem, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await fs.list(dir)) {
    const path = `${dir}/${name}`;
    const stat = await fs.stat(path);
    if (stat?.isDirectory) out.push(...(await filesUnder(fs, path)));
    else out.push(path);
  }
  return out.sort();
}

async function flipBit(fs: FileSystem, path: string, byteFromEnd: number): Promise<void> {
  const bytes = await fs.readFile(path);
  const at = bytes.length - byteFromEnd;
  const handle = await fs.open(path);
  await handle.write({ bytes: new Uint8Array([bytes[at]! ^ 0x10]), position: at });
  await handle.sync();
  await handle.close();
}

async function state(db: Quiver): Promise<unknown> {
  return (await db.scroll('c', { limit: 1000, with_vector: true })).points;
}

/** A database with two checkpoints and WAL records after them; returns the fs after a crash. */
async function populated(): Promise<{ fs: FileSystem; expected: unknown }> {
  const fs = new MemoryFileSystem();
  const db = await Quiver.open({ path: ROOT, fs, checkpoint: { intervalSec: 3600 } });
  await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await db.upsert('c', {
    points: [1, 2, 3].map((id) => ({ id, vector: [id, 1], payload: { id } })),
  });
  await db.checkpointAll();
  await db.upsert('c', { points: [{ id: 4, vector: [4, 1] }] });
  await db.delete('c', { points: [1] });
  await db.checkpointAll();
  await db.upsert('c', { points: [{ id: 5, vector: [5, 1], payload: { late: true } }] });
  await db.setPayload('c', { points: [2], payload: { edited: true } });
  const expected = await state(db);
  // No close(): the process dies here.
  return { fs: fs.crash(), expected };
}

async function walFiles(fs: FileSystem): Promise<string[]> {
  return (await filesUnder(fs, ROOT)).filter((p) => p.includes('/wal/wal-'));
}

test('every acknowledged write survives a crash without close()', async () => {
  const { fs, expected } = await populated();
  const db = await Quiver.open({ path: ROOT, fs });
  assert.deepEqual(await state(db), expected);
  await db.close();
});

test('a torn WAL tail is truncated with a warning; earlier records are kept', async () => {
  const { fs, expected } = await populated();
  const [wal] = (await walFiles(fs)).slice(-1);
  // Tear the last record: cut the file 3 bytes short.
  const bytes = await fs.readFile(wal!);
  const handle = await fs.open(wal!);
  await handle.truncate(bytes.length - 3);
  await handle.sync();
  await handle.close();
  const warnings: string[] = [];
  const db = await Quiver.open({ path: ROOT, fs, onWarning: (m) => warnings.push(m) });
  // The last write (set_payload of point 2) was torn away; everything before it is there.
  const points = (await state(db)) as { id: number; payload: Record<string, unknown> }[];
  const want = (expected as { id: number; payload: Record<string, unknown> }[]).map((p) =>
    p.id === 2 ? { ...p, payload: { id: 2 } } : p,
  );
  assert.deepEqual(points, want);
  assert.ok(
    warnings.some((w) => /interrupted write/.test(w)),
    warnings.join('\n'),
  );
  const info = await db.getCollection('c');
  assert.ok(info.warnings?.some((w) => /interrupted write/.test(w.message)));
  await db.close();
});

test('a flipped bit inside a WAL record is detected, never replayed as data', async () => {
  const { fs } = await populated();
  const [wal] = (await walFiles(fs)).slice(-1);
  await flipBit(fs, wal!, 10); // inside the last record's payload
  const warnings: string[] = [];
  const db = await Quiver.open({ path: ROOT, fs, onWarning: (m) => warnings.push(m) });
  const points = (await state(db)) as { id: number; payload: Record<string, unknown> }[];
  // The damaged record (the last write) is dropped and reported; no garbage got in.
  assert.deepEqual(points.find((p) => p.id === 2)?.payload, { id: 2 });
  assert.ok(
    warnings.some((w) => /write-ahead log/.test(w)),
    warnings.join('\n'),
  );
  await db.close();
});

test('a flipped bit in the newest checkpoint falls back to the previous one and a longer replay', async () => {
  const { fs, expected } = await populated();
  const segs = (await filesUnder(fs, ROOT)).filter((p) => /\/segments\/seg-/.test(p));
  const newest = segs
    .sort((a, b) => Number(/-(\d+)\.qvr$/.exec(a)![1]) - Number(/-(\d+)\.qvr$/.exec(b)![1]))
    .at(-1)!;
  await flipBit(fs, newest, 5);
  const warnings: string[] = [];
  const db = await Quiver.open({ path: ROOT, fs, onWarning: (m) => warnings.push(m) });
  assert.deepEqual(await state(db), expected);
  assert.ok(
    warnings.some((w) => /falling back/.test(w)),
    warnings.join('\n'),
  );
  await db.close();
  // The next open is clean: close() wrote a fresh checkpoint.
  const again = await Quiver.open({ path: ROOT, fs, onWarning: (m) => assert.fail(m) });
  assert.deepEqual(await state(again), expected);
  await again.close();
});

test('a flipped bit in the catalog stops open with a clear error', async () => {
  const { fs } = await populated();
  await flipBit(fs, `${ROOT}/catalog.qvr`, 3);
  await assert.rejects(Quiver.open({ path: ROOT, fs }), {
    code: 'CORRUPT_DATA',
    message: /catalog\.qvr/,
  });
});

test('leftover temporary files are removed and reported', async () => {
  const { fs, expected } = await populated();
  const collDir = (await fs.list(`${ROOT}/collections`))[0]!;
  for (const path of [
    `${ROOT}/collections/${collDir}/manifest-000000000009.qvr.tmp-abc`,
    `${ROOT}/collections/${collDir}/segments/seg-1-9.qvr.tmp-9f`,
  ]) {
    const h = await fs.open(path, { create: true });
    await h.write({ bytes: new Uint8Array([1, 2, 3]), position: 0 });
    await h.sync();
    await h.close();
  }
  const warnings: string[] = [];
  const db = await Quiver.open({ path: ROOT, fs, onWarning: (m) => warnings.push(m) });
  assert.deepEqual(await state(db), expected);
  assert.equal(warnings.filter((w) => /leftover temporary file/.test(w)).length, 2);
  assert.ok(!(await filesUnder(fs, ROOT)).some((p) => p.includes('.tmp-')));
  await db.close();
});

test('replay is idempotent: replaying the log again changes nothing', async () => {
  const { fs, expected } = await populated();
  const db = await Quiver.open({ path: ROOT, fs });
  const internal = db as unknown as {
    collections: Map<string, never>;
    persistence: { stores: Map<string, { replay(c: never): Promise<number> }> };
  };
  const replayed = await internal.persistence.stores
    .get('c')!
    .replay(internal.collections.get('c')!);
  assert.equal(replayed, 0);
  assert.deepEqual(await state(db), expected);
  await db.close();
});

test('a deleted collection leaves nothing behind, even across a crash', async () => {
  const fs = new MemoryFileSystem();
  const db = await Quiver.open({ path: ROOT, fs });
  await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await db.createCollection('gone', { vectors: { size: 2, distance: 'Dot' } });
  await db.upsert('gone', { points: [{ id: 1, vector: [1, 1] }] });
  await db.deleteCollection('gone');
  const files = await filesUnder(fs, ROOT);
  assert.ok(!files.some((f) => f.includes('gone')), files.join('\n'));
  const after = fs.crash();
  const reopened = await Quiver.open({ path: ROOT, fs: after });
  assert.deepEqual(await reopened.getCollections(), { collections: [{ name: 'c' }] });
  await reopened.close();
});

test('deleted and overwritten points are reclaimed on disk by checkpoints', async () => {
  const fs = new MemoryFileSystem();
  const db = await Quiver.open({ path: ROOT, fs, checkpoint: { walMb: 1 } });
  await db.createCollection('c', {
    vectors: { size: 64, distance: 'Dot' },
    wal_config: { wal_capacity_mb: 1 },
    optimizers_config: { vacuum_min_vector_number: 100 },
  });
  const vector = Array.from({ length: 64 }, () => 1);
  const n = 5000;
  for (let round = 0; round < 20; round++) {
    for (let from = 0; from < n; from += 1000) {
      await db.upsert('c', {
        points: Array.from({ length: 1000 }, (_, i) => ({
          id: from + i,
          vector,
          payload: { round },
        })),
      });
    }
  }
  await db.checkpointAll();
  let bytes = 0;
  for (const f of await filesUnder(fs, ROOT)) bytes += (await fs.readFile(f)).length;
  const live = n * 64 * 4;
  // 20 rounds wrote 20x the live data; disk holds two checkpoints and a bounded WAL.
  assert.ok(bytes < live * 5, `disk ${bytes} bytes for ${live} bytes of live vectors`);
  await db.close();
});

test('a second process cannot open the same data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-lock-'));
  try {
    const script = `import { Quiver } from './src/index.ts';
      const db = await Quiver.open({ path: ${JSON.stringify(dir)} });
      process.stdout.write('open\\n');
      try { await Quiver.open({ path: ${JSON.stringify(dir)} }); console.log('SECOND OPEN SUCCEEDED'); }
      catch (e) { console.log('second:', e.code); }
      await db.close();`;
    const first = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    assert.match(first.stdout, /second: LOCKED/);
    // Another process, while the first holds it.
    const holder = `import { Quiver } from './src/index.ts';
      await Quiver.open({ path: ${JSON.stringify(dir)} }); process.stdout.write('held\\n'); setInterval(() => {}, 1000);`;
    const child = spawnSync(
      'bash',
      [
        '-c',
        `node --import tsx --input-type=module -e "$HOLDER" & pid=$!; sleep 2; node --import tsx --input-type=module -e "$PROBE"; kill -9 $pid; wait $pid`,
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          HOLDER: holder,
          PROBE: `import { Quiver } from './src/index.ts';
            try { await Quiver.open({ path: ${JSON.stringify(dir)} }); console.log('PROBE OPENED'); }
            catch (e) { console.log('probe:', e.code, e.message); }`,
        },
      },
    );
    assert.match(child.stdout, /probe: LOCKED data directory .* is in use by process \d+/);
    // The holder was killed with SIGKILL: its stale lock is taken over.
    const after = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { Quiver } from './src/index.ts';
      const db = await Quiver.open({ path: ${JSON.stringify(dir)} }); console.log('reopened'); await db.close();`,
      ],
      { encoding: 'utf8' },
    );
    assert.match(after.stdout, /reopened/, after.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sparse and named vectors survive checkpoints, crashes and replay', async () => {
  const fs = new MemoryFileSystem();
  const db = await Quiver.open({ path: ROOT, fs });
  await db.createCollection('c', {
    vectors: { dense: { size: 2, distance: 'Cosine' } },
    sparse_vectors: { text: { modifier: 'idf' } },
  });
  await db.upsert('c', {
    points: [
      { id: 1, vector: { dense: [1, 0], text: { indices: [3, 7], values: [0.5, 1.5] } } },
      { id: 2, vector: { text: { indices: [], values: [] } } },
      { id: 3, vector: { dense: [0, 1] } },
    ],
  });
  await db.checkpointAll();
  await db.upsert('c', { points: [{ id: 4, vector: { text: { indices: [1], values: [2] } } }] });
  const expected = await state(db);
  const reopened = await Quiver.open({ path: ROOT, fs: fs.crash() });
  assert.deepEqual(await state(reopened), expected);
  const hits = await reopened.query('c', { query: { indices: [7], values: [1] }, using: 'text' });
  assert.deepEqual(
    hits.points.map((p) => p.id),
    [1],
  );
  await reopened.close();
});
