/**
 * Snapshot archives: one file holding one collection (or, for a full-storage snapshot, all of
 * them), written frame by frame so neither writing nor reading needs the whole file in memory.
 *
 * Layout (integers little-endian):
 * ```
 * header, 8 bytes:   magic "QSNP" | version u16 (1) | flags u16 (0)
 * frames, repeated:  kind u8 | 3 reserved bytes | body length u32 | CRC32C of body u32 | body
 * ```
 * Frame kinds: 1 = storage (MessagePack `{ aliases: [alias, collection][] }`, full snapshots
 * only, first), 2 = collection (MessagePack `{ name, config, payloadIndexes, lastOp }`, starts a
 * collection), 3 = segment (a QSEG segment file of the collection begun last), 4 = end
 * (MessagePack `{ frames }`, the count of frames before it: a truncated archive is detected),
 * 5 = index (an HNSW index file of the collection begun last: u16 name length, the file name
 * in UTF-8, then the file's bytes).
 * The archive's SHA-256 is kept beside it in `<name>.checksum` (hex), as Qdrant does.
 */
import { sha256 } from '@noble/hashes/sha256';
import { Packr } from 'msgpackr';
import { QuiverError } from '../errors.js';
import { crc32c } from './crc32c.js';
import type { FileHandle, FileSystem } from './file-system.js';

const MAGIC = [0x51, 0x53, 0x4e, 0x50]; // "QSNP"
const VERSION = 1;
const HEADER = 8;
const FRAME_HEADER = 12;
const packr = new Packr({ useRecords: false });

/** Frame kinds (see the module comment). */
export const FrameKind = { storage: 1, collection: 2, segment: 3, end: 4, index: 5 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Writes an archive to an open file, hashing as it goes. */
export class ArchiveWriter {
  private position = 0;
  private frames = 0;
  private readonly hash = sha256.create();

  private constructor(private readonly handle: FileHandle) {}

  /** Starts an archive in `handle` (an empty file). */
  static async start(handle: FileHandle): Promise<ArchiveWriter> {
    const w = new ArchiveWriter(handle);
    const header = new Uint8Array(HEADER);
    header.set(MAGIC);
    new DataView(header.buffer).setUint16(4, VERSION, true);
    await w.put(header);
    return w;
  }

  private async put(bytes: Uint8Array): Promise<void> {
    await this.handle.write({ bytes, position: this.position });
    this.hash.update(bytes);
    this.position += bytes.length;
  }

  /** Appends a frame whose body is raw bytes. */
  async frame(kind: FrameKind, body: Uint8Array): Promise<void> {
    const header = new Uint8Array(FRAME_HEADER);
    const view = new DataView(header.buffer);
    header[0] = kind;
    view.setUint32(4, body.length, true);
    view.setUint32(8, crc32c(body), true);
    await this.put(header);
    await this.put(body);
    this.frames++;
  }

  /** Appends a frame whose body is a MessagePack value. */
  async value(kind: FrameKind, value: unknown): Promise<void> {
    await this.frame(kind, packr.pack(value));
  }

  /** Writes the end frame and syncs; returns size and hex SHA-256 of the whole archive. */
  async finish(): Promise<{ size: number; checksum: string }> {
    await this.value(FrameKind.end, { frames: this.frames });
    await this.handle.sync();
    const digest = this.hash.digest();
    const checksum = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    return { size: this.position, checksum };
  }
}

/** One frame read back. */
export interface Frame {
  kind: FrameKind;
  body: Uint8Array;
}

function corrupt(path: string, why: string): QuiverError {
  return new QuiverError(
    'CORRUPT_DATA',
    `snapshot ${path} is damaged or not a Quiver snapshot: ${why}`,
  );
}

/**
 * Reads an archive's frames in order, checking each CRC and the end frame.
 * @throws QuiverError `CORRUPT_DATA` naming the file.
 */
export async function* readArchive(fs: FileSystem, path: string): AsyncGenerator<Frame> {
  const handle = await fs.open(path);
  try {
    const size = await handle.size();
    const header = await handle.read({ position: 0, length: HEADER });
    if (header.length < HEADER || MAGIC.some((b, i) => header[i] !== b))
      throw corrupt(path, 'bad magic');
    const version = new DataView(header.buffer, header.byteOffset).getUint16(4, true);
    if (version !== VERSION) throw corrupt(path, `format version ${version} is not supported`);
    let position = HEADER;
    let frames = 0;
    while (position < size) {
      const fh = await handle.read({ position, length: FRAME_HEADER });
      if (fh.length < FRAME_HEADER)
        throw corrupt(path, `truncated frame header at byte ${position}`);
      const view = new DataView(fh.buffer, fh.byteOffset);
      const kind = fh[0] as FrameKind;
      if (fh[1] !== 0 || fh[2] !== 0 || fh[3] !== 0)
        throw corrupt(path, `bad frame header at byte ${position}`);
      const length = view.getUint32(4, true);
      const crc = view.getUint32(8, true);
      const body = await handle.read({ position: position + FRAME_HEADER, length });
      if (body.length < length) throw corrupt(path, `truncated frame at byte ${position}`);
      if (crc32c(body) !== crc)
        throw corrupt(path, `checksum mismatch in frame at byte ${position}`);
      position += FRAME_HEADER + length;
      if (kind === FrameKind.end) {
        const end = packr.unpack(body) as { frames?: number };
        if (end.frames !== frames)
          throw corrupt(path, `end frame counts ${end.frames} frames, found ${frames}`);
        return;
      }
      frames++;
      yield { kind, body };
    }
    throw corrupt(path, 'missing end frame (truncated file)');
  } finally {
    await handle.close();
  }
}

/** Decodes a MessagePack frame body. */
export function frameValue<T>(frame: Frame): T {
  return packr.unpack(frame.body) as T;
}

/** Hex SHA-256 of a file, read in chunks. */
export async function fileSha256(fs: FileSystem, path: string): Promise<string> {
  const handle = await fs.open(path);
  try {
    const hash = sha256.create();
    const size = await handle.size();
    for (let position = 0; position < size; position += 1 << 20) {
      hash.update(await handle.read({ position, length: Math.min(1 << 20, size - position) }));
    }
    return Array.from(hash.digest(), (b) => b.toString(16).padStart(2, '0')).join('');
  } finally {
    await handle.close();
  }
}
