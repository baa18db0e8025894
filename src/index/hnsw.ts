/**
 * HNSW (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs", 2016/2018): a multi-level proximity graph searched
 * greedily from the top level down, with the paper's neighbour-selection heuristic
 * (Algorithm 4) so links spread in all directions instead of crowding into one cluster.
 *
 * Memory: the graph is flat typed arrays (see `hnsw-graph.ts`), nodes are the vector store's
 * dense offsets, the visited set is epoch-stamped and reused, the heaps are typed arrays.
 * Scores: higher is better (`dot` as is, `l2`/`l1` negated distances).
 *
 * Not re-entrant: one add or search at a time per index (they share scratch buffers), which
 * holds on one JS thread since none of them awaits.
 */
import type { Scorer, TraversalScorer, VectorStore } from '../kernels/vector-store.js';
import { createVectorStore } from '../kernels/vector-store.js';
import { BATCH_CAPACITY } from '../kernels/batch.js';
import { ScoreHeap } from './heap.js';
import { VisitedSet } from './visited-set.js';
import { SeededRandom } from './random.js';
import { ABSENT, HnswGraph, MAX_LEVEL, NO_ENTRY } from './hnsw-graph.js';
import type { HnswOptions, ResolvedHnswOptions } from './hnsw-options.js';
import { resolveHnswOptions } from './hnsw-options.js';
import { checkHnswGraph } from './hnsw-integrity.js';
import { drainTopK } from './top-k.js';
import { decodeHnsw, encodeHnsw } from './hnsw-format.js';

/** A k-nearest-neighbour query. */
export interface HnswSearchRequest {
  /** The query vector; length must equal the index's `dim`. */
  query: Float32Array;
  /** How many results to return (at most). Integer >= 1. */
  k: number;
  /**
   * Beam width (`ef`). Default: the index's `efConstruct`; raised to `k` if smaller. Larger:
   * higher recall, proportionally slower.
   */
  ef?: number;
  /**
   * Filter: only offsets for which it returns true are returned. Rejected nodes are still
   * traversed, so the graph stays connected for the search; called at most once per visited
   * node. Omit it (and have no deletions) for the specialised unfiltered loop.
   */
  accept?: (offset: number) => boolean;
  /**
   * Scores the traversal with this scorer instead of the store's own: e.g. quantized codes of
   * the same vectors (offsets must mean the same points), for a cheaper walk whose results the
   * caller rescores. Default: the store's scorer for the index's metric. Returned scores are this
   * scorer's.
   */
  scorer?: TraversalScorer;
}

/** Search results, best first. */
export interface HnswSearchResult {
  /** Store offsets of the results. */
  offsets: Uint32Array;
  /** Their scores (higher is better; for `l2`, minus the squared distance). */
  scores: Float32Array;
}

/** Options for {@link HnswIndex}: the graph's {@link HnswOptions} plus where vectors live. */
export interface HnswIndexOptions extends HnswOptions {
  /**
   * The vector store the index reads (its `dim` must match). Default: a new store with the
   * fastest kernels (`createVectorStore`), filled through {@link HnswIndex.addVector}.
   */
  store?: VectorStore;
}

/** Restored state, for {@link HnswIndex.deserialize}. */
interface Restored {
  graph: HnswGraph;
  rngState: number;
}

/** See the file comment. */
export class HnswIndex {
  /** Options with defaults applied. */
  readonly options: ResolvedHnswOptions;
  /** Where the vectors live (see {@link moveTo}). */
  store: VectorStore;
  /** @internal The graph arrays (read by integrity checks and serialization). */
  readonly graph: HnswGraph;
  /** @internal The level generator; its state is saved with the index. */
  readonly random: SeededRandom;
  private scorer: Scorer;
  /** The scorer of the walk in progress: {@link scorer}, or a search's own. */
  private traversal: TraversalScorer;
  private readonly visited: VisitedSet;
  private readonly candidates = new ScoreHeap(256);
  private readonly results = new ScoreHeap(256);
  private readonly levelMult: number;
  /** Candidates of one insertion level, best first (selection compacts them in place). */
  private sortedIds: Uint32Array;
  private sortedScores: Float64Array;
  /** Scratch for re-selecting an overflowing neighbour list. */
  private readonly pruneIds: Uint32Array;
  private readonly pruneScores: Float64Array;
  /** Score of the node {@link greedy} returned. */
  private greedyScore = 0;

