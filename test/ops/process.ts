// Runs `node dist/cli/main.js serve` as a child process (building dist first when src is newer)
// and follows its JSON log lines, so tests talk to the real command over real HTTP.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = 'dist/cli/main.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(path) : s.mtimeMs);
  }
  return newest;
}

const BUILD_LOCK = '.tmp/build.lock';

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds dist (`tsc -p tsconfig.build.json`) unless it is newer than every file of src. Test
 * files run in parallel, so one builds (holding a lock folder) while the others wait for it.
 */
export function ensureBuilt(): void {
  const fresh = () => existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestMtime('src');
  for (;;) {
    if (fresh()) return;
    try {
      mkdirSync('.tmp', { recursive: true });
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than two minutes was left by a killed run.
      if (existsSync(BUILD_LOCK) && Date.now() - statSync(BUILD_LOCK).mtimeMs > 120_000)
        rmSync(BUILD_LOCK, { recursive: true, force: true });
      sleepMs(200);
    }
  }
  try {
    execFileSync(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
      { stdio: 'inherit' },
    );
    // tsc leaves unchanged outputs alone; mark the build as newer than the sources.
    const now = new Date();
    utimesSync(MAIN, now, now);
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** A running `quiver` process. */
export interface QuiverProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the first log line (past or future) that `match` accepts. */
  waitForLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** Base URL (after `ready`). */
  url: string;
}

/** Spawns `quiver <args>`; with `serve`, resolves once the server logged "quiver ready". */
export async function runQuiver(
  args: string[],
  env: Record<string, string> = {},
  options: { waitReady?: boolean } = {},
): Promise<QuiverProcess> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }> = [];
  let buffer = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { raw: text };
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const proc: QuiverProcess = {
    child,
    lines,
    stderr: () => err,
    exited,
    url: '',
    waitForLine(match) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void exited.then((code) =>
          reject(
            new Error(
              `quiver exited (${String(code)}) before the expected log line; stderr: ${err}`,
            ),
          ),
        );
      });
    },
  };
  if (args[0] === 'serve' && options.waitReady !== false) {
    const ready = await proc.waitForLine((l) => l.msg === 'quiver ready');
    proc.url = String(ready.url);
  }
  return proc;
}

/** SIGTERM and wait for the exit code. */
export async function stop(proc: QuiverProcess): Promise<number | string> {
  proc.child.kill('SIGTERM');
  return proc.exited;
}
