/**
 * One error type for the whole engine. Every failure carries a stable `code` (for programs),
 * a `kind` (mapped to an HTTP status in exactly one place, the server's error handler) and a
 * message that names the problem and, where there is one, the fix.
 */

/** What sort of failure this is; the server maps each kind to one HTTP status. */
export type ErrorKind =
  /** The request is malformed or breaks a constraint (HTTP 400 / 422). */
  | 'bad_input'
  /** The named collection, alias, point or snapshot does not exist (HTTP 404). */
  | 'not_found'
  /** The request clashes with existing state, e.g. a duplicate collection (HTTP 409). */
  | 'conflict'
  /** The operation is not allowed in this configuration (HTTP 403). */
  | 'forbidden'
  /** The operation ran past its `timeout` (HTTP 408). */
  | 'timeout'
  /** The engine cannot serve the request right now, e.g. closed or read-only (HTTP 503). */
  | 'unavailable'
  /** A bug or an I/O failure (HTTP 500). */
  | 'internal';

/** Stable error codes. Never renamed once released: programs match on them. */
export type ErrorCode =
  | 'INVALID_REQUEST'
  | 'INVALID_COLLECTION_NAME'
  | 'INVALID_COLLECTION_CONFIG'
  | 'INVALID_ID'
  | 'INVALID_VECTOR'
  | 'DIMENSION_MISMATCH'
  | 'INVALID_FILTER'
  | 'INVALID_PAYLOAD'
  | 'COLLECTION_NOT_FOUND'
  | 'COLLECTION_EXISTS'
  | 'ALIAS_NOT_FOUND'
  | 'ALIAS_EXISTS'
  | 'VECTOR_NAME_NOT_FOUND'
  | 'POINT_NOT_FOUND'
  | 'SNAPSHOT_NOT_FOUND'
  | 'CLOSED'
  | 'TIMEOUT'
  | 'IO_ERROR'
  | 'CORRUPT_DATA'
  | 'LOCKED'
  | 'INTERNAL'
  | 'INVALID_CONFIG'
  | 'LIMIT_EXCEEDED'
  | 'READ_ONLY';

/** Options for {@link QuiverError}. */
export interface QuiverErrorOptions {
  /** Where in the request the problem is, as a dotted path (`points[3].vector`). */
  path?: string;
  /** The underlying error, kept so no context is lost. */
  cause?: unknown;
}

const KIND_BY_CODE: Record<ErrorCode, ErrorKind> = {
  INVALID_REQUEST: 'bad_input',
  INVALID_COLLECTION_NAME: 'bad_input',
  INVALID_COLLECTION_CONFIG: 'bad_input',
  INVALID_ID: 'bad_input',
  INVALID_VECTOR: 'bad_input',
  DIMENSION_MISMATCH: 'bad_input',
  INVALID_FILTER: 'bad_input',
  INVALID_PAYLOAD: 'bad_input',
  COLLECTION_NOT_FOUND: 'not_found',
  COLLECTION_EXISTS: 'conflict',
  ALIAS_NOT_FOUND: 'not_found',
  ALIAS_EXISTS: 'conflict',
  VECTOR_NAME_NOT_FOUND: 'bad_input',
  POINT_NOT_FOUND: 'not_found',
  SNAPSHOT_NOT_FOUND: 'not_found',
  CLOSED: 'unavailable',
  TIMEOUT: 'timeout',
  IO_ERROR: 'internal',
  CORRUPT_DATA: 'internal',
  // Another process holds the data directory: retrying after it stops can succeed (HTTP 503).
  LOCKED: 'unavailable',
  INTERNAL: 'internal',
  // A server setting (file, env variable or flag) is unknown or out of range.
  INVALID_CONFIG: 'bad_input',
  // A configured limit (collections, points, disk per collection) would be passed.
  LIMIT_EXCEEDED: 'forbidden',
  // Writes are paused (low disk space or memory pressure); they resume on their own.
  READ_ONLY: 'unavailable',
};

/** The one error class of the engine. Check `code` rather than the message. */
export class QuiverError extends Error {
  override readonly name = 'QuiverError';
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Failure class, mapped to an HTTP status by the server. */
  readonly kind: ErrorKind;
  /** Where in the request the problem is, if it is about one field. */
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, options: QuiverErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = KIND_BY_CODE[code];
    this.path = options.path;
  }
}

/** A request field that breaks a constraint; `path` names the field (`points[2].id`). */
export function invalidRequest(path: string, problem: string): QuiverError {
  const where = path === '' ? '' : `${path}: `;
  return new QuiverError('INVALID_REQUEST', `Validation error in request: ${where}${problem}`, {
    path,
  });
}

/** `true` when `err` is a {@link QuiverError}, optionally with the given code. */
export function isQuiverError(err: unknown, code?: ErrorCode): err is QuiverError {
  return err instanceof QuiverError && (code === undefined || err.code === code);
}
