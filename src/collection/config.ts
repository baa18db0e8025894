/**
 * Collection configuration: validation of Qdrant's `CreateCollection` / `UpdateCollection` bodies
 * and the stored `CollectionConfig` that `getCollection` reports. Sections the engine does not act
 * on yet (quantization, WAL sizing, sharding) are validated with Qdrant's bounds and stored, so
 * clients see their settings echoed back exactly as Qdrant would.
 */
import type { Schemas } from '../api/wire.js';
import {
  checkBool,
  checkEnum,
  checkInt,
  checkKnownFields,
  checkNumber,
  checkObject,
  fail,
  optional,
} from '../api/check.js';
import { toPayload } from '../payload/payload.js';

/** Distance functions, named as Qdrant names them. */
export type Distance = 'Cosine' | 'Euclid' | 'Dot' | 'Manhattan';
export const DISTANCES: readonly Distance[] = ['Cosine', 'Euclid', 'Dot', 'Manhattan'];

/** The unnamed (default) vector's name: Qdrant uses the empty string. */
export const DEFAULT_VECTOR = '';

/** What the engine needs to know about one dense vector of a point. */
export interface VectorSpec {
  /** Vector name; {@link DEFAULT_VECTOR} for the unnamed one. */
  name: string;
  /** Dimension: every vector of this name has exactly this many components. */
  size: number;
  /** How two vectors are compared (sparse vectors: `Dot`). */
  distance: Distance;
  /** Set for a sparse vector (then `size` is 0): its value modifier. */
  sparse?: { modifier: 'idf' | 'none' };
  /**
   * Set for a multivector (Qdrant's `multivector_config`): each point holds one or more vectors
   * of `size` components, compared to a multivector query by `comparator`.
   */
  multivector?: { comparator: 'max_sim' };
}

/** Largest dimension accepted (Qdrant's limit). */
export const MAX_DIMENSION = 65536;

type Field =
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'any' };

/** Checks a flat config section against a field table: known fields only, each of its kind. */
function checkSection(
  raw: unknown,
  fields: Record<string, Field>,
  path: string,
): Record<string, unknown> {
  const obj = checkObject(raw, path, { code: 'INVALID_COLLECTION_CONFIG' });
  checkKnownFields(obj, Object.keys(fields), path, { code: 'INVALID_COLLECTION_CONFIG' });
  const out: Record<string, unknown> = {};
  const opts = { code: 'INVALID_COLLECTION_CONFIG' as const };
  for (const [key, field] of Object.entries(fields)) {
    const value = obj[key];
    if (value === undefined || value === null) continue;
    const p = `${path}.${key}`;
    switch (field.kind) {
      case 'int':
        out[key] = checkInt(value, p, { ...opts, min: field.min, max: field.max });
        break;
      case 'number':
        out[key] = checkNumber(value, p, { ...opts, min: field.min, max: field.max });
        break;
      case 'bool':
        out[key] = checkBool(value, p, opts);
        break;
      case 'enum':
        out[key] = checkEnum(value, field.values, p, opts);
        break;
      case 'any':
        out[key] = value;
        break;
    }
  }
  return out;
}

const HNSW_FIELDS: Record<string, Field> = {
  m: { kind: 'int', min: 0 },
  ef_construct: { kind: 'int', min: 4 },
  full_scan_threshold: { kind: 'int', min: 10 },
  max_indexing_threads: { kind: 'int', min: 0 },
  on_disk: { kind: 'bool' },
  payload_m: { kind: 'int', min: 0 },
  inline_storage: { kind: 'bool' },
};

const OPTIMIZER_FIELDS: Record<string, Field> = {
  deleted_threshold: { kind: 'number', min: 0, max: 1 },
  vacuum_min_vector_number: { kind: 'int', min: 100 },
  default_segment_number: { kind: 'int', min: 0 },
  max_segment_size: { kind: 'int', min: 1 },
  memmap_threshold: { kind: 'int', min: 0 },
  indexing_threshold: { kind: 'int', min: 0 },
  flush_interval_sec: { kind: 'int', min: 0 },
  max_optimization_threads: { kind: 'any' },
  prevent_unoptimized: { kind: 'bool' },
};

const WAL_FIELDS: Record<string, Field> = {
  wal_capacity_mb: { kind: 'int', min: 1 },
  wal_segments_ahead: { kind: 'int', min: 0 },
  wal_retain_closed: { kind: 'int', min: 0 },
};