  constructor(options: HnswIndexOptions, restored?: Restored) {
    this.options = resolveHnswOptions(options);
    const { dim, m, initialCapacity, metric, seed, efConstruct } = this.options;
    this.store = options.store ?? createVectorStore({ dim, initialCapacity });
    if (this.store.dim !== dim) {
      throw new RangeError(`HNSW dim ${dim} does not match the vector store's ${this.store.dim}`);
    }
    if (2 * m + 1 > BATCH_CAPACITY) throw new RangeError(`m ${m} is too large`);
    this.graph = restored?.graph ?? new HnswGraph(m, initialCapacity);
    this.random = new SeededRandom(seed);
    if (restored !== undefined) this.random.state = restored.rngState;
    this.scorer = this.store.scorer(metric);
    this.traversal = this.scorer;
    this.visited = new VisitedSet(this.graph.capacity);
    this.levelMult = 1 / Math.log(m);
    this.sortedIds = new Uint32Array(efConstruct + 1);
    this.sortedScores = new Float64Array(efConstruct + 1);
    this.pruneIds = new Uint32Array(2 * m + 2);
    this.pruneScores = new Float64Array(2 * m + 2);
  }

  /**
   * Reads the vectors from `store` from now on: the same vectors held elsewhere (a sealed
   * segment's originals moved to a vector file once it is persisted, `on_disk: true`).
   */
  moveTo(store: VectorStore): void {
    if (store.dim !== this.options.dim || store.count < this.store.count) {
      throw new RangeError(
        `cannot move an HNSW index of ${this.store.count} vectors of ${this.options.dim} floats to a store of ${store.count} of ${store.dim}`,
      );
    }
    this.store = store;
    this.scorer = store.scorer(this.options.metric);
    this.traversal = this.scorer;
  }

  /** Nodes in the index, deleted ones included. */
  get size(): number {
    return this.graph.nodeCount;
  }

  /** Nodes marked deleted. */
  get deletedCount(): number {
    return this.graph.deletedCount;
  }

  /** Appends `vector` to the store and indexes it; returns its offset. */
  addVector(vector: ArrayLike<number>): number {
    const offset = this.store.append(vector);
    this.add(offset);
    return offset;
  }

  /**
   * Indexes the vector already in the store at `offset` (Algorithm 1). Offsets may be added in
   * any order, each once.
   */
  add(offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.store.count) {
      throw new RangeError(
        `offset ${offset} is not in the vector store (0..${this.store.count - 1})`,
      );
    }
    const g = this.graph;
    g.ensure(offset + 1);
    if (g.levels[offset] !== ABSENT) throw new RangeError(`offset ${offset} is already indexed`);
    this.visited.ensure(g.capacity);
    const level = this.drawLevel();
    g.levels[offset] = level;
    if (level > 0) g.upper[offset] = new Uint32Array(level * g.strideUpper);
    g.nodeCount++;
    if (offset >= g.span) g.span = offset + 1;
    if (g.entry === NO_ENTRY) {
      g.entry = offset;
      g.maxLevel = level;
      return;
    }

