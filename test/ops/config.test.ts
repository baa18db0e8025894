// Configuration layers and validation: defaults < file (YAML/TOML) < env QUIVER__* < flags;
// every unknown key or bad value stops the start with a message naming it and its origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { envName, listSettings, loadConfig, redactConfig } from '../../src/server/config/load.js';
import { isQuiverError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'quiver-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isQuiverError(err, 'INVALID_CONFIG'), `expected INVALID_CONFIG, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the configuration to be refused');
}

test('defaults: port 6333, ./data, 256 MiB body limit, no keys', () => {
  const { config } = loadConfig();
  assert.equal(config.service.port, 6333);
  assert.equal(config.storage.data_dir, './data');
  assert.equal(config.service.body_limit_mb, 256);
  assert.equal(config.service.api_key, '');
  assert.deepEqual(config.service.cors.origins, ['*']);
  assert.equal(config.storage.checkpoint.interval_sec, 60);
});

test('precedence: flags > env > file > defaults, key by key', () => {
  const yaml = file(
    'a.yaml',
    'service:\n  port: 7000\n  host: 0.0.0.0\nlog:\n  level: debug\nlimits:\n  max_collections: 3\n',
  );
  const { config, origins } = loadConfig({
    file: yaml,
    env: { QUIVER__SERVICE__PORT: '7001', QUIVER__LOG__LEVEL: 'warn', PATH: '/bin' },
    flags: [{ key: 'service.port', value: '7002', flag: '--port' }],
  });
  assert.equal(config.service.port, 7002); // flag beats env and file
  assert.equal(config.log.level, 'warn'); // env beats file
  assert.equal(config.service.host, '0.0.0.0'); // file beats default
  assert.equal(config.limits.max_collections, 3);
  assert.equal(config.storage.data_dir, './data'); // default
  assert.equal(origins.get('service.port'), '--port');
  assert.equal(origins.get('log.level'), 'env QUIVER__LOG__LEVEL');
});

test('TOML files and env lists and booleans', () => {
  const toml = file('b.toml', '[service]\nport = 6400\n[service.cors]\nenabled = false\n');
  const { config } = loadConfig({
    file: toml,
    env: {
      QUIVER__SERVICE__CORS__ORIGINS: 'https://a.example, https://b.example',
      QUIVER__SERVICE__HTTP2: 'true',
    },
  });
  assert.equal(config.service.port, 6400);
  assert.equal(config.service.cors.enabled, false);
  assert.deepEqual(config.service.cors.origins, ['https://a.example', 'https://b.example']);
  assert.equal(config.service.http2, true);
});

test('an unknown key is refused, naming it and where it came from', () => {
  const yaml = file('c.yaml', 'service:\n  prot: 7000\n');
  assert.match(
    configError(() => loadConfig({ file: yaml })),
    /unknown setting `service\.prot` \(from .*c\.yaml\).*service\.port/,
  );
  assert.match(
    configError(() => loadConfig({ env: { QUIVER__STORAGE__DATADIR: 'x' } })),
    /unknown setting `storage\.datadir` \(from env QUIVER__STORAGE__DATADIR\).*storage\.data_dir/,
  );
  assert.match(
    configError(() => loadConfig({ flags: [{ key: 'nope', value: '1', flag: '--set nope' }] })),
    /unknown setting `nope` \(from --set nope\)/,
  );
  assert.match(
    configError(() => loadConfig({ file: file('d.yaml', 'extra: 1\n') })),
    /`extra`/,
  );
});

test('a bad value is refused, naming the setting, the value, its origin and the range', () => {
  const m1 = configError(() => loadConfig({ env: { QUIVER__SERVICE__PORT: '70000' } }));
  assert.match(
    m1,
    /`service\.port` = 70000 \(from env QUIVER__SERVICE__PORT\).*less or equal to 65535/,
  );
  const m2 = configError(() =>
    loadConfig({ flags: [{ key: 'log.level', value: 'loud', flag: '--log-level' }] }),
  );
  assert.match(m2, /`log\.level` = "loud" \(from --log-level\).*"info"/);
  const m3 = configError(() => loadConfig({ file: file('e.yaml', 'service:\n  http2: maybe\n') }));
  assert.match(m3, /`service\.http2` = "maybe"/);
  assert.match(
    configError(() => loadConfig({ file: join(dir, 'missing.yaml') })),
    /cannot read config file/,
  );
  assert.match(
    configError(() => loadConfig({ file: file('f.json', '{}') })),
    /\.yaml, \.yml or \.toml/,
  );
  assert.match(
    configError(() => loadConfig({ file: file('g.yaml', 'service: [1\n') })),
    /does not parse/,
  );
});

test('every integer setting round-trips through its env variable', () => {
  const ints = listSettings().filter((s) => s.schema.type === 'integer');
  fc.assert(
    fc.property(fc.constantFrom(...ints), fc.integer({ min: 1, max: 1000 }), (s, m) => {
      // Within the setting's own range (search.threads stops at 64).
      const n = Math.min(m, (s.schema as { maximum?: number }).maximum ?? m);
      const { config } = loadConfig({ env: { [s.env]: String(n) } });
      const [section, ...rest] = s.key.split('.');
      let v: unknown = (config as Record<string, unknown>)[section!];
      for (const part of rest) v = (v as Record<string, unknown>)[part];
      assert.equal(v, n);
    }),
    { numRuns: 50 },
  );
});

test('env names follow QUIVER__SECTION__KEY', () => {
  assert.equal(envName('service.cors.origins'), 'QUIVER__SERVICE__CORS__ORIGINS');
  for (const s of listSettings()) assert.equal(s.env, envName(s.key));
});

test('redaction hides keys that are set and nothing else', () => {
  const { config } = loadConfig({ env: { QUIVER__SERVICE__API_KEY: 's3cret' } });
  const shown = redactConfig(config);
  assert.equal(shown.service.api_key, '<redacted>');
  assert.equal(shown.service.read_only_api_key, '');
  assert.equal(config.service.api_key, 's3cret');
  assert.ok(!JSON.stringify(shown).includes('s3cret'));
});
