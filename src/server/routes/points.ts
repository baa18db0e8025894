/** Points and payloads: writes (upsert, delete, vectors, payload, batch) and reads (retrieve, scroll, count). */
import type { FastifyRequest } from 'fastify';
import type { Quiver, WriteParams } from '../../db/quiver.js';
import { QuiverError } from '../../errors.js';
import { bodyObject, pathParam, readQuery, writeQuery } from '../params.js';
import { UPDATE_RESULT_SCHEMA, addRoute, qdrantBody } from '../route.js';
import type { RouteScope } from './index.js';

type WriteMethod =
  | 'upsert'
  | 'delete'
  | 'updateVectors'
  | 'deleteVectors'
  | 'setPayload'
  | 'overwritePayload'
  | 'deletePayload'
  | 'clearPayload';

/** The point writes that map one-to-one on an engine method taking `(name, body & WriteParams)`. */
const WRITES: {
  method: 'PUT' | 'POST';
  path: string;
  operation: string;
  engine: WriteMethod;
  body: string;
  summary: string;
}[] = [
  {
    method: 'PUT',
    path: '',
    operation: 'upsert_points',
    engine: 'upsert',
    body: 'PointInsertOperations',
    summary: 'Insert or replace points',
  },
  {
    method: 'POST',
    path: '/delete',
    operation: 'delete_points',
    engine: 'delete',
    body: 'PointsSelector',
    summary: 'Delete points by ids or filter',
  },
  {
    method: 'PUT',
    path: '/vectors',
    operation: 'update_vectors',
    engine: 'updateVectors',
    body: 'UpdateVectors',
    summary: 'Set vectors of existing points',
  },
  {
    method: 'POST',
    path: '/vectors/delete',
    operation: 'delete_vectors',
    engine: 'deleteVectors',
    body: 'DeleteVectors',
    summary: 'Remove named vectors from points',
  },
  {
    method: 'POST',
    path: '/payload',
    operation: 'set_payload',
    engine: 'setPayload',
    body: 'SetPayload',
    summary: 'Merge keys into the payload of points',
  },
  {
    method: 'PUT',
    path: '/payload',
    operation: 'overwrite_payload',
    engine: 'overwritePayload',
    body: 'SetPayload',
    summary: 'Replace the payload of points',
  },
  {
    method: 'POST',
    path: '/payload/delete',
    operation: 'delete_payload',
    engine: 'deletePayload',
    body: 'DeletePayload',
    summary: 'Remove payload keys from points',
  },
  {
    method: 'POST',
    path: '/payload/clear',
    operation: 'clear_payload',
    engine: 'clearPayload',
    body: 'PointsSelector',
    summary: 'Remove the whole payload of points',
  },
];

/** A point id from a URL path: digits are an integer (exact beyond 2^53), anything else a UUID. */
export function pointIdFromPath(text: string): number | bigint | string {
  if (!/^\d+$/.test(text)) return text;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** Registers the point routes. */
export function pointRoutes({ app, db }: RouteScope): void {
  const name = (request: FastifyRequest): string => pathParam(request, 'collection_name');
  const writeArgs = (request: FastifyRequest): WriteParams & Record<string, unknown> => ({
    ...bodyObject(request),
    ...writeQuery(request),
  });

  for (const w of WRITES) {
    addRoute(app, {
      method: w.method,
      url: `/collections/:collection_name/points${w.path}`,
      operation: w.operation,
      kind: 'write',
      summary: w.summary,
      tags: ['Points'],
      query: ['wait', 'ordering', 'timeout'],
      body: qdrantBody(w.body),
      result: UPDATE_RESULT_SCHEMA,
      handler: (request) =>
        (db[w.engine] as (n: string, a: unknown) => ReturnType<Quiver['upsert']>).call(
          db,
          name(request),
          writeArgs(request),
        ),
    });
  }
  addRoute(app, {
    method: 'POST',
    url: '/collections/:collection_name/points/batch',
    operation: 'batch_update',
    kind: 'write',
    summary: 'Several point operations, applied all or nothing',
    tags: ['Points'],
    query: ['wait', 'ordering', 'timeout'],
    body: qdrantBody('UpdateOperations'),
    result: { type: 'array', items: UPDATE_RESULT_SCHEMA },
    handler: (request) =>
      db.batchUpdate(
        name(request),
        writeArgs(request) as unknown as Parameters<Quiver['batchUpdate']>[1],
      ),
  });

  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name/points/:id',
    operation: 'get_point',
    kind: 'read',
    summary: 'One point with its payload and vectors (404 when absent)',
    tags: ['Points'],
    query: ['consistency'],
    handler: async (request) => {
      const text = pathParam(request, 'id');
      const [record] = await db.retrieve(name(request), {
        ids: [pointIdFromPath(text) as number],
        with_payload: true,
        with_vector: true,
        ...readQuery(request),
      });
      if (record === undefined) {
        throw new QuiverError('POINT_NOT_FOUND', `Not found: No point with id ${text} found`);
      }
      return record;
    },
  });
  const reads = [
    {
      path: '',
      operation: 'get_points',
      engine: 'retrieve',
      body: 'PointRequest',
      summary: 'Points by id (unknown ids skipped)',
    },
    {
      path: '/scroll',
      operation: 'scroll_points',
      engine: 'scroll',
      body: 'ScrollRequest',
      summary: 'A page of points, by id or by a payload key',
    },
    {
      path: '/count',
      operation: 'count_points',
      engine: 'count',
      body: 'CountRequest',
      summary: 'Number of points matching a filter',
    },
  ] as const;
  for (const r of reads) {
    addRoute(app, {
      method: 'POST',
      url: `/collections/:collection_name/points${r.path}`,
      operation: r.operation,
      kind: 'read',
      summary: r.summary,
      tags: ['Points'],
      query: ['consistency', 'timeout'],
      body: qdrantBody(r.body),
      handler: (request) =>
        (db[r.engine] as (n: string, a: unknown) => Promise<unknown>).call(db, name(request), {
          ...bodyObject(request),
          ...readQuery(request),
        }),
    });
  }
}
