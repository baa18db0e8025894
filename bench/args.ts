/** Tiny `--name value` argument parser shared by the benchmarks. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v)) throw new Error(`--${name} needs a number`);
  return v;
}

/** A comma-separated list of numbers, e.g. `--ef 16,32,64`. */
export function listArg(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  return (process.argv[i + 1] ?? '').split(',').map(Number);
}
