// The server's logs, captured from the logger's stream: request ids on request lines, the
// slow-request line with its route, operation and collection, the query body at debug level,
// and the pretty format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/server/logger.js';
import { startServer } from '../../src/server/serve.js';
import { points, testConfig } from './helpers.js';

function capture(): { stream: PassThrough; lines: () => Array<Record<string, unknown>> } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

test('slow requests are logged with route, operation, collection; debug adds the query and its plan', async () => {
  const out = capture();
  const config = testConfig({ 'log.slow_query_ms': '0.001', 'log.level': 'debug' });
  const s = await startServer(config, { logger: createLogger(config.log, out.stream) });
  try {
    await fetch(`${s.url}/collections/books`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify({ vectors: { size: 4, distance: 'Dot' } }),
    });
    await fetch(`${s.url}/collections/books/points?wait=true`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify({ points: points(3) }),
    });
    await fetch(`${s.url}/collections/books/points/query`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'x-request-id': 'slow-1', 'api-key': 'never-logged' },
      body: JSON.stringify({ query: [1, 2, 3, 4], limit: 1 }),
    });
  } finally {
    await s.close();
  }
  const lines = out.lines();
  const slow = lines.find((l) => l.msg === 'slow request' && l.reqId === 'slow-1');
  assert.ok(slow, 'no slow request line');
  assert.equal(slow.route, '/collections/:collection_name/points/query');
  assert.equal(slow.operation, 'query_points');
  assert.equal(slow.collection, 'books');
  assert.equal(slow.level, 40);
  const body = lines.find((l) => l.msg === 'slow request body' && l.reqId === 'slow-1');
  assert.match(String(body?.body), /"limit":1/);
  // The engine's plan of the search, tied to the request.
  const plan = lines.find((l) => l.msg === 'query plan' && l.reqId === 'slow-1')?.plan as
    { collection: string; vector: string; segments: string[] } | undefined;
  assert.ok(plan, 'no query plan line for the request');
  assert.equal(plan.collection, 'books');
  assert.ok(plan.segments.length >= 1);
  for (const how of plan.segments) assert.ok(['exact', 'hnsw', 'skipped'].includes(how));
  // Only reads log their body: a write's body can be a huge batch.
  assert.ok(!lines.some((l) => l.msg === 'slow request body' && /"points"/.test(String(l.body))));
  for (const l of lines.filter(
    (x) => x.msg === 'incoming request' || x.msg === 'request completed',
  ))
    assert.equal(typeof l.reqId, 'string');
  assert.ok(!JSON.stringify(lines).includes('never-logged'));
  assert.ok(lines.some((l) => l.msg === 'quiver stopped: data flushed and checkpointed'));
});

test('log.format pretty writes readable lines', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const logger = createLogger({ level: 'info', format: 'pretty', slow_query_ms: 0 }, out);
  logger.info({ collection: 'c' }, 'hello there');
  assert.match(text, /INFO.*hello there/);
  assert.throws(() => JSON.parse(text.split('\n')[0]!));
});
