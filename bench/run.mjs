#!/usr/bin/env node
// `npm run bench`: runs every benchmark in turn; each prints its table and writes
// bench/results/<name>.json. Pass --quick for a short smoke run, or names to run a subset:
//   npm run bench -- durability --quick
import { spawnSync } from 'node:child_process';

const BENCHES = ['durability', 'wal'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const chosen = args.filter((a) => !a.startsWith('--'));
let failed = 0;
for (const name of BENCHES.filter((b) => chosen.length === 0 || chosen.includes(b))) {
  console.log(`\n=== bench: ${name} ===`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', `bench/${name}.ts`, ...(quick ? ['--quick'] : [])],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
