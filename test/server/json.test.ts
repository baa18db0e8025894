// The server's lossless JSON: the same values as JSON.parse for any JSON without unsafe
// integers (whichever path the text takes), exact bigints for ids, exact digits on output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseJsonBody, stringifyJson } from '../../src/server/json.js';

test('agrees with JSON.parse on any JSON without integers beyond 2^53', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const text = JSON.stringify(value);
      assert.deepEqual(parseJsonBody(text), JSON.parse(text));
    }),
    { numRuns: 300 },
  );
});

test('ids beyond 2^53 parse to exact bigints and print as the same digits', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      (id, x) => {
        const text = `{"points":[{"id":${id},"vector":[${x},0.12345678901234567]}],"ids":[${id}]}`;
        const body = parseJsonBody(text) as {
          points: { id: unknown; vector: number[] }[];
          ids: unknown[];
        };
        assert.equal(body.points[0]!.id, id);
        assert.equal(body.ids[0], id);
        assert.deepEqual(body.points[0]!.vector, JSON.parse(`[${x},0.12345678901234567]`));
        assert.equal(stringifyJson({ id: body.ids[0] }), `{"id":${id}}`);
      },
    ),
    { numRuns: 200 },
  );
});

test('malformed JSON throws a SyntaxError on both paths', () => {
  assert.throws(() => parseJsonBody('{"a": [1, 2'), SyntaxError);
  assert.throws(() => parseJsonBody('{"id": 12345678901234567890'), SyntaxError);
  assert.throws(() => parseJsonBody('{"a": NaN}'), SyntaxError);
});
