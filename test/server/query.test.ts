// Query API, facets, distance matrix, legacy search routes and Quiver's extensions over HTTP.
// The routes are thin, so each answer must equal what the embedded engine answers for the
// same request (the engine is the oracle; its own tests check it against brute force).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QdrantClient } from '@qdrant/js-client-rest';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;
let client: QdrantClient;
const NAME = 'q';
const CITIES = ['Oslo', 'Rome', 'Lima'];

function vector(i: number): number[] {
  return [Math.sin(i), Math.cos(i * 1.3), Math.sin(i * 0.7 + 1), (i % 5) / 5];
}

before(async () => {
  server = await startServer();
  client = new QdrantClient({ url: server.url });
  await client.createCollection(NAME, { vectors: { size: 4, distance: 'Cosine' } });
  await client.upsert(NAME, {
    wait: true,
    points: Array.from({ length: 60 }, (_, i) => ({
      id: i + 1,
      vector: vector(i),
      payload: { city: CITIES[i % 3], rank: i },
    })),
  });
});
after(() => server.close());

test('query: nearest, filtered, by point id, recommend; same answers as the engine', async () => {
  const requests = [
    { query: vector(100), limit: 5, with_payload: true },
    { query: vector(7), filter: { must: [{ key: 'city', match: { value: 'Rome' } }] }, limit: 4 },
    { query: 3, limit: 3, with_vector: true },
    { query: { recommend: { positive: [1, 2], negative: [3] } }, limit: 5 },
    { query: { order_by: 'rank' }, limit: 3 },
  ];
  for (const request of requests) {
    const over = await client.query(NAME, request);
    assert.deepEqual(over, await server.db.query(NAME, request));
  }
  const first = await client.query(NAME, { query: vector(100), limit: 5 });
  assert.equal(first.points.length, 5);
  for (let i = 1; i < first.points.length; i++)
    assert.ok(first.points[i - 1]!.score >= first.points[i]!.score);
});

test('query batch and groups', async () => {
  const batch = await client.queryBatch(NAME, {
    searches: [
      { query: vector(1), limit: 2 },
      { query: vector(2), limit: 3 },
    ],
  });
  assert.deepEqual(
    batch.map((r) => r.points.length),
    [2, 3],
  );
  const groups = await client.queryGroups(NAME, {
    query: vector(9),
    group_by: 'city',
    group_size: 2,
    limit: 3,
  });
  assert.equal(groups.groups.length, 3);
  assert.deepEqual(groups.groups.map((g) => g.id).sort(), [...CITIES].sort());
  assert.ok(groups.groups.every((g) => g.hits.length === 2));
});

test('facet and the distance matrix', async () => {
  const facet = await client.facet(NAME, { key: 'city', exact: true });
  assert.deepEqual(facet.hits.map((h) => [h.value, h.count]).sort(), [
    ['Lima', 20],
    ['Oslo', 20],
    ['Rome', 20],
  ]);
  const pairs = await client.searchMatrixPairs(NAME, { sample: 10, limit: 2 });
  assert.equal(pairs.pairs.length, 20);
  const offsets = await client.searchMatrixOffsets(NAME, { sample: 10, limit: 2 });
  assert.equal(offsets.ids.length, 10);
  assert.equal(offsets.offsets_row.length, 20);
});

test('a query on a missing vector name is 400 naming it; a bad limit 422', async () => {
  const res = await server.call('POST', `/collections/${NAME}/points/query`, {
    query: vector(1),
    using: 'image',
  });
  assert.equal(res.status, 400);
  assert.match(res.body.status.error, /Not existing vector name error: image/);
  const limit = await server.call('POST', `/collections/${NAME}/points/query`, { limit: 0 });
  assert.equal(limit.status, 422);
  const timeout = await server.call('POST', `/collections/${NAME}/points/query?timeout=0`, {});
  assert.equal(timeout.status, 400);
});

test('legacy search, recommend and discover routes (Qdrant 1.18 shapes)', async () => {
  const search = await server.call('POST', `/collections/${NAME}/points/search`, {
    vector: vector(4),
    limit: 3,
    with_payload: true,
  });
  assert.equal(search.status, 200);
  assert.deepEqual(
    search.body.result,
    await server.db.search(NAME, { vector: vector(4), limit: 3, with_payload: true }),
  );
  const routes: [string, unknown][] = [
    ['search/batch', { searches: [{ vector: vector(1), limit: 2 }] }],
    ['search/groups', { vector: vector(1), group_by: 'city', group_size: 1, limit: 2 }],
    ['recommend', { positive: [1], negative: [2], limit: 2 }],
    ['recommend/batch', { searches: [{ positive: [1], limit: 2 }] }],
    ['recommend/groups', { positive: [1], group_by: 'city', group_size: 1, limit: 2 }],
    ['discover', { target: 5, context: [{ positive: 1, negative: 2 }], limit: 2 }],
    ['discover/batch', { searches: [{ target: 5, context: [], limit: 2 }] }],
  ];
  for (const [path, body] of routes) {
    const res = await server.call('POST', `/collections/${NAME}/points/${path}`, body);
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
  }
});

test('extensions: similarity, duplicates and range search', async () => {
  await client.createCollection('ext', { vectors: { size: 2, distance: 'Euclid' } });
  await client.upsert('ext', {
    wait: true,
    points: [
      { id: 1, vector: [0, 0] },
      { id: 2, vector: [0, 0.1] },
      { id: 3, vector: [5, 5] },
    ],
  });
  const sim = await server.call('POST', '/collections/ext/points/similarity', { a: 1, b: 3 });
  assert.equal(sim.status, 200);
  assert.ok(Math.abs(sim.body.result.score - Math.sqrt(50)) < 1e-5);
  const dup = await server.call('POST', '/collections/ext/points/duplicates', { threshold: 0.5 });
  assert.equal(dup.body.result.pairs.length, 1);
  assert.deepEqual([dup.body.result.pairs[0].a, dup.body.result.pairs[0].b], [1, 2]);
  assert.equal(dup.body.result.next_offset, null);
  const range = await server.call('POST', '/collections/ext/points/range', {
    query: [0, 0],
    threshold: 1,
  });
  assert.deepEqual(
    range.body.result.points.map((p: { id: number }) => p.id),
    [1, 2],
  );
  const missing = await server.call('POST', '/collections/ext/points/duplicates', {});
  assert.equal(missing.status, 422);
  assert.match(missing.body.status.error, /threshold/);
});
