/**
 * A small LRU cache of query results, per collection. The key holds the collection's
 * `readEpoch` (its `lastOp` and payload index changes) and `layoutVersion`, so any write, any
 * index change and any segment swap by the optimizer (which may change approximate or
 * `indexed_only` answers) makes older entries unreachable (they age out of the LRU).
 * Requests that read another collection (`lookup_from`, `with_lookup`) or are random (`sample`)
 * are not cached. Cached results are deep-copied in and out, so callers may mutate them.
 */
import { LRUCache } from 'lru-cache';
import type { Collection } from '../collection.js';

/** Cached results per collection. */
const ENTRIES_PER_COLLECTION = 64;

const caches = new WeakMap<Collection, LRUCache<string, { value: unknown }>>();

function keyOf(collection: Collection, method: string, body: unknown): string | undefined {
  const text = JSON.stringify(body, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v.toString()}n` : v,
  );
  if (text.includes('"lookup_from"') || text.includes('"with_lookup"') || text.includes('"sample"'))
    return undefined;
  return `${collection.readEpoch}:${collection.layoutVersion}\u0000${method}\u0000${text}`;
}

function cacheOf(collection: Collection): LRUCache<string, { value: unknown }> {
  let cache = caches.get(collection);
  if (cache === undefined) {
    cache = new LRUCache({ max: ENTRIES_PER_COLLECTION });
    caches.set(collection, cache);
  }
  return cache;
}

/**
 * Returns the cached result of `method(body)` on `collection`, computing it on a miss. The
 * computation may await (parallel search): the key is taken before it starts, so a write landing
 * meanwhile leaves the entry under the older, unreachable key.
 */
export async function cachedQuery<T>(
  collection: Collection,
  method: string,
  body: unknown,
  compute: () => T | Promise<T>,
): Promise<T> {
  const key = keyOf(collection, method, body);
  if (key === undefined) return compute();
  const hit = cacheOf(collection).get(key);
  if (hit !== undefined) return structuredClone(hit.value) as T;
  const value = await compute();
  cacheOf(collection).set(key, { value: structuredClone(value) });
  return value;
}
