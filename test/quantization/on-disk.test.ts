import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVectorStore } from '../../src/kernels/vector-store.js';
import { HnswIndex } from '../../src/index/hnsw.js';
import { NodeFileSystem } from '../../src/node/node-file-system.js';
import { MemoryFileSystem } from '../../src/storage/memory-file-system.js';
import type { FileSystem } from '../../src/storage/file-system.js';
import { writeVectorFile } from '../../src/storage/vector-file.js';
import { OnDiskOriginals } from '../../src/quantization/on-disk-originals.js';
import { quantizedSearch, storeOriginals } from '../../src/quantization/quantized-search.js';
import { quantize } from '../../src/quantization/spec.js';
import { clusteredData } from '../index/fixtures.js';

const dim = 24;
const count = 800;
const data = clusteredData(count, dim, 10, 1, 2);
const queries = clusteredData(10, dim, 10, 1, 3);

async function openOnDisk(fs: FileSystem, path: string): Promise<OnDiskOriginals> {
  await writeVectorFile({ fs, path, dim, count, data });
  return new OnDiskOriginals(await fs.openRandomAccess!(path), { verify: true });
}

async function checkSameResults(fs: FileSystem, path: string): Promise<void> {
  const onDisk = await openOnDisk(fs, path);
  const store = createVectorStore({ dim, initialCapacity: count });
  for (let i = 0; i < count; i++) store.append(data.subarray(i * dim, (i + 1) * dim));
  const inMemory = storeOriginals(store);
  // The graph over the codes alone: nothing of the originals needs to stay in memory.
  const quantized = quantize({
    spec: { method: 'scalar', quantile: 1, alwaysRam: true },
    metric: 'l2',
    set: { dim, count, data },
  });
  const index = new HnswIndex({ dim, metric: 'l2', store: quantized });
  for (let i = 0; i < count; i++) index.add(i);
  assert.equal(onDisk.residentBytes, 0);
  assert.equal(inMemory.residentBytes, count * dim * 4);
  assert.equal(quantized.vectorBytes, count * (dim + 4));
  for (let q = 0; q < 10; q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    for (const params of [
      { ignore: false, rescore: true, oversampling: 2 },
      { ignore: true, rescore: true, oversampling: 1 },
    ]) {
      const base = { quantized, index, metric: 'l2' as const, query, k: 10, ef: 40, params };
      const a = quantizedSearch({ ...base, originals: onDisk });
      const b = quantizedSearch({ ...base, originals: inMemory });
      assert.deepEqual(a.offsets, b.offsets);
      for (let i = 0; i < a.scores.length; i++) {
        assert.ok(Math.abs(a.scores[i]! - b.scores[i]!) < 1e-3, 'same exact scores');
      }
    }
  }
  assert.deepEqual(onDisk.read(5), data.subarray(5 * dim, 6 * dim));
  assert.throws(() => onDisk.read(count), /offset 800 is not in/);
  onDisk.close();
}

test('on-disk originals (Node files): rescoring reads them by offset, same results', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-vec-'));
  try {
    await checkSameResults(new NodeFileSystem(), join(dir, 'vectors.qvec'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('on-disk originals (memory file system): same results', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp('/data');
  await checkSameResults(fs, '/data/vectors.qvec');
});

test('a damaged vector file is refused naming the path and the problem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-vec-'));
  const fs = new NodeFileSystem();
  const path = join(dir, 'vectors.qvec');
  try {
    await writeVectorFile({ fs, path, dim, count, data });
    const bytes = await readFile(path);
    bytes[1000] = bytes[1000]! ^ 0xff;
    await writeFile(path, bytes);
    const damaged = await fs.openRandomAccess(path);
    assert.throws(
      () => new OnDiskOriginals(damaged, { verify: true }),
      (e: Error & { code?: string }) =>
        e.code === 'CORRUPT_DATA' && e.message.includes(path) && /body checksum/.test(e.message),
    );
    damaged.close();
    await writeFile(path, bytes.subarray(0, 500));
    const truncated = await fs.openRandomAccess(path);
    assert.throws(
      () => new OnDiskOriginals(truncated),
      (e: Error & { code?: string }) => e.code === 'CORRUPT_DATA' && /body bytes/.test(e.message),
    );
    truncated.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
