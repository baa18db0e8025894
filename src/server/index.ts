/**
 * `quiverdb/server`: the Qdrant-compatible REST API as a Fastify app over an open `Quiver`, for
 * programs that serve it themselves (`quiver serve` is the ready-made way).
 */
export { buildApp, DEFAULT_BODY_LIMIT } from './app.js';
export type { AppOptions } from './app.js';
export { errorBody, httpStatusOf, okBody } from './envelope.js';
export type { RouteMeta } from './envelope.js';
export { QDRANT_COMPATIBLE_VERSION, QUIVER_VERSION } from './version.js';
