/**
 * Metrics the kernels compute. Internally a higher score is always better: `dot` is used as is,
 * `l2` (squared Euclidean) and `l1` (Manhattan) are negated.
 */

/** A distance metric: `dot` (inner product), `l2` (squared Euclidean), `l1` (Manhattan). */
export type Metric = 'dot' | 'l2' | 'l1';

/** The numeric code the WASM kernels take for each metric (stable: also used in files). */
export const METRIC_CODE: Readonly<Record<Metric, number>> = { dot: 0, l2: 1, l1: 2 };

/** The metric for a code read from a file or the WASM side, or undefined for an unknown code. */
export function metricFromCode(code: number): Metric | undefined {
  switch (code) {
    case 0:
      return 'dot';
    case 1:
      return 'l2';
    case 2:
      return 'l1';
    default:
      return undefined;
  }
}
