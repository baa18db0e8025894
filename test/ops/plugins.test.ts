// The operational plugins over real HTTP: startServer on port 0 with a real data directory and
// the real Qdrant routes, talked to with fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiver } from '../../src/db/quiver.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { checkDisk } from '../../src/server/plugins/disk-watch.js';
import { readiness } from '../../src/server/plugins/health.js';
import { points, testConfig } from './helpers.js';

async function withServer(
  settings: Record<string, string>,
  fn: (s: RunningServer) => Promise<void>,
): Promise<void> {
  const server = await startServer(testConfig(settings));
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

type Json = { result?: unknown; status: unknown; time: number };

async function call(
  s: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(s.url + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = { status: text, time: 0 };
  }
  return { status: res.status, json, headers: res.headers };
}

const COLLECTION = { vectors: { size: 4, distance: 'Cosine' } };

test('API keys: 401 without or with a wrong key, 403 for the read-only key on writes, health open', async () => {
  await withServer(
    { 'service.api_key': 'full-key', 'service.read_only_api_key': 'read-key' },
    async (s) => {
      const none = await call(s, 'PUT', '/collections/c', COLLECTION);
      assert.equal(none.status, 401);
      assert.match(String((none.json.status as { error: string }).error), /API key/);
      // An unknown URL tells nothing without a key either.
      assert.equal((await call(s, 'GET', '/no/such/route')).status, 401);
      assert.equal((await call(s, 'GET', '/metrics')).status, 401);
      assert.equal(
        (await call(s, 'GET', '/metrics', undefined, { 'api-key': 'wrong' })).status,
        401,
      );
      for (const path of ['/healthz', '/livez', '/readyz'])
        assert.equal((await call(s, 'GET', path)).status, 200);

      const ro = { 'api-key': 'read-key' };
      const denied = await call(s, 'PUT', '/collections/c', COLLECTION, ro);
      assert.equal(denied.status, 403);
      assert.match(String((denied.json.status as { error: string }).error), /read-only API key/);

      const created = await call(s, 'PUT', '/collections/c', COLLECTION, {
        authorization: 'Bearer full-key',
      });
      assert.equal(created.status, 200);
      assert.equal(created.json.result, true);
      const up = await call(
        s,
        'PUT',
        '/collections/c/points',
        { points: points(3) },
        { 'api-key': 'full-key' },
      );
      assert.equal(up.status, 200);
      const q = await call(
        s,
        'POST',
        '/collections/c/points/query',
        { query: [1, 2, 3, 4], limit: 2 },
        ro,
      );
      assert.equal(q.status, 200);
      assert.equal((q.json.result as { points: unknown[] }).points.length, 2);
      assert.equal((await call(s, 'GET', '/metrics', undefined, ro)).status, 200);
    },
  );
});

test('request ids: a sane x-request-id is echoed, otherwise one is made', async () => {
  await withServer({}, async (s) => {
    const given = await call(s, 'GET', '/healthz', undefined, { 'x-request-id': 'client-42' });
    assert.equal(given.headers.get('x-request-id'), 'client-42');
    const made = await call(s, 'GET', '/healthz', undefined, {
      'x-request-id': 'bad id\twith tab',
    });
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});

test('413: a body over service.body_limit_mb gets Qdrant envelope naming the setting', async () => {
  await withServer({ 'service.body_limit_mb': '0.01' }, async (s) => {
    assert.equal((await call(s, 'PUT', '/collections/c', COLLECTION)).status, 200);
    const big = await call(s, 'PUT', '/collections/c/points', { points: points(400) });
    assert.equal(big.status, 413);
    const error = (big.json.status as { error: string }).error;
    assert.match(error, /service\.body_limit_mb/);
    assert.match(error, /0\.01 MiB/);
    assert.equal(typeof big.json.time, 'number');
  });
});

test('limits: batch size (400), collections and points per collection (403), each naming its setting', async () => {
  await withServer(
    {
      'limits.max_batch_size': '5',
      'limits.max_collections': '1',
      'limits.max_points_per_collection': '8',
    },
    async (s) => {
      assert.equal((await call(s, 'PUT', '/collections/a', COLLECTION)).status, 200);
      const second = await call(s, 'PUT', '/collections/b', COLLECTION);
      assert.equal(second.status, 403);
      assert.match(JSON.stringify(second.json), /limits\.max_collections = 1/);
      const batch = await call(s, 'PUT', '/collections/a/points', { points: points(6) });
      assert.equal(batch.status, 400);
      assert.match(JSON.stringify(batch.json), /6 points.*limits\.max_batch_size = 5/);
      assert.equal(
        (await call(s, 'PUT', '/collections/a/points', { points: points(5) })).status,
        200,
      );
      const over = await call(s, 'PUT', '/collections/a/points', { points: points(4, 4, 6) });
      assert.equal(over.status, 403);
      assert.match(
        JSON.stringify(over.json),
        /holds 5 points.*limits\.max_points_per_collection = 8/,
      );
      assert.equal(
        (await call(s, 'PUT', '/collections/a/points', { points: points(3, 4, 6) })).status,
        200,
      );
      assert.equal((await s.db.count('a', {})).count, 8);
    },
  );
});

test('low disk: writes refused with 503 and the reason, reads and deletes go on, writes resume', async () => {
  await withServer({}, async (s) => {
    assert.equal((await call(s, 'PUT', '/collections/c', COLLECTION)).status, 200);
    assert.equal(
      (await call(s, 'PUT', '/collections/c/points', { points: points(3) })).status,
      200,
    );
    const watch = {
      db: s.db,
      state: s.state,
      log: s.logger,
      dataDir: s.db.stats()[0]!.dir!.split('/collections/')[0]!,
      intervalMs: 1000,
    };
    // More free space required than any disk has: read-only.
    await checkDisk({ ...watch, minFreeBytes: Number.MAX_SAFE_INTEGER });
    const refused = await call(s, 'PUT', '/collections/c/points', {
      points: points(1, 4, 9),
    });
    assert.equal(refused.status, 503);
    assert.match(JSON.stringify(refused.json), /read-only mode.*disk\.min_free_mb/);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /^quiver_read_only 1$/m);
    const q = await call(s, 'POST', '/collections/c/points/query', {
      query: [1, 1, 1, 1],
      limit: 10,
    });
    assert.equal((q.json.result as { points: unknown[] }).points.length, 3);
    assert.equal(
      (await call(s, 'POST', '/collections/c/points/delete', { points: [3] })).status,
      200,
    );
    await checkDisk({ ...watch, minFreeBytes: 1 });
    assert.equal(
      (await call(s, 'PUT', '/collections/c/points', { points: points(1, 4, 9) })).status,
      200,
    );
    assert.equal((await s.db.count('c', {})).count, 3);
  });
});

test('memory pressure: over memory.max_rss_mb writes answer 503, reads go on', async () => {
  await withServer({ 'memory.max_rss_mb': '1' }, async (s) => {
    const refused = await call(s, 'PUT', '/collections/c', COLLECTION);
    assert.equal(refused.status, 503);
    assert.match(JSON.stringify(refused.json), /memory pressure.*memory\.max_rss_mb = 1/);
    assert.equal((await call(s, 'GET', '/healthz')).status, 200);
  });
});

test('/metrics names its series; /telemetry has the same facts as JSON', async () => {
  await withServer({}, async (s) => {
    await call(s, 'PUT', '/collections/c', COLLECTION);
    await call(s, 'PUT', '/collections/c/points', { points: points(5) });
    await call(s, 'POST', '/collections/c/points/query', { query: [1, 0, 0, 0], limit: 1 });
    const text = await (await fetch(`${s.url}/metrics`)).text();
    for (const series of [
      'quiver_http_requests_total{method="PUT",route="/collections/:collection_name/points",status="200"} 1',
      'quiver_http_request_duration_seconds_bucket',
      'quiver_search_duration_seconds_count{operation="query_points"} 1',
      'quiver_upsert_duration_seconds_count 1',
      'quiver_collection_points{collection="c"} 5',
      'quiver_collection_segments{collection="c"}',
      'quiver_collection_vector_bytes{collection="c"} 80',
      'quiver_wal_bytes{collection="c"}',
      'quiver_wal_fsyncs{collection="c"}',
      'quiver_wal_fsync_seconds_sum{collection="c"}',
      'quiver_disk_free_bytes',
      'quiver_ready 1',
      'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes',
    ])
      assert.ok(text.includes(series), `missing ${series}`);
    const t = await call(s, 'GET', '/telemetry');
    const result = t.json.result as { collections: Array<{ collection: string; points: number }> };
    assert.deepEqual(
      result.collections.map((c) => [c.collection, c.points]),
      [['c', 5]],
    );
  });
});

test('big answers are compressed when the client accepts it', async () => {
  await withServer({}, async (s) => {
    const res = await fetch(`${s.url}/metrics`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(res.headers.get('content-encoding'), 'br');
    assert.match(await res.text(), /quiver_ready/); // fetch decodes it
  });
});

test('CORS preflight is answered without a key; security headers are set', async () => {
  await withServer(
    { 'service.api_key': 'k', 'service.cors.origins': 'https://app.example' },
    async (s) => {
      const pre = await fetch(`${s.url}/collections/c/points`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT' },
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), 'https://app.example');
      const health = await fetch(`${s.url}/healthz`, {
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(health.headers.get('access-control-allow-origin'), null);
      assert.equal(health.headers.get('x-content-type-options'), 'nosniff');
    },
  );
});

test('close(): /readyz turns 503, the request in flight is answered, then the data is flushed', async () => {
  let release!: () => void;
  let arrived!: () => void;
  const inHandler = new Promise<void>((r) => (arrived = r));
  const gate = new Promise<void>((r) => (release = r));
  const config = testConfig();
  const s = await startServer(config, {
    extraRoutes: (app, db) => {
      app.put(
        '/slow/:collection_name',
        { config: { kind: 'write', operation: 'upsert_points' } },
        async (req) => {
          arrived();
          await gate;
          const name = (req.params as { collection_name: string }).collection_name;
          return db.upsert(name, { wait: true, points: points(2, 4, 100) });
        },
      );
    },
  });
  await call(s, 'PUT', '/collections/c', COLLECTION);
  const pending = call(s, 'PUT', '/slow/c');
  await inHandler;
  const closing = s.close();
  assert.equal(s.state.stopping, true);
  assert.deepEqual(readiness(s.state), { code: 503, text: 'not ready: shutting down' });
  release();
  const answered = await pending;
  assert.equal(answered.status, 200);
  await closing;
  const db = await Quiver.open({ path: config.storage.data_dir });
  assert.equal((await db.count('c', {})).count, 2);
  await db.close();
});

test('while shutting down: new requests get 503 in the envelope, probes still answer', async () => {
  await withServer({}, async (s) => {
    s.state.stopping = true; // what close() sets first
    const res = await call(s, 'GET', '/collections');
    assert.equal(res.status, 503);
    assert.match(JSON.stringify(res.json), /shutting down/);
    assert.equal(res.headers.get('connection'), 'close');
    assert.equal((await call(s, 'GET', '/readyz')).status, 503);
    assert.equal((await call(s, 'GET', '/livez')).status, 200);
  });
});

test('limits.max_disk_per_collection_mb: measured folder size over the limit refuses writes, not deletes', async () => {
  await withServer({ 'limits.max_disk_per_collection_mb': '1' }, async (s) => {
    const big = { vectors: { size: 1024, distance: 'Dot' } };
    assert.equal((await call(s, 'PUT', '/collections/c', big)).status, 200);
    assert.equal(
      (await call(s, 'PUT', '/collections/c/points', { points: points(300, 1024) })).status,
      200,
    );
    await checkDisk({
      db: s.db,
      state: s.state,
      log: s.logger,
      dataDir: s.db.stats()[0]!.dir!.split('/collections/')[0]!,
      minFreeBytes: 0,
      intervalMs: 1000,
    });
    assert.ok(s.state.collectionBytes.get('c')! > 1024 * 1024);
    const refused = await call(s, 'PUT', '/collections/c/points', { points: points(1, 1024, 500) });
    assert.equal(refused.status, 403);
    assert.match(
      JSON.stringify(refused.json),
      /MiB on disk, more than limits\.max_disk_per_collection_mb = 1/,
    );
    assert.equal(
      (await call(s, 'POST', '/collections/c/points/delete', { points: [1, 2] })).status,
      200,
    );
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /^quiver_collection_disk_bytes\{collection="c"\} [1-9]\d{6,}$/m);
  });
});

test('the interactive docs page is not blocked by the strict content security policy', async () => {
  await withServer({}, async (s) => {
    const docs = await fetch(`${s.url}/docs/`, { redirect: 'manual' });
    assert.ok(docs.status < 400, `GET /docs/ answered ${docs.status}`);
    assert.equal(docs.headers.get('content-security-policy'), null);
    const api = await fetch(`${s.url}/collections`);
    assert.match(api.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  });
});

test('snapshots: the read-only key and read-only mode may list and download, not create', async () => {
  await withServer({ 'service.api_key': 'full', 'service.read_only_api_key': 'ro' }, async (s) => {
    const full = { 'api-key': 'full' };
    const ro = { 'api-key': 'ro' };
    await call(s, 'PUT', '/collections/c', COLLECTION, full);
    await call(s, 'PUT', '/collections/c/points?wait=true', { points: points(3) }, full);
    assert.equal((await call(s, 'POST', '/collections/c/snapshots', undefined, ro)).status, 403);
    const made = await call(s, 'POST', '/collections/c/snapshots', undefined, full);
    assert.equal(made.status, 200);
    const name = (made.json.result as { name: string }).name;
    await checkDisk({
      db: s.db,
      state: s.state,
      log: s.logger,
      dataDir: s.db.stats()[0]!.dir!.split('/collections/')[0]!,
      minFreeBytes: Number.MAX_SAFE_INTEGER,
      intervalMs: 1000,
    });
    assert.equal((await call(s, 'POST', '/collections/c/snapshots', undefined, full)).status, 503);
    assert.equal((await call(s, 'GET', '/collections/c/snapshots', undefined, ro)).status, 200);
    const download = await fetch(`${s.url}/collections/c/snapshots/${name}`, { headers: ro });
    assert.equal(download.status, 200);
    assert.ok((await download.arrayBuffer()).byteLength > 0);
  });
});
