/**
 * Shared helpers for validating filter JSON: every problem becomes one `INVALID_FILTER` error
 * whose `path` names the field (`filter.must[2].range`) and whose message says how to fix it.
 */
import { QuiverError } from '../errors.js';

/** The error for a malformed filter at `path`. */
export function filterError(path: string, problem: string, cause?: unknown): QuiverError {
  return new QuiverError('INVALID_FILTER', `Validation error in request: ${path}: ${problem}`, {
    path,
    cause,
  });
}

/** A short description of a JSON value for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** `value` as a plain object, or an error naming what was expected. */
export function expectObject(value: unknown, path: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw filterError(path, `${what} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Rejects fields other than `allowed` (Qdrant denies unknown fields in filters). */
export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw filterError(
        `${path}.${k}`,
        `unknown field ${JSON.stringify(k)}; expected one of ${allowed.join(', ')}`,
      );
    }
  }
}

/** A field's value with JSON `null` read as absent (Qdrant's optional fields are nullable). */
export function optional(obj: Record<string, unknown>, key: string): unknown {
  const v = obj[key];
  return v === null ? undefined : v;
}
