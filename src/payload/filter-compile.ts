/**
 * Compiles a {@link FilterNode} tree into closures, so checking a point does no parsing and
 * no dispatch on condition kinds. Semantics are Qdrant's (see docs/filters.md).
 */
import { parseDatetime } from './datetime.js';
import { parseFilter } from './filter-parse.js';
import type {
  ConditionNode,
  FieldConditionNode,
  FieldTest,
  FilterNode,
  FilterPredicate,
  FilterTarget,
  RangeBounds,
} from './filter.js';
import { asGeoPoint, haversineMeters, inBoundingBox, inPolygon } from './geo.js';
import { type TextTest, isTextTest, tokenTest } from './index/text-match.js';
import type { Tokenizer } from './index/tokenizer.js';
import { keyPathToString, rawValuesAt, valuesAt } from './key-path.js';
import type { Payload } from './payload.js';
import { inSlice } from './slice-hash.js';

/** A check of one point, given the payload object the condition's keys are relative to. */
type Check = (target: FilterTarget, payload: Payload) => boolean;

const FALSE: Check = () => false;

/**
 * Parses and compiles a filter.
 * @throws QuiverError `INVALID_FILTER` (see {@link parseFilter}).
 */
export function compileFilter(raw: unknown, path = 'filter'): FilterPredicate {
  return compileFilterNode(parseFilter(raw, path));
}

/** Compiles an already parsed filter. */
export function compileFilterNode(node: FilterNode): FilterPredicate {
  const check = compileClause(node, false);
  const predicate = (target: FilterTarget): boolean => check(target, target.payload);
  return Object.assign(predicate, { filter: node });
}

/** Both predicates hold; the result keeps a combined tree when both have one. */
export function andPredicates(
  a: FilterPredicate | undefined,
  b: FilterPredicate | undefined,
): FilterPredicate | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const both = (t: FilterTarget): boolean => a(t) && b(t);
  if (a.filter === undefined || b.filter === undefined) return both;
  const filter: FilterNode = {
    kind: 'filter',
    must: [a.filter, b.filter],
    should: undefined,
    mustNot: [],
    minShould: undefined,
  };
  return Object.assign(both, { filter });
}

/**
 * A text condition outside `nested`: token semantics when the point's segment has a text index
 * on the key (one tokenizer's test cached per segment's tokenizer), substrings otherwise.
 */
function compileTextCondition(
  key: string,
  path: FieldConditionNode['path'],
  test: TextTest,
): Check {
  const substring = compileValueTest(test);
  let lastTokenizer: Tokenizer | undefined;
  let lastTest = substring;
  return (t, p) => {
    const tokenizer = t.textTokenizer?.(key);
    if (tokenizer === undefined) return valuesAt(p, path).some(substring);
    if (tokenizer !== lastTokenizer) {
      lastTokenizer = tokenizer;
      lastTest = tokenTest(tokenizer, test);
    }
    return valuesAt(p, path).some(lastTest);
  };
}

/** Evaluates a parsed filter on one point (compiles it first: prefer compiling once). */
export function evaluateFilter(node: FilterNode, target: FilterTarget): boolean {
  return compileFilterNode(node)(target);
}

/** `inNested`: inside `nested`, id and vector conditions match nothing, as in Qdrant. */
function compileClause(node: FilterNode, inNested: boolean): Check {
  const checks: Check[] = [];
  if (node.must.length > 0) {
    const must = node.must.map((c) => compileCondition(c, inNested));
    checks.push((t, p) => must.every((c) => c(t, p)));
  }
  if (node.should !== undefined) {
    const should = node.should.map((c) => compileCondition(c, inNested));
    checks.push((t, p) => should.some((c) => c(t, p)));
  }
  if (node.minShould !== undefined) {
    const conds = node.minShould.conditions.map((c) => compileCondition(c, inNested));
    const min = node.minShould.minCount;
    checks.push((t, p) => {
      let hits = 0;
      for (const c of conds) if (c(t, p) && ++hits >= min) return true;
      return false;
    });
  }
  if (node.mustNot.length > 0) {
    const mustNot = node.mustNot.map((c) => compileCondition(c, inNested));
    checks.push((t, p) => !mustNot.some((c) => c(t, p)));
  }
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0] as Check;
  return (t, p) => checks.every((c) => c(t, p));
}

