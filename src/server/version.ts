/** Versions the server reports (`GET /`, `/openapi.json`). */
import { readFileSync } from 'node:fs';

/**
 * The Qdrant API version Quiver implements. Clients compare it with their own version before
 * they talk to a server (`@qdrant/js-client-rest` warns when the minor versions differ by more
 * than one), so it is Qdrant's number, not ours.
 */
export const QDRANT_COMPATIBLE_VERSION = '1.19.0';

/** Quiver's own version, from package.json (src/server and dist/server are both two levels down). */
export const QUIVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
