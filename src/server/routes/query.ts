/** The Query API, facets and the distance matrix. */
import type { RouteScope } from './index.js';
import { type ReadRoute, addReadRoutes } from './read-routes.js';

const ROUTES: readonly ReadRoute[] = [
  {
    path: '/points/query',
    operation: 'query_points',
    engine: 'query',
    body: 'QueryRequest',
    summary:
      'Query points: nearest, recommend, discover, context, fusion, order_by, sample; prefetch',
    tags: ['Search'],
  },
  {
    path: '/points/query/batch',
    operation: 'query_batch_points',
    engine: 'queryBatch',
    body: 'QueryRequestBatch',
    summary: 'Several queries in one request',
    tags: ['Search'],
  },
  {
    path: '/points/query/groups',
    operation: 'query_points_groups',
    engine: 'queryGroups',
    body: 'QueryGroupsRequest',
    summary: 'Query with hits grouped by a payload key',
    tags: ['Search'],
  },
  {
    path: '/facet',
    operation: 'facet',
    engine: 'facet',
    body: 'FacetRequest',
    summary: 'Counts of the values of a payload key',
    tags: ['Search'],
  },
  {
    path: '/points/search/matrix/pairs',
    operation: 'search_matrix_pairs',
    engine: 'searchMatrixPairs',
    body: 'SearchMatrixRequest',
    summary: 'Distance matrix of a sample, as pairs',
    tags: ['Search'],
  },
  {
    path: '/points/search/matrix/offsets',
    operation: 'search_matrix_offsets',
    engine: 'searchMatrixOffsets',
    body: 'SearchMatrixRequest',
    summary: 'Distance matrix of a sample, as offsets',
    tags: ['Search'],
  },
];

/** Registers the Query API, facet and matrix routes. */
export function queryRoutes(scope: RouteScope): void {
  addReadRoutes(scope, ROUTES);
}
