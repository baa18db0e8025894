/**
 * Collection and full-storage snapshots. Downloads stream the engine's file stream (never the
 * whole archive in memory); uploads (`multipart/form-data`, field `snapshot`) stream to a
 * temporary file, which the engine then restores from and which is removed afterwards.
 * `wait=false` answers `202 {status: "accepted"}` and finishes in the background, as Qdrant.
 */
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { QuiverError } from '../../errors.js';
import { elapsedSeconds, okBody } from '../envelope.js';
import { boolParam, bodyObject, pathParam, stringParam } from '../params.js';
import { addRoute, qdrantBody } from '../route.js';
import type { RouteScope } from './index.js';

const SNAPSHOT_DESCRIPTION = {
  type: 'object',
  required: ['name', 'size'],
  properties: {
    name: { type: 'string' },
    creation_time: { type: 'string', nullable: true },
    size: { type: 'integer' },
    checksum: { type: 'string', nullable: true },
  },
};

/**
 * Runs `work` and answers with its result, or (`wait=false`) answers 202 and lets it finish:
 * Qdrant's contract for long-running admin calls (snapshots; our optimizer calls too).
 */
export async function waitOrAccept(
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<unknown>,
): Promise<FastifyReply> {
  const startedAt = performance.now() - reply.elapsedTime;
  if (boolParam(request, 'wait') === false) {
    work().catch((err: unknown) => request.log.error({ err }, 'background operation failed'));
    return reply.code(202).send({ status: 'accepted', time: elapsedSeconds(startedAt) });
  }
  const result = await work();
  return reply.send(okBody(result, startedAt));
}

/** Sends a snapshot file as a stream of bytes. */
function sendFile(
  reply: FastifyReply,
  snapshot: string,
  file: { size: number; stream: ReadableStream<Uint8Array> },
): FastifyReply {
  return reply
    .type('application/octet-stream')
    .header('content-length', file.size)
    .header('content-disposition', `attachment; filename="${snapshot.replaceAll('"', '')}"`)
    .send(Readable.fromWeb(file.stream as unknown as WebReadableStream<Uint8Array>));
}

/** Streams the first file of a multipart request into a fresh temporary file. */
async function receiveUpload(
  request: FastifyRequest,
): Promise<{ path: string; done: () => Promise<void> }> {
  if (!request.isMultipart()) {
    throw new QuiverError(
      'INVALID_REQUEST',
      'Wrong input: upload the snapshot as multipart/form-data with the file in field "snapshot" (curl -F snapshot=@file.snapshot)',
    );
  }
  const file = await request.file();
  if (file === undefined) {
    throw new QuiverError(
      'INVALID_REQUEST',
      'Wrong input: the multipart body has no file; send it in field "snapshot"',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'quiver-upload-'));
  const done = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, 'upload.snapshot');
    await pipeline(file.file, createWriteStream(path));
    if (file.file.truncated) {
      throw new QuiverError(
        'INVALID_REQUEST',
        'Wrong input: the snapshot upload is larger than the server accepts',
      );
    }
    return { path, done };
  } catch (err) {
    await done();
    throw err;
  }
}

