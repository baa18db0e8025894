/**
 * Point ids, as Qdrant has them: an unsigned 64-bit integer or a UUID.
 *
 * Inside the engine an id is a {@link PointKey}: a canonical string, the decimal digits of the
 * integer (no leading zeros) or the lowercase hyphenated UUID. Strings keep 64-bit integers exact
 * (a JS number is not) and make cheap `Map` keys. Order: every integer before every UUID, integers
 * by value, UUIDs by their 128-bit value (which is the order of their canonical text).
 */
import { QuiverError } from '../errors.js';

/** A point id as callers give it: an unsigned integer (number or bigint) or a UUID string. */
export type PointId = number | bigint | string;

/** Canonical internal form of a point id (see the module comment). */
export type PointKey = string;

const MAX_U64 = (1n << 64n) - 1n;
const HEX32 = /^[0-9a-fA-F]{32}$/;

function badId(raw: unknown, path: string): QuiverError {
  let shown: string;
  try {
    shown = typeof raw === 'bigint' ? raw.toString() : (JSON.stringify(raw) ?? String(raw));
  } catch {
    shown = String(raw);
  }
  return new QuiverError(
    'INVALID_ID',
    `Validation error in request: ${path}: ${shown} is not a valid point id; use an unsigned 64-bit integer or a UUID string`,
    { path },
  );
}

/** Canonical lowercase hyphenated form of a UUID in any accepted spelling, or undefined. */
export function canonicalUuid(text: string): string | undefined {
  let hex = text.trim();
  if (hex.toLowerCase().startsWith('urn:uuid:')) hex = hex.slice(9);
  if (hex.startsWith('{') && hex.endsWith('}')) hex = hex.slice(1, -1);
  if (hex.length === 36) {
    if (hex[8] !== '-' || hex[13] !== '-' || hex[18] !== '-' || hex[23] !== '-') return undefined;
    hex = hex.replaceAll('-', '');
  }
  if (!HEX32.test(hex)) return undefined;
  hex = hex.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Parses a caller's id into its canonical key.
 * @throws QuiverError `INVALID_ID` naming `path` when it is neither form.
 */
export function toPointKey(raw: unknown, path = 'id'): PointKey {
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && raw >= 0 && raw < 2 ** 64) {
      return raw <= Number.MAX_SAFE_INTEGER ? String(raw) : BigInt(raw).toString();
    }
    throw badId(raw, path);
  }
  if (typeof raw === 'bigint') {
    if (raw >= 0n && raw <= MAX_U64) return raw.toString();
    throw badId(raw, path);
  }
  if (typeof raw === 'string') {
    const uuid = canonicalUuid(raw);
    if (uuid !== undefined) return uuid;
  }
  throw badId(raw, path);
}

/** `true` when the key is a UUID (canonical keys of integers never contain `-`). */
export function isUuidKey(key: PointKey): boolean {
  return key.length === 36 && key.charCodeAt(8) === 45;
}

/**
 * The public form of a key: a number when it is a safe integer, a bigint above 2^53 (so it stays
 * exact; the server writes it as a bare JSON number), the UUID string otherwise.
 */
export function fromPointKey(key: PointKey): PointId {
  if (isUuidKey(key)) return key;
  if (key.length < 16) return Number(key);
  const big = BigInt(key);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** Total order of keys: integers ascending, then UUIDs ascending. */
export function comparePointKeys(a: PointKey, b: PointKey): number {
  if (a === b) return 0;
  const ua = isUuidKey(a);
  const ub = isUuidKey(b);
  if (ua !== ub) return ua ? 1 : -1;
  if (!ua && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : 1;
}
