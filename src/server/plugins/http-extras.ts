/**
 * The HTTP conveniences from the Fastify ecosystem, configured for an API:
 * - compression (`@fastify/compress`): answers over 1 KiB (search results with vectors,
 *   scrolls, metrics) go out br, gzip or deflate, as the client accepts;
 * - security headers (`@fastify/helmet`): a `default-src 'none'` content security policy
 *   (relaxed for the interactive docs page, which needs its scripts), nosniff, no referrer,
 *   HSTS when the server speaks TLS;
 * - CORS (`@fastify/cors`), when `service.cors.enabled`, for `service.cors.origins`.
 */
import type { FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';

/** Options of the HTTP extras. */
export interface HttpExtrasOptions {
  /** Whether TLS is on (HSTS only makes sense then). */
  tls: boolean;
  cors: { enabled: boolean; origins: string[] };
}

/**
 * Registers compression. Call it first: compress adds its hook to each route as the route is
 * registered (onRoute), so routes registered before it would go out uncompressed.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, { threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
}

/** Registers security headers and CORS. */
export async function registerHeaders(
  app: FastifyInstance,
  options: HttpExtrasOptions,
): Promise<void> {
  await app.register(helmet, {
    // An API, not pages: a strict policy costs nothing and helps if a body is ever rendered.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    hsts: options.tls,
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url === '/docs' || request.url.startsWith('/docs/'))
      reply.removeHeader('content-security-policy');
    return payload;
  });
  if (!options.cors.enabled) return;
  const origins = options.cors.origins;
  await app.register(cors, {
    origin: origins.includes('*') ? true : origins,
    methods: ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'api-key', 'authorization', 'x-request-id'],
    exposedHeaders: ['x-request-id'],
  });
}
