/**
 * The quantized vectors of one sealed segment's vector: a trained codec plus every vector's
 * code in a {@link CodeStore}. It is a read-only {@link VectorStore}, so an HNSW index can be
 * built and searched over the codes alone (the originals then need not be in memory at all), and
 * its scorers plug into a search over the originals' index as the traversal scorer.
 *
 * Scores are the codec's estimates of the internal score (higher is better); exact scores come
 * from rescoring with the originals (`quantized-search.ts`).
 */
import type { KernelKind, KernelRequest } from '../kernels/select.js';
import type { Metric } from '../kernels/metric.js';
import type { Scorer, VectorStore } from '../kernels/vector-store.js';
import type { CodeBatch } from '../kernels/code-store.js';
import { CodeStore } from '../kernels/code-store.js';
import { QUANT_KIND } from '../kernels/quant-scalar.js';
import type { Codec, PreparedQuery, QuantizationMethod } from './codec.js';
import { type Steps, finish } from './steps.js';

/** Options for {@link QuantizedVectors.build}. */
export interface BuildCodesOptions {
  /** The trained codec. */
  codec: Codec;
  /** Vectors to encode: row i at `data[base + i * dim ..]`; code i is row i's. */
  data: Float32Array;
  /** Element index of row 0 in `data`. Default 0. */
  base?: number;
  /** Rows (codes) to build; absent rows get an all-zero vector's code. */
  count: number;
  /** Rows that hold a vector (default: all). */
  present?: (row: number) => boolean;
  /** `auto` (default), `simd` or `scalar`. */
  kernels?: KernelRequest;
}

/** See the file comment. */
export class QuantizedVectors implements VectorStore {
  readonly kind: KernelKind;
  readonly dim: number;
  readonly count: number;
  readonly method: QuantizationMethod;
  /** @internal */
  readonly codes: CodeStore;

  private constructor(
    readonly codec: Codec,
    codes: CodeStore,
  ) {
    this.codes = codes;
    this.kind = codes.kind;
    this.dim = codec.dim;
    this.count = codes.count;
    this.method = codec.method;
    codec.writeAux(codes.mem, codes.aux);
  }

  /** Encodes every row of `options.data` with the codec. */
  static build(options: BuildCodesOptions): QuantizedVectors {
    return finish(QuantizedVectors.buildSteps(options));
  }

  /** {@link build} in steps (yields every 1,024 vectors encoded). */
  static *buildSteps(options: BuildCodesOptions): Steps<QuantizedVectors> {
    const { codec, data, count, present } = options;
    const codes = codeStoreFor(codec, count, options.kernels);
    const q = new QuantizedVectors(codec, codes);
    const zero = new Float32Array(codec.dim);
    const f32 = codes.mem.f32;
    for (let i = 0; i < count; i++) {
      const has = present === undefined || present(i);
      const corr = has
        ? codec.encode(data, (options.base ?? 0) + i * codec.dim, codes.code(i))
        : codec.encode(zero, 0, codes.code(i));
      if (codes.corr !== 0) f32[(codes.corr >>> 2) + i] = corr;
      if (i % 1024 === 1023) yield;
    }
    return q;
  }

  /** Restores codes saved by {@link codeBytes}/{@link correctionBytes} (see `quantized-file.ts`). */
  static restore(
    codec: Codec,
    count: number,
    codeBytes: Uint8Array,
    correctionBytes: Uint8Array,
    kernels?: KernelRequest,
  ): QuantizedVectors {
    const codes = codeStoreFor(codec, count, kernels);
    if (codeBytes.length !== count * codec.stride) {
      throw new RangeError(`expected ${count * codec.stride} code bytes, got ${codeBytes.length}`);
    }
    codes.mem.u8.set(codeBytes, codes.base);
    if (codes.corr !== 0) {
      if (correctionBytes.length !== count * 4) {
        throw new RangeError(
          `expected ${count * 4} correction bytes, got ${correctionBytes.length}`,
        );
      }
      codes.mem.u8.set(correctionBytes, codes.corr);
    }
    return new QuantizedVectors(codec, codes);
  }

  /** All codes back to back (a view). */
  codeBytes(): Uint8Array {
    return this.codes.mem.u8.subarray(
      this.codes.base,
      this.codes.base + this.count * this.codec.stride,
    );
  }

  /** The correction terms as bytes (a view; empty when the codec has none). */
  correctionBytes(): Uint8Array {
    const c = this.codes.corr;
    return c === 0 ? new Uint8Array(0) : this.codes.mem.u8.subarray(c, c + this.count * 4);
  }

