/**
 * Reachability repair of a built HNSW graph.
 *
 * The neighbour heuristic prunes back-links when a list overflows, and on high-dimensional or
 * uniform data (and with a small `m`) this occasionally leaves a node with no in-link at level 0:
 * no search can ever return it, whatever its `ef`. After a build, {@link repairReachability}
 * finds such nodes (breadth-first from the entry point, through deleted nodes too) and links
 * each from its nearest reachable node: into a free slot when one of the nearest has room, else
 * in place of that node's farthest link (a node that loses its only in-link that way is found
 * by the next pass). Passes repeat until every node is reachable or a pass limit is hit.
 */
import type { HnswIndex } from './hnsw.js';
import { ABSENT } from './hnsw-graph.js';
import { reachedAtLevel0 } from './hnsw-integrity.js';

/** Passes before giving up (each pass fixes every node it finds; a few always suffice). */
const MAX_PASSES = 8;

/** Level-0 nodes not reachable from the entry point. */
function unreachable(index: HnswIndex): number[] {
  const g = index.graph;
  if (g.nodeCount === 0) return [];
  const reached = reachedAtLevel0(g);
  const out: number[] = [];
  for (let o = 0; o < g.span; o++) if (g.levels[o] !== ABSENT && reached[o] === 0) out.push(o);
  return out;
}

/** Makes every node reachable at level 0 (see the module comment); returns links changed. */
export function repairReachability(index: HnswIndex): number {
  const g = index.graph;
  const max = g.maxLinks(0);
  const scorer = index.store.scorer(index.options.metric);
  let changed = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const lost = unreachable(index);
    if (lost.length === 0) break;
    for (const u of lost) {
      // The search only ever returns reachable nodes: exactly the candidates we need.
      const near = index.search({
        query: index.store.get(u),
        k: Math.min(max, g.nodeCount),
        ef: index.options.efConstruct,
        accept: (o) => o !== u,
      }).offsets;
      if (near.length === 0) continue;
      let host = near.find((v) => g.links0[v * g.stride0]! < max);
      const b = (host ?? near[0]!) * g.stride0;
      const count = g.links0[b]!;
      let linked = false;
      for (let j = 1; j <= count; j++) if (g.links0[b + j] === u) linked = true;
      if (linked) continue;
      if (host !== undefined) {
        g.links0[b + 1 + count] = u;
        g.links0[b] = count + 1;
      } else {
        host = near[0]!;
        // Replace the host's farthest link.
        scorer.setQueryStored(host);
        let worst = 1;
        let worstScore = Infinity;
        for (let j = 1; j <= count; j++) {
          const s = scorer.scoreOne(g.links0[b + j]!);
          if (s < worstScore) {
            worstScore = s;
            worst = j;
          }
        }
        g.links0[b + worst] = u;
      }
      changed++;
    }
  }
  return changed;
}
