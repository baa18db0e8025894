/**
 * Every failure of an API route as Qdrant's error envelope `{status: {error}, time}` with
 * Qdrant's status code:
 * - engine errors (`QuiverError`): the kind's status (`httpStatusOf`), except that a body which
 *   parses but breaks a constraint (`Validation error ...`) is 422, as in Qdrant;
 * - malformed JSON: 400 `Format error in JSON body: ...`;
 * - Fastify's own errors (body too large, bad multipart...): their status and message;
 * - anything else: 500 `Service internal error: ...`, logged with its stack.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { QuiverError } from '../errors.js';
import { isQuiverError } from '../errors.js';
import { errorBody, httpStatusOf } from './envelope.js';

/** The HTTP status of an engine error. */
export function statusOfQuiverError(err: QuiverError): number {
  const status = httpStatusOf(err.kind);
  if (status === 400 && err.message.startsWith('Validation error')) return 422;
  return status;
}

/** Status and message for any error a route or parser raised. */
export function describeError(err: unknown): { status: number; message: string } {
  if (isQuiverError(err)) return { status: statusOfQuiverError(err), message: err.message };
  if (err instanceof SyntaxError)
    return { status: 400, message: `Format error in JSON body: ${err.message}` };
  const fe = err as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.validation !== undefined) {
      return {
        status: 422,
        message: `Validation error in ${fe.validationContext ?? 'request'}: ${fe.message}`,
      };
    }
    return { status: fe.statusCode, message: fe.message ?? 'Bad request' };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, message: `Service internal error: ${message}` };
}

/** Installs the error and not-found handlers on `app` (the routes' scope). */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, message } = describeError(err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    const startedAt = performance.now() - reply.elapsedTime;
    return reply.code(status).type('application/json').send(errorBody(message, startedAt));
  });
}

/** The answer for a path no route takes: Qdrant's envelope with a 404. */
export function installNotFoundHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const startedAt = performance.now() - reply.elapsedTime;
    return reply
      .code(404)
      .type('application/json')
      .send(
        errorBody(
          `Not found: no route for ${request.method} ${request.url.split('?')[0]}`,
          startedAt,
        ),
      );
  });
}
