/**
 * The Node adapter of the storage port ({@link FileSystem}) over `node:fs/promises`, with real
 * `fdatasync` of files and `fsync` of directories, and a data-directory lock that works across
 * processes.
 */
import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { QuiverError } from '../errors.js';
import type {
  DirLock,
  FileHandle,
  FileStat,
  FileSystem,
  OpenOptions,
  ReadOptions,
  RemoveDirOptions,
  RenameOptions,
  WriteOptions,
} from '../storage/file-system.js';
import { joinPath } from '../storage/file-system.js';
import type { RandomAccessFile } from '../storage/random-access-file.js';
import { openNodeRandomAccess } from './node-random-access-file.js';

/** The lock file's name inside a locked directory. */
export const LOCK_FILE = '.quiver.lock';
/** Guards the takeover of a stale lock, so two starters cannot both take it over. */
const BREAKER_FILE = '.quiver.lock.breaker';

/** Directories this process holds, so a stale lock carrying our own pid (a reused pid, as for
 * pid 1 in containers) is recognised as stale. */
const heldByThisProcess = new Set<string>();

/** The Node adapter. Stateless apart from the locks it hands out. */
export class NodeFileSystem implements FileSystem {
  async mkdirp(dir: string): Promise<void> {
    const first = await io('mkdirp', dir, () => fsp.mkdir(dir, { recursive: true }));
    if (first === undefined) return;
    // Make each created directory's entry durable: fsync the parent of every new directory,
    // deepest first, up to the parent of the first one created.
    let d = dir;
    const stop = dirname(first);
    while (d !== stop && d !== dirname(d)) {
      await this.syncDir(dirname(d));
      d = dirname(d);
    }
  }

  async list(dir: string): Promise<string[]> {
    const names = await io('list', dir, () => fsp.readdir(dir));
    return names.sort();
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== null;
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const s = await fsp.stat(path);
      return { size: s.isDirectory() ? 0 : s.size, isDirectory: s.isDirectory() };
    } catch (err) {
      if (errno(err) === 'ENOENT') return null;
      throw ioError('stat', path, err);
    }
  }

  async readFile(path: string): Promise<Uint8Array> {
    const buf = await io('read', path, () => fsp.readFile(path));
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  async openRandomAccess(path: string): Promise<RandomAccessFile> {
    return openNodeRandomAccess(path);
  }

  async open(path: string, options: OpenOptions = {}): Promise<FileHandle> {
    let flags = constants.O_RDWR;
    if (options.create === true) flags |= constants.O_CREAT;
    if (options.truncate === true) flags |= constants.O_TRUNC;
    const handle = await io('open', path, () => fsp.open(path, flags, 0o644));
    return new NodeFileHandle(path, handle);
  }

  async rename(options: RenameOptions): Promise<void> {
    await io('rename', `${options.from} to ${options.to}`, () =>
      fsp.rename(options.from, options.to),
    );
  }

  async remove(path: string): Promise<void> {
    await io('remove', path, () => fsp.rm(path, { force: true }));
  }

  async removeDir(dir: string, options: RemoveDirOptions = {}): Promise<void> {
    if (options.recursive === true) {
      await io('removeDir', dir, () => fsp.rm(dir, { recursive: true, force: true }));
      return;
    }
    try {
      await fsp.rmdir(dir);
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw ioError('removeDir', dir, err);
    }
  }

  async syncDir(dir: string): Promise<void> {
    const handle = await io('open directory', dir, () => fsp.open(dir, constants.O_RDONLY));
    try {
      await handle.sync();
    } catch (err) {
      // Windows cannot fsync a directory (EPERM/EISDIR); its renames are durable anyway (NTFS
      // journals metadata). Everywhere else this is a real failure.
      if (process.platform !== 'win32') throw ioError('fsync directory', dir, err);
    } finally {
      await handle.close();
    }
  }

  /**
   * The lock is a file `<dir>/.quiver.lock` holding JSON `{ pid, token, host, since }`, made
   * complete before it becomes visible: written under a unique name, then hard-linked to the
   * lock name, which fails if the name exists (atomic, like O_EXCL, but never half-written).
   *
   * A lock whose pid is not alive, or is our own pid though we do not hold it (pid reuse after
   * a restart, common as pid 1 in containers), is stale. Taking over a stale lock happens under
   * a second link-created "breaker" file, and the lock is re-read under it, so of two processes
   * that both saw the stale lock only one removes it; the other then finds the new live holder.
   * Residual risks, documented rather than solved: a process killed while holding the breaker
   * for those few microseconds leaves a breaker that is itself removed as stale (same check),
   * and a dead holder's pid reused by an unrelated process looks alive (the error names the
   * lock file so an operator can remove it).
   */
  async lock(dir: string): Promise<DirLock> {
    const lockPath = joinPath(dir, LOCK_FILE);
    const token = randomBytes(12).toString('hex');
    const content = JSON.stringify({
      pid: process.pid,
      token,
      host: hostname(),
      since: new Date().toISOString(),
    });
    for (let attempt = 0; attempt < 20; attempt++) {
      if (await linkNew(lockPath, content)) {
        heldByThisProcess.add(lockPath);
        return new NodeDirLock(dir, lockPath, token);
      }
      const holder = await readLock(lockPath);
      if (holder === undefined) continue; // removed meanwhile: try again
      if (isAlive(holder.pid) && !ownStale(lockPath, holder.pid)) {
        throw new QuiverError(
          'LOCKED',
          `data directory ${dir} is in use by process ${holder.pid}; stop it or use another --data-dir (lock file ${lockPath})`,
        );
      }
      await breakStaleLock(dir, lockPath, holder.token);
    }
    throw new QuiverError('LOCKED', `could not lock data directory ${dir}: lock keeps changing`);
  }
}

