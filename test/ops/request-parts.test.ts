// Properties of the small parsers the plugins rely on: request ids taken from clients, and the
// count of points a write carries (what limits.max_batch_size checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { requestIdFrom } from '../../src/server/plugins/request-log.js';
import { pointsInRequest } from '../../src/server/plugins/write-guard.js';

const withHeader = (value: string | undefined) =>
  ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as unknown as IncomingMessage;

test('a request id is the client one when it is a plain token, else a fresh UUID', () => {
  fc.assert(
    fc.property(fc.option(fc.string({ maxLength: 200 }), { nil: undefined }), (given) => {
      const id = requestIdFrom(withHeader(given));
      if (given !== undefined && /^[\w.:@/+=-]{1,128}$/.test(given)) assert.equal(id, given);
      else assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      // Whatever the client sends, what reaches logs and headers is printable and short.
      assert.ok(id.length <= 128 && [...id].every((c) => c > ' ' && c <= '~'));
    }),
  );
});

test('points in a write: a list, a column batch, or the sum over batch operations', () => {
  fc.assert(
    fc.property(fc.nat(50), fc.nat(50), fc.nat(5), (a, b, empty) => {
      const list = Array.from({ length: a }, (_, i) => ({ id: i, vector: [1] }));
      assert.equal(pointsInRequest({ points: list }), a);
      assert.equal(pointsInRequest({ batch: { ids: Array.from({ length: b }, (_, i) => i) } }), b);
      const operations = [
        { upsert: { points: list } },
        { delete: { points: Array.from({ length: b }, (_, i) => i) } },
        ...Array.from({ length: empty }, () => ({ clear_payload: { filter: {} } })),
      ];
      // An operation without points counts as one.
      assert.equal(pointsInRequest({ operations }), Math.max(1, a) + Math.max(1, b) + empty);
    }),
  );
  assert.equal(pointsInRequest(undefined), 0);
  assert.equal(pointsInRequest({ filter: {} }), 0);
});
