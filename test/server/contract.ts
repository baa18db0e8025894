/**
 * Response contract: every answer the server tests see is checked against the schema Qdrant's
 * OpenAPI document gives for that operation and status (1.19, or 1.18 for the legacy search
 * routes). OpenAPI 3.0 schemas become JSON Schema for Ajv: `nullable` becomes "or null", and
 * `$ref`s point into the components of the same document.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One answer as the fixture recorded it. */
export interface Exchange {
  method: string;
  /** The route's path pattern in Fastify's form (`/collections/:collection_name`). */
  route: string;
  status: number;
  contentType: string;
  body: string;
  /** The route's `config` as the request saw it. */
  config?: unknown;
}

type Json = Record<string, unknown>;

/** Where Qdrant's specs live: `../shared` of the repository, as for `npm run gen:schema`. */
export const SPEC_DIR = resolve(process.cwd(), '..', 'shared');

/** OpenAPI 3.0 `nullable` to JSON Schema, and refs into the named document. */
function toJsonSchema(node: unknown, id: string): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, id));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'nullable' || k === 'example') continue;
    if (k === '$ref' && typeof v === 'string') out[k] = `${id}${v}`;
    else out[k] = toJsonSchema(v, id);
  }
  if ((node as Json).nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

/** A spec loaded for validation. */
class Spec {
  readonly paths: Json;
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction | null>();
  private readonly id: string;

  constructor(file: string) {
    const doc = JSON.parse(readFileSync(resolve(SPEC_DIR, file), 'utf8')) as Json;
    this.id = file;
    this.paths = doc.paths as Json;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(this.ajv);
    for (const f of [
      'uint',
      'uint8',
      'uint16',
      'uint32',
      'uint64',
      'int32',
      'int64',
      'float',
      'double',
      'usize',
    ])
      this.ajv.addFormat(f, true);
    // Qdrant's snapshot times: an RFC 3339 date-time without a zone (`2024-05-01T10:00:00`).
    this.ajv.addFormat('partial-date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/);
    this.ajv.addSchema({ $id: file, components: toJsonSchema(doc.components, this.id) });
  }

  /** The validator for `method path status`, null when the spec has no JSON schema for it. */
  validator(method: string, path: string, status: number): ValidateFunction | null | undefined {
    const op = (this.paths[path] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
    if (op === undefined) return undefined;
    const responses = op.responses as Json;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
    if (key === undefined) return null;
    const cacheKey = `${method} ${path} ${key}`;
    if (!this.cache.has(cacheKey)) {
      const content = (responses[key] as Json).content as Json | undefined;
      const schema = (content?.['application/json'] as Json | undefined)?.schema;
      this.cache.set(
        cacheKey,
        schema === undefined ? null : this.ajv.compile(toJsonSchema(schema, this.id) as Json),
      );
    }
    return this.cache.get(cacheKey)!;
  }
}

let specs: { current: Spec; legacy: Spec } | undefined;

/** Qdrant's form of a Fastify route path. */
export function specPath(route: string): string {
  return route.replace(/:([a-z_]+)/g, '{$1}');
}

/**
 * Problems of one answer against the spec: `[]` when it conforms, or when the route is not in
 * either spec (Quiver's extensions, docs) or the answer is not JSON (downloads, probes).
 */
export function contractProblems(exchange: Exchange): string[] {
  specs ??= {
    current: new Spec('qdrant-openapi.json'),
    legacy: new Spec('qdrant-openapi-1.18.json'),
  };
  const path = specPath(exchange.route);
  let validate = specs.current.validator(exchange.method, path, exchange.status);
  if (validate === undefined)
    validate = specs.legacy.validator(exchange.method, path, exchange.status);
  if (validate === undefined || validate === null) return [];
  if (!exchange.contentType.includes('application/json')) {
    return [
      `${exchange.method} ${path} ${exchange.status}: content type ${exchange.contentType}, expected JSON`,
    ];
  }
  const body = JSON.parse(exchange.body) as unknown;
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${exchange.method} ${path} ${exchange.status}: ${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)} in ${exchange.body.slice(0, 300)}`,
  );
}

/** Whether the route is described by one of Qdrant's specs. */
export function inSpec(method: string, route: string): boolean {
  specs ??= {
    current: new Spec('qdrant-openapi.json'),
    legacy: new Spec('qdrant-openapi-1.18.json'),
  };
  const path = specPath(route);
  const m = method.toLowerCase();
  return [specs.current, specs.legacy].some(
    (s) => (s.paths[path] as Json | undefined)?.[m] !== undefined,
  );
}
