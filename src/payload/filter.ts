/**
 * The filter language: Qdrant's `Filter` (must / should / must_not / min_should over field,
 * id, vector and nested conditions) plus Quiver's `match: { regex }` extension.
 *
 * A filter goes through two steps. {@link parseFilter} validates the wire shape strictly and
 * returns a {@link FilterNode} tree, which keeps every condition's key path and match kind so a
 * query planner can estimate cardinality from payload indexes. {@link compileFilter} turns the
 * tree into one closure per node, with key paths pre-parsed and value lists turned into sets,
 * so checking a point does no parsing.
 */
import type { RE2JS } from 're2js';
import type { PointKey } from '../segment/point-id.js';
import type { GeoPoint } from './geo.js';
import type { KeyPathPart } from './key-path.js';
import type { Tokenizer } from './index/tokenizer.js';
import type { Payload } from './payload.js';

export { parseFilter } from './filter-parse.js';
export {
  andPredicates,
  compileFilter,
  compileFilterNode,
  evaluateFilter,
} from './filter-compile.js';

/** A boolean clause: all of `must`, at least one of `should` (when given), none of `mustNot`. */
export interface FilterNode {
  readonly kind: 'filter';
  /** All must hold; `[]` holds. */
  readonly must: readonly ConditionNode[];
  /** When given, at least one must hold; an empty list matches nothing (as in Qdrant). */
  readonly should: readonly ConditionNode[] | undefined;
  /** None may hold. */
  readonly mustNot: readonly ConditionNode[];
  /** When given, at least `minCount` of `conditions` must hold. */
  readonly minShould: MinShouldNode | undefined;
}

/** `min_should`: at least `minCount` (>= 1) of `conditions`. */
export interface MinShouldNode {
  readonly conditions: readonly ConditionNode[];
  readonly minCount: number;
}

/** Any condition, including a whole nested clause. */
export type ConditionNode =
  | FilterNode
  | FieldConditionNode
  | IsEmptyNode
  | IsNullNode
  | HasIdNode
  | HasVectorNode
  | NestedNode
  | SliceNode;

/** A test on the values at a payload key; true when any value (array element) passes. */
export interface FieldConditionNode {
  readonly kind: 'field';
  /** The key as written in the request. */
  readonly key: string;
  readonly path: readonly KeyPathPart[];
  readonly test: FieldTest;
}

/** The key is missing, `null` or `[]` (every value it reaches is). `empty: false` negates. */
export interface IsEmptyNode {
  readonly kind: 'is_empty';
  readonly key: string;
  readonly path: readonly KeyPathPart[];
  readonly empty: boolean;
}

/** A value at the key is `null` or an array holding `null`. `isNull: false` negates. */
export interface IsNullNode {
  readonly kind: 'is_null';
  readonly key: string;
  readonly path: readonly KeyPathPart[];
  readonly isNull: boolean;
}

/** The point's id is one of `ids` (canonical keys). */
export interface HasIdNode {
  readonly kind: 'has_id';
  readonly ids: ReadonlySet<PointKey>;
}

/** The point has the named vector (`""` is the unnamed default vector). */
export interface HasVectorNode {
  readonly kind: 'has_vector';
  readonly name: string;
}

/** Some object element of the array at `key` satisfies `filter` on its own. */
export interface NestedNode {
  readonly kind: 'nested';
  readonly key: string;
  /** The array's path, ending in `[]`; inner keys are relative to its elements. */
  readonly path: readonly KeyPathPart[];
  readonly filter: FilterNode;
}

/** The point falls in slice `index` of `total` (SipHash-2-4 of the id, as Qdrant). */
export interface SliceNode {
  readonly kind: 'slice';
  readonly index: number;
  readonly total: number;
}

/** Numeric bounds, each optional (at least one is set). */
export interface RangeBounds {
  readonly gt: number | undefined;
  readonly gte: number | undefined;
  readonly lt: number | undefined;
  readonly lte: number | undefined;
}

/** What a field condition checks, one kind per condition. */
export type FieldTest =
  | { readonly kind: 'match_value'; readonly value: string | number | boolean }
  | {
      readonly kind: 'match_any';
      readonly valueType: 'keyword' | 'integer';
      readonly values: ReadonlySet<string | number>;
    }
  | {
      readonly kind: 'match_except';
      readonly valueType: 'keyword' | 'integer';
      readonly values: ReadonlySet<string | number>;
    }
  | { readonly kind: 'match_text'; readonly text: string }
  | { readonly kind: 'match_text_any'; readonly text: string; readonly tokens: readonly string[] }
  | { readonly kind: 'match_phrase'; readonly phrase: string }
  | { readonly kind: 'match_prefix'; readonly prefix: string }
  | { readonly kind: 'match_regex'; readonly pattern: string; readonly regex: RE2JS }
  | { readonly kind: 'range'; readonly bounds: RangeBounds }
  /** Bounds are instants in epoch milliseconds (see `datetime.ts`). */
  | { readonly kind: 'datetime_range'; readonly bounds: RangeBounds }
  | {
      readonly kind: 'geo_bounding_box';
      readonly topLeft: GeoPoint;
      readonly bottomRight: GeoPoint;
    }
  | { readonly kind: 'geo_radius'; readonly center: GeoPoint; readonly radius: number }
  | {
      readonly kind: 'geo_polygon';
      readonly exterior: readonly GeoPoint[];
      readonly interiors: readonly (readonly GeoPoint[])[];
    }
  | { readonly kind: 'values_count'; readonly bounds: RangeBounds };

/** What a filter is checked against: one point. */
export interface FilterTarget {
  readonly key: PointKey;
  readonly payload: Payload;
  /** `true` when the point stores the named vector (`""` = the unnamed default vector). */
  hasVector(name: string): boolean;
  /**
   * The tokenizer of the full-text index on `key` (canonical key path), when the point's segment
   * has one: `match.text`, `text_any` and `phrase` on that key then match tokens, as in Qdrant.
   * Absent or `undefined`: they match substrings.
   */
  textTokenizer?(key: string): Tokenizer | undefined;
}

/**
 * A compiled filter. `filter` is the tree it was compiled from, so a scan can ask the payload
 * indexes for candidates before calling the predicate.
 */
export type FilterPredicate = ((target: FilterTarget) => boolean) & {
  readonly filter?: FilterNode;
};
