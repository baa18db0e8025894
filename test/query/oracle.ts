// Exact scores computed here from the textbook formulas (never from the code under test).
export type Dist = 'Cosine' | 'Euclid' | 'Dot' | 'Manhattan';

export const f32 = (v: readonly number[]): number[] => Array.from(new Float32Array(v));

export function normalise(v: readonly number[]): number[] {
  const n = Math.sqrt(v.reduce((s, t) => s + t * t, 0));
  return n === 0 ? [...v] : f32(v.map((t) => t / n));
}

/** Qdrant's public score of two vectors. */
export function publicScore(d: Dist, a: readonly number[], b: readonly number[]): number {
  let x = f32(a);
  let y = f32(b);
  if (d === 'Cosine') {
    x = normalise(x);
    y = normalise(y);
  }
  switch (d) {
    case 'Cosine':
    case 'Dot':
      return x.reduce((s, t, i) => s + t * y[i]!, 0);
    case 'Euclid':
      return Math.sqrt(x.reduce((s, t, i) => s + (t - y[i]!) ** 2, 0));
    case 'Manhattan':
      return x.reduce((s, t, i) => s + Math.abs(t - y[i]!), 0);
  }
}

/** Qdrant's raw similarity (higher is better; Euclid: negated squared distance). */
export function rawSim(d: Dist, a: readonly number[], b: readonly number[]): number {
  const s = publicScore(d, a, b);
  return d === 'Euclid' ? -(s * s) : d === 'Manhattan' ? -s : s;
}

export const sigmoid = (x: number): number => 0.5 * (x / (1 + Math.abs(x)) + 1);

export function close(a: number, b: number, eps = 1e-4): boolean {
  return Math.abs(a - b) <= eps * Math.max(1, Math.abs(a), Math.abs(b));
}

/** A deterministic small-integer generator (ties are common). */
export function lcg(seed: number, spread = 7): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) % spread) - Math.floor(spread / 2);
}

/** Best-first order of (id, score) for a distance's public scores, ties by id. */
export function rank<T extends { id: number; score: number }>(
  rows: T[],
  smallerIsBetter = false,
): T[] {
  return [...rows].sort((a, b) =>
    a.score !== b.score ? (smallerIsBetter ? a.score - b.score : b.score - a.score) : a.id - b.id,
  );
}

export const fastSigmoidOf = (x: number): number => x / (1 + Math.abs(x));
