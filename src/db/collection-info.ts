/**
 * `getCollection`'s answer (Qdrant's `CollectionInfo`) and payload index declarations.
 */
import type { Schemas } from '../api/wire.js';
import { checkEnum, checkObject, describeValue, fail } from '../api/check.js';
import type { Collection } from '../collection/collection.js';
import { parseKeyPath, valuesAt } from '../payload/key-path.js';

const SCHEMA_TYPES = [
  'keyword',
  'integer',
  'float',
  'geo',
  'text',
  'bool',
  'datetime',
  'uuid',
] as const;

/** Validates a `field_schema`: a type name or a parameter object with `type`. */
export function checkPayloadIndex(raw: unknown, path: string): Schemas['PayloadFieldSchema'] {
  if (typeof raw === 'string') return checkEnum(raw, SCHEMA_TYPES, path);
  if (raw === undefined || raw === null)
    fail(path, `missing field; one of ${SCHEMA_TYPES.join(', ')}`);
  const obj = checkObject(raw, path);
  if (obj.type === undefined)
    fail(
      `${path}.type`,
      `missing field; one of ${SCHEMA_TYPES.join(', ')}, got ${describeValue(obj.type)}`,
    );
  checkEnum(obj.type, SCHEMA_TYPES, `${path}.type`);
  return structuredClone(obj) as Schemas['PayloadFieldSchema'];
}

/** Qdrant's `CollectionInfo` for a collection. */
export function collectionInfo(collection: Collection): Schemas['CollectionInfo'] {
  const payload_schema: Record<string, Schemas['PayloadIndexInfo']> = {};
  for (const [field, schema] of collection.payloadIndexes) {
    const parts = parseKeyPath(field);
    let points = 0;
    collection.scan(undefined, (loc) => {
      if (valuesAt(loc.segment.payloads[loc.offset]!, parts).length > 0) points++;
    });
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
