/**
 * Request ids and the slow-query log. Fastify tags every log line of a request with `reqId`;
 * the id comes from the client's `x-request-id` (when it is a sane token) or is generated, and
 * is echoed back in the `x-request-id` response header so a client can quote it.
 * Requests slower than `log.slow_query_ms` are logged at `warn` with route, operation,
 * collection and duration; at `debug` the body of a slow read (the query) is logged with them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { collectionOf, routeMeta } from './request-meta.js';

/** Request id header, read and echoed. */
export const REQUEST_ID_HEADER = 'x-request-id';

const SAFE_ID = /^[\w.:@/+=-]{1,128}$/;

/** Fastify's `genReqId`: the client's id when safe to log, else a new UUID. */
export function requestIdFrom(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

/** Options of {@link registerRequestLog}. */
export interface RequestLogOptions {
  /** Threshold in ms; 0 turns the slow-query log off. */
  slowQueryMs: number;
}

const MAX_LOGGED_BODY = 4096;

/** Echoes the request id and logs slow requests. */
export function registerRequestLog(app: FastifyInstance, options: RequestLogOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  if (options.slowQueryMs <= 0) return;
  app.addHook('onResponse', async (request, reply) => {
    const ms = reply.elapsedTime;
    if (ms < options.slowQueryMs) return;
    const meta = routeMeta(request);
    request.log.warn(
      {
        slow: true,
        route: request.routeOptions.url,
        operation: meta?.operation,
        collection: collectionOf(request),
        statusCode: reply.statusCode,
        ms: Math.round(ms * 10) / 10,
        thresholdMs: options.slowQueryMs,
      },
      'slow request',
    );
    // Only queries: a write's body can be a 100 MB batch.
    if (
      meta?.kind === 'read' &&
      (request.log.level === 'debug' || request.log.level === 'trace') &&
      request.body != null
    ) {
      let body = JSON.stringify(request.body) ?? '';
      if (body.length > MAX_LOGGED_BODY) body = `${body.slice(0, MAX_LOGGED_BODY)}...`;
      request.log.debug({ slow: true, body }, 'slow request body');
    }
  });
}
