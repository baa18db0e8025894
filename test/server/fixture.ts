/**
 * A real Quiver server for the server tests: `buildApp` over a real engine (in memory, or on a
 * temporary data directory for snapshots), listening on a free port. Every answer is recorded,
 * and `close()` fails the test when one of them breaks Qdrant's OpenAPI contract (see
 * `contract.ts`), so each test file checks the contract of what it exercises.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Quiver } from '../../src/db/quiver.js';
import { buildApp } from '../../src/server/app.js';
import { type Exchange, contractProblems } from './contract.js';

/** A parsed JSON answer; tests read it field by field, as a client would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any;

/** A running test server. */
export interface TestServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  app: FastifyInstance;
  db: Quiver;
  /** Data directory when `persistent`. */
  dir: string | undefined;
  /** Every answer so far. */
  exchanges: Exchange[];
  /** Every route registered after the fixture's hook, with its `config`. */
  routes: { method: string; url: string; config: unknown }[];
  /** Sends a request with a JSON (string or value) body; returns status and parsed body. */
  call: (
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; body: AnyJson }>;
  /** Stops the server, closes the engine, removes the data directory, checks the contract. */
  close: () => Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartOptions {
  /** Open the engine on a temporary data directory (snapshots need one). Default false. */
  persistent?: boolean;
}

/** Starts a server (see the module comment). */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dir = options.persistent ? mkdtempSync(join(tmpdir(), 'quiver-server-test-')) : undefined;
  const db = await Quiver.open(dir === undefined ? {} : { path: dir });
  const exchanges: Exchange[] = [];
  const routes: TestServer['routes'] = [];
  const app = await buildApp(db, {
    beforeRoutes: (a) => {
      a.addHook('onRoute', (route) => {
        for (const method of [route.method].flat())
          routes.push({ method, url: route.url, config: route.config });
      });
      a.addHook('onSend', async (request, reply, payload) => {
        if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
          exchanges.push({
            method: request.method,
            route: request.routeOptions.url ?? '',
            status: reply.statusCode,
            contentType: String(reply.getHeader('content-type') ?? ''),
            body: payload.toString(),
            config: request.routeOptions.config,
          });
        }
        return payload;
      });
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const port = Number(new URL(url).port);
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(url + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as AnyJson };
  };
  return {
    url,
    port,
    app,
    db,
    dir,
    exchanges,
    routes,
    call,
    close: async () => {
      await app.close();
      await db.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      const problems = exchanges.flatMap(contractProblems);
      if (problems.length > 0) {
        throw new Error(`answers that break Qdrant's OpenAPI contract:\n${problems.join('\n')}`);
      }
    },
  };
}
