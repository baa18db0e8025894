import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiver } from '../../src/index.js';

test('create, get, list, exists, update and delete collections', async () => {
  const db = await Quiver.open();
  assert.equal(await db.createCollection('b', { vectors: { size: 4, distance: 'Cosine' } }), true);
  await db.createCollection('a', {
    vectors: {
      x: { size: 2, distance: 'Euclid', on_disk: true },
      y: { size: 3, distance: 'Manhattan' },
    },
    hnsw_config: { m: 32 },
    optimizers_config: { indexing_threshold: 0 },
    quantization_config: { scalar: { type: 'int8', quantile: 0.99, always_ram: true } },
    wal_config: { wal_capacity_mb: 64 },
    metadata: { owner: 'team' },
  });
  assert.deepEqual(await db.getCollections(), { collections: [{ name: 'a' }, { name: 'b' }] });
  assert.deepEqual(await db.collectionExists('a'), { exists: true });
  assert.deepEqual(await db.collectionExists('zz'), { exists: false });

  const info = await db.getCollection('a');
  assert.equal(info.status, 'green');
  assert.equal(info.points_count, 0);
  assert.deepEqual(info.config.params.vectors, {
    x: { size: 2, distance: 'Euclid', on_disk: true },
    y: { size: 3, distance: 'Manhattan' },
  });
  assert.equal(info.config.hnsw_config.m, 32);
  assert.equal(info.config.hnsw_config.ef_construct, 100); // Qdrant's default fills the rest
  assert.equal(info.config.optimizer_config.indexing_threshold, 0);
  assert.equal((info.config.wal_config as { wal_capacity_mb: number }).wal_capacity_mb, 64);
  assert.deepEqual(info.config.quantization_config, {
    scalar: { type: 'int8', quantile: 0.99, always_ram: true },
  });
  assert.deepEqual(info.config.metadata, { owner: 'team' });

  await db.updateCollection('a', {
    optimizers_config: { deleted_threshold: 0.5 },
    hnsw_config: { ef_construct: 200 },
    vectors: { x: { on_disk: false } },
    metadata: { tier: 'gold' },
  });
  const updated = await db.getCollection('a');
  assert.equal(updated.config.optimizer_config.deleted_threshold, 0.5);
  assert.equal(updated.config.hnsw_config.ef_construct, 200);
  assert.equal(updated.config.hnsw_config.m, 32);
  assert.deepEqual(updated.config.metadata, { owner: 'team', tier: 'gold' });
  assert.equal(
    (updated.config.params.vectors as Record<string, { on_disk?: boolean }>).x!.on_disk,
    false,
  );

  assert.equal(await db.deleteCollection('a'), true);
  assert.equal(await db.deleteCollection('a'), false);
  assert.deepEqual(await db.getCollections(), { collections: [{ name: 'b' }] });
});

test('deleting a collection removes everything of it, and a new one of that name starts empty', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await db.upsert('c', { points: [{ id: 1, vector: [1], payload: { a: 1 } }] });
  await db.createPayloadIndex('c', { field_name: 'a', field_schema: 'integer' });
  await db.updateCollectionAliases({
    actions: [{ create_alias: { alias_name: 'al', collection_name: 'c' } }],
  });
  await db.deleteCollection('c');
  assert.deepEqual(await db.getAliases(), { aliases: [] });
  await assert.rejects(db.getCollection('al'), { code: 'COLLECTION_NOT_FOUND' });
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  const info = await db.getCollection('c');
  assert.equal(info.points_count, 0);
  assert.deepEqual(info.payload_schema, {});
});

test('aliases: create, rename, delete atomically, and usable wherever a collection name is', async () => {
  const db = await Quiver.open();
  await db.createCollection('v1', { vectors: { size: 1, distance: 'Dot' } });
  await db.createCollection('v2', { vectors: { size: 1, distance: 'Dot' } });
  await db.updateCollectionAliases({
    actions: [{ create_alias: { alias_name: 'prod', collection_name: 'v1' } }],
  });
  await db.upsert('prod', { points: [{ id: 1, vector: [1] }] });
  assert.equal((await db.count('v1')).count, 1);
  assert.equal((await db.getCollection('prod')).points_count, 1);
  assert.deepEqual(await db.collectionExists('prod'), { exists: true });

  // Switch prod to v2 in one step.
  await db.updateCollectionAliases({
    actions: [
      { delete_alias: { alias_name: 'prod' } },
      { create_alias: { alias_name: 'prod', collection_name: 'v2' } },
    ],
  });
  assert.equal((await db.count('prod')).count, 0);

  // A failing action leaves all the others undone.
  await assert.rejects(
    db.updateCollectionAliases({
      actions: [
        { rename_alias: { old_alias_name: 'prod', new_alias_name: 'live' } },
        { delete_alias: { alias_name: 'nope' } },
      ],
    }),
    { code: 'ALIAS_NOT_FOUND' },
  );
  assert.deepEqual(await db.getAliases(), {
    aliases: [{ alias_name: 'prod', collection_name: 'v2' }],
  });

  await db.updateCollectionAliases({
    actions: [{ rename_alias: { old_alias_name: 'prod', new_alias_name: 'live' } }],
  });
  assert.deepEqual(await db.getCollectionAliases('v2'), {
    aliases: [{ alias_name: 'live', collection_name: 'v2' }],
  });
  assert.deepEqual(await db.getCollectionAliases('v1'), { aliases: [] });

  await assert.rejects(
    db.updateCollectionAliases({
      actions: [{ create_alias: { alias_name: 'v1', collection_name: 'v2' } }],
    }),
    { code: 'ALIAS_EXISTS' },
  );
  await assert.rejects(
    db.updateCollectionAliases({
      actions: [{ create_alias: { alias_name: 'x', collection_name: 'missing' } }],
    }),
    { code: 'COLLECTION_NOT_FOUND' },
  );
  await assert.rejects(db.createCollection('live', { vectors: { size: 1, distance: 'Dot' } }), {
    code: 'COLLECTION_EXISTS',
  });
});

test('payload index declarations are reported in payload_schema with point counts', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await db.upsert('c', {
    points: [
      { id: 1, vector: [1], payload: { city: 'Paris', n: 1 } },
      { id: 2, vector: [1], payload: { city: ['Rome', 'Oslo'] } },
      { id: 3, vector: [1], payload: {} },
    ],
  });
  await db.createPayloadIndex('c', { field_name: 'city', field_schema: 'keyword' });
  await db.createPayloadIndex('c', {
    field_name: 'n',
    field_schema: { type: 'integer', range: true } as never,
  });
  const info = await db.getCollection('c');
  assert.deepEqual(info.payload_schema.city, { data_type: 'keyword', points: 2 });
  assert.equal(info.payload_schema.n!.data_type, 'integer');
  assert.equal(info.payload_schema.n!.points, 1);
  await db.deletePayloadIndex('c', 'n');
  assert.deepEqual(Object.keys((await db.getCollection('c')).payload_schema), ['city']);
  await assert.rejects(
    db.createPayloadIndex('c', { field_name: 'x', field_schema: 'nonsense' as never }),
    {
      code: 'INVALID_REQUEST',
      path: 'field_schema',
    },
  );
});

test('a closed database refuses every call', async () => {
  const db = await Quiver.open();
  await db.close();
  await assert.rejects(db.getCollections(), { code: 'CLOSED', kind: 'unavailable' });
});
