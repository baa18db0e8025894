import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiverError, invalidRequest, isQuiverError } from '../src/errors.js';

test('errors carry a stable code, a kind and the path', () => {
  const err = invalidRequest('points[2].id', 'must be an unsigned integer');
  assert.ok(err instanceof QuiverError);
  assert.equal(err.code, 'INVALID_REQUEST');
  assert.equal(err.kind, 'bad_input');
  assert.equal(err.path, 'points[2].id');
  assert.match(err.message, /points\[2\]\.id: must be an unsigned integer/);
  assert.ok(isQuiverError(err, 'INVALID_REQUEST'));
  assert.ok(!isQuiverError(err, 'INTERNAL'));
  const cause = new Error('disk');
  assert.equal(new QuiverError('INTERNAL', 'x', { cause }).cause, cause);
});
