// One conformance suite run against every adapter of the storage port, then the memory
// adapter's crash semantics.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { NodeFileSystem } from '../../src/node/node-file-system.js';
import type { FileSystem } from '../../src/storage/file-system.js';
import { baseName, joinPath, parentPath } from '../../src/storage/file-system.js';
import { MemoryFileSystem } from '../../src/storage/memory-file-system.js';
import { isQuiverError } from '../../src/errors.js';

const bytes = (...xs: number[]) => Uint8Array.from(xs);

const tempDirs: string[] = [];
after(async () => {
  for (const d of tempDirs) await rm(d, { recursive: true, force: true });
});

const adapters: Array<[string, () => Promise<{ fs: FileSystem; root: string }>]> = [
  ['memory', async () => ({ fs: new MemoryFileSystem(), root: '/data' })],
  [
    'node',
    async () => {
      const root = await mkdtemp(joinPath(tmpdir(), 'quiver-fs-'));
      tempDirs.push(root);
      return { fs: new NodeFileSystem(), root };
    },
  ],
];

for (const [name, make] of adapters) {
  describe(`FileSystem conformance: ${name}`, () => {
    test('files: create, positional write and read, size, truncate, rename, remove', async () => {
      const { fs, root } = await make();
      const dir = joinPath(root, 'a', 'b');
      await fs.mkdirp(dir);
      await fs.mkdirp(dir);
      assert.deepEqual(await fs.stat(dir), { size: 0, isDirectory: true });
      const path = joinPath(dir, 'f.bin');
      assert.equal(await fs.exists(path), false);
      await assert.rejects(fs.open(path), (e) => isQuiverError(e, 'IO_ERROR'));
      const h = await fs.open(path, { create: true });
      await h.write({ bytes: bytes(1, 2, 3), position: 0 });
      await h.write({ bytes: bytes(9), position: 5 });
      assert.equal(await h.size(), 6);
      assert.deepEqual(await h.read({ position: 1, length: 10 }), bytes(2, 3, 0, 0, 9));
      await h.truncate(2);
      await h.sync();
      await h.close();
      assert.deepEqual(await fs.readFile(path), bytes(1, 2));
      const moved = joinPath(dir, 'g.bin');
      await fs.rename({ from: path, to: moved });
      await fs.syncDir(dir);
      assert.deepEqual(await fs.list(dir), ['g.bin']);
      assert.equal((await fs.stat(moved))?.size, 2);
      const again = await fs.open(moved, { truncate: true });
      assert.equal(await again.size(), 0);
      await again.close();
      await fs.remove(moved);
      await fs.remove(moved);
      assert.deepEqual(await fs.list(dir), []);
      await fs.removeDir(joinPath(root, 'a'), { recursive: true });
      assert.equal(await fs.exists(dir), false);
    });

    test('lock: a second hold in the same process is refused until release', async () => {
      const { fs, root } = await make();
      await fs.mkdirp(root);
      const lock = await fs.lock(root);
      await assert.rejects(fs.lock(root), (e) => isQuiverError(e, 'LOCKED'));
      await lock.release();
      await lock.release();
      const again = await fs.lock(root);
      await again.release();
    });
  });
}

test('paths are joined with /', () => {
  assert.equal(joinPath('/a/', 'b', '', 'c.log'), '/a/b/c.log');
  assert.equal(joinPath('a', 'b/'), 'a/b');
  assert.equal(parentPath('/a/b'), '/a');
  assert.equal(parentPath('/a'), '/');
  assert.equal(parentPath('a'), '.');
  assert.equal(baseName('/a/b.log'), 'b.log');
});

describe('MemoryFileSystem.crash', () => {
  test('drops unsynced bytes and keeps synced ones', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdirp('/d');
    const h = await fs.open('/d/f', { create: true });
    await h.write({ bytes: bytes(1, 2), position: 0 });
    await h.sync();
    await fs.syncDir('/d');
    await h.write({ bytes: bytes(3, 4), position: 2 });
    await h.write({ bytes: bytes(7), position: 0 });
    const after = fs.crash();
    assert.deepEqual(await after.readFile('/d/f'), bytes(1, 2));
    await assert.rejects(h.size(), (e) => isQuiverError(e, 'IO_ERROR'));
    await assert.rejects(fs.list('/d'), (e) => isQuiverError(e, 'IO_ERROR'));
  });

  test('a torn write keeps a prefix of the unsynced append', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdirp('/d');
    const h = await fs.open('/d/f', { create: true });
    await h.sync();
    await fs.syncDir('/d');
    await h.write({ bytes: bytes(1, 2, 3, 4), position: 0 });
    const after = fs.crash({ random: () => 0.5 });
    assert.deepEqual(await after.readFile('/d/f'), bytes(1, 2));
  });

  test('creations, renames and removals need syncDir', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdirp('/d');
    for (const n of ['kept', 'moved', 'removed']) {
      const h = await fs.open(`/d/${n}`, { create: true });
      await h.write({ bytes: bytes(1), position: 0 });
      await h.sync();
      await h.close();
    }
    await fs.syncDir('/d');
    const unsynced = await fs.open('/d/new', { create: true });
    await unsynced.sync();
    await fs.rename({ from: '/d/moved', to: '/d/moved2' });
    await fs.remove('/d/removed');
    const after = fs.crash();
    assert.deepEqual(await after.list('/d'), ['kept', 'moved', 'removed']);
    const lock = await after.lock('/d');
    await lock.release();
  });
});
