import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  keyPathToString,
  parseKeyPath,
  rawValuesAt,
  valuesAt,
} from '../../src/payload/key-path.js';
import { isQuiverError } from '../../src/errors.js';

test('parses keys, [] projections, [N] indexes and quoted keys', () => {
  assert.deepEqual(parseKeyPath('country.cities[].population'), [
    { kind: 'key', name: 'country' },
    { kind: 'key', name: 'cities' },
    { kind: 'each' },
    { kind: 'key', name: 'population' },
  ]);
  assert.deepEqual(parseKeyPath('a[2][0]'), [
    { kind: 'key', name: 'a' },
    { kind: 'index', index: 2 },
    { kind: 'index', index: 0 },
  ]);
  assert.deepEqual(parseKeyPath('"a.b".c."x[]y"'), [
    { kind: 'key', name: 'a.b' },
    { kind: 'key', name: 'c' },
    { kind: 'key', name: 'x[]y' },
  ]);
  assert.deepEqual(parseKeyPath('städte_2-x'), [{ kind: 'key', name: 'städte_2-x' }]);
});

test('keyPathToString round-trips and quotes only when needed', () => {
  for (const text of ['a', 'a.b[].c', 'a[3].b', '"a.b".c', '"with space"[]', 'x."y z"[0][]']) {
    assert.equal(keyPathToString(parseKeyPath(text)), text);
  }
  assert.equal(keyPathToString([{ kind: 'key', name: 'a b' }]), '"a b"');
});

test('malformed key paths are INVALID_FILTER errors naming the problem', () => {
  const cases: [string, RegExp][] = [
    ['', /must not be empty/],
    ['a[', /unbalanced "\["/],
    ['a[x]', /"\[x\]" is not/],
    ['a[-1]', /is not "\[\]" or "\[N\]"/],
    ['a..b', /expected a key at offset 2/],
    ['a.', /expected a key at offset 2, found the end/],
    ['.a', /expected a key at offset 0/],
    ['"a', /unterminated quote/],
    ['a b', /unexpected " " at offset 1/],
    ['[]', /expected a key at offset 0/],
    ['a]', /unexpected "\]"/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseKeyPath(text, 'filter.must[0].key'),
      (err) =>
        isQuiverError(err, 'INVALID_FILTER') &&
        err.path === 'filter.must[0].key' &&
        message.test(err.message) &&
        err.message.startsWith('Validation error in request: filter.must[0].key: '),
      text,
    );
  }
});

test('values follow Qdrant: arrays are entered only where the path says so', () => {
  const payload = {
    a: { b: [1, 2, [3]], c: null },
    arr: [{ x: [1, 2] }, { x: 4 }, { y: 5 }],
    k: 'v',
    'd.e': 7,
  };
  assert.deepEqual(valuesAt(payload, parseKeyPath('a.b')), [1, 2, [3]]);
  assert.deepEqual(rawValuesAt(payload, parseKeyPath('a.b')), [[1, 2, [3]]]);
  assert.deepEqual(valuesAt(payload, parseKeyPath('a.c')), [null]);
  assert.deepEqual(valuesAt(payload, parseKeyPath('arr[].x')), [1, 2, 4]);
  assert.deepEqual(rawValuesAt(payload, parseKeyPath('arr[].x')), [[1, 2], 4]);
  assert.deepEqual(valuesAt(payload, parseKeyPath('arr[].x[]')), [1, 2]);
  assert.deepEqual(valuesAt(payload, parseKeyPath('arr.x')), [], 'no implicit array traversal');
  assert.deepEqual(valuesAt(payload, parseKeyPath('arr[1].x')), [4]);
  assert.deepEqual(valuesAt(payload, parseKeyPath('arr[9].x')), []);
  assert.deepEqual(valuesAt(payload, parseKeyPath('k[0]')), []);
  assert.deepEqual(valuesAt(payload, parseKeyPath('k.z')), []);
  assert.deepEqual(valuesAt(payload, parseKeyPath('"d.e"')), [7]);
  assert.deepEqual(valuesAt(payload, parseKeyPath('d.e')), []);
  assert.deepEqual(valuesAt(payload, parseKeyPath('missing')), []);
  assert.deepEqual(valuesAt(payload, parseKeyPath('constructor')), [], 'own keys only');
});
