/**
 * Grouping of ranked hits by a payload key (Qdrant's `*Groups` requests): a point joins the group
 * of each string or integer value at `group_by` (an array names several groups; a value repeated
 * in one point counts once); groups are ordered by their best hit and hold at most `group_size`
 * hits, best first; at most `limit` groups are returned. `with_lookup` attaches the point whose
 * id equals the group id from another collection.
 */
import type { Schemas } from '../../api/wire.js';
import {
  checkInt,
  checkKnownFields,
  checkObject,
  checkString,
  fail,
  optional,
} from '../../api/check.js';
import { isQuiverError } from '../../errors.js';
import { parseKeyPath, valuesAt } from '../../payload/key-path.js';
import { toPointKey } from '../../segment/point-id.js';
import type { Collection } from '../collection.js';
import { type RecordOptions, toRecord } from '../output.js';
import { MAX_GROUP_SIZE } from './guards.js';
import type { Hit, Ranked } from './hits.js';
import { outputOptions, toHitPoint } from './output.js';

/** Parsed group options. */
export interface GroupOptions {
  key: string;
  groupSize: number;
  /** Resolved `with_lookup`. */
  lookup: { collection: Collection; output: RecordOptions } | undefined;
}

/** Splits `group_by`, `group_size`, `with_lookup` off a groups body; returns the rest too. */
export function parseGroupOptions(
  body: Record<string, unknown>,
  resolve: (name: string) => Collection,
): { options: GroupOptions; rest: Record<string, unknown> } {
  const { group_by, group_size, with_lookup, ...rest } = body;
  if (group_by === undefined) fail('group_by', 'missing field; give the payload key to group by');
  const key = checkString(group_by, 'group_by');
  parseKeyPath(key, 'group_by');
  const groupSize =
    optional(group_size, (v) => checkInt(v, 'group_size', { min: 1, max: MAX_GROUP_SIZE })) ?? 3;
  let lookup: GroupOptions['lookup'];
  if (with_lookup !== undefined && with_lookup !== null) {
    if (typeof with_lookup === 'string') {
      const collection = resolve(with_lookup);
      lookup = { collection, output: outputOptions(collection, {}, 'with_vectors', true) };
    } else {
      const wl = checkObject(with_lookup, 'with_lookup');
      checkKnownFields(
        wl,
        ['collection', 'with_payload', 'with_vectors', 'with_vector'],
        'with_lookup',
      );
      const collection = resolve(checkString(wl.collection, 'with_lookup.collection'));
      const vectorKey = wl.with_vector !== undefined ? 'with_vector' : 'with_vectors';
      lookup = {
        collection,
        output: outputOptions(collection, wl, vectorKey, true, 'with_lookup'),
      };
    }
  }
  return { options: { key, groupSize, lookup }, rest };
}

/** The group ids a point belongs to: its distinct string and integer values at the key. */
function groupIdsOf(hit: Hit, parts: ReturnType<typeof parseKeyPath>): (string | number)[] {
  const out: (string | number)[] = [];
  for (const v of valuesAt(hit.loc.segment.payloads[hit.loc.offset]!, parts)) {
    if (
      (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) &&
      !out.includes(v)
    )
      out.push(v);
  }
  return out;
}

/** Groups ranked hits (see the module comment). */
export function groupRanked(
  collection: Collection,
  ranked: Ranked,
  options: GroupOptions,
  limit: number,
  output: RecordOptions,
): Schemas['GroupsResult'] {
  const parts = parseKeyPath(options.key, 'group_by');
  // Keyed by type + value so the string "1" and the integer 1 are different groups.
  const groups = new Map<string, { id: string | number; hits: Hit[] }>();
  let full = 0;
  for (const hit of ranked.hits) {
    if (groups.size === limit && full === limit) break;
    for (const id of groupIdsOf(hit, parts)) {
      const gk = `${typeof id}:${id}`;
      let group = groups.get(gk);
      if (group === undefined) {
        if (groups.size === limit) continue;
        group = { id, hits: [] };
        groups.set(gk, group);
      }
      if (group.hits.length < options.groupSize) {
        group.hits.push(hit);
        if (group.hits.length === options.groupSize) full++;
      }
    }
  }
  return {
    groups: [...groups.values()].map((g) => {
      const out: Schemas['PointGroup'] = {
        id: g.id,
        hits: g.hits.map((h) => toHitPoint(collection, h, ranked.publicScore(h.score), output)),
      };
      if (options.lookup !== undefined) {
        const record = lookupRecord(options.lookup.collection, g.id, options.lookup.output);
        if (record !== undefined) out.lookup = record;
      }
      return out;
    }),
  };
}

function lookupRecord(
  collection: Collection,
  id: string | number,
  output: RecordOptions,
): Schemas['Record'] | undefined {
  let key: string;
  try {
    key = toPointKey(id, 'group id');
  } catch (err) {
    // A group id that is not a point id (say, a non-UUID string) has nothing to look up.
    if (isQuiverError(err, 'INVALID_ID')) return undefined;
    throw err;
  }
  const loc = collection.locate(key);
  return loc === undefined ? undefined : toRecord(loc.segment, loc.offset, output);
}
