/**
 * The embedded engine's public face. Method names, arguments and results follow `QdrantClient`
 * of `@qdrant/js-client-rest` (Qdrant's REST bodies, snake_case, the `result` unwrapped), so the
 * same code runs against an embedded Quiver and a Quiver or Qdrant server.
 */
import type { Schemas } from '../api/wire.js';
import {
  checkBool,
  checkEnum,
  checkKnownFields,
  checkObject,
  checkString,
  optional,
} from '../api/check.js';
import { QuiverError } from '../errors.js';
import { Collection } from '../collection/collection.js';
import {
  checkCollectionName,
  createCollectionConfig,
  updateCollectionConfig,
} from '../collection/config.js';
import {
  type CollectionOp,
  parseBatch,
  parseClearPayload,
  parseDelete,
  parseDeletePayload,
  parseDeleteVectors,
  parseSetPayload,
  parseUpdateVectors,
  parseUpsert,
} from '../collection/operations.js';
import { count, retrieve, scroll } from '../collection/read.js';
import { query, search } from '../collection/query.js';
import { applyAliasActions, parseAliasActions } from './aliases.js';
import { collectionInfo, checkPayloadIndex } from './collection-info.js';

/** Options of {@link Quiver.open}. */
export interface QuiverOptions {
  /** Reserved: the data directory (persistence arrives with the durability work). */
  path?: undefined;
}

/** Query-string parameters of Qdrant's write endpoints, accepted on every write method. */
export interface WriteParams {
  /** Wait until the change is applied (`completed`) or return once accepted (`acknowledged`). */
  wait?: boolean;
  /** Qdrant's write ordering (`weak` | `medium` | `strong`); single-node: all equivalent. */
  ordering?: Schemas['WriteOrdering'];
  /** Seconds before the call gives up. */
  timeout?: number;
}

const WRITE_PARAM_KEYS = ['wait', 'ordering', 'timeout'] as const;

/** Splits write params from the body, validating them. */
function splitWriteParams(args: unknown): { wait: boolean; body: Record<string, unknown> } {
  const all = checkObject(args ?? {}, '');
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (!(WRITE_PARAM_KEYS as readonly string[]).includes(k)) body[k] = v;
  }
  const wait = optional(all.wait, (v) => checkBool(v, 'wait')) ?? true;
  optional(all.ordering, (v) => checkEnum(v, ['weak', 'medium', 'strong'] as const, 'ordering'));
  return { wait, body };
}

/** Read params that Qdrant's clients pass along with read bodies. */
function stripReadParams(args: unknown): Record<string, unknown> {
  const { consistency: _c, timeout: _t, ...body } = checkObject(args ?? {}, '');
  return body;
}

/** An embedded Quiver database (see the module comment). */
export class Quiver {
  private readonly collections = new Map<string, Collection>();
  private aliases = new Map<string, string>();
  private closed = false;

  private constructor() {}

  /** Opens a database. In memory for now; `close()` it when done. */
  static async open(_options: QuiverOptions = {}): Promise<Quiver> {
    return new Quiver();
  }

  /** Closes the database; every later call fails with `CLOSED`. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private live(): void {
    if (this.closed)
      throw new QuiverError(
        'CLOSED',
        'Service unavailable: this Quiver instance is closed; open a new one',
      );
  }

  /** The collection with this name or alias. */
  private resolve(nameOrAlias: string): Collection {
    this.live();
    const name = this.aliases.get(nameOrAlias) ?? nameOrAlias;
    const collection = this.collections.get(name);
    if (collection === undefined) {
      throw new QuiverError(
        'COLLECTION_NOT_FOUND',
        `Not found: Collection \`${nameOrAlias}\` doesn't exist!`,
      );
    }
    return collection;
  }

  // ---- collections ----

