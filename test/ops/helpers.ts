// Shared by the ops tests: a config for a throwaway server, and stand-in Qdrant routes (kind and
// operation as the real routes declare them) so the plugins can be tested before and apart from
// the real route modules.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Quiver } from '../../src/db/quiver.js';
import { isQuiverError } from '../../src/errors.js';
import { loadConfig } from '../../src/server/config/load.js';
import type { Config } from '../../src/server/config/schema.js';
import { type RouteMeta, errorBody, httpStatusOf, okBody } from '../../src/server/envelope.js';

/** A fresh temporary directory. */
export function tempDir(prefix = 'quiver-ops-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A config on port 0 in a temp data dir, logs off, with `settings` as `--set` flags. */
export function testConfig(settings: Record<string, string> = {}): Config {
  const flags = Object.entries({
    'service.port': '0',
    'storage.data_dir': join(tempDir(), 'data'),
    'log.level': 'silent',
    ...settings,
  }).map(([key, value]) => ({ key, value, flag: `--set ${key}` }));
  return loadConfig({ flags }).config;
}

/**
 * Prefix of the stand-in routes, so they never clash with the real Qdrant routes in the same app
 * (the plugins key on each route's `kind` and `operation`, not on its URL).
 */
export const API = '/standin';

/** Registers create-collection, upsert, query and delete routes like the Qdrant route modules. */
export function standInRoutes(app: FastifyInstance, db: Quiver): void {
  const meta = (kind: RouteMeta['kind'], operation: string): { config: RouteMeta } => ({
    config: { kind, operation },
  });
  const run = async (work: () => Promise<unknown>, reply: FastifyReply) => {
    const t0 = performance.now();
    try {
      return okBody(await work(), t0);
    } catch (err) {
      if (!isQuiverError(err)) throw err;
      return reply.code(httpStatusOf(err.kind)).send(errorBody(err.message, t0));
    }
  };
  type Req = { params: { collection_name: string }; body: Record<string, unknown> };
  app.put(API + '/collections/:collection_name', meta('write', 'create_collection'), (r, reply) => {
    const { params, body } = r as unknown as Req;
    return run(() => db.createCollection(params.collection_name, body as never), reply);
  });
  app.put(
    API + '/collections/:collection_name/points',
    meta('write', 'upsert_points'),
    (r, reply) => {
      const { params, body } = r as unknown as Req;
      return run(() => db.upsert(params.collection_name, { ...body, wait: true } as never), reply);
    },
  );
  app.post(
    API + '/collections/:collection_name/points/query',
    meta('read', 'query_points'),
    (r, reply) => {
      const { params, body } = r as unknown as Req;
      return run(() => db.query(params.collection_name, body as never), reply);
    },
  );
  app.post(
    API + '/collections/:collection_name/points/delete',
    meta('write', 'delete_points'),
    (r, reply) => {
      const { params, body } = r as unknown as Req;
      return run(() => db.delete(params.collection_name, { ...body, wait: true } as never), reply);
    },
  );
}

/** `n` points of dimension `dim` with ids from `from`. */
export function points(n: number, dim = 4, from = 1) {
  return Array.from({ length: n }, (_, i) => ({
    id: from + i,
    vector: Array.from({ length: dim }, (_, j) => ((i + 1) * (j + 2)) % 7),
    payload: { i: from + i },
  }));
}
