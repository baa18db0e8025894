/**
 * Our OpenAPI document, generated from the route schemas (`@fastify/swagger`), served at
 * `/openapi.json`, and interactive documentation at `/docs` (`@fastify/swagger-ui`, assets
 * bundled with the package, no CDN). Qdrant's operations keep their `operationId`s; Quiver's
 * extensions are tagged `Quiver extensions`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import type { RouteMeta } from './envelope.js';
import { QDRANT_COMPATIBLE_VERSION, QUIVER_VERSION } from './version.js';

/** Registers the generator (before the routes, which it collects) and the docs routes. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Quiver REST API',
        version: QUIVER_VERSION,
        description:
          `Qdrant-compatible REST API (Qdrant ${QDRANT_COMPATIBLE_VERSION}, plus the search, ` +
          'recommend and discover endpoints of 1.18) and Quiver extensions. Every JSON answer ' +
          'is `{result, status: "ok", time}`; every failure is `{status: {error}, time}`.',
      },
      tags: [
        { name: 'Service' },
        { name: 'Collections' },
        { name: 'Aliases' },
        { name: 'Indexes' },
        { name: 'Points' },
        { name: 'Search' },
        { name: 'Legacy search (Qdrant 1.18)' },
        { name: 'Snapshots' },
        { name: 'Cluster' },
        { name: 'Quiver extensions', description: 'Not in Qdrant: see docs/API.md.' },
      ],
    },
  });
  const openApiMeta: RouteMeta = { kind: 'service', operation: 'quiver_openapi' };
  await app.register(async (scope) => {
    const meta: RouteMeta = { kind: 'service', operation: 'quiver_docs' };
    scope.addHook('onRoute', (route) => {
      // Routes of the docs plugin carry no config of their own; explicit configs win.
      route.config = { ...meta, ...(route.config as object) } as FastifyContextConfig;
    });
    await scope.register(swaggerUi, { routePrefix: '/docs' });
    scope.get(
      '/openapi.json',
      { schema: { hide: true }, config: openApiMeta as FastifyContextConfig },
      async () => app.swagger(),
    );
  });
}
