/**
 * Cardinality estimates of a filter over one segment, for the query planner (which reads them
 * through `segment/filter-estimator.ts`): how many live points of the segment match at least
 * (`min`), probably (`exp`) and at most (`max`). Invariant: `min <= true count <= max` and
 * `min <= exp <= max`.
 *
 * Leaves come from the payload indexes (exact counts where an index answers exactly) or, for
 * conditions no index answers, the whole range `[0, n]` with `n / 2` expected. Clauses combine as
 * in Qdrant: `must` takes the smallest `max` and multiplies the expected fractions (independence),
 * `should` adds the `max`es and unites the fractions, `must_not` mirrors its operand's bounds.
 */

/** Cardinality bounds of a filter on one segment (see the module comment). */
export interface CardinalityEstimate {
  min: number;
  exp: number;
  max: number;
}

/** No knowledge: anything from none to all of `n` points. */
export function unknownEstimate(n: number): CardinalityEstimate {
  return { min: 0, exp: Math.round(n / 2), max: n };
}

/** All of `parts` hold (see the module comment). */
export function combineMust(parts: readonly CardinalityEstimate[], n: number): CardinalityEstimate {
  if (parts.length === 0) return { min: n, exp: n, max: n };
  let min = n;
  let max = n;
  let fraction = 1;
  for (const p of parts) {
    // At least the overlap the pigeonhole principle forces.
    min = Math.max(0, min + p.min - n);
    max = Math.min(max, p.max);
    fraction *= n === 0 ? 0 : p.exp / n;
  }
  return clamp({ min, exp: Math.round(fraction * n), max });
}

/** At least one of `parts` holds. */
export function combineShould(
  parts: readonly CardinalityEstimate[],
  n: number,
): CardinalityEstimate {
  if (parts.length === 0) return { min: 0, exp: 0, max: 0 };
  let min = 0;
  let max = 0;
  let none = 1;
  for (const p of parts) {
    min = Math.max(min, p.min);
    max = Math.min(n, max + p.max);
    none *= n === 0 ? 1 : 1 - p.exp / n;
  }
  return clamp({ min, exp: Math.round((1 - none) * n), max });
}

/** `part` does not hold. */
export function invert(part: CardinalityEstimate, n: number): CardinalityEstimate {
  return { min: n - part.max, exp: n - part.exp, max: n - part.min };
}

function clamp(e: CardinalityEstimate): CardinalityEstimate {
  return { min: e.min, exp: Math.min(e.max, Math.max(e.min, e.exp)), max: e.max };
}
