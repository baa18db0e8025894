/**
 * Every setting of `quiver serve`, as one TypeBox schema: the schema gives the types, the
 * defaults, the validation at start and the table in docs/configuration.md (a test checks that
 * every key below appears there). Sections and keys are snake_case like Qdrant's config file;
 * each key is also an environment variable `QUIVER__SECTION__KEY` (nested: `QUIVER__A__B__C`).
 *
 * Numbers that mean "no limit" use 0, so that every setting can be written as an env variable.
 */
import { Type, type Static } from '@sinclair/typebox';

/** A count or size where 0 means "no limit". */
const limit = (description: string) => Type.Integer({ minimum: 0, default: 0, description });

const Cors = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Answer CORS preflights and add CORS headers (browsers calling the API).',
    }),
    origins: Type.Array(Type.String({ minLength: 1 }), {
      default: ['*'],
      description:
        'Allowed origins: `*` for any, or exact origins (`https://app.example.com`). Env: comma-separated.',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Tls = Type.Object(
  {
    cert: Type.String({
      default: '',
      description: 'PEM certificate file (chain included). With `key`, the server speaks HTTPS.',
    }),
    key: Type.String({ default: '', description: 'PEM private key file of `cert`.' }),
  },
  { additionalProperties: false, default: {} },
);

const Service = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      default: '127.0.0.1',
      description: 'Address to listen on; `0.0.0.0` for every interface (containers, LAN).',
    }),
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 6333,
      description: 'HTTP port; 0 picks a free one.',
    }),
    api_key: Type.String({
      default: '',
      description:
        'When set, every request but the health checks needs this key (`api-key` header or `Authorization: Bearer`).',
    }),
    read_only_api_key: Type.String({
      default: '',
      description: 'A second key that may only read: writes and admin calls answer 403.',
    }),
    cors: Cors,
    tls: Tls,
    http2: Type.Boolean({
      default: false,
      description:
        'Serve HTTP/2 (with TLS: negotiated, HTTP/1.1 still accepted; without: h2c only).',
    }),
    body_limit_mb: Type.Number({
      exclusiveMinimum: 0,
      default: 256,
      description:
        'Largest request body in MiB; bigger ones get 413. The default admits a 10,000 x 768 upsert even with full-precision floats (70 to 150 MB of JSON).',
    }),
    request_timeout_sec: Type.Number({
      minimum: 0,
      default: 300,
      description:
        "A request not fully received (headers and body) in this time gets 408 and its connection closed: slow or stalled clients (0: no limit). A query's own run time is bounded by its `timeout` parameter.",
    }),
    keep_alive_timeout_sec: Type.Number({
      minimum: 0,
      default: 72,
      description: 'How long an idle keep-alive connection stays open.',
    }),
    shutdown_timeout_sec: Type.Number({
      minimum: 0,
      default: 30,
      description:
        'On SIGTERM/SIGINT, how long in-flight requests may take before connections are closed.',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Checkpoint = Type.Object(
  {
    interval_sec: Type.Integer({
      minimum: 1,
      maximum: 86400,
      default: 60,
      description: 'Seconds between checkpoints of collections that changed.',
    }),
    wal_mb: Type.Integer({
      minimum: 1,
      maximum: 65536,
      default: 64,
      description: 'Checkpoint a collection as soon as its WAL grew this many MiB.',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Storage = Type.Object(
  {
    data_dir: Type.String({
      minLength: 1,
      default: './data',
      description: 'Data directory (created if missing, locked against a second process).',
    }),
    checkpoint: Checkpoint,
  },
  { additionalProperties: false, default: {} },
);

const Log = Type.Object(
  {
    level: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      {
        default: 'info',
        description:
          '`debug` also logs query plans and the body of slow queries; `silent` logs nothing.',
      },
    ),
    format: Type.Union([Type.Literal('json'), Type.Literal('pretty')], {
      default: 'json',
      description:
        '`json`: one JSON object per line (pino); `pretty`: coloured lines for a terminal.',
    }),
    slow_query_ms: Type.Number({
      minimum: 0,
      default: 1000,
      description: 'Requests slower than this are logged at `warn` with their route (0: off).',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Limits = Type.Object(
  {
    max_collections: limit('Most collections the server holds (0: no limit).'),
    max_points_per_collection: limit(
      'Most points per collection; an upsert that would pass it is refused (0: no limit).',
    ),
    max_disk_per_collection_mb: limit(
      'Writes to a collection whose folder takes more MiB than this are refused (0: no limit).',
    ),
    max_batch_size: limit('Most points (or operations) in one write request (0: no limit).'),
  },
  { additionalProperties: false, default: {} },
);

const Disk = Type.Object(
  {
    min_free_mb: Type.Number({
      minimum: 0,
      default: 512,
      description:
        'Below this many MiB free on the data volume the server turns read-only; writes resume once there is room again (0: off).',
    }),
    check_interval_sec: Type.Number({
      exclusiveMinimum: 0,
      default: 10,
      description: 'How often free disk space (and collection sizes) are measured.',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Memory = Type.Object(
  {
    max_heap_percent: Type.Number({
      minimum: 0,
      maximum: 100,
      default: 90,
      description:
        'Writes are refused (503) while the JS heap uses more than this share of its limit (0: off).',
    }),
    max_rss_mb: limit('Writes are refused while the process takes more MiB of RAM (0: off).'),
  },
  { additionalProperties: false, default: {} },
);

const Search = Type.Object(
  {
    threads: Type.Integer({
      minimum: 0,
      maximum: 64,
      default: 0,
      description:
        'Worker threads for graph searches of indexed segments (batches, and single queries over big segments); 0: every search on the main thread. Up to one per core the main thread leaves idle.',
    }),
    min_segment_points: Type.Integer({
      minimum: 0,
      default: 10000,
      description:
        'A single (non-batch) query hands a segment to the workers from this many live points; smaller ones are searched in place.',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** The whole configuration. */
export const ConfigSchema = Type.Object(
  {
    service: Service,
    storage: Storage,
    log: Log,
    limits: Limits,
    disk: Disk,
    memory: Memory,
    search: Search,
  },
  { additionalProperties: false, default: {} },
);

/** The effective configuration (after defaults, file, env and flags). */
export type Config = Static<typeof ConfigSchema>;

/** Keys whose values are secrets: redacted by `quiver config print` and in logs. */
export const SECRET_KEYS = ['service.api_key', 'service.read_only_api_key'] as const;
