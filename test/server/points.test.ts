// Points and payloads over HTTP with the official JS client (1.19): upsert, retrieve, scroll,
// count, payload operations, vectors, batch; and the raw-HTTP error paths (bad JSON, wrong
// dimension, NaN, unknown collection) and 64-bit ids that must survive the round trip exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QdrantClient } from '@qdrant/js-client-rest';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;
let client: QdrantClient;

before(async () => {
  server = await startServer();
  client = new QdrantClient({ url: server.url });
  await client.createCollection('p', { vectors: { size: 3, distance: 'Dot' } });
});
after(() => server.close());

test('upsert, retrieve by id and by POST, scroll and count', async () => {
  const upserted = await client.upsert('p', {
    wait: true,
    points: [
      { id: 1, vector: [1, 0, 0], payload: { city: 'Oslo', n: 1 } },
      { id: 2, vector: [0, 1, 0], payload: { city: 'Rome', n: 2 } },
      { id: '550e8400-e29b-41d4-a716-446655440000', vector: [0, 0, 1], payload: { city: 'Oslo' } },
    ],
  });
  assert.equal(upserted.status, 'completed');
  assert.equal(typeof upserted.operation_id, 'number');
  const acknowledged = await server.call('PUT', '/collections/p/points', {
    points: [{ id: 3, vector: [1, 1, 0] }],
  });
  assert.equal(acknowledged.body.result.status, 'acknowledged');

  const one = await server.call('GET', '/collections/p/points/1');
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.result, { id: 1, payload: { city: 'Oslo', n: 1 }, vector: [1, 0, 0] });
  const missing = await server.call('GET', '/collections/p/points/99');
  assert.equal(missing.status, 404);

  const got = await client.retrieve('p', { ids: [2, 1, 77], with_vector: true });
  assert.deepEqual(got.map((r) => r.id).sort(), [1, 2]);
  const page = await client.scroll('p', { limit: 2, with_payload: true });
  assert.deepEqual(
    page.points.map((p) => p.id),
    [1, 2],
  );
  assert.equal(page.next_page_offset, 3);
  const rest = await client.scroll('p', { offset: page.next_page_offset! });
  assert.deepEqual(
    rest.points.map((p) => p.id),
    [3, '550e8400-e29b-41d4-a716-446655440000'],
  );
  assert.equal(rest.next_page_offset, null);
  const oslo = await client.count('p', {
    filter: { must: [{ key: 'city', match: { value: 'Oslo' } }] },
  });
  assert.equal(oslo.count, 2);
});

test('payload set, overwrite, delete keys, clear; vectors update and delete', async () => {
  await client.createCollection('pl', {
    vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 2, distance: 'Dot' } },
  });
  await client.upsert('pl', {
    wait: true,
    points: [{ id: 1, vector: { a: [1, 0], b: [0, 1] }, payload: { x: 1, y: 2 } }],
  });
  await client.setPayload('pl', { payload: { z: 3 }, points: [1], wait: true });
  assert.deepEqual((await client.retrieve('pl', { ids: [1] }))[0]?.payload, { x: 1, y: 2, z: 3 });
  await client.deletePayload('pl', { keys: ['x'], points: [1], wait: true });
  assert.deepEqual((await client.retrieve('pl', { ids: [1] }))[0]?.payload, { y: 2, z: 3 });
  await client.overwritePayload('pl', { payload: { only: true }, points: [1], wait: true });
  assert.deepEqual((await client.retrieve('pl', { ids: [1] }))[0]?.payload, { only: true });
  await client.clearPayload('pl', { points: [1], wait: true });
  assert.deepEqual((await client.retrieve('pl', { ids: [1] }))[0]?.payload, {});

  await client.updateVectors('pl', { points: [{ id: 1, vector: { a: [5, 5] } }], wait: true });
  await client.deleteVectors('pl', { points: [1], vector: ['b'], wait: true });
  const [point] = await client.retrieve('pl', { ids: [1], with_vector: true });
  assert.deepEqual(point?.vector, { a: [5, 5] });
});

test('batch update applies all or nothing', async () => {
  await client.createCollection('batch', { vectors: { size: 2, distance: 'Dot' } });
  const results = await client.batchUpdate('batch', {
    wait: true,
    operations: [
      {
        upsert: {
          points: [
            { id: 1, vector: [1, 0] },
            { id: 2, vector: [0, 1] },
          ],
        },
      },
      { set_payload: { payload: { k: 'v' }, points: [2] } },
      { delete: { points: [1] } },
    ],
  });
  assert.equal(results.length, 3);
  assert.ok(results.every((r) => r.status === 'completed'));
  const bad = await server.call('POST', '/collections/batch/points/batch?wait=true', {
    operations: [
      { upsert: { points: [{ id: 9, vector: [1, 0] }] } },
      { upsert: { points: [{ id: 10, vector: [1, 0, 0] }] } },
    ],
  });
  assert.equal(bad.status, 400);
  assert.equal((await client.count('batch')).count, 1);
  assert.deepEqual((await client.retrieve('batch', { ids: [2] }))[0]?.payload, { k: 'v' });
});

