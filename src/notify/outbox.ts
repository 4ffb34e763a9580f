/**
 * The durable delivery outbox: every delivery and every attempt is a line in an append-only
 * journal, fsync'ed before the caller goes on (Publish answers only after its deliveries are on
 * disk). On open the journal is replayed: pending deliveries resume, finished ones are never
 * attempted again. A torn last line (kill -9 mid-write) is cut off; a damaged line with good lines
 * after it is skipped and counted (cutting there would throw away acknowledged records). When
 * finished records pile up the journal is rewritten as a snapshot (durable-file.ts).
 *
 * Memory is bounded: pending deliveries by count and bytes (Publish is throttled past them, see
 * LIMITS), finished ones by `keepFinished` (dead letters ten times that) and by bytes.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileDurably, writeAll } from '../store/durable-file.js';
import type { Attempt, Delivery, DeliveryStatus } from './model.js';

type Line =
  | { t: 'add'; d: Delivery }
  | { t: 'try'; id: string; a?: Attempt; s: DeliveryStatus; n: number };

export interface DeliveryFilter {
  status?: DeliveryStatus;
  topicArn?: string;
  subscriptionArn?: string;
  messageId?: string;
  limit?: number;
}

/** Message bytes of finished deliveries kept for the read API, at most (the oldest go first). */
const MAX_FINISHED_BYTES = 64 * 1024 * 1024;

/** What a delivery costs in memory, roughly: its texts plus a fixed overhead for the record. */
export const deliveryWeight = (d: Pick<Delivery, 'message' | 'subject'>): number => d.message.length + (d.subject?.length ?? 0) + 512;

export class Outbox {
  private readonly path: string;
  private fd = -1;
  /** Bytes of the journal that are known good: a failed append is cut back to here. */
  private size = 0;
  private readonly all = new Map<string, Delivery>();
  private readonly pendingIds = new Set<string>();
  private lines = 0;
  private done = 0;
  private dead = 0;
  private finishedBytes = 0;
  /** Message bytes of the pending deliveries (Publish refuses past LIMITS.pendingBytes). */
  pendingBytes = 0;
  /** Damaged lines skipped by the last open() (the service logs them). */
  damagedLines = 0;

  constructor(private readonly dir: string, private readonly keepFinished: number) {
    this.path = join(dir, 'outbox.jsonl');
  }

  open(): void {
    if (existsSync(this.path)) {
      const buf = readFileSync(this.path);
      let start = 0;
      while (start < buf.length) {
        const nl = buf.indexOf(0x0a, start);
        // No newline: the tail of an append cut short by a crash (or never-written blocks).
        if (nl < 0) break;
        let line: Line | undefined;
        try { line = JSON.parse(buf.subarray(start, nl).toString('utf8')) as Line; } catch { this.damagedLines++; }
        if (line) { this.apply(line); this.lines++; }
        start = nl + 1;
      }
      if (start < buf.length) {
        const fd = openSync(this.path, 'r+');
        try { ftruncateSync(fd, start); fsyncSync(fd); } finally { closeSync(fd); }
      }
    }
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
    this.trim();
  }

  private setStatus(d: Delivery, s: DeliveryStatus): void {
    const w = deliveryWeight(d);
    if (d.status === 'pending') { this.pendingIds.delete(d.id); this.pendingBytes -= w; } else this.uncount(d);
    d.status = s;
    if (s === 'pending') { this.pendingIds.add(d.id); this.pendingBytes += w; return; }
    if (s === 'dead') this.dead++; else this.done++;
    this.finishedBytes += w;
  }

  private uncount(d: Delivery): void {
    if (d.status === 'dead') this.dead--; else this.done--;
    this.finishedBytes -= deliveryWeight(d);
  }

