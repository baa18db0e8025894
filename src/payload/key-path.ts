/**
 * Payload key paths, as Qdrant writes them: `a.b` for object keys, `a[]` to project through an
 * array, `a[2]` for one element, `"a.b".c` for a key that itself contains dots or brackets.
 *
 * Resolution follows Qdrant's JSON path semantics exactly: an array is only entered where the
 * path says so (`[]` or `[N]`), so `country.cities.population` reaches nothing when `cities` is an
 * array; write `country.cities[].population`. The array found at the *end* of a path is kept
 * whole by {@link rawValuesAt} (conditions such as `values_count` and `is_empty` need it) and
 * flattened one level by {@link valuesAt} (what `match`, `range` and geo conditions test).
 */
import { QuiverError } from '../errors.js';
import type { Payload } from './payload.js';

/** One step of a key path. */
export type KeyPathPart =
  { kind: 'key'; name: string } | { kind: 'index'; index: number } | { kind: 'each' };

// Qdrant's unquoted key: letters, digits, `_` and `-`. Anything else must be double-quoted.
const RAW_KEY = /^[\p{Alphabetic}\p{N}_-]+$/u;
const RAW_CHAR = /[\p{Alphabetic}\p{N}_-]/u;

function badPath(text: string, path: string, problem: string): QuiverError {
  return new QuiverError(
    'INVALID_FILTER',
    `Validation error in request: ${path}: invalid key path ${JSON.stringify(text)}: ${problem}`,
    { path },
  );
}

/**
 * Parses a key path.
 * @param text - the path as written in a request (`country.cities[].population`).
 * @param path - where the path sits in the request, for the error (`filter.must[0].key`).
 * @throws QuiverError `INVALID_FILTER` when the path is empty or malformed.
 */
export function parseKeyPath(text: string, path = 'key'): KeyPathPart[] {
  if (text.length === 0) throw badPath(text, path, 'a key path must not be empty');
  const parts: KeyPathPart[] = [];
  let i = 0;
  const readKey = (): string => {
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw badPath(text, path, `unterminated quote at offset ${i}; close it with "`);
      const name = text.slice(i + 1, end);
      if (name.includes('\\')) {
        throw badPath(text, path, 'a quoted key may not contain a backslash');
      }
      i = end + 1;
      return name;
    }
    const start = i;
    while (i < text.length && RAW_CHAR.test(text[i] as string)) i++;
    if (i === start) {
      const found = i < text.length ? `${JSON.stringify(text[i])}` : 'the end';
      throw badPath(
        text,
        path,
        `expected a key at offset ${i}, found ${found}; quote keys with other characters ("a b")`,
      );
    }
    return text.slice(start, i);
  };
  parts.push({ kind: 'key', name: readKey() });
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      i++;
      parts.push({ kind: 'key', name: readKey() });
    } else if (c === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) throw badPath(text, path, `unbalanced "[" at offset ${i}; close it with "]"`);
      const inner = text.slice(i + 1, end);
      if (inner === '') {
        parts.push({ kind: 'each' });
      } else if (/^[0-9]+$/.test(inner) && Number.isSafeInteger(Number(inner))) {
        parts.push({ kind: 'index', index: Number(inner) });
      } else {
        throw badPath(
          text,
          path,
          `"[${inner}]" is not "[]" or "[N]" with N a non-negative integer`,
        );
      }
      i = end + 1;
    } else {
      throw badPath(
        text,
        path,
        `unexpected ${JSON.stringify(c)} at offset ${i}; use "." between keys and quote keys with other characters`,
      );
    }
  }
  return parts;
}

/** Writes parts back as text; `parseKeyPath(keyPathToString(p))` equals `p`. */
export function keyPathToString(parts: readonly KeyPathPart[]): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'key') {
      const name = RAW_KEY.test(part.name) ? part.name : `"${part.name}"`;
      out += out === '' ? name : `.${name}`;
    } else if (part.kind === 'index') {
      out += `[${part.index}]`;
    } else {
      out += '[]';
    }
  }
  return out;
}

function collect(value: unknown, parts: readonly KeyPathPart[], at: number, out: unknown[]): void {
  if (value === undefined) return;
  if (at === parts.length) {
    out.push(value);
    return;
  }
  const part = parts[at] as KeyPathPart;
  if (part.kind === 'key') {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      // Own keys only: a payload key named `constructor` must not reach Object.prototype.
      if (Object.prototype.hasOwnProperty.call(obj, part.name)) {
        collect(obj[part.name], parts, at + 1, out);
      }
    }
  } else if (Array.isArray(value)) {
    if (part.kind === 'index') {
      if (part.index < value.length) collect(value[part.index], parts, at + 1, out);
    } else {
      for (const element of value) collect(element, parts, at + 1, out);
    }
  }
}

/**
 * The values the path reaches, each as stored: an array at the end of the path stays one value.
 * Missing keys contribute nothing.
 */
export function rawValuesAt(payload: Payload, parts: readonly KeyPathPart[]): unknown[] {
  const out: unknown[] = [];
  collect(payload, parts, 0, out);
  return out;
}

/**
 * All values the path reaches, with arrays at the end of the path flattened one level (an array
 * inside such an array stays one value). Missing keys give `[]`.
 */
export function valuesAt(payload: Payload, parts: readonly KeyPathPart[]): unknown[] {
  const out: unknown[] = [];
  for (const value of rawValuesAt(payload, parts)) {
    if (Array.isArray(value)) out.push(...(value as unknown[]));
    else out.push(value);
  }
  return out;
}