interface LockContent {
  pid: number;
  token: string;
}

class NodeDirLock implements DirLock {
  private held = true;
  constructor(
    readonly dir: string,
    private readonly lockPath: string,
    private readonly token: string,
  ) {}

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    heldByThisProcess.delete(this.lockPath);
    const holder = await readLock(this.lockPath);
    // Only remove our own lock, never one a successor took over.
    if (holder?.token === this.token) {
      await io('remove lock file', this.lockPath, () => fsp.rm(this.lockPath, { force: true }));
    }
  }
}

function ownStale(lockPath: string, pid: number): boolean {
  return pid === process.pid && !heldByThisProcess.has(lockPath);
}

/** Creates `path` with `content` atomically; `false` if it already exists. */
async function linkNew(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.new`;
  await io('write lock file', tmp, () => fsp.writeFile(tmp, content, { flag: 'wx' }));
  try {
    await fsp.link(tmp, path);
    return true;
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw ioError('create lock file', path, err);
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

async function readLock(path: string): Promise<LockContent | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw ioError('read lock file', path, err);
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') {
      return { pid: parsed.pid, token: parsed.token };
    }
  } catch {
    // Fall through: lock files are only ever linked complete, so this is foreign or damaged.
  }
  throw new QuiverError(
    'CORRUPT_DATA',
    `lock file ${path} is damaged; remove it if no server runs`,
  );
}

async function breakStaleLock(dir: string, lockPath: string, staleToken: string): Promise<void> {
  const breakerPath = joinPath(dir, BREAKER_FILE);
  if (!(await linkNew(breakerPath, JSON.stringify({ pid: process.pid, token: 'breaker' })))) {
    const breaker = await readLock(breakerPath);
    if (breaker !== undefined && !isAlive(breaker.pid)) {
      await fsp.rm(breakerPath, { force: true });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    return; // the caller retries from the start
  }
  try {
    const holder = await readLock(lockPath);
    if (holder?.token === staleToken) {
      await io('remove stale lock file', lockPath, () => fsp.rm(lockPath, { force: true }));
    }
  } finally {
    await fsp.rm(breakerPath, { force: true });
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) === 'EPERM';
  }
}

class NodeFileHandle implements FileHandle {
  constructor(
    readonly path: string,
    private readonly handle: fsp.FileHandle,
  ) {}

  async size(): Promise<number> {
    const s = await io('stat', this.path, () => this.handle.stat());
    return s.size;
  }

  async read(options: ReadOptions): Promise<Uint8Array> {
    const out = new Uint8Array(options.length);
    let done = 0;
    while (done < options.length) {
      const { bytesRead } = await io('read', this.path, () =>
        this.handle.read(out, done, options.length - done, options.position + done),
      );
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === out.length ? out : out.subarray(0, done);
  }

  async write(options: WriteOptions): Promise<void> {
    const { bytes, position } = options;
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await io('write', this.path, () =>
        this.handle.write(bytes, done, bytes.length - done, position + done),
      );
      done += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    // fdatasync: flushes the data and the metadata needed to read it back (the size), skipping
    // timestamps (POSIX). On macOS it does not flush the drive's cache (that needs F_FULLFSYNC,
    // which Node does not expose): durability there is only as good as the OS's fsync.
    await io('fsync', this.path, () => this.handle.datasync());
  }

  async truncate(length: number): Promise<void> {
    await io('truncate', this.path, () => this.handle.truncate(length));
  }

  async close(): Promise<void> {
    await io('close', this.path, () => this.handle.close());
  }
}

async function io<T>(op: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw ioError(op, path, err);
  }
}

function ioError(op: string, path: string, cause: unknown): QuiverError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new QuiverError('IO_ERROR', `cannot ${op} ${path}: ${detail}`, { cause });
}

function errno(err: unknown): string | undefined {
  return (err as { code?: unknown } | null)?.code as string | undefined;
}
