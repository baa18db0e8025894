/**
 * The payload indexes of one segment, and what they say about a filter: cardinality bounds
 * ({@link PayloadIndexSet.estimate}) and candidate offsets ({@link PayloadIndexSet.candidates}).
 *
 * A filter tree is answered bottom-up. A field condition on an indexed key asks that index; any
 * other condition (unindexed key, `has_id`, `is_empty`, `nested`...) says "no narrowing". `must`
 * intersects what its parts name, `should` unites them (only when every part names a list),
 * `must_not` complements a part only when that part is exact and covers at least half the
 * segment (otherwise the complement would not narrow much and costs a pass over the segment).
 * Candidates are always a superset of the live matches; callers re-check the whole filter. When
 * the filter may match more than 30% of the segment, no candidates are listed: listing and
 * sorting them costs more than it saves over a scan in place.
 */
import type { ConditionNode, FilterNode } from '../filter.js';
import { keyPathToString, parseKeyPath, valuesAt } from '../key-path.js';
import type { Payload } from '../payload.js';
import {
  type CardinalityEstimate,
  combineMust,
  combineShould,
  invert,
  unknownEstimate,
} from './estimator.js';
import type { FieldIndex } from './field-index.js';
import { GeoIndex } from './geo-index.js';
import { KeywordIndex } from './keyword-index.js';
import { BoolIndex, DatetimeIndex, FloatIndex, IntegerIndex } from './numeric-index.js';
import { type OffsetList, complement, intersect, unionAll } from './offset-set.js';
import type { IndexSpec } from './schema.js';
import { TextIndex } from './text-index.js';
import type { Tokenizer } from './tokenizer.js';

/** What the index set reads of its segment. */
export interface IndexedSegment {
  /** Offsets ever used. */
  readonly size: number;
  /** Live points. */
  readonly liveCount: number;
  isLive(offset: number): boolean;
  /** Offset → payload. */
  readonly payloads: readonly Payload[];
}

/** One declared index. */
interface Slot {
  readonly path: ReturnType<typeof parseKeyPath>;
  readonly index: FieldIndex;
}

/**
 * What the indexes know of a (sub)filter: bounds, and the offsets that may match (`undefined`:
 * every live point may). `exact` when those offsets (or all live points) are exactly the matches.
 */
interface Answer {
  readonly est: CardinalityEstimate;
  readonly offsets: (() => OffsetList) | undefined;
  readonly exact: boolean;
  /** The exact number of matches, when known without listing them. */
  readonly known?: number | undefined;
}

/** A new, empty index of the declared kind. */
export function createFieldIndex(spec: IndexSpec): FieldIndex {
  switch (spec.type) {
    case 'keyword':
    case 'uuid':
      return new KeywordIndex(spec);
    case 'integer':
      return new IntegerIndex(spec);
    case 'float':
      return new FloatIndex(spec);
    case 'datetime':
      return new DatetimeIndex(spec);
    case 'bool':
      return new BoolIndex();
    case 'geo':
      return new GeoIndex();
    case 'text':
      return new TextIndex(spec);
  }
}

/**
 * The canonical spelling of a key path, so `a.b` declared matches `a.b` in a filter.
 * @throws QuiverError `INVALID_FILTER` naming `path` when the key path is malformed.
 */
export function canonicalKey(field: string, path = 'field_name'): string {
  return keyPathToString(parseKeyPath(field, path));
}

/** A segment's payload indexes (see the module comment). */
export class PayloadIndexSet {
  private readonly slots = new Map<string, Slot>();
  /**
   * Above this share of the segment's live points (by the estimate's `max`), `candidates` lists
   * nothing: a scan in place is cheaper. 0.3 by default; tests set 1 to exercise every answer.
   */
  broadShare = 0.3;

  constructor(private readonly segment: IndexedSegment) {}

  /** `true` when no index is declared (writes then skip all index work). */
  get isEmpty(): boolean {
    return this.slots.size === 0;
  }

  /** Declares an index on `field` and indexes the segment's live points (replacing any). */
  create(field: string, spec: IndexSpec): void {
    const path = parseKeyPath(field);
    const index = createFieldIndex(spec);
    const { segment } = this;
    for (let offset = 0; offset < segment.size; offset++) {
      if (segment.isLive(offset)) index.set(offset, valuesAt(segment.payloads[offset]!, path));
    }
    this.slots.set(keyPathToString(path), { path, index });
  }

  /** Drops the index on `field`, if any. */
  drop(field: string): void {
    this.slots.delete(canonicalKey(field));
  }

  /** The index on `field` (canonical spelling), if declared. */
  get(field: string): FieldIndex | undefined {
    return this.slots.get(field)?.index;
  }

  /** Re-indexes `offset` after its payload changed (or it was appended). */
  update(offset: number, payload: Payload): void {
    for (const { path, index } of this.slots.values()) index.set(offset, valuesAt(payload, path));
  }

  /** Forgets `offset` (deleted). */
  remove(offset: number): void {
    for (const { index } of this.slots.values()) index.remove(offset);
  }

  /** The tokenizer of the text index on `key` (canonical spelling), if there is one. */
  tokenizer(key: string): Tokenizer | undefined {
    const index = this.slots.get(key)?.index;
    return index instanceof TextIndex ? index.tokenizer : undefined;
  }

