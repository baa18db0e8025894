/**
 * SipHash-2-4 for the `slice` condition: a point is in slice `index` of `total` when
 * `siphash(id bytes) % total == index`, with a zero key, over 8 little-endian bytes for an
 * integer id or the 16 RFC 4122 bytes of a UUID. Matching Qdrant bit for bit keeps slices
 * identical between the two engines.
 */
import { isUuidKey, type PointKey } from '../segment/point-id.js';

const MASK = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK;
}

/** SipHash-2-4 of `bytes` under the 128-bit key `(k0, k1)`, as an unsigned 64-bit bigint. */
export function sipHash24(bytes: Uint8Array, k0 = 0n, k1 = 0n): bigint {
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const n = bytes.length;
  const fullWords = n - (n % 8);
  const word = (at: number, len: number): bigint => {
    let w = 0n;
    for (let i = len - 1; i >= 0; i--) w = (w << 8n) | BigInt(bytes[at + i] as number);
    return w;
  };
  for (let at = 0; at < fullWords; at += 8) {
    const m = word(at, 8);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  const last = (BigInt(n & 0xff) << 56n) | word(fullWords, n - fullWords);
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xffn;
  round();
  round();
  round();
  round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}

/** The bytes Qdrant hashes for a point id. */
export function pointIdBytes(key: PointKey): Uint8Array {
  if (isUuidKey(key)) {
    const hex = key.replaceAll('-', '');
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  let v = BigInt(key);
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** `true` when the point is in slice `index` of `total`. */
export function inSlice(key: PointKey, index: number, total: number): boolean {
  return sipHash24(pointIdBytes(key)) % BigInt(total) === BigInt(index);
}
