/**
 * Small checkers for request bodies. Each takes the raw value and the dotted path of the field,
 * and throws a {@link QuiverError} (`INVALID_REQUEST` unless another code is given) whose message
 * names the field, what was wrong and what is expected. They return the value narrowed.
 */
import { type ErrorCode, QuiverError } from '../errors.js';

/** Extra options for the checkers. */
export interface CheckOptions {
  /** Error code to throw instead of `INVALID_REQUEST`. */
  code?: ErrorCode;
}

/** Short description of a value for error messages (`a string`, `null`, `an array`, `3.5`). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') {
    return value.length > 40 ? `the string "${value.slice(0, 40)}..."` : `the string "${value}"`;
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Throws the validation error for `path`. */
export function fail(path: string, problem: string, options: CheckOptions = {}): never {
  const where = path === '' ? '' : `${path}: `;
  throw new QuiverError(
    options.code ?? 'INVALID_REQUEST',
    `Validation error in request: ${where}${problem}`,
    {
      path,
    },
  );
}

/** A plain JSON object (not null, not an array). */
export function checkObject(
  raw: unknown,
  path: string,
  options: CheckOptions = {},
): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    fail(path, `expected an object, got ${describeValue(raw)}`, options);
  }
  return raw as Record<string, unknown>;
}

/** Rejects fields not in `allowed`, so a typo is an error rather than silently ignored. */
export function checkKnownFields(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  options: CheckOptions = {},
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key) && obj[key] !== undefined) {
      fail(
        path === '' ? key : `${path}.${key}`,
        `unknown field "${key}"; expected one of: ${allowed.join(', ')}`,
        options,
      );
    }
  }
}

/** An array. */
export function checkArray(raw: unknown, path: string, options: CheckOptions = {}): unknown[] {
  if (!Array.isArray(raw)) fail(path, `expected an array, got ${describeValue(raw)}`, options);
  return raw;
}

/** A string. */
export function checkString(raw: unknown, path: string, options: CheckOptions = {}): string {
  if (typeof raw !== 'string') fail(path, `expected a string, got ${describeValue(raw)}`, options);
  return raw;
}

/** A boolean. */
export function checkBool(raw: unknown, path: string, options: CheckOptions = {}): boolean {
  if (typeof raw !== 'boolean')
    fail(path, `expected true or false, got ${describeValue(raw)}`, options);
  return raw;
}

/** Bounds for {@link checkNumber} and {@link checkInt}. */
export interface RangeOptions extends CheckOptions {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
}

/** A finite number within the bounds. */
export function checkNumber(raw: unknown, path: string, options: RangeOptions = {}): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    fail(path, `expected a finite number, got ${describeValue(raw)}`, options);
  }
  checkBounds(raw, path, options);
  return raw;
}

/** An integer within the bounds. */
export function checkInt(raw: unknown, path: string, options: RangeOptions = {}): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) {
    fail(path, `expected an integer, got ${describeValue(raw)}`, options);
  }
  checkBounds(raw, path, options);
  return raw;
}

function checkBounds(value: number, path: string, options: RangeOptions): void {
  if (options.min !== undefined && value < options.min) {
    fail(path, `value ${value} invalid, must be ${options.min} or larger`, options);
  }
  if (options.max !== undefined && value > options.max) {
    fail(path, `value ${value} invalid, must be ${options.max} or smaller`, options);
  }
}

/** One of the listed strings. */
export function checkEnum<T extends string>(
  raw: unknown,
  values: readonly T[],
  path: string,
  options: CheckOptions = {},
): T {
  if (typeof raw !== 'string' || !(values as readonly string[]).includes(raw)) {
    fail(
      path,
      `expected one of ${values.map((v) => `"${v}"`).join(', ')}, got ${describeValue(raw)}`,
      options,
    );
  }
  return raw as T;
}

/** Applies `check` when the value is present (not undefined or null), else returns undefined. */
export function optional<T>(raw: unknown, check: (value: unknown) => T): T | undefined {
  return raw === undefined || raw === null ? undefined : check(raw);
}
