/**
 * How a route is declared: its Qdrant `operationId`, what it does (`RouteMeta` for the
 * operational plugins), the schemas that document it in `/openapi.json`, and a handler that
 * returns the `result`. The helper wraps the result in Qdrant's envelope, so handlers stay thin:
 * parse, call the engine, return.
 *
 * Schemas here describe, they do not validate: the engine validates every body with messages
 * that name the field and the fix, and `params.ts` parses query strings (see `app.ts`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { type RouteMeta, okBody } from './envelope.js';

/** A documented query-string parameter. */
export type QueryParamName =
  | 'wait'
  | 'ordering'
  | 'timeout'
  | 'consistency'
  | 'priority'
  | 'checksum'
  | 'force'
  | 'details_level'
  | 'with'
  | 'completed_limit';

const QUERY_PARAM_SCHEMAS: Record<QueryParamName, Record<string, unknown>> = {
  wait: {
    type: 'boolean',
    description:
      'Answer `completed` once the change is applied (true) or `acknowledged` (false, the default). Quiver answers only after the change is durable either way.',
  },
  ordering: {
    type: 'string',
    enum: ['weak', 'medium', 'strong'],
    description: 'Write ordering; one node: accepted, no effect.',
  },
  timeout: { type: 'integer', minimum: 1, description: 'Seconds before the call gives up.' },
  consistency: {
    type: 'string',
    description: 'Read consistency (replica count, majority, quorum, all); one node: no effect.',
  },
  priority: { type: 'string', enum: ['replica', 'snapshot', 'no_sync'] },
  checksum: { type: 'string', description: 'Expected SHA-256 (hex) of the snapshot.' },
  force: { type: 'boolean' },
  details_level: { type: 'integer', minimum: 0 },
  with: { type: 'string' },
  completed_limit: { type: 'integer', minimum: 0 },
};

/** Qdrant's `UpdateResult`, the answer of every point write. */
export const UPDATE_RESULT_SCHEMA = {
  type: 'object',
  properties: {
    operation_id: { type: 'integer', nullable: true },
    status: { type: 'string', enum: ['acknowledged', 'completed', 'wait_timeout'] },
  },
  required: ['status'],
};

/** One route of the API. */
export interface RouteDefinition {
  method: HTTPMethods;
  url: string;
  /** Qdrant's `operationId`, or ours (prefixed `quiver_`) for extensions. */
  operation: string;
  kind: RouteMeta['kind'];
  summary: string;
  tags: string[];
  /** Query parameters the route takes (documented; parsed by `params.ts`). */
  query?: QueryParamName[];
  /** The request body schema, for the documentation (`{type: 'object'}` plus a description). */
  body?: Record<string, unknown>;
  /** Schema of `result` in the success envelope, for the documentation. */
  result?: Record<string, unknown>;
  /** Set when the handler sends the reply itself (files, streams, bare objects). */
  raw?: boolean;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** Path parameters found in `url` (`{collection_name}` is written `:collection_name`). */
function pathParams(url: string): Record<string, unknown> | undefined {
  const names = [...url.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);
  if (names.length === 0) return undefined;
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
    required: names,
  };
}

/** Registers `def` on `app` (see the module comment). */
export function addRoute(app: FastifyInstance, def: RouteDefinition): void {
  const schema: Record<string, unknown> = {
    operationId: def.operation,
    summary: def.summary,
    tags: def.tags,
  };
  const params = pathParams(def.url);
  if (params !== undefined) schema.params = params;
  if (def.query !== undefined && def.query.length > 0) {
    schema.querystring = {
      type: 'object',
      properties: Object.fromEntries(def.query.map((q) => [q, QUERY_PARAM_SCHEMAS[q]])),
    };
  }
  if (def.body !== undefined) schema.body = def.body;
  if (!def.raw) {
    schema.response = {
      200: {
        type: 'object',
        properties: {
          result: def.result ?? {},
          status: { type: 'string', enum: ['ok'] },
          time: { type: 'number' },
        },
      },
    };
  }
  const meta: RouteMeta = { kind: def.kind, operation: def.operation };
  app.route({
    method: def.method,
    url: def.url,
    schema,
    config: meta,
    handler: def.raw
      ? def.handler
      : async (request, reply) => {
          const result = await def.handler(request, reply);
          return okBody(result, performance.now() - reply.elapsedTime);
        },
  });
}

/** A body documented as a Qdrant schema by name. */
export function qdrantBody(schemaName: string): Record<string, unknown> {
  return {
    type: 'object',
    description: `Qdrant's \`${schemaName}\` (see https://api.qdrant.tech/api-reference).`,
  };
}
