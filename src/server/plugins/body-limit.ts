/**
 * Fastify refuses a body over `bodyLimit` with 413 before the route runs (from
 * `content-length` when there is one, else while reading). This hook rewrites that answer into
 * Qdrant's error envelope with a message naming the limit and the setting that raises it,
 * whatever error handler the routes install.
 */
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../envelope.js';

/** `1536` -> `1.5 KiB`. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Adds the 413 rewrite (an `onSend` hook). `limitMb` is `service.body_limit_mb`. */
export function registerBodyLimit(app: FastifyInstance, limitMb: number): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 413) return payload;
    const length = Number(request.headers['content-length']);
    const size = Number.isFinite(length) ? ` (${formatBytes(length)})` : '';
    reply.type('application/json; charset=utf-8');
    return JSON.stringify(
      errorBody(
        `Payload too large: the request body${size} is over the server's limit of ${limitMb} MiB; send smaller batches or raise service.body_limit_mb (env QUIVER__SERVICE__BODY_LIMIT_MB, flag --set service.body_limit_mb=...)`,
        performance.now() - reply.elapsedTime,
      ),
    );
  });
}
