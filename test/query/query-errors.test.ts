// Every error path of the query requests, the timeout, and the result cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiver, QuiverError } from '../../src/index.js';
import { MAX_BATCH_SIZE, MAX_PREFETCH_DEPTH } from '../../src/collection/query/guards.js';

async function db2() {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  await db.upsert('c', {
    points: [
      { id: 1, vector: [1, 0] },
      { id: 2, vector: [0, 1] },
    ],
  });
  return db;
}

async function rejects(p: Promise<unknown>, code: string, text: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof QuiverError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, text);
    return true;
  });
}

test('bad inputs name the field and the fix', async () => {
  const db = await db2();
  const q = (body: unknown) => db.query('c', body as never);
  await rejects(
    q({ query: { recommend: { positive: [1], strategy: 'worst' } } }),
    'INVALID_REQUEST',
    /strategy/,
  );
  await rejects(
    q({ query: { recommend: { negative: [1] } } }),
    'INVALID_REQUEST',
    /average_vector strategy needs/,
  );
  await rejects(q({ query: { recommend: {} } }), 'INVALID_REQUEST', /at least one/);
  await rejects(
    q({ query: [1, 0], using: 'nope' }),
    'VECTOR_NAME_NOT_FOUND',
    /Not existing vector name error: nope/,
  );
  await rejects(q({ query: [1, 0, 0] }), 'DIMENSION_MISMATCH', /expected dim: 2, got 3/);
  await rejects(q({ query: 99 }), 'POINT_NOT_FOUND', /No point with id 99/);
  await rejects(
    q({ prefetch: [{ query: [1, 0] }], query: { fusion: 'max' } }),
    'INVALID_REQUEST',
    /query\.fusion/,
  );
  await rejects(q({ query: { fusion: 'rrf' } }), 'INVALID_REQUEST', /add a prefetch/);
  await rejects(
    q({ prefetch: [{ query: [1, 0] }], query: { rrf: { weights: [1, 2] } } }),
    'INVALID_REQUEST',
    /Number of weights in RRF/,
  );
  await rejects(q({ query: { formula: { sum: [1] } } }), 'INVALID_REQUEST', /not supported/);
  await rejects(
    q({ query: { nearest: [1, 0], mmr: { diversity: 2 } } }),
    'INVALID_REQUEST',
    /diversity/,
  );
  await rejects(q({ query: { context: [] } }), 'INVALID_REQUEST', /at least one/);
  await rejects(q({ query: { discover: { context: [] } } }), 'INVALID_REQUEST', /target/);
  await rejects(q({ query: { sample: 'first' } }), 'INVALID_REQUEST', /sample/);
  await rejects(q({ query: [1, 0], limit: 1_000_000 }), 'INVALID_REQUEST', /limit/);
  await rejects(q({ query: [1, 0], bogus: 1 }), 'INVALID_REQUEST', /bogus/);
  await rejects(
    q({ query: [1, 0], lookup_from: { collection: 'missing' } }),
    'COLLECTION_NOT_FOUND',
    /missing/,
  );
  await rejects(q({ query: { text: 'hello', model: 'x' } }), 'INVALID_REQUEST', /inference/);
  let nested: Record<string, unknown> = { query: [1, 0] };
  for (let i = 0; i <= MAX_PREFETCH_DEPTH; i++) nested = { prefetch: nested, query: [1, 0] };
  await rejects(q(nested), 'INVALID_REQUEST', /nested \d+ levels deep/);
  await rejects(
    db.queryBatch('c', {
      searches: Array.from({ length: MAX_BATCH_SIZE + 1 }, () => ({ query: [1, 0] })),
    }),
    'INVALID_REQUEST',
    /at most 100/,
  );
  // A batch with a bad later entry fails as a whole, naming the entry.
  await rejects(
    db.queryBatch('c', { searches: [{ query: [1, 0] }, { query: [1] }] }),
    'DIMENSION_MISMATCH',
    /searches\[1\]/,
  );
  await rejects(db.queryGroups('c', { query: [1, 0] } as never), 'INVALID_REQUEST', /group_by/);
  await rejects(db.search('c', { vector: [1, 0] }), 'INVALID_REQUEST', /limit/);
  await rejects(
    db.recommend('c', { positive: [1], limit: 1, vector: [1] }),
    'INVALID_REQUEST',
    /vector/,
  );
  await rejects(db.facet('c', {} as never), 'INVALID_REQUEST', /key/);
  await rejects(db.findDuplicates('c', {} as never), 'INVALID_REQUEST', /threshold/);
  await rejects(db.similarity('c', { a: 1, b: 5 }), 'POINT_NOT_FOUND', /5/);
  await rejects(db.query('c', { query: [1, 0], timeout: -1 }), 'INVALID_REQUEST', /timeout/);
});

test('a query past its timeout fails with TIMEOUT', async () => {
  const db = await Quiver.open();
  await db.createCollection('big', { vectors: { size: 4, distance: 'Dot' } });
  const points = Array.from({ length: 3000 }, (_, i) => ({
    id: i + 1,
    vector: [i % 7, i % 5, i % 3, 1],
  }));
  await db.upsert('big', { points });
  // Quadratic work over 3000 points takes far longer than a microsecond.
  await rejects(db.findDuplicates('big', { threshold: 0, timeout: 1e-6 }), 'TIMEOUT', /timeout/);
  await rejects(
    db.query('big', { query: [1, 1, 1, 1], timeout: 1e-9 }),
    'TIMEOUT',
    /Timeout error/,
  );
  const ok = await db.query('big', { query: [1, 1, 1, 1], limit: 1, timeout: 60 });
  assert.equal(ok.points.length, 1);
});

test('identical queries are served from the cache until a write changes the collection', async () => {
  const db = await db2();
  const body = { query: [1, 0], with_payload: true };
  const first = await db.query('c', body);
  const second = await db.query('c', body);
  assert.deepEqual(second, first);
  // Results are copies: mutating one does not change the next.
  (second.points[0]!.payload as Record<string, unknown>).x = 1;
  assert.deepEqual(await db.query('c', body), first);
  await db.setPayload('c', { payload: { fresh: true }, points: [1] });
  const after = await db.query('c', body);
  assert.deepEqual(after.points[0]!.payload, { fresh: true });
  await db.upsert('c', { points: [{ id: 3, vector: [5, 0] }] });
  assert.equal((await db.query('c', body)).points[0]!.id, 3);
  // A recreated collection of the same name never sees the old entries.
  await db.deleteCollection('c');
  await db.createCollection('c', { vectors: { size: 2, distance: 'Dot' } });
  assert.deepEqual((await db.query('c', body)).points, []);
});