/** Qdrant's defaults, reported by `getCollection` for every field the caller left out. */
export const DEFAULT_HNSW: Schemas['HnswConfig'] = {
  m: 16,
  ef_construct: 100,
  full_scan_threshold: 10000,
  max_indexing_threads: 0,
  on_disk: false,
};
export const DEFAULT_OPTIMIZER: Schemas['OptimizersConfig'] = {
  deleted_threshold: 0.2,
  vacuum_min_vector_number: 1000,
  default_segment_number: 0,
  max_segment_size: null,
  memmap_threshold: null,
  indexing_threshold: 10000,
  flush_interval_sec: 5,
  max_optimization_threads: null,
};
export const DEFAULT_WAL: Schemas['WalConfig'] = {
  wal_capacity_mb: 32,
  wal_segments_ahead: 0,
  wal_retain_closed: 1,
};

function checkQuantization(raw: unknown, path: string): Schemas['QuantizationConfig'] {
  const obj = checkObject(raw, path, { code: 'INVALID_COLLECTION_CONFIG' });
  const keys = Object.keys(obj);
  if (keys.length !== 1 || !['scalar', 'product', 'binary'].includes(keys[0] ?? '')) {
    fail(path, 'expected exactly one of "scalar", "product" or "binary"', {
      code: 'INVALID_COLLECTION_CONFIG',
    });
  }
  const memory: Field = { kind: 'enum', values: ['ram', 'cached', 'on_disk'] };
  if (obj.scalar !== undefined) {
    const scalar = checkSection(
      obj.scalar,
      {
        type: { kind: 'enum', values: ['int8'] },
        quantile: { kind: 'number', min: 0.5, max: 1 },
        always_ram: { kind: 'bool' },
        memory,
      },
      `${path}.scalar`,
    );
    if (scalar.type === undefined) {
      fail(`${path}.scalar.type`, 'missing field; set "type": "int8"', {
        code: 'INVALID_COLLECTION_CONFIG',
      });
    }
    return { scalar } as Schemas['QuantizationConfig'];
  }
  if (obj.product !== undefined) {
    const product = checkSection(
      obj.product,
      {
        compression: { kind: 'enum', values: ['x4', 'x8', 'x16', 'x32', 'x64'] },
        always_ram: { kind: 'bool' },
        memory,
      },
      `${path}.product`,
    );
    if (product.compression === undefined) {
      fail(`${path}.product.compression`, 'missing field; one of "x4", "x8", "x16", "x32", "x64"', {
        code: 'INVALID_COLLECTION_CONFIG',
      });
    }
    return { product } as Schemas['QuantizationConfig'];
  }
  const binary = checkSection(
    obj.binary,
    {
      always_ram: { kind: 'bool' },
      memory,
      encoding: { kind: 'enum', values: ['one_bit', 'two_bits', 'one_and_half_bits'] },
      query_encoding: { kind: 'enum', values: ['default', 'binary', 'scalar4bits', 'scalar8bits'] },
    },
    `${path}.binary`,
  );
  return { binary } as Schemas['QuantizationConfig'];
}

function checkVectorParams(raw: unknown, path: string): Schemas['VectorParams'] {
  const obj = checkObject(raw, path, { code: 'INVALID_COLLECTION_CONFIG' });
  const code = 'INVALID_COLLECTION_CONFIG' as const;
  checkKnownFields(
    obj,
    [
      'size',
      'distance',
      'hnsw_config',
      'quantization_config',
      'on_disk',
      'memory',
      'datatype',
      'multivector_config',
    ],
    path,
    { code },
  );
  if (obj.size === undefined)
    fail(`${path}.size`, 'missing field; set the vector dimension', { code });
  if (obj.distance === undefined) {
    fail(`${path}.distance`, `missing field; one of ${DISTANCES.join(', ')}`, { code });
  }
  const params: Schemas['VectorParams'] = {
    size: checkInt(obj.size, `${path}.size`, { code, min: 1, max: MAX_DIMENSION }),
    distance: checkEnum(obj.distance, DISTANCES, `${path}.distance`, { code }),
  };
  const hnsw = optional(obj.hnsw_config, (v) =>
    checkSection(v, HNSW_FIELDS, `${path}.hnsw_config`),
  );
  if (hnsw !== undefined) params.hnsw_config = hnsw;
  const quant = optional(obj.quantization_config, (v) =>
    checkQuantization(v, `${path}.quantization_config`),
  );
  if (quant !== undefined) params.quantization_config = quant;
  const onDisk = optional(obj.on_disk, (v) => checkBool(v, `${path}.on_disk`, { code }));
  if (onDisk !== undefined) params.on_disk = onDisk;
  const datatype = optional(obj.datatype, (v) =>
    checkEnum(v, ['float32', 'uint8', 'float16'] as const, `${path}.datatype`, { code }),
  );
  if (datatype !== undefined) params.datatype = datatype;
  const multivector = optional(obj.multivector_config, (v) =>
    checkSection(
      v,
      { comparator: { kind: 'enum', values: ['max_sim'] } },
      `${path}.multivector_config`,
    ),
  );
  if (multivector !== undefined) {
    if (multivector.comparator === undefined) {
      fail(`${path}.multivector_config.comparator`, 'missing field; use "max_sim"', { code });
    }
    params.multivector_config = multivector as Schemas['MultiVectorConfig'];
  }
  return params;
}

