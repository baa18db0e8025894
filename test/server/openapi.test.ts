// Our OpenAPI document: every operation of Qdrant's 1.19 spec (except the probes, metrics and
// telemetry, which the operational plugins serve) and the 8 legacy 1.18 search operations are
// routes of ours under the same method, path and operationId; the extensions are documented
// with their body schemas; /docs serves the interactive page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SPEC_DIR } from './contract.js';
import { type TestServer, startServer } from './fixture.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

type Paths = Record<string, Record<string, { operationId?: string; tags?: string[] }>>;

function operations(paths: Paths): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, ops] of Object.entries(paths))
    for (const [method, op] of Object.entries(ops))
      if (op.operationId !== undefined) out.set(op.operationId, `${method.toUpperCase()} ${path}`);
  return out;
}

const NOT_OURS = new Set(['telemetry', 'metrics', 'healthz', 'livez', 'readyz']);
const LEGACY = new Set([
  'search_points',
  'search_batch_points',
  'search_point_groups',
  'recommend_points',
  'recommend_batch_points',
  'recommend_point_groups',
  'discover_points',
  'discover_batch_points',
]);

test('every Qdrant operation is served at its method and path with its operationId', async () => {
  const res = await server.call('GET', '/openapi.json');
  assert.equal(res.status, 200);
  assert.match(res.body.openapi, /^3\./);
  const ours = operations(res.body.paths as Paths);
  const load = (file: string) =>
    operations(
      (JSON.parse(readFileSync(resolve(SPEC_DIR, file), 'utf8')) as { paths: Paths }).paths,
    );
  const wanted = new Map([
    ...[...load('qdrant-openapi.json')].filter(([id]) => !NOT_OURS.has(id)),
    ...[...load('qdrant-openapi-1.18.json')].filter(([id]) => LEGACY.has(id)),
  ]);
  const missing = [...wanted].filter(([id, where]) => ours.get(id) !== where);
  assert.deepEqual(missing, []);
  assert.equal(wanted.size, 72);
});

test('extensions are documented with body schemas under their own tag', async () => {
  const doc = (await server.call('GET', '/openapi.json')).body;
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
  for (const [path, field] of [
    ['/collections/{collection_name}/points/similarity', 'a'],
    ['/collections/{collection_name}/points/duplicates', 'threshold'],
    ['/collections/{collection_name}/points/range', 'query'],
    ['/snapshots/recover', 'location'],
  ] as const) {
    const op = paths[path]?.post ?? paths[path]?.put;
    assert.ok(op !== undefined, path);
    assert.ok((op.tags as string[]).includes('Quiver extensions'), path);
    const schema = (
      op.requestBody as { content: Record<string, { schema: Record<string, unknown> }> }
    ).content['application/json']!.schema;
    assert.ok((schema.required as string[]).includes(field), `${path} requires ${field}`);
  }
});

test('the optimizer extensions are documented', async () => {
  const paths = (await server.call('GET', '/openapi.json')).body.paths as Record<
    string,
    Record<string, { tags: string[] }>
  >;
  for (const path of ['rebuild-index', 'compact']) {
    const op = paths[`/collections/{collection_name}/quiver/${path}`]?.post;
    assert.ok(op?.tags.includes('Quiver extensions'), path);
  }
});

test('/docs serves the interactive documentation', async () => {
  const res = await fetch(`${server.url}/docs`, { redirect: 'follow' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await res.text(), /swagger/i);
});