  private apply(line: Line): void {
    if (line.t === 'add') {
      if (this.all.has(line.d.id)) return;
      const d = line.d;
      const s = d.status;
      // Counted as pending first, then moved to its recorded state (a snapshot holds finished ones too).
      d.status = 'pending';
      this.pendingIds.add(d.id);
      this.pendingBytes += deliveryWeight(d);
      this.all.set(d.id, d);
      if (s !== 'pending') this.setStatus(d, s);
      return;
    }
    const d = this.all.get(line.id);
    // Attempts of a delivery dropped by retention (it was finished) change nothing.
    if (!d || d.status !== 'pending') return;
    if (line.a) d.attempts.push(line.a);
    d.nextAttemptAt = line.n;
    if (line.s !== 'pending') { d.finishedAt = line.a?.at ?? Date.now(); this.setStatus(d, line.s); }
  }

  private write(lines: Line[]): void {
    if (!lines.length) return;
    const data = Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n', 'utf8');
    try {
      writeAll(this.fd, data);
      fsyncSync(this.fd);
    } catch (e) {
      // A partial line left behind would be glued to the next append: cut back to the last good byte.
      try { ftruncateSync(this.fd, this.size); } catch { /* the next open cuts or skips it */ }
      throw e;
    }
    this.size += data.length;
    this.lines += lines.length;
  }

  /** Adds deliveries durably (one write and one fsync for all of them). */
  add(ds: Delivery[]): void {
    this.write(ds.map((d) => ({ t: 'add', d })));
    for (const d of ds) this.apply({ t: 'add', d });
  }

  /** Records an attempt (or a cancellation, without one) and the delivery's new state, durably. */
  record(id: string, attempt: Attempt | undefined, status: DeliveryStatus, nextAttemptAt: number): void {
    const line: Line = { t: 'try', id, a: attempt, s: status, n: nextAttemptAt };
    this.write([line]);
    this.apply(line);
    if (status !== 'pending') this.trim();
  }

  get(id: string): Delivery | undefined { return this.all.get(id); }
  pending(): Delivery[] { return [...this.pendingIds].map((id) => this.all.get(id)!); }
  get depth(): number { return this.pendingIds.size; }

  /** Newest first. */
  list(f: DeliveryFilter = {}): Delivery[] {
    const out: Delivery[] = [];
    const limit = f.limit ?? 100;
    const items = [...this.all.values()];
    for (let i = items.length - 1; i >= 0 && out.length < limit; i--) {
      const d = items[i];
      if (f.status && d.status !== f.status) continue;
      if (f.topicArn && d.topicArn !== f.topicArn) continue;
      if (f.subscriptionArn && d.subscriptionArn !== f.subscriptionArn) continue;
      if (f.messageId && d.messageId !== f.messageId) continue;
      out.push(d);
    }
    return out;
  }

  /**
   * Forgets the oldest finished deliveries past the retention and compacts. Runs only once a limit is
   * exceeded twice over, so a compaction (a full rewrite) happens once per `keepFinished` finishes, not per finish.
   */
  private trim(): void {
    const keepDead = this.keepFinished * 10;
    if (this.done <= this.keepFinished * 2 && this.dead <= keepDead * 2 && this.finishedBytes <= MAX_FINISHED_BYTES * 2
      && this.lines <= (this.all.size + 1000) * 4) return;
    const finished = [...this.all.values()].filter((d) => d.status !== 'pending').sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
    let doneOver = this.done - this.keepFinished;
    let deadOver = this.dead - keepDead;
    for (const d of finished) {
      const isDead = d.status === 'dead';
      if ((isDead ? deadOver : doneOver) > 0 || this.finishedBytes > MAX_FINISHED_BYTES) {
        if (isDead) deadOver--; else doneOver--;
        this.uncount(d);
        this.all.delete(d.id);
      }
    }
    this.compact();
  }

  private compact(): void {
    const body = [...this.all.values()].map((d) => JSON.stringify({ t: 'add', d } satisfies Line)).join('\n');
    replaceFileDurably(this.path, body ? body + '\n' : '');
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
    this.lines = this.all.size;
  }

  close(): void {
    if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; }
  }
}
