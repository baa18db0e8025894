// Point operations checked against a model: a plain Map of id → {vector, payload} that each
// operation updates the obvious way. After every operation the engine's whole state (scroll
// with payload and vectors) must equal the model's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Quiver } from '../../src/index.js';

interface ModelPoint {
  vector: number[];
  payload: Record<string, unknown>;
}

async function fullState(db: Quiver, name: string): Promise<Map<number, ModelPoint>> {
  const out = new Map<number, ModelPoint>();
  let offset: number | undefined;
  for (;;) {
    const page = await db.scroll(name, { limit: 7, offset, with_payload: true, with_vector: true });
    for (const p of page.points) {
      out.set(p.id as number, {
        vector: p.vector as number[],
        payload: p.payload as Record<string, unknown>,
      });
    }
    if (page.next_page_offset == null) return out;
    offset = page.next_page_offset as number;
  }
}

const idArb = fc.integer({ min: 0, max: 12 });
const payloadArb = fc.dictionary(
  fc.constantFrom('a', 'b', 'c'),
  fc.oneof(fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 2 })),
  {
    maxKeys: 3,
  },
);
const vecArb = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 2, maxLength: 2 });

type Op =
  | { kind: 'upsert'; points: { id: number; vector: number[]; payload: Record<string, unknown> }[] }
  | { kind: 'delete'; ids: number[] }
  | { kind: 'deleteWhere'; value: number }
  | { kind: 'set'; ids: number[]; payload: Record<string, unknown> }
  | { kind: 'overwrite'; ids: number[]; payload: Record<string, unknown> }
  | { kind: 'deleteKeys'; ids: number[]; keys: string[] }
  | { kind: 'clear'; ids: number[] }
  | { kind: 'vectors'; ids: number[]; vector: number[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('upsert' as const),
    points: fc.array(fc.record({ id: idArb, vector: vecArb, payload: payloadArb }), {
      minLength: 1,
      maxLength: 5,
    }),
  }),
  fc.record({ kind: fc.constant('delete' as const), ids: fc.array(idArb, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('deleteWhere' as const), value: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    ids: fc.array(idArb, { maxLength: 3 }),
    payload: payloadArb,
  }),
  fc.record({
    kind: fc.constant('overwrite' as const),
    ids: fc.array(idArb, { maxLength: 3 }),
    payload: payloadArb,
  }),
  fc.record({
    kind: fc.constant('deleteKeys' as const),
    ids: fc.array(idArb, { maxLength: 3 }),
    keys: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('clear' as const), ids: fc.array(idArb, { maxLength: 3 }) }),
  fc.record({
    kind: fc.constant('vectors' as const),
    ids: fc.array(idArb, { maxLength: 2 }),
    vector: vecArb,
  }),
);

/** Applies an op to the model; returns false when the engine must reject it (missing point). */
function applyModel(model: Map<number, ModelPoint>, op: Op): boolean {
  const requireAll = (ids: number[]) => ids.every((id) => model.has(id));
  switch (op.kind) {
    case 'upsert':
      for (const p of op.points)
        model.set(p.id, { vector: p.vector, payload: structuredClone(p.payload) });
      return true;
    case 'delete':
      for (const id of op.ids) model.delete(id);
      return true;
    case 'deleteWhere':
      for (const [id, p] of model) if (p.payload.a === op.value) model.delete(id);
      return true;
    case 'set':
      if (!requireAll(op.ids)) return false;
      for (const id of op.ids) Object.assign(model.get(id)!.payload, structuredClone(op.payload));
      return true;
    case 'overwrite':
      if (!requireAll(op.ids)) return false;
      for (const id of op.ids) model.get(id)!.payload = structuredClone(op.payload);
      return true;
    case 'deleteKeys':
      if (!requireAll(op.ids)) return false;
      for (const id of op.ids) for (const k of op.keys) delete model.get(id)!.payload[k];
      return true;
    case 'clear':
      if (!requireAll(op.ids)) return false;
      for (const id of op.ids) model.get(id)!.payload = {};
      return true;
    case 'vectors':
      if (!requireAll(op.ids)) return false;
      for (const id of op.ids) model.get(id)!.vector = op.vector;
      return true;
  }
}

function toBatchOp(op: Op): Record<string, unknown> {
  switch (op.kind) {
    case 'upsert':
      return { upsert: { points: op.points } };
    case 'delete':
      return { delete: { points: op.ids } };
    case 'deleteWhere':
      return { delete: { filter: { must: [{ key: 'a', match: { value: op.value } }] } } };
    case 'set':
      return { set_payload: { points: op.ids, payload: op.payload } };
    case 'overwrite':
      return { overwrite_payload: { points: op.ids, payload: op.payload } };
    case 'deleteKeys':
      return { delete_payload: { points: op.ids, keys: op.keys } };
    case 'clear':
      return { clear_payload: { points: op.ids } };
    case 'vectors':
      return { update_vectors: { points: op.ids.map((id) => ({ id, vector: op.vector })) } };
  }
}

