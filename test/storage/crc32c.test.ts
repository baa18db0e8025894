import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32c } from '../../src/storage/crc32c.js';

const ascii = (s: string) => new TextEncoder().encode(s);

test('crc32c matches the published check values', () => {
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  // RFC 3720 (iSCSI) appendix B.4 vectors.
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
});

test('crc32c continues across pieces, at every alignment', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), (bytes, cutSeed) => {
      const cut = bytes.length === 0 ? 0 : cutSeed % bytes.length;
      const whole = crc32c(bytes);
      assert.equal(crc32c(bytes.subarray(cut), crc32c(bytes.subarray(0, cut))), whole);
    }),
  );
});
