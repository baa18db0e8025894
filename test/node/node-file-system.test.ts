// The data-directory lock across real processes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE, NodeFileSystem } from '../../src/node/node-file-system.js';
import { joinPath } from '../../src/storage/file-system.js';

const CHILD = fileURLToPath(new URL('./fixtures/lock-child.ts', import.meta.url));

const tempDirs: string[] = [];
after(async () => {
  for (const d of tempDirs) await rm(d, { recursive: true, force: true });
});

/** Starts the child; resolves with it and its first line of output. */
async function child(dir: string, mode: 'hold' | 'try') {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8');
  const line = new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.trim());
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before output: ${out}`)));
  });
  return { proc, line: await line };
}

test('a second process gets a clear LOCKED error naming the holder', async () => {
  const dir = await mkdtemp(joinPath(tmpdir(), 'quiver-lock-'));
  tempDirs.push(dir);
  const lock = await new NodeFileSystem().lock(dir);
  const { line } = await child(dir, 'try');
  const result = JSON.parse(line) as { code: string; message: string };
  assert.equal(result.code, 'LOCKED');
  assert.equal(
    result.message.split(' (lock file')[0],
    `data directory ${dir} is in use by process ${process.pid}; stop it or use another --data-dir`,
  );
  await lock.release();
  const { line: retry } = await child(dir, 'try');
  assert.deepEqual(JSON.parse(retry), { ok: true });
});

test('a lock left by a SIGKILLed process is taken over', async () => {
  const dir = await mkdtemp(joinPath(tmpdir(), 'quiver-lock-'));
  tempDirs.push(dir);
  const { proc, line } = await child(dir, 'hold');
  assert.equal(line, 'locked');
  const fs = new NodeFileSystem();
  await assert.rejects(fs.lock(dir), new RegExp(`in use by process ${proc.pid}`));
  proc.kill('SIGKILL');
  await once(proc, 'exit');
  const lockText = await readFile(joinPath(dir, LOCK_FILE), 'utf8');
  assert.equal((JSON.parse(lockText) as { pid: number }).pid, proc.pid, 'stale lock left');
  const lock = await fs.lock(dir);
  const mine = JSON.parse(await readFile(joinPath(dir, LOCK_FILE), 'utf8')) as { pid: number };
  assert.equal(mine.pid, process.pid);
  await lock.release();
  await assert.rejects(readFile(joinPath(dir, LOCK_FILE)), /ENOENT/);
});
