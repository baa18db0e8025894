/**
 * Graph searches run ahead of a query on other threads (src/parallel/parallel-search.ts).
 *
 * A query runs twice when it has searches to hand out. The first run `collect`s: the segment
 * planner offers every unfiltered HNSW search of a big enough sealed segment here, which records
 * it and tells the planner to skip the segment (that run's answer is thrown away). The searches
 * then run on the pool, and the second run `serve`s: the planner takes each recorded search's
 * offsets from here instead of searching, and scores them exactly as before. The planner's
 * decisions are deterministic, so both runs ask for the same searches; one not found (a swap in
 * between, a failed pool) is searched on the spot, so the answer is always the single-thread one.
 */
import type { HnswIndex } from '../../index/hnsw.js';
import type { PlainSegment } from '../../segment/plain-segment.js';

/** A graph search the planner would run. */
export interface GraphSearch {
  segment: PlainSegment;
  vector: string;
  index: HnswIndex;
  query: Float32Array;
  k: number;
  ef: number;
}

function keyOf(vector: string, k: number, ef: number, query: Float32Array): string {
  const words = new Uint16Array(query.buffer, query.byteOffset, query.length * 2);
  let text = `${vector}\u0000${k}\u0000${ef}\u0000`;
  // Chunks keep the argument list of fromCharCode short.
  for (let i = 0; i < words.length; i += 4096) {
    text += String.fromCharCode(...words.subarray(i, i + 4096));
  }
  return text;
}

/** See the module comment. */
export class Presearch {
  /** Searches recorded while collecting. */
  readonly pending: GraphSearch[] = [];
  private collecting = true;
  private readonly found = new Map<PlainSegment, Map<string, Uint32Array>>();

  /** @param minPoints Segments with fewer live points are searched in place. */
  constructor(private readonly minPoints: number) {}

  /**
   * Called by the planner in place of an unfiltered `index.search`: `deferred` (collecting: skip
   * the segment), the offsets found elsewhere (serving), or undefined (search in place).
   */
  take(search: GraphSearch): Uint32Array | 'deferred' | undefined {
    if (search.segment.liveCount < this.minPoints) return undefined;
    if (this.collecting) {
      this.pending.push(search);
      return 'deferred';
    }
    const { vector, k, ef, query } = search;
    return this.found.get(search.segment)?.get(keyOf(vector, k, ef, query));
  }

  /**
   * Stores the offsets of `pending[i]` as `offsets[i]` and switches to serving; a search without
   * offsets will run in place.
   */
  serve(offsets: readonly (Uint32Array | undefined)[] | undefined): void {
    this.collecting = false;
    if (offsets === undefined) return;
    this.pending.forEach((s, i) => {
      const found = offsets[i];
      if (found === undefined) return;
      let bySegment = this.found.get(s.segment);
      if (bySegment === undefined) this.found.set(s.segment, (bySegment = new Map()));
      bySegment.set(keyOf(s.vector, s.k, s.ef, s.query), found);
    });
  }
}
