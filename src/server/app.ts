/**
 * `buildApp(db, options)`: the Qdrant-compatible REST API as a Fastify instance, apart from
 * `listen` (tests start it on port 0; `quiver serve` adds config, TLS, signals and logging).
 *
 * Order of assembly, which the operational plugins rely on:
 * 1. Fastify is created with `options.fastify` (logger, TLS, HTTP/2, body limit, timeouts...).
 * 2. `options.beforeRoutes(app)` runs: auth, CORS, security headers, compression, metrics,
 *    health routes and limits register their hooks here, so the hooks cover every route.
 * 3. The error handler (Qdrant's error envelope) and the Qdrant routes are registered.
 * Each route carries `config: RouteMeta` so plugins can tell reads from writes.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Quiver } from '../db/quiver.js';
import { registerRoutes } from './routes/index.js';

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** Passed to `Fastify()`; the app adds its own JSON handling on top. Default: no logger. */
  fastify?: FastifyServerOptions;
  /** Registers hooks and routes that must cover every API route (auth, metrics, health...). */
  beforeRoutes?: (app: FastifyInstance) => Promise<void> | void;
}

/** Builds the REST API over an open database. The caller owns `db` and closes it after the app. */
export async function buildApp(db: Quiver, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(options.fastify ?? {});
  if (options.beforeRoutes) await options.beforeRoutes(app);
  await registerRoutes(app, { db });
  return app;
}
