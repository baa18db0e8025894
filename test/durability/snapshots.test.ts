// Snapshots on real files: consistent under concurrent writes, streamed download with the
// reported checksum, restore (file path, file:// and http:// URL) into a fresh directory giving
// back exactly the same points, full-storage snapshots, and damage detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Quiver } from '../../src/index.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'quiver-snap-'));
}

async function everything(db: Quiver, name: string): Promise<unknown> {
  return (await db.scroll(name, { limit: 10_000, with_vector: true, with_payload: true })).points;
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test('a snapshot taken during writes is consistent at one op and restores exactly', async () => {
  const src = tempDir();
  const dst = tempDir();
  try {
    const db = await Quiver.open({ path: src });
    await db.createCollection('c', {
      vectors: { a: { size: 3, distance: 'Cosine' }, b: { size: 2, distance: 'Euclid' } },
      hnsw_config: { m: 8 },
    });
    await db.createPayloadIndex('c', { field_name: 'i', field_schema: 'integer' });
    await db.upsert('c', {
      points: Array.from({ length: 200 }, (_, i) => ({
        id: i,
        vector: { a: [i, 1, 2], b: [i, -i] },
        payload: { i },
      })),
    });
    // Writes keep going while the snapshot is taken: point 200 + k is written by write k.
    let writing = true;
    const writer = (async () => {
      for (let k = 0; writing; k++)
        await db.upsert('c', {
          points: [{ id: 200 + k, vector: { a: [1, 1, 1] }, payload: { i: 200 + k } }],
        });
    })();
    await new Promise((r) => setTimeout(r, 20));
    const snap = await db.createSnapshot('c');
    writing = false;
    await writer;
    assert.match(snap.name, /\.snapshot$/);
    assert.match(snap.checksum!, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      (await db.listSnapshots('c')).map((s) => s.name),
      [snap.name],
    );
    const { size, stream } = await db.openSnapshot('c', snap.name);
    const downloaded = await bytesOf(stream);
    assert.equal(downloaded.length, size);
    assert.equal(createHash('sha256').update(downloaded).digest('hex'), snap.checksum);
    const file = join(dst, 'downloaded.snapshot');
    writeFileSync(file, downloaded);

    const restored = await Quiver.open({ path: join(dst, 'data') });
    await restored.recoverSnapshot('c', { location: `file://${file}`, checksum: snap.checksum });
    const points = (await everything(restored, 'c')) as { id: number }[];
    // Consistent at one op: ids 0..n-1 with no gap, whatever n the writer had reached.
    assert.ok(points.length >= 200);
    assert.deepEqual(
      points.map((p) => p.id),
      Array.from({ length: points.length }, (_, i) => i),
    );
    const original = (await everything(db, 'c')) as unknown[];
    assert.deepEqual(points, original.slice(0, points.length));
    const info = await restored.getCollection('c');
    assert.equal(info.config.hnsw_config.m, 8);
    assert.deepEqual(Object.keys(info.payload_schema), ['i']);
    // The restored collection is durable in its new home.
    await restored.upsert('c', { points: [{ id: 9999, vector: { a: [1, 0, 0] } }] });
    await restored.close();
    const reopened = await Quiver.open({ path: join(dst, 'data') });
    assert.equal((await reopened.count('c')).count, points.length + 1);
    await reopened.close();

    await db.deleteSnapshot('c', snap.name);
    assert.deepEqual(await db.listSnapshots('c'), []);
    await assert.rejects(db.openSnapshot('c', snap.name), { code: 'SNAPSHOT_NOT_FOUND' });
    await assert.rejects(db.deleteSnapshot('c', '../../etc/passwd'), {
      code: 'SNAPSHOT_NOT_FOUND',
    });
    await db.close();
  } finally {
    rmSync(src, { recursive: true, force: true });
    rmSync(dst, { recursive: true, force: true });
  }
});

test('recover from an http URL replaces an existing collection; a wrong checksum is refused', async () => {
  const src = tempDir();
  const dst = tempDir();
  const db = await Quiver.open({ path: src });
  const target = await Quiver.open({ path: dst });
  const server = createServer((req, res) => {
    const name = decodeURIComponent(req.url!.slice(1));
    createReadStream(join(src, name)).pipe(res);
  });
  try {
    await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await db.upsert('c', {
      points: [
        {
          id: 'a7b8c9d0-0000-4000-8000-000000000001',
          vector: [1, 2],
          payload: { x: [1, { y: null }] },
        },
      ],
    });
    const snap = await db.createSnapshot('c');
    await target.createCollection('c', { vectors: { size: 5, distance: 'Euclid' } });
    await target.upsert('c', { points: [{ id: 1, vector: [1, 1, 1, 1, 1] }] });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const dirName = (await import('node:fs')).readdirSync(join(src, 'snapshots'))[0]!;
    const url = `http://127.0.0.1:${port}/${encodeURIComponent(`snapshots/${dirName}/${snap.name}`)}`;
    await assert.rejects(target.recoverSnapshot('c', { location: url, checksum: '0'.repeat(64) }), {
      code: 'INVALID_REQUEST',
      message: /checksum mismatch/,
    });
    assert.equal(
      (await target.getCollection('c')).config.params.vectors!.size,
      5,
      'a refused recovery changes nothing',
    );
    await target.recoverSnapshot('c', { location: url });
    assert.deepEqual(await everything(target, 'c'), await everything(db, 'c'));
    assert.equal((await target.getCollection('c')).config.params.vectors!.size, 2);
  } finally {
    server.close();
    await db.close();
    await target.close();
    rmSync(src, { recursive: true, force: true });
    rmSync(dst, { recursive: true, force: true });
  }
});

test('full-storage snapshots hold every collection and the aliases', async () => {
  const src = tempDir();
  const dst = tempDir();
  try {
    const db = await Quiver.open({ path: src });
    await db.createCollection('one', { vectors: { size: 2, distance: 'Dot' } });
    await db.createCollection('two', { vectors: { size: 3, distance: 'Manhattan' } });
    await db.upsert('one', { points: [{ id: 1, vector: [1, 2], payload: { k: 'v' } }] });
    await db.upsert('two', { points: [{ id: (2n ** 63n) as never, vector: [1, 2, 3] }] });
    await db.updateCollectionAliases({
      actions: [{ create_alias: { alias_name: 'prod', collection_name: 'two' } }],
    });
    const snap = await db.createFullSnapshot();
    assert.deepEqual(
      (await db.listFullSnapshots()).map((s) => s.name),
      [snap.name],
    );
    const { stream } = await db.openFullSnapshot(snap.name);
    const file = join(dst, 'full.snapshot');
    writeFileSync(file, await bytesOf(stream));
    const restored = await Quiver.open({ path: join(dst, 'data') });
    await assert.rejects(restored.recoverSnapshot('x', { location: file }), {
      message: /not a collection snapshot/,
    });
    await restored.recoverFullSnapshot({ location: file, checksum: snap.checksum });
    assert.deepEqual(await restored.getCollections(), await db.getCollections());
    assert.deepEqual(await restored.getAliases(), await db.getAliases());
    for (const name of ['one', 'two'])
      assert.deepEqual(await everything(restored, name), await everything(db, name));
    await db.deleteFullSnapshot(snap.name);
    assert.deepEqual(await db.listFullSnapshots(), []);
    await restored.close();
    await db.close();
  } finally {
    rmSync(src, { recursive: true, force: true });
    rmSync(dst, { recursive: true, force: true });
  }
});

test('a damaged snapshot is refused and changes nothing', async () => {
  const dir = tempDir();
  try {
    const db = await Quiver.open({ path: join(dir, 'data') });
    await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await db.upsert('c', { points: [{ id: 1, vector: [1, 2] }] });
    const snap = await db.createSnapshot('c');
    const { stream } = await db.openSnapshot('c', snap.name);
    const bytes = await bytesOf(stream);
    bytes[bytes.length >> 1]! ^= 0xff;
    const file = join(dir, 'bad.snapshot');
    writeFileSync(file, bytes);
    await assert.rejects(db.recoverSnapshot('other', { location: file }), {
      code: 'CORRUPT_DATA',
      message: /bad\.snapshot/,
    });
    writeFileSync(file, bytes.subarray(0, bytes.length - 30));
    await assert.rejects(db.recoverSnapshot('other', { location: file }), { code: 'CORRUPT_DATA' });
    assert.deepEqual(await db.collectionExists('other'), { exists: false });
    assert.ok(readFileSync(file).length > 0);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('snapshots need a data directory', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await assert.rejects(db.createSnapshot('c'), {
    code: 'INVALID_REQUEST',
    message: /need a data directory/,
  });
});
