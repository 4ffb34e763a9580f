/**
 * Write-ahead log: every ingested batch is appended here and fdatasync'ed before it is
 * acknowledged, so an acknowledged event survives kill -9 of every process. Appends that
 * arrive while a sync is running share the next sync (group commit).
 *
 * Record: [u32 payload length][u32 crc32 of payload][payload]; payload is a JSON header line
 * followed by the engine's insert body (JSONEachRow, or RowBinary when the header says so), so
 * replay is a plain insert. Records are written as their parts with writev (no concatenation copy).
 */
import { promises as fsp, openSync, closeSync, readdirSync, readFileSync, ftruncateSync, mkdirSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { writeFully } from './file-write.js';

export interface WalHeader {
  seq: number;
  groupId: number;
  streamId: number;
  /** Content hash of the batch: a retry of the same batch is recognised by it. */
  hash: string;
  count: number;
  minTs: number;
  maxTs: number;
  bytes: number;
  ingestionTime: number;
  /** Engine table of the batch, when not the generic one. */
  table?: string;
  /** Format of the body when not JSONEachRow (records written before it existed are JSONEachRow). */
  format?: 'RowBinary';
  /** Response-relevant rejection info, so a retried batch gets the same answer. */
  rejected?: Record<string, number>;
}

export interface WalRecord { header: WalHeader; body: Buffer }

const SEGMENT_BYTES = 64 * 1024 * 1024;

function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.wal`;
}

/** A record as the buffers to write: length and checksum, header line, body (not copied). */
export function recordParts(header: WalHeader, body: Buffer): Buffer[] {
  const head = Buffer.from(JSON.stringify(header) + '\n');
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeUInt32LE(head.length + body.length, 0);
  // crc32(body, crc32(head)) is the checksum of head followed by body.
  prefix.writeUInt32LE(crc32(body, crc32(head)), 4);
  return [prefix, head, body];
}

export function encodeRecord(header: WalHeader, body: Buffer): Buffer {
  return Buffer.concat(recordParts(header, body));
}

/** Reads every intact record of a segment; a torn tail (crash mid-write) is cut off. */
export function readSegment(path: string, truncateTornTail: boolean): WalRecord[] {
  const buf = readFileSync(path);
  const out: WalRecord[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32LE(off);
    const sum = buf.readUInt32LE(off + 4);
    if (off + 8 + len > buf.length) break;
    const payload = buf.subarray(off + 8, off + 8 + len);
    if (crc32(payload) !== sum) break;
    const nl = payload.indexOf(0x0a);
    out.push({ header: JSON.parse(payload.subarray(0, nl).toString('utf8')) as WalHeader, body: payload.subarray(nl + 1) });
    off += 8 + len;
  }
  if (off < buf.length && truncateTornTail) {
    const fd = openSync(path, 'r+');
    try { ftruncateSync(fd, off); } finally { closeSync(fd); }
  }
  return out;
}

interface Waiter { resolve: () => void; reject: (e: Error) => void }

export class WriteAheadLog {
  private handle: fsp.FileHandle | null = null;
  private segmentBytes = 0;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private waiters: Waiter[] = [];
  private flushing = false;
  /** First seq of each segment, oldest first. */
  private segments: { first: number; name: string; last: number }[] = [];

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Reads all segments (cutting torn tails) and returns their records in seq order. */
  recover(): WalRecord[] {
    const names = readdirSync(this.dir).filter((n) => n.endsWith('.wal')).sort();
    const all: WalRecord[] = [];
    this.segments = [];
    names.forEach((name, i) => {
      const recs = readSegment(join(this.dir, name), i === names.length - 1);
      const first = Number(name.slice(0, 16));
      this.segments.push({ first, name, last: recs.length ? recs[recs.length - 1].header.seq : first - 1 });
      all.push(...recs);
    });
    return all;
  }

  async open(nextSeq: number): Promise<void> {
    await this.rotate(nextSeq);
  }

  private async rotate(firstSeq: number): Promise<void> {
    if (this.handle) await this.handle.close();
    const name = segmentName(firstSeq);
    this.handle = await fsp.open(join(this.dir, name), 'a');
    this.segmentBytes = (await this.handle.stat()).size;
    if (!this.segments.find((s) => s.name === name)) this.segments.push({ first: firstSeq, name, last: firstSeq - 1 });
    // The directory entry itself must be durable before records in it are acknowledged.
    const dirHandle = await fsp.open(this.dir, 'r');
    try { await dirHandle.sync(); } finally { await dirHandle.close(); }
  }

  /** Resolves once the record is on disk (fdatasync). */
  append(header: WalHeader, body: Buffer): Promise<void> {
    const parts = recordParts(header, body);
    const seg = this.segments[this.segments.length - 1];
    if (seg) seg.last = header.seq;
    return new Promise<void>((resolve, reject) => {
      for (const p of parts) { this.queue.push(p); this.queuedBytes += p.length; }
      this.waiters.push({ resolve, reject });
      if (!this.flushing) void this.flush(header.seq);
    });
  }

  private async flush(seqHint: number): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue;
        const bytes = this.queuedBytes;
        const waiters = this.waiters;
        this.queue = [];
        this.queuedBytes = 0;
        this.waiters = [];
        try {
          await writeFully(this.handle!, batch);
          await this.handle!.datasync();
          this.segmentBytes += bytes;
          for (const w of waiters) w.resolve();
        } catch (e) {
          for (const w of waiters) w.reject(e as Error);
        }
        if (this.segmentBytes >= SEGMENT_BYTES) {
          const last = this.segments[this.segments.length - 1];
          await this.rotate(Math.max(seqHint, last ? last.last : 0) + 1);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Deletes whole segments whose records are all at or below `seq` (already durable in the engine). */
  async releaseThrough(seq: number, keepNewest = 1): Promise<void> {
    while (this.segments.length > keepNewest && this.segments[0].last <= seq) {
      const seg = this.segments.shift()!;
      await fsp.rm(join(this.dir, seg.name), { force: true });
    }
  }

  async close(): Promise<void> {
    while (this.flushing || this.queue.length) await new Promise((r) => setTimeout(r, 5));
    await this.handle?.close();
    this.handle = null;
  }
}
