/**
 * API keys. With `service.api_key` (and optionally `service.read_only_api_key`) set, every
 * request but the health checks must carry a key, in the `api-key` header (Qdrant's) or as
 * `Authorization: Bearer <key>`:
 * - no key or a wrong key: 401, before routing, so even an unknown URL tells nothing;
 * - the read-only key on a write or admin route: 403.
 * Keys are compared in constant time (as SHA-256 digests, so lengths leak nothing either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from '../envelope.js';
import { isWrite } from './request-meta.js';

/** Options of {@link registerAuth}. */
export interface AuthOptions {
  /** Full-access key; empty: no authentication at all. */
  apiKey: string;
  /** Read-only key; empty: none. */
  readOnlyApiKey: string;
}

/** Paths that never need a key (probes must work without secrets). */
export const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz']);

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1];
  }
  return undefined;
}

/** Adds the key check (an `onRequest` hook) when a key is configured. */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  if (options.apiKey === '' && options.readOnlyApiKey === '') return;
  const full = options.apiKey === '' ? undefined : digest(options.apiKey);
  const readOnly = options.readOnlyApiKey === '' ? undefined : digest(options.readOnlyApiKey);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    if (PUBLIC_PATHS.has(path) || request.method === 'OPTIONS') return;
    const startedAt = performance.now();
    const key = presentedKey(request);
    const given = key === undefined ? undefined : digest(key);
    const isFull = given !== undefined && full !== undefined && timingSafeEqual(given, full);
    const isReadOnly =
      given !== undefined && readOnly !== undefined && timingSafeEqual(given, readOnly);
    if (!isFull && !isReadOnly) {
      reply.header('www-authenticate', 'Bearer');
      return reply
        .code(401)
        .send(
          errorBody(
            key === undefined
              ? 'Unauthorized: must provide an API key in the `api-key` header or as `Authorization: Bearer <key>`'
              : 'Unauthorized: invalid API key',
            startedAt,
          ),
        );
    }
    if (isReadOnly && !isFull && isWrite(request)) {
      return reply
        .code(403)
        .send(
          errorBody(
            'Forbidden: the read-only API key cannot change data; use the full-access api_key for writes',
            startedAt,
          ),
        );
    }
  });
}
