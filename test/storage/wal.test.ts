import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, truncate, readFile, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { NodeFileSystem } from '../../src/node/node-file-system.js';
import { joinPath } from '../../src/storage/file-system.js';
import { MemoryFileSystem } from '../../src/storage/memory-file-system.js';
import { Wal } from '../../src/storage/wal.js';
import type { WalRecord, WalWarning } from '../../src/storage/wal.js';
import { isQuiverError } from '../../src/errors.js';

const CAP_1K = 1 / 1024;

async function readAll(wal: Wal, fromLsn?: number): Promise<WalRecord[]> {
  const out: WalRecord[] = [];
  for await (const r of wal.read({ fromLsn })) out.push({ lsn: r.lsn, payload: r.payload.slice() });
  return out;
}

const payloadOf = (lsn: number, size: number) =>
  Uint8Array.from({ length: size }, (_, i) => (lsn * 31 + i) & 0xff);

const tempDirs: string[] = [];
after(async () => {
  for (const d of tempDirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(joinPath(tmpdir(), 'quiver-wal-'));
  tempDirs.push(d);
  return d;
}

/** Appends `count` records of `size` bytes one by one on a real directory, then closes. */
async function writeSegments(dir: string, count: number, size: number): Promise<void> {
  const { wal } = await Wal.open({ fs: new NodeFileSystem(), dir, capacityMb: CAP_1K });
  for (let i = 1; i <= count; i++) await wal.append(payloadOf(i, size));
  await wal.close();
}

describe('Wal', () => {
  test('random records round-trip across segment rollovers and reopen', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        async (payloads, capKb) => {
          let fs = new MemoryFileSystem();
          const opts = { dir: '/wal', capacityMb: capKb / 1024 };
          const { wal } = await Wal.open({ fs, ...opts });
          const lsns = await Promise.all(payloads.map((p) => wal.append(p)));
          assert.deepEqual(
            lsns,
            payloads.map((_, i) => i + 1),
          );
          const expected = payloads.map((payload, i) => ({ lsn: i + 1, payload }));
          assert.deepEqual(await readAll(wal), expected);
          await wal.close();
          fs = fs.crash(); // closed cleanly: nothing may be lost
          const reopened = await Wal.open({ fs, ...opts });
          assert.deepEqual(reopened.repairs, []);
          assert.equal(reopened.lastLsn, payloads.length);
          assert.deepEqual(await readAll(reopened.wal), expected);
          assert.deepEqual(await readAll(reopened.wal, 3), expected.slice(2));
          assert.equal(await reopened.wal.append(Uint8Array.of(7)), payloads.length + 1);
          await reopened.wal.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  test('an 80 MB record is written whole into its own segment and read back', async () => {
    const fs = new MemoryFileSystem();
    const { wal } = await Wal.open({ fs, dir: '/wal', capacityMb: 1 });
    await wal.append(Uint8Array.of(1));
    const big = new Uint8Array(80 * 1024 * 1024);
    big[0] = 42;
    big[big.length - 1] = 43;
    assert.equal(await wal.append(big), 2);
    assert.equal(await wal.append(Uint8Array.of(3)), 3);
    assert.equal(wal.stats.rollovers, 3);
    const records = [];
    for await (const r of wal.read({ fromLsn: 2 })) records.push(r);
    assert.equal(records[0]!.payload.length, big.length);
    assert.equal(records[0]!.payload[big.length - 1], 43);
    await wal.close();
  });

  test('group commit: 16 concurrent appends share fsyncs and are all durable', async () => {
    const dir = await tempDir();
    const fs = new NodeFileSystem();
    const { wal } = await Wal.open({ fs, dir });
    const lsns = await Promise.all(
      Array.from({ length: 16 }, (_, i) => wal.append(payloadOf(i, 3072))),
    );
    assert.deepEqual(
      [...lsns].sort((a, b) => a - b),
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    const stats = wal.stats;
    assert.ok(stats.fsyncs < 16, `expected fewer than 16 fsyncs, got ${stats.fsyncs}`);
    assert.equal(stats.records, 16);
    assert.equal(stats.fsyncLatency.buckets.at(-1), stats.fsyncs);
    await wal.close();
    const reopened = await Wal.open({ fs, dir });
    assert.equal((await readAll(reopened.wal)).length, 16);
    await reopened.wal.close();
  });

  test('a torn tail on a real file is truncated with a warning', async () => {
    const dir = await tempDir();
    await writeSegments(dir, 5, 100);
    const [file] = await readdir(dir);
    const path = joinPath(dir, file!);
    const size = (await stat(path)).size;
    await truncate(path, size - 50); // cut the 5th record in half
    const warnings: WalWarning[] = [];
    const { wal, repairs, lastLsn } = await Wal.open({
      fs: new NodeFileSystem(),
      dir,
      onWarning: (w) => warnings.push(w),
    });
    assert.equal(lastLsn, 4);
    assert.equal(repairs.length, 1);
    assert.equal(repairs[0]!.kind, 'torn-tail');
    assert.match(repairs[0]!.message, /keeping records up to LSN 4/);
    assert.deepEqual(warnings, repairs);
    assert.equal((await stat(path)).size, size - 116);
    assert.equal(await wal.append(Uint8Array.of(5)), 5);
    await wal.close();
  });

  test('a flipped bit in the last segment cuts the log there, with a warning', async () => {
    const dir = await tempDir();
    await writeSegments(dir, 3, 100);
    const [file] = await readdir(dir);
    const path = joinPath(dir, file!);
    const bytes = await readFile(path);
    bytes[24 + 116 + 60]! ^= 0x10; // inside record 2's payload
    await writeFile(path, bytes);
    const { wal, repairs } = await Wal.open({ fs: new NodeFileSystem(), dir });
    assert.equal(repairs[0]?.kind, 'torn-tail');
    assert.match(repairs[0]!.message, /checksum mismatch/);
    assert.deepEqual(
      (await readAll(wal)).map((r) => r.lsn),
      [1],
    );
    await wal.close();
  });

  test('damage in an older segment fails loudly, or is cut off on request', async () => {
    const dir = await tempDir();
    await writeSegments(dir, 12, 300); // 1 KiB segments: 3 records each
    const files = (await readdir(dir)).sort();
    assert.equal(files.length, 4);
    const path = joinPath(dir, files[1]!);
    const bytes = await readFile(path);
    bytes[24 + 316 + 20]! ^= 1; // record 5 (second record of segment 2)
    await writeFile(path, bytes);
    const fs = new NodeFileSystem();
    await assert.rejects(
      Wal.open({ fs, dir, capacityMb: CAP_1K }),
      (e: unknown) =>
        isQuiverError(e, 'CORRUPT_DATA') &&
        e.message.includes(path) &&
        e.message.includes('records up to LSN 4'),
    );
    const { wal, repairs, lastLsn } = await Wal.open({
      fs,
      dir,
      capacityMb: CAP_1K,
      onCorruption: 'truncate',
    });
    assert.equal(lastLsn, 4);
    assert.equal(repairs[0]?.kind, 'truncated-corruption');
    assert.equal((await readdir(dir)).length, 2);
    assert.equal(await wal.append(Uint8Array.of(1)), 5);
    await wal.close();
  });

  test('truncateBelow drops whole segments below the LSN and keeps the last', async () => {
    const fs = new MemoryFileSystem();
    const { wal } = await Wal.open({ fs, dir: '/wal', capacityMb: CAP_1K });
    for (let i = 1; i <= 10; i++) await wal.append(payloadOf(i, 300)); // 3 per segment
    const before = wal.sizeBytes;
    assert.equal(await wal.truncateBelow({ lsn: 6 }), 1); // segment 4..6 holds 6
    assert.equal(await wal.truncateBelow({ lsn: 7 }), 1);
    assert.equal(wal.sizeBytes, before - 2 * (24 + 3 * 316));
    assert.equal((await readAll(wal))[0]!.lsn, 7);
    assert.equal(await wal.truncateBelow({ lsn: 1000 }), 1); // never the last segment
    assert.deepEqual(
      (await readAll(wal)).map((r) => r.lsn),
      [10],
    );
    await wal.close();
    const reopened = await Wal.open({ fs: fs.crash(), dir: '/wal', capacityMb: CAP_1K });
    assert.equal(reopened.firstLsn, 10);
    assert.equal(reopened.lastLsn, 10);
  });

  test('segments left before a gap by an interrupted truncation are removed', async () => {
    const fs = new MemoryFileSystem();
    const { wal } = await Wal.open({ fs, dir: '/wal', capacityMb: CAP_1K });
    for (let i = 1; i <= 9; i++) await wal.append(payloadOf(i, 300));
    await wal.close();
    const names = await fs.list('/wal');
    await fs.remove(`/wal/${names[1]}`); // as if only the 2nd removal had persisted
    await fs.syncDir('/wal');
    const { repairs, firstLsn, lastLsn } = await Wal.open({ fs, dir: '/wal' });
    assert.equal(repairs[0]?.kind, 'removed-orphan-segments');
    assert.deepEqual([firstLsn, lastLsn], [7, 9]);
  });

  test('spare segments are pre-created, used at rollover, and replayed correctly', async () => {
    let fs = new MemoryFileSystem();
    const opts = { dir: '/wal', capacityMb: 4 / 1024, segmentsAhead: 2 };
    const { wal } = await Wal.open({ fs, ...opts });
    for (let i = 1; i <= 20; i++) await wal.append(payloadOf(i, 1000));
    await wal.close();
    const spares = (await fs.list('/wal')).filter((n) => n.startsWith('wal-spare-'));
    assert.equal(spares.length, 2);
    fs = fs.crash();
    const reopened = await Wal.open({ fs, ...opts });
    assert.deepEqual(reopened.repairs, []);
    assert.equal(reopened.lastLsn, 20);
    const all = await readAll(reopened.wal);
    assert.deepEqual(all[19]!.payload, payloadOf(20, 1000));
    await reopened.wal.close();
  });

  test('a spare that came back from a crash holding record bytes is not reused', async () => {
    // A crash after a spare was renamed into a segment and written, but before the rename was
    // durable, leaves the spare's name over record bytes. Reusing it once left stale records
    // after the new ones, and the next open failed with CORRUPT_DATA.
    let fs = new MemoryFileSystem();
    const opts = { dir: '/wal', capacityMb: 1 / 1024, segmentsAhead: 1 };
    await (await Wal.open({ fs, ...opts })).wal.close();
    const dirty = joinPath('/wal', 'wal-spare-000000000bad.log');
    const handle = await fs.open(dirty, { create: true });
    await handle.write({ bytes: new Uint8Array(1024).fill(0xa5), position: 0 });
    await handle.sync();
    await handle.close();
    await fs.syncDir('/wal');
    const { wal } = await Wal.open({ fs, ...opts });
    assert.ok(!(await fs.list('/wal')).includes('wal-spare-000000000bad.log'));
    for (let i = 1; i <= 6; i++) await wal.append(payloadOf(i, 400));
    await wal.close();
    fs = fs.crash();
    const reopened = await Wal.open({ fs, ...opts });
    assert.equal(reopened.lastLsn, 6);
    const all = await readAll(reopened.wal);
    assert.deepEqual(
      all.map((r) => r.payload),
      [1, 2, 3, 4, 5, 6].map((i) => payloadOf(i, 400)),
    );
    await reopened.wal.close();
  });

  test('appends after close fail with CLOSED; oversized options are refused', async () => {
    const fs = new MemoryFileSystem();
    const { wal } = await Wal.open({ fs, dir: '/wal' });
    await wal.close();
    await assert.rejects(wal.append(Uint8Array.of(1)), (e) => isQuiverError(e, 'CLOSED'));
    await assert.rejects(Wal.open({ fs, dir: '/wal', capacityMb: 0 }), (e) =>
      isQuiverError(e, 'INVALID_REQUEST'),
    );
  });
});
