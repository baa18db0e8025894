/**
 * Keyword and uuid indexes: each string value's offsets. Besides `match` by value, any/except,
 * the index answers the string conditions (`prefix`, `regex`, substring `text`) by testing each
 * distinct key once instead of each point. A uuid index holds only strings shaped like a UUID.
 */
import type { FieldTest } from '../filter.js';
import { BaseFieldIndex, type IndexLookup, exactLookup, supersetLookup } from './field-index.js';
import { sortedOffsets, union } from './offset-set.js';
import { Postings } from './postings.js';
import type { IndexSpec } from './schema.js';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A keyword (`type: keyword`) or uuid (`type: uuid`) index. */
export class KeywordIndex extends BaseFieldIndex<string> {
  readonly spec: IndexSpec;
  readonly postings = new Postings<string>();
  /** Uuid indexes refuse other strings, so string conditions must also look at `others`. */
  private readonly uuidOnly: boolean;

  constructor(spec: Extract<IndexSpec, { type: 'keyword' | 'uuid' }>) {
    super();
    this.spec = spec;
    this.uuidOnly = spec.type === 'uuid';
  }

  protected accept(value: unknown): string | undefined {
    if (typeof value !== 'string') return undefined;
    return this.uuidOnly && !UUID.test(value) ? undefined : value;
  }

  protected insert(offset: number, keys: readonly string[]): void {
    for (const key of keys) this.postings.add(key, offset);
  }

  protected erase(offset: number, keys: readonly string[]): void {
    for (const key of keys) this.postings.delete(key, offset);
  }

  lookup(test: FieldTest): IndexLookup | undefined {
    switch (test.kind) {
      case 'match_value':
        if (typeof test.value !== 'string' || this.accept(test.value) === undefined) return;
        return this.postings.lookup([test.value], this.multiKeyed === 0);
      case 'match_any': {
        if (test.valueType !== 'keyword') return;
        const values = [...test.values] as string[];
        if (values.some((v) => this.accept(v) === undefined)) return;
        return this.postings.lookup(values, this.multiKeyed === 0);
      }
      case 'match_except': {
        if (test.valueType !== 'keyword') return;
        const set = test.values;
        const hits = this.postings.getWhere((k) => !set.has(k));
        const all = union(hits, sortedOffsets(this.others));
        // A keyword index refuses only non-strings, and every non-null non-string passes NOT IN;
        // a uuid index also refuses strings, which may be in the set.
        return this.uuidOnly ? supersetLookup(all, hits.length) : exactLookup(all);
      }
      case 'match_prefix': {
        const prefix = test.prefix;
        return this.stringTest((k) => k.startsWith(prefix));
      }
      case 'match_regex': {
        const re = test.regex;
        return this.stringTest((k) => re.matcher(k).find());
      }
      case 'match_text':
        return this.stringTest((k) => k.includes(test.text));
      case 'match_phrase':
        return this.stringTest((k) => k.includes(test.phrase));
      case 'match_text_any':
        return this.stringTest((k) => test.tokens.some((t) => k.includes(t)));
      default:
        return undefined;
    }
  }

  /**
   * Offsets holding a key that passes `keep`. A keyword index holds every string, so the answer
   * is exact; a uuid index adds the offsets of refused values, which may be matching strings.
   */
  private stringTest(keep: (key: string) => boolean): IndexLookup {
    const hits = this.postings.getWhere(keep);
    if (!this.uuidOnly) return exactLookup(hits);
    return supersetLookup(union(hits, sortedOffsets(this.others)), hits.length);
  }
}