  /** Bytes per vector held for scoring: the code plus its correction term. */
  get bytesPerVector(): number {
    return this.codec.stride + (this.codec.corrections ? 4 : 0);
  }

  /** Bytes of the codes and corrections (what grows with the point count). */
  get vectorBytes(): number {
    return this.count * this.bytesPerVector;
  }

  /** Bytes of memory held in all: codes, corrections, codec tables and scratch. */
  get memoryBytes(): number {
    return this.codes.byteLength + this.codec.params().length;
  }

  append(): number {
    throw new RangeError('quantized vectors are read-only: they belong to a sealed segment');
  }

  set(): void {
    throw new RangeError('quantized vectors are read-only: they belong to a sealed segment');
  }

  reserve(): void {}

  /** Codes hold no floats: there is no float view (use {@link get} for a reconstruction). */
  view(): { data: Float32Array; base: number } {
    throw new RangeError('quantized vectors hold codes, not floats: use get() to decode one');
  }

  /** The reconstruction of vector `offset` (an approximation of the original). */
  get(offset: number): Float32Array {
    return this.codec.decode(this.codes.code(offset));
  }

  /** A scorer for `metric`, which must be the metric the codec was trained for. */
  scorer(metric: Metric): Scorer {
    if (metric !== this.codec.metric) {
      throw new RangeError(`codes were built for metric ${this.codec.metric}, not ${metric}`);
    }
    return new CodeScorer(this.codes, this.codec);
  }
}

/** Scores prepared queries against codes (one per search; not re-entrant). */
class CodeScorer implements Scorer {
  readonly metric: Metric;
  /** The current query's batch arguments (reused: no allocation per expansion). */
  private readonly batch: CodeBatch;
  /** The same for a stored code used as the query (slot B). */
  private readonly stored: CodeBatch;

  constructor(
    private readonly codes: CodeStore,
    private readonly codec: Codec,
  ) {
    this.metric = codec.metric;
    // Placeholders until setQuery: preparing a query here would cost a PQ table per scorer.
    this.batch = { kind: QUANT_KIND.dotF32I8, n: 0, mul: 0, add: 0, q: codes.queryA, count: 0 };
    this.stored = { kind: QUANT_KIND.dotF32I8, n: 0, mul: 0, add: 0, q: codes.queryB, count: 0 };
  }

  private load(target: CodeBatch, p: PreparedQuery): void {
    target.kind = p.kind;
    target.n = p.n;
    target.mul = p.mul;
    target.add = p.add;
  }

  setQuery(query: Float32Array): void {
    this.load(this.batch, this.codec.prepare(query, this.codes.mem, this.codes.queryA));
  }

  setQueryStored(offset: number): void {
    this.setQuery(this.codec.decode(this.codes.code(offset)));
  }

  /** Prepares the reconstruction of code `offset` in slot B. */
  private loadStored(offset: number): void {
    const v = this.codec.decode(this.codes.code(offset));
    this.load(this.stored, this.codec.prepare(v, this.codes.mem, this.codes.queryB));
  }

  ids(): Uint32Array {
    return this.codes.ids();
  }

  scores(): Float32Array {
    return this.codes.scores();
  }

  scoreBatch(count: number): void {
    this.batch.count = count;
    this.codes.scoreBatch(this.batch);
  }

  scoreBatchFrom(offset: number, count: number): void {
    this.loadStored(offset);
    this.stored.count = count;
    this.codes.scoreBatch(this.stored);
  }

  scoreRange(start: number, count: number): void {
    const ids = this.codes.ids();
    for (let i = 0; i < count; i++) ids[i] = start + i;
    this.scoreBatch(count);
  }

  /** Scores one code through slot 0 of the batch buffers, which it leaves as they were. */
  private one(b: CodeBatch, offset: number): number {
    const ids = this.codes.ids();
    const scores = this.codes.scores();
    const savedId = ids[0]!;
    const savedScore = scores[0]!;
    ids[0] = offset;
    b.count = 1;
    this.codes.scoreBatch(b);
    const s = scores[0]!;
    ids[0] = savedId;
    scores[0] = savedScore;
    return s;
  }

  scoreOne(offset: number): number {
    return this.one(this.batch, offset);
  }

  scorePair(a: number, b: number): number {
    this.loadStored(a);
    return this.one(this.stored, b);
  }
}

/** An empty code store laid out for `codec`'s codes of `count` vectors. */
function codeStoreFor(codec: Codec, count: number, kernels: KernelRequest | undefined): CodeStore {
  return new CodeStore({
    count,
    stride: codec.stride,
    queryBytes: codec.queryBytes,
    auxBytes: codec.auxBytes,
    corrections: codec.corrections,
    kernels,
  });
}
