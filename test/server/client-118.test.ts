// The official JS client 1.18 (installed as `qdrant-js-118`): the last version with search,
// recommend and discover methods, which call the legacy routes. Its answers are validated
// against Qdrant's 1.18 spec by the fixture.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QdrantClient as QdrantClient119 } from '@qdrant/js-client-rest';
import { QdrantClient } from 'qdrant-js-118';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;
let client: QdrantClient;

before(async () => {
  server = await startServer();
  client = new QdrantClient({ url: server.url, checkCompatibility: true });
  await client.createCollection('old', {
    vectors: { size: 3, distance: 'Cosine' },
  });
  await client.upsert('old', {
    wait: true,
    points: Array.from({ length: 12 }, (_, i) => ({
      id: i + 1,
      vector: [Math.cos(i), Math.sin(i), 1],
      payload: { group: i % 3 === 0 ? 'a' : 'b' },
    })),
  });
});
after(() => server.close());

test('search and search batch', async () => {
  const hits = await client.search('old', { vector: [1, 0, 1], limit: 3, with_payload: true });
  assert.equal(hits.length, 3);
  assert.equal(hits[0]!.id, 1);
  assert.deepEqual(hits[0]!.payload, { group: 'a' });
  const filtered = await client.search('old', {
    vector: [1, 0, 1],
    limit: 20,
    filter: { must: [{ key: 'group', match: { value: 'a' } }] },
  });
  assert.deepEqual(
    filtered.map((h) => h.id).sort((a, b) => Number(a) - Number(b)),
    [1, 4, 7, 10],
  );
  const batch = await client.searchBatch('old', {
    searches: [
      { vector: [1, 0, 1], limit: 1 },
      { vector: [0, 1, 1], limit: 2 },
    ],
  });
  assert.deepEqual(
    batch.map((b) => b.length),
    [1, 2],
  );
});

test('search groups, recommend (single, batch, groups), discover (single, batch)', async () => {
  const groups = await client.searchPointGroups('old', {
    vector: [1, 0, 1],
    group_by: 'group',
    group_size: 2,
    limit: 2,
  });
  assert.deepEqual(groups.groups.map((g) => g.id).sort(), ['a', 'b']);
  const rec = await client.recommend('old', { positive: [1], negative: [7], limit: 4 });
  assert.equal(rec.length, 4);
  assert.ok(!rec.some((p) => p.id === 1 || p.id === 7));
  const recBatch = await client.recommendBatch('old', {
    searches: [{ positive: [2], limit: 2 }],
  });
  assert.equal(recBatch[0]!.length, 2);
  const recGroups = await client.recommendPointGroups('old', {
    positive: [2],
    group_by: 'group',
    group_size: 1,
    limit: 2,
  });
  assert.equal(recGroups.groups.length, 2);
  const disc = await client.discoverPoints('old', {
    target: 3,
    context: [{ positive: 1, negative: 7 }],
    limit: 3,
  });
  assert.equal(disc.length, 3);
  const discBatch = await client.discoverBatchPoints('old', {
    searches: [{ target: 3, context: [], limit: 2 }],
  });
  assert.equal(discBatch[0]!.length, 2);
});

test('core calls of the older client: query, scroll, retrieve, count, delete', async () => {
  const q = await client.query('old', { query: [1, 0, 1], limit: 2 });
  assert.equal(q.points.length, 2);
  const page = await client.scroll('old', { limit: 5 });
  assert.equal(page.points.length, 5);
  assert.equal((await client.retrieve('old', { ids: [1, 2] })).length, 2);
  await client.delete('old', { points: [12], wait: true });
  assert.equal((await client.count('old')).count, 11);
});

test("clients 1.18 and 1.19 find the server's version compatible (no warning)", async () => {
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    const before = server.exchanges.filter((e) => e.route === '/').length;
    const clients = [
      new QdrantClient({ url: server.url, checkCompatibility: true }),
      new QdrantClient119({ url: server.url, checkCompatibility: true }),
    ];
    for (const c of clients) await c.getCollections();
    // Each constructor asked GET / once; let their checks finish.
    for (let i = 0; i < 100; i++) {
      if (server.exchanges.filter((e) => e.route === '/').length >= before + 2) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.exchanges.filter((e) => e.route === '/').length, before + 2);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, []);
});
