/**
 * Dense vectors kept on disk (`on_disk: true` in a vector's params, as in Qdrant): a sealed
 * segment of a persistent collection keeps that vector's originals in a vector file
 * (storage/vector-file.ts, QVEC) next to its segment file, and its column reads them by offset
 * (`OnDiskOriginals`, `onDiskStore`) instead of holding them in memory. The appendable segment,
 * and every segment of an in-memory collection, keeps its vectors in memory.
 */
import { QuiverError } from '../errors.js';
import type { Schemas } from '../api/wire.js';
import type { VectorStore } from '../kernels/vector-store.js';
import { OnDiskOriginals, onDiskStore } from '../quantization/on-disk-originals.js';
import type { FileSystem } from '../storage/file-system.js';
import { type RandomAccessFile, bytesFile } from '../storage/random-access-file.js';
import type { VectorColumn } from '../segment/vector-column.js';

/** `true` when the params of dense vector `name` say `on_disk: true`. */
export function vectorOnDisk(config: Pick<Schemas['CollectionConfig'], 'params'>, name: string) {
  const vectors = config.params.vectors;
  if (vectors === undefined || vectors === null) return false;
  if (typeof (vectors as Schemas['VectorParams']).size === 'number') {
    return name === '' && (vectors as Schemas['VectorParams']).on_disk === true;
  }
  return (vectors as Record<string, Schemas['VectorParams'] | undefined>)[name]?.on_disk === true;
}

/** Every slot of a sealed column (`count` offsets, dead ones too) as one array, for the file. */
export function columnData(column: VectorColumn, count: number): Float32Array {
  const data = new Float32Array(count * column.dim);
  for (let o = 0; o < count; o++) data.set(column.raw(o), o * column.dim);
  return data;
}

const lostErrors = new WeakSet<QuiverError>();

/** `true` for the error {@link openVectorFile} throws when a vector file is lost. */
export function isLostVectors(err: unknown): boolean {
  return err instanceof QuiverError && lostErrors.has(err);
}

/** An opened vector file: its store and the file to close. */
export interface OpenedVectorFile {
  store: VectorStore;
  close: () => void;
}

/**
 * Opens the vector file at `path`, checking its checksums and that it holds `count` vectors of
 * `dim` floats.
 * @throws QuiverError `CORRUPT_DATA` naming the file when it is missing, damaged or the wrong
 * shape: the originals it held are gone.
 */
export async function openVectorFile(options: {
  fs: FileSystem;
  path: string;
  dim: number;
  count: number;
  /** For the message: e.g. `segment 3, vector "image"`. */
  label: string;
}): Promise<OpenedVectorFile> {
  const { fs, path, label } = options;
  const lost = (why: string) => {
    const err = new QuiverError(
      'CORRUPT_DATA',
      `the original vectors of ${label} were kept on disk in ${path}, which ${why}; those vectors are lost: restore the collection from a snapshot`,
    );
    lostErrors.add(err);
    return err;
  };
  if (!(await fs.exists(path))) throw lost('is missing');
  let file: RandomAccessFile | undefined;
  try {
    file =
      fs.openRandomAccess === undefined
        ? bytesFile(path, await fs.readFile(path))
        : await fs.openRandomAccess(path);
    const originals = new OnDiskOriginals(file, { verify: true });
    if (originals.dim !== options.dim || originals.count !== options.count) {
      throw new Error(
        `holds ${originals.count} vectors of ${originals.dim} floats, not ${options.count} of ${options.dim}`,
      );
    }
    const opened = file;
    return { store: onDiskStore(originals), close: () => opened.close() };
  } catch (err) {
    file?.close();
    const why = err instanceof Error ? err.message : String(err);
    throw lost(`is unusable (${why})`);
  }
}
