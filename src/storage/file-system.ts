/**
 * The storage port: the few file operations the durable storage layer needs, so the WAL and the
 * checkpoint files run unchanged over Node's `fs` (src/node/node-file-system.ts), over memory
 * (tests, a browser without persistence) and later over OPFS.
 *
 * Durability contract, shared by every adapter (the memory adapter's `crash()` enforces it):
 * - bytes written to a file survive a crash only after `FileHandle.sync()` has resolved;
 * - a file created, renamed or removed in a directory survives a crash only after
 *   `syncDir(directory)` has resolved (its content still needs `sync()`);
 * - `mkdirp` makes the directories it creates durable before it resolves.
 *
 * Paths are '/'-joined strings (no `node:path` in the engine); build them with {@link joinPath}.
 * Every failure is a `QuiverError` (`IO_ERROR` naming the path, `LOCKED` from `lock`).
 */
import type { RandomAccessFile } from './random-access-file.js';

/** What {@link FileSystem.stat} reports. */
export interface FileStat {
  /** Size in bytes (0 for a directory). */
  size: number;
  /** `true` for a directory, `false` for a regular file. */
  isDirectory: boolean;
}

/** Options for {@link FileSystem.open}. */
export interface OpenOptions {
  /** Create the file when it does not exist (default false: a missing file is an error). */
  create?: boolean;
  /** Empty the file on open (default false). */
  truncate?: boolean;
}

/** Options for {@link FileHandle.read}. */
export interface ReadOptions {
  /** Byte offset to read from (>= 0). */
  position: number;
  /** Bytes wanted (>= 0). Fewer come back only when the file ends first. */
  length: number;
}

/** Options for {@link FileHandle.write}. */
export interface WriteOptions {
  /** The bytes to write; all of them are written. */
  bytes: Uint8Array;
  /** Byte offset to write at (>= 0); writing past the end extends the file with zeros. */
  position: number;
}

/** An open file, readable and writable at explicit positions (no implicit cursor). */
export interface FileHandle {
  /** The file's path, for error messages. */
  readonly path: string;
  /** Current size in bytes, including unsynced writes. */
  size(): Promise<number>;
  /** Reads up to `length` bytes at `position` (fewer only at the end of the file). */
  read(options: ReadOptions): Promise<Uint8Array>;
  /** Writes all of `bytes` at `position`. Not durable until {@link FileHandle.sync}. */
  write(options: WriteOptions): Promise<void>;
  /** Makes every write and size change so far durable (fdatasync). */
  sync(): Promise<void>;
  /** Cuts (or zero-extends) the file to `length` bytes. Not durable until `sync`. */
  truncate(length: number): Promise<void>;
  /** Closes the handle; later calls on it fail. Does not sync. */
  close(): Promise<void>;
}

/** An exclusive hold on a data directory; see {@link FileSystem.lock}. */
export interface DirLock {
  /** The locked directory. */
  readonly dir: string;
  /** Gives the directory up. Idempotent. */
  release(): Promise<void>;
}

/** Options for {@link FileSystem.removeDir}. */
export interface RemoveDirOptions {
  /** Remove the contents too (default false: the directory must be empty). */
  recursive?: boolean;
}

/** Options for {@link FileSystem.rename}. */
export interface RenameOptions {
  /** The existing path. */
  from: string;
  /** The new path, replaced atomically if it exists. */
  to: string;
}

/** The storage port. All paths are '/'-joined. */
export interface FileSystem {
  /** Creates `dir` and its missing parents, durably. No error if it exists. */
  mkdirp(dir: string): Promise<void>;
  /** Names (not paths) of the entries of `dir`, sorted. */
  list(dir: string): Promise<string[]>;
  /** Whether something exists at `path`. */
  exists(path: string): Promise<boolean>;
  /** Size and type of `path`, or `null` when nothing is there. */
  stat(path: string): Promise<FileStat | null>;
  /** The whole content of the file at `path`. */
  readFile(path: string): Promise<Uint8Array>;
  /** Opens a file for reading and writing. A created file needs `syncDir` to be durable. */
  open(path: string, options?: OpenOptions): Promise<FileHandle>;
  /** Atomically renames a file. Durable after `syncDir` of both parent directories. */
  rename(options: RenameOptions): Promise<void>;
  /** Removes a file; no error if it is already gone. Durable after `syncDir`. */
  remove(path: string): Promise<void>;
  /** Removes a directory; no error if it is already gone. */
  removeDir(dir: string, options?: RemoveDirOptions): Promise<void>;
  /** Makes the entries of `dir` (creations, renames, removals) durable. */
  syncDir(dir: string): Promise<void>;
  /**
   * Takes exclusive hold of `dir` for this process, or fails with `LOCKED` naming the holder.
   * A hold left by a process that died is taken over. Release it on shutdown.
   */
  lock(dir: string): Promise<DirLock>;
  /**
   * Opens an immutable file for synchronous positioned reads (original vectors kept on disk and
   * read during a search). Optional: an adapter without it keeps such data in memory.
   */
  openRandomAccess?(path: string): Promise<RandomAccessFile>;
}

/** Joins path parts with '/', collapsing repeated slashes and dropping a trailing one. */
export function joinPath(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  const collapsed = joined.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

/** The directory part of `path` (`'/a/b'` → `'/a'`, `'b'` → `'.'`, `'/b'` → `'/'`). */
export function parentPath(path: string): string {
  const p = joinPath(path);
  const at = p.lastIndexOf('/');
  if (at < 0) return '.';
  if (at === 0) return '/';
  return p.slice(0, at);
}

/** The last part of `path` (`'/a/b.log'` → `'b.log'`). */
export function baseName(path: string): string {
  const p = joinPath(path);
  return p.slice(p.lastIndexOf('/') + 1);
}
