/**
 * A file read synchronously at explicit positions: what a search path that must not await
 * (rescoring a few candidates with original vectors kept on disk) needs. Files read this way are
 * immutable once written (sealed segment data), so there is no write side.
 *
 * Adapters: `FileSystem.openRandomAccess` (Node: `fs.readSync` in src/node/; memory: a copy of
 * the bytes) and {@link bytesFile} for bytes already at hand.
 */
import { QuiverError } from '../errors.js';

/** See the file comment. */
export interface RandomAccessFile {
  /** The file's path, for error messages. */
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /** Fills `into` with the bytes at `position`; `IO_ERROR` if the file ends first. */
  read(position: number, into: Uint8Array): void;
  /** Releases the file; later reads fail. */
  close(): void;
}

/** A {@link RandomAccessFile} over bytes in memory (tests, browsers without a disk). */
export function bytesFile(path: string, bytes: Uint8Array): RandomAccessFile {
  let open = true;
  return {
    path,
    size: bytes.length,
    read(position, into) {
      if (!open) throw new QuiverError('IO_ERROR', `cannot read ${path}: the file is closed`);
      if (position < 0 || position + into.length > bytes.length) {
        throw new QuiverError(
          'IO_ERROR',
          `cannot read ${into.length} bytes at ${position} of ${path}: it has ${bytes.length}`,
        );
      }
      into.set(bytes.subarray(position, position + into.length));
    },
    close() {
      open = false;
    },
  };
}