async function applyEngine(db: Quiver, op: Op): Promise<void> {
  switch (op.kind) {
    case 'upsert':
      await db.upsert('c', { points: op.points });
      return;
    case 'delete':
      await db.delete('c', { points: op.ids });
      return;
    case 'deleteWhere':
      await db.delete('c', { filter: { must: [{ key: 'a', match: { value: op.value } }] } });
      return;
    case 'set':
      await db.setPayload('c', { points: op.ids, payload: op.payload });
      return;
    case 'overwrite':
      await db.overwritePayload('c', { points: op.ids, payload: op.payload });
      return;
    case 'deleteKeys':
      await db.deletePayload('c', { points: op.ids, keys: op.keys });
      return;
    case 'clear':
      await db.clearPayload('c', { points: op.ids });
      return;
    case 'vectors':
      await db.updateVectors('c', { points: op.ids.map((id) => ({ id, vector: op.vector })) });
      return;
  }
}

test('every point operation matches the model, one by one and as all-or-nothing batches', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 1, maxLength: 25 }),
      fc.integer({ min: 1, max: 4 }),
      fc.boolean(),
      async (ops, batchSize, smallSegments) => {
        const db = await Quiver.open();
        await db.createCollection('c', {
          vectors: { size: 2, distance: 'Dot' },
          // Tiny segments force copy-on-write across segments (1 KiB / 8 B = 128 points)...
          optimizers_config: smallSegments ? { max_segment_size: 1 } : {},
        });
        const model = new Map<number, ModelPoint>();
        for (let i = 0; i < ops.length; i += batchSize) {
          const chunk = ops.slice(i, i + batchSize);
          const trial = structuredClone(model);
          const ok = chunk.every((op) => applyModel(trial, op));
          const run =
            chunk.length === 1
              ? applyEngine(db, chunk[0]!)
              : db.batchUpdate('c', { operations: chunk.map(toBatchOp) as never });
          if (ok) {
            await run;
            model.clear();
            for (const [k, v] of trial) model.set(k, v);
          } else {
            await assert.rejects(run, { code: 'POINT_NOT_FOUND' });
          }
          assert.deepEqual(await fullState(db, 'c'), new Map([...model].sort(([a], [b]) => a - b)));
          assert.equal((await db.count('c')).count, model.size);
        }
        await db.close();
      },
    ),
    { numRuns: 150 },
  );
});

test('batch upsert (columns) equals list upsert', async () => {
  const db = await Quiver.open();
  await db.createCollection('a', { vectors: { size: 2, distance: 'Euclid' } });
  await db.createCollection('b', { vectors: { size: 2, distance: 'Euclid' } });
  await db.upsert('a', {
    batch: {
      ids: [1, 2, 3],
      vectors: [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      payloads: [{ x: 1 }, null, { x: 3 }],
    },
  });
  await db.upsert('b', {
    points: [
      { id: 1, vector: [1, 1], payload: { x: 1 } },
      { id: 2, vector: [2, 2] },
      { id: 3, vector: [3, 3], payload: { x: 3 } },
    ],
  });
  assert.deepEqual(await fullState(db, 'a'), await fullState(db, 'b'));
  await assert.rejects(db.upsert('a', { batch: { ids: [1, 2], vectors: [[1, 1]] } }), {
    code: 'INVALID_VECTOR',
    message: /has 1 vectors but batch.ids has 2/,
  });
});

test('retrieve returns asked ids in order, skips unknown ones, honours selectors', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await db.upsert('c', { points: [1, 2, 3].map((id) => ({ id, vector: [id], payload: { id } })) });
  const r = await db.retrieve('c', { ids: [3, 42, 1, 3] });
  assert.deepEqual(r, [
    { id: 3, payload: { id: 3 }, vector: null },
    { id: 1, payload: { id: 1 }, vector: null },
  ]);
  const v = await db.retrieve('c', { ids: [2], with_payload: false, with_vector: true });
  assert.deepEqual(v, [{ id: 2, payload: null, vector: [2] }]);
});

