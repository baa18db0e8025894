// Model-based test of the WAL's durability promise: random appends (some still in flight),
// crashes with torn writes, clean reopens and truncations, checked against a model after every
// recovery: every acknowledged record survives, nothing else appears, no duplicates, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryFileSystem } from '../../src/storage/memory-file-system.js';
import { Wal } from '../../src/storage/wal.js';

type Action =
  | { type: 'append'; sizes: number[] }
  | { type: 'crash'; inFlight: number[]; ticks: number; seed: number }
  | { type: 'reopen' }
  | { type: 'truncate'; fraction: number; crash: boolean };

const sizes = fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 5 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('append' as const), sizes }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('crash' as const),
      inFlight: fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 4 }),
      ticks: fc.nat(40),
      seed: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('reopen' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('truncate' as const),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      crash: fc.boolean(),
    }),
  },
);

/** A small deterministic PRNG for torn-write lengths. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

let counter = 0;
const payload = (size: number) => Uint8Array.from({ length: size }, () => counter++ & 0xff);

test('model: acknowledged appends survive crashes, reopens and truncations', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(action, { maxLength: 25 }),
      fc.constantFrom(0, 1),
      async (actions, segmentsAhead) => {
        const opts = { dir: '/wal', capacityMb: 1 / 1024, segmentsAhead };
        let fs = new MemoryFileSystem();
        let wal = (await Wal.open({ fs, ...opts })).wal;
        /** Records that may be in the log, by LSN. */
        let known = new Map<number, Uint8Array>();
        let next = 1;
        let ackedUpTo = 0;
        let floor = 0;

        const issue = (size: number) => {
          const p = payload(size);
          const lsn = next++;
          known.set(lsn, p);
          return wal.append(p).then((got) => {
            assert.equal(got, lsn);
            ackedUpTo = Math.max(ackedUpTo, got);
          });
        };

        const recoverAndCheck = async (crashFs: MemoryFileSystem | null) => {
          if (crashFs !== null) fs = crashFs;
          const opened = await Wal.open({ fs, ...opts });
          wal = opened.wal;
          const got: Array<[number, Uint8Array]> = [];
          for await (const r of wal.read()) got.push([r.lsn, r.payload]);
          for (let i = 0; i < got.length; i++) {
            const [lsn, bytes] = got[i]!;
            if (i > 0) assert.equal(lsn, got[i - 1]![0] + 1, 'LSNs consecutive');
            assert.deepEqual(bytes, known.get(lsn), `record ${lsn} is one that was appended`);
          }
          assert.ok(opened.lastLsn >= ackedUpTo, `acknowledged ${ackedUpTo} survives`);
          const first = got[0]?.[0] ?? opened.lastLsn + 1;
          const firstKnown = Math.min(...known.keys(), Infinity);
          assert.ok(first <= Math.max(floor, firstKnown, 1), 'nothing above the floor lost');
          known = new Map(got);
          next = opened.lastLsn + 1;
          ackedUpTo = opened.lastLsn;
        };

        for (const a of actions) {
          if (a.type === 'append') {
            await Promise.all(a.sizes.map(issue));
          } else if (a.type === 'crash') {
            const inFlight = a.inFlight.map(issue).map((p) => p.catch(() => undefined));
            for (let t = 0; t < a.ticks; t++) await Promise.resolve();
            const crashed = fs.crash({ random: lcg(a.seed) });
            await Promise.all(inFlight);
            await recoverAndCheck(crashed);
          } else if (a.type === 'reopen') {
            await wal.close();
            await recoverAndCheck(null);
          } else {
            const lsn = Math.floor(a.fraction * next);
            const done = wal.truncateBelow({ lsn }).catch(() => undefined);
            floor = Math.max(floor, lsn);
            if (a.crash) {
              await Promise.resolve();
              const crashed = fs.crash();
              await done;
              await recoverAndCheck(crashed);
            } else {
              await done;
            }
          }
        }
        await wal.close();
        await recoverAndCheck(fs.crash());
      },
    ),
    { numRuns: 150 },
  );
});
