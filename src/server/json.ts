/**
 * Lossless JSON for the REST API. Point ids are unsigned 64-bit integers, and a JS number is
 * exact only up to 2^53, so a body that holds a longer integer literal is parsed with
 * `lossless-json` (integers beyond 2^53 become `bigint`, which the engine takes as ids), and
 * a response holding a `bigint` (the engine returns big ids that way) is written with the
 * integer's exact digits.
 *
 * Only point ids need the exactness: a `bigint` is kept where Qdrant's bodies hold ids (see
 * {@link ID_KEYS}) and becomes a `number` everywhere else (payload values, filter bounds,
 * vectors), where the engine stores doubles, as JSON.parse would have given it.
 *
 * Both directions keep the fast built-in path for the common case: `JSON.parse`, and a second,
 * lossless parse only when the result holds a number beyond 2^53 outside vectors and payloads;
 * `JSON.stringify` until it meets a `bigint`.
 */
import {
  isSafeNumber,
  parse as losslessParse,
  stringify as losslessStringify,
} from 'lossless-json';

/** Subtrees that never hold ids: their big integers are numbers either way, so skip them. */
const NO_IDS = new Set(['vector', 'vectors', 'payload', 'payloads']);

/**
 * Whether `JSON.parse` may have rounded an id: some number outside vectors and payloads is
 * beyond 2^53 (every integer literal above 2^53 parses to such a number). Walks the parsed
 * value, skipping vectors: far cheaper than scanning the text of a large upsert.
 */
function mayHoldBigId(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'number') {
          if (Math.abs(item) > Number.MAX_SAFE_INTEGER) return true;
        } else if (item !== null && typeof item === 'object') stack.push(item);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (typeof item === 'number') {
          if (Math.abs(item) > Number.MAX_SAFE_INTEGER) return true;
        } else if (item !== null && typeof item === 'object' && !NO_IDS.has(key)) stack.push(item);
      }
    } else if (typeof value === 'number' && Math.abs(value) > Number.MAX_SAFE_INTEGER) {
      return true;
    }
  }
  return false;
}

/** Integers that a `number` cannot hold exactly become `bigint`; every other number stays one. */
function parseNumber(text: string): number | bigint {
  if (isSafeNumber(text) || !/^-?\d+$/.test(text)) return Number(text);
  return BigInt(text);
}

/**
 * Keys under which Qdrant's request bodies carry point ids: `points[].id`, `batch.ids`, `ids`,
 * selector `points`, scroll `offset`, filter `has_id`, a `query` / `nearest` by id, recommend
 * `positive` / `negative`, discover `target` (and its context pairs), and the extensions' `a`, `b`.
 */
const ID_KEYS = new Set([
  'id',
  'ids',
  'points',
  'offset',
  'has_id',
  'query',
  'nearest',
  'positive',
  'negative',
  'target',
  'a',
  'b',
]);

/** Turns `bigint`s that are not ids back into numbers, in place (see the module comment). */
function settleBigInts(value: unknown, key: string, inPayload: boolean): unknown {
  if (typeof value === 'bigint') return !inPayload && ID_KEYS.has(key) ? value : Number(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = settleBigInts(value[i], key, inPayload);
  } else if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    for (const k of Object.keys(object)) {
      const payload = inPayload || k === 'payload' || k === 'payloads';
      object[k] = settleBigInts(object[k], k, payload);
    }
  }
  return value;
}

/**
 * Parses a request body. Throws `SyntaxError` on malformed JSON (the error handler turns it
 * into Qdrant's `400 Format error in JSON body`).
 */
export function parseJsonBody(text: string): unknown {
  const fast = JSON.parse(text) as unknown;
  if (!mayHoldBigId(fast)) return fast;
  return settleBigInts(losslessParse(text, null, parseNumber), '', false);
}

/** Serialises a response: `bigint` values as exact integers, non-finite numbers as `null`. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    // `JSON.stringify` throws a TypeError on the first bigint; only then pay for the slow path.
    if (!(err instanceof TypeError)) throw err;
    return losslessStringify(value) ?? 'null';
  }
}