test('ids: 64-bit integers stay exact, UUIDs are normalised, ints sort before UUIDs', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  const big = 2n ** 64n - 1n;
  const above53 = BigInt(Number.MAX_SAFE_INTEGER) + 2n;
  await db.upsert('c', {
    points: [
      { id: big as never, vector: [1] },
      { id: above53 as never, vector: [1] },
      { id: '{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}', vector: [1] },
      { id: '550e8400e29b41d4a716446655440000', vector: [1] },
      { id: 7, vector: [1] },
    ],
  });
  const { points } = await db.scroll('c', { limit: 10 });
  assert.deepEqual(
    points.map((p) => p.id),
    [
      7,
      above53,
      big,
      '550e8400-e29b-41d4-a716-446655440000',
      '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
    ],
  );
  const got = await db.retrieve('c', {
    ids: [above53 as never, 'urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
  });
  assert.deepEqual(
    got.map((p) => p.id),
    [above53, '6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
  );
});

test('scroll pages by id with offset and next_page_offset, and filters', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await db.upsert('c', {
    points: Array.from({ length: 25 }, (_, i) => ({
      id: i * 2,
      vector: [i],
      payload: { odd: i % 2 === 1 },
    })),
  });
  const first = await db.scroll('c', {});
  assert.equal(first.points.length, 10); // default limit
  assert.equal(first.next_page_offset, 20);
  const mid = await db.scroll('c', { offset: 7, limit: 3, with_payload: false });
  assert.deepEqual(
    mid.points.map((p) => p.id),
    [8, 10, 12],
  );
  assert.equal(mid.points[0]!.payload, null);
  const filtered = await db.scroll('c', {
    filter: { must: [{ key: 'odd', match: { value: true } }] },
    limit: 100,
  });
  assert.equal(filtered.points.length, 12);
  assert.equal(filtered.next_page_offset, null);
  const last = await db.scroll('c', { offset: 48, limit: 5 });
  assert.deepEqual(
    last.points.map((p) => p.id),
    [48],
  );
  assert.equal(last.next_page_offset, null);
});

test('scroll order_by a payload field: direction, start_from, multi-valued keys, order_value', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await db.upsert('c', {
    points: [
      { id: 1, vector: [1], payload: { price: 30 } },
      { id: 2, vector: [1], payload: { price: [10, 50] } },
      { id: 3, vector: [1], payload: { price: 20 } },
      { id: 4, vector: [1], payload: { other: 1 } },
      { id: 5, vector: [1], payload: { price: 20 } },
    ],
  });
  const asc = await db.scroll('c', { order_by: 'price', limit: 10 });
  assert.deepEqual(
    asc.points.map((p) => [p.id, p.order_value]),
    [
      [2, 10],
      [3, 20],
      [5, 20],
      [1, 30],
      [2, 50],
    ],
  );
  assert.equal(asc.next_page_offset, null);
  const desc = await db.scroll('c', {
    order_by: { key: 'price', direction: 'desc', start_from: 30 },
    limit: 2,
  });
  assert.deepEqual(
    desc.points.map((p) => [p.id, p.order_value]),
    [
      [1, 30],
      [3, 20],
    ],
  );
  await assert.rejects(db.scroll('c', { order_by: 'price', offset: 1 }), {
    code: 'INVALID_REQUEST',
    path: 'offset',
  });
});

test('set_payload with a nested key, delete_payload with key paths', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  await db.upsert('c', {
    points: [{ id: 1, vector: [1], payload: { a: { b: 1 }, list: [{ x: 1, y: 2 }, { x: 3 }] } }],
  });
  await db.setPayload('c', { points: [1], payload: { c: 2 }, key: 'a' });
  await db.setPayload('c', { points: [1], payload: { deep: true }, key: 'n.m' });
  await db.deletePayload('c', { points: [1], keys: ['list[].x'] });
  const [p] = await db.retrieve('c', { ids: [1] });
  assert.deepEqual(p!.payload, {
    a: { b: 1, c: 2 },
    n: { m: { deep: true } },
    list: [{ y: 2 }, {}],
  });
});

test('delete_vectors removes a named vector and keeps the rest', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', {
    vectors: { a: { size: 1, distance: 'Dot' }, b: { size: 1, distance: 'Dot' } },
  });
  await db.upsert('c', { points: [{ id: 1, vector: { a: [1], b: [2] }, payload: { k: 1 } }] });
  await db.deleteVectors('c', { points: [1], vector: ['a'] });
  const [p] = await db.retrieve('c', { ids: [1], with_vector: true });
  assert.deepEqual(p, { id: 1, payload: { k: 1 }, vector: { b: [2] } });
  assert.deepEqual((await db.query('c', { query: [1], using: 'a' })).points, []);
});

test('writes report operation ids and acknowledged/completed like Qdrant', async () => {
  const db = await Quiver.open();
  await db.createCollection('c', { vectors: { size: 1, distance: 'Dot' } });
  const a = await db.upsert('c', { points: [{ id: 1, vector: [1] }] });
  const b = await db.upsert('c', { wait: false, points: [{ id: 2, vector: [1] }] });
  assert.deepEqual(a, { operation_id: 1, status: 'completed' });
  assert.deepEqual(b, { operation_id: 2, status: 'acknowledged' });
  const batch = await db.batchUpdate('c', {
    operations: [{ delete: { points: [1] } }, { clear_payload: { points: [2] } }],
  });
  assert.deepEqual(
    batch.map((r) => r.operation_id),
    [3, 4],
  );
});
