/**
 * Whole-file replacement that survives kill -9 and power loss: write a temp file, fsync it, rename it
 * over the target, fsync the directory (so the rename itself is durable). Readers see the old or the
 * new content, never a mix. Every whole-file state (metadata snapshots aside, which keep their journal) goes
 * through it: notification registry, outbox snapshot and signing key, saved queries, metric filters, metric
 * store state, anomaly detectors, dashboards.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Makes a directory entry change (create, rename) durable; best effort where directories cannot be opened. */
export function fsyncDir(dir: string): void {
  let fd = -1;
  try { fd = openSync(dir, 'r'); fsyncSync(fd); } catch { /* not supported on every platform */ } finally { if (fd >= 0) closeSync(fd); }
}

/** Writes all of `data` at the file's current position (writeSync may write less than asked). */
export function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length;) {
    const n = writeSync(fd, data, off, data.length - off);
    if (n <= 0) throw new Error(`short write: ${off} of ${data.length} bytes`);
    off += n;
  }
}

/** Replaces `path` with `data` atomically and durably; the file is created with `mode` (secrets: 0600). */
export function replaceFileDurably(path: string, data: string | Buffer, mode = 0o600): void {
  const tmp = path + '.tmp';
  const fd = openSync(tmp, 'w', mode);
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}
