/**
 * Bulk import: objects from a listing (S3 or a local directory) go to the server with bounded concurrency.
 * Objects are checked against the server's ledger in pages first, so a re-run (or a resumed run after an
 * interruption) sends only what is not imported yet; memory is bounded by the page and queue sizes, not by
 * the bucket.
 */
import type { ImportResult } from './importer.js';
import { ImportClientError, type ImportClient, type ImportOptions } from './client.js';
import type { SourceObject } from './objects.js';

export interface RunTotals {
  listed: number;
  listedBytes: number;
  listingDone: boolean;
  imported: number;
  skipped: number;
  keptAside: number;
  unrecognized: number;
  failed: number;
  /** Bytes of the objects finished (imported, skipped or failed): the progress measure. */
  bytesDone: number;
  received: number;
  stored: number;
  diverted: number;
  problems: number;
  suppressed: Record<string, number>;
  resumedObjects: number;
  failures: { bucket: string; key: string; code: string; message: string }[];
}

export function newTotals(): RunTotals {
  return { listed: 0, listedBytes: 0, listingDone: false, imported: 0, skipped: 0, keptAside: 0, unrecognized: 0, failed: 0, bytesDone: 0, received: 0, stored: 0, diverted: 0, problems: 0, suppressed: {}, resumedObjects: 0, failures: [] };
}

export function addResult(t: RunTotals, r: ImportResult): void {
  switch (r.status) {
    case 'skipped': t.skipped++; return;
    case 'kept-aside': t.keptAside++; break;
    case 'unrecognized': t.unrecognized++; break;
    default: t.imported++;
  }
  if (r.resumedFromChunk > 0) t.resumedObjects++;
  t.received += r.received;
  t.stored += r.stored;
  t.diverted += r.diverted;
  t.problems += r.problems;
  for (const [k, n] of Object.entries(r.suppressed ?? {})) t.suppressed[k] = (t.suppressed[k] ?? 0) + n;
}

/** A bounded FIFO between the lister and the senders. */
class Channel<T> {
  private items: T[] = [];
  private closed = false;
  private takers: ((v: T | undefined) => void)[] = [];
  private putters: (() => void)[] = [];
  constructor(private readonly capacity: number) {}
  async put(v: T): Promise<void> {
    while (this.items.length >= this.capacity) await new Promise<void>((r) => this.putters.push(r));
    const t = this.takers.shift();
    if (t) t(v); else this.items.push(v);
  }
  async take(): Promise<T | undefined> {
    const v = this.items.shift();
    if (v !== undefined) { this.putters.shift()?.(); return v; }
    if (this.closed) return undefined;
    return new Promise((r) => this.takers.push(r));
  }
  close(): void {
    this.closed = true;
    for (const t of this.takers.splice(0)) t(undefined);
  }
}

export interface RunOptions extends ImportOptions {
  concurrency: number;
  onProgress?: (t: RunTotals) => void;
  shouldStop?: () => boolean;
  /** Objects already handled in this process (poll mode): skipped without asking the server. */
  seen?: Set<string>;
}

const PAGE = 200;

async function mapLimit<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => { while (i < items.length) await fn(items[i++]); }));
}

export async function importObjects(client: ImportClient, source: AsyncIterable<SourceObject>, o: RunOptions, totals = newTotals()): Promise<RunTotals> {
  const queue = new Channel<SourceObject>(Math.max(o.concurrency * 4, 64));
  const progress = () => o.onProgress?.(totals);
  let fatal: unknown;
  const seenKey = (x: SourceObject) => `${x.bucket}\0${x.key}\0${x.etag ?? ''}`;

  const lister = (async () => {
    try {
      let page: SourceObject[] = [];
      const flush = async () => {
        const objs = page;
        page = [];
        // Local files: their ETag is the content's MD5.
        await mapLimit(objs, 4, async (x) => { await x.resolveEtag(); });
        const fresh = o.seen ? objs.filter((x) => !o.seen!.has(seenKey(x))) : objs;
        const status = fresh.length ? await client.check(fresh.map((x) => ({ bucket: x.bucket, key: x.key, etag: x.etag! }))) : [];
        for (let i = 0; i < fresh.length; i++) {
          if (status[i]?.status === 'done') { totals.skipped++; totals.bytesDone += fresh[i].size; o.seen?.add(seenKey(fresh[i])); progress(); continue; }
          await queue.put(fresh[i]);
        }
      };
      for await (const obj of source) {
        if (o.shouldStop?.() || fatal) break;
        totals.listed++;
        totals.listedBytes += obj.size;
        page.push(obj);
        if (page.length >= PAGE) await flush();
        progress();
      }
      if (page.length && !o.shouldStop?.() && !fatal) await flush();
      totals.listingDone = true;
      progress();
    } catch (e) {
      fatal ??= e;
    } finally {
      queue.close();
    }
  })();

  const workers = Array.from({ length: o.concurrency }, async () => {
    for (let obj = await queue.take(); obj; obj = await queue.take()) {
      if (o.shouldStop?.() || fatal) continue;
      try {
        const r = await client.send(obj, { ...o, shouldStop: o.shouldStop });
        addResult(totals, r);
        o.seen?.add(seenKey(obj));
      } catch (e) {
        const err = e as ImportClientError;
        // The server unreachable is fatal (every other object would fail the same way); a bad object is not.
        if (err.code === 'NetworkingError' || err.code === 'UnrecognizedClientException' || err.status === 401) { fatal ??= e; continue; }
        totals.failed++;
        if (totals.failures.length < 100) totals.failures.push({ bucket: obj.bucket, key: obj.key, code: err.code ?? 'Error', message: err.message });
      }
      totals.bytesDone += obj.size;
      progress();
    }
  });
  await Promise.all([lister, ...workers]);
  if (fatal) throw fatal;
  return totals;
}

export { ImportClientError };
