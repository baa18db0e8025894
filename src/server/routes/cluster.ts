/**
 * Cluster and shard endpoints, answered as Qdrant answers them on a standalone node: status
 * `disabled`, one local shard per collection, shard keys unsupported, cluster mutations refused.
 */
import { QuiverError } from '../../errors.js';
import { pathParam } from '../params.js';
import { addRoute } from '../route.js';
import type { RouteScope } from './index.js';

/** The peer id a standalone node reports. */
const PEER_ID = 0;

/** Qdrant's answer to a cluster operation on a standalone node: 405 Method Not Allowed. */
function standalone(what: string): Error {
  return Object.assign(
    new Error(`Wrong input: ${what} needs distributed mode; this Quiver server runs standalone`),
    { statusCode: 405 },
  );
}

/** Registers the cluster and shard routes. */
export function clusterRoutes({ app, db }: RouteScope): void {
  addRoute(app, {
    method: 'GET',
    url: '/cluster',
    operation: 'cluster_status',
    kind: 'read',
    summary: 'Cluster status (standalone: disabled)',
    tags: ['Cluster'],
    handler: async () => ({ status: 'disabled' }),
  });
  addRoute(app, {
    method: 'GET',
    url: '/cluster/telemetry',
    operation: 'cluster_telemetry',
    kind: 'read',
    summary: 'Cluster telemetry (standalone: no collections are distributed)',
    tags: ['Cluster'],
    query: ['details_level', 'timeout'],
    handler: async () => ({ collections: {} }),
  });
  addRoute(app, {
    method: 'POST',
    url: '/cluster/recover',
    operation: 'recover_current_peer',
    kind: 'admin',
    summary: 'Recover the Raft state (standalone: refused)',
    tags: ['Cluster'],
    handler: async () => {
      throw standalone('recovering the Raft state');
    },
  });
  addRoute(app, {
    method: 'DELETE',
    url: '/cluster/peer/:peer_id',
    operation: 'remove_peer',
    kind: 'admin',
    summary: 'Remove a peer (standalone: refused)',
    tags: ['Cluster'],
    query: ['timeout', 'force'],
    handler: async () => {
      throw standalone('removing a peer');
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name/cluster',
    operation: 'collection_cluster_info',
    kind: 'read',
    summary: 'Shards of a collection (standalone: one local shard)',
    tags: ['Cluster'],
    handler: async (request) => {
      const info = await db.getCollection(pathParam(request, 'collection_name'));
      return {
        peer_id: PEER_ID,
        shard_count: 1,
        local_shards: [{ shard_id: 0, points_count: info.points_count ?? 0, state: 'Active' }],
        remote_shards: [],
        shard_transfers: [],
      };
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/collections/:collection_name/cluster',
    operation: 'update_collection_cluster',
    kind: 'admin',
    summary: 'Move, replicate or drop shards (standalone: refused)',
    tags: ['Cluster'],
    query: ['timeout'],
    handler: async (request) => {
      await db.getCollection(pathParam(request, 'collection_name'));
      throw standalone('changing shard placement');
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name/shards',
    operation: 'list_shard_keys',
    kind: 'read',
    summary: 'Shard keys (none: Quiver shards automatically)',
    tags: ['Cluster'],
    handler: async (request) => {
      await db.getCollection(pathParam(request, 'collection_name'));
      return { shard_keys: [] };
    },
  });
  for (const [method, url, operation] of [
    ['PUT', '/collections/:collection_name/shards', 'create_shard_key'],
    ['POST', '/collections/:collection_name/shards/delete', 'delete_shard_key'],
  ] as const) {
    addRoute(app, {
      method,
      url,
      operation,
      kind: 'admin',
      summary: 'Custom shard keys (not supported)',
      tags: ['Cluster'],
      query: ['timeout'],
      handler: async (request) => {
        await db.getCollection(pathParam(request, 'collection_name'));
        throw new QuiverError(
          'INVALID_REQUEST',
          'Wrong input: custom shard keys are not supported by Quiver; use a payload field and a filter (or one collection per tenant) instead',
        );
      },
    });
  }
  const shardSnapshots = [
    ['GET', '/snapshot', 'stream_shard_snapshot'],
    ['POST', '/snapshots/upload', 'recover_shard_from_uploaded_snapshot'],
    ['PUT', '/snapshots/recover', 'recover_shard_from_snapshot'],
    ['GET', '/snapshots', 'list_shard_snapshots'],
    ['POST', '/snapshots', 'create_shard_snapshot'],
    ['DELETE', '/snapshots/:snapshot_name', 'delete_shard_snapshot'],
    ['GET', '/snapshots/:snapshot_name', 'get_shard_snapshot'],
  ] as const;
  for (const [method, path, operation] of shardSnapshots) {
    addRoute(app, {
      method,
      url: `/collections/:collection_name/shards/:shard_id${path}`,
      operation,
      kind: 'admin',
      summary: 'Shard snapshots (not supported: use collection snapshots)',
      tags: ['Snapshots'],
      handler: async (request) => {
        await db.getCollection(pathParam(request, 'collection_name'));
        throw new QuiverError(
          'INVALID_REQUEST',
          'Wrong input: shard snapshots are not supported by Quiver; a collection is one shard, so use the collection snapshot endpoints (/collections/{name}/snapshots)',
        );
      },
    });
  }
}
