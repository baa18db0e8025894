// Shared by the ops tests: a config for a throwaway server, and points to write.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/server/config/load.js';
import type { Config } from '../../src/server/config/schema.js';

/** A fresh temporary directory. */
export function tempDir(prefix = 'quiver-ops-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A config on port 0 in a temp data dir, logs off, with `settings` as `--set` flags. */
export function testConfig(settings: Record<string, string> = {}): Config {
  const flags = Object.entries({
    'service.port': '0',
    'storage.data_dir': join(tempDir(), 'data'),
    'log.level': 'silent',
    ...settings,
  }).map(([key, value]) => ({ key, value, flag: `--set ${key}` }));
  return loadConfig({ flags }).config;
}

/** `n` points of dimension `dim` with ids from `from`. */
export function points(n: number, dim = 4, from = 1) {
  return Array.from({ length: n }, (_, i) => ({
    id: from + i,
    vector: Array.from({ length: dim }, (_, j) => ((i + 1) * (j + 2)) % 7),
    payload: { i: from + i },
  }));
}
