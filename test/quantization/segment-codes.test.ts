import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Schemas } from '../../src/api/wire.js';
import { createVectorStore } from '../../src/kernels/vector-store.js';
import { buildSegmentCodes, effectiveQuantization } from '../../src/quantization/segment-codes.js';
import { quantize } from '../../src/quantization/spec.js';
import { uniformData } from '../index/fixtures.js';

const int8 = { scalar: { type: 'int8', quantile: 0.99 } } as Schemas['QuantizationConfig'];
const binary = { binary: { always_ram: true } } as Schemas['QuantizationConfig'];

test('the vector-level quantization_config overrides the collection-level one', () => {
  const named = {
    params: {
      vectors: {
        a: { size: 4, distance: 'Dot', quantization_config: binary },
        b: { size: 4, distance: 'Dot' },
      },
    },
    quantization_config: int8,
  } as unknown as Schemas['CollectionConfig'];
  assert.deepEqual(effectiveQuantization(named, 'a'), binary);
  assert.deepEqual(effectiveQuantization(named, 'b'), int8);
  assert.equal(effectiveQuantization(named, 'missing'), int8);
  const unnamed = {
    params: { vectors: { size: 4, distance: 'Dot' } },
    quantization_config: null,
  } as unknown as Schemas['CollectionConfig'];
  assert.equal(effectiveQuantization(unnamed, ''), undefined);
});

test('segment codes are built from the store in place, skipping absent offsets', () => {
  const dim = 19;
  const count = 300;
  const data = uniformData(count, dim, 5);
  const present = new Uint8Array(count).fill(1);
  for (let i = 0; i < count; i += 3) present[i] = 0;
  for (const kernels of ['simd', 'scalar'] as const) {
    const store = createVectorStore({ dim, initialCapacity: 8, kernels });
    for (let i = 0; i < count; i++) store.append(data.subarray(i * dim, (i + 1) * dim));
    const codes = buildSegmentCodes({ store, present, distance: 'Euclid', config: int8 });
    assert.ok(codes !== undefined);
    assert.equal(codes.count, count);
    const expected = quantize({
      spec: { method: 'scalar', quantile: 0.99, alwaysRam: false },
      metric: 'l2',
      set: { dim, count, data, present: (i) => present[i] === 1 },
    });
    assert.deepEqual(codes.codeBytes(), expected.codeBytes());
    assert.equal(
      buildSegmentCodes({ store, present, distance: 'Euclid', config: undefined }),
      undefined,
    );
  }
});
