/**
 * Snapshots of one collection or of the whole storage: create, list, open (for streaming
 * download), delete, and read back for recovery. A snapshot copies a checkpoint, so it is
 * consistent at one op number while writes go on. Archive format: storage/snapshot-archive.ts.
 *
 * Where they live: `<data dir>/snapshots/<collection, URI-encoded>/<name>` for collections and
 * `<data dir>/snapshots/full/<name>` for full-storage snapshots, each with `<name>.checksum`.
 */
import type { Schemas } from '../api/wire.js';
import { QuiverError } from '../errors.js';
import type { Collection } from '../collection/collection.js';
import type { CollectionStore } from '../collection/collection-store.js';
import type { FileSystem } from '../storage/file-system.js';
import { joinPath } from '../storage/file-system.js';
import { ArchiveWriter, FrameKind, frameValue, readArchive } from '../storage/snapshot-archive.js';

/** The collection frame's body. */
export interface CollectionFrame {
  name: string;
  config: Schemas['CollectionConfig'];
  payloadIndexes: [string, Schemas['PayloadFieldSchema']][];
  lastOp: number;
}

/** A collection read back from an archive. */
export interface ArchivedCollection {
  meta: CollectionFrame;
  segments: Uint8Array[];
  /** HNSW index files of the sealed segments, by file name. */
  indexes: { name: string; bytes: Uint8Array }[];
}

/** What an archive holds. */
export interface ArchiveContent {
  /** Present in full-storage snapshots. */
  aliases: [string, string][] | undefined;
  collections: ArchivedCollection[];
}

/** An index frame's body: u16 name length, the name in UTF-8, the file's bytes. */
function indexFrame(name: string, bytes: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const out = new Uint8Array(2 + nameBytes.length + bytes.length);
  new DataView(out.buffer).setUint16(0, nameBytes.length, true);
  out.set(nameBytes, 2);
  out.set(bytes, 2 + nameBytes.length);
  return out;
}

function readIndexFrame(body: Uint8Array, path: string): { name: string; bytes: Uint8Array } {
  if (body.length < 2) throw new QuiverError('CORRUPT_DATA', `snapshot ${path}: short index frame`);
  const length = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint16(0, true);
  if (2 + length > body.length)
    throw new QuiverError('CORRUPT_DATA', `snapshot ${path}: bad index frame name`);
  return {
    name: new TextDecoder().decode(body.subarray(2, 2 + length)),
    bytes: body.slice(2 + length),
  };
}

const SNAPSHOT_NAME = /^[A-Za-z0-9._-]+\.snapshot$/;

/** The folder of a collection's snapshots, or of full snapshots (`undefined`). */
export function snapshotDir(root: string, collection: string | undefined): string {
  return joinPath(
    root,
    'snapshots',
    collection === undefined
      ? 'full'
      : `c-${encodeURIComponent(collection).replaceAll('.', '%2E')}`,
  );
}

