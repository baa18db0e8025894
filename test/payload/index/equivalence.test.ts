/**
 * Property tests: payload indexes never change results. Random payloads (of right and wrong
 * types for each index), random writes (upsert, set / overwrite / delete / clear payload, delete
 * point) across small segments, random filters over every index type:
 *
 * 1. a scan that visits only the indexes' candidates finds exactly what a scan of every point
 *    finds, each segment's estimate bounds contain its true count, and an exact count from the
 *    indexes (which `count` returns without a scan) is the true count;
 * 2. through the public API, query / scroll / count / facet answer the same with indexes as a
 *    twin database without them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Quiver } from '../../../src/index.js';
import type { Collection } from '../../../src/collection/collection.js';
import { compileFilter } from '../../../src/payload/filter.js';
import {
  DIM,
  type Write,
  filterArb,
  schemasArb,
  vectorOf,
  withoutText,
  writeArb,
} from './fixtures.js';

async function openWith(): Promise<Quiver> {
  const db = await Quiver.open();
  await db.createCollection('c', {
    vectors: { size: DIM, distance: 'Dot' },
    optimizers_config: { max_segment_size: 1 },
  });
  return db;
}

async function declare(db: Quiver, schemas: Record<string, unknown>): Promise<void> {
  for (const [field_name, field_schema] of Object.entries(schemas)) {
    await db.createPayloadIndex('c', { field_name, field_schema: field_schema as never });
  }
}

async function apply(db: Quiver, w: Write): Promise<void> {
  const points = [w.id];
  try {
    switch (w.kind) {
      case 'upsert':
        await db.upsert('c', {
          points: [{ id: w.id, vector: vectorOf(w.id), payload: w.payload }],
        });
        return;
      case 'set':
        await db.setPayload('c', { payload: w.payload, points });
        return;
      case 'overwrite':
        await db.overwritePayload('c', { payload: w.payload, points });
        return;
      case 'delete_keys':
        await db.deletePayload('c', { keys: w.keys, points });
        return;
      case 'clear':
        await db.clearPayload('c', { points });
        return;
      case 'delete':
        await db.delete('c', { points });
        return;
    }
  } catch (err) {
    // A payload write to a missing point fails alike in both databases.
    assert.equal((err as { code?: string }).code, 'POINT_NOT_FOUND');
  }
}

function collectionOf(db: Quiver): Collection {
  return (db as unknown as { resolve(name: string): Collection }).resolve('c');
}

test('index candidates find exactly what a full scan finds; estimates bound the counts', async () => {
  await fc.assert(
    fc.asyncProperty(
      schemasArb,
      fc.array(writeArb, { minLength: 12, maxLength: 40 }),
      fc.nat({ max: 30 }),
      fc.array(filterArb, { minLength: 1, maxLength: 6 }),
      async (schemas, writes, declareAt, filters) => {
        const db = await openWith();
        // Some writes land before the indexes exist (built from data), the rest after.
        const cut = Math.min(declareAt, writes.length);
        for (const w of writes.slice(0, cut)) await apply(db, w);
        await declare(db, schemas);
        for (const w of writes.slice(cut)) await apply(db, w);
        const collection = collectionOf(db);
        // List candidates however broad the filter, so every index answer is exercised.
        for (const segment of collection.segments) segment.payloadIndex.broadShare = 1;
        for (const raw of filters) {
          const predicate = compileFilter(raw);
          const viaIndex: string[] = [];
          collection.scan(predicate, (loc) => viaIndex.push(loc.segment.keys[loc.offset]!));
          const full: string[] = [];
          for (const segment of collection.segments) {
            let count = 0;
            for (let offset = 0; offset < segment.size; offset++) {
              if (!segment.isLive(offset)) continue;
              if (!predicate(collection.target({ segment, offset }))) continue;
              full.push(segment.keys[offset]!);
              count++;
            }
            const exact = segment.payloadIndex.exactCount(predicate.filter!);
            assert.ok(exact === undefined || exact === count, `exact count ${exact} vs ${count}`);
            const est = segment.payloadIndex.estimate(predicate.filter!);
            assert.ok(
              est.min <= count && count <= est.max && est.min <= est.exp && est.exp <= est.max,
              `estimate ${JSON.stringify(est)} vs ${count} for ${JSON.stringify(raw)}`,
            );
          }
          assert.deepEqual(viaIndex, full, JSON.stringify(raw));
        }
        await db.close();
      },
    ),
    { numRuns: 200 },
  );
});

test('query, scroll, count and facet answer the same with payload indexes as without', async () => {
  await fc.assert(
    fc.asyncProperty(
      schemasArb,
      fc.array(writeArb, { minLength: 12, maxLength: 40 }),
      fc.array(filterArb, { minLength: 1, maxLength: 4 }),
      async (schemas, writes, filters) => {
        const indexed = await openWith();
        const plain = await openWith();
        // Without a text index `match.text` means substrings; keep both databases alike.
        await declare(indexed, withoutText(schemas));
        for (const w of writes) {
          await apply(indexed, w);
          await apply(plain, w);
        }
        for (const filter of filters) {
          const ask = async (db: Quiver) => ({
            count: await db.count('c', { filter }),
            scroll: await db.scroll('c', { filter, limit: 100 }),
            page: await db.scroll('c', { filter, limit: 2, offset: 3 }),
            query: await db.query('c', { query: vectorOf(1), filter, limit: 5 }),
            facet: await db.facet('c', { key: 'k', filter, limit: 20 }),
            // Without a filter, keyword / integer / bool indexes give the counts directly.
            facets: await Promise.all(
              ['k', 'n', 'b', 'm.s'].map((key) => db.facet('c', { key, limit: 20 })),
            ),
          });
          assert.deepEqual(await ask(indexed), await ask(plain), JSON.stringify(filter));
        }
        await indexed.close();
        await plain.close();
      },
    ),
    { numRuns: 100 },
  );
});
