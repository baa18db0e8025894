/**
 * `GET /` (Qdrant's version answer, which clients check before they talk to a server) and the
 * beta `/issues` and 1.19 `/quotas` endpoints, answered as a standalone node without them.
 */
import { QuiverError } from '../../errors.js';
import { addRoute } from '../route.js';
import { QDRANT_COMPATIBLE_VERSION, QUIVER_VERSION } from '../version.js';
import type { RouteScope } from './index.js';

/** Registers the service routes. */
export function serviceRoutes({ app }: RouteScope): void {
  addRoute(app, {
    method: 'GET',
    url: '/',
    operation: 'root',
    kind: 'service',
    summary: 'Server title and the Qdrant version it is compatible with',
    tags: ['Service'],
    raw: true,
    handler: async () => ({
      title: 'qdrant - vector search engine',
      version: QDRANT_COMPATIBLE_VERSION,
      commit: null,
      quiver_version: QUIVER_VERSION,
    }),
  });
  addRoute(app, {
    method: 'GET',
    url: '/issues',
    operation: 'get_issues',
    kind: 'read',
    summary: 'Performance issues Qdrant detected (Quiver: none)',
    tags: ['Service'],
    raw: true,
    handler: async () => ({ issues: [] }),
  });
  addRoute(app, {
    method: 'DELETE',
    url: '/issues',
    operation: 'clear_issues',
    kind: 'admin',
    summary: 'Clear reported issues',
    tags: ['Service'],
    handler: async () => true,
  });
  addRoute(app, {
    method: 'GET',
    url: '/quotas',
    operation: 'get_quotas',
    kind: 'read',
    summary: 'Resource quotas (Quiver: none configured)',
    tags: ['Service'],
    handler: async () => ({
      config: { enabled: false },
      usage: { resident_memory_percent: null, disk_usage_percent: null },
    }),
  });
  addRoute(app, {
    method: 'PUT',
    url: '/quotas',
    operation: 'update_quotas',
    kind: 'admin',
    summary: 'Set resource quotas (not supported)',
    tags: ['Service'],
    query: ['wait'],
    handler: async () => {
      throw new QuiverError(
        'INVALID_REQUEST',
        'Wrong input: quotas are not supported by Quiver; limit request sizes and rates with the server options instead',
      );
    },
  });
}
