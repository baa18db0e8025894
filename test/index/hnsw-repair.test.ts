// Reachability repair: small-m graphs on uniform 64-d data lose nodes to link pruning; after
// the repair every node is reachable and a search with ef >= n finds the exact top-k.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HnswIndex } from '../../src/index/hnsw.js';
import { repairReachability } from '../../src/index/hnsw-repair.js';
import { flatSearch } from '../../src/index/flat.js';

test('repairReachability leaves no node unreachable and keeps the graph sound', () => {
  let s = 5;
  const random = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  let brokenBefore = 0;
  for (let trial = 0; trial < 30; trial++) {
    const index = new HnswIndex({ dim: 64, metric: 'l2', m: 6, efConstruct: 24 });
    const n = 20 + trial * 6;
    for (let i = 0; i < n; i++) index.addVector(Array.from({ length: 64 }, random));
    if (index.checkIntegrity().length > 0) brokenBefore++;
    repairReachability(index);
    assert.deepEqual(index.checkIntegrity(), []);
    const query = Float32Array.from({ length: 64 }, random);
    const got = index.search({ query, k: 10, ef: n });
    const want = flatSearch({ store: index.store, metric: 'l2', query, k: 10 });
    assert.deepEqual([...got.offsets], [...want.offsets]);
  }
  // The data must actually produce unreachable nodes, or this test proves nothing.
  assert.ok(brokenBefore > 0);
});
