/**
 * The Query API requests: `query`, `queryBatch` and `queryGroups`, with Qdrant's bodies and
 * results. Parsing (including id lookups) happens before any scoring, so a bad request fails fast.
 */
import type { Schemas } from '../../api/wire.js';
import { checkArray, checkKnownFields, checkObject, fail } from '../../api/check.js';
import { MAX_BATCH_SIZE } from './guards.js';
import { type GroupOptions, groupRanked, parseGroupOptions } from './groups.js';
import { outputOptions, toScoredPoints } from './output.js';
import { type QueryContext, parseQuery } from './plan.js';
import { runPlan } from './run.js';

/** `query`: one Query API request. */
export function queryPoints(ctx: QueryContext, raw: unknown, path = ''): Schemas['QueryResponse'] {
  const body = checkObject(raw ?? {}, path);
  const plan = parseQuery(ctx, body, path);
  const output = outputOptions(ctx.collection, body, 'with_vector', false, path);
  return { points: toScoredPoints(ctx.collection, runPlan(plan, ctx), output) };
}

/** Checks a batch body `{[field]: [...]}` and returns its entries. */
export function batchEntries(raw: unknown, field: string): unknown[] {
  const body = checkObject(raw ?? {}, '');
  checkKnownFields(body, [field], '');
  const list = checkArray(body[field], field);
  if (list.length > MAX_BATCH_SIZE) {
    fail(field, `a batch holds at most ${MAX_BATCH_SIZE} requests, got ${list.length}; split it`);
  }
  return list;
}

/** `queryBatch`: several Query API requests, all validated before any runs. */
export function queryBatch(ctx: QueryContext, raw: unknown): Schemas['QueryResponse'][] {
  const entries = batchEntries(raw, 'searches');
  const plans = entries.map((entry, i) => {
    const path = `searches[${i}]`;
    const body = checkObject(entry, path);
    return {
      plan: parseQuery(ctx, body, path),
      output: outputOptions(ctx.collection, body, 'with_vector', false, path),
    };
  });
  return plans.map(({ plan, output }) => ({
    points: toScoredPoints(ctx.collection, runPlan(plan, ctx), output),
  }));
}

/** `queryGroups`: a Query API request whose hits are grouped by a payload key. */
export function queryGroups(ctx: QueryContext, raw: unknown): Schemas['GroupsResult'] {
  const body = checkObject(raw ?? {}, '');
  if (body.offset != null) fail('offset', 'groups requests have no offset; page with the limit');
  const { options, rest } = parseGroupOptions(body, ctx.resolve);
  const plan = parseQuery(ctx, rest);
  return groupPlan(ctx, plan, options, outputOptions(ctx.collection, body));
}

/** Runs a plan to the end and groups its hits (the plan's `limit` is the number of groups). */
export function groupPlan(
  ctx: QueryContext,
  plan: ReturnType<typeof parseQuery>,
  options: GroupOptions,
  output: ReturnType<typeof outputOptions>,
): Schemas['GroupsResult'] {
  const ranked = runPlan(plan, ctx, 'all');
  return groupRanked(ctx.collection, ranked, options, plan.limit, output);
}
