import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Metric } from '../../src/kernels/metric.js';
import { SimdKernels } from '../../src/kernels/simd.js';
import { dotF32I8, hamming64 } from '../../src/kernels/quant-scalar.js';
import { BinaryCodec } from '../../src/quantization/binary-codec.js';
import { ProductCodec, trainProduct } from '../../src/quantization/product-codec.js';
import type { QuantizationSpec } from '../../src/quantization/spec.js';
import { quantize } from '../../src/quantization/spec.js';
import { QuantizedVectors } from '../../src/quantization/quantized-vectors.js';
import { ScalarCodec, trainScalar } from '../../src/quantization/scalar-codec.js';
import { clusteredData, exactScore, uniformData } from '../index/fixtures.js';

const simd = SimdKernels.create();
const METRICS: Metric[] = ['dot', 'l2', 'l1'];

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tol ${tol})`);
}

test('f32 x i8 dot and u64 Hamming: SIMD equals the scalar reference', () => {
  assert.ok(simd);
  const input = fc.integer({ min: 0, max: 300 }).chain((dim) =>
    fc.record({
      q: fc.float32Array({ minLength: dim, maxLength: dim, noNaN: true, min: -10, max: 10 }),
      c: fc.int8Array({ minLength: dim, maxLength: dim }),
      a: fc.uint32Array({ minLength: 2 * dim, maxLength: 2 * dim }),
      b: fc.uint32Array({ minLength: 2 * dim, maxLength: 2 * dim }),
    }),
  );
  fc.assert(
    fc.property(input, ({ q, c, a, b }) => {
      const n = q.length;
      let abs = 0;
      for (let i = 0; i < n; i++) abs += Math.abs(q[i]! * c[i]!);
      close(simd.dotF32I8(q, 0, c, 0, n), dotF32I8(q, 0, c, 0, n), 1e-5 * abs + 1e-6, 'dot');
      assert.equal(simd.hamming64(a, 0, b, 0, n), hamming64(a, 0, b, 0, n));
    }),
    { numRuns: 200 },
  );
});

const SPECS: QuantizationSpec[] = [
  { method: 'scalar', quantile: 1, alwaysRam: false },
  { method: 'binary', alwaysRam: false },
  { method: 'product', compression: 'x8', alwaysRam: false },
];

test('code scoring: SIMD and scalar stores agree for every method and metric', () => {
  const dim = 37;
  const n = 120;
  const data = uniformData(n, dim, 3);
  const query = uniformData(1, dim, 4);
  const ids = [0, 5, 119, 64, 64, 7, 33];
  for (const spec of SPECS) {
    for (const metric of METRICS) {
      const set = { dim, count: n, data };
      const a = quantize({ spec, metric, set, kernels: 'simd' });
      const b = quantize({ spec, metric, set, kernels: 'scalar' });
      assert.equal(a.kind, 'simd');
      assert.equal(b.kind, 'scalar');
      assert.deepEqual(a.codeBytes(), b.codeBytes());
      const sa = a.scorer(metric);
      const sb = b.scorer(metric);
      sa.setQuery(query);
      sb.setQuery(query);
      sa.ids().set(ids);
      sb.ids().set(ids);
      sa.scoreBatch(ids.length);
      sb.scoreBatch(ids.length);
      for (let i = 0; i < ids.length; i++) {
        const what = `${spec.method} ${metric} id ${ids[i]}`;
        close(sa.scores()[i]!, sb.scores()[i]!, 1e-3, what);
        close(sa.scoreOne(ids[i]!), sa.scores()[i]!, 1e-6, `${what} scoreOne`);
      }
    }
  }
});

test('int8 reconstruction error per dimension is at most range / 255 / 2', () => {
  const input = fc.record({
    dim: fc.integer({ min: 1, max: 40 }),
    count: fc.integer({ min: 1, max: 40 }),
    perDimension: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e6 }),
    scale: fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
  });
  fc.assert(
    fc.property(input, ({ dim, count, perDimension, seed, scale }) => {
      const data = uniformData(count, dim, seed).map((x, i) => x * scale * (1 + (i % dim)));
      const params = trainScalar({ dim, count, data }, { perDimension });
      const codec = new ScalarCodec('dot', params);
      const code = new Uint8Array(dim);
      let gmin = Infinity;
      let gmax = -Infinity;
      for (const x of data) {
        gmin = Math.min(gmin, x);
        gmax = Math.max(gmax, x);
      }
      for (let r = 0; r < count; r++) {
        code.fill(0);
        codec.encode(data, r * dim, code);
        const back = codec.decode(code);
        for (let d = 0; d < dim; d++) {
          let lo = gmin;
          let hi = gmax;
          if (perDimension) {
            lo = Infinity;
            hi = -Infinity;
            for (let i = 0; i < count; i++) {
              lo = Math.min(lo, data[i * dim + d]!);
              hi = Math.max(hi, data[i * dim + d]!);
            }
          }
          const bound = (hi - lo) / 255 / 2;
          const err = Math.abs(back[d]! - data[r * dim + d]!);
          assert.ok(err <= bound * 1.001 + 1e-6 * Math.abs(hi), `dim ${d}: ${err} > ${bound}`);
        }
      }
    }),
    { numRuns: 100 },
  );
});

test('int8 quantile bounds clip outliers and keep the bulk inside', () => {
  const dim = 4;
  const count = 1000;
  const data = uniformData(count, dim, 9);
  data[7] = 1000; // one outlier in dimension 3
  const full = trainScalar({ dim, count, data }, { quantile: 1 });
  const clipped = trainScalar({ dim, count, data }, { quantile: 0.99 });
  assert.ok(full.step[3]! > 1, 'the outlier stretches the full range');
  assert.ok(clipped.step[3]! < 0.01, 'the 0.99 quantile ignores it');
  assert.throws(() => trainScalar({ dim, count, data }, { quantile: 0.4 }), /quantile/);
  assert.throws(
    () => trainScalar({ dim, count, data }, { mode: 'symmetric' }),
    /symmetric scalar quantization needs perDimension: false/,
  );
});

/** The code score must equal the exact score against the reconstruction (the codec's math). */
function checkAgainstReconstruction(q: QuantizedVectors, metric: Metric, query: Float32Array) {
  const scorer = q.scorer(metric);
  scorer.setQuery(query);
  for (let i = 0; i < q.count; i += 7) {
    const rec = q.get(i);
    const expected = exactScore(metric, query, 0, rec, 0, q.dim);
    close(scorer.scoreOne(i), expected, 1e-3 * (1 + Math.abs(expected)), `${metric} ${i}`);
  }
}

test('asymmetric int8 and PQ scores equal exact scores against the reconstruction', () => {
  const dim = 24;
  const count = 300;
  const data = clusteredData(count, dim, 5, 1, 2);
  const query = clusteredData(1, dim, 5, 1, 99);
  for (const metric of METRICS) {
    for (const kernels of ['simd', 'scalar'] as const) {
      const set = { dim, count, data };
      const scalarQ = QuantizedVectors.build({
        codec: new ScalarCodec(metric, trainScalar(set)),
        data,
        count,
        kernels,
      });
      checkAgainstReconstruction(scalarQ, metric, query);
      const pq = QuantizedVectors.build({
        codec: new ProductCodec(metric, dim, trainProduct(set, { compression: 'x16' })),
        data,
        count,
        kernels,
      });
      checkAgainstReconstruction(pq, metric, query);
    }
  }
});

test('symmetric int8 scores equal exact scores between the two reconstructions', () => {
  const dim = 20;
  const count = 100;
  const data = uniformData(count, dim, 12);
  const query = uniformData(1, dim, 13);
  const params = trainScalar({ dim, count, data }, { perDimension: false, mode: 'symmetric' });
  for (const metric of ['dot', 'l2'] as const) {
    const codec = new ScalarCodec(metric, params);
    const q = QuantizedVectors.build({ codec, data, count });
    const code = new Uint8Array(dim);
    codec.encode(query, 0, code);
    const qRec = codec.decode(code);
    const scorer = q.scorer(metric);
    scorer.setQuery(query);
    for (let i = 0; i < count; i += 9) {
      const expected = exactScore(metric, qRec, 0, q.get(i), 0, dim);
      close(scorer.scoreOne(i), expected, 1e-3, `${metric} ${i}`);
    }
  }
});

test('PQ error is finite and falls as centroids grow; training is reproducible', () => {
  const dim = 16;
  const count = 600;
  const data = clusteredData(count, dim, 40, 5, 6);
  const set = { dim, count, data };
  let previous = Infinity;
  for (const centroids of [2, 8, 32, 128]) {
    const codec = new ProductCodec('l2', dim, trainProduct(set, { compression: 'x16', centroids }));
    const code = new Uint8Array(codec.stride);
    let mse = 0;
    for (let r = 0; r < count; r++) {
      codec.encode(data, r * dim, code);
      const back = codec.decode(code);
      for (let d = 0; d < dim; d++) mse += (back[d]! - data[r * dim + d]!) ** 2;
    }
    mse /= count * dim;
    assert.ok(Number.isFinite(mse), `${centroids}: finite`);
    assert.ok(mse < previous, `${centroids} centroids: mse ${mse} < ${previous}`);
    previous = mse;
  }
  const a = trainProduct(set, { compression: 'x8', seed: 5 });
  const b = trainProduct(set, { compression: 'x8', seed: 5 });
  assert.deepEqual(a.codebooks, b.codebooks);
  // A dimension that is not a multiple of the sub-vector width is padded.
  const odd = trainProduct(
    { dim: 7, count: 50, data: uniformData(50, 7, 1) },
    { compression: 'x16' },
  );
  assert.equal(odd.m, 2);
});

test('binary Hamming order is the order of sign agreement', () => {
  const input = fc.record({
    dim: fc.integer({ min: 1, max: 200 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
  });
  fc.assert(
    fc.property(input, ({ dim, seed }) => {
      const count = 20;
      const data = uniformData(count, dim, seed);
      const query = uniformData(1, dim, seed + 1);
      const q = QuantizedVectors.build({ codec: new BinaryCodec('dot', dim), data, count });
      const scorer = q.scorer('dot');
      scorer.setQuery(query);
      const agreement: number[] = [];
      const code: number[] = [];
      for (let r = 0; r < count; r++) {
        let agree = 0;
        for (let d = 0; d < dim; d++) if (data[r * dim + d]! > 0 === query[d]! > 0) agree++;
        agreement.push(agree);
        code.push(scorer.scoreOne(r));
        close(code[r]!, (2 * agree - dim) / dim, 1e-5, `row ${r}`);
      }
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < count; j++) {
          if (agreement[i]! > agreement[j]!) assert.ok(code[i]! > code[j]!);
        }
      }
    }),
    { numRuns: 50 },
  );
});

test('codes use the advertised bytes per vector', () => {
  const dim = 128;
  const count = 10;
  const set = { dim, count, data: uniformData(count, dim, 1) };
  const bytes = (spec: QuantizationSpec, metric: Metric = 'dot') =>
    quantize({ spec, metric, set }).bytesPerVector;
  assert.equal(bytes(SPECS[0]!), 128);
  assert.equal(bytes(SPECS[0]!, 'l2'), 132);
  assert.equal(bytes(SPECS[1]!), 16);
  assert.equal(bytes({ method: 'product', compression: 'x16', alwaysRam: false }), 32);
  assert.equal(bytes({ method: 'product', compression: 'x64', alwaysRam: false }), 8);
});

test('quantized vectors round-trip through their file; damage is refused', async () => {
  const { decodeQuantizedFile, encodeQuantizedFile } =
    await import('../../src/quantization/quantized-file.js');
  const dim = 21;
  const count = 50;
  const data = uniformData(count, dim, 8);
  const query = uniformData(1, dim, 9);
  for (const spec of SPECS) {
    for (const metric of METRICS) {
      const q = quantize({ spec, metric, set: { dim, count, data } });
      const bytes = encodeQuantizedFile(q);
      const back = decodeQuantizedFile(bytes, '/x.qqnt');
      assert.equal(back.method, q.method);
      assert.deepEqual(back.codeBytes(), q.codeBytes());
      assert.deepEqual(back.correctionBytes(), q.correctionBytes());
      const a = q.scorer(metric);
      const b = back.scorer(metric);
      a.setQuery(query);
      b.setQuery(query);
      for (let i = 0; i < count; i += 5) assert.equal(a.scoreOne(i), b.scoreOne(i));
      const damaged = bytes.slice();
      damaged[damaged.length - 1]! ^= 1;
      assert.throws(
        () => decodeQuantizedFile(damaged, '/x.qqnt'),
        (e: Error & { code?: string }) => e.code === 'CORRUPT_DATA' && /\/x\.qqnt/.test(e.message),
      );
    }
  }
});

test('qscore_batch: SIMD and scalar agree on random codes, queries, kinds and corrections', async () => {
  const { CodeStore } = await import('../../src/kernels/code-store.js');
  const { QUANT_KIND } = await import('../../src/kernels/quant-scalar.js');
  const kinds = Object.values(QUANT_KIND);
  const input = fc.record({
    kind: fc.constantFrom(...kinds),
    n: fc.integer({ min: 1, max: 70 }),
    count: fc.integer({ min: 1, max: 12 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
    mul: fc.double({ min: -4, max: 4, noNaN: true }),
    add: fc.double({ min: -4, max: 4, noNaN: true }),
    corrections: fc.boolean(),
  });
  fc.assert(
    fc.property(input, ({ kind, n, count, seed, mul, add, corrections }) => {
      // Bytes per code and per query for each kind, as the codecs lay them out.
      const stride = kind === QUANT_KIND.hamming64 ? n * 8 : n;
      const queryBytes =
        kind === QUANT_KIND.adc ? n * 1024 : kind === QUANT_KIND.hamming64 ? n * 8 : n * 4;
      const make = (kernels: 'simd' | 'scalar') =>
        new CodeStore({ count, stride, queryBytes, auxBytes: n * 4, corrections, kernels });
      const a = make('simd');
      const b = make('scalar');
      assert.equal(a.kind, 'simd');
      const fill = (store: InstanceType<typeof CodeStore>) => {
        const rnd = uniformData(1, queryBytes + stride * count + n + count, seed);
        let r = 0;
        const next = () => rnd[r++]!;
        const f = store.mem.f32;
        const u8 = store.mem.u8;
        // Floats in [-1, 1) where the kernel reads floats, random bytes where it reads bytes.
        if (kind === QUANT_KIND.dotF32I8 || kind === QUANT_KIND.l1wF32I8 || kind === QUANT_KIND.adc)
          for (let i = 0; i < queryBytes / 4; i++) f[(store.queryA >>> 2) + i] = next();
        else for (let i = 0; i < queryBytes; i++) u8[store.queryA + i] = (next() + 1) * 128;
        for (let i = 0; i < n; i++) f[(store.aux >>> 2) + i] = next();
        for (let c = 0; c < count; c++) {
          const code = store.code(c);
          for (let i = 0; i < stride; i++) code[i] = (next() + 1) * 128;
          if (store.corr !== 0) f[(store.corr >>> 2) + c] = next();
          store.ids()[c] = count - 1 - c;
        }
      };
      fill(a);
      fill(b);
      for (const s of [a, b]) {
        s.scoreBatch({ kind, q: s.queryA, n, count, mul, add });
      }
      for (let i = 0; i < count; i++) {
        const x = a.scores()[i]!;
        const y = b.scores()[i]!;
        close(x, y, 1e-3 * (1 + Math.abs(y)), `kind ${kind} id ${i}`);
      }
    }),
    { numRuns: 200 },
  );
});