  /** Creates a collection; fails with `COLLECTION_EXISTS` when the name is taken. */
  async createCollection(
    name: string,
    args: Schemas['CreateCollection'] & { timeout?: number } = {},
  ): Promise<boolean> {
    this.live();
    checkCollectionName(name);
    const { timeout: _t, ...body } = args;
    const config = createCollectionConfig(body);
    if (this.collections.has(name) || this.aliases.has(name)) {
      throw new QuiverError(
        'COLLECTION_EXISTS',
        `Wrong input: Collection \`${name}\` already exists!`,
      );
    }
    this.collections.set(name, new Collection({ name, config }));
    return true;
  }

  /** Collection info: status, counts, config and payload schema. */
  async getCollection(name: string): Promise<Schemas['CollectionInfo']> {
    return collectionInfo(this.resolve(name));
  }

  /** Names of all collections. */
  async getCollections(): Promise<Schemas['CollectionsResponse']> {
    this.live();
    return { collections: [...this.collections.keys()].sort().map((name) => ({ name })) };
  }

  /** Whether a collection (or alias) of this name exists. */
  async collectionExists(name: string): Promise<Schemas['CollectionExistence']> {
    this.live();
    return { exists: this.collections.has(this.aliases.get(name) ?? name) };
  }

  /** Updates optimizer, HNSW, quantization, params or metadata settings (PATCH semantics). */
  async updateCollection(
    name: string,
    args: Schemas['UpdateCollection'] & { timeout?: number } = {},
  ): Promise<boolean> {
    const collection = this.resolve(name);
    const { timeout: _t, ...body } = args;
    collection.setConfig(updateCollectionConfig(collection.config, body));
    return true;
  }

  /** Deletes a collection and its aliases; `false` when there was none. */
  async deleteCollection(name: string, _args: { timeout?: number } = {}): Promise<boolean> {
    this.live();
    if (!this.collections.delete(name)) return false;
    for (const [alias, target] of this.aliases) if (target === name) this.aliases.delete(alias);
    return true;
  }

  // ---- aliases ----

  /** Applies create/delete/rename alias actions atomically. */
  async updateCollectionAliases(
    args: Schemas['ChangeAliasesOperation'] & { timeout?: number },
  ): Promise<boolean> {
    this.live();
    const { timeout: _t, ...body } = args;
    const actions = parseAliasActions(body);
    this.aliases = applyAliasActions(this.aliases, actions, (n) => this.collections.has(n));
    return true;
  }

  /** Every alias. */
  async getAliases(): Promise<Schemas['CollectionsAliasesResponse']> {
    this.live();
    return { aliases: this.aliasList(() => true) };
  }

  /** The aliases of one collection. */
  async getCollectionAliases(name: string): Promise<Schemas['CollectionsAliasesResponse']> {
    const collection = this.resolve(name);
    return { aliases: this.aliasList((target) => target === collection.name) };
  }