function compileCondition(node: ConditionNode, inNested: boolean): Check {
  switch (node.kind) {
    case 'filter':
      return compileClause(node, inNested);
    case 'field': {
      const test = compileValueTest(node.test);
      const path = node.path;
      if (!inNested && isTextTest(node.test)) {
        return compileTextCondition(keyPathToString(path), path, node.test);
      }
      if (node.test.kind === 'values_count') {
        const ok = boundsCheck(node.test.bounds);
        // Per stored value: null counts 0, an array its length, anything else 1; missing is 0.
        return (_t, p) => {
          const values = rawValuesAt(p, path);
          if (values.length === 0) return ok(0);
          return values.some((v) => ok(v === null ? 0 : Array.isArray(v) ? v.length : 1));
        };
      }
      return (_t, p) => valuesAt(p, path).some(test);
    }
    case 'is_empty': {
      const path = node.path;
      const want = node.empty;
      return (_t, p) => rawValuesAt(p, path).every(isEmptyValue) === want;
    }
    case 'is_null': {
      const path = node.path;
      const want = node.isNull;
      return (_t, p) => rawValuesAt(p, path).some(isNullValue) === want;
    }
    case 'has_id': {
      if (inNested) return FALSE;
      const ids = node.ids;
      return (t) => ids.has(t.key);
    }
    case 'has_vector': {
      if (inNested) return FALSE;
      const name = node.name;
      return (t) => t.hasVector(name);
    }
    case 'slice': {
      if (inNested) return FALSE;
      const { index, total } = node;
      return (t) => inSlice(t.key, index, total);
    }
    case 'nested': {
      const inner = compileClause(node.filter, true);
      const path = node.path;
      return (t, p) =>
        rawValuesAt(p, path).some(
          (el) =>
            el !== null && typeof el === 'object' && !Array.isArray(el) && inner(t, el as Payload),
        );
    }
  }
}

function isEmptyValue(v: unknown): boolean {
  return v === null || (Array.isArray(v) && v.length === 0);
}

function isNullValue(v: unknown): boolean {
  return v === null || (Array.isArray(v) && v.includes(null));
}

function boundsCheck(b: RangeBounds): (x: number) => boolean {
  const { gt, gte, lt, lte } = b;
  return (x) =>
    (gt === undefined || x > gt) &&
    (gte === undefined || x >= gte) &&
    (lt === undefined || x < lt) &&
    (lte === undefined || x <= lte);
}

/** A test of one value (an element, when the key holds an array). */
function compileValueTest(test: FieldTest): (v: unknown) => boolean {
  switch (test.kind) {
    case 'match_value': {
      const want = test.value;
      // Strings and booleans by identity; integers only match integral numbers (never `true`).
      return (v) => v === want;
    }
    case 'match_any': {
      const set = test.values;
      return test.valueType === 'keyword'
        ? (v) => typeof v === 'string' && set.has(v)
        : (v) => typeof v === 'number' && Number.isInteger(v) && set.has(v);
    }
    case 'match_except': {
      const set = test.values;
      // NOT IN over stored values: null never matches, a value of another type always does.
      return test.valueType === 'keyword'
        ? (v) => v !== null && !(typeof v === 'string' && set.has(v))
        : (v) => v !== null && !(typeof v === 'number' && Number.isInteger(v) && set.has(v));
    }
    case 'match_text': {
      const text = test.text;
      return (v) => typeof v === 'string' && v.includes(text);
    }
    case 'match_phrase': {
      const phrase = test.phrase;
      return (v) => typeof v === 'string' && v.includes(phrase);
    }
    case 'match_text_any': {
      const tokens = test.tokens;
      return (v) => typeof v === 'string' && tokens.some((tok) => v.includes(tok));
    }
    case 'match_prefix': {
      const prefix = test.prefix;
      return (v) => typeof v === 'string' && v.startsWith(prefix);
    }
    case 'match_regex': {
      const re = test.regex;
      return (v) => typeof v === 'string' && re.matcher(v).find();
    }
    case 'range': {
      const ok = boundsCheck(test.bounds);
      return (v) => typeof v === 'number' && ok(v);
    }
    case 'datetime_range': {
      const ok = boundsCheck(test.bounds);
      return (v) => {
        if (typeof v !== 'string') return false;
        const instant = parseDatetime(v);
        return instant !== undefined && ok(instant);
      };
    }
    case 'geo_bounding_box': {
      const { topLeft, bottomRight } = test;
      return (v) => {
        const p = asGeoPoint(v);
        return p !== undefined && inBoundingBox(p, topLeft, bottomRight);
      };
    }
    case 'geo_radius': {
      const { center, radius } = test;
      return (v) => {
        const p = asGeoPoint(v);
        return p !== undefined && haversineMeters(center, p) < radius;
      };
    }
    case 'geo_polygon': {
      const { exterior, interiors } = test;
      return (v) => {
        const p = asGeoPoint(v);
        return p !== undefined && inPolygon(p, exterior, interiors);
      };
    }
    case 'values_count':
      // Handled per stored value in compileCondition; never reached per element.
      return () => false;
  }
}
