/** Writing several buffers to a file in one system call (no concatenation copy), completely. */
import type { FileHandle } from 'node:fs/promises';

/** Appends `bufs` at the handle's position with writev, finishing any short write; returns the bytes written. */
export async function writeFully(fh: FileHandle, bufs: readonly Buffer[]): Promise<number> {
  let total = 0;
  for (const b of bufs) total += b.length;
  let { bytesWritten: done } = await fh.writev(bufs as Buffer[]);
  // A regular file short-writes only on errors such as a full disk; finish (or fail with the real error).
  for (let skip = done, i = 0; done < total && i < bufs.length; i++) {
    const b = bufs[i];
    if (skip >= b.length) { skip -= b.length; continue; }
    for (let off = skip; off < b.length;) {
      const { bytesWritten } = await fh.write(b, off, b.length - off);
      if (bytesWritten <= 0) throw new Error(`short write: ${done} of ${total} bytes`);
      off += bytesWritten;
      done += bytesWritten;
    }
    skip = 0;
  }
  return done;
}