test('delete points by ids and by filter', async () => {
  await client.createCollection('del', { vectors: { size: 2, distance: 'Dot' } });
  await client.upsert('del', {
    wait: true,
    points: [1, 2, 3, 4].map((id) => ({ id, vector: [id, 1], payload: { even: id % 2 === 0 } })),
  });
  await client.delete('del', { points: [1], wait: true });
  await client.delete('del', {
    filter: { must: [{ key: 'even', match: { value: true } }] },
    wait: true,
  });
  const left = await client.scroll('del');
  assert.deepEqual(
    left.points.map((p) => p.id),
    [3],
  );
});

test('malformed JSON is 400 Format error; a non-object body too', async () => {
  const broken = await server.call('PUT', '/collections/p/points', '{"points": [');
  assert.equal(broken.status, 400);
  assert.match(broken.body.status.error, /^Format error in JSON body/);
  const nan = await server.call(
    'PUT',
    '/collections/p/points',
    '{"points":[{"id":1,"vector":[NaN,0,0]}]}',
  );
  assert.equal(nan.status, 400);
  assert.match(nan.body.status.error, /Format error in JSON body/);
  const array = await server.call('POST', '/collections/p/points/scroll', '[1,2]');
  assert.equal(array.status, 400);
  assert.match(array.body.status.error, /expected a JSON object/);
});

test('a wrong dimension is 400 naming the dimensions; a bad limit 422; unknown collection 404', async () => {
  const dim = await server.call('PUT', '/collections/p/points', {
    points: [{ id: 5, vector: [1, 2] }],
  });
  assert.equal(dim.status, 400);
  assert.match(dim.body.status.error, /Vector dimension error: expected dim: 3, got 2/);
  const limit = await server.call('POST', '/collections/p/points/scroll', { limit: -1 });
  assert.equal(limit.status, 422);
  assert.match(limit.body.status.error, /Validation error/);
  const unknown = await server.call('POST', '/collections/nope/points/scroll', {});
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.status.error, /nope/);
  const wait = await server.call('PUT', '/collections/p/points?wait=maybe', { points: [] });
  assert.equal(wait.status, 400);
  assert.match(wait.body.status.error, /wait/);
});

test('ids above 2^53 round-trip exactly through upsert, GET, retrieve, scroll and query', async () => {
  await client.createCollection('big', { vectors: { size: 2, distance: 'Dot' } });
  await fc.assert(
    fc.asyncProperty(fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }), async (id) => {
      const text = id.toString();
      const up = await server.call(
        'PUT',
        '/collections/big/points?wait=true',
        `{"points":[{"id":${text},"vector":[1,0],"payload":{"tag":"${text}"}}]}`,
      );
      assert.equal(up.status, 200);
      const res = await fetch(`${server.url}/collections/big/points/${text}`);
      const raw = await res.text();
      assert.ok(raw.includes(`"id":${text}`), raw);
      const retrieved = await fetch(`${server.url}/collections/big/points`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"ids":[${text}]}`,
      });
      assert.ok((await retrieved.text()).includes(`"id":${text},`));
      const queried = await fetch(`${server.url}/collections/big/points/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"query":${text},"limit":1000}`,
      });
      assert.equal(queried.status, 200);
    }),
    { numRuns: 25 },
  );
  const scrolled = await (
    await fetch(`${server.url}/collections/big/points/scroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"limit":1000}',
    })
  ).text();
  const ids = [...scrolled.matchAll(/"id":(\d+)/g)].map((m) => m[1]!);
  const tags = [...scrolled.matchAll(/"tag":"(\d+)"/g)].map((m) => m[1]!);
  assert.deepEqual(ids, tags);
  assert.equal((await client.count('big')).count, ids.length);
});

test('floats with long fractions stay numbers (the fast JSON path)', async () => {
  await client.createCollection('floats', { vectors: { size: 2, distance: 'Euclid' } });
  await server.call(
    'PUT',
    '/collections/floats/points?wait=true',
    '{"points":[{"id":1,"vector":[0.12345678901234567,1234567890123456.5],"payload":{"f":1.2345678901234567e-5}}]}',
  );
  const [p] = await client.retrieve('floats', { ids: [1], with_vector: true });
  assert.deepEqual(p?.payload, { f: JSON.parse('1.2345678901234567e-5') as number });
  assert.equal((p?.vector as number[]).length, 2);
});

test('big integers outside ids are numbers, as JSON.parse gives them; ids stay exact', async () => {
  await client.createCollection('bigpayload', { vectors: { size: 2, distance: 'Dot' } });
  const up = await server.call(
    'PUT',
    '/collections/bigpayload/points?wait=true',
    '{"points":[{"id":12345678901234567890,"vector":[1,0],"payload":{"big":12345678901234567890,"id":9007199254740993}}]}',
  );
  assert.equal(up.status, 200, JSON.stringify(up.body));
  const raw = await (
    await fetch(`${server.url}/collections/bigpayload/points/12345678901234567890`)
  ).text();
  assert.ok(raw.includes('"id":12345678901234567890,'), raw);
  const parsed = JSON.parse(raw) as { result: { payload: Record<string, number> } };
  assert.deepEqual(parsed.result.payload, { big: Number(12345678901234567890n), id: 2 ** 53 });
  const ranged = await server.call(
    'POST',
    '/collections/bigpayload/points/count',
    '{"filter":{"must":[{"key":"big","range":{"gte":12345678901234567000}}]}}',
  );
  assert.equal(ranged.body.result.count, 1);
});
