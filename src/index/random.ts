/**
 * Seeded pseudo-random numbers (mulberry32: 32-bit state, fast, good enough for level draws).
 * HNSW draws node levels from it so that the same seed and insertion order give a
 * byte-identical graph. The state is one u32, saved with the index.
 */
export class SeededRandom {
  /** The generator's whole state. */
  state: number;

  /** `seed`: any integer; only its low 32 bits are used. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
