/**
 * The rule for every data file other than the WAL (segments, manifests, id maps): a checked
 * header in front of the body, and atomic replacement (temp file, fsync, rename, fsync dir).
 *
 * Layout (24-byte header, integers little-endian):
 * ```
 * offset size field
 *      0    4 magic         4 ASCII chars naming the file type, e.g. "QMAN"
 *      4    2 version       u16, the body format version, checked by the caller
 *      6    2 flags         u16, meaning defined per file type (0 if unused)
 *      8    8 body length   u64 (stored as a safe integer < 2^53)
 *     16    4 body crc      CRC32C of the body
 *     20    4 header crc    CRC32C of bytes 0..20, so a damaged length is caught as such
 *     24    n body
 * ```
 */
import { QuiverError } from '../errors.js';
import { crc32c } from './crc32c.js';
import type { FileSystem } from './file-system.js';
import { baseName, joinPath, parentPath } from './file-system.js';

/** Bytes in the checked-file header. */
export const CHECKED_HEADER_BYTES = 24;

/** Options for {@link encodeCheckedFile}. */
export interface EncodeCheckedFileOptions {
  /** Exactly 4 ASCII characters naming the file type. */
  magic: string;
  /** Body format version, 0..65535. */
  version: number;
  /** Per-type flags, 0..65535 (default 0). */
  flags?: number;
  /** The payload. */
  body: Uint8Array;
}

/** Options for {@link decodeCheckedFile}. */
export interface DecodeCheckedFileOptions {
  /** The file's bytes. */
  bytes: Uint8Array;
  /** The magic the file must carry. */
  magic: string;
  /** Where the bytes came from, named in errors. */
  path: string;
}

/** A decoded checked file. `body` is a view into the input bytes. */
export interface CheckedFile {
  version: number;
  flags: number;
  body: Uint8Array;
}

/** Header + body, ready to write. */
export function encodeCheckedFile(options: EncodeCheckedFileOptions): Uint8Array {
  const magic = magicBytes(options.magic);
  const flags = options.flags ?? 0;
  for (const [name, v] of [
    ['version', options.version],
    ['flags', flags],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
      throw new QuiverError('INTERNAL', `checked file ${name} must be in 0..65535, got ${v}`);
    }
  }
  const out = new Uint8Array(CHECKED_HEADER_BYTES + options.body.length);
  const view = new DataView(out.buffer);
  out.set(magic, 0);
  view.setUint16(4, options.version, true);
  view.setUint16(6, flags, true);
  view.setBigUint64(8, BigInt(options.body.length), true);
  view.setUint32(16, crc32c(options.body), true);
  view.setUint32(20, crc32c(out.subarray(0, 20)), true);
  out.set(options.body, CHECKED_HEADER_BYTES);
  return out;
}

/** Checks and strips the header; throws `CORRUPT_DATA` naming the path and the problem. */
export function decodeCheckedFile(options: DecodeCheckedFileOptions): CheckedFile {
  const { bytes, path } = options;
  const corrupt = (problem: string) =>
    new QuiverError('CORRUPT_DATA', `data file ${path} is corrupt: ${problem}`);
  if (bytes.length < CHECKED_HEADER_BYTES) {
    throw corrupt(`${bytes.length} bytes is shorter than the ${CHECKED_HEADER_BYTES}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = String.fromCharCode(...bytes.subarray(0, 4));
  if (found !== options.magic) {
    throw corrupt(`expected magic "${options.magic}", found ${JSON.stringify(found)}`);
  }
  if (view.getUint32(20, true) !== crc32c(bytes.subarray(0, 20))) {
    throw corrupt('header checksum mismatch');
  }
  const length = Number(view.getBigUint64(8, true));
  const actual = bytes.length - CHECKED_HEADER_BYTES;
  if (length !== actual) {
    throw corrupt(`header says ${length} body bytes, file has ${actual} (truncated or padded)`);
  }
  const body = bytes.subarray(CHECKED_HEADER_BYTES);
  if (view.getUint32(16, true) !== crc32c(body)) throw corrupt('body checksum mismatch');
  return { version: view.getUint16(4, true), flags: view.getUint16(6, true), body };
}

function magicBytes(magic: string): Uint8Array {
  if (!/^[\x20-\x7e]{4}$/.test(magic)) {
    throw new QuiverError('INTERNAL', `checked file magic must be 4 ASCII chars, got "${magic}"`);
  }
  return Uint8Array.from(magic, (c) => c.charCodeAt(0));
}

/** Options for {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  fs: FileSystem;
  /** The final path; replaced atomically if it exists. */
  path: string;
  /** The complete new content. */
  bytes: Uint8Array;
}

/** Suffix marking a temp file; {@link removeTempFiles} deletes leftovers. */
const TEMP_MARK = '.tmp-';
const TEMP_NAME = /\.tmp-[0-9a-f]+$/;

/**
 * Replaces `path` with `bytes` so that after a crash the file holds either the old or the new
 * content, never a mix: write `<path>.tmp-<random>`, fsync it, rename it over `path`, fsync
 * the directory. Resolves once the new content is durable.
 */
export async function writeFileAtomic(options: WriteFileAtomicOptions): Promise<void> {
  const { fs, path, bytes } = options;
  const random = globalThis.crypto.getRandomValues(new Uint8Array(6));
  const tmp =
    path + TEMP_MARK + Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('');
  const handle = await fs.open(tmp, { create: true, truncate: true });
  try {
    await handle.write({ bytes, position: 0 });
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.remove(tmp);
    throw err;
  }
  await handle.close();
  await fs.rename({ from: tmp, to: path });
  await fs.syncDir(parentPath(path));
}

/** Options for {@link removeTempFiles}. */
export interface RemoveTempFilesOptions {
  fs: FileSystem;
  /** The directory to clean (not recursive). */
  dir: string;
}

/**
 * Deletes temp files left in `dir` by writes a crash interrupted; returns their names for the
 * recovery report. Call it at startup only, before any write is in flight.
 */
export async function removeTempFiles(options: RemoveTempFilesOptions): Promise<string[]> {
  const { fs, dir } = options;
  const removed = (await fs.list(dir)).filter((name) => TEMP_NAME.test(baseName(name)));
  for (const name of removed) await fs.remove(joinPath(dir, name));
  if (removed.length > 0) await fs.syncDir(dir);
  return removed;
}
