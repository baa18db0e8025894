// search.threads on the server: batch searches over HTTP answer as the single-thread server
// does, and the graceful close stops the workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/server/serve.js';
import { liveSearchWorkers } from '../../src/node/worker-search-pool.js';
import { testConfig } from '../ops/helpers.js';

const DIM = 8;

async function call(url: string, method: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { result: unknown; status: unknown };
  assert.equal(res.status, 200, JSON.stringify(json.status));
  return json.result;
}

test('a server with search.threads answers batches like one without, and stops its workers', async () => {
  const servers = [
    await startServer(testConfig()),
    await startServer(testConfig({ 'search.threads': '2' })),
  ];
  const points = Array.from({ length: 400 }, (_, i) => ({
    id: i,
    vector: Array.from({ length: DIM }, (_, d) => Math.sin(i * 0.37 + d * 1.3)),
    payload: { even: i % 2 === 0 },
  }));
  const searches = Array.from({ length: 12 }, (_, i) => ({
    vector: Array.from({ length: DIM }, (_, d) => Math.cos(i * 0.91 + d)),
    limit: 7,
    with_payload: true,
  }));
  const answers = [];
  for (const s of servers) {
    await call(`${s.url}/collections/c`, 'PUT', {
      vectors: { size: DIM, distance: 'Euclid' },
      optimizers_config: { indexing_threshold: 1 },
      hnsw_config: { full_scan_threshold: 10, m: 8, ef_construct: 32 },
    });
    await call(`${s.url}/collections/c/points?wait=true`, 'PUT', { points });
    await s.db.compact('c');
    answers.push(await call(`${s.url}/collections/c/points/search/batch`, 'POST', { searches }));
  }
  assert.deepEqual(answers[1], answers[0]);
  assert.ok(liveSearchWorkers() >= 1, 'the threaded server searched on its workers');
  for (const s of servers) await s.close();
  assert.equal(liveSearchWorkers(), 0);
});
