/**
 * `buildApp(db, options)`: the Qdrant-compatible REST API as a Fastify instance, apart from
 * `listen` (tests start it on port 0; `quiver serve` adds config, TLS, signals and logging).
 *
 * Order of assembly, which the operational plugins rely on:
 * 1. Fastify is created with `options.fastify` (logger, TLS, HTTP/2, body limit, timeouts...).
 * 2. `options.beforeRoutes(app)` runs: auth, CORS, security headers, compression, metrics,
 *    health routes and limits register their hooks here, so the hooks cover every route.
 * 3. The OpenAPI generator, then, in one encapsulated scope, the JSON handling (lossless
 *    parse and serialise), the error handler (Qdrant's error envelope) and the Qdrant routes.
 * Each route carries `config: RouteMeta` so plugins can tell reads from writes.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Quiver } from '../db/quiver.js';
import { QuiverError } from '../errors.js';
import { installErrorHandlers, installNotFoundHandler } from './error-handler.js';
import { parseJsonBody, stringifyJson } from './json.js';
import { registerOpenApi } from './openapi.js';
import { registerRoutes } from './routes/index.js';

/**
 * Default request body limit: 256 MiB. Qdrant's default is 32 MB; a bulk upsert of 10,000
 * 768-dimensional vectors as JSON is about 150 MB, which one request should carry.
 * Set `fastify.bodyLimit` to change it.
 */
export const DEFAULT_BODY_LIMIT = 256 * 1024 * 1024;

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** Passed to `Fastify()`; the app adds its own JSON handling on top. Default: no logger. */
  fastify?: FastifyServerOptions;
  /** Registers hooks and routes that must cover every API route (auth, metrics, health...). */
  beforeRoutes?: (app: FastifyInstance) => Promise<void> | void;
}

/** Builds the REST API over an open database. The caller owns `db` and closes it after the app. */
export async function buildApp(db: Quiver, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: DEFAULT_BODY_LIMIT, ...options.fastify });
  if (options.beforeRoutes) await options.beforeRoutes(app);
  await registerOpenApi(app);
  installNotFoundHandler(app);
  await app.register(async (scope) => {
    useLosslessJson(scope);
    installErrorHandlers(scope);
    await registerRoutes(scope, { db });
  });
  return app;
}

/**
 * Request bodies of any content type except multipart are JSON (curl's default form type
 * included, as Qdrant accepts), parsed losslessly; an empty body is no body. Replies are
 * serialised with exact big integers. Schemas only document: validation is the engine's.
 */
function useLosslessJson(scope: FastifyInstance): void {
  scope.removeContentTypeParser(['application/json', 'text/plain']);
  const parser = (
    _request: unknown,
    body: string | Buffer,
    done: (err: Error | null, body?: unknown) => void,
  ) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, parseJsonBody(text));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      done(
        new QuiverError('INVALID_REQUEST', `Format error in JSON body: ${message}`, { cause: err }),
      );
    }
  };
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, parser);
  scope.addContentTypeParser('*', { parseAs: 'string' }, parser);
  scope.setValidatorCompiler(() => () => true);
  scope.setSerializerCompiler(() => stringifyJson);
  scope.setReplySerializer(stringifyJson);
}
