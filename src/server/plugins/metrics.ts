/**
 * `/metrics` (Prometheus text format, prom-client) and `/telemetry` (the same facts as JSON in
 * Qdrant's envelope). Series, all prefixed `quiver_` except Node's defaults:
 * - `quiver_http_requests_total` and `quiver_http_request_duration_seconds` per method, route
 *   pattern and status;
 * - `quiver_search_duration_seconds` (every query, search, recommend, discover... route, per
 *   operation) and `quiver_upsert_duration_seconds`;
 * - per collection: `quiver_collection_points`, `quiver_collection_segments`,
 *   `quiver_collection_vector_bytes` (memory of the dense vectors and their quantized codes),
 *   `quiver_collection_disk_bytes`, `quiver_wal_bytes`, `quiver_wal_fsyncs`,
 *   `quiver_wal_fsync_seconds_sum`, `quiver_wal_fsync_seconds_max`;
 * - `quiver_disk_free_bytes`, `quiver_read_only`, `quiver_ready`;
 * - Node's process metrics: `process_resident_memory_bytes`, `nodejs_heap_size_used_bytes`,
 *   `nodejs_eventloop_lag_p99_seconds` (perf_hooks `monitorEventLoopDelay`) and the rest.
 * A registry per server, so two servers in one process (tests) do not mix their figures.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Quiver } from '../../db/quiver.js';
import { type RouteMeta, okBody } from '../envelope.js';
import { routeMeta } from './request-meta.js';
import type { ServerState } from './state.js';

/** Options of {@link registerMetrics}. */
export interface MetricsOptions {
  db: Quiver;
  state: ServerState;
  /** Version reported by `/telemetry`. */
  version: string;
}

const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
const SEARCH_OPERATION = /search|query|recommend|discover|matrix|facet|similar|duplicate|range/i;
const UPSERT_OPERATION = /^upsert/i;

/** Builds the registry with every series; `collect` callbacks read `db` and `state` on scrape. */
export function createMetrics({ db, state }: Omit<MetricsOptions, 'version'>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'quiver_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'quiver_http_request_duration_seconds',
    help: 'Time from request received to response sent, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const search = new Histogram({
    name: 'quiver_search_duration_seconds',
    help: 'Latency of search requests (query, search, recommend, discover...), by operation.',
    labelNames: ['operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const upsert = new Histogram({
    name: 'quiver_upsert_duration_seconds',
    help: 'Latency of upsert requests, until durable when wait=true.',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const perCollection = (name: string, help: string, read: (s: CollectionFacts) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['collection'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of collectionFacts(db, state)) this.set({ collection: s.collection }, read(s));
      },
    });
  perCollection('quiver_collection_points', 'Live points per collection.', (s) => s.points);
  perCollection('quiver_collection_segments', 'Segments per collection.', (s) => s.segments);
  perCollection(
    'quiver_collection_vector_bytes',
    'Bytes of dense vectors in memory: float32 originals plus quantized codes.',
    (s) => s.vectorBytes,
  );
  perCollection(
    'quiver_collection_disk_bytes',
    'Bytes on disk per collection folder (at the last disk check).',
    (s) => s.diskBytes,
  );
  perCollection('quiver_wal_bytes', 'Write-ahead log bytes on disk.', (s) => s.walBytes);
  perCollection('quiver_wal_fsyncs', 'WAL file fsyncs since start.', (s) => s.fsyncs);
  perCollection(
    'quiver_wal_fsync_seconds_sum',
    'Total time spent in WAL fsyncs since start.',
    (s) => s.fsyncSecondsSum,
  );
  perCollection(
    'quiver_wal_fsync_seconds_max',
    'Slowest WAL fsync since start.',
    (s) => s.fsyncSecondsMax,
  );
  new Gauge({
    name: 'quiver_disk_free_bytes',
    help: 'Free bytes on the data volume (at the last disk check).',
    registers: [registry],
    collect() {
      if (state.diskFreeBytes !== undefined) this.set(state.diskFreeBytes);
    },
  });
  new Gauge({
    name: 'quiver_read_only',
    help: '1 while writes are refused for lack of disk space, else 0.',
    registers: [registry],
    collect() {
      this.set(state.diskReadOnly === undefined ? 0 : 1);
    },
  });
  new Gauge({
    name: 'quiver_ready',
    help: '1 when /readyz answers 200, else 0.',
    registers: [registry],
    collect() {
      this.set(state.ready && !state.stopping ? 1 : 0);
    },
  });
  return { registry, requests, latency, search, upsert };
}

/** What the per-collection series report. */
interface CollectionFacts {
  collection: string;
  points: number;
  segments: number;
  vectorBytes: number;
  diskBytes: number;
  walBytes: number;
  fsyncs: number;
  fsyncSecondsSum: number;
  fsyncSecondsMax: number;
}

/** One scrape reads the engine once, not once per series (figures at most 250 ms old). */
const FACTS_TTL_MS = 250;
const factsCache = new WeakMap<Quiver, { at: number; facts: CollectionFacts[] }>();

function collectionFacts(db: Quiver, state: ServerState): CollectionFacts[] {
  const cached = factsCache.get(db);
  const now = performance.now();
  if (cached !== undefined && now - cached.at < FACTS_TTL_MS) return cached.facts;
  const facts = readFacts(db, state);
  factsCache.set(db, { at: now, facts });
  return facts;
}

function readFacts(db: Quiver, state: ServerState): CollectionFacts[] {
  return db.stats().map((s) => ({
    collection: s.collection,
    points: s.points,
    segments: s.segments,
    vectorBytes: s.vectorBytes,
    diskBytes: state.collectionBytes.get(s.collection) ?? 0,
    walBytes: s.walBytes ?? 0,
    fsyncs: s.wal?.fsyncs ?? 0,
    fsyncSecondsSum: (s.wal?.fsyncLatency.totalMs ?? 0) / 1000,
    fsyncSecondsMax: (s.wal?.fsyncLatency.maxMs ?? 0) / 1000,
  }));
}

/** Records every response and serves `/metrics` and `/telemetry`. */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions): void {
  const m = createMetrics(options);
  const startedAt = Date.now();
  app.addHook('onResponse', async (request, reply) => {
    const seconds = reply.elapsedTime / 1000;
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    m.requests.inc(labels);
    m.latency.observe(labels, seconds);
    const meta = routeMeta(request);
    if (meta === undefined || reply.statusCode >= 400) return;
    if (meta.kind === 'read' && SEARCH_OPERATION.test(meta.operation))
      m.search.observe({ operation: meta.operation }, seconds);
    else if (meta.kind === 'write' && UPSERT_OPERATION.test(meta.operation))
      m.upsert.observe(seconds);
  });
  const service = (operation: string): { config: RouteMeta } => ({
    config: { kind: 'service', operation },
  });
  app.get('/metrics', service('metrics'), async (_request, reply) => {
    const text = await m.registry.metrics();
    return reply.type(m.registry.contentType).send(text);
  });
  app.get('/telemetry', service('telemetry'), async () => {
    const t0 = performance.now();
    const { state, db } = options;
    return okBody(
      {
        app: { name: 'quiver', version: options.version },
        uptime_sec: (Date.now() - startedAt) / 1000,
        ready: state.ready && !state.stopping,
        read_only: state.diskReadOnly ?? null,
        disk_free_bytes: state.diskFreeBytes ?? null,
        collections: collectionFacts(db, state),
        memory: process.memoryUsage(),
        metrics: await m.registry.getMetricsAsJSON(),
      },
      t0,
    );
  });
}
