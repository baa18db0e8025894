// Runs docs/QUICKSTART.md against a real `quiver serve`: every ```bash block through bash and
// curl, the JavaScript client snippet and the embedded snippet through node, checking what the
// page says they print. The server runs on a free port and a temp data dir, so the page's
// `http://localhost:6333` is rewritten to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureBuilt, runQuiver, stop, type QuiverProcess } from '../ops/process.js';
import { tempDir } from '../ops/helpers.js';

const page = readFileSync('docs/QUICKSTART.md', 'utf8');
const blocks = [...page.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1]!,
  code: m[2]!,
  end: m.index + m[0].length,
}));
/** The text right after a block (where the page says what it prints). */
const after_ = (end: number) => page.slice(end, end + 200);

let server: QuiverProcess;
const scratch = resolve('.tmp', `quickstart-${process.pid}`);

before(async () => {
  ensureBuilt();
  server = await runQuiver(['serve', '--port', '0', '--data-dir', join(tempDir(), 'data')]);
  mkdirSync(scratch, { recursive: true });
});

after(async () => {
  rmSync(scratch, { recursive: true, force: true });
  if (server) assert.equal(await stop(server), 0);
});

const local = (code: string) => code.replaceAll('http://localhost:6333', server.url);

function bash(code: string): string {
  return execFileSync('bash', ['-euo', 'pipefail', '-c', local(code)], { encoding: 'utf8' });
}

test('the page has the blocks this test runs', () => {
  assert.equal(blocks.filter((b) => b.lang === 'bash').length, 5);
  assert.equal(blocks.filter((b) => b.lang === 'js').length, 2);
});

test('curl: ready, create, upsert, search, filtered search', () => {
  const [ready, create, upsert, search, filtered] = blocks.filter((b) => b.lang === 'bash');
  assert.match(bash(ready!.code), /ready/);
  assert.equal((JSON.parse(bash(create!.code)) as { result: unknown }).result, true);
  const up = JSON.parse(bash(upsert!.code)) as { status: string; result: { status: string } };
  assert.equal(up.status, 'ok');
  assert.equal(up.result.status, 'completed');
  const found = JSON.parse(bash(search!.code)) as {
    result: { points: Array<{ id: number; payload: { city: string } }> };
  };
  assert.deepEqual(
    found.result.points.map((p) => p.id),
    [4, 1, 5], // "best match first (points 4, 1 and 5)"
  );
  assert.match(page, /points 4, 1 and 5/);
  assert.equal(found.result.points[0]!.payload.city, 'New York');
  const only = JSON.parse(bash(filtered!.code)) as { result: { points: Array<{ id: number }> } };
  assert.deepEqual(
    only.result.points.map((p) => p.id),
    [2],
  );
});

test('the JavaScript client snippet prints what the page says', () => {
  const block = blocks.filter((b) => b.lang === 'js')[0]!;
  const expected = /prints `([^`]+)`/.exec(after_(block.end))![1]!;
  const file = join(scratch, 'client.mjs');
  writeFileSync(file, local(block.code));
  assert.equal(execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim(), expected);
});

test('the embedded snippet runs as written', () => {
  const block = blocks.filter((b) => b.lang === 'js')[1]!;
  const file = join(scratch, 'embedded.mjs');
  writeFileSync(file, block.code);
  const cwd = tempDir();
  const out = execFileSync(process.execPath, [file], { encoding: 'utf8', cwd });
  assert.equal(out.trim(), '1');
});
