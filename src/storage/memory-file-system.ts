/**
 * An in-memory {@link FileSystem} for tests and for a browser without persistence. It keeps two
 * states of everything, "written" and "durable", following the port's durability contract, and
 * `crash()` throws the first away: tests prove durability claims without killing processes.
 *
 * - File content becomes durable at `FileHandle.sync()`.
 * - Creations, renames and removals of files become durable at `syncDir(parent)`.
 * - Directories are durable as soon as `mkdirp`/`removeDir` resolve (the port promises that for
 *   `mkdirp`; the Node adapter fsyncs the parents).
 */
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
} from './file-system.js';
import { joinPath, parentPath } from './file-system.js';
import type { RandomAccessFile } from './random-access-file.js';
import { bytesFile } from './random-access-file.js';

/** One file's bytes: what was written (`buf[0, len)`) and what is durable. */
class Inode {
  buf: Uint8Array = new Uint8Array(0);
  len = 0;
  /**
   * Durable bytes. `null` means "the first `durableLen` bytes of `buf`": true while nothing
   * below `durableLen` was overwritten since the last sync, so append-only files (the WAL) need
   * no copy per sync. The first write or truncation below `durableLen` takes a copy.
   */
  durable: Uint8Array | null = null;
  durableLen = 0;

  /** Copies the durable bytes aside before `buf[from, ...)` changes. */
  private preserve(from: number): void {
    if (from < this.durableLen && this.durable === null) {
      this.durable = this.buf.slice(0, this.durableLen);
    }
  }

  write(bytes: Uint8Array, position: number): void {
    this.preserve(position);
    const end = position + bytes.length;
    if (end > this.buf.length) {
      const grown = new Uint8Array(Math.max(end, this.buf.length * 2, 64));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    if (position > this.len) this.buf.fill(0, this.len, position);
    this.buf.set(bytes, position);
    this.len = Math.max(this.len, end);
  }

  truncate(length: number): void {
    if (length < this.len) {
      this.preserve(length);
      this.len = length;
    } else if (length > this.len) {
      this.write(new Uint8Array(length - this.len), this.len);
    }
  }

  sync(): void {
    this.durable = null;
    this.durableLen = this.len;
  }

  /** Back to the durable bytes, plus `keepUnsynced` bytes written past them (a torn write). */
  crash(keepUnsynced: (unsynced: number) => number): void {
    if (this.durable !== null) {
      this.buf = this.durable;
      this.len = this.durableLen;
    } else {
      // Nothing below durableLen changed: the bytes past it are a pure append, of which a torn
      // write may leave any prefix.
      const unsynced = Math.max(0, this.len - this.durableLen);
      this.len = this.durableLen + Math.min(unsynced, Math.max(0, keepUnsynced(unsynced)));
      this.buf = this.buf.slice(0, this.len);
    }
    this.durable = null;
    this.durableLen = this.len;
  }
}

/** State shared by the successive "process lifetimes" of one memory disk. */
interface Disk {
  /** Incremented by each crash: handles and views of older epochs stop working. */
  epoch: number;
  dirs: Set<string>;
  live: Map<string, Inode>;
  durable: Map<string, Inode>;
  locks: Set<string>;
}

/** Options for {@link MemoryFileSystem.crash}. */
export interface CrashOptions {
  /**
   * A source of numbers in [0, 1). When given, each file keeps a random prefix of the bytes
   * appended since its last sync, as a torn write would; when absent, all of them are lost.
   */
  random?: () => number;
}

/** The in-memory adapter. Create one, use it, `crash()` it to get the surviving state. */
export class MemoryFileSystem implements FileSystem {
  private readonly disk: Disk;
  private readonly epoch: number;

  constructor() {
    this.disk = {
      epoch: 0,
      dirs: new Set(['/', '.']),
      live: new Map(),
      durable: new Map(),
      locks: new Set(),
    };
    this.epoch = 0;
  }

  /** A view of `disk` for the current epoch (used by `crash`). */
  private static view(disk: Disk): MemoryFileSystem {
    const fs = Object.create(MemoryFileSystem.prototype) as MemoryFileSystem;
    Object.assign(fs, { disk, epoch: disk.epoch });
    return fs;
  }

  /**
   * Simulates power loss: everything not made durable is lost, locks are dropped, and this
   * instance and its open handles fail from now on. Returns the file system as a restarted
   * process would find it.
   */
  crash(options: CrashOptions = {}): MemoryFileSystem {
    this.check('crash');
    const disk = this.disk;
    disk.epoch++;
    const random = options.random;
    const keep = random === undefined ? () => 0 : (n: number) => Math.floor(random() * (n + 1));
    for (const inode of new Set(disk.durable.values())) inode.crash(keep);
    disk.live = new Map(disk.durable);
    disk.locks.clear();
    return MemoryFileSystem.view(disk);
  }

  /** Throws once a crash has made this instance stale. */
  check(op: string, path = ''): void {
    if (this.disk.epoch !== this.epoch) {
      throw new QuiverError('IO_ERROR', `cannot ${op} ${path}: the memory file system crashed`);
    }
  }

  async mkdirp(dir: string): Promise<void> {
    this.check('mkdirp', dir);
    let d = joinPath(dir);
    const missing: string[] = [];
    while (!this.disk.dirs.has(d)) {
      if (this.disk.live.has(d)) throw ioError('mkdirp', dir, 'a file is in the way');
      missing.push(d);
      d = parentPath(d);
    }
    for (const m of missing) this.disk.dirs.add(m);
  }

