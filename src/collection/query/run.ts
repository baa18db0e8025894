/**
 * Runs a {@link Plan}: each level takes its candidates (the union of its prefetches' results, or
 * every live point of the collection passing the level's filter), scores or orders them, and keeps
 * its window. A nearest-neighbour stage over the whole collection lets the segment planner pick
 * an exact scan or an HNSW search per segment (segment-search.ts); every other stage scores
 * every candidate exactly.
 *
 * Invariants: hits are best first with ties broken by point id; a point appears at most once per
 * level; points in a level's `exclude` set never appear at that level.
 */
import { valuesAt } from '../../payload/key-path.js';
import { comparePointKeys } from '../../segment/point-id.js';
import type { Location } from '../collection.js';
import { TopK } from '../top-k.js';
import { byScore, dbsf, rrf } from './fusion.js';
import { type Hit, type Ranked, identityScore } from './hits.js';
import { mmrRerank } from './mmr.js';
import type { Plan, QueryContext, Stage } from './plan.js';
import { averageVector, buildScorer } from './scoring.js';
import { searchSegments } from './segment-search.js';

/** Which hits of a level to keep: a window, or all of them (groups need every hit in order). */
export type Window = { offset: number; limit: number } | 'all';

function windowOf(plan: Plan, root: boolean): Window {
  return root ? { offset: plan.offset, limit: plan.limit } : { offset: 0, limit: plan.limit };
}

function cut<T>(list: T[], window: Window): T[] {
  return window === 'all' ? list : list.slice(window.offset, window.offset + window.limit);
}

/** Every live point passing the level's filter, visited in storage order. */
function scanCandidates(plan: Plan, ctx: QueryContext, visit: (loc: Location) => void): void {
  ctx.collection.scan(plan.predicate, visit, () => ctx.deadline.tick());
}

/** Union of prefetch results, first occurrence first. */
function pool(lists: readonly Ranked[]): Hit[] {
  const seen = new Set<string>();
  const out: Hit[] = [];
  for (const list of lists) {
    for (const hit of list.hits) {
      if (seen.has(hit.key)) continue;
      seen.add(hit.key);
      out.push(hit);
    }
  }
  return out;
}

/** Runs a plan; `window` defaults to the plan's own (`offset` only at the root). */
export function runPlan(
  plan: Plan,
  ctx: QueryContext,
  window: Window = windowOf(plan, true),
): Ranked {
  const lists = plan.prefetch.map((p) => runPlan(p, ctx, windowOf(p, false)));
  const candidates = plan.prefetch.length > 0 ? pool(lists) : undefined;
  const each = (visit: (loc: Location, key: string) => void): void => {
    if (candidates !== undefined) {
      for (const hit of candidates) {
        ctx.deadline.tick();
        visit(hit.loc, hit.key);
      }
    } else {
      scanCandidates(plan, ctx, (loc) => visit(loc, loc.segment.keys[loc.offset]!));
    }
  };
  return runStage(plan, plan.stage, ctx, window, lists, each, candidates === undefined);
}

/** The dense query vector of a stage a graph can serve (nearest, average_vector), if any. */
function graphQuery(stage: Extract<Stage, { kind: 'vector' }>): Float32Array | undefined {
  const { space, scoring } = stage;
  if (space.kind !== 'dense') return undefined;
  if (scoring.kind === 'nearest' && scoring.vector.kind === 'dense') return scoring.vector.data;
  if (scoring.kind === 'recommend' && scoring.strategy === 'average_vector') {
    const v = averageVector(space, scoring.positive, scoring.negative);
    return v.kind === 'dense' ? v.data : undefined;
  }
  return undefined;
}

