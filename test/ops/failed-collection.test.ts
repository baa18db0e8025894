// One collection that cannot be opened must not keep the others offline: the server starts,
// /readyz names it, the others serve, it answers CORRUPT_DATA, its files stay for repair, and
// deleting or restoring it clears it. Embedded use (the default) still refuses to open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Quiver } from '../../src/db/quiver.js';
import { isQuiverError } from '../../src/errors.js';
import { startServer } from '../../src/server/serve.js';
import { points, testConfig } from './helpers.js';

/** A data dir with collections `good` and `bad`, where `bad`'s WAL folder is now a file. */
async function damagedDataDir(dataDir: string): Promise<void> {
  const db = await Quiver.open({ path: dataDir });
  for (const name of ['good', 'bad']) {
    await db.createCollection(name, { vectors: { size: 4, distance: 'Cosine' } });
    await db.upsert(name, { wait: true, points: points(3) });
  }
  await db.close();
  const folder = readdirSync(join(dataDir, 'collections')).find((d) => d.startsWith('bad-'))!;
  rmSync(join(dataDir, 'collections', folder, 'wal'), { recursive: true });
  writeFileSync(join(dataDir, 'collections', folder, 'wal'), 'not a folder');
}

test('embedded: a collection that cannot be opened fails the open by default', async () => {
  const config = testConfig();
  await damagedDataDir(config.storage.data_dir);
  await assert.rejects(Quiver.open({ path: config.storage.data_dir }));
});

test('server: the damaged collection is reported, the others serve, delete clears it', async () => {
  const config = testConfig();
  await damagedDataDir(config.storage.data_dir);
  const s = await startServer(config);
  try {
    const ready = await fetch(`${s.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.match(await ready.text(), /failed to load and are not served: bad \(/);
    assert.equal((await s.db.count('good', {})).count, 3);
    await assert.rejects(
      s.db.count('bad', {}),
      (err) => isQuiverError(err, 'CORRUPT_DATA') && /failed to load at start/.test(err.message),
    );
    await assert.rejects(
      s.db.createCollection('bad', { vectors: { size: 4, distance: 'Cosine' } }),
      (err) => isQuiverError(err, 'COLLECTION_EXISTS'),
    );
    // A catalog rewrite (another collection created) keeps the damaged one's entry and files.
    await s.db.createCollection('other', { vectors: { size: 2, distance: 'Dot' } });
    assert.equal(await s.db.deleteCollection('bad'), true);
    assert.deepEqual(s.db.failedCollections(), []);
  } finally {
    await s.close();
  }
  const db = await Quiver.open({ path: config.storage.data_dir });
  assert.deepEqual((await db.getCollections()).collections.map((c) => c.name).sort(), [
    'good',
    'other',
  ]);
  await db.close();
});

test('server: the damaged collection survives restarts until it is dealt with', async () => {
  const config = testConfig();
  await damagedDataDir(config.storage.data_dir);
  for (let round = 0; round < 2; round++) {
    const s = await startServer(config);
    assert.deepEqual(
      s.db.failedCollections().map((f) => f.collection),
      ['bad'],
    );
    await s.db.createCollection(`round${round}`, { vectors: { size: 2, distance: 'Dot' } });
    await s.close();
  }
});