  async list(dir: string): Promise<string[]> {
    this.check('list', dir);
    const d = joinPath(dir);
    if (!this.disk.dirs.has(d)) throw ioError('list', dir, 'no such directory');
    const names: string[] = [];
    for (const p of [...this.disk.live.keys(), ...this.disk.dirs]) {
      if (p !== d && parentPath(p) === d) names.push(p.slice(p.lastIndexOf('/') + 1));
    }
    return names.sort();
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== null;
  }

  async stat(path: string): Promise<FileStat | null> {
    this.check('stat', path);
    const p = joinPath(path);
    if (this.disk.dirs.has(p)) return { size: 0, isDirectory: true };
    const inode = this.disk.live.get(p);
    return inode === undefined ? null : { size: inode.len, isDirectory: false };
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.check('read', path);
    const inode = this.disk.live.get(joinPath(path));
    if (inode === undefined) throw ioError('read', path, 'no such file');
    return inode.buf.slice(0, inode.len);
  }

  async openRandomAccess(path: string): Promise<RandomAccessFile> {
    // Files read this way are immutable once written: a copy is as good as the file.
    return bytesFile(path, await this.readFile(path));
  }

  async open(path: string, options: OpenOptions = {}): Promise<FileHandle> {
    this.check('open', path);
    const p = joinPath(path);
    let inode = this.disk.live.get(p);
    if (inode === undefined) {
      if (options.create !== true) throw ioError('open', path, 'no such file');
      if (!this.disk.dirs.has(parentPath(p))) throw ioError('open', path, 'no such directory');
      if (this.disk.dirs.has(p)) throw ioError('open', path, 'is a directory');
      inode = new Inode();
      this.disk.live.set(p, inode);
    } else if (options.truncate === true) {
      inode.truncate(0);
    }
    return new MemoryFileHandle(this, p, inode);
  }

  async rename(options: RenameOptions): Promise<void> {
    this.check('rename', options.from);
    const from = joinPath(options.from);
    const to = joinPath(options.to);
    const inode = this.disk.live.get(from);
    if (inode === undefined) throw ioError('rename', options.from, 'no such file');
    if (!this.disk.dirs.has(parentPath(to))) throw ioError('rename', options.to, 'no such dir');
    this.disk.live.delete(from);
    this.disk.live.set(to, inode);
  }

  async remove(path: string): Promise<void> {
    this.check('remove', path);
    this.disk.live.delete(joinPath(path));
  }

  async removeDir(dir: string, options: RemoveDirOptions = {}): Promise<void> {
    this.check('removeDir', dir);
    const d = joinPath(dir);
    if (!this.disk.dirs.has(d)) return;
    const inside = (p: string) => p.startsWith(d + '/');
    const children = [...this.disk.live.keys(), ...this.disk.dirs].filter(inside);
    if (children.length > 0 && options.recursive !== true) {
      throw ioError('removeDir', dir, 'directory not empty');
    }
    // Directory removal is durable at once, like creation (see the file comment).
    for (const p of children) {
      this.disk.live.delete(p);
      this.disk.durable.delete(p);
      this.disk.dirs.delete(p);
    }
    this.disk.dirs.delete(d);
  }

  async syncDir(dir: string): Promise<void> {
    this.check('syncDir', dir);
    const d = joinPath(dir);
    if (!this.disk.dirs.has(d)) throw ioError('syncDir', dir, 'no such directory');
    for (const p of new Set([...this.disk.live.keys(), ...this.disk.durable.keys()])) {
      if (parentPath(p) !== d) continue;
      const inode = this.disk.live.get(p);
      if (inode === undefined) this.disk.durable.delete(p);
      else this.disk.durable.set(p, inode);
    }
  }

  async lock(dir: string): Promise<DirLock> {
    this.check('lock', dir);
    const d = joinPath(dir);
    if (this.disk.locks.has(d)) {
      throw new QuiverError(
        'LOCKED',
        `data directory ${dir} is in use by another instance in this process; close it or use another data directory`,
      );
    }
    this.disk.locks.add(d);
    const disk = this.disk;
    const epoch = this.epoch;
    let held = true;
    return {
      dir: d,
      release: async () => {
        if (held && disk.epoch === epoch) disk.locks.delete(d);
        held = false;
      },
    };
  }
}

class MemoryFileHandle implements FileHandle {
  private closed = false;

  constructor(
    private readonly fs: MemoryFileSystem,
    readonly path: string,
    private readonly inode: Inode,
  ) {}

  private check(op: string): void {
    this.fs.check(op, this.path);
    if (this.closed) throw ioError(op, this.path, 'file handle is closed');
  }

  async size(): Promise<number> {
    this.check('stat');
    return this.inode.len;
  }

  async read(options: ReadOptions): Promise<Uint8Array> {
    this.check('read');
    const end = Math.min(this.inode.len, options.position + options.length);
    return this.inode.buf.slice(Math.min(options.position, end), end);
  }

  async write(options: WriteOptions): Promise<void> {
    this.check('write');
    this.inode.write(options.bytes, options.position);
  }

  async sync(): Promise<void> {
    this.check('sync');
    this.inode.sync();
  }

  async truncate(length: number): Promise<void> {
    this.check('truncate');
    this.inode.truncate(length);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function ioError(op: string, path: string, problem: string): QuiverError {
  return new QuiverError('IO_ERROR', `cannot ${op} ${path}: ${problem}`);
}
