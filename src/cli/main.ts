#!/usr/bin/env node
/**
 * The `quiver` command.
 *
 *   quiver serve [flags]          start the Qdrant-compatible server
 *   quiver config print [flags]   print the effective configuration (secrets redacted)
 *
 * Settings come from (later wins) defaults < `--config` file < `QUIVER__*` env < flags.
 * Exit codes: 0 done, 1 failed at run time, 2 bad configuration or usage.
 */
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { isQuiverError } from '../errors.js';
import { loadConfig, redactConfig } from '../server/config/load.js';
import { type RunningServer, startServer } from '../server/serve.js';
import { QUIVER_VERSION } from '../server/version.js';

const USAGE = `Usage:
  quiver serve [flags]          start the Qdrant-compatible server
  quiver config print [flags]   print the effective configuration, secrets redacted
  quiver --version

Flags (each overrides the config file and QUIVER__* env variables):
  --config <file>               YAML (.yaml/.yml) or TOML (.toml) config file
  --host <addr>                 service.host (default 127.0.0.1; 0.0.0.0 for all interfaces)
  --port <n>                    service.port (default 6333)
  --data-dir <dir>              storage.data_dir (default ./data)
  --api-key <key>               service.api_key (prefer QUIVER__SERVICE__API_KEY: flags show in ps)
  --read-only-api-key <key>     service.read_only_api_key
  --log-level <level>           log.level (fatal|error|warn|info|debug|trace|silent)
  --log-format <json|pretty>    log.format
  --set <key=value>             any setting by its dotted key, e.g. --set limits.max_collections=100
                                (repeatable)
Every setting, its env variable and default: docs/configuration.md`;

/** Flags that name one setting each. */
const FLAG_KEYS: Record<string, string> = {
  host: 'service.host',
  port: 'service.port',
  'data-dir': 'storage.data_dir',
  'api-key': 'service.api_key',
  'read-only-api-key': 'service.read_only_api_key',
  'log-level': 'log.level',
  'log-format': 'log.format',
};

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      set: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      format: { type: 'string' },
      ...Object.fromEntries(Object.keys(FLAG_KEYS).map((f) => [f, { type: 'string' as const }])),
    },
  });
  const flags: Array<{ key: string; value: unknown; flag: string }> = [];
  for (const [flag, key] of Object.entries(FLAG_KEYS)) {
    const value = (values as Record<string, unknown>)[flag];
    if (typeof value === 'string') flags.push({ key, value, flag: `--${flag}` });
  }
  for (const item of values.set ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got "${item}"`);
    flags.push({
      key: item.slice(0, eq),
      value: item.slice(eq + 1),
      flag: `--set ${item.slice(0, eq)}`,
    });
  }
  return { values, positionals, flags };
}

async function serve(argv: ReturnType<typeof parse>): Promise<void> {
  const { config } = loadConfig({
    file: argv.values.config,
    env: process.env,
    flags: argv.flags,
  });
  // Handlers go in before the start, so a signal that arrives while the server starts (or
  // right after it logged "ready") is never left to Node's default (an immediate exit).
  const started: { server?: RunningServer } = {};
  let signals = 0;
  let stopRequested = false;
  const shutdown = (running: RunningServer, signal: NodeJS.Signals) => {
    running.logger.info(
      { signal },
      'shutting down: not ready, answering requests in flight, then flushing data (send the signal again to exit at once)',
    );
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        running.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  let firstSignal: NodeJS.Signals = 'SIGTERM';
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      if (started.server)
        started.server.logger.warn({ signal }, 'second signal: exiting now without waiting');
      else console.error(`quiver: ${signal} again: exiting now`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    firstSignal = signal;
    if (started.server === undefined) stopRequested = true;
    else shutdown(started.server, signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  started.server = await startServer(config);
  if (stopRequested) shutdown(started.server, firstSignal);
}

async function main(args: string[]): Promise<number> {
  const argv = parse(args);
  if (argv.values.version) {
    console.log(QUIVER_VERSION);
    return 0;
  }
  const [command, sub, ...rest] = argv.positionals;
  if (argv.values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !argv.values.help ? 2 : 0;
  }
  if (command === 'serve' && sub === undefined) {
    await serve(argv);
    return -1; // keeps running until a signal
  }
  if (command === 'config' && sub === 'print' && rest.length === 0) {
    const { config } = loadConfig({
      file: argv.values.config,
      env: process.env,
      flags: argv.flags,
    });
    const redacted = redactConfig(config);
    const format = argv.values.format ?? 'yaml';
    if (format === 'json') console.log(JSON.stringify(redacted, null, 2));
    else if (format === 'yaml') process.stdout.write(toYaml(redacted));
    else throw new UsageError(`--format is yaml or json, got "${format}"`);
    return 0;
  }
  throw new UsageError(`unknown command "${argv.positionals.join(' ')}"`);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`quiver: ${(err as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (isQuiverError(err, 'INVALID_CONFIG')) {
      console.error(`quiver: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(`quiver: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  },
);
