/**
 * The server's logger: pino, one JSON object per line on stdout (or coloured lines with
 * `log.format: pretty`). Secrets in request headers are redacted; every line of a request
 * carries its `reqId` (Fastify's child logger).
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config/schema.js';

/** Header paths whose values never reach the logs. */
export const REDACTED_PATHS = [
  'req.headers["api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Builds the logger for `log` settings, writing to `destination` (default stdout). */
export function createLogger(
  log: Config['log'],
  destination: NodeJS.WritableStream = process.stdout,
): Logger {
  const options = {
    level: log.level,
    redact: { paths: REDACTED_PATHS, censor: '<redacted>' },
    base: { service: 'quiver', pid: process.pid },
  };
  if (log.format === 'pretty') {
    return pino(options, pretty({ destination, sync: true, colorize: false }));
  }
  return pino(
    options,
    destination === process.stdout ? pino.destination({ sync: true }) : destination,
  );
}
