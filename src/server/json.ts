/**
 * Lossless JSON for the REST API. Point ids are unsigned 64-bit integers, and a JS number is
 * exact only up to 2^53, so a body that holds a longer integer literal is parsed with
 * `lossless-json` (integers beyond 2^53 become `bigint`, which the engine takes as ids), and
 * a response holding a `bigint` (the engine returns big ids that way) is written with the
 * integer's exact digits.
 *
 * Both directions keep the fast built-in path for the common case: `JSON.parse` when no
 * integer literal of 16 or more digits occurs outside a fraction or exponent, `JSON.stringify`
 * until it meets a `bigint`.
 */
import {
  isSafeNumber,
  parse as losslessParse,
  stringify as losslessStringify,
} from 'lossless-json';

/**
 * An integer literal of 16+ digits: not preceded by a digit or `.` (so not the fraction of a
 * float) and not followed by a digit, `.` or an exponent (so not the integer part of one).
 * It may also match inside a string; that only costs the slower parser.
 */
const LONG_INTEGER = /(?<![\d.])\d{16,}(?![\d.eE])/;

/** Integers that a `number` cannot hold exactly become `bigint`; every other number stays one. */
function parseNumber(text: string): number | bigint {
  if (isSafeNumber(text) || !/^-?\d+$/.test(text)) return Number(text);
  return BigInt(text);
}

/**
 * Parses a request body. Throws `SyntaxError` on malformed JSON (the error handler turns it
 * into Qdrant's `400 Format error in JSON body`).
 */
export function parseJsonBody(text: string): unknown {
  if (!LONG_INTEGER.test(text)) return JSON.parse(text) as unknown;
  return losslessParse(text, null, parseNumber);
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
