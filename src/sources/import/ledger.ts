/**
 * The import ledger: which source objects (bucket, key, ETag) and Firehose requests have been ingested,
 * how far an interrupted one got, and which failed for good (dead letters). It is what makes imports
 * idempotent across runs, restarts and concurrent importers:
 *
 * - **claims** live in memory: `claim(id)` is a synchronous check-and-set on the single server event loop,
 *   so two importers asking for the same object at once cannot both get it; a claim ends with its request;
 * - **done records** are durable: an append-only journal (`<data>/import/ledger.jsonl`), group-committed with
 *   one fdatasync per batch of records, written only after the object's events were durably appended;
 * - **progress records** say how many chunks of a large object are durably stored, so a retry after a crash or
 *   a dropped connection resumes after them (and each chunk's batches carry deterministic hashes, so the log
 *   store recognises a re-sent chunk whose progress record was lost).
 *
 * The journal is compacted on open (superseded progress records dropped).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export interface ObjectRef { bucket: string; key: string; etag: string }

export type DoneStatus = 'imported' | 'kept-aside' | 'unrecognized' | 'control-message' | 'empty';

/** Counters one object (or Firehose request) contributes. */
export interface ImportCounts {
  /** Events parsed from the object. */
  received: number;
  /** Events stored in their destination groups. */
  stored: number;
  /** Events matched by suppression rules, by rule id (diverted or counted only). */
  suppressed: Record<string, number>;
  /** Suppressed events stored in a `…/suppressed` group. */
  diverted: number;
  /** Lines or records that could not be parsed (stored in the problems group). */
  problems: number;
}

export interface DoneRecord extends ObjectRef, ImportCounts {
  op: 'done';
  id: string;
  at: number;
  status: DoneStatus;
  format?: string;
  groups: string[];
  /** `firehose` for Firehose requests. */
  via?: string;
}

export interface ProgressRecord extends ImportCounts {
  op: 'progress';
  id: string;
  /** Chunks durably stored: a retry starts at this chunk. */
  chunks: number;
  groups: string[];
  at: number;
}

export interface DeadLetter extends ObjectRef {
  op: 'dead';
  id: string;
  at: number;
  reason: string;
  attempts: number;
  /** Where the object was announced, e.g. an SQS queue URL. */
  source?: string;
}

type Op = DoneRecord | ProgressRecord | DeadLetter | { op: 'undead'; id: string };

/** What the server remembers of a done object (the full record stays in the journal). */
export interface DoneInfo { at: number; status: DoneStatus; format?: string; stored: number; received: number }

export type ClaimResult =
  | { state: 'done'; info: DoneInfo }
  | { state: 'busy'; since: number }
  | { state: 'claimed'; progress?: ProgressRecord; release(): void };

export function emptyCounts(): ImportCounts {
  return { received: 0, stored: 0, suppressed: {}, diverted: 0, problems: 0 };
}

export function addCounts(into: ImportCounts, c: ImportCounts): void {
  into.received += c.received;
  into.stored += c.stored;
  into.diverted += c.diverted;
  into.problems += c.problems;
  for (const [k, n] of Object.entries(c.suppressed)) into.suppressed[k] = (into.suppressed[k] ?? 0) + n;
}

/** The ledger id of an object: a hash of bucket, key and ETag (quotes around the ETag do not matter). */
export function objectId(ref: ObjectRef): string {
  return createHash('sha256').update(`${ref.bucket}\0${ref.key}\0${normalizeEtag(ref.etag)}`).digest('base64url').slice(0, 32);
}

export function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

