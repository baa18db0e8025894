// The response contract: one request to every operation we serve from Qdrant's specs (success
// and failure answers), each answer validated against the spec's schema for that operation and
// status. Also checks that the validator itself rejects answers that break the schema, so the
// contract check in every server test can fail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Exchange, contractProblems, inSpec, specPath } from './contract.js';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;
before(async () => {
  server = await startServer({ persistent: true });
});
after(() => server.close());

test('the validator rejects answers that break the spec', () => {
  const bad: Exchange[] = [
    {
      method: 'GET',
      route: '/collections/:collection_name',
      status: 200,
      contentType: 'application/json',
      body: '{"result":{"status":"green"},"status":"ok","time":0.1}',
    },
    {
      method: 'POST',
      route: '/collections/:collection_name/points/search',
      status: 200,
      contentType: 'application/json',
      body: '{"result":[{"id":1,"score":"high","version":1}],"status":"ok","time":0.1}',
    },
    {
      method: 'PUT',
      route: '/collections/:collection_name/points',
      status: 200,
      contentType: 'application/json',
      body: '{"result":{"operation_id":1,"status":"done"},"status":"ok","time":0.1}',
    },
    {
      method: 'GET',
      route: '/collections',
      status: 404,
      contentType: 'application/json',
      body: '{"status":{"error":5},"time":0.1}',
    },
  ];
  for (const e of bad) assert.ok(contractProblems(e).length > 0, e.body);
  const nullable: Exchange = {
    method: 'PUT',
    route: '/collections/:collection_name/points',
    status: 200,
    contentType: 'application/json',
    body: '{"result":{"operation_id":null,"status":"completed"},"status":"ok","time":0.1}',
  };
  assert.deepEqual(contractProblems(nullable), []);
});

/** A request: method, path (with `{name}` filled in), body. */
type Call = [string, string, unknown?];

