// WAL record bodies: any list of operations survives encode → decode exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeOps, encodeOps } from '../../src/collection/op-codec.js';
import type { CollectionOp } from '../../src/collection/operations.js';
import type { StoredVector } from '../../src/segment/sparse-column.js';

const key = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
  fc.uuid().map((u) => u.toLowerCase()),
);
const vectors = fc
  .dictionary(
    fc.constantFrom('', 'a', 'img'),
    fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { maxLength: 8 }),
  )
  .map(
    (d) =>
      new Map<string, StoredVector>(Object.entries(d).map(([k, v]) => [k, new Float32Array(v)])),
  );
const sparse = fc.uniqueArray(fc.nat({ max: 1000 }), { maxLength: 6 }).chain((indices) =>
  fc
    .array(fc.float({ noNaN: true, noDefaultInfinity: true }), {
      minLength: indices.length,
      maxLength: indices.length,
    })
    .map((values) => ({
      indices: new Uint32Array(indices),
      values: new Float32Array(values),
    })),
);
const vectorsWithSparse = fc.tuple(vectors, fc.option(sparse)).map(([m, s]) => {
  if (s !== null) m.set('text', s);
  return m;
});
const payload = fc
  .dictionary(
    fc.string({ maxLength: 5 }),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v))),
    {
      maxKeys: 4,
    },
  )
  .map((d) => Object.fromEntries(Object.entries(d)));
const selector = fc.oneof(
  fc.record({ kind: fc.constant('ids' as const), keys: fc.array(key, { maxLength: 4 }) }),
  fc.record({
    kind: fc.constant('filter' as const),
    filter: fc.constant({ must: [{ key: 'a', match: { value: 1 } }] }),
  }),
);
const op: fc.Arbitrary<CollectionOp> = fc.oneof(
  fc.record({
    type: fc.constant('upsert' as const),
    points: fc.array(fc.record({ key, vectors: vectorsWithSparse, payload }), { maxLength: 4 }),
  }),
  fc.record({ type: fc.constant('delete' as const), selector }),
  fc.record({
    type: fc.constant('set_payload' as const),
    selector,
    payload,
    key: fc.constant('a.b'),
  }),
  fc.record({ type: fc.constant('overwrite_payload' as const), selector, payload }),
  fc.record({
    type: fc.constant('delete_payload' as const),
    selector,
    keys: fc.array(fc.string(), { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('clear_payload' as const), selector }),
  fc.record({
    type: fc.constant('update_vectors' as const),
    points: fc.array(fc.record({ key, vectors }), { maxLength: 3 }),
  }),
  fc.record({
    type: fc.constant('delete_vectors' as const),
    selector,
    names: fc.array(fc.string(), { maxLength: 2 }),
  }),
);

test('operations round-trip through the WAL body encoding exactly', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 5 }), fc.nat(), (ops, firstOp) => {
      assert.deepEqual(decodeOps(encodeOps({ firstOp, ops })), {
        firstOp,
        ops: structuredClone(ops),
      });
    }),
    { numRuns: 300 },
  );
});

test('a foreign body is rejected', () => {
  assert.throws(() => decodeOps(new Uint8Array([1, 2, 3])), { code: 'CORRUPT_DATA' });
  assert.throws(() => decodeOps(new Uint8Array(0)), { code: 'CORRUPT_DATA' });
});
