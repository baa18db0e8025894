/**
 * The Node adapter of {@link RandomAccessFile}: positioned synchronous reads with `fs.readSync`
 * on a descriptor opened read-only. Synchronous on purpose: the search path that reads original
 * vectors for rescoring does not await, and each read is a few KiB from the page cache.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { QuiverError } from '../errors.js';
import type { RandomAccessFile } from '../storage/random-access-file.js';

/** Opens `path` read-only; `IO_ERROR` naming the path when it cannot. */
export function openNodeRandomAccess(path: string): RandomAccessFile {
  let fd: number;
  let size: number;
  try {
    fd = openSync(path, 'r');
    size = fstatSync(fd).size;
  } catch (cause) {
    throw new QuiverError('IO_ERROR', `cannot open ${path} for reading: ${String(cause)}`, {
      cause,
    });
  }
  let open = true;
  return {
    path,
    size,
    read(position, into) {
      if (!open) throw new QuiverError('IO_ERROR', `cannot read ${path}: the file is closed`);
      let done = 0;
      while (done < into.length) {
        let n: number;
        try {
          n = readSync(fd, into, done, into.length - done, position + done);
        } catch (cause) {
          throw new QuiverError('IO_ERROR', `cannot read ${path} at ${position + done}`, {
            cause,
          });
        }
        if (n === 0) {
          throw new QuiverError(
            'IO_ERROR',
            `cannot read ${into.length} bytes at ${position} of ${path}: it has ${size}`,
          );
        }
        done += n;
      }
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