/** Parses Qdrant's `sparse_vectors` map (`{name: {index?, modifier?}}`). */
function checkSparseVectorsConfig(
  raw: unknown,
  path: string,
  dense: Schemas['VectorsConfig'],
): Record<string, Schemas['SparseVectorParams']> {
  const code = 'INVALID_COLLECTION_CONFIG' as const;
  const obj = checkObject(raw, path, { code });
  const denseNames = vectorSpecs(dense).map((s) => s.name);
  const out: Record<string, Schemas['SparseVectorParams']> = {};
  for (const [name, value] of Object.entries(obj)) {
    const p = `${path}.${name}`;
    if (name === '') fail(path, 'a sparse vector name must not be empty', { code });
    if (denseNames.includes(name)) {
      fail(p, `"${name}" is already a dense vector name; give the sparse vector another name`, {
        code,
      });
    }
    const params = checkSection(
      value ?? {},
      { index: { kind: 'any' }, modifier: { kind: 'enum', values: ['idf', 'none'] } },
      p,
    );
    const entry: Schemas['SparseVectorParams'] = {};
    if (params.index !== undefined) {
      entry.index = checkSection(
        params.index,
        {
          full_scan_threshold: { kind: 'int', min: 0 },
          on_disk: { kind: 'bool' },
          datatype: { kind: 'enum', values: ['float32', 'uint8', 'float16'] },
          memory: { kind: 'any' },
        },
        `${p}.index`,
      );
    }
    if (params.modifier !== undefined) entry.modifier = params.modifier as 'idf' | 'none';
    out[name] = entry;
  }
  return out;
}

/** The sparse vectors a `sparse_vectors` map declares, by name. */
export function sparseSpecs(
  sparse: Record<string, Schemas['SparseVectorParams']> | null | undefined,
): VectorSpec[] {
  return Object.entries(sparse ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, p]) => ({
      name,
      size: 0,
      distance: 'Dot' as const,
      sparse: { modifier: p.modifier === 'idf' ? ('idf' as const) : ('none' as const) },
    }));
}

/** Parses Qdrant's `VectorsConfig`: one unnamed `VectorParams` or a map of named ones. */
export function checkVectorsConfig(raw: unknown, path: string): Schemas['VectorsConfig'] {
  const obj = checkObject(raw, path, { code: 'INVALID_COLLECTION_CONFIG' });
  if ('size' in obj || 'distance' in obj) return checkVectorParams(obj, path);
  const out: Record<string, Schemas['VectorParams']> = {};
  for (const [name, params] of Object.entries(obj)) {
    if (name === '') {
      fail(path, 'a vector name must not be empty', { code: 'INVALID_COLLECTION_CONFIG' });
    }
    out[name] = checkVectorParams(params, `${path}.${name}`);
  }
  return out;
}

/** The spec of one dense (or multi-) vector. */
function denseSpec(name: string, p: Schemas['VectorParams']): VectorSpec {
  const spec: VectorSpec = { name, size: p.size, distance: p.distance };
  if (p.multivector_config != null) spec.multivector = { comparator: 'max_sim' };
  return spec;
}

/** The dense vectors a `VectorsConfig` declares, unnamed first, then by name. */
export function vectorSpecs(vectors: Schemas['VectorsConfig']): VectorSpec[] {
  if (typeof (vectors as Schemas['VectorParams']).size === 'number') {
    return [denseSpec(DEFAULT_VECTOR, vectors as Schemas['VectorParams'])];
  }
  return Object.entries(vectors as Record<string, Schemas['VectorParams']>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, p]) => denseSpec(name, p));
}

