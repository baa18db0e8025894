// WAL benchmark: durable append throughput and replay speed on the real file system.
// Run: node --import tsx bench/wal.ts [dir]   (default: a temp dir under os.tmpdir())
// Writes the figures to bench/results/wal.json.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '../src/node/node-file-system.js';
import { Wal } from '../src/storage/wal.js';

const VECTOR_BYTES = 768 * 4; // one 768-d float32 vector
const fs = new NodeFileSystem();
const root = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'quiver-bench-wal-')));
let run = 0;

async function freshWal() {
  const dir = join(root, `wal-${run++}`);
  return (await Wal.open({ fs, dir })).wal;
}

interface AppendResult {
  scenario: string;
  appends: number;
  vectors: number;
  seconds: number;
  appendsPerSec: number;
  vectorsPerSec: number;
  mbPerSec: number;
  fsyncs: number;
  meanFsyncMs: number;
}

function summarise(scenario: string, wal: Wal, vectors: number, seconds: number): AppendResult {
  const s = wal.stats;
  const r = {
    scenario,
    appends: s.records,
    vectors,
    seconds: round(seconds),
    appendsPerSec: round(s.records / seconds),
    vectorsPerSec: round(vectors / seconds),
    mbPerSec: round(s.bytes / seconds / 1e6),
    fsyncs: s.fsyncs,
    meanFsyncMs: round(s.fsyncLatency.totalMs / Math.max(1, s.fsyncs)),
  };
  console.log(
    `${scenario.padEnd(34)} ${String(r.appendsPerSec).padStart(9)} appends/s ` +
      `${String(r.vectorsPerSec).padStart(10)} vectors/s ${String(r.mbPerSec).padStart(8)} MB/s ` +
      `fsyncs ${r.fsyncs}, mean fsync ${r.meanFsyncMs} ms`,
  );
  return r;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Sequential durable appends of `batch` vectors per record, for about `budgetMs`. */
async function sequential(batch: number, budgetMs: number, maxAppends: number) {
  const wal = await freshWal();
  const payload = new Uint8Array(batch * VECTOR_BYTES).fill(7);
  const start = performance.now();
  let n = 0;
  while (n < maxAppends && performance.now() - start < budgetMs) {
    await wal.append(payload);
    n++;
  }
  const result = summarise(
    `batch ${batch} (${((batch * VECTOR_BYTES) / 1e6).toFixed(3)} MB/record)`,
    wal,
    n * batch,
    (performance.now() - start) / 1000,
  );
  await wal.close();
  return result;
}

/** `writers` concurrent loops of single-vector appends for about `budgetMs`. */
async function concurrent(writers: number, budgetMs: number) {
  const wal = await freshWal();
  const payload = new Uint8Array(VECTOR_BYTES).fill(3);
  const start = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() - start < budgetMs) {
        await wal.append(payload);
        n++;
      }
    }),
  );
  const result = summarise(
    `${writers} concurrent appenders, batch 1`,
    wal,
    n,
    (performance.now() - start) / 1000,
  );
  await wal.close();
  return result;
}

/** Writes `count` small records (group-committed in waves), then times open and read-back. */
async function replay(count: number, size: number) {
  const dir = join(root, `wal-${run++}`);
  const { wal } = await Wal.open({ fs, dir });
  const payload = new Uint8Array(size).fill(1);
  const wave = 10_000;
  const writeStart = performance.now();
  for (let i = 0; i < count; i += wave) {
    await Promise.all(Array.from({ length: Math.min(wave, count - i) }, () => wal.append(payload)));
  }
  const writeSeconds = (performance.now() - writeStart) / 1000;
  await wal.close();
  const openStart = performance.now();
  const opened = await Wal.open({ fs, dir });
  const openSeconds = (performance.now() - openStart) / 1000;
  const readStart = performance.now();
  let n = 0;
  let bytes = 0;
  for await (const r of opened.wal.read()) {
    n++;
    bytes += r.payload.length;
  }
  const readSeconds = (performance.now() - readStart) / 1000;
  await opened.wal.close();
  if (n !== count || bytes !== count * size)
    throw new Error(`read ${n} records, expected ${count}`);
  const result = {
    scenario: `replay ${count} records of ${size} B`,
    records: count,
    segments: opened.segments,
    writeSeconds: round(writeSeconds),
    openSeconds: round(openSeconds),
    readSeconds: round(readSeconds),
    recordsPerSecRead: round(count / readSeconds),
  };
  console.log(
    `${result.scenario}: written (waves of ${wave}) in ${result.writeSeconds} s; ` +
      `open+validate ${result.openSeconds} s; read ${result.readSeconds} s ` +
      `(${Math.round(result.recordsPerSecRead)} records/s), ${result.segments} segments`,
  );
  return result;
}

console.log(`WAL bench in ${root} (Node ${process.version}, ${process.platform}/${process.arch})`);
const appends = [
  await sequential(1, 3000, 100_000),
  await sequential(100, 3000, 10_000),
  await sequential(10_000, 10_000, 8),
  await concurrent(16, 3000),
];
const replayResult = await replay(1_000_000, 32);
if (process.argv[2] === undefined) await rm(root, { recursive: true, force: true });

const resultsDir = new URL('./results/', import.meta.url);
await mkdir(resultsDir, { recursive: true });
await writeFile(
  new URL('wal.json', resultsDir),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      recordBytesPerVector: VECTOR_BYTES,
      appends,
      replay: replayResult,
    },
    null,
    2,
  ) + '\n',
);
