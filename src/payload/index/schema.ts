/**
 * Payload index declarations (Qdrant's `PayloadFieldSchema`): a type name (`"keyword"`) or a
 * parameter object (`{ "type": "text", "tokenizer": "word", "lowercase": true }`).
 *
 * {@link parseIndexSchema} validates the wire shape strictly and resolves every default, so an
 * index is built from an {@link IndexSpec} and never reads the wire object again. The wire object
 * itself is what `payload_schema` reports and what the catalog stores.
 */
import {
  checkBool,
  checkEnum,
  checkInt,
  checkKnownFields,
  checkObject,
  checkString,
  checkArray,
  describeValue,
  fail,
  optional,
} from '../../api/check.js';

/** Index types, as Qdrant names them. */
export const INDEX_TYPES = [
  'keyword',
  'integer',
  'float',
  'geo',
  'text',
  'bool',
  'datetime',
  'uuid',
] as const;

/** One of {@link INDEX_TYPES}. */
export type IndexType = (typeof INDEX_TYPES)[number];

/** How a text index cuts a string into tokens. */
export type TokenizerKind = 'word' | 'whitespace' | 'prefix' | 'multilingual';

/** Resolved text index parameters. */
export interface TextIndexParams {
  /** Default `word`: runs of letters and digits. */
  readonly tokenizer: TokenizerKind;
  /** Tokens shorter than this are dropped (default 1; for `prefix`, the shortest prefix). */
  readonly minTokenLen: number;
  /** Tokens longer than this are dropped (`prefix`: the longest prefix); default unbounded. */
  readonly maxTokenLen: number;
  /** Lowercase every token (default `true`). */
  readonly lowercase: boolean;
  /** Fold accented letters to ASCII (`ação` → `acao`; default `false`). */
  readonly asciiFolding: boolean;
  /** Tokens never indexed nor searched (lowercased when `lowercase`). */
  readonly stopwords: ReadonlySet<string>;
}

/** A resolved index declaration: the type and the parameters that change behaviour. */
export type IndexSpec =
  | { readonly type: 'keyword'; readonly isTenant: boolean }
  | { readonly type: 'uuid'; readonly isTenant: boolean }
  | {
      readonly type: 'integer';
      /** Answers `match` conditions (default `true`). */
      readonly lookup: boolean;
      /** Answers `range` conditions (default `true`). */
      readonly range: boolean;
      readonly isPrincipal: boolean;
    }
  | { readonly type: 'float'; readonly isPrincipal: boolean }
  | { readonly type: 'datetime'; readonly isPrincipal: boolean }
  | { readonly type: 'bool' }
  | { readonly type: 'geo' }
  | ({ readonly type: 'text' } & TextIndexParams);

const COMMON = ['type', 'on_disk', 'memory', 'enable_hnsw'];

const FIELDS: Record<IndexType, readonly string[]> = {
  keyword: [...COMMON, 'is_tenant', 'prefix'],
  uuid: [...COMMON, 'is_tenant'],
  integer: [...COMMON, 'lookup', 'range', 'is_principal'],
  float: [...COMMON, 'is_principal'],
  datetime: [...COMMON, 'is_principal'],
  bool: COMMON,
  geo: COMMON,
  text: [
    ...COMMON,
    'tokenizer',
    'min_token_len',
    'max_token_len',
    'lowercase',
    'ascii_folding',
    'phrase_matching',
    'stopwords',
    'stemmer',
  ],
};

const DEFAULT_TEXT: TextIndexParams = {
  tokenizer: 'word',
  minTokenLen: 1,
  maxTokenLen: Number.MAX_SAFE_INTEGER,
  lowercase: true,
  asciiFolding: false,
  stopwords: new Set(),
};

const flag = (raw: unknown, path: string): boolean | undefined =>
  optional(raw, (v) => checkBool(v, path));

/**
 * Validates a `field_schema` and resolves its defaults.
 * @param raw - a type name or a parameter object.
 * @param path - where it sits in the request, for errors (`field_schema`).
 * @throws QuiverError `INVALID_REQUEST` naming the field and what is accepted.
 */
