/**
 * Draining during shutdown (once `state.stopping` is set): requests that still arrive on open
 * keep-alive connections get 503 in Qdrant's envelope (the probes answer as usual, `/readyz`
 * with 503), and every answer closes its HTTP/1 connection, so the drain ends as soon as the
 * requests in flight are answered.
 */
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../envelope.js';
import { PUBLIC_PATHS } from './auth.js';
import type { ServerState } from './state.js';

/** Adds the draining hooks. */
export function registerDraining(app: FastifyInstance, state: ServerState): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    if (!state.stopping || PUBLIC_PATHS.has(path)) return;
    return reply
      .code(503)
      .send(
        errorBody(
          'Service unavailable: the server is shutting down; retry (another instance, or this one after its restart)',
          performance.now(),
        ),
      );
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // HTTP/2 has no Connection header; its sessions end when the server closes.
    if (state.stopping && request.raw.httpVersionMajor < 2) reply.header('connection', 'close');
    return payload;
  });
}
