/**
 * Collection aliases: alternative names that point at a collection, changed atomically in
 * batches (`updateCollectionAliases`), usable wherever Qdrant accepts a collection name.
 */
import {
  checkArray,
  checkKnownFields,
  checkObject,
  checkString,
  describeValue,
  fail,
} from '../api/check.js';
import { QuiverError } from '../errors.js';
import { checkCollectionName } from '../collection/config.js';

/** One alias action, validated. */
export type AliasAction =
  | { kind: 'create'; alias: string; collection: string }
  | { kind: 'delete'; alias: string }
  | { kind: 'rename'; from: string; to: string };

/** Parses a `ChangeAliasesOperation` body. */
export function parseAliasActions(raw: unknown): AliasAction[] {
  const body = checkObject(raw, '');
  checkKnownFields(body, ['actions'], '');
  return checkArray(body.actions, 'actions').map((entry, i) => {
    const path = `actions[${i}]`;
    const obj = checkObject(entry, path);
    if (obj.create_alias != null) {
      const a = checkObject(obj.create_alias, `${path}.create_alias`);
      return {
        kind: 'create',
        alias: checkCollectionName(a.alias_name, `${path}.create_alias.alias_name`),
        collection: checkString(a.collection_name, `${path}.create_alias.collection_name`),
      };
    }
    if (obj.delete_alias != null) {
      const a = checkObject(obj.delete_alias, `${path}.delete_alias`);
      return {
        kind: 'delete',
        alias: checkString(a.alias_name, `${path}.delete_alias.alias_name`),
      };
    }
    if (obj.rename_alias != null) {
      const a = checkObject(obj.rename_alias, `${path}.rename_alias`);
      return {
        kind: 'rename',
        from: checkString(a.old_alias_name, `${path}.rename_alias.old_alias_name`),
        to: checkCollectionName(a.new_alias_name, `${path}.rename_alias.new_alias_name`),
      };
    }
    return fail(
      path,
      `expected one of create_alias, delete_alias, rename_alias, got ${describeValue(Object.keys(obj).join(', '))}`,
    );
  });
}

/**
 * Applies actions to a copy of `aliases` (alias → collection) and returns it; the input is left
 * untouched, so a failing action changes nothing.
 */
export function applyAliasActions(
  aliases: ReadonlyMap<string, string>,
  actions: readonly AliasAction[],
  collectionExists: (name: string) => boolean,
): Map<string, string> {
  const next = new Map(aliases);
  for (const action of actions) {
    switch (action.kind) {
      case 'create':
        if (!collectionExists(action.collection)) {
          throw new QuiverError(
            'COLLECTION_NOT_FOUND',
            `Not found: Collection \`${action.collection}\` doesn't exist!`,
          );
        }
        if (next.has(action.alias) || collectionExists(action.alias)) {
          throw new QuiverError(
            'ALIAS_EXISTS',
            `Alias \`${action.alias}\` already exists as an alias or a collection; delete it first (delete_alias then create_alias in one request switches it atomically)`,
          );
        }
        next.set(action.alias, action.collection);
        break;
      case 'delete':
        if (!next.delete(action.alias)) {
          throw new QuiverError(
            'ALIAS_NOT_FOUND',
            `Not found: Alias \`${action.alias}\` doesn't exist!`,
          );
        }
        break;
      case 'rename': {
        const target = next.get(action.from);
        if (target === undefined) {
          throw new QuiverError(
            'ALIAS_NOT_FOUND',
            `Not found: Alias \`${action.from}\` doesn't exist!`,
          );
        }
        if (next.has(action.to) || collectionExists(action.to)) {
          throw new QuiverError(
            'ALIAS_EXISTS',
            `Alias \`${action.to}\` already exists as an alias or a collection`,
          );
        }
        next.delete(action.from);
        next.set(action.to, target);
        break;
      }
    }
  }
  return next;
}
