// docs/configuration.md is the reference of every setting: each key, its env variable and its
// default appear in it; its example files load; its example error messages are the real ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listSettings, loadConfig } from '../../src/server/config/load.js';
import { isQuiverError } from '../../src/errors.js';
import { tempDir } from './helpers.js';

const doc = readFileSync('docs/configuration.md', 'utf8');

test('every setting appears with its env variable and default', () => {
  for (const s of listSettings()) {
    const row = doc
      .split('\n')
      .find((line) => new RegExp(`^\\|\\s*\`${s.key}\`\\s*\\|`).test(line));
    assert.ok(row, `docs/configuration.md has no row for ${s.key}`);
    assert.ok(row.includes(`\`${s.env}\``), `${s.key}: env variable ${s.env} missing`);
    assert.ok(
      row.includes(`\`${JSON.stringify(s.schema.default)}\``),
      `${s.key}: default ${JSON.stringify(s.schema.default)} missing`,
    );
  }
});

test('the example YAML and TOML files load', () => {
  const dir = tempDir();
  for (const [, lang, body] of doc.matchAll(/```(yaml|toml)\n([\s\S]*?)```/g)) {
    const file = join(dir, `example.${lang}`);
    writeFileSync(file, body!);
    const { config } = loadConfig({ file });
    assert.equal(config.storage.data_dir, '/var/lib/quiver');
  }
});

test('the example error messages are the ones the server prints', () => {
  for (const env of [{ QUIVER__SERVICE__PORT: '70000' }, { QUIVER__STORAGE__DATADIR: 'x' }]) {
    try {
      loadConfig({ env });
      assert.fail('expected a configuration error');
    } catch (err) {
      assert.ok(isQuiverError(err, 'INVALID_CONFIG'));
      assert.ok(doc.includes(`quiver: ${err.message}`), `doc lacks: ${err.message}`);
    }
  }
});
