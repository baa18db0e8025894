/**
 * Read routes that map one-to-one on an engine method taking `(name, body & ReadParams)`:
 * the Query API, legacy search, facet, distance matrix and the extensions share this shape.
 */
import type { FastifyRequest } from 'fastify';
import { bodyObject, pathParam, readQuery } from '../params.js';
import { addRoute, qdrantBody } from '../route.js';
import type { RouteScope } from './index.js';

/** Engine methods of the shape `(name, args) => Promise<result>` used by read routes (`db[method]` checks each is one). */
export type ReadMethod =
  | 'query'
  | 'queryBatch'
  | 'queryGroups'
  | 'search'
  | 'searchBatch'
  | 'searchGroups'
  | 'recommend'
  | 'recommendBatch'
  | 'recommendGroups'
  | 'discover'
  | 'discoverBatch'
  | 'facet'
  | 'searchMatrixPairs'
  | 'searchMatrixOffsets'
  | 'similarity'
  | 'findDuplicates'
  | 'rangeSearch';

/** One read route. */
export interface ReadRoute {
  /** Path after `/collections/{collection_name}`. */
  path: string;
  operation: string;
  engine: ReadMethod;
  summary: string;
  tags: string[];
  /** Qdrant schema name of the body, or a full schema (extensions). */
  body: string | Record<string, unknown>;
  result?: Record<string, unknown>;
}

/** Registers `routes` as POST routes under `/collections/{collection_name}`. */
export function addReadRoutes({ app, db }: RouteScope, routes: readonly ReadRoute[]): void {
  for (const r of routes) {
    const run = db[r.engine] as (name: string, args: unknown) => Promise<unknown>;
    addRoute(app, {
      method: 'POST',
      url: `/collections/:collection_name${r.path}`,
      operation: r.operation,
      kind: 'read',
      summary: r.summary,
      tags: r.tags,
      query: ['consistency', 'timeout'],
      body: typeof r.body === 'string' ? qdrantBody(r.body) : r.body,
      ...(r.result === undefined ? {} : { result: r.result }),
      handler: (request: FastifyRequest) =>
        run.call(db, pathParam(request, 'collection_name'), {
          ...bodyObject(request),
          ...readQuery(request),
        }),
    });
  }
}
