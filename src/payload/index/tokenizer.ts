/**
 * Tokenizers of the full-text index. The same tokenizer cuts both the stored strings and the
 * query text, so a condition means the same whether the index answers it or a scan checks it.
 *
 * - `whitespace`: split on whitespace.
 * - `word`: runs of letters, digits and marks (punctuation and symbols separate words).
 * - `multilingual`: word boundaries by `Intl.Segmenter` (Unicode rules, so scripts without
 *   spaces such as Japanese or Thai are cut into words too): a basic multilingual tokenizer.
 * - `prefix`: words as `word`, stored as all their prefixes from `min_token_len` to
 *   `max_token_len`; query words are looked up whole, so `vec` finds `vector`.
 *
 * Then, in order: optional ASCII folding, optional lowercasing, stopwords dropped, tokens outside
 * [`min_token_len`, `max_token_len`] dropped (for `prefix`, prefixes are cut to that range).
 */
import type { TextIndexParams } from './schema.js';

const WORD = /[\p{L}\p{N}\p{M}_]+/gu;
const WHITESPACE = /\s+/u;

let segmenter: Intl.Segmenter | undefined;

function words(text: string, params: TextIndexParams): string[] {
  switch (params.tokenizer) {
    case 'whitespace':
      return text.split(WHITESPACE).filter((w) => w.length > 0);
    case 'multilingual': {
      segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
      const out: string[] = [];
      for (const s of segmenter.segment(text)) if (s.isWordLike === true) out.push(s.segment);
      return out;
    }
    case 'word':
    case 'prefix':
      return text.match(WORD) ?? [];
  }
}

function normalize(word: string, params: TextIndexParams): string {
  let w = word;
  if (params.asciiFolding) w = w.normalize('NFD').replace(/\p{M}/gu, '');
  if (params.lowercase) w = w.toLowerCase();
  return w;
}

/** The normalized words of `text`, in order, stopwords dropped (lengths not yet checked). */
function normalized(text: string, params: TextIndexParams): string[] {
  return words(text, params)
    .map((w) => normalize(w, params))
    .filter((w) => w.length > 0 && !params.stopwords.has(w));
}

const lengthOk = (w: string, params: TextIndexParams): boolean =>
  [...w].length >= params.minTokenLen && [...w].length <= params.maxTokenLen;

/** A tokenizer bound to one index's parameters. */
export interface Tokenizer {
  /** Tokens of a query text, in order (duplicates kept, for phrases). */
  queryTokens(text: string): string[];
  /** Tokens a stored string is indexed under, in order (duplicates kept, for phrases). */
  storedTokens(text: string): string[];
  /** The words of a stored string a phrase is matched against, in order. */
  phraseWords(text: string): string[];
  /** Whether a stored word matches a query token inside a phrase. */
  wordMatches(storedWord: string, queryToken: string): boolean;
}

/** A tokenizer for `params` (see the module comment). */
export function createTokenizer(params: TextIndexParams): Tokenizer {
  const queryTokens = (text: string): string[] =>
    normalized(text, params).filter((w) => lengthOk(w, params));
  if (params.tokenizer !== 'prefix') {
    return {
      queryTokens,
      storedTokens: queryTokens,
      phraseWords: queryTokens,
      wordMatches: (w, q) => w === q,
    };
  }
  return {
    queryTokens,
    phraseWords: (text) =>
      normalized(text, params).filter((w) => [...w].length >= params.minTokenLen),
    wordMatches: (w, q) => w.startsWith(q),
    storedTokens(text) {
      const out: string[] = [];
      for (const word of normalized(text, params)) {
        const chars = [...word];
        const top = Math.min(chars.length, params.maxTokenLen);
        for (let n = params.minTokenLen; n <= top; n++) out.push(chars.slice(0, n).join(''));
      }
      return out;
    },
  };
}

/** `true` when every query token is among the stored tokens (an empty query matches nothing). */
export function hasAllTokens(stored: readonly string[], query: readonly string[]): boolean {
  if (query.length === 0) return false;
  const set = new Set(stored);
  return query.every((t) => set.has(t));
}

/** `true` when some query token is among the stored tokens. */
export function hasAnyToken(stored: readonly string[], query: readonly string[]): boolean {
  const set = new Set(stored);
  return query.some((t) => set.has(t));
}

/**
 * `true` when the query tokens appear consecutively, in order, among the stored words. For the
 * prefix tokenizer each query word must be a prefix of consecutive stored words.
 */
export function hasPhrase(
  stored: readonly string[],
  query: readonly string[],
  matches: (storedWord: string, queryWord: string) => boolean,
): boolean {
  if (query.length === 0) return false;
  for (let i = 0; i + query.length <= stored.length; i++) {
    let ok = true;
    for (let j = 0; j < query.length && ok; j++) ok = matches(stored[i + j]!, query[j]!);
    if (ok) return true;
  }
  return false;
}
