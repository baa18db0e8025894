/**
 * Query plans in the debug log. The engine reports how each nearest-neighbour search ran
 * (`exact`, `hnsw` or `skipped` per segment) through `Quiver.open({ onQueryPlan })`; this module
 * ties each report to the request that caused it (AsyncLocalStorage, entered for the rest of
 * the request's lifecycle in an `onRequest` hook) and logs it at `debug` with the request id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { QueryPlanInfo } from '../../collection/query/plan.js';

/** Connects the engine's plan reports to request loggers. */
export class QueryPlanLog {
  private readonly scope = new AsyncLocalStorage<FastifyBaseLogger>();

  /** The `onQueryPlan` callback for `Quiver.open`; `fallback` logs plans outside requests. */
  callback(fallback: FastifyBaseLogger): (plan: QueryPlanInfo) => void {
    return (plan) => {
      const log = this.scope.getStore() ?? fallback;
      if (log.level === 'debug' || log.level === 'trace') log.debug({ plan }, 'query plan');
    };
  }

  /** Runs the rest of every request inside its logger's scope. */
  register(app: FastifyInstance): void {
    app.addHook('onRequest', (request, _reply, done) => {
      this.scope.run(request.log, done);
    });
  }
}
