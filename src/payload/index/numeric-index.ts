/**
 * Integer, float, datetime and bool indexes.
 *
 * - integer: integral numbers; `lookup` keeps inverted lists for `match`, `range` a sorted view
 *   for `range`. Non-integral numbers are refused, so a range answer adds them (`others`).
 * - float: every number, sorted; answers `range` and `match` on integers exactly.
 * - datetime: strings that parse as RFC 3339, by instant; answers datetime ranges exactly.
 * - bool: `true` / `false` lists; answers `match` on a boolean exactly.
 */
import { parseDatetime } from '../datetime.js';
import type { FieldTest, RangeBounds } from '../filter.js';
import {
  BaseFieldIndex,
  type IndexLookup,
  boundedLookup,
  countedLookup,
  exactLookup,
  supersetLookup,
} from './field-index.js';
import { type OffsetList, sortedOffsets, union, unionAll } from './offset-set.js';
import { Postings } from './postings.js';
import type { IndexSpec } from './schema.js';
import { SortedNumbers } from './sorted-numbers.js';

/** An exact range answer, counted without a list when the sorted view is clean. */
function rangeLookup(
  sorted: SortedNumbers,
  bounds: RangeBounds,
  singleValued: boolean,
): IndexLookup {
  const count = singleValued ? sorted.count(bounds) : undefined;
  if (count !== undefined) return countedLookup(count, () => sorted.range(bounds));
  return exactLookup(sorted.range(bounds));
}

const point = (x: number) => ({ gt: undefined, gte: x, lt: undefined, lte: x });

/** An integer index (see the module comment). */
export class IntegerIndex extends BaseFieldIndex<number> {
  readonly spec: Extract<IndexSpec, { type: 'integer' }>;
  readonly postings = new Postings<number>();
  private readonly sorted = new SortedNumbers();

  constructor(spec: Extract<IndexSpec, { type: 'integer' }>) {
    super();
    this.spec = spec;
  }

  protected accept(value: unknown): number | undefined {
    return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
  }

  protected insert(offset: number, keys: readonly number[]): void {
    if (this.spec.lookup) for (const key of keys) this.postings.add(key, offset);
    if (this.spec.range) this.sorted.set(offset, keys);
  }

  protected erase(offset: number, keys: readonly number[]): void {
    if (this.spec.lookup) for (const key of keys) this.postings.delete(key, offset);
    if (this.spec.range) this.sorted.delete(offset);
  }

  private equal(values: readonly number[]): OffsetList {
    if (this.spec.lookup) return this.postings.getAny(values);
    return unionAll(values.map((v) => this.sorted.range(point(v))));
  }

  lookup(test: FieldTest): IndexLookup | undefined {
    switch (test.kind) {
      case 'match_value':
        if (typeof test.value !== 'number' || !Number.isInteger(test.value)) return;
        if (this.spec.lookup) return this.postings.lookup([test.value], this.multiKeyed === 0);
        return exactLookup(this.equal([test.value]));
      case 'match_any': {
        if (test.valueType !== 'integer') return;
        const values = [...test.values] as number[];
        if (this.spec.lookup) return this.postings.lookup(values, this.multiKeyed === 0);
        return exactLookup(this.equal(values));
      }
      case 'match_except': {
        if (test.valueType !== 'integer' || !this.spec.lookup) return;
        const set = test.values;
        // Refused non-null values (floats, strings...) always pass NOT IN over integers.
        const hits = this.postings.getWhere((k) => !set.has(k));
        return exactLookup(union(hits, sortedOffsets(this.others)));
      }
      case 'range': {
        if (!this.spec.range) return;
        if (this.others.size === 0)
          return rangeLookup(this.sorted, test.bounds, this.multiKeyed === 0);
        // Non-integral numbers were refused but may be in range: `others` join the answer.
        const list = () => union(this.sorted.range(test.bounds), sortedOffsets(this.others));
        const count = this.multiKeyed === 0 ? this.sorted.count(test.bounds) : undefined;
        if (count !== undefined) return boundedLookup(count, count + this.others.size, list);
        const hits = this.sorted.range(test.bounds);
        return supersetLookup(union(hits, sortedOffsets(this.others)), hits.length);
      }
      default:
        return undefined;
    }
  }
}

/** A float index (see the module comment). */
export class FloatIndex extends BaseFieldIndex<number> {
  readonly spec: IndexSpec;
  private readonly sorted = new SortedNumbers();

  constructor(spec: Extract<IndexSpec, { type: 'float' }>) {
    super();
    this.spec = spec;
  }

  protected accept(value: unknown): number | undefined {
    return typeof value === 'number' ? value : undefined;
  }

  protected insert(offset: number, keys: readonly number[]): void {
    this.sorted.set(offset, keys);
  }

  protected erase(offset: number): void {
    this.sorted.delete(offset);
  }

  lookup(test: FieldTest): IndexLookup | undefined {
    switch (test.kind) {
      case 'range':
        return rangeLookup(this.sorted, test.bounds, this.multiKeyed === 0);
      case 'match_value':
        if (typeof test.value !== 'number') return;
        return exactLookup(this.sorted.range(point(test.value)));
      case 'match_any':
        if (test.valueType !== 'integer') return;
        return exactLookup(unionAll([...test.values].map((v) => this.sorted.range(point(+v)))));
      default:
        return undefined;
    }
  }
}

/** A datetime index (see the module comment). */
export class DatetimeIndex extends BaseFieldIndex<number> {
  readonly spec: IndexSpec;
  private readonly sorted = new SortedNumbers();

  constructor(spec: Extract<IndexSpec, { type: 'datetime' }>) {
    super();
    this.spec = spec;
  }

  protected accept(value: unknown): number | undefined {
    return typeof value === 'string' ? parseDatetime(value) : undefined;
  }

  protected insert(offset: number, keys: readonly number[]): void {
    this.sorted.set(offset, keys);
  }

  protected erase(offset: number): void {
    this.sorted.delete(offset);
  }

  lookup(test: FieldTest): IndexLookup | undefined {
    // Only datetime strings can pass a datetime range, and every one of them is indexed.
    if (test.kind !== 'datetime_range') return undefined;
    return rangeLookup(this.sorted, test.bounds, this.multiKeyed === 0);
  }
}

/** A bool index (see the module comment). */
export class BoolIndex extends BaseFieldIndex<boolean> {
  readonly spec: IndexSpec = { type: 'bool' };
  readonly postings = new Postings<boolean>();

  protected accept(value: unknown): boolean | undefined {
    return typeof value === 'boolean' ? value : undefined;
  }

  protected insert(offset: number, keys: readonly boolean[]): void {
    for (const key of keys) this.postings.add(key, offset);
  }

  protected erase(offset: number, keys: readonly boolean[]): void {
    for (const key of keys) this.postings.delete(key, offset);
  }

  lookup(test: FieldTest): IndexLookup | undefined {
    if (test.kind !== 'match_value' || typeof test.value !== 'boolean') return undefined;
    return this.postings.lookup([test.value], true);
  }
}
