/**
 * `startServer(config)`: everything `quiver serve` runs, as a function tests can call too.
 * Opens the engine on `storage.data_dir`, builds the REST API with the operational plugins
 * (logs and request ids, CORS, security headers, API keys, health, metrics, write guards,
 * 413 envelope, compression) registered before the routes so their hooks cover all of them,
 * listens (HTTP, HTTPS or HTTP/2), checks every collection and only then reports ready.
 *
 * `close()` is the graceful shutdown: `/readyz` turns 503, the listener stops, requests in
 * flight are answered (for at most `service.shutdown_timeout_sec`), then the engine closes
 * (WAL flushed, checkpoint written, lock released).
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { Quiver } from '../db/quiver.js';
import { QuiverError } from '../errors.js';
import { buildApp } from './app.js';
import type { Config } from './config/schema.js';
import { registerAuth } from './plugins/auth.js';
import { registerDraining } from './plugins/draining.js';
import { registerCompression, registerHeaders } from './plugins/http-extras.js';
import { registerBodyLimit } from './plugins/body-limit.js';
import { startDiskWatch } from './plugins/disk-watch.js';
import { registerHealth } from './plugins/health.js';
import { registerMetrics } from './plugins/metrics.js';
import { QueryPlanLog } from './plugins/query-plan.js';
import { registerRequestLog, requestIdFrom } from './plugins/request-log.js';
import { ServerState } from './plugins/state.js';
import { registerWriteGuard } from './plugins/write-guard.js';
import { createLogger } from './logger.js';
import { QUIVER_VERSION } from './version.js';

/** Options of {@link startServer} besides the configuration. */
export interface StartServerOptions {
  /** Logger to use (default: one built from `config.log`, writing to stdout). */
  logger?: Logger;
  /**
   * Registers extra routes after the operational plugins (tests use it to add routes before
   * the Qdrant routes exist, or to add slow ones).
   */
  extraRoutes?: (app: FastifyInstance, db: Quiver) => void | Promise<void>;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:6333`. */
  url: string;
  app: FastifyInstance;
  db: Quiver;
  state: ServerState;
  logger: Logger;
  /** Graceful shutdown (see the module comment); safe to call more than once. */
  close(): Promise<void>;
}

function readPem(file: string, setting: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new QuiverError(
      'INVALID_CONFIG',
      `Invalid configuration: cannot read ${setting} file ${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Fastify's server options from the configuration. */
function fastifyOptions(config: Config, logger: Logger): FastifyServerOptions {
  const s = config.service;
  const tls = s.tls;
  if ((tls.cert === '') !== (tls.key === ''))
    throw new QuiverError(
      'INVALID_CONFIG',
      'Invalid configuration: service.tls.cert and service.tls.key go together; set both for HTTPS or neither',
    );
  const base: FastifyServerOptions = {
    loggerInstance: logger,
    genReqId: requestIdFrom,
    bodyLimit: Math.floor(s.body_limit_mb * 1024 * 1024),
    requestTimeout: Math.floor(s.request_timeout_sec * 1000),
    keepAliveTimeout: Math.floor(s.keep_alive_timeout_sec * 1000),
    // Requests that arrive while draining get our 503 envelope (hook below), not Fastify's.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  };
  const https =
    tls.cert === ''
      ? undefined
      : {
          cert: readPem(tls.cert, 'service.tls.cert'),
          key: readPem(tls.key, 'service.tls.key'),
        };
  if (s.http2) {
    return {
      ...base,
      http2: true,
      ...(https ? { https: { ...https, allowHTTP1: true } } : {}),
    } as FastifyServerOptions;
  }
  return (https ? { ...base, https } : base) as FastifyServerOptions;
}

/** Starts the server (see the module comment). */
export async function startServer(
  config: Config,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.log);
  const state = new ServerState();
  const fastifyOpts = fastifyOptions(config, logger);
  const plans = new QueryPlanLog();
  const db = await Quiver.open({
    path: config.storage.data_dir,
    checkpoint: {
      intervalSec: config.storage.checkpoint.interval_sec,
      walMb: config.storage.checkpoint.wal_mb,
    },
    onWarning: (message) => logger.warn({ storage: true }, message),
    // One damaged collection must not keep the others offline: it is reported by /readyz.
    skipFailedCollections: true,
    onQueryPlan: plans.callback(logger),
    searchThreads: config.search.threads,
    searchMinSegmentPoints: config.search.min_segment_points,
  });
  for (const { collection, reason } of db.failedCollections()) {
    state.failedCollections.set(collection, reason);
    logger.error({ collection }, `collection failed to load and is not served: ${reason}`);
  }
  let stopDiskWatch: (() => void) | undefined;
  let app: FastifyInstance | undefined;
  try {
    stopDiskWatch = await startDiskWatch({
      db,
      state,
      log: logger,
      dataDir: config.storage.data_dir,
      minFreeBytes: config.disk.min_free_mb * 1024 * 1024,
      intervalMs: config.disk.check_interval_sec * 1000,
    });
    app = await buildApp(db, {
      fastify: fastifyOpts,
      beforeRoutes: async (a) => {
        await registerCompression(a); // first: it hooks each route as it is registered
        registerRequestLog(a, { slowQueryMs: config.log.slow_query_ms });
        plans.register(a);
        registerDraining(a, state);
        registerMetrics(a, { db, state, version: QUIVER_VERSION });
        registerBodyLimit(a, config.service.body_limit_mb);
        await registerHeaders(a, {
          tls: config.service.tls.cert !== '',
          cors: config.service.cors,
        });
        registerAuth(a, {
          apiKey: config.service.api_key,
          readOnlyApiKey: config.service.read_only_api_key,
        });
        registerHealth(a, state);
        registerWriteGuard(a, {
          db,
          state,
          maxHeapPercent: config.memory.max_heap_percent,
          maxRssMb: config.memory.max_rss_mb,
          maxCollections: config.limits.max_collections,
          maxPointsPerCollection: config.limits.max_points_per_collection,
          maxDiskPerCollectionMb: config.limits.max_disk_per_collection_mb,
          maxBatchSize: config.limits.max_batch_size,
        });
        if (options.extraRoutes) await options.extraRoutes(a, db);
      },
    });
    await app.listen({ host: config.service.host, port: config.service.port });
  } catch (err) {
    stopDiskWatch?.();
    await app?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
  // Quiver.open loaded every collection and verified every file's checksum (falling back to an
  // older checkpoint where one was damaged); what it repaired was logged through onWarning,
  // and what it could not open is in state.failedCollections.
  state.ready = true;
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.service.port;
  const scheme = config.service.tls.cert === '' ? 'http' : 'https';
  const host = config.service.host.includes(':') ? `[${config.service.host}]` : config.service.host;
  const url = `${scheme}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  logger.info(
    {
      url,
      dataDir: config.storage.data_dir,
      collections: db.stats().length,
      version: QUIVER_VERSION,
    },
    'quiver ready',
  );
  const running = app;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      state.stopping = true;
      stopDiskWatch?.();
      const timeoutMs = config.service.shutdown_timeout_sec * 1000;
      // Past the grace period, cut the connections still open so the engine can close.
      const cut = setTimeout(() => {
        logger.warn('shutdown timeout reached: closing the connections still open');
        running.server.closeAllConnections?.();
      }, timeoutMs);
      cut.unref();
      try {
        await running.close();
      } finally {
        clearTimeout(cut);
        await db.close();
        logger.info('quiver stopped: data flushed and checkpointed');
      }
    })());
  return { url, app: running, db, state, logger, close };
}