/** Registers the snapshot routes. */
export async function snapshotRoutes({ app, db }: RouteScope): Promise<void> {
  await app.register(multipart, { limits: { fileSize: Number.MAX_SAFE_INTEGER, files: 1 } });
  const name = (request: FastifyRequest): string => pathParam(request, 'collection_name');
  const snapshotName = (request: FastifyRequest): string => pathParam(request, 'snapshot_name');
  const tags = ['Snapshots'];

  addRoute(app, {
    method: 'POST',
    url: '/collections/:collection_name/snapshots',
    operation: 'create_snapshot',
    kind: 'admin',
    summary: 'Create a snapshot of a collection',
    tags,
    query: ['wait'],
    result: SNAPSHOT_DESCRIPTION,
    raw: true,
    handler: (request, reply) =>
      waitOrAccept(request, reply, () => db.createSnapshot(name(request))),
  });
  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name/snapshots',
    operation: 'list_snapshots',
    kind: 'admin',
    summary: 'Snapshots of a collection, newest first',
    tags,
    result: { type: 'array', items: SNAPSHOT_DESCRIPTION },
    handler: (request) => db.listSnapshots(name(request)),
  });
  addRoute(app, {
    method: 'GET',
    url: '/collections/:collection_name/snapshots/:snapshot_name',
    operation: 'get_snapshot',
    kind: 'admin',
    summary: 'Download a collection snapshot (streamed)',
    tags,
    raw: true,
    handler: async (request, reply) =>
      sendFile(
        reply,
        snapshotName(request),
        await db.openSnapshot(name(request), snapshotName(request)),
      ),
  });
  addRoute(app, {
    method: 'DELETE',
    url: '/collections/:collection_name/snapshots/:snapshot_name',
    operation: 'delete_snapshot',
    kind: 'admin',
    summary: 'Delete a collection snapshot',
    tags,
    query: ['wait'],
    raw: true,
    handler: (request, reply) =>
      waitOrAccept(request, reply, () => db.deleteSnapshot(name(request), snapshotName(request))),
  });
  addRoute(app, {
    method: 'PUT',
    url: '/collections/:collection_name/snapshots/recover',
    operation: 'recover_from_snapshot',
    kind: 'admin',
    summary: 'Replace (or create) a collection from a snapshot at a file:// or http(s):// location',
    tags,
    query: ['wait'],
    body: qdrantBody('SnapshotRecover'),
    raw: true,
    handler: (request, reply) => {
      const body = bodyObject(request) as { location: string; checksum?: string | null };
      return waitOrAccept(request, reply, () => db.recoverSnapshot(name(request), body));
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/collections/:collection_name/snapshots/upload',
    operation: 'recover_from_uploaded_snapshot',
    kind: 'admin',
    summary:
      'Replace (or create) a collection from an uploaded snapshot (multipart field `snapshot`)',
    tags,
    query: ['wait', 'priority', 'checksum'],
    raw: true,
    handler: async (request, reply) => {
      const checksum = stringParam(request, 'checksum') ?? null;
      const upload = await receiveUpload(request);
      const recover = (): Promise<boolean> =>
        db
          .recoverSnapshotFromUpload(name(request), { path: upload.path, checksum })
          .finally(upload.done);
      return waitOrAccept(request, reply, recover);
    },
  });

  addRoute(app, {
    method: 'POST',
    url: '/snapshots',
    operation: 'create_full_snapshot',
    kind: 'admin',
    summary: 'Create a snapshot of every collection and the aliases',
    tags,
    query: ['wait'],
    result: SNAPSHOT_DESCRIPTION,
    raw: true,
    handler: (request, reply) => waitOrAccept(request, reply, () => db.createFullSnapshot()),
  });
  addRoute(app, {
    method: 'GET',
    url: '/snapshots',
    operation: 'list_full_snapshots',
    kind: 'admin',
    summary: 'Full-storage snapshots, newest first',
    tags,
    result: { type: 'array', items: SNAPSHOT_DESCRIPTION },
    handler: () => db.listFullSnapshots(),
  });
  addRoute(app, {
    method: 'GET',
    url: '/snapshots/:snapshot_name',
    operation: 'get_full_snapshot',
    kind: 'admin',
    summary: 'Download a full-storage snapshot (streamed)',
    tags,
    raw: true,
    handler: async (request, reply) =>
      sendFile(reply, snapshotName(request), await db.openFullSnapshot(snapshotName(request))),
  });
  addRoute(app, {
    method: 'DELETE',
    url: '/snapshots/:snapshot_name',
    operation: 'delete_full_snapshot',
    kind: 'admin',
    summary: 'Delete a full-storage snapshot',
    tags,
    query: ['wait'],
    raw: true,
    handler: (request, reply) =>
      waitOrAccept(request, reply, () => db.deleteFullSnapshot(snapshotName(request))),
  });
  addRoute(app, {
    method: 'PUT',
    url: '/snapshots/recover',
    operation: 'quiver_recover_full_snapshot',
    kind: 'admin',
    summary:
      'Quiver extension: restore every collection and alias of a full-storage snapshot at a file:// or http(s):// location',
    tags: ['Snapshots', 'Quiver extensions'],
    query: ['wait'],
    body: {
      type: 'object',
      required: ['location'],
      properties: {
        location: {
          type: 'string',
          description: 'file:// or http(s):// URL, or an absolute path on the server.',
        },
        checksum: { type: 'string', nullable: true, description: 'Expected SHA-256 (hex).' },
      },
    },
    raw: true,
    handler: (request, reply) => {
      const body = bodyObject(request) as { location: string; checksum?: string | null };
      return waitOrAccept(request, reply, () => db.recoverFullSnapshot(body));
    },
  });
}
