/** The package version, read once from package.json (two levels up from src/ and dist/). */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown'; // a bundled copy without package.json next to it
  }
}

/** `version` of package.json. */
export const QUIVER_VERSION = readVersion();
