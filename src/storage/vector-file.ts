/**
 * The file of a sealed segment's original vectors when they are kept on disk (`on_disk: true`):
 * a checked file (`checked-file.ts`, magic "QVEC", version 1) whose body is
 * ```
 * offset size field
 *      0    4 dim        u32 floats per vector
 *      4    4 count      u32 vectors
 *      8    8 reserved   zero (keeps the vectors 16-byte aligned from the body start)
 *     16    n vectors    count * dim f32, little-endian, vector i at 16 + i * dim * 4
 * ```
 * Vector i therefore starts at byte 24 + 16 + i * dim * 4 of the file and is read alone, by
 * offset. Written once with temp-fsync-rename; never modified.
 */
import { QuiverError } from '../errors.js';
import { CHECKED_HEADER_BYTES, encodeCheckedFile, writeFileAtomic } from './checked-file.js';
import { crc32c } from './crc32c.js';
import type { FileSystem } from './file-system.js';
import type { RandomAccessFile } from './random-access-file.js';

const MAGIC = 'QVEC';
const VERSION = 1;
const BODY_HEADER = 16;
/** File offset of vector 0. */
export const VECTOR_FILE_DATA_START = CHECKED_HEADER_BYTES + BODY_HEADER;

/** What a vector file holds. */
export interface VectorFileContent {
  /** Floats per vector. */
  dim: number;
  /** Vectors. */
  count: number;
  /** `count * dim` floats (vector i at `i * dim`); absent vectors as zeros. */
  data: Float32Array;
}

/** The file's bytes. */
export function encodeVectorFile(content: VectorFileContent): Uint8Array {
  const { dim, count, data } = content;
  const body = new Uint8Array(BODY_HEADER + count * dim * 4);
  const view = new DataView(body.buffer);
  view.setUint32(0, dim, true);
  view.setUint32(4, count, true);
  const floats = new Float32Array(body.buffer, BODY_HEADER, count * dim);
  floats.set(data.subarray(0, count * dim));
  return encodeCheckedFile({ magic: MAGIC, version: VERSION, body });
}

/** Options for {@link writeVectorFile}. */
export interface WriteVectorFileOptions extends VectorFileContent {
  fs: FileSystem;
  /** Where; replaced atomically if it exists. */
  path: string;
}

/** Writes a vector file durably (temp file, fsync, rename, fsync dir). */
export async function writeVectorFile(options: WriteVectorFileOptions): Promise<void> {
  await writeFileAtomic({ fs: options.fs, path: options.path, bytes: encodeVectorFile(options) });
}

/** The header of an opened vector file. */
export interface VectorFileHeader {
  dim: number;
  count: number;
  /** CRC32C of the body, for {@link verifyVectorFile}. */
  bodyCrc: number;
}

/**
 * Reads and checks the header (magic, version, header checksum, and that the size matches
 * dim and count); `CORRUPT_DATA` naming the path otherwise. The body is not read.
 */
export function readVectorFileHeader(file: RandomAccessFile): VectorFileHeader {
  const corrupt = (problem: string) =>
    new QuiverError('CORRUPT_DATA', `vector file ${file.path} is corrupt: ${problem}`);
  if (file.size < VECTOR_FILE_DATA_START) throw corrupt(`only ${file.size} bytes`);
  const head = new Uint8Array(VECTOR_FILE_DATA_START);
  file.read(0, head);
  const view = new DataView(head.buffer);
  const magic = String.fromCharCode(...head.subarray(0, 4));
  if (magic !== MAGIC) throw corrupt(`expected magic "${MAGIC}", found ${JSON.stringify(magic)}`);
  if (view.getUint32(20, true) !== crc32c(head.subarray(0, 20))) {
    throw corrupt('header checksum mismatch');
  }
  const version = view.getUint16(4, true);
  if (version !== VERSION) throw corrupt(`unknown version ${version}`);
  const bodyLength = Number(view.getBigUint64(8, true));
  const dim = view.getUint32(CHECKED_HEADER_BYTES, true);
  const count = view.getUint32(CHECKED_HEADER_BYTES + 4, true);
  if (bodyLength !== file.size - CHECKED_HEADER_BYTES) {
    throw corrupt(`header says ${bodyLength} body bytes, file has ${file.size - 24}`);
  }
  if (dim < 1 || bodyLength !== BODY_HEADER + count * dim * 4) {
    throw corrupt(`${count} vectors of ${dim} floats do not fill ${bodyLength} body bytes`);
  }
  return { dim, count, bodyCrc: view.getUint32(16, true) };
}

/** Checks the body checksum, streaming 1 MiB at a time; `CORRUPT_DATA` on a mismatch. */
export function verifyVectorFile(file: RandomAccessFile, header: VectorFileHeader): void {
  let crc = 0;
  const chunk = new Uint8Array(1 << 20);
  for (let at = CHECKED_HEADER_BYTES; at < file.size; at += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, file.size - at));
    file.read(at, part);
    crc = crc32c(part, crc);
  }
  if (crc !== header.bodyCrc) {
    throw new QuiverError(
      'CORRUPT_DATA',
      `vector file ${file.path} is corrupt: body checksum mismatch`,
    );
  }
}
