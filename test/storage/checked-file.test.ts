import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeCheckedFile,
  encodeCheckedFile,
  removeTempFiles,
  writeFileAtomic,
} from '../../src/storage/checked-file.js';
import { MemoryFileSystem } from '../../src/storage/memory-file-system.js';
import { QuiverError, isQuiverError } from '../../src/errors.js';

const body = new TextEncoder().encode('manifest body 123');

test('a checked file round-trips magic, version, flags and body', () => {
  const bytes = encodeCheckedFile({ magic: 'QMAN', version: 3, flags: 5, body });
  const file = decodeCheckedFile({ bytes, magic: 'QMAN', path: '/d/manifest' });
  assert.equal(file.version, 3);
  assert.equal(file.flags, 5);
  assert.deepEqual(file.body, body);
});

test('every single flipped bit is reported as CORRUPT_DATA naming the path', () => {
  const good = encodeCheckedFile({ magic: 'QMAN', version: 1, body });
  for (let bit = 0; bit < good.length * 8; bit++) {
    const bad = good.slice();
    bad[bit >> 3]! ^= 1 << (bit & 7);
    assert.throws(
      () => decodeCheckedFile({ bytes: bad, magic: 'QMAN', path: '/d/manifest' }),
      (e: unknown) =>
        isQuiverError(e, 'CORRUPT_DATA') && e.message.includes('/d/manifest is corrupt'),
      `bit ${bit}`,
    );
  }
});

test('truncation, padding and a wrong magic are named', () => {
  const good = encodeCheckedFile({ magic: 'QMAN', version: 1, body });
  const decode = (bytes: Uint8Array, magic = 'QMAN') => {
    try {
      decodeCheckedFile({ bytes, magic, path: 'p' });
      return 'ok';
    } catch (e) {
      assert.ok(e instanceof QuiverError);
      return e.message;
    }
  };
  assert.match(decode(good.subarray(0, 10)), /shorter than the 24-byte header/);
  assert.match(decode(good.subarray(0, good.length - 1)), /truncated or padded/);
  assert.match(decode(new Uint8Array([...good, 0])), /truncated or padded/);
  assert.match(decode(good, 'QSEG'), /expected magic "QSEG", found "QMAN"/);
});

test('writeFileAtomic: after a crash the file is wholly old or wholly new', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp('/d');
  await writeFileAtomic({ fs, path: '/d/m', bytes: Uint8Array.of(1, 1) });
  let after = fs.crash();
  assert.deepEqual(await after.readFile('/d/m'), Uint8Array.of(1, 1));
  await writeFileAtomic({ fs: after, path: '/d/m', bytes: Uint8Array.of(2, 2, 2) });
  after = after.crash();
  assert.deepEqual(await after.readFile('/d/m'), Uint8Array.of(2, 2, 2));
  assert.deepEqual(await after.list('/d'), ['m']);
});

test('removeTempFiles deletes leftovers of interrupted writes, and only them', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp('/d');
  for (const name of ['m', 'm.tmp-0a1b2c', 'seg.tmp-ff', 'tmp-notes']) {
    await (await fs.open(`/d/${name}`, { create: true })).close();
  }
  await fs.syncDir('/d');
  assert.deepEqual(await removeTempFiles({ fs, dir: '/d' }), ['m.tmp-0a1b2c', 'seg.tmp-ff']);
  assert.deepEqual(await fs.crash().list('/d'), ['m', 'tmp-notes']);
});
