/**
 * Quiver extensions (not in Qdrant's API), under `/collections/{name}/points/...` next to the
 * Qdrant search routes: the similarity of two stored points, near-duplicate pairs and range
 * search. Each has a full body schema in `/openapi.json` (there is no Qdrant schema to name).
 */
import type { RouteScope } from './index.js';
import { type ReadRoute, addReadRoutes } from './read-routes.js';

const TAGS = ['Quiver extensions'];

const POINT_ID = {
  description: 'Point id: unsigned integer or UUID string.',
  oneOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', format: 'uuid' },
  ],
};
const USING = { type: 'string', description: 'Vector name (default: the unnamed vector).' };
const THRESHOLD = {
  type: 'number',
  description:
    'Score a result must meet: `>=` for Cosine and Dot, `<=` for Euclid and Manhattan (as `score_threshold`).',
};
const FILTER = { type: 'object', description: "Qdrant's `Filter`." };
const LIMIT = { type: 'integer', minimum: 1, default: 10 };
const OFFSET = { type: 'integer', minimum: 0, default: 0, description: 'Results to skip.' };
const NEXT_OFFSET = {
  type: 'integer',
  nullable: true,
  description: '`offset` of the next page, null on the last one.',
};

const ROUTES: readonly ReadRoute[] = [
  {
    path: '/points/similarity',
    operation: 'quiver_similarity',
    engine: 'similarity',
    summary: 'Score of two stored points under one vector',
    tags: TAGS,
    body: {
      type: 'object',
      required: ['a', 'b'],
      properties: { a: POINT_ID, b: POINT_ID, using: USING },
    },
    result: { type: 'object', required: ['score'], properties: { score: { type: 'number' } } },
  },
  {
    path: '/points/duplicates',
    operation: 'quiver_find_duplicates',
    engine: 'findDuplicates',
    summary: 'Pairs of points whose score meets a threshold, best first, paged',
    tags: TAGS,
    body: {
      type: 'object',
      required: ['threshold'],
      properties: {
        threshold: THRESHOLD,
        using: USING,
        filter: FILTER,
        limit: LIMIT,
        offset: OFFSET,
      },
    },
    result: {
      type: 'object',
      required: ['pairs', 'next_offset'],
      properties: {
        pairs: {
          type: 'array',
          items: {
            type: 'object',
            required: ['a', 'b', 'score'],
            properties: { a: POINT_ID, b: POINT_ID, score: { type: 'number' } },
          },
        },
        next_offset: NEXT_OFFSET,
      },
    },
  },
  {
    path: '/points/range',
    operation: 'quiver_range_search',
    engine: 'rangeSearch',
    summary: 'Every point whose score for a query meets a threshold, best first, paged',
    tags: TAGS,
    body: {
      type: 'object',
      required: ['query', 'threshold'],
      properties: {
        query: {
          description: "Qdrant's `VectorInput`: a vector, sparse vector, multivector or point id.",
        },
        threshold: THRESHOLD,
        using: USING,
        filter: FILTER,
        limit: LIMIT,
        offset: OFFSET,
        with_payload: { description: "Qdrant's `WithPayloadInterface`." },
        with_vector: { description: "Qdrant's `WithVector`." },
      },
    },
    result: {
      type: 'object',
      required: ['points', 'next_offset'],
      properties: {
        points: {
          type: 'array',
          items: { type: 'object', description: "Qdrant's `ScoredPoint`." },
        },
        next_offset: NEXT_OFFSET,
      },
    },
  },
];

/** Registers the extension routes. */
export function extensionRoutes(scope: RouteScope): void {
  addReadRoutes(scope, ROUTES);
}
