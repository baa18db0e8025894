/**
 * The legacy search shapes (Qdrant <= 1.18, removed in 1.19): `search`, `recommend`, `discover`,
 * their batches and groups. Each body is checked against its own fields, translated into the
 * equivalent Query API body and run by the same engine, so both APIs always agree.
 */
import type { Schemas } from '../../api/wire.js';
import {
  checkKnownFields,
  checkObject,
  checkString,
  describeValue,
  fail,
} from '../../api/check.js';
import { batchEntries, groupPlan, queryPoints } from './api.js';
import { parseGroupOptions } from './groups.js';
import { outputOptions } from './output.js';
import { type QueryContext, parseQuery } from './plan.js';

const COMMON = [
  'filter',
  'params',
  'limit',
  'offset',
  'with_payload',
  'with_vector',
  'score_threshold',
  'shard_key',
];
const GROUPS = ['group_by', 'group_size', 'with_lookup'];

/** Which legacy request a body is. */
export type LegacyKind = 'search' | 'recommend' | 'discover';

const FIELDS: Record<LegacyKind, string[]> = {
  search: ['vector', ...COMMON],
  recommend: ['positive', 'negative', 'strategy', 'using', 'lookup_from', ...COMMON],
  discover: ['target', 'context', 'using', 'lookup_from', ...COMMON],
};

function p(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Translates a legacy body into a Query API body (see the module comment). */
export function toQueryBody(
  kind: LegacyKind,
  body: Record<string, unknown>,
  path: string,
  groups: boolean,
): Record<string, unknown> {
  checkKnownFields(
    body,
    groups ? [...FIELDS[kind].filter((f) => f !== 'offset'), ...GROUPS] : FIELDS[kind],
    path,
  );
  if (body.limit === undefined || body.limit === null)
    fail(p(path, 'limit'), 'missing field; say how many results to return');
  const out: Record<string, unknown> = {};
  for (const key of [
    'filter',
    'params',
    'limit',
    'offset',
    'with_payload',
    'with_vector',
    'score_threshold',
    ...GROUPS,
  ]) {
    if (body[key] !== undefined) out[key] = body[key];
  }
  switch (kind) {
    case 'search': {
      const vector = body.vector;
      if (vector === undefined || vector === null)
        fail(p(path, 'vector'), 'missing field; give the query vector');
      if (Array.isArray(vector)) {
        out.query = vector;
        break;
      }
      const named = checkObject(vector, p(path, 'vector'));
      if (named.name === undefined) {
        fail(
          p(path, 'vector'),
          `expected a vector or {name, vector}, got ${describeValue(vector)}`,
        );
      }
      out.using = checkString(named.name, p(path, 'vector.name'));
      const inner = named.vector;
      if (!Array.isArray(inner) && (inner === null || typeof inner !== 'object')) {
        fail(p(path, 'vector.vector'), `expected a vector, got ${describeValue(inner)}`);
      }
      out.query = inner;
      break;
    }
    case 'recommend':
      out.query = {
        recommend: { positive: body.positive, negative: body.negative, strategy: body.strategy },
      };
      out.using = body.using;
      out.lookup_from = body.lookup_from;
      break;
    case 'discover':
      out.query =
        body.target === undefined || body.target === null
          ? { context: body.context ?? [] }
          : { discover: { target: body.target, context: body.context ?? [] } };
      out.using = body.using;
      out.lookup_from = body.lookup_from;
      break;
  }
  return out;
}

/** A legacy single request → `ScoredPoint[]`. */
export function legacySearch(
  ctx: QueryContext,
  kind: LegacyKind,
  raw: unknown,
  path = '',
): Schemas['ScoredPoint'][] {
  const body = checkObject(raw ?? {}, path);
  return queryPoints(ctx, toQueryBody(kind, body, path, false), path).points;
}

/** A legacy batch (`{searches: [...]}`) → `ScoredPoint[][]`; every entry is validated first. */
export function legacyBatch(
  ctx: QueryContext,
  kind: LegacyKind,
  raw: unknown,
): Schemas['ScoredPoint'][][] {
  const entries = batchEntries(raw, 'searches').map((entry, i) => {
    const path = `searches[${i}]`;
    const body = toQueryBody(kind, checkObject(entry, path), path, false);
    // Parse now so an invalid later entry fails the batch before anything runs.
    parseQuery(ctx, body, path);
    return { body, path };
  });
  return entries.map(({ body, path }) => queryPoints(ctx, body, path).points);
}

/** A legacy groups request → `{groups}`. */
export function legacyGroups(
  ctx: QueryContext,
  kind: LegacyKind,
  raw: unknown,
): Schemas['GroupsResult'] {
  const body = checkObject(raw ?? {}, '');
  const queryBody = toQueryBody(kind, body, '', true);
  const { options, rest } = parseGroupOptions(queryBody, ctx.resolve);
  const plan = parseQuery(ctx, rest);
  return groupPlan(ctx, plan, options, outputOptions(ctx.collection, body));
}
