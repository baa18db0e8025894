/**
 * The distance matrix (`searchMatrixPairs`, `searchMatrixOffsets`): for a sample of the points
 * that match the filter and have the vector, each sampled point's `limit` nearest neighbours
 * among the other sampled points. Unlike Qdrant's random sample, the sample here is
 * deterministic: the first `sample` such points in id order. Rows follow the sample order;
 * each row is best first (ties by id). Scores are public (distances for Euclid/Manhattan).
 */
import type { Schemas } from '../../api/wire.js';
import { checkInt, checkKnownFields, checkObject, checkString, optional } from '../../api/check.js';
import { fromPointKey } from '../../segment/point-id.js';
import type { Location } from '../collection.js';
import { DEFAULT_VECTOR } from '../config.js';
import { optionalFilter } from '../read.js';
import { MAX_MATRIX_SAMPLE, MAX_QUERY_LIMIT } from './guards.js';
import type { QueryContext } from './plan.js';
import { buildScorer } from './scoring.js';
import { spaceFor } from './space.js';

interface Matrix {
  ids: Schemas['ExtendedPointId'][];
  /** Per row: [column index, public score] best first. */
  rows: [number, number][][];
}

function computeMatrix(ctx: QueryContext, raw: unknown): Matrix {
  const body = checkObject(raw ?? {}, '');
  checkKnownFields(body, ['filter', 'sample', 'limit', 'using', 'shard_key'], '');
  const sample =
    optional(body.sample, (v) => checkInt(v, 'sample', { min: 2, max: MAX_MATRIX_SAMPLE })) ?? 10;
  const limit =
    optional(body.limit, (v) => checkInt(v, 'limit', { min: 1, max: MAX_QUERY_LIMIT })) ?? 3;
  const using = optional(body.using, (v) => checkString(v, 'using')) ?? DEFAULT_VECTOR;
  const space = spaceFor(ctx.collection, using, 'using');
  const predicate = optionalFilter(body.filter);
  const { collection } = ctx;
  const locs: Location[] = [];
  for (const key of collection.sortedKeys()) {
    if (locs.length === sample) break;
    const loc = collection.locate(key)!;
    if (space.get(loc) === undefined) continue;
    if (predicate !== undefined && !predicate(collection.target(loc))) continue;
    locs.push(loc);
  }
  const rows = locs.map((a, i) => {
    const scorer = buildScorer(space, { kind: 'nearest', vector: space.get(a)! });
    const row: [number, number][] = [];
    locs.forEach((b, j) => {
      ctx.deadline.tick();
      if (j !== i) row.push([j, scorer.score(b)!]);
    });
    // Row order: best first, ties by the neighbour's id (locs are in id order, so by index).
    row.sort((x, y) => (x[1] !== y[1] ? y[1] - x[1] : x[0] - y[0]));
    return row.slice(0, limit).map(([j, s]): [number, number] => [j, scorer.publicScore(s)]);
  });
  return {
    ids: locs.map((l) => fromPointKey(l.segment.keys[l.offset]!) as Schemas['ExtendedPointId']),
    rows,
  };
}

/** `searchMatrixPairs`: `{pairs: [{a, b, score}]}`, row by row. */
export function matrixPairs(ctx: QueryContext, raw: unknown): Schemas['SearchMatrixPairsResponse'] {
  const m = computeMatrix(ctx, raw);
  return {
    pairs: m.rows.flatMap((row, i) =>
      row.map(([j, score]) => ({ a: m.ids[i]!, b: m.ids[j]!, score })),
    ),
  };
}

/** `searchMatrixOffsets`: the same matrix in coordinate form over `ids`. */
export function matrixOffsets(
  ctx: QueryContext,
  raw: unknown,
): Schemas['SearchMatrixOffsetsResponse'] {
  const m = computeMatrix(ctx, raw);
  const out: Schemas['SearchMatrixOffsetsResponse'] = {
    offsets_row: [],
    offsets_col: [],
    scores: [],
    ids: m.ids,
  };
  m.rows.forEach((row, i) => {
    for (const [j, score] of row) {
      out.offsets_row.push(i);
      out.offsets_col.push(j);
      out.scores.push(score);
    }
  });
  return out;
}
