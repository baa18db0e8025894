/**
 * Probes, with Qdrant's paths and answers:
 * - `/healthz` and `/livez`: the process is up and its event loop answers (200 always);
 * - `/readyz`: 200 once every collection was loaded and checked, 503 while starting and from
 *   the moment shutdown begins (so a load balancer drains the instance first).
 * They need no API key. Collections that failed their check are named in the answer; the
 * others still serve.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteMeta } from '../envelope.js';
import type { ServerState } from './state.js';

/** Text of `/readyz` for `state`, with its status code. */
export function readiness(state: ServerState): { code: number; text: string } {
  if (state.stopping) return { code: 503, text: 'not ready: shutting down' };
  if (!state.ready) return { code: 503, text: 'not ready: loading collections' };
  if (state.failedCollections.size === 0) return { code: 200, text: 'all collections are ready' };
  const failed = [...state.failedCollections].map(([name, why]) => `${name} (${why})`).join('; ');
  return {
    code: 200,
    text: `ready; these collections failed to load and are not served: ${failed}`,
  };
}

/** Registers `/healthz`, `/livez` and `/readyz`. */
export function registerHealth(app: FastifyInstance, state: ServerState): void {
  const probe = (operation: string): { config: RouteMeta } => ({
    config: { kind: 'service', operation },
  });
  app.get('/healthz', probe('healthz'), async (_request, reply) =>
    reply.type('text/plain').send('healthz check passed'),
  );
  app.get('/livez', probe('livez'), async (_request, reply) =>
    reply.type('text/plain').send('livez check passed'),
  );
  app.get('/readyz', probe('readyz'), async (_request, reply) => {
    const { code, text } = readiness(state);
    return reply.code(code).type('text/plain').send(text);
  });
}
