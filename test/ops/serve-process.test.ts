// `quiver serve` as a real process on a free port with a temp data dir, over real HTTP:
// keys, request ids in the JSON logs, probes, metrics, config errors, the data-dir lock,
// read-only mode on low disk, the 413 envelope, and shutdown on SIGTERM (in-flight write
// answered and durable; a second signal exits at once).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, runQuiver, stop, type QuiverProcess } from './process.js';
import { points, tempDir } from './helpers.js';

before(() => ensureBuilt());

const serveArgs = (dataDir: string, ...more: string[]) => [
  'serve',
  '--port',
  '0',
  '--data-dir',
  dataDir,
  ...more,
];

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

const COLLECTION = JSON.stringify({ vectors: { size: 4, distance: 'Cosine' } });
const JSON_HEADERS = { 'content-type': 'application/json' };

test('keys, request ids on every log line, probes and metrics', async () => {
  const q = await runQuiver(serveArgs(join(tempDir(), 'data')), {
    QUIVER__SERVICE__API_KEY: 'full',
    QUIVER__SERVICE__READ_ONLY_API_KEY: 'ro',
  });
  try {
    assert.equal((await fetch(`${q.url}/readyz`)).status, 200);
    assert.equal((await fetch(`${q.url}/livez`)).status, 200);
    const anon = await fetch(`${q.url}/metrics`);
    assert.equal(anon.status, 401);
    assert.doesNotMatch(await anon.text(), /quiver_/);
    assert.equal((await fetch(`${q.url}/metrics`, { headers: { 'api-key': 'nope' } })).status, 401);
    const res = await fetch(`${q.url}/metrics`, {
      headers: { authorization: 'Bearer ro', 'x-request-id': 'trace-me-1' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'trace-me-1');
    const text = await res.text();
    for (const name of [
      'quiver_ready 1',
      'quiver_http_requests_total',
      'quiver_disk_free_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      assert.ok(text.includes(name), `missing ${name}`);
    const done = await q.waitForLine(
      (l) => l.reqId === 'trace-me-1' && l.msg === 'request completed',
    );
    assert.equal((done.res as { statusCode: number }).statusCode, 200);
    // Every line about a request carries its id, and no line carries a key.
    const all = JSON.stringify(q.lines);
    assert.ok(!all.includes('"full"') && !all.includes('Bearer ro'));
    for (const line of q.lines.filter((l) => l.req !== undefined || l.res !== undefined))
      assert.equal(typeof line.reqId, 'string');
  } finally {
    assert.equal(await stop(q), 0);
  }
});

test('a bad setting stops the start with exit code 2 naming it', async () => {
  const bad = await runQuiver(
    ['serve', '--set', 'service.port=abc', '--data-dir', join(tempDir(), 'd')],
    {},
    { waitReady: false },
  );
  assert.equal(await bad.exited, 2);
  assert.match(bad.stderr(), /`service\.port` = "abc" \(from --set service\.port\)/);
  const unknown = await runQuiver(
    ['serve', '--port', '0'],
    { QUIVER__LIMITS__MAX_COLECTIONS: '3' },
    { waitReady: false },
  );
  assert.equal(await unknown.exited, 2);
  assert.match(
    unknown.stderr(),
    /unknown setting `limits\.max_colections`.*limits\.max_collections/,
  );
});

test('config print shows the effective config: file < env < flags, secrets redacted', async () => {
  const file = join(tempDir(), 'quiver.yaml');
  writeFileSync(file, 'service:\n  port: 7001\n  host: 0.0.0.0\nlimits:\n  max_collections: 9\n');
  const p = await runQuiver(
    ['config', 'print', '--format', 'json', '--config', file, '--port', '7007'],
    {
      QUIVER__SERVICE__API_KEY: 'very-secret',
      QUIVER__LIMITS__MAX_COLLECTIONS: '10',
    },
  );
  assert.equal(await p.exited, 0);
  const printed = JSON.parse(p.lines.map((l) => String(l.raw ?? JSON.stringify(l))).join('\n')) as {
    service: { port: number; host: string; api_key: string };
    limits: { max_collections: number };
  };
  assert.equal(printed.service.port, 7007);
  assert.equal(printed.service.host, '0.0.0.0');
  assert.equal(printed.limits.max_collections, 10);
  assert.equal(printed.service.api_key, '<redacted>');
});

test('a second server on the same data dir is refused (exit 1, LOCKED)', async () => {
  const dir = join(tempDir(), 'data');
  const first = await runQuiver(serveArgs(dir));
  try {
    const second = await runQuiver(serveArgs(dir)).catch((err: Error) => err);
    assert.ok(second instanceof Error);
    assert.match(second.message, /in use by process/);
  } finally {
    assert.equal(await stop(first), 0);
  }
});

test('low disk: read-only mode (writes 503 with the reason), reported by /metrics', async () => {
  const q = await runQuiver(serveArgs(join(tempDir(), 'data'), '--set', 'disk.min_free_mb=1e15'));
  try {
    assert.match(await (await fetch(`${q.url}/metrics`)).text(), /^quiver_read_only 1$/m);
    await q.waitForLine((l) => l.msg === 'disk space low: read-only mode');
    const res = await fetch(`${q.url}/collections/c`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: COLLECTION,
    });
    assert.equal(res.status, 503);
    assert.match(JSON.stringify(await json(res)), /read-only mode.*disk\.min_free_mb/);
    assert.equal((await fetch(`${q.url}/collections`)).status, 200);
  } finally {
    await stop(q);
  }
});

test('413: a body over the limit gets the envelope naming service.body_limit_mb', async () => {
  const q = await runQuiver(
    serveArgs(join(tempDir(), 'data'), '--set', 'service.body_limit_mb=0.01'),
  );
  try {
    await fetch(`${q.url}/collections/c`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: COLLECTION,
    });
    const res = await fetch(`${q.url}/collections/c/points?wait=true`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify({ points: points(500) }),
    });
    assert.equal(res.status, 413);
    const body = await json(res);
    assert.match(
      String((body.status as { error: string }).error),
      /limit of 0\.01 MiB.*service\.body_limit_mb/,
    );
  } finally {
    await stop(q);
  }
});

/** Starts an upsert whose body is half sent; resolves once the server logged the request. */
async function halfSentUpsert(q: QuiverProcess, id: string, n: number) {
  const body = Buffer.from(JSON.stringify({ points: points(n) }));
  const url = new URL(`${q.url}/collections/c/points?wait=true`);
  let answer!: (v: { status: number; body: string } | Error) => void;
  const answered = new Promise<{ status: number; body: string } | Error>((r) => (answer = r));
  const req = request(
    url,
    {
      method: 'PUT',
      headers: { ...JSON_HEADERS, 'content-length': body.length, 'x-request-id': id },
    },
    (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => answer({ status: res.statusCode ?? 0, body: text }));
    },
  );
  req.on('error', (err) => answer(err));
  const half = Math.floor(body.length / 2);
  req.write(body.subarray(0, half));
  await q.waitForLine((l) => l.reqId === id && l.msg === 'incoming request');
  return { finish: () => req.end(body.subarray(half)), answered };
}

