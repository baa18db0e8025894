/** Collections, aliases and payload indexes: thin handlers over the engine. */
import { QuiverError } from '../../errors.js';
import { bodyObject, pathParam, timeoutQuery, writeQuery } from '../params.js';
import { UPDATE_RESULT_SCHEMA, addRoute, qdrantBody } from '../route.js';
import type { RouteScope } from './index.js';

const BOOL_RESULT = { type: 'boolean' };

/** Registers the collection, alias and payload index routes. */
export function collectionRoutes({ app, db }: RouteScope): void {
  const name = (request: Parameters<typeof pathParam>[0]): string =>
    pathParam(request, 'collection_name');

  addRoute(app, {
    method: 'GET',
    url: '/collections',
    operation: 'get_collections',
    kind: 'read',
    summary: 'List collections',
    tags: ['Collections'],
    handler: () => db.getCollections(),
  });
  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name',
    operation: 'get_collection',
    kind: 'read',
    summary: 'Collection info: status, counts, config, payload schema',
    tags: ['Collections'],
    handler: (request) => db.getCollection(name(request)),
  });
  addRoute(app, {
    method: 'PUT',
    url: '/collections/:collection_name',
    operation: 'create_collection',
    kind: 'write',
    summary: 'Create a collection',
    tags: ['Collections'],
    query: ['timeout'],
    body: qdrantBody('CreateCollection'),
    result: BOOL_RESULT,
    handler: (request) =>
      db.createCollection(name(request), { ...bodyObject(request), ...timeoutQuery(request) }),
  });
  addRoute(app, {
    method: 'PATCH',
    url: '/collections/:collection_name',
    operation: 'update_collection',
    kind: 'write',
    summary: 'Update collection parameters',
    tags: ['Collections'],
    query: ['timeout'],
    body: qdrantBody('UpdateCollection'),
    result: BOOL_RESULT,
    handler: (request) =>
      db.updateCollection(name(request), { ...bodyObject(request), ...timeoutQuery(request) }),
  });
  addRoute(app, {
    method: 'DELETE',
    url: '/collections/:collection_name',
    operation: 'delete_collection',
    kind: 'write',
    summary: 'Delete a collection (`false` when there was none)',
    tags: ['Collections'],
    query: ['timeout'],
    result: BOOL_RESULT,
    handler: (request) => db.deleteCollection(name(request), timeoutQuery(request)),
  });
  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name/exists',
    operation: 'collection_exists',
    kind: 'read',
    summary: 'Whether a collection (or alias) exists',
    tags: ['Collections'],
    handler: (request) => db.collectionExists(name(request)),
  });
  for (const method of ['PUT', 'DELETE'] as const) {
    addRoute(app, {
      method,
      url: '/collections/:collection_name/vectors/:vector_name',
      operation: method === 'PUT' ? 'create_vector_name' : 'delete_vector_name',
      kind: 'write',
      summary: `${method === 'PUT' ? 'Add' : 'Remove'} a named vector (not supported yet)`,
      tags: ['Collections'],
      query: ['wait', 'ordering', 'timeout'],
      handler: async (request) => {
        await db.getCollection(name(request));
        throw new QuiverError(
          'INVALID_REQUEST',
          `Wrong input: ${method === 'PUT' ? 'adding' : 'removing'} a vector name to an existing collection is not supported by Quiver yet; create a new collection with the vectors you need and copy the points`,
        );
      },
    });
  }

  addRoute(app, {
    method: 'POST',
    url: '/collections/aliases',
    operation: 'update_aliases',
    kind: 'write',
    summary: 'Create, delete and rename aliases, atomically',
    tags: ['Aliases'],
    query: ['timeout'],
    body: qdrantBody('ChangeAliasesOperation'),
    result: BOOL_RESULT,
    handler: (request) =>
      db.updateCollectionAliases({
        ...(bodyObject(request) as { actions: [] }),
        ...timeoutQuery(request),
      }),
  });
  addRoute(app, {
    method: 'GET',
    url: '/aliases',
    operation: 'get_collections_aliases',
    kind: 'read',
    summary: 'Every alias',
    tags: ['Aliases'],
    handler: () => db.getAliases(),
  });
  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name/aliases',
    operation: 'get_collection_aliases',
    kind: 'read',
    summary: 'The aliases of one collection',
    tags: ['Aliases'],
    handler: (request) => db.getCollectionAliases(name(request)),
  });

  addRoute(app, {
    method: 'PUT',
    url: '/collections/:collection_name/index',
    operation: 'create_field_index',
    kind: 'write',
    summary: 'Create a payload index',
    tags: ['Indexes'],
    query: ['wait', 'ordering', 'timeout'],
    body: qdrantBody('CreateFieldIndex'),
    result: UPDATE_RESULT_SCHEMA,
    handler: (request) =>
      db.createPayloadIndex(name(request), {
        ...(bodyObject(request) as { field_name: string }),
        ...writeQuery(request),
      }),
  });
  addRoute(app, {
    method: 'DELETE',
    url: '/collections/:collection_name/index/:field_name',
    operation: 'delete_field_index',
    kind: 'write',
    summary: 'Delete a payload index',
    tags: ['Indexes'],
    query: ['wait', 'ordering', 'timeout'],
    result: UPDATE_RESULT_SCHEMA,
    handler: (request) =>
      db.deletePayloadIndex(name(request), pathParam(request, 'field_name'), writeQuery(request)),
  });
}
