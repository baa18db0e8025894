/** Registers every Qdrant route over the engine, plus Quiver's extensions. */
import type { FastifyInstance } from 'fastify';
import type { Quiver } from '../../db/quiver.js';
import { clusterRoutes } from './cluster.js';
import { collectionRoutes } from './collections.js';
import { extensionRoutes } from './extensions.js';
import { legacyRoutes } from './legacy.js';
import { optimizerRoutes } from './optimizer.js';
import { pointRoutes } from './points.js';
import { queryRoutes } from './query.js';
import { serviceRoutes } from './service.js';
import { snapshotRoutes } from './snapshots.js';
import { vectorMemoryRoutes } from './vector-memory.js';

/** What every route module receives. */
export interface RouteContext {
  db: Quiver;
}

/** A route module's view: the scope to register on and the engine. */
export interface RouteScope extends RouteContext {
  app: FastifyInstance;
}

/** Registers the Qdrant API routes on `app`. */
export async function registerRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const scope: RouteScope = { app, ...context };
  serviceRoutes(scope);
  collectionRoutes(scope);
  optimizerRoutes(scope);
  vectorMemoryRoutes(scope);
  pointRoutes(scope);
  queryRoutes(scope);
  legacyRoutes(scope);
  extensionRoutes(scope);
  await snapshotRoutes(scope);
  clusterRoutes(scope);
}
