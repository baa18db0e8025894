/**
 * Builds the effective configuration from four layers, later ones winning key by key:
 * defaults (the schema) < config file (`--config`, YAML or TOML) < env `QUIVER__SECTION__KEY`
 * < command-line flags. Validation runs once on the merged result; every problem names the
 * setting and where its value came from, and nothing starts with a bad value.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { parse as parseToml } from 'smol-toml';
import { QuiverError } from '../../errors.js';
import { type Config, ConfigSchema, SECRET_KEYS } from './schema.js';

/** Prefix of the configuration's environment variables. */
export const ENV_PREFIX = 'QUIVER__';

/** One setting of the schema: its dotted key and its schema. */
export interface SettingInfo {
  /** Dotted key, e.g. `service.port`. */
  key: string;
  /** Environment variable, e.g. `QUIVER__SERVICE__PORT`. */
  env: string;
  /** The leaf schema (type, default, description). */
  schema: TSchema;
}

/** Every setting of the schema, in schema order. */
export function listSettings(schema: TSchema = ConfigSchema, prefix = ''): SettingInfo[] {
  const out: SettingInfo[] = [];
  for (const [name, child] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (child[Kind] === 'Object') out.push(...listSettings(child, key));
    else out.push({ key, env: envName(key), schema: child });
  }
  return out;
}

/** `service.api_key` -> `QUIVER__SERVICE__API_KEY`. */
export function envName(key: string): string {
  return ENV_PREFIX + key.split('.').join('__').toUpperCase();
}

/** Where the configuration comes from. */
export interface ConfigSources {
  /** Path of a YAML (`.yaml`, `.yml`) or TOML (`.toml`) file. */
  file?: string;
  /** Environment (default: none). Only `QUIVER__*` variables are read. */
  env?: Record<string, string | undefined>;
  /** Settings from flags, as dotted key -> raw text or value, with the flag's name. */
  flags?: Array<{ key: string; value: unknown; flag: string }>;
}

/** The merged configuration and, per key set by a layer, where it came from. */
export interface LoadedConfig {
  config: Config;
  /** Dotted key -> `default`, the file path, the env variable or the flag. */
  origins: Map<string, string>;
}

type Tree = Record<string, unknown>;

function fail(message: string): never {
  throw new QuiverError('INVALID_CONFIG', `Invalid configuration: ${message}`);
}

const SETTINGS = new Map(listSettings().map((s) => [s.key, s]));

function knownKeysUnder(prefix: string): string {
  const keys = [...SETTINGS.keys()].filter((k) => prefix === '' || k.startsWith(`${prefix}.`));
  return keys.join(', ');
}

/** Throws naming `key` when it is not a setting (or a section that holds settings). */
function checkKnown(key: string, origin: string): SettingInfo {
  const info = SETTINGS.get(key);
  if (info !== undefined) return info;
  const section = key.split('.').slice(0, -1).join('.');
  const hint = knownKeysUnder(section);
  fail(
    `unknown setting \`${key}\` (from ${origin}); ${hint === '' ? `known settings: ${knownKeysUnder('')}` : `known settings here: ${hint}`}`,
  );
}

/** Turns text from an env variable or a flag into the setting's type (validated later). */
export function parseText(info: SettingInfo, text: string): unknown {
  const s = info.schema;
  if (s.type === 'integer' || s.type === 'number') {
    const n = Number(text.trim());
    return text.trim() === '' || !Number.isFinite(n) ? text : n;
  }
  if (s.type === 'boolean') {
    const t = text.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(t)) return true;
    if (['false', '0', 'no', 'off'].includes(t)) return false;
    return text;
  }
  if (s.type === 'array') {
    const t = text.trim();
    if (t.startsWith('[')) {
      try {
        return JSON.parse(t) as unknown;
      } catch (err) {
        fail(`\`${info.key}\`: ${t} is not a JSON array (${(err as Error).message})`);
      }
    }
    return t === '' ? [] : t.split(',').map((x) => x.trim());
  }
  return text;
}

function setPath(tree: Tree, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts.at(-1)!] = value;
}