  /**
   * Live points per distinct value at `key` (canonical spelling), from a keyword, integer
   * (with `lookup`) or bool index, when that index refused no value (so it saw every value a
   * facet counts); `undefined` otherwise.
   */
  valueCounts(key: string): Iterable<[string | number | boolean, number]> | undefined {
    const index = this.slots.get(key)?.index;
    if (index instanceof KeywordIndex && index.spec.type === 'keyword' && index.others.size === 0) {
      return index.postings.counts();
    }
    if (index instanceof IntegerIndex && index.spec.lookup && index.others.size === 0) {
      return index.postings.counts();
    }
    if (index instanceof BoolIndex && index.others.size === 0) return index.postings.counts();
    return undefined;
  }

  estimate(filter: FilterNode): CardinalityEstimate {
    return this.clause(filter).est;
  }

  candidates(filter: FilterNode): OffsetList | undefined {
    if (this.slots.size === 0) return undefined;
    const answer = this.clause(filter);
    // A broad filter is cheaper to scan in place than to list, sort and visit out of line.
    if (answer.est.max > this.broadShare * this.segment.liveCount) return undefined;
    return answer.offsets?.();
  }

  /**
   * The number of live points matching `filter` when the indexes know it exactly (every
   * condition answered exactly by an index), else `undefined`.
   */
  exactCount(filter: FilterNode): number | undefined {
    if (this.slots.size === 0) return undefined;
    const answer = this.clause(filter);
    if (answer.known !== undefined) return answer.known;
    if (!answer.exact) return undefined;
    if (answer.offsets === undefined) return this.segment.liveCount;
    // Counting a broad answer would build a long list: a scan counts as cheaply.
    if (answer.est.max > this.broadShare * this.segment.liveCount) return undefined;
    return answer.offsets().length;
  }

  private clause(node: FilterNode): Answer {
    const n = this.segment.liveCount;
    const parts: Answer[] = node.must.map((c) => this.condition(c));
    if (node.should !== undefined) parts.push(this.any(node.should.map((c) => this.condition(c))));
    if (node.minShould !== undefined) {
      const answers = node.minShould.conditions.map((c) => this.condition(c));
      const any = this.any(answers);
      // At least one holds, so the union bounds it; exact only when one is enough.
      parts.push(
        node.minShould.minCount === 1
          ? any
          : { ...any, exact: false, known: undefined, est: loose(any.est) },
      );
    }
    for (const c of node.mustNot) parts.push(this.not(this.condition(c)));
    if (parts.length === 0)
      return { est: { min: n, exp: n, max: n }, offsets: undefined, exact: true, known: n };
    if (parts.length === 1) return parts[0]!;
    const lists = parts.filter((p) => p.offsets !== undefined);
    return {
      est: combineMust(
        parts.map((p) => p.est),
        n,
      ),
      offsets:
        lists.length === 0
          ? undefined
          : memo(() => {
              const sorted = lists.map((p) => p.offsets!()).sort((a, b) => a.length - b.length);
              let out = sorted[0]!;
              for (let i = 1; i < sorted.length && out.length > 0; i++)
                out = intersect(out, sorted[i]!);
              return out;
            }),
      exact: parts.every((p) => p.exact),
    };
  }

  /** At least one of `answers` holds. */
  private any(answers: readonly Answer[]): Answer {
    if (answers.length === 1) return answers[0]!;
    const n = this.segment.liveCount;
    const est = combineShould(
      answers.map((a) => a.est),
      n,
    );
    if (answers.some((a) => a.offsets === undefined)) {
      // One part may be all live points: no narrowing, exact only if that part is exact-all.
      return { est, offsets: undefined, exact: false };
    }
    return {
      est,
      offsets: memo(() => unionAll(answers.map((a) => a.offsets!()))),
      exact: answers.every((a) => a.exact),
    };
  }

  private not(answer: Answer): Answer {
    const n = this.segment.liveCount;
    const est = invert(answer.est, n);
    const known = answer.known === undefined ? undefined : n - answer.known;
    if (!answer.exact) return { est, offsets: undefined, exact: false, known };
    if (answer.offsets === undefined) return { est, offsets: () => [], exact: true, known: 0 };
    const matched = answer.offsets;
    if (answer.est.max < n / 2) return { est, offsets: undefined, exact: false, known };
    const segment = this.segment;
    return {
      est,
      offsets: memo(() => complement(matched(), segment.size, (o) => segment.isLive(o))),
      exact: true,
      known,
    };
  }

  private condition(node: ConditionNode): Answer {
    const n = this.segment.liveCount;
    switch (node.kind) {
      case 'filter':
        return this.clause(node);
      case 'field': {
        const slot = this.slots.get(keyPathToString(node.path));
        const lookup = slot?.index.lookup(node.test);
        if (lookup === undefined) break;
        const max = Math.min(n, lookup.size);
        const min = Math.min(max, lookup.sure);
        return {
          est: { min, exp: Math.round((min + max) / 2), max },
          offsets: () => lookup.offsets(),
          exact: lookup.exact,
          known: lookup.exact ? lookup.size : undefined,
        };
      }
      case 'has_id': {
        const max = Math.min(n, node.ids.size);
        return { est: { min: 0, exp: Math.round(max / 2), max }, offsets: undefined, exact: false };
      }
      default:
        break;
    }
    return { est: unknownEstimate(n), offsets: undefined, exact: false };
  }
}

/** `min_should` with a count above one: only the union's upper bound holds. */
function loose(est: CardinalityEstimate): CardinalityEstimate {
  return { min: 0, exp: Math.round(est.exp / 2), max: est.max };
}

function memo<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}
