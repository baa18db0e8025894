// Snapshots over HTTP on a server with a data directory: create, list, download (streamed,
// bytes match the checksum), recover from a location (file:// and http://) and from a
// multipart upload, delete; full-storage snapshots; `wait=false` answers 202.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QdrantClient } from '@qdrant/js-client-rest';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;
let client: QdrantClient;
let scratch: string;

before(async () => {
  server = await startServer({ persistent: true });
  client = new QdrantClient({ url: server.url });
  scratch = mkdtempSync(join(tmpdir(), 'quiver-snapshot-test-'));
  await client.createCollection('s', { vectors: { size: 2, distance: 'Dot' } });
  await client.upsert('s', {
    wait: true,
    points: Array.from({ length: 20 }, (_, i) => ({ id: i, vector: [i, 1], payload: { i } })),
  });
});
after(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function download(path: string): Promise<Buffer> {
  const res = await fetch(server.url + path);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(Number(res.headers.get('content-length')), bytes.length);
  return bytes;
}

test('create, list, download and recover a collection snapshot from file:// and http://', async () => {
  const snap = await client.createSnapshot('s');
  assert.ok(snap !== null && snap.size > 0);
  const listed = await client.listSnapshots('s');
  assert.deepEqual(
    listed.map((d) => d.name),
    [snap.name],
  );
  const bytes = await download(`/collections/s/snapshots/${snap.name}`);
  assert.equal(bytes.length, snap.size);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), snap.checksum);

  const file = join(scratch, 'copy.snapshot');
  writeFileSync(file, bytes);
  assert.equal(
    await client.recoverSnapshot('from-file', {
      location: pathToFileURL(file).href,
      checksum: snap.checksum!,
    }),
    true,
  );
  assert.equal((await client.count('from-file')).count, 20);

  const viaHttp = await server.call('PUT', '/collections/from-http/snapshots/recover', {
    location: `${server.url}/collections/s/snapshots/${snap.name}`,
  });
  assert.equal(viaHttp.status, 200, JSON.stringify(viaHttp.body));
  assert.deepEqual(
    await client.retrieve('from-http', { ids: [7] }),
    await client.retrieve('s', { ids: [7] }),
  );

  const wrongSum = await server.call('PUT', '/collections/x/snapshots/recover', {
    location: pathToFileURL(file).href,
    checksum: '0'.repeat(64),
  });
  assert.equal(wrongSum.status, 400);
  assert.match(wrongSum.body.status.error, /checksum mismatch/);

  assert.equal(await client.deleteSnapshot('s', snap.name), true);
  assert.deepEqual(await client.listSnapshots('s'), []);
  const gone = await fetch(`${server.url}/collections/s/snapshots/${snap.name}`);
  assert.equal(gone.status, 404);
});

test('recover from a multipart upload (streamed to a temporary file)', async () => {
  const snap = (await client.createSnapshot('s'))!;
  const bytes = await download(`/collections/s/snapshots/${snap.name}`);
  const form = new FormData();
  form.append('snapshot', new Blob([bytes]), 'upload.snapshot');
  const res = await fetch(
    `${server.url}/collections/uploaded/snapshots/upload?wait=true&checksum=${snap.checksum}`,
    { method: 'POST', body: form },
  );
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(await res.json().then((b) => (b as { result: unknown }).result), true);
  assert.equal((await client.count('uploaded')).count, 20);

  const wrong = new FormData();
  wrong.append('snapshot', new Blob([bytes]), 'upload.snapshot');
  const mismatch = await fetch(
    `${server.url}/collections/never/snapshots/upload?checksum=${'0'.repeat(64)}`,
    { method: 'POST', body: wrong },
  );
  assert.equal(mismatch.status, 400);
  assert.deepEqual(await client.collectionExists('never'), { exists: false });

  const later = new FormData();
  later.append('snapshot', new Blob([bytes]), 'upload.snapshot');
  const accepted = await fetch(`${server.url}/collections/later/snapshots/upload?wait=false`, {
    method: 'POST',
    body: later,
  });
  assert.equal(accepted.status, 202);
  for (let i = 0; i < 100 && !(await client.collectionExists('later')).exists; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal((await client.count('later')).count, 20);

  const notMultipart = await server.call('POST', '/collections/uploaded/snapshots/upload', {});
  assert.equal(notMultipart.status, 400);
  assert.match(notMultipart.body.status.error, /multipart/);
});

test('wait=false answers 202 accepted and the snapshot appears', async () => {
  const res = await server.call('POST', '/collections/s/snapshots?wait=false');
  assert.equal(res.status, 202);
  assert.equal(res.body.status, 'accepted');
  for (let i = 0; i < 100 && (await client.listSnapshots('s')).length < 2; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.ok((await client.listSnapshots('s')).length >= 2);
});

test('full-storage snapshots: create, list, download, recover, delete', async () => {
  await client.updateCollectionAliases({
    actions: [{ create_alias: { collection_name: 's', alias_name: 'current' } }],
  });
  const full = (await client.createFullSnapshot())!;
  assert.deepEqual(
    (await client.listFullSnapshots()).map((d) => d.name),
    [full.name],
  );
  const bytes = await download(`/snapshots/${full.name}`);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), full.checksum);
  await client.deleteCollection('s');
  const file = join(scratch, 'full.snapshot');
  writeFileSync(file, bytes);
  const recovered = await server.call('PUT', '/snapshots/recover', {
    location: pathToFileURL(file).href,
  });
  assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
  assert.equal((await client.count('current')).count, 20);
  assert.equal(await client.deleteFullSnapshot(full.name), true);
  assert.deepEqual(await client.listFullSnapshots(), []);
});

test('an unknown collection or snapshot is 404', async () => {
  assert.equal((await server.call('POST', '/collections/none/snapshots')).status, 404);
  assert.equal((await server.call('GET', '/snapshots/none.snapshot')).status, 404);
});
