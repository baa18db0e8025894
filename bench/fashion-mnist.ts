/**
 * Loads Fashion-MNIST from the Debian package `dataset-fashion-mnist` (IDX files, gzipped):
 * 60,000 train and 10,000 test images of 28 x 28 bytes, returned as flat Float32Arrays of
 * 784-dimensional vectors with the raw pixel values 0..255.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where the Debian package installs the files (`FASHION_MNIST_DIR` overrides it). */
export const FASHION_MNIST_DIR =
  process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
/** How to get them. */
export const FASHION_MNIST_HINT =
  'apt-get update && apt-get install -y dataset-fashion-mnist   (Debian package; files in ' +
  `${FASHION_MNIST_DIR})`;

/** The images of one IDX3 file: `count` vectors of `dim` floats. */
export interface Images {
  count: number;
  dim: number;
  data: Float32Array;
}

function readIdx3(path: string): Images {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // IDX header: magic 0x00000803 (unsigned byte, 3 dimensions), then the 3 sizes, big-endian.
  if (view.getUint32(0) !== 0x803) throw new Error(`${path}: not an IDX3 ubyte file`);
  const count = view.getUint32(4);
  const dim = view.getUint32(8) * view.getUint32(12);
  if (bytes.length !== 16 + count * dim) throw new Error(`${path}: truncated`);
  const data = new Float32Array(count * dim);
  for (let i = 0; i < data.length; i++) data[i] = bytes[16 + i]!;
  return { count, dim, data };
}

/** Train (base) and test (queries) images, or null when the package is not installed. */
export function loadFashionMnist(dir = FASHION_MNIST_DIR): { train: Images; test: Images } | null {
  const train = join(dir, 'train-images-idx3-ubyte.gz');
  const test = join(dir, 't10k-images-idx3-ubyte.gz');
  if (!existsSync(train) || !existsSync(test)) return null;
  return { train: readIdx3(train), test: readIdx3(test) };
}
