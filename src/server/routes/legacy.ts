/**
 * Qdrant's search, recommend and discover endpoints, removed from Qdrant 1.19's API and still
 * used by clients up to 1.18 (`@qdrant/js-client-rest` 1.18 `search()`, LangChain...).
 */
import type { RouteScope } from './index.js';
import { type ReadRoute, addReadRoutes } from './read-routes.js';

const TAGS = ['Legacy search (Qdrant 1.18)'];

const ROUTES: readonly ReadRoute[] = [
  {
    path: '/points/search',
    operation: 'search_points',
    engine: 'search',
    body: 'SearchRequest',
    summary: 'Nearest points to a vector',
    tags: TAGS,
  },
  {
    path: '/points/search/batch',
    operation: 'search_batch_points',
    engine: 'searchBatch',
    body: 'SearchRequestBatch',
    summary: 'Several searches in one request',
    tags: TAGS,
  },
  {
    path: '/points/search/groups',
    operation: 'search_point_groups',
    engine: 'searchGroups',
    body: 'SearchGroupsRequest',
    summary: 'Search with hits grouped by a payload key',
    tags: TAGS,
  },
  {
    path: '/points/recommend',
    operation: 'recommend_points',
    engine: 'recommend',
    body: 'RecommendRequest',
    summary: 'Points like the positive and unlike the negative examples',
    tags: TAGS,
  },
  {
    path: '/points/recommend/batch',
    operation: 'recommend_batch_points',
    engine: 'recommendBatch',
    body: 'RecommendRequestBatch',
    summary: 'Several recommendations in one request',
    tags: TAGS,
  },
  {
    path: '/points/recommend/groups',
    operation: 'recommend_point_groups',
    engine: 'recommendGroups',
    body: 'RecommendGroupsRequest',
    summary: 'Recommendations grouped by a payload key',
    tags: TAGS,
  },
  {
    path: '/points/discover',
    operation: 'discover_points',
    engine: 'discover',
    body: 'DiscoverRequest',
    summary: 'Discovery search with a target and context pairs',
    tags: TAGS,
  },
  {
    path: '/points/discover/batch',
    operation: 'discover_batch_points',
    engine: 'discoverBatch',
    body: 'DiscoverRequestBatch',
    summary: 'Several discovery searches in one request',
    tags: TAGS,
  },
];

/** Registers the legacy search routes. */
export function legacyRoutes(scope: RouteScope): void {
  addReadRoutes(scope, ROUTES);
}
