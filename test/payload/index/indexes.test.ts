/**
 * Payload indexes as users see them: `payload_schema` (type, params, points), indexing existing
 * data, dropping, full-text semantics on a text-indexed field, persistence across close/reopen,
 * and errors for bad declarations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Quiver } from '../../../src/index.js';

async function collectionWith(points: { id: number; payload: Record<string, unknown> }[]) {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await db.upsert('c', { points: points.map((p) => ({ ...p, vector: [1, p.id] })) });
  return db;
}

const ids = async (db: Quiver, filter: unknown): Promise<unknown[]> =>
  (await db.scroll('c', { filter: filter as never, limit: 100 })).points.map((p) => p.id);

test('payload_schema reports each index with its type, params and indexed points', async () => {
  const db = await collectionWith([
    { id: 1, payload: { k: 'a' } },
    { id: 2, payload: { k: 1 } },
    { id: 3, payload: { k: ['a', 'b', 2] } },
    { id: 4, payload: {} },
    { id: 5, payload: { k: null } },
  ]);
  await db.createPayloadIndex('c', { field_name: 'k', field_schema: 'keyword' });
  let info = await db.getCollection('c');
  // Wrong-type values are not indexed: points 1 and 3 hold a string.
  assert.deepEqual(info.payload_schema.k, { data_type: 'keyword', points: 2 });
  await db.createPayloadIndex('c', {
    field_name: 'k',
    field_schema: { type: 'integer', lookup: true, range: false },
  });
  info = await db.getCollection('c');
  assert.deepEqual(info.payload_schema.k, {
    data_type: 'integer',
    params: { type: 'integer', lookup: true, range: false },
    points: 2,
  });
  await db.delete('c', { points: [3] });
  await db.setPayload('c', { payload: { k: 7 }, points: [4] });
  assert.equal((await db.getCollection('c')).payload_schema.k!.points, 2);
  await db.deletePayloadIndex('c', 'k');
  assert.deepEqual((await db.getCollection('c')).payload_schema, {});
  assert.deepEqual(await ids(db, { must: [{ key: 'k', match: { value: 7 } }] }), [4]);
  await db.close();
});

test('an index declared on existing data answers at once; tenant and principal flags are kept', async () => {
  const db = await collectionWith(
    Array.from({ length: 50 }, (_, id) => ({
      id,
      payload: {
        group: `g${id % 5}`,
        n: id,
        at: `2024-01-${String((id % 28) + 1).padStart(2, '0')}`,
      },
    })),
  );
  await db.createPayloadIndex('c', {
    field_name: 'group',
    field_schema: { type: 'keyword', is_tenant: true },
  });
  await db.createPayloadIndex('c', {
    field_name: 'n',
    field_schema: { type: 'integer', is_principal: true },
  });
  await db.createPayloadIndex('c', { field_name: 'at', field_schema: 'datetime' });
  const info = await db.getCollection('c');
  assert.deepEqual(info.payload_schema.group!.params, { type: 'keyword', is_tenant: true });
  assert.equal(info.payload_schema.at!.points, 50);
  const filter = {
    must: [
      { key: 'group', match: { value: 'g2' } },
      { key: 'n', range: { gte: 10 } },
      { key: 'at', range: { lt: '2024-01-20T00:00:00Z' } },
    ],
  };
  assert.deepEqual(
    await ids(db, filter),
    [12, 17, 22, 27, 32, 37, 42, 47].filter((id) => id % 28 < 19),
  );
  assert.equal((await db.count('c', { filter })).count, 5);
  await db.close();
});

test('a text index makes match.text, text_any and phrase match tokens instead of substrings', async () => {
  const db = await collectionWith([
    { id: 1, payload: { t: 'Vector Database for search' } },
    { id: 2, payload: { t: 'database of vectors' } },
    { id: 3, payload: { t: ['vector', 'database'] } },
  ]);
  // Without an index: substrings, case-sensitive.
  assert.deepEqual(
    await ids(db, { must: [{ key: 't', match: { text: 'database' } }] }),
    [1, 2, 3].slice(1),
  );
  const viaQuery = async () =>
    (
      await db.query('c', {
        query: [1, 0],
        filter: { must: [{ key: 't', match: { text: 'Vector' } }] },
      })
    ).points.map((p) => p.id);
  assert.deepEqual(await viaQuery(), [1]);
  await db.createPayloadIndex('c', {
    field_name: 't',
    field_schema: { type: 'text', tokenizer: 'word', lowercase: true },
  });
  // Declaring the index changes the meaning, so a cached result must not be served.
  assert.deepEqual(await viaQuery(), [1, 3]);
  // Tokens, lowercased, in any order; all in one string (point 3 holds them in two).
  const both = { must: [{ key: 't', match: { text: 'database VECTOR' } }] };
  assert.deepEqual(await ids(db, both), [1]);
  assert.equal((await db.count('c', { filter: both })).count, 1);
  assert.deepEqual(await ids(db, { must: [{ key: 't', match: { text: 'vectors' } }] }), [2]);
  assert.deepEqual(
    await ids(db, { must: [{ key: 't', match: { text_any: 'search vectors' } }] }),
    [1, 2],
  );
  assert.deepEqual(
    await ids(db, { must: [{ key: 't', match: { phrase: 'vector database' } }] }),
    [1],
  );
  assert.deepEqual(
    await ids(db, { must: [{ key: 't', match: { phrase: 'database vector' } }] }),
    [],
  );
  // The prefix tokenizer finds words by their beginning.
  await db.createPayloadIndex('c', {
    field_name: 't',
    field_schema: { type: 'text', tokenizer: 'prefix', min_token_len: 2, max_token_len: 10 },
  });
  assert.deepEqual(await ids(db, { must: [{ key: 't', match: { text: 'vec datab' } }] }), [1, 2]);
  await db.close();
});

test('geo, bool, float and uuid indexes answer their conditions', async () => {
  const u1 = '550e8400-e29b-41d4-a716-446655440000';
  const db = await collectionWith([
    { id: 1, payload: { at: { lat: 52.52, lon: 13.4 }, ok: true, x: 0.5, u: u1 } },
    { id: 2, payload: { at: { lat: 48.85, lon: 2.35 }, ok: false, x: 2.5, u: 'not-a-uuid' } },
    {
      id: 3,
      payload: {
        at: [
          { lat: -33.9, lon: 151.2 },
          { lat: 51.5, lon: -0.12 },
        ],
        ok: [true],
        x: 1,
      },
    },
  ]);
  for (const [field_name, field_schema] of [
    ['at', 'geo'],
    ['ok', 'bool'],
    ['x', 'float'],
    ['u', 'uuid'],
  ] as const) {
    await db.createPayloadIndex('c', { field_name, field_schema });
  }
  const berlin = { lat: 52.52, lon: 13.4 };
  assert.deepEqual(
    await ids(db, { must: [{ key: 'at', geo_radius: { center: berlin, radius: 1_000_000 } }] }),
    [1, 2, 3],
  );
  assert.deepEqual(
    await ids(db, { must: [{ key: 'at', geo_radius: { center: berlin, radius: 900_000 } }] }),
    [1, 2],
  );
  assert.deepEqual(
    await ids(db, {
      must: [
        {
          key: 'at',
          geo_bounding_box: {
            top_left: { lat: 0, lon: 150 },
            bottom_right: { lat: -40, lon: 160 },
          },
        },
      ],
    }),
    [3],
  );
  assert.deepEqual(await ids(db, { must: [{ key: 'ok', match: { value: true } }] }), [1, 3]);
  assert.deepEqual(await ids(db, { must: [{ key: 'x', range: { gt: 0.5, lte: 2.5 } }] }), [2, 3]);
  assert.deepEqual(await ids(db, { must: [{ key: 'u', match: { value: u1 } }] }), [1]);
  // A non-UUID string is not indexed, yet still matched (exactly as without the index).
  assert.deepEqual(await ids(db, { must: [{ key: 'u', match: { value: 'not-a-uuid' } }] }), [2]);
  assert.equal((await db.getCollection('c')).payload_schema.u!.points, 1);
  await db.close();
});

test('indexes survive close and reopen and keep following writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-pindex-'));
  try {
    let db = await Quiver.open({ path: dir });
    await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
    await db.createPayloadIndex('c', { field_name: 'city', field_schema: 'keyword' });
    await db.upsert('c', {
      points: Array.from({ length: 20 }, (_, id) => ({
        id,
        vector: [1, id],
        payload: { city: id % 2 === 0 ? 'berlin' : 'paris' },
      })),
    });
    await db.close();
    db = await Quiver.open({ path: dir });
    const filter = { must: [{ key: 'city', match: { value: 'berlin' } }] };
    assert.equal((await db.getCollection('c')).payload_schema.city!.points, 20);
    assert.equal((await db.count('c', { filter })).count, 10);
    await db.overwritePayload('c', { payload: { city: 'berlin' }, points: [1, 3] });
    await db.clearPayload('c', { points: [0] });
    assert.equal((await db.count('c', { filter })).count, 11);
    assert.equal((await db.getCollection('c')).payload_schema.city!.points, 19);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad index declaration is a typed error naming the field, and nothing is declared', async () => {
  const db = await collectionWith([{ id: 1, payload: {} }]);
  const bad: [unknown, RegExp][] = [
    ['nope', /field_schema: expected one of/],
    [{ type: 'text', tokenizer: 'nope' }, /field_schema\.tokenizer/],
    [{ type: 'integer', lookup: false, range: false }, /needs lookup or range/],
    [{ type: 'keyword', lowercase: true }, /unknown field "lowercase"/],
    [{ type: 'text', stopwords: 'english' }, /give \{"custom"/],
    [{ type: 'text', min_token_len: 5, max_token_len: 2 }, /max_token_len/],
  ];
  for (const [field_schema, message] of bad) {
    await assert.rejects(
      db.createPayloadIndex('c', { field_name: 'k', field_schema: field_schema as never }),
      (err: Error & { code?: string }) =>
        err.code === 'INVALID_REQUEST' && message.test(err.message),
    );
  }
  await assert.rejects(
    db.createPayloadIndex('c', { field_name: 'a..b', field_schema: 'keyword' }),
    /field_name/,
  );
  assert.deepEqual((await db.getCollection('c')).payload_schema, {});
  await db.close();
});
