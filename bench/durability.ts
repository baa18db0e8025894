// Durability benchmarks: durable upsert throughput (768-d, wait=true) for batches of 1, 100 and
// 10,000 points and for 16 concurrent single-point writers (group commit at work), and recovery
// time for a WAL of 1M operations. Prints a table; writes bench/results/durability.json.
//   node --import tsx bench/durability.ts [--quick]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Quiver } from '../src/index.js';

const quick = process.argv.includes('--quick');
const DIM = 768;

function vector(seed: number): number[] {
  const v = new Array<number>(DIM);
  let s = seed | 1;
  for (let i = 0; i < DIM; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    v[i] = s / 0x7fffffff - 0.5;
  }
  return v;
}

async function throughput(
  label: string,
  batch: number,
  writers: number,
  totalPoints: number,
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-bench-'));
  const db = await Quiver.open({ path: dir, checkpoint: { intervalSec: 3600, walMb: 1 << 16 } });
  await db.createCollection('c', { vectors: { size: DIM, distance: 'Cosine' } });
  // Vectors made up front: the figure is the database's, not the generator's.
  const pool = Array.from({ length: Math.min(totalPoints, 1000) }, (_, i) => vector(i));
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < totalPoints) {
        const from = next;
        next += batch;
        const points = Array.from({ length: Math.min(batch, totalPoints - from) }, (_, i) => ({
          id: from + i,
          vector: pool[(from + i) % pool.length]!,
        }));
        await db.upsert('c', { wait: true, points });
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  const row = {
    scenario: label,
    points: totalPoints,
    seconds: +seconds.toFixed(3),
    points_per_s: Math.round(totalPoints / seconds),
  };
  console.log(
    `${label.padEnd(34)} ${String(row.points_per_s).padStart(9)} points/s  (${totalPoints} points in ${row.seconds} s)`,
  );
  return row;
}

/** Child mode: write `ops` single-point upserts through the WAL, then exit without a checkpoint. */
async function writeWal(dir: string, ops: number): Promise<void> {
  const db = await Quiver.open({ path: dir, checkpoint: { intervalSec: 3600, walMb: 1 << 16 } });
  await db.createCollection('c', { vectors: { size: 4, distance: 'Dot' } });
  const inFlight = 4096;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < ops) {
        const id = next++;
        await db.upsert('c', {
          points: [{ id: id % 100_000, vector: [id, 1, 2, 3], payload: { n: id } }],
        });
      }
    }),
  );
  process.exit(0); // no close(): recovery must replay the whole log
}

async function recovery(ops: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-bench-wal-'));
  const w = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/durability.ts', '--write-wal', dir, String(ops)],
    { stdio: 'inherit' },
  );
  if (w.status !== 0) throw new Error('WAL writer failed');
  const start = performance.now();
  const db = await Quiver.open({ path: dir });
  const seconds = (performance.now() - start) / 1000;
  const count = (await db.count('c')).count;
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  const row = {
    scenario: `recovery of ${ops} WAL operations`,
    seconds: +seconds.toFixed(3),
    ops_per_s: Math.round(ops / seconds),
    points_after: count,
  };
  console.log(`${row.scenario.padEnd(34)} ${row.seconds} s (${row.ops_per_s} ops/s replayed)`);
  return row;
}

if (process.argv[2] === '--write-wal') {
  await writeWal(process.argv[3]!, Number(process.argv[4]));
} else {
  console.log(`durable upserts, ${DIM}-d vectors, wait=true${quick ? ' (quick)' : ''}`);
  const rows = [
    await throughput('batch of 1, one writer', 1, 1, quick ? 200 : 2000),
    await throughput('batch of 100, one writer', 100, 1, quick ? 2000 : 20_000),
    await throughput('batch of 10,000, one writer', 10_000, 1, quick ? 10_000 : 50_000),
    await throughput('batch of 1, 16 concurrent writers', 1, 16, quick ? 1000 : 10_000),
    await recovery(quick ? 100_000 : 1_000_000),
  ];
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/durability.json',
    JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n',
  );
}
