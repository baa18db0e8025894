/**
 * HNSW index files of sealed segments: a checked file (magic `QHNS`, version 1; see
 * storage/checked-file.ts) whose body is the graph as `index/hnsw-format.ts` encodes it (which
 * carries its own magic, version and CRC). Vectors are not in it: they are in the segment file,
 * and the graph is restored over the segment's vector store.
 *
 * An index file is written once per graph, at the first checkpoint that includes its segment,
 * under a name no other file ever had (`hnsw-<segment id>-<checkpoint seq>-<n>.qvr`); later
 * checkpoints of the segment (new deletes) point at the same file. Deleted flags in it may be
 * stale: they are re-derived from the segment's live map when the segment is sealed at open.
 */
import { QuiverError } from '../errors.js';
import { HnswIndex } from '../index/hnsw.js';
import type { VectorStore } from '../kernels/vector-store.js';
import { decodeCheckedFile, encodeCheckedFile } from '../storage/checked-file.js';

const MAGIC = 'QHNS';
const VERSION = 1;

/** The index file of a graph. */
export function encodeIndexFile(index: HnswIndex): Uint8Array {
  return encodeCheckedFile({ magic: MAGIC, version: VERSION, body: index.serialize() });
}

/**
 * Restores a graph over `store` (the segment's vectors of that name).
 * @throws QuiverError `CORRUPT_DATA` naming `path` when the file is damaged or does not fit.
 */
export function decodeIndexFile(bytes: Uint8Array, store: VectorStore, path: string): HnswIndex {
  const file = decodeCheckedFile({ bytes, magic: MAGIC, path });
  if (file.version !== VERSION) {
    throw new QuiverError(
      'CORRUPT_DATA',
      `${path}: index format version ${file.version} is not supported`,
    );
  }
  let index: HnswIndex;
  try {
    index = HnswIndex.deserialize(file.body, store);
  } catch (err) {
    throw new QuiverError(
      'CORRUPT_DATA',
      `data file ${path} is corrupt: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  if (index.options.dim !== store.dim) {
    throw new QuiverError(
      'CORRUPT_DATA',
      `data file ${path} is corrupt: graph of ${index.options.dim} dimensions over vectors of ${store.dim}`,
    );
  }
  return index;
}
