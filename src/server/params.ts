/**
 * Query-string parameters of Qdrant's endpoints (`wait`, `ordering`, `timeout`, `consistency`,
 * ...) and the request body as an object. Parsed by hand rather than by schema so that a bad
 * value gets Qdrant's answer (`400 Query deserialize error: ...`) and names the fix.
 */
import type { FastifyRequest } from 'fastify';
import { QuiverError } from '../errors.js';

/** Write parameters as the engine takes them. */
export interface WriteQuery {
  wait: boolean;
  ordering?: 'weak' | 'medium' | 'strong';
  timeout?: number;
}

/** Read parameters as the engine takes them. */
export interface ReadQuery {
  consistency?: number | 'majority' | 'quorum' | 'all';
  timeout?: number;
}

function queryError(name: string, problem: string): QuiverError {
  return new QuiverError('INVALID_REQUEST', `Query deserialize error: ${name}: ${problem}`, {
    path: name,
  });
}

/** The raw query-string value of `name` (the last one when repeated). */
function raw(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  if (value === undefined) return undefined;
  return String(Array.isArray(value) ? value[value.length - 1] : value);
}

/** A `true`/`false` parameter. */
export function boolParam(request: FastifyRequest, name: string): boolean | undefined {
  const value = raw(request, name);
  if (value === undefined) return undefined;
  if (value === 'true' || value === '') return true;
  if (value === 'false') return false;
  throw queryError(name, `expected true or false, got "${value}"`);
}

/** A positive integer parameter (seconds, counts). */
export function intParam(request: FastifyRequest, name: string): number | undefined {
  const value = raw(request, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw queryError(name, `expected a positive integer, got "${value}"`);
  }
  return n;
}

/** A parameter taking one of `choices`. */
export function enumParam<T extends string>(
  request: FastifyRequest,
  name: string,
  choices: readonly T[],
): T | undefined {
  const value = raw(request, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw queryError(name, `expected one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** A free-text parameter. */
export function stringParam(request: FastifyRequest, name: string): string | undefined {
  return raw(request, name);
}

/**
 * `wait` (default `false`, as in Qdrant: the answer says `acknowledged`; Quiver still answers
 * only once the change is durable), `ordering` and `timeout` of write endpoints.
 */
export function writeQuery(request: FastifyRequest): WriteQuery {
  const out: WriteQuery = { wait: boolParam(request, 'wait') ?? false };
  const ordering = enumParam(request, 'ordering', ['weak', 'medium', 'strong'] as const);
  if (ordering !== undefined) out.ordering = ordering;
  const timeout = intParam(request, 'timeout');
  if (timeout !== undefined) out.timeout = timeout;
  return out;
}

/** `consistency` (a replica count or majority/quorum/all; one node: accepted, no effect) and `timeout`. */
export function readQuery(request: FastifyRequest): ReadQuery {
  const out: ReadQuery = {};
  const consistency = raw(request, 'consistency');
  if (consistency !== undefined) {
    if (/^\d+$/.test(consistency)) out.consistency = Number(consistency);
    else
      out.consistency = enumParam(request, 'consistency', ['majority', 'quorum', 'all'] as const);
  }
  const timeout = intParam(request, 'timeout');
  if (timeout !== undefined) out.timeout = timeout;
  return out;
}

/** Only `timeout`, for collection-level operations. */
export function timeoutQuery(request: FastifyRequest): { timeout?: number } {
  const timeout = intParam(request, 'timeout');
  return timeout === undefined ? {} : { timeout };
}

/**
 * The request body as an object: `{}` when there is none, Qdrant's format error when it is
 * JSON of another type (an array, a string...).
 */
export function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    const got = Array.isArray(body) ? 'an array' : `a ${typeof body}`;
    throw new QuiverError(
      'INVALID_REQUEST',
      `Format error in JSON body: expected a JSON object, got ${got}`,
    );
  }
  return body as Record<string, unknown>;
}

/** A path parameter. */
export function pathParam(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}
