/**
 * Quiver extension: how many bytes a collection's dense vectors take, originals and quantized
 * codes apart, so the saving of `quantization_config` can be read off (int8: about 4x less for
 * the codes than for the float32 originals). Reported by `Quiver.vectorMemory`.
 */
import type { Collection } from '../collection/collection.js';
import { denseSpecs } from '../collection/segment-builder.js';

/** Bytes held for one dense vector name, summed over the collection's segments. */
export interface VectorMemoryInfo {
  /** Vectors stored (live points that have this vector). */
  vectors: number;
  /** Floats per vector. */
  dim: number;
  /** Bytes of the float32 originals held in memory. */
  original_bytes: number;
  /** Bytes of the originals kept on disk instead (0 while every segment keeps them in memory). */
  original_bytes_on_disk: number;
  /** Bytes of quantized codes and their correction terms (sealed, quantized segments only). */
  quantized_bytes: number;
  /** Vectors that have quantized codes. */
  quantized_vectors: number;
}

/** The report: one entry per dense vector name (`""` is the unnamed vector). */
export interface VectorMemoryReport {
  vectors: Record<string, VectorMemoryInfo>;
}

/** Computes the report from the segments as they are now. */
export function vectorMemory(collection: Collection): VectorMemoryReport {
  const out: Record<string, VectorMemoryInfo> = {};
  for (const spec of denseSpecs(collection.specs)) {
    const info: VectorMemoryInfo = {
      vectors: 0,
      dim: spec.size,
      original_bytes: 0,
      original_bytes_on_disk: 0,
      quantized_bytes: 0,
      quantized_vectors: 0,
    };
    for (const segment of collection.segments) {
      const column = segment.columns.get(spec.name);
      if (column === undefined) continue;
      let count = 0;
      for (let offset = 0; offset < segment.size; offset++) {
        if (segment.isLive(offset) && column.has(offset)) count++;
      }
      info.vectors += count;
      // A sealed column holds a slot for every offset (deleted ones still route the graph).
      const slots = segment.sealed ? column.present.length : count;
      info.original_bytes += slots * spec.size * 4;
      const codes = segment.quantized.get(spec.name);
      if (codes !== undefined) {
        info.quantized_bytes += codes.vectorBytes;
        info.quantized_vectors += count;
      }
    }
    out[spec.name] = info;
  }
  return { vectors: out };
}
