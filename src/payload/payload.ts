/**
 * Payloads: the JSON object stored with each point.
 */
import { QuiverError } from '../errors.js';

/** A point's payload: any JSON object. */
export type Payload = Record<string, unknown>;

/**
 * Checks that `raw` is a JSON object with JSON values only (finite numbers, no functions,
 * bigints or cycles) and returns a deep copy the engine owns.
 * @throws QuiverError `INVALID_PAYLOAD` naming the offending path.
 */
export function toPayload(raw: unknown, path = 'payload'): Payload {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new QuiverError(
      'INVALID_PAYLOAD',
      `Validation error in request: ${path}: payload must be a JSON object, got ${describe(raw)}`,
      { path },
    );
  }
  return copyJson(raw, path, new Set()) as Payload;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function copyJson(value: unknown, path: string, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new QuiverError(
          'INVALID_PAYLOAD',
          `Validation error in request: ${path}: ${value} is not a JSON number; payload numbers must be finite`,
          { path },
        );
      }
      return value;
    case 'object': {
      if (value === null) return null;
      if (seen.has(value)) {
        throw new QuiverError(
          'INVALID_PAYLOAD',
          `Validation error in request: ${path}: payload contains a cycle`,
          { path },
        );
      }
      seen.add(value);
      let out: unknown;
      if (Array.isArray(value)) {
        out = value.map((v, i) => copyJson(v, `${path}[${i}]`, seen));
      } else {
        const obj: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
          if (v === undefined) continue;
          if (k === '__proto__') {
            // JS objects cannot hold this key safely (assignment changes the prototype).
            throw new QuiverError(
              'INVALID_PAYLOAD',
              `Validation error in request: ${path}: the key "__proto__" is reserved; rename it`,
              { path: `${path}.__proto__` },
            );
          }
          obj[k] = copyJson(v, `${path}.${k}`, seen);
        }
        out = obj;
      }
      seen.delete(value);
      return out;
    }
    case 'undefined':
      return null;
    default:
      throw new QuiverError(
        'INVALID_PAYLOAD',
        `Validation error in request: ${path}: a ${typeof value} is not a JSON value`,
        { path },
      );
  }
}