  private aliasList(keep: (collection: string) => boolean): Schemas['AliasDescription'][] {
    return [...this.aliases]
      .filter(([, target]) => keep(target))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([alias_name, collection_name]) => ({ alias_name, collection_name }));
  }

  // ---- payload indexes ----

  /** Declares a payload index (reported in `payload_schema`; filtering is exact either way). */
  async createPayloadIndex(
    name: string,
    args: WriteParams & Schemas['CreateFieldIndex'],
  ): Promise<Schemas['UpdateResult']> {
    const collection = this.resolve(name);
    const { wait, body } = splitWriteParams(args);
    checkKnownFields(body, ['field_name', 'field_schema'], '');
    const field = checkString(body.field_name, 'field_name');
    collection.setConfigIndex(field, checkPayloadIndex(body.field_schema, 'field_schema'));
    return { operation_id: collection.lastOp, status: wait ? 'completed' : 'acknowledged' };
  }

  /** Drops a payload index declaration. */
  async deletePayloadIndex(
    name: string,
    field: string,
    args: WriteParams = {},
  ): Promise<Schemas['UpdateResult']> {
    const collection = this.resolve(name);
    const { wait } = splitWriteParams(args);
    collection.setConfigIndex(field, undefined);
    return { operation_id: collection.lastOp, status: wait ? 'completed' : 'acknowledged' };
  }

  // ---- points: writes ----

  private write(
    name: string,
    args: unknown,
    parse: (collection: Collection, body: Record<string, unknown>) => CollectionOp,
  ): Schemas['UpdateResult'] {
    const collection = this.resolve(name);
    const { wait, body } = splitWriteParams(args);
    const op = parse(collection, body);
    const [opNumber] = collection.apply([op]);
    return { operation_id: opNumber!, status: wait ? 'completed' : 'acknowledged' };
  }

  /** Inserts or replaces points (`{points: [...]}` or `{batch: {ids, vectors, payloads}}`). */
  async upsert(
    name: string,
    args: WriteParams & Schemas['PointInsertOperations'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (c, body) => parseUpsert(body, c.specs));
  }

  /** Deletes points by ids or filter. */
  async delete(
    name: string,
    args: WriteParams & Schemas['PointsSelector'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseDelete(body));
  }

  /** Merges keys into the payload of the selected points (optionally at a nested `key`). */
  async setPayload(
    name: string,
    args: WriteParams & Schemas['SetPayload'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseSetPayload(body, false));
  }

  /** Replaces the whole payload of the selected points. */
  async overwritePayload(
    name: string,
    args: WriteParams & Schemas['SetPayload'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseSetPayload(body, true));
  }

  /** Removes keys (key paths allowed) from the payload of the selected points. */
  async deletePayload(
    name: string,
    args: WriteParams & Schemas['DeletePayload'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseDeletePayload(body));
  }

  /** Removes the whole payload of the selected points. */
  async clearPayload(
    name: string,
    args: WriteParams & Schemas['PointsSelector'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (_c, body) => parseClearPayload(body));
  }

  /** Sets vectors of existing points, keeping their payload and other vectors. */
  async updateVectors(
    name: string,
    args: WriteParams & Schemas['UpdateVectors'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (c, body) => parseUpdateVectors(body, c.specs));
  }

  /** Removes named vectors from the selected points. */
  async deleteVectors(
    name: string,
    args: WriteParams & Schemas['DeleteVectors'],
  ): Promise<Schemas['UpdateResult']> {
    return this.write(name, args, (c, body) => parseDeleteVectors(body, c.specs));
  }

  /** Several write operations, applied all or nothing. */
  async batchUpdate(
    name: string,
    args: WriteParams & Schemas['UpdateOperations'],
  ): Promise<Schemas['UpdateResult'][]> {
    const collection = this.resolve(name);
    const { wait, body } = splitWriteParams(args);
    const ops = parseBatch(body, collection.specs);
    return collection
      .apply(ops)
      .map((operation_id) => ({ operation_id, status: wait ? 'completed' : 'acknowledged' }));
  }

  // ---- points: reads ----

  /** Points by id (unknown ids are skipped). */
  async retrieve(
    name: string,
    args: Schemas['PointRequest'] & { consistency?: unknown; timeout?: number },
  ): Promise<Schemas['Record'][]> {
    return retrieve(this.resolve(name), stripReadParams(args));
  }

  /** Number of points matching a filter (always exact). */
  async count(
    name: string,
    args: Schemas['CountRequest'] & { timeout?: number } = {},
  ): Promise<Schemas['CountResult']> {
    return count(this.resolve(name), stripReadParams(args));
  }

  /** A page of points in id order, or ordered by a payload field (`order_by`). */
  async scroll(
    name: string,
    args: Schemas['ScrollRequest'] & { consistency?: unknown; timeout?: number } = {},
  ): Promise<Schemas['ScrollResult']> {
    return scroll(this.resolve(name), stripReadParams(args));
  }

  /** Query API: nearest points to a vector or to a stored point. */
  async query(
    name: string,
    args: Schemas['QueryRequest'] & { consistency?: unknown; timeout?: number },
  ): Promise<Schemas['QueryResponse']> {
    return query(this.resolve(name), stripReadParams(args));
  }

  /** Legacy search (Qdrant <= 1.18 `SearchRequest`). */
  async search(name: string, args: Record<string, unknown>): Promise<Schemas['ScoredPoint'][]> {
    return search(this.resolve(name), stripReadParams(args));
  }
}