    const sc = this.scorer;
    this.traversal = sc;
    sc.setQueryStored(offset);
    let ep = g.entry;
    let epScore = sc.scoreOne(ep);
    for (let lc = g.maxLevel; lc > level; lc--) {
      ep = this.greedy(lc, ep, epScore);
      epScore = this.greedyScore;
    }
    const m = this.options.m;
    for (let lc = Math.min(level, g.maxLevel); lc >= 0; lc--) {
      this.searchLayer(lc, ep, epScore, this.options.efConstruct);
      const n = this.drainResults();
      const ids = this.sortedIds;
      const scores = this.sortedScores;
      ep = ids[0]!;
      epScore = scores[0]!;
      const count = this.selectNeighbours(ids, scores, n, m);
      const { arr, base } = g.listOf(offset, lc);
      arr[base] = count;
      for (let j = 0; j < count; j++) arr[base + 1 + j] = ids[j]!;
      for (let j = 0; j < count; j++) this.connect(ids[j]!, offset, scores[j]!, lc);
    }
    if (level > g.maxLevel) {
      g.entry = offset;
      g.maxLevel = level;
    }
  }

  /**
   * Marks `offset` deleted: never returned again, but kept in the graph and traversed, so
   * search quality does not decay. Returns false if it was not indexed or already deleted.
   */
  markDeleted(offset: number): boolean {
    const g = this.graph;
    if (offset < 0 || offset >= g.span || g.levels[offset] === ABSENT) return false;
    if (g.deleted[offset] === 1) return false;
    g.deleted[offset] = 1;
    g.deletedCount++;
    return true;
  }

  /** Whether `offset` is indexed and not deleted. */
  has(offset: number): boolean {
    const g = this.graph;
    return offset >= 0 && offset < g.span && g.levels[offset] !== ABSENT && g.deleted[offset] === 0;
  }

  /** The k best matches for the query, best first (Algorithms 2 and 5). */
  search(request: HnswSearchRequest): HnswSearchResult {
    const { query, k, accept } = request;
    if (query.length !== this.options.dim) {
      throw new RangeError(`query has ${query.length} dimensions, the index ${this.options.dim}`);
    }
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, got ${k}`);
    const g = this.graph;
    if (g.entry === NO_ENTRY) return { offsets: new Uint32Array(0), scores: new Float32Array(0) };
    const ef = Math.max(k, request.ef ?? this.options.efConstruct);
    const sc = request.scorer ?? this.scorer;
    this.traversal = sc;
    sc.setQuery(query);
    let ep = g.entry;
    let epScore = sc.scoreOne(ep);
    for (let lc = g.maxLevel; lc > 0; lc--) {
      ep = this.greedy(lc, ep, epScore);
      epScore = this.greedyScore;
    }
    if (accept === undefined && g.deletedCount === 0) this.searchLayer(0, ep, epScore, ef);
    else this.searchFiltered(ep, epScore, ef, accept);
    const res = this.results;
    while (res.size > k) res.pop();
    return drainTopK(res);
  }

  /** Problems with the graph's invariants (empty when sound); see `hnsw-integrity.ts`. */
  checkIntegrity(): string[] {
    return checkHnswGraph(this.graph);
  }

  /** The index as bytes (format in `hnsw-format.ts`); vectors are not included. */
  serialize(): Uint8Array {
    return encodeHnsw(this.options, this.graph, this.random.state);
  }

  /** Restores an index saved by {@link serialize} over `store`, which must hold its vectors. */
  static deserialize(bytes: Uint8Array, store: VectorStore): HnswIndex {
    const { options, graph, rngState } = decodeHnsw(bytes);
    if (graph.span > store.count) {
      throw new RangeError(
        `the index references offset ${graph.span - 1}, the store has ${store.count}`,
      );
    }
    return new HnswIndex({ ...options, store }, { graph, rngState });
  }

  /** A level from the paper's exponential distribution, floor(-ln(U) * mL), mL = 1/ln(m). */
  private drawLevel(): number {
    const u = 1 - this.random.next(); // in (0, 1]
    return Math.min(MAX_LEVEL, Math.floor(-Math.log(u) * this.levelMult));
  }

  /** Greedy walk at an upper level (ef = 1): returns the best node found. */
  private greedy(level: number, ep: number, epScore: number): number {
    const upper = this.graph.upper;
    const base = (level - 1) * this.graph.strideUpper;
    const sc = this.traversal;
    const ids = sc.ids();
    const scores = sc.scores();
    let cur = ep;
    let curScore = epScore;
    let changed = true;
    while (changed) {
      changed = false;
      const arr = upper[cur]!;
      const count = arr[base]!;
      for (let j = 0; j < count; j++) ids[j] = arr[base + 1 + j]!;
      sc.scoreBatch(count);
      for (let j = 0; j < count; j++) {
        const s = scores[j]!;
        if (s > curScore) {
          curScore = s;
          cur = ids[j]!;
          changed = true;
        }
      }
    }
    this.greedyScore = curScore;
    return cur;
  }

  /**
   * Beam search at one level, no filter (Algorithm 2): leaves the best `ef` nodes in
   * `results` (negated scores, worst on top). The hot loop of both build and search.
   */
  private searchLayer(level: number, ep: number, epScore: number, ef: number): void {
    const g = this.graph;
    const visited = this.visited;
    visited.reset();
    const marks = visited.marks;
    const epoch = visited.epoch;
    const cand = this.candidates;
    const res = this.results;
    cand.clear();
    res.clear();
    marks[ep] = epoch;
    cand.push(epScore, ep);
    res.push(-epScore, ep);
    let lower = epScore;
    const sc = this.traversal;
    const ids = sc.ids();
    const scores = sc.scores();
    const links0 = g.links0;
    const stride0 = g.stride0;
    const upper = g.upper;
    const upperBase = (level - 1) * g.strideUpper;
    while (cand.size > 0) {
      if (cand.topKey() < lower && res.size >= ef) break;
      const c = cand.pop();
      let arr: Uint32Array;
      let b: number;
      if (level === 0) {
        arr = links0;
        b = c * stride0;
      } else {
        arr = upper[c]!;
        b = upperBase;
      }
      const count = arr[b]!;
      let n = 0;
      for (let j = 1; j <= count; j++) {
        const nb = arr[b + j]!;
        if (marks[nb] !== epoch) {
          marks[nb] = epoch;
          ids[n++] = nb;
        }
      }
      if (n === 0) continue;
      sc.scoreBatch(n);
      for (let j = 0; j < n; j++) {
        const s = scores[j]!;
        if (res.size < ef) {
          const nb = ids[j]!;
          cand.push(s, nb);
          res.push(-s, nb);
          lower = -res.topKey();
        } else if (s > lower) {
          const nb = ids[j]!;
          cand.push(s, nb);
          res.replaceTop(-s, nb);
          lower = -res.topKey();
        }
      }
    }
  }

  /**
   * Level-0 beam search that traverses every node but only collects accepted, non-deleted
   * ones. Until `ef` results are found every neighbour is explored, so selective filters
   * widen the search instead of losing recall.
   */
  private searchFiltered(
    ep: number,
    epScore: number,
    ef: number,
    accept: ((offset: number) => boolean) | undefined,
  ): void {
    const g = this.graph;
    const deleted = g.deleted;
    const visited = this.visited;
    visited.reset();
    const marks = visited.marks;
    const epoch = visited.epoch;
    const cand = this.candidates;
    const res = this.results;
    cand.clear();
    res.clear();
    marks[ep] = epoch;
    cand.push(epScore, ep);
    let lower = -Infinity;
    if (deleted[ep] === 0 && (accept === undefined || accept(ep))) {
      res.push(-epScore, ep);
      lower = epScore;
    }
    const sc = this.traversal;
    const ids = sc.ids();
    const scores = sc.scores();
    const links0 = g.links0;
    const stride0 = g.stride0;
    while (cand.size > 0) {
      if (cand.topKey() < lower && res.size >= ef) break;
      const b = cand.pop() * stride0;
      const count = links0[b]!;
      let n = 0;
      for (let j = 1; j <= count; j++) {
        const nb = links0[b + j]!;
        if (marks[nb] !== epoch) {
          marks[nb] = epoch;
          ids[n++] = nb;
        }
      }
      if (n === 0) continue;
      sc.scoreBatch(n);
      for (let j = 0; j < n; j++) {
        const s = scores[j]!;
        if (res.size < ef || s > lower) {
          const nb = ids[j]!;
          cand.push(s, nb);
          if (deleted[nb] === 0 && (accept === undefined || accept(nb))) {
            if (res.size < ef) res.push(-s, nb);
            else res.replaceTop(-s, nb);
            lower = -res.topKey();
          }
        }
      }
    }
  }

  /** Moves `results` into sortedIds/sortedScores, best first; returns how many. */
  private drainResults(): number {
    const res = this.results;
    const n = res.size;
    if (n > this.sortedIds.length) {
      this.sortedIds = new Uint32Array(n);
      this.sortedScores = new Float64Array(n);
    }
    for (let i = n - 1; i >= 0; i--) {
      this.sortedScores[i] = -res.topKey();
      this.sortedIds[i] = res.pop();
    }
    return n;
  }

  /**
   * The paper's heuristic (Algorithm 4, without extending candidates or keeping pruned ones):
   * take candidates best first, keep one only if it is closer to the base node than to every
   * node kept so far. Compacts the kept ones to the front of ids/scores; returns how many.
   * `scores[i]` is candidate i's score against the base node.
   */
  private selectNeighbours(
    ids: Uint32Array,
    scores: Float64Array,
    n: number,
    limit: number,
  ): number {
    if (n < limit) {
      // Fewer candidates than slots: the heuristic would only drop links, trading
      // connectivity for nothing while the list has room.
      return n;
    }
    const sc = this.scorer;
    let kept = 0;
    for (let i = 0; i < n && kept < limit; i++) {
      const c = ids[i]!;
      const s = scores[i]!;
      let good = true;
      // One pair at a time: most rejections come from the first (closest) kept nodes, so the
      // early exit beats batching (measured).
      for (let j = 0; j < kept; j++) {
        if (sc.scorePair(c, ids[j]!) > s) {
          good = false;
          break;
        }
      }
      if (good) {
        ids[kept] = c;
        scores[kept] = s;
        kept++;
      }
    }
    return kept;
  }

  /** Adds a back-link nb -> q at `level`, re-selecting nb's links when its list is full. */
  private connect(nb: number, q: number, score: number, level: number): void {
    const g = this.graph;
    const { arr, base } = g.listOf(nb, level);
    const count = arr[base]!;
    const max = g.maxLinks(level);
    if (count < max) {
      arr[base + 1 + count] = q;
      arr[base] = count + 1;
      return;
    }
    const ids = this.pruneIds;
    const scores = this.pruneScores;
    const sc = this.scorer;
    // Score nb's current links against nb in one batch.
    const batchIds = sc.ids();
    const batchScores = sc.scores();
    for (let j = 0; j < count; j++) batchIds[j] = arr[base + 1 + j]!;
    sc.scoreBatchFrom(nb, count);
    // Insertion sort, best first: lists are at most 2m + 1 long.
    let n = 0;
    for (let j = 0; j <= count; j++) {
      const id = j === count ? q : batchIds[j]!;
      const s = j === count ? score : batchScores[j]!;
      let i = n++;
      while (i > 0 && scores[i - 1]! < s) {
        scores[i] = scores[i - 1]!;
        ids[i] = ids[i - 1]!;
        i--;
      }
      scores[i] = s;
      ids[i] = id;
    }
    const kept = this.selectNeighbours(ids, scores, n, max);
    arr[base] = kept;
    for (let j = 0; j < kept; j++) arr[base + 1 + j] = ids[j]!;
  }
}
