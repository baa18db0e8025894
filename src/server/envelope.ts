/**
 * Qdrant's response envelope, shared by every route and every plugin of the server:
 * success is `{ result, status: "ok", time }`, failure is `{ status: { error }, time }`,
 * where `time` is the seconds the request took. Kept in one place so routes, the error handler
 * and the operational plugins (auth, limits, read-only mode) answer in exactly one shape.
 */
import type { ErrorKind } from '../errors.js';

/** What a route does, set as Fastify route `config` so plugins can classify requests. */
export interface RouteMeta {
  /** `read` and `write` touch points or collections; `admin` manages snapshots and the like; `service` is health and metrics. */
  kind: 'read' | 'write' | 'admin' | 'service';
  /** The operation's `operationId` in Qdrant's OpenAPI document, or our own for extensions. */
  operation: string;
}

/** Seconds elapsed since `startedAt` (a `performance.now()` reading). */
export function elapsedSeconds(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

/** The success body. */
export function okBody<T>(result: T, startedAt: number): { result: T; status: 'ok'; time: number } {
  return { result, status: 'ok', time: elapsedSeconds(startedAt) };
}

/** The failure body. */
export function errorBody(
  message: string,
  startedAt: number,
): { status: { error: string }; time: number } {
  return { status: { error: message }, time: elapsedSeconds(startedAt) };
}

/** The one place an engine error kind becomes an HTTP status. */
export function httpStatusOf(kind: ErrorKind): number {
  switch (kind) {
    case 'bad_input':
      return 400;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'forbidden':
      return 403;
    case 'timeout':
      return 408;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}