export class ImportLedger {
  private readonly path: string;
  private readonly done = new Map<string, DoneInfo>();
  private readonly progress = new Map<string, ProgressRecord>();
  private readonly dead = new Map<string, DeadLetter>();
  private readonly claims = new Map<string, { since: number; finished: Promise<void>; resolve: () => void }>();
  /** Totals over every done record (durable counters). */
  readonly totals = { objects: 0, byStatus: {} as Record<string, number>, counts: emptyCounts(), firehoseRequests: 0 };
  private fh: FileHandle | null = null;
  private pending: string[] = [];
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing = false;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'ledger.jsonl');
    this.load();
  }

  private load(): void {
    if (!existsSync(this.path)) return;
    const keep: string[] = [];
    const lines = readFileSync(this.path, 'utf8').split('\n');
    const ops: Op[] = [];
    for (const line of lines) {
      if (!line) continue;
      try { ops.push(JSON.parse(line) as Op); } catch { /* a torn last line from a crash */ }
    }
    for (const o of ops) this.apply(o);
    // Compact: every done record, the latest progress of unfinished objects, open dead letters.
    for (const o of ops) if (o.op === 'done') keep.push(JSON.stringify(o));
    for (const p of this.progress.values()) keep.push(JSON.stringify(p));
    for (const d of this.dead.values()) keep.push(JSON.stringify(d));
    const tmp = this.path + '.tmp';
    const fd = openSync(tmp, 'w');
    writeSync(fd, keep.length ? keep.join('\n') + '\n' : '');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
  }

  private apply(o: Op): void {
    switch (o.op) {
      case 'done': {
        if (this.done.has(o.id)) return;
        this.done.set(o.id, { at: o.at, status: o.status, format: o.format, stored: o.stored, received: o.received });
        this.progress.delete(o.id);
        this.dead.delete(o.id);
        this.totals.objects++;
        this.totals.byStatus[o.status] = (this.totals.byStatus[o.status] ?? 0) + 1;
        if (o.via === 'firehose') this.totals.firehoseRequests++;
        addCounts(this.totals.counts, o);
        break;
      }
      case 'progress': if (!this.done.has(o.id)) this.progress.set(o.id, o); break;
      case 'dead': if (!this.done.has(o.id)) this.dead.set(o.id, o); break;
      case 'undead': this.dead.delete(o.id); break;
    }
  }

  /** Atomic check-and-claim: done, already being imported by another request, or now ours. */
  claim(id: string): ClaimResult {
    const info = this.done.get(id);
    if (info) return { state: 'done', info };
    const c = this.claims.get(id);
    if (c) return { state: 'busy', since: c.since };
    let resolve!: () => void;
    const finished = new Promise<void>((r) => { resolve = r; });
    this.claims.set(id, { since: Date.now(), finished, resolve });
    let released = false;
    return {
      state: 'claimed',
      progress: this.progress.get(id),
      release: () => {
        if (released) return;
        released = true;
        this.claims.delete(id);
        resolve();
      },
    };
  }

  /** Resolves when the current claim on `id` (if any) is released. */
  async settled(id: string): Promise<void> {
    await this.claims.get(id)?.finished;
  }

  isDone(id: string): DoneInfo | undefined { return this.done.get(id); }

  inFlight(): number { return this.claims.size; }

  isClaimed(id: string): boolean { return this.claims.has(id); }

  deadLetters(): DeadLetter[] { return [...this.dead.values()].sort((a, b) => a.at - b.at); }

  async recordProgress(p: Omit<ProgressRecord, 'op' | 'at'>): Promise<void> {
    const rec: ProgressRecord = { op: 'progress', at: Date.now(), ...p };
    this.apply(rec);
    await this.write(rec);
  }

  async recordDone(d: Omit<DoneRecord, 'op' | 'at'>): Promise<DoneRecord> {
    const rec: DoneRecord = { op: 'done', at: Date.now(), ...d };
    await this.write(rec);
    this.apply(rec);
    return rec;
  }

  async recordDead(d: Omit<DeadLetter, 'op' | 'at' | 'id'>): Promise<DeadLetter> {
    const id = objectId(d);
    const rec: DeadLetter = { op: 'dead', id, at: Date.now(), ...d, etag: normalizeEtag(d.etag) };
    if (this.done.has(id)) return rec;
    this.apply(rec);
    await this.write(rec);
    return rec;
  }

  /** Removes a dead letter (after the object was imported some other way, or by hand). */
  async clearDead(id: string): Promise<boolean> {
    if (!this.dead.has(id)) return false;
    this.apply({ op: 'undead', id });
    await this.write({ op: 'undead', id });
    return true;
  }

  /** Appends a record; resolves once it is fdatasync'ed (one sync covers every record written meanwhile). */
  private write(o: Op): Promise<void> {
    this.pending.push(JSON.stringify(o) + '\n');
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing) void this.flush();
    return p;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length) {
        const text = this.pending.join('');
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          this.fh ??= await open(this.path, 'a');
          await this.fh.write(text);
          await this.fh.datasync();
          for (const w of waiters) w.resolve();
        } catch (e) {
          for (const w of waiters) w.reject(e as Error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
    await this.fh?.close();
    this.fh = null;
  }
}
