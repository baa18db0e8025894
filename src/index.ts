/**
 * quiverdb: the embedded engine. `import { Quiver } from 'quiverdb'`.
 */
export { QuiverError, isQuiverError } from './errors.js';
export type { ErrorCode, ErrorKind, QuiverErrorOptions } from './errors.js';
export type { PointId } from './segment/point-id.js';
export type { Payload } from './payload/payload.js';
export type { Schemas } from './api/wire.js';
export { Quiver } from './db/quiver.js';
export type { CollectionStats, QuiverOptions, WriteParams } from './db/quiver.js';
export type { WalStats } from './storage/wal-stats.js';
export type { QueryPlanInfo } from './collection/query/plan.js';
// Parallel search: a pool of one's own (e.g. Web Workers running SearchHost) for `searchPool`.
export { SearchHost } from './parallel/search-host.js';
export { packTasks, unpackOffsets } from './parallel/search-pool.js';
export type {
  PackedOffsets,
  PackedTasks,
  SearchMessage,
  SearchPool,
  SearchReply,
  SearchTask,
} from './parallel/search-pool.js';
export type { ParallelSearchSettings } from './parallel/parallel-search.js';
export type { SegmentImage } from './parallel/segment-image.js';
