/**
 * The full-text index: an inverted list per token (see `tokenizer.ts`). `text` intersects the
 * query tokens' lists (exact unless a point holds several strings), `text_any` unites them (exact), `phrase` intersects them and leaves
 * the word order to the re-check (a superset).
 */
import type { FieldTest } from '../filter.js';
import { BaseFieldIndex, type IndexLookup, exactLookup, supersetLookup } from './field-index.js';
import { type OffsetList, intersect } from './offset-set.js';
import { Postings } from './postings.js';
import type { IndexSpec } from './schema.js';
import { isTextTest, textOf } from './text-match.js';
import { type Tokenizer, createTokenizer } from './tokenizer.js';

/** A text index (see the module comment). */
export class TextIndex extends BaseFieldIndex<string> {
  readonly spec: Extract<IndexSpec, { type: 'text' }>;
  readonly tokenizer: Tokenizer;
  private readonly postings = new Postings<string>();
  /** Offset → its distinct tokens (the keys it is held under are its strings). */
  private readonly tokensOf = new Map<number, string[]>();
  /** Offsets holding several strings: `text` is matched per string, the lists per point. */
  private multiValued = 0;

  constructor(spec: Extract<IndexSpec, { type: 'text' }>) {
    super();
    this.spec = spec;
    this.tokenizer = createTokenizer(spec);
  }

  protected accept(value: unknown): string | undefined {
    return typeof value === 'string' ? value : undefined;
  }

  protected insert(offset: number, keys: readonly string[]): void {
    const tokens = new Set<string>();
    for (const text of keys) for (const t of this.tokenizer.storedTokens(text)) tokens.add(t);
    const list = [...tokens];
    this.tokensOf.set(offset, list);
    if (keys.length > 1) this.multiValued++;
    for (const t of list) this.postings.add(t, offset);
  }

  protected erase(offset: number, keys: readonly string[]): void {
    if (keys.length > 1) this.multiValued--;
    for (const t of this.tokensOf.get(offset) ?? []) this.postings.delete(t, offset);
    this.tokensOf.delete(offset);
  }

  lookup(test: FieldTest): IndexLookup | undefined {
    if (!isTextTest(test)) return undefined;
    const query = [...new Set(this.tokenizer.queryTokens(textOf(test)))];
    if (test.kind === 'match_text_any') return exactLookup(this.postings.getAny(query));
    if (query.length === 0) return exactLookup([]);
    // Intersect from the rarest token: the first list bounds the work.
    query.sort((a, b) => this.postings.count(a) - this.postings.count(b));
    let hits: OffsetList = this.postings.get(query[0]!);
    for (let i = 1; i < query.length && hits.length > 0; i++) {
      hits = intersect(hits, this.postings.get(query[i]!));
    }
    // All tokens in one point may be spread over its strings; the test wants them in one.
    const exact = test.kind === 'match_text' && this.multiValued === 0;
    return exact ? exactLookup(hits) : supersetLookup(hits, 0);
  }
}
