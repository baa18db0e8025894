// Server benchmarks, over real HTTP on loopback:
// 1. One request upserting 10,000 points of 768 dims with wait=true (about 70 MB of JSON), end
//    to end, and where the time goes: JSON parse, validation, apply, WAL (encode + fsync).
// 2. Search requests/s at k=10 with autocannon against Quiver, and against a bare Fastify route
//    that returns a JSON body of the same size (the floor: Fastify + HTTP alone), in the same run.
// Clients (the upsert's and autocannon) run in child processes, as real clients do.
// Prints a table; writes bench/results/server.json.
//   node --import tsx bench/server.ts [--points 10000] [--duration 10] [--connections 16]
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import Fastify from 'fastify';
import { Quiver } from '../src/index.js';
import { buildApp } from '../src/server/app.js';
import { Collection } from '../src/collection/collection.js';
import { createCollectionConfig } from '../src/collection/config.js';
import { parseUpsert } from '../src/collection/operations.js';
import { encodeOps } from '../src/collection/op-codec.js';
import { NodeFileSystem } from '../src/node/node-file-system.js';
import { Wal } from '../src/storage/wal.js';
import { numberArg } from './args.js';

const DIM = 768;
const POINTS = numberArg('points', 10_000);
const DURATION = numberArg('duration', 10);
const CONNECTIONS = numberArg('connections', 16);
const SEARCH_POINTS = numberArg('search-points', 20_000);

/** A deterministic vector with 6 decimals per component, as embedding APIs send them. */
function vector(seed: number): number[] {
  const v = new Array<number>(DIM);
  let s = seed | 1;
  for (let i = 0; i < DIM; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    v[i] = Math.round((s / 0x7fffffff - 0.5) * 1e6) / 1e6;
  }
  return v;
}

function upsertBody(from: number, count: number): string {
  const points = Array.from({ length: count }, (_, i) => ({
    id: from + i,
    vector: vector(from + i),
    payload: { n: from + i, group: `g${(from + i) % 10}` },
  }));
  return JSON.stringify({ points });
}

const ms = (t: number) => +(performance.now() - t).toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The upsert's phases, measured in process with the same functions the server calls. */
async function phases(body: string): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-bench-wal-'));
  const rows: Record<string, number>[] = [];
  for (let r = 0; r < 3; r++) {
    const config = createCollectionConfig({ vectors: { size: DIM, distance: 'Cosine' } });
    const collection = new Collection({ name: 'c', config });
    const { wal } = await Wal.open({ fs: new NodeFileSystem(), dir: join(dir, String(r)) });
    let t = performance.now();
    const parsed = JSON.parse(body) as unknown;
    const parse = ms(t);
    t = performance.now();
    const op = parseUpsert(parsed, collection.specs);
    const validate = ms(t);
    t = performance.now();
    collection.apply([op]);
    const apply = ms(t);
    t = performance.now();
    const record = encodeOps({ firstOp: 1, ops: [op] });
    const walEncode = ms(t);
    t = performance.now();
    await wal.append(record);
    const walAppendFsync = ms(t);
    await wal.close();
    // Its background index build must not run into the later measurements.
    collection.optimizer.stop();
    rows.push({ parse, validate, apply, walEncode, walAppendFsync });
  }
  rmSync(dir, { recursive: true, force: true });
  const out: Record<string, number> = {};
  for (const key of Object.keys(rows[0]!)) out[key] = median(rows.map((row) => row[key]!));
  return out;
}

/** Runs `node` with `args` in a child process (without blocking this one); its stdout. */
function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited with ${code}`)),
    );
  });
}

/** The client side of the big upsert: reads the body, PUTs it, prints the milliseconds taken. */
const UPSERT_CLIENT = `
const [url, file] = process.argv.slice(1);
const body = require('node:fs').readFileSync(file, 'utf8');
const t = performance.now();
fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body })
  .then(async (res) => {
    const text = await res.text();
    if (res.status !== 200) throw new Error('upsert failed: ' + text.slice(0, 300));
    console.log(performance.now() - t);
  });