const C = '/collections/c';
const CALLS: Call[] = [
  ['GET', '/'],
  ['GET', '/issues'],
  ['DELETE', '/issues'],
  ['GET', '/quotas'],
  ['PUT', '/quotas', { enabled: true }],
  ['PUT', C, { vectors: { size: 2, distance: 'Dot' }, sparse_vectors: { s: {} } }],
  ['PUT', C, { vectors: { size: 2, distance: 'Dot' } }],
  ['PATCH', C, { optimizers_config: { indexing_threshold: 100 } }],
  ['GET', '/collections'],
  ['GET', C],
  ['GET', '/collections/none'],
  ['GET', `${C}/exists`],
  ['GET', `${C}/optimizations`],
  ['PUT', `${C}/vectors/extra`, { size: 2, distance: 'Dot' }],
  ['DELETE', `${C}/vectors/extra`],
  [
    'POST',
    '/collections/aliases',
    { actions: [{ create_alias: { collection_name: 'c', alias_name: 'al' } }] },
  ],
  ['GET', '/aliases'],
  ['GET', `${C}/aliases`],
  ['PUT', `${C}/index?wait=true`, { field_name: 'k', field_schema: 'keyword' }],
  ['DELETE', `${C}/index/k?wait=true`],
  [
    'PUT',
    `${C}/points?wait=true`,
    {
      points: [
        {
          id: 1,
          vector: { '': [1, 0], s: { indices: [1], values: [1] } },
          payload: { k: 'a', n: 1 },
        },
        { id: 2, vector: [0, 1], payload: { k: 'b', n: 2 } },
        { id: 3, vector: [1, 1], payload: { k: 'a', n: 3 } },
      ],
    },
  ],
  ['PUT', `${C}/points`, { points: [{ id: 9, vector: [1, 2, 3] }] }],
  ['PUT', `${C}/points`, '{"points": ['],
  ['GET', `${C}/points/1`],
  ['GET', `${C}/points/404`],
  ['POST', `${C}/points`, { ids: [1, 2], with_vector: true }],
  ['POST', `${C}/points/scroll`, { limit: 2, with_vector: true }],
  ['POST', `${C}/points/scroll`, { limit: 5, order_by: 'n' }],
  ['POST', `${C}/points/count`, { filter: { must: [{ key: 'k', match: { value: 'a' } }] } }],
  ['POST', `${C}/points/payload?wait=true`, { payload: { x: 1 }, points: [1] }],
  ['PUT', `${C}/points/payload?wait=true`, { payload: { k: 'a', n: 1 }, points: [1] }],
  ['POST', `${C}/points/payload/delete?wait=true`, { keys: ['x'], points: [2] }],
  ['POST', `${C}/points/payload/clear?wait=true`, { points: [3] }],
  ['PUT', `${C}/points/vectors?wait=true`, { points: [{ id: 3, vector: [2, 2] }] }],
  ['POST', `${C}/points/vectors/delete?wait=true`, { points: [2], vector: ['s'] }],
  [
    'POST',
    `${C}/points/batch?wait=true`,
    { operations: [{ upsert: { points: [{ id: 4, vector: [1, 3] }] } }] },
  ],
  ['POST', `${C}/points/delete?wait=true`, { points: [4] }],
  ['POST', `${C}/points/query`, { query: [1, 0], limit: 2, with_payload: true, with_vector: true }],
  ['POST', `${C}/points/query`, { query: { indices: [1], values: [1] }, using: 's' }],
  ['POST', `${C}/points/query`, { query: { order_by: 'n' }, limit: 2 }],
  ['POST', `${C}/points/query`, { query: [1, 0], using: 'nope' }],
  ['POST', `${C}/points/query/batch`, { searches: [{ query: [1, 0] }, { query: 2 }] }],
  ['POST', `${C}/points/query/groups`, { query: [1, 0], group_by: 'k', with_lookup: 'c' }],
  ['POST', `${C}/facet`, { key: 'k' }],
  ['POST', `${C}/points/search/matrix/pairs`, { sample: 3, limit: 1 }],
  ['POST', `${C}/points/search/matrix/offsets`, { sample: 3, limit: 1 }],
  ['POST', `${C}/points/search`, { vector: [1, 0], limit: 2, with_payload: true }],
  ['POST', `${C}/points/search/batch`, { searches: [{ vector: [1, 0], limit: 1 }] }],
  ['POST', `${C}/points/search/groups`, { vector: [1, 0], group_by: 'k', group_size: 1, limit: 2 }],
  ['POST', `${C}/points/recommend`, { positive: [1], limit: 2 }],
  ['POST', `${C}/points/recommend/batch`, { searches: [{ positive: [1], limit: 1 }] }],
  [
    'POST',
    `${C}/points/recommend/groups`,
    { positive: [1], group_by: 'k', group_size: 1, limit: 2 },
  ],
  [
    'POST',
    `${C}/points/discover`,
    { target: 1, context: [{ positive: 2, negative: 3 }], limit: 2 },
  ],
  ['POST', `${C}/points/discover/batch`, { searches: [{ target: 1, context: [], limit: 1 }] }],
  ['POST', `${C}/snapshots?wait=true`],
  ['GET', `${C}/snapshots`],
  ['GET', `${C}/snapshots/none.snapshot`],
  ['DELETE', `${C}/snapshots/none.snapshot`],
  ['PUT', `${C}/snapshots/recover`, { location: 'file:///nonexistent/x.snapshot' }],
  ['POST', `${C}/snapshots/upload`, {}],
  ['POST', '/snapshots'],
  ['GET', '/snapshots'],
  ['GET', '/snapshots/none.snapshot'],
  ['DELETE', '/snapshots/none.snapshot'],
  ['GET', '/cluster'],
  ['GET', '/cluster/telemetry'],
  ['POST', '/cluster/recover'],
  ['DELETE', '/cluster/peer/7'],
  ['GET', `${C}/cluster`],
  ['POST', `${C}/cluster`, { move_shard: { shard_id: 0, from_peer_id: 0, to_peer_id: 1 } }],
  ['GET', `${C}/shards`],
  ['PUT', `${C}/shards`, { shard_key: 'k' }],
  ['POST', `${C}/shards/delete`, { shard_key: 'k' }],
  ['GET', `${C}/shards/0/snapshot`],
  ['POST', `${C}/shards/0/snapshots/upload`],
  ['PUT', `${C}/shards/0/snapshots/recover`, { location: 'file:///x' }],
  ['GET', `${C}/shards/0/snapshots`],
  ['POST', `${C}/shards/0/snapshots`],
  ['DELETE', `${C}/shards/0/snapshots/x`],
  ['GET', `${C}/shards/0/snapshots/x`],
  ['DELETE', '/collections/al'],
  ['DELETE', C],
  ['DELETE', C],
];

test('every operation answers within its schema, on success and on failure', async () => {
  for (const [method, path, body] of CALLS) {
    const res = await server.call(method, path, body);
    assert.ok(res.status < 500, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const problems = server.exchanges.flatMap(contractProblems);
  assert.deepEqual(problems, []);
  const covered = new Set(
    server.exchanges
      .filter((e) => inSpec(e.method, e.route))
      .map((e) => `${e.method} ${specPath(e.route)}`),
  );
  assert.equal(covered.size, 72, [...covered].sort().join('\n'));
  const failures = server.exchanges.filter((e) => e.status >= 400 && inSpec(e.method, e.route));
  assert.ok(failures.length > 15);
});
