// Every bad input gets a typed error with a stable code, a path and a message naming the problem,
// and a failing request changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiver, QuiverError } from '../../src/index.js';

async function setup(): Promise<Quiver> {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 3, distance: 'Cosine' } });
  await db.createCollection('n', { vectors: { a: { size: 2, distance: 'Dot' } } });
  await db.upsert('c', { points: [{ id: 1, vector: [1, 0, 0], payload: { keep: true } }] });
  return db;
}

async function snapshot(db: Quiver): Promise<unknown> {
  return {
    c: await db.scroll('c', { limit: 100, with_vector: true }),
    n: await db.scroll('n', { limit: 100, with_vector: true }),
    collections: await db.getCollections(),
  };
}

interface Case {
  name: string;
  call: (db: Quiver) => Promise<unknown>;
  code: string;
  kind?: string;
  path?: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'wrong dimension names expected and received',
    call: (db) => db.upsert('c', { points: [{ id: 2, vector: [1, 2] }] }),
    code: 'DIMENSION_MISMATCH',
    path: 'points[0].vector',
    message: /Vector dimension error: expected dim: 3, got 2/,
  },
  {
    name: 'NaN in a vector',
    call: (db) => db.upsert('c', { points: [{ id: 2, vector: [1, NaN, 0] }] }),
    code: 'INVALID_VECTOR',
    path: 'points[0].vector[1]',
    message: /NaN is not a finite number/,
  },
  {
    name: 'Infinity in a query',
    call: (db) => db.query('c', { query: [1, Infinity, 0] }),
    code: 'INVALID_VECTOR',
    path: 'query[1]',
    message: /Infinity is not a finite number/,
  },
  {
    name: 'a string in a vector',
    call: (db) => db.upsert('c', { points: [{ id: 2, vector: [1, '2' as never, 0] }] }),
    code: 'INVALID_VECTOR',
    message: /"2" is not a finite number/,
  },
  {
    name: 'unknown collection',
    call: (db) => db.upsert('nope', { points: [{ id: 2, vector: [1, 2, 3] }] }),
    code: 'COLLECTION_NOT_FOUND',
    kind: 'not_found',
    message: /Collection `nope` doesn't exist!/,
  },
  {
    name: 'unknown vector name',
    call: (db) => db.upsert('n', { points: [{ id: 2, vector: { b: [1, 2] } }] }),
    code: 'VECTOR_NAME_NOT_FOUND',
    message: /Not existing vector name error: b .*has: "a"/,
  },
  {
    name: 'unnamed vector into a named-only collection',
    call: (db) => db.upsert('n', { points: [{ id: 2, vector: [1, 2] }] }),
    code: 'VECTOR_NAME_NOT_FOUND',
    message: /Not existing vector name/,
  },
  {
    name: 'negative id',
    call: (db) => db.upsert('c', { points: [{ id: -1, vector: [1, 2, 3] }] }),
    code: 'INVALID_ID',
    path: 'points[0].id',
    message: /-1 is not a valid point id; use an unsigned 64-bit integer or a UUID/,
  },
  {
    name: 'fractional id',
    call: (db) => db.retrieve('c', { ids: [1.5] }),
    code: 'INVALID_ID',
    path: 'ids[0]',
    message: /1.5 is not a valid point id/,
  },
  {
    name: 'non-UUID string id',
    call: (db) => db.delete('c', { points: ['not-a-uuid'] }),
    code: 'INVALID_ID',
    message: /"not-a-uuid" is not a valid point id/,
  },
  {
    name: 'id above 2^64 - 1',
    call: (db) => db.upsert('c', { points: [{ id: (2n ** 64n) as never, vector: [1, 2, 3] }] }),
    code: 'INVALID_ID',
    message: /18446744073709551616 is not a valid point id/,
  },
  {
    name: 'malformed filter',
    call: (db) => db.count('c', { filter: 'everything' as never }),
    code: 'INVALID_FILTER',
    path: 'filter',
    message: /filter/,
  },
  {
    name: 'payload that is not an object',
    call: (db) =>
      db.upsert('c', { points: [{ id: 2, vector: [1, 2, 3], payload: [1, 2] as never }] }),
    code: 'INVALID_PAYLOAD',
    path: 'points[0].payload',
    message: /payload must be a JSON object, got an array/,
  },
  {
    name: 'payload with a non-finite number',
    call: (db) => db.setPayload('c', { points: [1], payload: { x: Infinity } }),
    code: 'INVALID_PAYLOAD',
    path: 'payload.x',
    message: /must be finite/,
  },
  {
    name: 'payload with the reserved key __proto__',
    call: (db) =>
      db.upsert('c', {
        points: [{ id: 2, vector: [1, 2, 3], payload: JSON.parse('{"a":{"__proto__":{"x":1}}}') }],
      }),
    code: 'INVALID_PAYLOAD',
    path: 'points[0].payload.a.__proto__',
    message: /"__proto__" is reserved/,
  },
  {
    name: 'duplicate collection',
    call: (db) => db.createCollection('c', { vectors: { size: 3, distance: 'Cosine' } }),
    code: 'COLLECTION_EXISTS',
    kind: 'conflict',
    message: /Collection `c` already exists/,
  },
  {
    name: 'bad collection name',
    call: (db) => db.createCollection('a/b', { vectors: { size: 3, distance: 'Cosine' } }),
    code: 'INVALID_COLLECTION_NAME',
    message: /forbidden character "\/"/,
  },
  {
    name: 'unknown distance',
    call: (db) => db.createCollection('x', { vectors: { size: 3, distance: 'Cos' as never } }),
    code: 'INVALID_COLLECTION_CONFIG',
    path: 'vectors.distance',
    message: /expected one of "Cosine", "Euclid", "Dot", "Manhattan"/,
  },
  {
    name: 'zero dimension',
    call: (db) => db.createCollection('x', { vectors: { size: 0, distance: 'Dot' } }),
    code: 'INVALID_COLLECTION_CONFIG',
    path: 'vectors.size',
    message: /must be 1 or larger/,
  },
  {
    name: 'hnsw ef_construct below its minimum',
    call: (db) =>
      db.createCollection('x', {
        vectors: { size: 3, distance: 'Dot' },
        hnsw_config: { ef_construct: 1 },
      }),
    code: 'INVALID_COLLECTION_CONFIG',
    path: 'hnsw_config.ef_construct',
    message: /must be 4 or larger/,
  },
  {
    name: 'misspelt config field',
    call: (db) =>
      db.createCollection('x', { vectors: { size: 3, distance: 'Dot' }, hnsw: {} } as never),
    code: 'INVALID_COLLECTION_CONFIG',
    path: 'hnsw',
    message: /unknown field "hnsw"/,
  },
  {
    name: 'missing limit in legacy search',
    call: (db) => db.search('c', { vector: [1, 0, 0] }),
    code: 'INVALID_REQUEST',
    path: 'limit',
    message: /missing field/,
  },
  {
    name: 'limit of zero',
    call: (db) => db.scroll('c', { limit: 0 }),
    code: 'INVALID_REQUEST',
    path: 'limit',
    message: /value 0 invalid, must be 1 or larger/,
  },
  {
    name: 'payload update of a missing point',
    call: (db) => db.setPayload('c', { points: [1, 99], payload: { keep: false } }),
    code: 'POINT_NOT_FOUND',
    kind: 'not_found',
    message: /No point with id 99 found/,
  },
  {
    name: 'vector update of a missing point',
    call: (db) => db.updateVectors('c', { points: [{ id: 99, vector: [1, 1, 1] }] }),
    code: 'POINT_NOT_FOUND',
    message: /No point with id 99/,
  },
  {
    name: 'a batch whose third operation fails applies none of them',
    call: (db) =>
      db.batchUpdate('c', {
        operations: [
          { upsert: { points: [{ id: 5, vector: [0, 1, 0] }] } },
          { delete: { points: [1] } },
          { set_payload: { payload: { x: 1 }, points: [77] } },
        ],
      }),
    code: 'POINT_NOT_FOUND',
    message: /No point with id 77/,
  },
  {
    name: 'a batch with a malformed operation applies none of them',
    call: (db) =>
      db.batchUpdate('c', {
        operations: [
          { delete: { points: [1] } },
          { upsert: { points: [{ id: 5, vector: [0, 1] }] } },
        ],
      }),
    code: 'DIMENSION_MISMATCH',
    path: 'operations[1].upsert.points[0].vector',
    message: /expected dim: 3, got 2/,
  },
  {
    name: 'an upsert whose last point is bad writes none of the points',
    call: (db) =>
      db.upsert('c', {
        points: [
          { id: 1, vector: [0, 0, 1] },
          { id: 2, vector: [0, 0, 1] },
          { id: 3, vector: [0, 0] },
        ],
      }),
    code: 'DIMENSION_MISMATCH',
    path: 'points[2].vector',
    message: /expected dim: 3, got 2/,
  },
  {
    name: 'both ids and filter in a selector',
    call: (db) => db.delete('c', { points: [1], filter: {} } as never),
    code: 'INVALID_REQUEST',
    message: /either "points" .* or "filter", not both/,
  },
  {
    name: 'bad wait parameter',
    call: (db) => db.upsert('c', { wait: 'yes' as never, points: [] }),
    code: 'INVALID_REQUEST',
    path: 'wait',
    message: /expected true or false/,
  },
];

for (const c of cases) {
  test(`bad input: ${c.name}`, async () => {
    const db = await setup();
    const before = await snapshot(db);
    const err = await c.call(db).then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof QuiverError, `not a QuiverError: ${String(err)}`);
    assert.equal(err.code, c.code, err.message);
    if (c.kind !== undefined) assert.equal(err.kind, c.kind);
    if (c.path !== undefined) assert.equal(err.path, c.path);
    assert.match(err.message, c.message);
    assert.deepEqual(await snapshot(db), before, 'a failed request must change nothing');
  });
}