const CREATE_FIELDS = [
  'vectors',
  'shard_number',
  'sharding_method',
  'replication_factor',
  'write_consistency_factor',
  'on_disk_payload',
  'payload',
  'hnsw_config',
  'wal_config',
  'optimizers_config',
  'quantization_config',
  'sparse_vectors',
  'strict_mode_config',
  'metadata',
] as const;

/**
 * Validates a `CreateCollection` body and returns the full `CollectionConfig` to store, with
 * Qdrant's defaults filled in.
 * @throws QuiverError `INVALID_COLLECTION_CONFIG` naming the field.
 */
export function createCollectionConfig(raw: unknown): Schemas['CollectionConfig'] {
  const code = 'INVALID_COLLECTION_CONFIG' as const;
  const body = checkObject(raw ?? {}, '', { code });
  checkKnownFields(body, CREATE_FIELDS, '', { code });
  const vectors =
    body.vectors === undefined || body.vectors === null
      ? {}
      : checkVectorsConfig(body.vectors, 'vectors');
  const sparseVectors = optional(body.sparse_vectors, (v) =>
    checkSparseVectorsConfig(v, 'sparse_vectors', vectors),
  );
  const params: Schemas['CollectionParams'] = {
    vectors,
    shard_number:
      optional(body.shard_number, (v) => checkInt(v, 'shard_number', { code, min: 1 })) ?? 1,
    replication_factor:
      optional(body.replication_factor, (v) =>
        checkInt(v, 'replication_factor', { code, min: 1 }),
      ) ?? 1,
    write_consistency_factor:
      optional(body.write_consistency_factor, (v) =>
        checkInt(v, 'write_consistency_factor', { code, min: 1 }),
      ) ?? 1,
    on_disk_payload:
      optional(body.on_disk_payload, (v) => checkBool(v, 'on_disk_payload', { code })) ?? true,
  };
  if (sparseVectors !== undefined) params.sparse_vectors = sparseVectors;
  const sharding = optional(body.sharding_method, (v) =>
    checkEnum(v, ['auto', 'custom'] as const, 'sharding_method', { code }),
  );
  if (sharding !== undefined) params.sharding_method = sharding;
  const config: Schemas['CollectionConfig'] = {
    params,
    hnsw_config: {
      ...DEFAULT_HNSW,
      ...optional(body.hnsw_config, (v) => checkSection(v, HNSW_FIELDS, 'hnsw_config')),
    },
    optimizer_config: {
      ...DEFAULT_OPTIMIZER,
      ...optional(body.optimizers_config, (v) =>
        checkSection(v, OPTIMIZER_FIELDS, 'optimizers_config'),
      ),
    },
    wal_config: {
      ...DEFAULT_WAL,
      ...optional(body.wal_config, (v) => checkSection(v, WAL_FIELDS, 'wal_config')),
    },
    quantization_config:
      optional(body.quantization_config, (v) => checkQuantization(v, 'quantization_config')) ??
      null,
  };
  if (body.strict_mode_config !== undefined && body.strict_mode_config !== null) {
    config.strict_mode_config = checkObject(body.strict_mode_config, 'strict_mode_config', {
      code,
    });
  }
  if (body.metadata !== undefined && body.metadata !== null) {
    config.metadata = toPayload(body.metadata, 'metadata');
  }
  return config;
}

const UPDATE_FIELDS = [
  'vectors',
  'optimizers_config',
  'params',
  'hnsw_config',
  'quantization_config',
  'sparse_vectors',
  'strict_mode_config',
  'metadata',
] as const;

/**
 * Applies an `UpdateCollection` (PATCH) body to a stored config and returns the new config; the
 * input is not modified, so a failed update changes nothing.
 * @throws QuiverError `INVALID_COLLECTION_CONFIG` naming the field.
 */
