/**
 * An fsync'ed append-only JSON-lines journal (one per kind of alarm data): appends are written and
 * fsync'ed before the caller acknowledges; `rewrite` compacts atomically (temp file, fsync, rename,
 * directory fsync). A torn last line from a crash is skipped on replay.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class Journal<T> {
  private fd = -1;
  /** Lines in the file (replayed + appended), to decide when to compact. */
  lines = 0;

  constructor(private readonly path: string) {}

  /** Every record in the file, in order. */
  replay(): T[] {
    const out: T[] = [];
    if (!existsSync(this.path)) return out;
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line) continue;
      try { out.push(JSON.parse(line) as T); } catch { /* torn write from a crash */ }
    }
    this.lines = out.length;
    return out;
  }

  append(records: readonly T[]): void {
    if (!records.length) return;
    if (this.fd < 0) this.fd = openSync(this.path, 'a');
    const buf = Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    fsyncSync(this.fd);
    this.lines += records.length;
  }

  /** Replaces the journal with exactly these records. */
  rewrite(records: readonly T[]): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      const buf = Buffer.from(records.map((r) => JSON.stringify(r) + '\n').join(''));
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off);
      fsyncSync(fd);
    } finally { closeSync(fd); }
    if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; }
    renameSync(tmp, this.path);
    const dfd = openSync(dirname(this.path), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
    this.lines = records.length;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