export function parseIndexSchema(raw: unknown, path = 'field_schema'): IndexSpec {
  if (typeof raw === 'string') return resolve(checkEnum(raw, INDEX_TYPES, path), {}, path);
  if (raw === undefined || raw === null) {
    fail(path, `missing field; give a type name (${INDEX_TYPES.join(', ')}) or {"type": ...}`);
  }
  const obj = checkObject(raw, path);
  if (obj.type === undefined) {
    fail(`${path}.type`, `missing field; one of ${INDEX_TYPES.join(', ')}`);
  }
  const type = checkEnum(obj.type, INDEX_TYPES, `${path}.type`);
  checkKnownFields(obj, FIELDS[type], path);
  flag(obj.on_disk, `${path}.on_disk`);
  flag(obj.enable_hnsw, `${path}.enable_hnsw`);
  optional(obj.memory, (v) => checkString(v, `${path}.memory`));
  return resolve(type, obj, path);
}

function resolve(type: IndexType, obj: Record<string, unknown>, path: string): IndexSpec {
  switch (type) {
    case 'keyword':
      flag(obj.prefix, `${path}.prefix`);
      return { type, isTenant: flag(obj.is_tenant, `${path}.is_tenant`) ?? false };
    case 'uuid':
      return { type, isTenant: flag(obj.is_tenant, `${path}.is_tenant`) ?? false };
    case 'integer': {
      const lookup = flag(obj.lookup, `${path}.lookup`) ?? true;
      const range = flag(obj.range, `${path}.range`) ?? true;
      if (!lookup && !range) {
        fail(path, 'an integer index needs lookup or range (or both); set one of them to true');
      }
      return {
        type,
        lookup,
        range,
        isPrincipal: flag(obj.is_principal, `${path}.is_principal`) ?? false,
      };
    }
    case 'float':
    case 'datetime':
      return { type, isPrincipal: flag(obj.is_principal, `${path}.is_principal`) ?? false };
    case 'bool':
    case 'geo':
      return { type };
    case 'text':
      return { type, ...textParams(obj, path) };
  }
}

function textParams(obj: Record<string, unknown>, path: string): TextIndexParams {
  const tokenizer =
    optional(obj.tokenizer, (v) =>
      checkEnum(v, ['word', 'whitespace', 'prefix', 'multilingual'] as const, `${path}.tokenizer`),
    ) ?? DEFAULT_TEXT.tokenizer;
  const minTokenLen =
    optional(obj.min_token_len, (v) => checkInt(v, `${path}.min_token_len`, { min: 1 })) ??
    DEFAULT_TEXT.minTokenLen;
  const maxTokenLen =
    optional(obj.max_token_len, (v) => checkInt(v, `${path}.max_token_len`, { min: 1 })) ??
    DEFAULT_TEXT.maxTokenLen;
  if (maxTokenLen < minTokenLen) {
    fail(
      `${path}.max_token_len`,
      `must be at least min_token_len (${minTokenLen}), got ${maxTokenLen}`,
    );
  }
  const lowercase = flag(obj.lowercase, `${path}.lowercase`) ?? DEFAULT_TEXT.lowercase;
  flag(obj.phrase_matching, `${path}.phrase_matching`);
  if (obj.stemmer != null) {
    const stemmer = checkObject(obj.stemmer, `${path}.stemmer`);
    if (stemmer.type !== 'none') {
      fail(
        `${path}.stemmer`,
        `stemming is not supported, got ${describeValue(stemmer.type)}; omit stemmer or use {"type": "none"}`,
      );
    }
  }
  return {
    tokenizer,
    minTokenLen,
    maxTokenLen,
    lowercase,
    asciiFolding: flag(obj.ascii_folding, `${path}.ascii_folding`) ?? DEFAULT_TEXT.asciiFolding,
    stopwords: stopwords(obj.stopwords, `${path}.stopwords`, lowercase),
  };
}

/** Only a custom stopword set is supported; language lists would need shipped word lists. */
function stopwords(raw: unknown, path: string, lowercase: boolean): ReadonlySet<string> {
  if (raw == null) return new Set();
  const unsupported = (): never =>
    fail(
      path,
      'stopword lists by language are not supported; give {"custom": ["a", "the", ...]} instead',
    );
  if (typeof raw === 'string') return unsupported();
  const obj = checkObject(raw, path);
  checkKnownFields(obj, ['languages', 'custom'], path);
  if (obj.languages != null && checkArray(obj.languages, `${path}.languages`).length > 0) {
    unsupported();
  }
  const words = optional(obj.custom, (v) => checkArray(v, `${path}.custom`)) ?? [];
  return new Set(
    words.map((w, i) => {
      const word = checkString(w, `${path}.custom[${i}]`);
      return lowercase ? word.toLowerCase() : word;
    }),
  );
}
