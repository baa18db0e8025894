/**
 * Quantization work as generators that yield between small steps, so the optimizer can train and
 * encode codes in slices between requests (as it builds graphs), and {@link finish} for callers
 * that want it all at once.
 */

/** Work that yields between steps and returns a `T`. */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` to the end without yielding; returns its result. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}
