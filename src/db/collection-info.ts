/**
 * `getCollection`'s answer (Qdrant's `CollectionInfo`) and payload index declarations.
 */
import type { Schemas } from '../api/wire.js';
import type { Collection } from '../collection/collection.js';
import { canonicalKey } from '../payload/index/index-set.js';
import { parseIndexSchema } from '../payload/index/schema.js';

/**
 * Validates a `field_schema` (see `payload/index/schema.ts`) and returns a copy of it as given,
 * which is what `payload_schema` reports and the catalog keeps.
 */
export function checkPayloadIndex(raw: unknown, path: string): Schemas['PayloadFieldSchema'] {
  parseIndexSchema(raw, path);
  return structuredClone(raw) as Schemas['PayloadFieldSchema'];
}

/** Qdrant's `CollectionInfo` for a collection. */
export function collectionInfo(collection: Collection): Schemas['CollectionInfo'] {
  const payload_schema: Record<string, Schemas['PayloadIndexInfo']> = {};
  for (const [field, schema] of collection.payloadIndexes) {
    // Points holding at least one value the index accepted, summed over segments.
    const key = canonicalKey(field);
    let points = 0;
    for (const segment of collection.segments) points += segment.payloadIndex.get(key)?.points ?? 0;
    const info: Schemas['PayloadIndexInfo'] =
      typeof schema === 'string'
        ? { data_type: schema, points }
        : { data_type: schema.type, params: schema, points };
    payload_schema[field] = info;
  }
  let indexed = 0;
  for (const segment of collection.segments) {
    for (const index of segment.indexes.values()) indexed += index.size - index.deletedCount;
  }
  const { optimizer } = collection;
  return {
    status: optimizer.status,
    optimizer_status: optimizer.error === undefined ? 'ok' : { error: optimizer.error },
    indexed_vectors_count: indexed,
    points_count: collection.pointsCount,
    segments_count: collection.segments.length,
    config: structuredClone(collection.config),
    payload_schema,
  };
}
