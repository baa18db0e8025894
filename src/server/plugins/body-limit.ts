/**
 * Fastify refuses a body over `bodyLimit` with 413 before the route runs (from
 * `content-length` when there is one, else while reading). This hook rewrites that answer into
 * Qdrant's error envelope with a message naming the limit and the setting that raises it,
 * whatever error handler the routes install.
 */
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../envelope.js';

/** Adds the 413 rewrite (an `onSend` hook). `limitBytes` is the configured body limit. */
export function registerBodyLimit(app: FastifyInstance, limitBytes: number): void {
  const limitMb = limitBytes / (1024 * 1024);
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 413) return payload;
    const length = Number(request.headers['content-length']);
    const size = Number.isFinite(length) ? ` (${(length / (1024 * 1024)).toFixed(1)} MiB)` : '';
    reply.type('application/json; charset=utf-8');
    return JSON.stringify(
      errorBody(
        `Payload too large: the request body${size} is over the server's limit of ${limitMb} MiB; send smaller batches or raise service.body_limit_mb (env QUIVER__SERVICE__BODY_LIMIT_MB, flag --set service.body_limit_mb=...)`,
        performance.now() - reply.elapsedTime,
      ),
    );
  });
}
