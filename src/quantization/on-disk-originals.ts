/**
 * Original vectors read from a vector file (`storage/vector-file.ts`) instead of memory: the
 * "beyond RAM" layout, where a sealed segment keeps only its quantized codes (and graph) in
 * memory and reads the few originals it rescores by offset. Memory held: one vector's bytes.
 *
 * Reads are synchronous positioned reads (see `storage/random-access-file.ts`); a search
 * rescoring limit x oversampling candidates reads that many vectors, mostly from the OS page
 * cache once warm. A traversal that ignores the codes (`params.quantization.ignore`) reads every
 * vector it scores: correct, but slow, as in Qdrant.
 */
import type { Metric } from '../kernels/metric.js';
import { BATCH_CAPACITY } from '../kernels/batch.js';
import { dot, l1, l2Squared } from '../kernels/scalar.js';
import type { Scorer, TraversalScorer, VectorStore } from '../kernels/vector-store.js';
import type { RandomAccessFile } from '../storage/random-access-file.js';
import type { VectorFileHeader } from '../storage/vector-file.js';
import {
  VECTOR_FILE_DATA_START,
  readVectorFileHeader,
  verifyVectorFile,
} from '../storage/vector-file.js';
import type { OriginalVectors } from './quantized-search.js';

/** See the file comment. */
export class OnDiskOriginals implements OriginalVectors {
  readonly dim: number;
  readonly count: number;
  readonly residentBytes = 0;
  private readonly header: VectorFileHeader;
  private readonly bytes: Uint8Array;
  private readonly vector: Float32Array;

  /** Opens a vector file, checking its header; `verify` also checks the body checksum. */
  constructor(
    private readonly file: RandomAccessFile,
    options: { verify?: boolean } = {},
  ) {
    this.header = readVectorFileHeader(file);
    if (options.verify === true) verifyVectorFile(file, this.header);
    this.dim = this.header.dim;
    this.count = this.header.count;
    this.vector = new Float32Array(this.dim);
    this.bytes = new Uint8Array(this.vector.buffer);
  }

  /** Vector `offset`, read from the file into a shared scratch array (valid until the next). */
  read(offset: number): Float32Array {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.count) {
      throw new RangeError(`offset ${offset} is not in ${this.file.path} (0..${this.count - 1})`);
    }
    this.file.read(VECTOR_FILE_DATA_START + offset * this.dim * 4, this.bytes);
    return this.vector;
  }

  /** Closes the file. */
  close(): void {
    this.file.close();
  }

  scorer(metric: Metric): TraversalScorer {
    const dim = this.dim;
    const query = new Float32Array(dim);
    const ids = new Uint32Array(BATCH_CAPACITY);
    const scores = new Float32Array(BATCH_CAPACITY);
    const score = (offset: number): number => {
      const v = this.read(offset);
      if (metric === 'dot') return dot(query, 0, v, 0, dim);
      if (metric === 'l2') return -l2Squared(query, 0, v, 0, dim);
      return -l1(query, 0, v, 0, dim);
    };
    return {
      setQuery: (q) => query.set(q),
      ids: () => ids,
      scores: () => scores,
      scoreBatch: (count) => {
        for (let i = 0; i < count; i++) scores[i] = score(ids[i]!);
      },
      scoreOne: score,
    };
  }
}

/**
 * The originals of a vector file as a read-only {@link VectorStore}, so a sealed segment's column
 * and graph can use them where they used a store in memory (`on_disk: true`). Every score reads
 * the vector it needs by offset; nothing but the query and one vector is held. Writes and
 * {@link VectorStore.view} (a whole-store array) are refused: such a store is never appended to,
 * never scanned in place by the SIMD kernels, and never published to search workers.
 */
export function onDiskStore(originals: OnDiskOriginals): VectorStore {
  const { dim, count } = originals;
  const refuse = (what: string): never => {
    throw new RangeError(`${what}: the vectors of this store are read from disk and immutable`);
  };
  const scorer = (metric: Metric): Scorer => {
    const query = new Float32Array(dim);
    const other = new Float32Array(dim);
    const ids = new Uint32Array(BATCH_CAPACITY);
    const scores = new Float32Array(BATCH_CAPACITY);
    const between = (a: Float32Array, b: Float32Array): number => {
      if (metric === 'dot') return dot(a, 0, b, 0, dim);
      if (metric === 'l2') return -l2Squared(a, 0, b, 0, dim);
      return -l1(a, 0, b, 0, dim);
    };
    const scoreOne = (offset: number): number => between(query, originals.read(offset));
    return {
      metric,
      setQuery: (q) => query.set(q),
      setQueryStored: (offset) => query.set(originals.read(offset)),
      ids: () => ids,
      scores: () => scores,
      scoreBatch: (n) => {
        for (let i = 0; i < n; i++) scores[i] = scoreOne(ids[i]!);
      },
      scoreBatchFrom: (offset, n) => {
        other.set(originals.read(offset));
        for (let i = 0; i < n; i++) scores[i] = between(other, originals.read(ids[i]!));
      },
      scoreRange: (start, n) => {
        for (let i = 0; i < n; i++) scores[i] = scoreOne(start + i);
      },
      scoreOne,
      scorePair: (a, b) => {
        other.set(originals.read(a));
        return between(other, originals.read(b));
      },
    };
  };
  return {
    kind: 'scalar',
    dim,
    count,
    append: () => refuse('append'),
    set: () => refuse('set'),
    get: (offset) => originals.read(offset).slice(),
    reserve: () => undefined,
    scorer,
    view: () => refuse('view'),
  };
}