function runStage(
  plan: Plan,
  stage: Stage,
  ctx: QueryContext,
  window: Window,
  lists: Ranked[],
  each: (visit: (loc: Location, key: string) => void) => void,
  wholeCollection: boolean,
): Ranked {
  switch (stage.kind) {
    case 'vector': {
      const scorer = buildScorer(stage.space, stage.scoring);
      const mmr = stage.scoring.kind === 'nearest' ? stage.scoring.mmr : undefined;
      const wanted = window === 'all' ? Infinity : window.offset + window.limit;
      const k = mmr === undefined ? wanted : (mmr.candidatesLimit ?? wanted);
      const min =
        plan.scoreThreshold === undefined ? -Infinity : scorer.threshold(plan.scoreThreshold);
      const top = new TopK<Location>(k);
      const offer = (loc: Location, key: string, estimate?: number): void => {
        if (plan.exclude.has(key)) return;
        const s = estimate ?? scorer.score(loc);
        if (s === undefined || s < min || s < top.floor) return;
        top.push({ score: s, key, item: loc });
      };
      const query = graphQuery(stage);
      if (wholeCollection && query !== undefined && Number.isFinite(k)) {
        const segments = searchSegments({
          collection: ctx.collection,
          vector: stage.space.name,
          query,
          k,
          predicate: plan.predicate,
          exclude: plan.exclude,
          params: plan.params,
          deadline: ctx.deadline,
          offer,
          presearch: ctx.presearch,
        });
        ctx.onPlan?.({
          collection: ctx.collection.name,
          vector: stage.space.name,
          k,
          filtered: plan.predicate !== undefined,
          segments,
        });
      } else each(offer);
      const hits = top.sorted().map((h) => ({ key: h.key, loc: h.item, score: h.score }));
      if (mmr !== undefined && stage.scoring.kind === 'nearest') {
        const reranked = mmrRerank({
          space: stage.space,
          query: stage.scoring.vector,
          hits,
          diversity: mmr.diversity,
          count: Math.min(wanted, hits.length),
          deadline: ctx.deadline,
        });
        return { hits: cut(reranked, window), publicScore: identityScore };
      }
      return { hits: cut(hits, window), publicScore: scorer.publicScore };
    }
    case 'order_by': {
      const rows: Hit[] = [];
      const asc = stage.direction === 'asc';
      each((loc, key) => {
        let best: number | undefined;
        for (const v of valuesAt(loc.segment.payloads[loc.offset]!, stage.parts)) {
          const value = orderValue(v);
          if (value === undefined) continue;
          if (
            stage.startFrom !== undefined &&
            (asc ? value < stage.startFrom : value > stage.startFrom)
          )
            continue;
          if (best === undefined || (asc ? value < best : value > best)) best = value;
        }
        if (best !== undefined) rows.push({ key, loc, score: 0, orderValue: best });
      });
      const sign = asc ? 1 : -1;
      rows.sort((a, b) =>
        a.orderValue !== b.orderValue
          ? sign * (a.orderValue! - b.orderValue!)
          : comparePointKeys(a.key, b.key),
      );
      return { hits: cut(rows, window), publicScore: identityScore };
    }
    case 'fusion': {
      const fused =
        stage.method === 'rrf'
          ? rrf(
              lists.map((l) => l.hits),
              stage.k,
              stage.weights,
            )
          : dbsf(lists.map((l) => l.hits));
      const kept = fused.filter(
        (h) =>
          !plan.exclude.has(h.key) &&
          (plan.scoreThreshold === undefined || h.score >= plan.scoreThreshold),
      );
      return { hits: cut(kept, window), publicScore: identityScore };
    }
    case 'sample': {
      const all: Hit[] = [];
      each((loc, key) => all.push({ key, loc, score: 0 }));
      // Fisher-Yates: a uniformly random order (random sampling is not meant to repeat).
      for (let i = all.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [all[i], all[j]] = [all[j]!, all[i]!];
      }
      return { hits: cut(all, window), publicScore: identityScore };
    }
    case 'none': {
      if (lists.length > 0) {
        // Without a query the prefetch results pass through as they are (public scores kept).
        const seen = new Set<string>();
        const hits: Hit[] = [];
        for (const list of lists) {
          for (const h of list.hits) {
            if (seen.has(h.key)) continue;
            seen.add(h.key);
            hits.push({ ...h, score: list.publicScore(h.score) });
          }
        }
        return { hits: cut(hits, window), publicScore: identityScore };
      }
      const rows: Hit[] = [];
      each((loc, key) => rows.push({ key, loc, score: 0 }));
      rows.sort(byScore);
      return { hits: cut(rows, window), publicScore: identityScore };
    }
  }
}

/** A payload value usable for ordering: numbers, and RFC 3339 datetimes as epoch ms. */
function orderValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
  }
  return undefined;
}
