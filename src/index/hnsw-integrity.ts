/**
 * Checks the invariants of an HNSW graph (see `hnsw-graph.ts`): counts within bounds, no self
 * links, no duplicate links, targets in range and present at the link's level, a sound entry
 * point, and every non-deleted node reachable from the entry point at level 0.
 */
import type { HnswGraph } from './hnsw-graph.js';
import { ABSENT, NO_ENTRY } from './hnsw-graph.js';

/** Stop listing problems after this many: one broken invariant tends to repeat. */
const MAX_PROBLEMS = 50;

/** Problems found, as readable sentences; empty when the graph is sound. */
export function checkHnswGraph(g: HnswGraph): string[] {
  const problems: string[] = [];
  const report = (p: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  if (g.nodeCount === 0) {
    if (g.entry !== NO_ENTRY) report(`empty graph has entry point ${g.entry}`);
    return problems;
  }
  if (g.entry >= g.span || g.levels[g.entry] === ABSENT) {
    report(`entry point ${g.entry} is not a node`);
    return problems;
  }
  if (g.levels[g.entry] !== g.maxLevel) {
    report(`entry point ${g.entry} has level ${g.levels[g.entry]}, the graph ${g.maxLevel}`);
  }
  // Duplicate detection: seen[t] === stamp iff t already appeared in the current list.
  const seen = new Uint32Array(g.span);
  let stamp = 0;
  let nodes = 0;
  let deleted = 0;
  for (let o = 0; o < g.span; o++) {
    const level = g.levels[o]!;
    if (level === ABSENT) continue;
    nodes++;
    if (g.deleted[o] === 1) deleted++;
    if (level > g.maxLevel) report(`node ${o} has level ${level} above the top ${g.maxLevel}`);
    if (level > 0 && (g.upper[o] === undefined || g.upper[o]!.length < level * g.strideUpper)) {
      report(`node ${o} has level ${level} but no room for its upper links`);
      continue;
    }
    for (let l = 0; l <= level; l++) {
      const { arr, base } = g.listOf(o, l);
      const count = arr[base]!;
      if (count > g.maxLinks(l)) {
        report(`node ${o} level ${l}: ${count} links, more than ${g.maxLinks(l)}`);
        continue;
      }
      stamp++;
      for (let j = 1; j <= count; j++) {
        const t = arr[base + j]!;
        if (t === o) report(`node ${o} level ${l}: links to itself`);
        else if (t >= g.span || g.levels[t] === ABSENT) {
          report(`node ${o} level ${l}: links to ${t}, which is not a node`);
        } else if (g.levels[t]! < l)
          report(`node ${o} level ${l}: links to ${t} of level ${g.levels[t]}`);
        else if (seen[t] === stamp) report(`node ${o} level ${l}: links to ${t} twice`);
        else seen[t] = stamp;
      }
    }
  }
  if (nodes !== g.nodeCount) report(`${nodes} nodes found, ${g.nodeCount} counted`);
  if (deleted !== g.deletedCount)
    report(`${deleted} deleted nodes found, ${g.deletedCount} counted`);
  if (problems.length > 0) return problems; // reachability needs sound links

  const reached = reachedAtLevel0(g);
  for (let o = 0; o < g.span; o++) {
    if (g.levels[o] !== ABSENT && g.deleted[o] === 0 && reached[o] === 0) {
      report(`node ${o} is not reachable from the entry point ${g.entry}`);
    }
  }
  return problems;
}

/**
 * The nodes a breadth-first walk over level 0 reaches from the entry point, through deleted
 * nodes too: `reached[o] === 1`. The graph must be non-empty, its level-0 links in range.
 */
export function reachedAtLevel0(g: HnswGraph): Uint8Array {
  const reached = new Uint8Array(g.span);
  const queue = new Uint32Array(g.span);
  let head = 0;
  let tail = 0;
  queue[tail++] = g.entry;
  reached[g.entry] = 1;
  while (head < tail) {
    const b = queue[head++]! * g.stride0;
    const count = g.links0[b]!;
    for (let j = 1; j <= count; j++) {
      const t = g.links0[b + j]!;
      if (reached[t] === 0) {
        reached[t] = 1;
        queue[tail++] = t;
      }
    }
  }
  return reached;
}