/** Flattens a parsed file into dotted keys, refusing unknown ones. */
function flattenFile(tree: unknown, file: string, prefix = ''): Array<[string, unknown]> {
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    fail(`${file}: ${prefix === '' ? 'the file' : `\`${prefix}\``} must be a table of settings`);
  }
  const out: Array<[string, unknown]> = [];
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (SETTINGS.has(key)) out.push([key, value]);
    else if ([...SETTINGS.keys()].some((k) => k.startsWith(`${key}.`)))
      out.push(...flattenFile(value, file, key));
    else checkKnown(key, file);
  }
  return out;
}

/** Reads a YAML or TOML config file into dotted keys. */
function readConfigFile(file: string): Array<[string, unknown]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  const ext = extname(file).toLowerCase();
  let parsed: unknown;
  try {
    if (ext === '.toml') parsed = parseToml(text);
    else if (ext === '.yaml' || ext === '.yml') parsed = parseYaml(text) ?? {};
    else fail(`config file ${file}: use a .yaml, .yml or .toml file`);
  } catch (err) {
    if (err instanceof QuiverError) throw err;
    fail(`config file ${file} does not parse: ${(err as Error).message}`);
  }
  return flattenFile(parsed, file);
}

/** Loads, merges and validates the configuration. Throws `INVALID_CONFIG` naming the setting. */
export function loadConfig(sources: ConfigSources = {}): LoadedConfig {
  const tree: Tree = {};
  const origins = new Map<string, string>();
  const put = (key: string, value: unknown, origin: string) => {
    checkKnown(key, origin);
    setPath(tree, key, value);
    origins.set(key, origin);
  };
  if (sources.file !== undefined) {
    for (const [key, value] of readConfigFile(sources.file)) put(key, value, sources.file);
  }
  for (const [name, text] of Object.entries(sources.env ?? {})) {
    if (!name.startsWith(ENV_PREFIX) || text === undefined) continue;
    const key = name.slice(ENV_PREFIX.length).toLowerCase().split('__').join('.');
    const info = checkKnown(key, `env ${name}`);
    put(key, parseText(info, text), `env ${name}`);
  }
  for (const { key, value, flag } of sources.flags ?? []) {
    const info = checkKnown(key, flag);
    put(key, typeof value === 'string' ? parseText(info, value) : value, flag);
  }
  const merged = inSchemaOrder(Value.Default(ConfigSchema, tree) as Tree, ConfigSchema) as Config;
  const problems: string[] = [];
  for (const e of Value.Errors(ConfigSchema, merged)) {
    const parts = e.path.slice(1).split('/');
    // The setting is the longest prefix of the error's path that names one (`origins/0`).
    let base = parts.join('.');
    for (let n = parts.length; n > 0; n--) {
      const candidate = parts.slice(0, n).join('.');
      if (SETTINGS.has(candidate)) {
        base = candidate;
        break;
      }
    }
    const info = SETTINGS.get(base);
    const origin = origins.get(base) ?? 'default';
    // TypeBox names the bound it checked; for a wrong type, say what would be accepted.
    const expected = /less|greater/.test(e.message) ? '' : describeExpected(info?.schema);
    problems.push(
      `\`${base}\` = ${JSON.stringify(e.value)} (from ${origin}): ${e.message}${expected}`,
    );
    if (problems.length >= 5) break;
  }
  if (problems.length > 0) fail(problems.join('; '));
  return { config: merged, origins };
}

/** A copy of `value` with the keys of every object in the schema's order (for printing). */
function inSchemaOrder(value: Tree, schema: TSchema): Tree {
  const out: Tree = {};
  const props = schema.properties as Record<string, TSchema>;
  for (const [name, child] of Object.entries(props)) {
    if (!(name in value)) continue;
    const v = value[name];
    out[name] =
      child[Kind] === 'Object' && typeof v === 'object' && v !== null
        ? inSchemaOrder(v as Tree, child)
        : v;
  }
  for (const [name, v] of Object.entries(value)) if (!(name in out)) out[name] = v;
  return out;
}

function describeExpected(schema: TSchema | undefined): string {
  if (schema === undefined) return '';
  if (Array.isArray(schema.anyOf)) {
    const options = (schema.anyOf as TSchema[]).map((s) => JSON.stringify(s.const)).join(', ');
    return `; one of ${options}`;
  }
  const bounds: string[] = [];
  if (schema.minimum !== undefined) bounds.push(`>= ${String(schema.minimum)}`);
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${String(schema.exclusiveMinimum)}`);
  if (schema.maximum !== undefined) bounds.push(`<= ${String(schema.maximum)}`);
  return bounds.length > 0 ? ` (allowed: ${bounds.join(' and ')})` : '';
}

/** The configuration with secrets replaced by `"<redacted>"` (empty ones stay empty). */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config);
  for (const key of SECRET_KEYS) {
    const [section, name] = key.split('.') as [keyof Config, string];
    const holder = copy[section] as Record<string, unknown>;
    if (holder[name] !== '') holder[name] = '<redacted>';
  }
  return copy;
}
