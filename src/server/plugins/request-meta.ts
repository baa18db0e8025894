/**
 * Reads the `RouteMeta` (kind, operation) that routes carry as Fastify `config`, and the
 * collection a request targets. Requests that matched no route have no meta.
 */
import type { FastifyRequest } from 'fastify';
import type { RouteMeta } from '../envelope.js';

/** The route's meta, or `undefined` for an unmatched URL (404) or a route without one. */
export function routeMeta(request: FastifyRequest): RouteMeta | undefined {
  const config = request.routeOptions.config as Partial<RouteMeta> | undefined;
  return config?.kind === undefined ? undefined : (config as RouteMeta);
}

/**
 * True when the request changes data: routes of kind `write` or `admin`, except GET and HEAD
 * (listing and downloading snapshots are admin routes, but they only read, and must work in
 * read-only mode: downloading a snapshot is how one moves data off a full disk).
 */
export function isWrite(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  const kind = routeMeta(request)?.kind;
  return kind === 'write' || kind === 'admin';
}

/** The `{collection_name}` path parameter, if the route has one. */
export function collectionOf(request: FastifyRequest): string | undefined {
  const params = request.params as Record<string, unknown> | undefined;
  const name = params?.collection_name ?? params?.name;
  return typeof name === 'string' ? name : undefined;
}