export function updateCollectionConfig(
  current: Schemas['CollectionConfig'],
  raw: unknown,
): Schemas['CollectionConfig'] {
  const code = 'INVALID_COLLECTION_CONFIG' as const;
  const body = checkObject(raw ?? {}, '', { code });
  checkKnownFields(body, UPDATE_FIELDS, '', { code });
  const next = structuredClone(current);
  if (body.vectors !== undefined && body.vectors !== null) {
    const diff = checkObject(body.vectors, 'vectors', { code });
    const specs = vectorSpecs(next.params.vectors ?? {});
    for (const [name, rawParams] of Object.entries(diff)) {
      const path = `vectors.${name === '' ? '""' : name}`;
      if (!specs.some((s) => s.name === name)) {
        fail(
          path,
          `collection has no vector named "${name}"; existing: ${specs.map((s) => `"${s.name}"`).join(', ')}`,
          {
            code,
          },
        );
      }
      const p = checkSection(
        rawParams,
        {
          hnsw_config: { kind: 'any' },
          quantization_config: { kind: 'any' },
          on_disk: { kind: 'bool' },
          memory: { kind: 'any' },
        },
        path,
      );
      const target = (
        name === DEFAULT_VECTOR
          ? next.params.vectors
          : (next.params.vectors as Record<string, Schemas['VectorParams']>)[name]
      ) as Schemas['VectorParams'];
      if (p.hnsw_config !== undefined) {
        target.hnsw_config = {
          ...(target.hnsw_config as Record<string, unknown> | undefined),
          ...checkSection(p.hnsw_config, HNSW_FIELDS, `${path}.hnsw_config`),
        };
      }
      if (p.quantization_config !== undefined) {
        target.quantization_config = checkQuantization(
          p.quantization_config,
          `${path}.quantization_config`,
        );
      }
      if (p.on_disk !== undefined) target.on_disk = p.on_disk as boolean;
    }
  }
  if (body.optimizers_config != null) {
    Object.assign(
      next.optimizer_config,
      checkSection(body.optimizers_config, OPTIMIZER_FIELDS, 'optimizers_config'),
    );
  }
  if (body.hnsw_config != null) {
    Object.assign(next.hnsw_config, checkSection(body.hnsw_config, HNSW_FIELDS, 'hnsw_config'));
  }
  if (body.params != null) {
    const p = checkSection(
      body.params,
      {
        replication_factor: { kind: 'int', min: 1 },
        write_consistency_factor: { kind: 'int', min: 1 },
        read_fan_out_factor: { kind: 'int', min: 0 },
        read_fan_out_delay_ms: { kind: 'int', min: 0 },
        on_disk_payload: { kind: 'bool' },
      },
      'params',
    );
    Object.assign(next.params, p);
  }
  if (body.quantization_config !== undefined) {
    next.quantization_config =
      body.quantization_config === null || body.quantization_config === 'Disabled'
        ? null
        : checkQuantization(body.quantization_config, 'quantization_config');
  }
  if (body.sparse_vectors != null) {
    const diff = checkSparseVectorsConfig(body.sparse_vectors, 'sparse_vectors', {});
    const current = next.params.sparse_vectors ?? {};
    for (const [name, p] of Object.entries(diff)) {
      if (current[name] === undefined) {
        fail(`sparse_vectors.${name}`, `collection has no sparse vector named "${name}"`, { code });
      }
      current[name] = { ...current[name], ...p };
    }
  }
  if (body.strict_mode_config != null) {
    next.strict_mode_config = {
      ...(next.strict_mode_config as Record<string, unknown> | undefined),
      ...checkObject(body.strict_mode_config, 'strict_mode_config', { code }),
    };
  }
  if (body.metadata != null) {
    next.metadata = {
      ...(next.metadata as Record<string, unknown> | undefined),
      ...toPayload(body.metadata, 'metadata'),
    };
  }
  return next;
}

/** Collection names as Qdrant allows them: 1 to 255 characters, none of `<>:"/\|?*`, NUL or 0x1F. */
export function checkCollectionName(raw: unknown, path = 'collection_name'): string {
  if (typeof raw !== 'string') {
    fail(path, `expected a collection name string, got ${typeof raw}`, {
      code: 'INVALID_COLLECTION_NAME',
    });
  }
  if (raw.length < 1 || raw.length > 255) {
    fail(path, `collection name must be 1 to 255 characters long, got ${raw.length}`, {
      code: 'INVALID_COLLECTION_NAME',
    });
  }
  // eslint-disable-next-line no-control-regex
  const bad = /[<>:"/\\|?*\u0000\u001f]/.exec(raw);
  if (bad !== null) {
    fail(
      path,
      `collection name "${raw}" contains the forbidden character ${JSON.stringify(bad[0])}; avoid < > : " / \\ | ? * and control characters`,
      {
        code: 'INVALID_COLLECTION_NAME',
      },
    );
  }
  return raw;
}

/** Every vector of a collection: dense ones (unnamed first, then by name), then sparse ones. */
export function collectionSpecs(config: Schemas['CollectionConfig']): VectorSpec[] {
  return [
    ...vectorSpecs(config.params.vectors ?? {}),
    ...sparseSpecs(config.params.sparse_vectors),
  ];
}
