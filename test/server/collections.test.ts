// Collections, aliases and payload indexes over HTTP with the official JS client (1.19),
// plus the status codes Qdrant gives for the failures clients rely on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QdrantClient } from '@qdrant/js-client-rest';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;
let client: QdrantClient;

before(async () => {
  server = await startServer();
  client = new QdrantClient({ url: server.url, checkCompatibility: true });
});
after(() => server.close());

test('GET / answers as a Qdrant server the client accepts', async () => {
  const { status, body } = await server.call('GET', '/');
  assert.equal(status, 200);
  assert.equal(body.title, 'qdrant - vector search engine');
  assert.match(body.version, /^1\.19\.\d+$/);
  assert.equal(typeof body.quiver_version, 'string');
  const version = await client.versionInfo();
  assert.equal(version.version, body.version);
});

test('create, get, list, exists, update and delete a collection', async () => {
  assert.equal(
    await client.createCollection('books', { vectors: { size: 4, distance: 'Cosine' } }),
    true,
  );
  const info = await client.getCollection('books');
  assert.equal(info.status, 'green');
  assert.equal(info.points_count, 0);
  assert.deepEqual((info.config.params.vectors as { size: number }).size, 4);
  assert.deepEqual(await client.getCollections(), { collections: [{ name: 'books' }] });
  assert.deepEqual(await client.collectionExists('books'), { exists: true });
  assert.deepEqual(await client.collectionExists('films'), { exists: false });
  assert.equal(
    await client.updateCollection('books', { optimizers_config: { indexing_threshold: 5000 } }),
    true,
  );
  const updated = await client.getCollection('books');
  assert.equal(updated.config.optimizer_config.indexing_threshold, 5000);
  assert.equal(await client.deleteCollection('books'), true);
  assert.deepEqual(await client.collectionExists('books'), { exists: false });
});

test('deleting a missing collection is 200 with result false', async () => {
  const { status, body } = await server.call('DELETE', '/collections/never-was');
  assert.equal(status, 200);
  assert.equal(body.result, false);
  assert.equal(body.status, 'ok');
});

test('an existing collection is 409, an unknown one 404, a bad name 422', async () => {
  await client.createCollection('dup', { vectors: { size: 2, distance: 'Dot' } });
  const again = await server.call('PUT', '/collections/dup', {
    vectors: { size: 2, distance: 'Dot' },
  });
  assert.equal(again.status, 409);
  assert.match(again.body.status.error, /already exists/);
  assert.equal(typeof again.body.time, 'number');
  const missing = await server.call('GET', '/collections/nowhere');
  assert.equal(missing.status, 404);
  assert.match(missing.body.status.error, /Collection `nowhere` doesn't exist/);
  const bad = await server.call('PUT', '/collections/a%3Ab', {
    vectors: { size: 2, distance: 'Dot' },
  });
  assert.equal(bad.status, 422);
  assert.match(bad.body.status.error, /Validation error/);
  await assert.rejects(
    client.getCollection('nowhere'),
    (err: { status?: number }) => err.status === 404,
  );
});

test('aliases: create, list, use in place of the name, rename, delete', async () => {
  await client.createCollection('v1', { vectors: { size: 2, distance: 'Dot' } });
  await client.updateCollectionAliases({
    actions: [{ create_alias: { collection_name: 'v1', alias_name: 'live' } }],
  });
  assert.deepEqual(await client.getAliases(), {
    aliases: [{ alias_name: 'live', collection_name: 'v1' }],
  });
  assert.deepEqual(await client.getCollectionAliases('v1'), {
    aliases: [{ alias_name: 'live', collection_name: 'v1' }],
  });
  await client.upsert('live', { wait: true, points: [{ id: 1, vector: [1, 0] }] });
  assert.equal((await client.count('v1')).count, 1);
  await client.updateCollectionAliases({
    actions: [{ rename_alias: { old_alias_name: 'live', new_alias_name: 'prod' } }],
  });
  assert.deepEqual(await client.collectionExists('prod'), { exists: true });
  const clash = await server.call('POST', '/collections/aliases', {
    actions: [{ create_alias: { collection_name: 'v1', alias_name: 'dup' } }],
  });
  assert.equal(clash.status, 409);
  await client.updateCollectionAliases({ actions: [{ delete_alias: { alias_name: 'prod' } }] });
  assert.deepEqual(await client.getAliases(), { aliases: [] });
});

test('payload indexes appear in payload_schema and can be dropped', async () => {
  await client.createCollection('indexed', { vectors: { size: 2, distance: 'Dot' } });
  const created = await client.createPayloadIndex('indexed', {
    field_name: 'city',
    field_schema: 'keyword',
    wait: true,
  });
  assert.equal(created.status, 'completed');
  const info = await client.getCollection('indexed');
  assert.equal(info.payload_schema.city?.data_type, 'keyword');
  const dropped = await server.call('DELETE', '/collections/indexed/index/city');
  assert.equal(dropped.body.result.status, 'acknowledged');
  assert.equal((await client.getCollection('indexed')).payload_schema.city, undefined);
});

test('optimizations, cluster and shard keys answer as a standalone Qdrant', async () => {
  await client.createCollection('solo', { vectors: { size: 2, distance: 'Dot' } });
  const cluster = await server.call('GET', '/cluster');
  assert.deepEqual(cluster.body.result, { status: 'disabled' });
  const info = (await server.call('GET', '/collections/solo/cluster')).body.result;
  assert.equal(info.shard_count, 1);
  assert.equal(info.local_shards[0]?.state, 'Active');
  const keys = await server.call('GET', '/collections/solo/shards');
  assert.deepEqual(keys.body.result, { shard_keys: [] });
  const opt = await server.call('GET', '/collections/solo/optimizations');
  assert.equal(opt.status, 200);
  assert.deepEqual(opt.body.result.running, []);
  const move = await server.call('POST', '/collections/solo/cluster', {
    move_shard: { shard_id: 0, from_peer_id: 1, to_peer_id: 2 },
  });
  assert.equal(move.status, 405);
  const shardSnap = await server.call('GET', '/collections/solo/shards/0/snapshots');
  assert.equal(shardSnap.status, 400);
  assert.match(shardSnap.body.status.error, /collection snapshot/);
});

function isMeta(config: unknown): boolean {
  const c = config as { kind?: unknown; operation?: unknown } | undefined;
  return (
    ['read', 'write', 'admin', 'service'].includes(c?.kind as string) &&
    typeof c?.operation === 'string'
  );
}

test('every route carries RouteMeta with a kind and an operation', async () => {
  // The docs plugin's routes get their meta from an onRoute hook of their own scope, after the
  // fixture's hook saw them: check those on a real request instead.
  const bare = server.routes.filter(
    (r) => r.method !== 'HEAD' && !r.url.startsWith('/docs') && !isMeta(r.config),
  );
  assert.deepEqual(bare, []);
  assert.ok(server.routes.length > 80, `only ${server.routes.length} routes`);
  for (const path of ['/docs/json', '/openapi.json', '/collections']) {
    await server.call('GET', path);
    const seen = server.exchanges.filter((e) => e.route === path).at(-1);
    assert.ok(isMeta(seen?.config), `${path}: ${JSON.stringify(seen?.config)}`);
  }
});
