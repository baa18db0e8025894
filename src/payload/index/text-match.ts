/**
 * Full-text semantics of `match: {text}`, `{text_any}` and `{phrase}` on a field with a text
 * index (Qdrant's: on such a field these match tokens, not substrings). The filter compiler uses
 * these tests when the point's collection has a text index on the condition's key, and the text
 * index answers the same tests from its inverted lists, so both agree.
 */
import type { FieldTest } from '../filter.js';
import { type Tokenizer, hasAllTokens, hasAnyToken, hasPhrase } from './tokenizer.js';

/** The text conditions, by kind. */
export type TextTest = Extract<
  FieldTest,
  { kind: 'match_text' | 'match_text_any' | 'match_phrase' }
>;

/** `true` for the conditions a text index changes the meaning of. */
export function isTextTest(test: FieldTest): test is TextTest {
  return (
    test.kind === 'match_text' || test.kind === 'match_text_any' || test.kind === 'match_phrase'
  );
}

/** The query text of a text condition. */
export function textOf(test: TextTest): string {
  return test.kind === 'match_phrase' ? test.phrase : test.text;
}

/** A per-value test with token semantics (see the module comment). */
export function tokenTest(tokenizer: Tokenizer, test: TextTest): (v: unknown) => boolean {
  const query = tokenizer.queryTokens(textOf(test));
  switch (test.kind) {
    case 'match_text':
      return (v) => typeof v === 'string' && hasAllTokens(tokenizer.storedTokens(v), query);
    case 'match_text_any':
      return (v) => typeof v === 'string' && hasAnyToken(tokenizer.storedTokens(v), query);
    case 'match_phrase':
      return (v) =>
        typeof v === 'string' && hasPhrase(tokenizer.phraseWords(v), query, tokenizer.wordMatches);
  }
}
