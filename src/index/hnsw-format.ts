/**
 * The saved form of an HNSW index (vectors are not included: they belong to the store).
 *
 * All integers little-endian u32 unless stated; sections are padded to 4 bytes.
 *   0   magic "QHNW" (0x51 0x48 0x4e 0x57)
 *   4   format version (1)
 *   8   dim            12  metric code (0 dot, 1 l2, 2 l1)
 *   16  m              20  efConstruct
 *   24  seed           28  PRNG state (so adding after a reload stays reproducible)
 *   32  span (offsets 0..span-1 are described)
 *   36  nodeCount      40  entry (0xffffffff when empty)
 *   44  maxLevel + 1 (0 when empty)
 *   48  deletedCount
 *   52  levels: span bytes (255 = not in the graph), padded
 *   ..  deleted flags: span bytes, padded
 *   ..  level 0 links: span * (2m + 1) u32
 *   ..  upper links: for each node with level >= 1, in offset order, level * (m + 1) u32
 *   end CRC-32 of every byte before it
 * Reproducible builds serialize to identical bytes: nothing here depends on allocation size.
 */
import { metricFromCode, METRIC_CODE } from '../kernels/metric.js';
import { crc32 } from './crc32.js';
import { ABSENT, HnswGraph, NO_ENTRY } from './hnsw-graph.js';
import type { ResolvedHnswOptions } from './hnsw-options.js';
import { resolveHnswOptions } from './hnsw-options.js';

const MAGIC = 0x574e4851; // "QHNW" read as a little-endian u32
const VERSION = 1;
const HEADER_WORDS = 13;

const pad4 = (n: number): number => (n + 3) & ~3;

/** Serializes an index's options, graph and PRNG state. */
export function encodeHnsw(o: ResolvedHnswOptions, g: HnswGraph, rngState: number): Uint8Array {
  const span = g.span;
  let upperWords = 0;
  for (let i = 0; i < span; i++) {
    const l = g.levels[i]!;
    if (l !== ABSENT && l > 0) upperWords += l * g.strideUpper;
  }
  const flagsBytes = pad4(span);
  const size = HEADER_WORDS * 4 + 2 * flagsBytes + (span * g.stride0 + upperWords) * 4 + 4;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const header = [
    MAGIC,
    VERSION,
    o.dim,
    METRIC_CODE[o.metric],
    o.m,
    o.efConstruct,
    o.seed,
    rngState,
    span,
    g.nodeCount,
    g.entry,
    g.maxLevel + 1,
    g.deletedCount,
  ];
  header.forEach((w, i) => view.setUint32(i * 4, w, true));
  let at = HEADER_WORDS * 4;
  bytes.set(g.levels.subarray(0, span), at);
  at += flagsBytes;
  bytes.set(g.deleted.subarray(0, span), at);
  at += flagsBytes;
  const links0 = g.links0;
  for (let i = 0; i < span * g.stride0; i++, at += 4) view.setUint32(at, links0[i]!, true);
  for (let i = 0; i < span; i++) {
    const l = g.levels[i]!;
    if (l === ABSENT || l === 0) continue;
    const arr = g.upper[i]!;
    for (let j = 0; j < l * g.strideUpper; j++, at += 4) view.setUint32(at, arr[j]!, true);
  }
  view.setUint32(at, crc32(bytes.subarray(0, at)), true);
  return bytes;
}

/** What {@link decodeHnsw} returns. */
export interface DecodedHnsw {
  options: ResolvedHnswOptions;
  graph: HnswGraph;
  rngState: number;
}

/** Parses bytes written by {@link encodeHnsw}; throws RangeError on any damage. */
export function decodeHnsw(bytes: Uint8Array): DecodedHnsw {
  const fail = (why: string): never => {
    throw new RangeError(`not a valid HNSW index: ${why}`);
  };
  if (bytes.length < HEADER_WORDS * 4 + 4) fail(`${bytes.length} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (i: number): number => view.getUint32(i * 4, true);
  if (word(0) !== MAGIC) fail('bad magic');
  if (word(1) !== VERSION) fail(`unsupported version ${word(1)}`);
  const end = bytes.length - 4;
  if (crc32(bytes.subarray(0, end)) !== view.getUint32(end, true)) fail('checksum mismatch');
  const metric = metricFromCode(word(3)) ?? fail(`unknown metric code ${word(3)}`);
  const options = resolveHnswOptions({
    dim: word(2),
    metric,
    m: word(4),
    efConstruct: word(5),
    seed: word(6),
  });
  const span = word(8);
  const g = new HnswGraph(options.m, Math.max(1, span));
  g.span = span;
  g.nodeCount = word(9);
  g.entry = word(10);
  g.maxLevel = word(11) - 1;
  g.deletedCount = word(12);
  const flagsBytes = pad4(span);
  let at = HEADER_WORDS * 4;
  const need = at + 2 * flagsBytes + span * g.stride0 * 4;
  if (need > end) fail('truncated');
  g.levels.set(bytes.subarray(at, at + span));
  at += flagsBytes;
  g.deleted.set(bytes.subarray(at, at + span));
  at += flagsBytes;
  for (let i = 0; i < span * g.stride0; i++, at += 4) g.links0[i] = view.getUint32(at, true);
  for (let i = 0; i < span; i++) {
    const l = g.levels[i]!;
    if (l === ABSENT || l === 0) continue;
    const words = l * g.strideUpper;
    if (at + words * 4 > end) fail('truncated upper levels');
    const arr = new Uint32Array(words);
    for (let j = 0; j < words; j++, at += 4) arr[j] = view.getUint32(at, true);
    g.upper[i] = arr;
  }
  if (at !== end) fail(`${end - at} unexpected trailing bytes`);
  if ((g.entry === NO_ENTRY) !== (g.nodeCount === 0)) fail('entry point and node count disagree');
  return { options, graph: g, rngState: word(7) };
}
