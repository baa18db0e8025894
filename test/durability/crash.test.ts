// The crash test: a child process writes without pause and is SIGKILLed at a random moment;
// then the database is reopened and must hold exactly the acknowledged writes, plus, at most,
// the one write in flight at the kill, whole or not at all. Repeated for many rounds on the same
// directory, so recovery also runs over earlier recoveries and checkpoints.
// Rounds: QUIVER_CRASH_ROUNDS (default 50; `npm run soak` runs 500).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Quiver } from '../../src/index.js';
// @ts-expect-error: plain JS fixture shared with the child process
import { applyToModel } from '../fixtures/crash-ops.mjs';

type Model = Map<number, { vector: number[]; payload: Record<string, unknown> }>;
type Op = Record<string, unknown>;

const ROUNDS = Number(process.env.QUIVER_CRASH_ROUNDS ?? 50);

async function readState(db: Quiver): Promise<Model> {
  const out: Model = new Map();
  const { points } = await db.scroll('c', { limit: 1000, with_vector: true, with_payload: true });
  for (const p of points)
    out.set(p.id as number, {
      vector: p.vector as number[],
      payload: p.payload as Record<string, unknown>,
    });
  return out;
}

function sorted(model: Model): Model {
  return new Map([...model].sort(([a], [b]) => a - b));
}

/** Runs the writer until killed; returns the ops it acknowledged and the one in flight. */
function runWriter(
  dir: string,
  seed: number,
  killAfterMs: number,
  walMb: number,
): Promise<{ acked: Op[]; inFlight: Op | undefined }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['test/fixtures/crash-writer.mjs', dir, String(seed), String(walMb)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const acked: Op[] = [];
    let inFlight: Op | undefined;
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('begin ')) inFlight = JSON.parse(line.slice(6)) as Op;
        else if (line === 'ack') {
          acked.push(inFlight!);
          inFlight = undefined;
        }
      }
    });
    // 'close', not 'exit': 'exit' can fire before the last stdout chunks are read, and a stale
    // view of the writer's acks made a loaded machine report acknowledged writes as extra data.
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed: ${stderr}`));
      else resolve({ acked, inFlight });
    });
  });
}

test(
  `crash test: ${ROUNDS} rounds of SIGKILL during writes lose no acknowledged write and leave no partial one`,
  { timeout: 20 * 60_000 },
  async () => {
    assert.ok(
      existsSync('dist/index.js'),
      'build first: the writer runs the built package (npm test builds)',
    );
    const dir = mkdtempSync(join(tmpdir(), 'quiver-crash-'));
    try {
      const setup = await Quiver.open({ path: dir });
      await setup.createCollection('c', { vectors: { size: 4, distance: 'Dot' } });
      await setup.close();
      let model: Model = new Map();
      let totalAcked = 0;
      let inFlightApplied = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const seed = 1000 + round;
        const { acked, inFlight } = await runWriter(
          dir,
          seed,
          5 + ((seed * 37) % 150),
          round % 3 === 0 ? 1 : 64,
        );
        totalAcked += acked.length;
        for (const op of acked) applyToModel(model, op);
        const db = await Quiver.open({ path: dir });
        const state = sorted(await readState(db));
        const without = sorted(model);
        if (inFlight !== undefined) {
          const withOp: Model = structuredClone(model);
          applyToModel(withOp, inFlight);
          const matchesWith = JSON.stringify([...state]) === JSON.stringify([...sorted(withOp)]);
          if (matchesWith) {
            model = withOp;
            inFlightApplied++;
          } else {
            assert.deepEqual(
              state,
              without,
              `round ${round}: state is neither without nor with the in-flight write`,
            );
          }
        } else {
          assert.deepEqual(state, without, `round ${round}`);
        }
        // Recovery must be repeatable: reopening the recovered state changes nothing.
        await db.close();
        const again = await Quiver.open({ path: dir });
        assert.deepEqual(
          sorted(await readState(again)),
          sorted(model),
          `round ${round}: second reopen`,
        );
        await again.close();
      }
      assert.ok(
        totalAcked > ROUNDS,
        `the writer acknowledged only ${totalAcked} writes: kills came too early to test much`,
      );
      console.log(
        `crash test: ${ROUNDS} rounds, ${totalAcked} acknowledged writes checked, in-flight write present after ${inFlightApplied} kills`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
