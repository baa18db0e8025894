// WAL record bodies: any list of operations survives encode → decode exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeOps, encodeOps } from '../../src/collection/op-codec.js';
import { type CollectionOp, parseUpsert } from '../../src/collection/operations.js';
import { collectionSpecs, createCollectionConfig } from '../../src/collection/config.js';
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

/** The parts of a body joined, as the WAL writes and reads them. */
function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

test('operations round-trip through the WAL body encoding exactly', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 5 }), fc.nat(), (ops, firstOp) => {
      assert.deepEqual(decodeOps(join(encodeOps({ firstOp, ops }))), {
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

test('a truncated or over-long body is rejected', () => {
  const ops: CollectionOp[] = [
    {
      type: 'upsert',
      points: [{ key: '1', payload: {}, vectors: new Map([['', new Float32Array([1, 2, 3])]]) }],
    },
  ];
  const body = join(encodeOps({ firstOp: 1, ops }));
  assert.throws(() => decodeOps(body.subarray(0, body.length - 1)), { code: 'CORRUPT_DATA' });
  assert.throws(() => decodeOps(join([body, Uint8Array.of(0)])), { code: 'CORRUPT_DATA' });
});

test("a parsed batch's vectors reach the log as one view of the parser's buffer, not a copy", () => {
  const specs = collectionSpecs(createCollectionConfig({ vectors: { size: 4, distance: 'Dot' } }));
  const op = parseUpsert(
    { points: Array.from({ length: 50 }, (_, i) => ({ id: i, vector: [i, 1, 2, 3] })) },
    specs,
  );
  assert.equal(op.type, 'upsert');
  const parts = encodeOps({ firstOp: 7, ops: [op] });
  const blob = parts.at(-1)!;
  const first = op.type === 'upsert' ? (op.points[0]!.vectors.get('') as Float32Array) : null;
  assert.equal(blob.buffer, first!.buffer);
  assert.equal(blob.byteLength, 50 * 4 * 4);
  assert.deepEqual(decodeOps(join(parts)), { firstOp: 7, ops: [structuredClone(op)] });
});

test('parts of one body stay intact while later bodies are encoded (they are written later)', () => {
  const bodies = Array.from({ length: 200 }, (_, i) =>
    encodeOps({
      firstOp: i + 1,
      ops: [{ type: 'clear_payload', selector: { kind: 'ids', keys: [String(i)] } }],
    }),
  );
  bodies.forEach((parts, i) => {
    const decoded = decodeOps(join(parts));
    assert.equal(decoded.firstOp, i + 1);
    assert.deepEqual(decoded.ops, [
      { type: 'clear_payload', selector: { kind: 'ids', keys: [String(i)] } },
    ]);
  });
});