test('SIGTERM during a write: the write is answered, the process exits 0, the data persists', async () => {
  const dir = join(tempDir(), 'data');
  const q = await runQuiver(serveArgs(dir));
  await fetch(`${q.url}/collections/c`, { method: 'PUT', headers: JSON_HEADERS, body: COLLECTION });
  const write = await halfSentUpsert(q, 'inflight-1', 300);
  q.child.kill('SIGTERM');
  await q.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('shutting down'));
  write.finish();
  const answer = await write.answered;
  assert.ok(!(answer instanceof Error), String(answer));
  assert.equal(answer.status, 200, answer.body);
  assert.equal(await q.exited, 0);
  await q.waitForLine((l) => l.msg === 'quiver stopped: data flushed and checkpointed');

  const again = await runQuiver(serveArgs(dir));
  try {
    const res = await fetch(`${again.url}/collections/c/points/count`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ exact: true }),
    });
    assert.deepEqual((await json(res)).result, { count: 300 });
  } finally {
    assert.equal(await stop(again), 0);
  }
});

test('a second signal exits at once, without waiting for requests in flight', async () => {
  const dir = join(tempDir(), 'data');
  const q = await runQuiver(serveArgs(dir));
  await fetch(`${q.url}/collections/c`, { method: 'PUT', headers: JSON_HEADERS, body: COLLECTION });
  const write = await halfSentUpsert(q, 'stuck-1', 100);
  q.child.kill('SIGTERM');
  await q.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('shutting down'));
  q.child.kill('SIGTERM');
  assert.equal(await q.exited, 143);
  assert.ok((await write.answered) instanceof Error); // the connection was cut, never answered
  // The lock of the killed process is taken over; the collection is still there.
  const again = await runQuiver(serveArgs(dir));
  try {
    assert.equal((await fetch(`${again.url}/collections/c`)).status, 200);
  } finally {
    assert.equal(await stop(again), 0);
  }
});

test('SIGINT (Ctrl-C) shuts down gracefully too', async () => {
  const q = await runQuiver(serveArgs(join(tempDir(), 'data')));
  q.child.kill('SIGINT');
  assert.equal(await q.exited, 0);
  await q.waitForLine((l) => l.msg === 'quiver stopped: data flushed and checkpointed');
});
