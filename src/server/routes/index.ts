/** Registers every Qdrant route over the engine. */
import type { FastifyInstance } from 'fastify';
import type { Quiver } from '../../db/quiver.js';

/** What every route module receives. */
export interface RouteContext {
  db: Quiver;
}

/** Registers the Qdrant API routes on `app`. */
export async function registerRoutes(_app: FastifyInstance, _context: RouteContext): Promise<void> {
  // The route modules are registered here as they land.
}