`;

async function clientUpsert(url: string, file: string): Promise<number> {
  const out = await runChild(['-e', UPSERT_CLIENT, url, file]);
  return +Number(out.trim()).toFixed(1);
}

async function upsertOverHttp(body: string): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-bench-http-'));
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, body);
  const db = await Quiver.open({ path: dir });
  const app = await buildApp(db);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const times: number[] = [];
  try {
    for (let r = 0; r < 3; r++) {
      const name = `c${r}`;
      await fetch(`${address}/collections/${name}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vectors: { size: DIM, distance: 'Cosine' } }),
      });
      // The client is another process, as in production: its JSON encoding and socket writes
      // must not share the server's event loop and core.
      times.push(await clientUpsert(`${address}/collections/${name}/points?wait=true`, bodyFile));
      // Drop it before the next round: its background index build would slow that round down.
      await fetch(`${address}/collections/${name}`, { method: 'DELETE' });
    }
  } finally {
    await app.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

/** autocannon's own CLI in a child process, so the load generator does not share our core. */
async function cannon(
  url: string,
  body: string,
): Promise<{ rps: number; p50: number; p99: number }> {
  const cli = join('node_modules', 'autocannon', 'autocannon.js');
  const args = [cli, '-j', '-c', String(CONNECTIONS), '-d', String(DURATION), '-m', 'POST'];
  args.push('-H', 'content-type=application/json', '-b', body, url);
  const result = JSON.parse(await runChild(args)) as autocannon.Result;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

async function searchThroughput(): Promise<Record<string, unknown>> {
  const db = await Quiver.open();
  await db.createCollection('s', { vectors: { size: DIM, distance: 'Cosine' } });
  for (let from = 0; from < SEARCH_POINTS; from += 5000) {
    await db.upsert('s', JSON.parse(upsertBody(from, Math.min(5000, SEARCH_POINTS - from))));
  }
  // Measure the served index, not its build: wait until the optimizer is done.
  while ((await db.getCollection('s')).status !== 'green') {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const app = await buildApp(db);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const query = JSON.stringify({ query: vector(123_457), limit: 10, with_payload: true });
  const url = `${address}/collections/s/points/query`;
  // The bare route answers with a body of the same size as Quiver's answer.
  const sample = await (
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: query,
    })
  ).text();
  const bare = Fastify();
  const parsedSample = JSON.parse(sample) as unknown;
  bare.post('/collections/s/points/query', async () => parsedSample);
  const bareAddress = await bare.listen({ host: '127.0.0.1', port: 0 });
  try {
    const quiver = await cannon(url, query);
    const floor = await cannon(`${bareAddress}/collections/s/points/query`, query);
    return {
      points: SEARCH_POINTS,
      k: 10,
      connections: CONNECTIONS,
      duration_s: DURATION,
      response_bytes: sample.length,
      quiver,
      bare_fastify: floor,
      ratio: +(quiver.rps / floor.rps).toFixed(3),
    };
  } finally {
    await bare.close();
    await app.close();
    await db.close();
  }
}

const body = upsertBody(0, POINTS);
console.log(`upsert body: ${POINTS} points x ${DIM} dims, ${(body.length / 1e6).toFixed(1)} MB`);
const breakdown = await phases(body);
console.log('in-process phases (median of 3, ms):', breakdown);
const http = await upsertOverHttp(body);
console.log(
  `HTTP upsert wait=true: ${http.map((t) => `${t} ms`).join(', ')} (median ${median(http)} ms)`,
);
const search = await searchThroughput();
console.log('search over HTTP (k=10):', search);

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/server.json',
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      upsert: {
        points: POINTS,
        dim: DIM,
        body_mb: +(body.length / 1e6).toFixed(1),
        http_ms: http,
        http_median_ms: median(http),
        phases_ms: breakdown,
      },
      search,
    },
    null,
    2,
  ) + '\n',
);