/** Checks a snapshot name given by a caller (no paths). */
export function checkSnapshotName(name: string): string {
  if (!SNAPSHOT_NAME.test(name)) {
    throw new QuiverError(
      'SNAPSHOT_NOT_FOUND',
      `Not found: Snapshot ${JSON.stringify(name)} doesn't exist`,
    );
  }
  return name;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** A collection with its store, as a snapshot needs it. */
export interface SnapshotSource {
  collection: Collection;
  store: CollectionStore;
}

/** Options for {@link writeSnapshot}. */
export interface WriteSnapshotOptions {
  fs: FileSystem;
  root: string;
  /** Collection name, or undefined for a full-storage snapshot. */
  collection: string | undefined;
  sources: SnapshotSource[];
  /** Aliases, for full-storage snapshots. */
  aliases?: [string, string][];
}

/** Writes a new snapshot archive and its checksum file; returns its description. */
export async function writeSnapshot(
  options: WriteSnapshotOptions,
): Promise<Schemas['SnapshotDescription']> {
  const { fs } = options;
  const dir = snapshotDir(options.root, options.collection);
  await fs.mkdirp(dir);
  const now = new Date();
  const prefix =
    options.collection === undefined
      ? 'full-snapshot'
      : encodeURIComponent(options.collection).replace(/[^A-Za-z0-9_-]/g, '_');
  const name = `${prefix}-${timestamp(now)}-${Math.floor(Math.random() * 1e6)}.snapshot`;
  const path = joinPath(dir, name);
  const temp = `${path}.tmp-${Math.floor(Math.random() * 2 ** 32).toString(16)}`;
  const pins = [];
  try {
    // Pin every collection's checkpoint first: together they are the state the snapshot holds.
    for (const source of options.sources)
      pins.push({ source, pin: await source.store.pinCheckpoint(source.collection) });
    const handle = await fs.open(temp, { create: true, truncate: true });
    let result: { size: number; checksum: string };
    try {
      const writer = await ArchiveWriter.start(handle);
      if (options.collection === undefined)
        await writer.value(FrameKind.storage, { aliases: options.aliases ?? [] });
      for (const { source, pin } of pins) {
        const meta: CollectionFrame = {
          name: source.collection.name,
          config: source.collection.config,
          payloadIndexes: [...source.collection.payloadIndexes],
          lastOp: pin.coveredOp,
        };
        await writer.value(FrameKind.collection, meta);
        for (const file of pin.files) await writer.frame(FrameKind.segment, await pin.read(file));
        for (const { name, path } of pin.indexFiles) {
          await writer.frame(FrameKind.index, indexFrame(name, await fs.readFile(path)));
        }
      }
      result = await writer.finish();
    } finally {
      await handle.close();
    }
    await fs.rename({ from: temp, to: path });
    await writeText(fs, `${path}.checksum`, result.checksum);
    await fs.syncDir(dir);
    return {
      name,
      creation_time: now.toISOString().slice(0, 19),
      size: result.size,
      checksum: result.checksum,
    };
  } catch (err) {
    if (await fs.exists(temp)) await fs.remove(temp);
    throw err;
  } finally {
    for (const { pin } of pins) pin.release();
  }
}

async function writeText(fs: FileSystem, path: string, text: string): Promise<void> {
  const handle = await fs.open(path, { create: true, truncate: true });
  try {
    await handle.write({ bytes: new TextEncoder().encode(text), position: 0 });
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Snapshots in a folder, newest first. */
export async function listSnapshots(
  fs: FileSystem,
  dir: string,
): Promise<Schemas['SnapshotDescription'][]> {
  if (!(await fs.exists(dir))) return [];
  const out: Schemas['SnapshotDescription'][] = [];
  for (const name of await fs.list(dir)) {
    if (!SNAPSHOT_NAME.test(name)) continue;
    const path = joinPath(dir, name);
    const stat = await fs.stat(path);
    if (stat === null) continue;
    const checksumPath = `${path}.checksum`;
    const checksum = (await fs.exists(checksumPath))
      ? new TextDecoder().decode(await fs.readFile(checksumPath)).trim()
      : null;
    const when = /-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-\d{3}Z-/.exec(name)?.[1];
    out.push({
      name,
      creation_time:
        when === undefined ? null : `${when.slice(0, 10)}T${when.slice(11).replaceAll('-', ':')}`,
      size: stat.size,
      checksum,
    });
  }
  return out.sort((a, b) => ((a.creation_time ?? '') < (b.creation_time ?? '') ? 1 : -1));
}

/** Deletes a snapshot and its checksum file. */
export async function deleteSnapshot(fs: FileSystem, dir: string, name: string): Promise<void> {
  const path = joinPath(dir, checkSnapshotName(name));
  if (!(await fs.exists(path)))
    throw new QuiverError('SNAPSHOT_NOT_FOUND', `Not found: Snapshot ${name} doesn't exist`);
  await fs.remove(path);
  if (await fs.exists(`${path}.checksum`)) await fs.remove(`${path}.checksum`);
  await fs.syncDir(dir);
}

/** Opens a snapshot for download: its size and a stream of its bytes, read 1 MiB at a time. */
export async function openSnapshot(
  fs: FileSystem,
  dir: string,
  name: string,
): Promise<{ size: number; stream: ReadableStream<Uint8Array> }> {
  const path = joinPath(dir, checkSnapshotName(name));
  if (!(await fs.exists(path)))
    throw new QuiverError('SNAPSHOT_NOT_FOUND', `Not found: Snapshot ${name} doesn't exist`);
  const handle = await fs.open(path);
  const size = await handle.size();
  let position = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (position >= size) {
        await handle.close();
        controller.close();
        return;
      }
      const chunk = await handle.read({ position, length: Math.min(1 << 20, size - position) });
      position += chunk.length;
      controller.enqueue(chunk);
    },
    async cancel() {
      await handle.close();
    },
  });
  return { size, stream };
}

/** Reads a whole archive (segment frames kept as bytes). */
export async function readSnapshot(fs: FileSystem, path: string): Promise<ArchiveContent> {
  const content: ArchiveContent = { aliases: undefined, collections: [] };
  for await (const frame of readArchive(fs, path)) {
    switch (frame.kind) {
      case FrameKind.storage:
        content.aliases = frameValue<{ aliases: [string, string][] }>(frame).aliases;
        break;
      case FrameKind.collection:
        content.collections.push({
          meta: frameValue<CollectionFrame>(frame),
          segments: [],
          indexes: [],
        });
        break;
      case FrameKind.segment: {
        const current = content.collections.at(-1);
        if (current === undefined)
          throw new QuiverError('CORRUPT_DATA', `snapshot ${path}: segment before any collection`);
        current.segments.push(frame.body.slice());
        break;
      }
      case FrameKind.index: {
        const current = content.collections.at(-1);
        if (current === undefined)
          throw new QuiverError('CORRUPT_DATA', `snapshot ${path}: index before any collection`);
        current.indexes.push(readIndexFrame(frame.body, path));
        break;
      }
      default:
        throw new QuiverError(
          'CORRUPT_DATA',
          `snapshot ${path}: unknown frame kind ${String(frame.kind)}`,
        );
    }
  }
  return content;
}
