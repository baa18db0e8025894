/**
 * Qdrant's wire types, generated from its OpenAPI spec (`npm run gen:schema` writes
 * `qdrant-schema.ts` from `../shared/qdrant-openapi.json`). The embedded API takes and returns
 * exactly these shapes, so code moves between embedded and server without change.
 */
import type { components } from './qdrant-schema.js';

/** All schemas of Qdrant's REST API, by name (`Schemas['Filter']`, `Schemas['ScoredPoint']`, ...). */
export type Schemas = components['schemas'];
