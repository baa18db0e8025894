/**
 * Training samples: which vectors of a segment a quantizer learns from. Seeded, so the same
 * vectors and seed always train the same codec (reproducible sealed segments).
 */
import { SeededRandom } from '../index/random.js';

/** Vectors to learn from: `count` rows of `dim` floats in `data`, some possibly absent. */
export interface TrainingSet {
  /** Floats per vector. */
  dim: number;
  /** Rows: row i is `data[base + i * dim .. base + (i + 1) * dim)`. */
  count: number;
  /** The vectors, back to back (e.g. a vector store's memory, see `VectorStore.view`). */
  data: Float32Array;
  /** Element index of row 0 in `data`. Default 0. */
  base?: number;
  /** Rows that hold a vector (default: all). Absent rows are never sampled. */
  present?: (row: number) => boolean;
}

/**
 * Up to `size` distinct present rows, chosen uniformly with a seeded generator (a partial
 * Fisher-Yates shuffle), in ascending order so reads stay sequential.
 */
export function sampleRows(set: TrainingSet, size: number, seed: number): Uint32Array {
  const rows: number[] = [];
  for (let i = 0; i < set.count; i++) if (set.present === undefined || set.present(i)) rows.push(i);
  const n = Math.min(size, rows.length);
  const rng = new SeededRandom(seed);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.next() * (rows.length - i));
    const t = rows[i]!;
    rows[i] = rows[j]!;
    rows[j] = t;
  }
  return Uint32Array.from(rows.slice(0, n)).sort();
}
