/**
 * The log store: metadata, the write-ahead log and the engine together. An append is
 * acknowledged only when its batch is fdatasync'ed in the WAL and inserted in the engine
 * (so reads see it at once). Engine inserts run in WAL order; the checkpoint records the
 * highest sequence the engine holds durably, and recovery replays everything after it.
 */
import { mkdirSync, readFileSync, writeFileSync, openSync, fsyncSync, closeSync, renameSync, existsSync, appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine, InsertFormat, InsertParams } from './engine.js';
import { rows } from './engine.js';
import { EVENTS_TABLE, GENERIC_TABLE, createTableSql, evolveTableSql, type TableSpec } from './schema.js';
import { WriteAheadLog, type WalHeader, type WalRecord } from './wal.js';
import { EVENT_ROW_COLUMNS, encodeEventRows } from './row-binary.js';
import { MetadataStore, type GroupMeta, type StreamMeta } from './metadata.js';

export interface InputEvent {
  timestamp: number;
  message: string;
  /** UTF-8 byte length of `message`, when the caller already knows it (saves measuring it again). */
  size?: number;
  /** Typed hot-column values for the group's table (ignored for the generic table). */
  columns?: Record<string, string | number | boolean | null>;
}

export interface StoredEvent {
  streamId: number;
  logStream: string;
  timestamp: number;
  ingestionTime: number;
  seq: number;
  idx: number;
  message: string;
}

export interface AppendResult { seq: number; duplicate: boolean; rejected?: Record<string, number> }

/** A retried identical batch within this window is recognised and not stored twice. */
export const DEDUP_WINDOW_MS = 15 * 60 * 1000;
const INSERT_MAX_BYTES = 32 * 1024 * 1024;
/**
 * Engine inserts running at once. Two overlap one insert's parse with the other's part fsyncs
 * (chDB runs them in parallel); the checkpoint still only advances over a finished prefix.
 */
const INSERTS_IN_FLIGHT = 2;
/** Bytes waiting for the engine beyond which appends are refused (the API answers ThrottlingException). */
export const MAX_QUEUED_BYTES = 256 * 1024 * 1024;

/** Raised when the engine is behind: callers should retry later rather than queue without bound. */
export class StoreOverloadedError extends Error {
  constructor() { super('Rate exceeded'); }
}

/** True when the engine process died (the restart path replays the WAL), as opposed to refusing data. */
function isEngineGone(e: unknown): boolean {
  const m = String((e as Error)?.message ?? '');
  return m.includes('engine process') || m.includes('engine is closed');
}

/** One column value as JSONEachRow text. */
function columnsJson(cols: Record<string, string | number | boolean | null>): string {
  let out = '';
  for (const k in cols) {
    const v = cols[k];
    if (v === null || v === undefined) continue;
    out += `,"${k}":${typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'null') : v ? 'true' : 'false'}`;
  }
  return out;
}

interface PendingInsert { header: WalHeader; body: Buffer; done: (e?: Error) => void }

function formatOf(h: WalHeader): InsertFormat { return h.format ?? 'JSONEachRow'; }
/** Records that may share one engine insert: same table, same body format. */
function sameInsert(a: WalHeader, b: WalHeader): boolean {
  return (a.table ?? EVENTS_TABLE) === (b.table ?? EVENTS_TABLE) && formatOf(a) === formatOf(b);
}
interface DedupEntry { seq: number; at: number; rejected?: Record<string, number> }

export interface Cursor { timestamp: number; seq: number; idx: number }

export class LogStore {
  readonly meta: MetadataStore;
  private readonly wal: WriteAheadLog;
  private seq = 0;
  private applied = 0;
  private checkpointed = 0;
  private inserts: PendingInsert[] = [];
  private insertsInFlight = 0;
  /** Dispatched engine inserts in WAL order; `applied` advances over the prefix that finished ('lost': engine died). */
  private insertSlots: { last: number; state: 'running' | 'ok' | 'lost' }[] = [];
  private queuedBytes = 0;
  /** Bytes accepted but not yet inserted into the engine (self-metric StoreQueueBytes). */
  get queueBytes(): number { return this.queuedBytes; }
  private dedup = new Map<string, DedupEntry>();
  private inflight = new Map<string, Promise<AppendResult>>();
  private timer: NodeJS.Timeout | null = null;
  /** True while recover() runs: the checkpoint stays where recovery read it. */
  private replaying = false;
  private recovering: Promise<void> | null = null;

  /** Event tables by name: the generic one plus one per known log format. */
  readonly tables = new Map<string, TableSpec>();

  constructor(private readonly dir: string, readonly engine: Engine, tables: TableSpec[] = []) {
    mkdirSync(dir, { recursive: true });
    for (const t of [GENERIC_TABLE, ...tables]) this.tables.set(t.name, t);
    this.meta = new MetadataStore(dir);
    this.wal = new WriteAheadLog(join(dir, 'wal'));
  }

  private async createTables(): Promise<void> {
    // Existing columns are read once so a start only alters what is really missing (hundreds of
    // ALTER … IF NOT EXISTS statements cost seconds on every open).
    const existing = new Set((await rows<{ t: string; c: string }>(this.engine, "SELECT table AS t, name AS c FROM system.columns WHERE database = currentDatabase()")).map((r) => `${r.t}.${r.c}`));
    for (const t of this.tables.values()) {
      const missing = { ...t, columns: t.columns.filter((c) => !existing.has(`${t.name}.${c.name}`)) };
      if (!existing.has(`${t.name}.group_id`)) await this.engine.command({ query: createTableSql(t) });
      else for (const ddl of evolveTableSql(missing)) await this.engine.command({ query: ddl });
    }
  }

  /** The table holding a group's events. */
  tableOf(group: GroupMeta): string {
    return group.table && this.tables.has(group.table) ? group.table : EVENTS_TABLE;
  }

  async open(): Promise<void> {
    await this.createTables();
    this.loadDedup();
    await this.recover();
    await this.wal.open(this.seq + 1);
    await this.rebuildStats();
    this.timer = setInterval(() => { void this.checkpoint(); }, 1000);
    this.timer.unref();
  }

  /** Replays every WAL record the engine may not hold (after the checkpoint), exactly once. */
  async recover(): Promise<void> {
    // The checkpoint must not move while this runs: the rows deleted and the records replayed are the
    // same set (seq > cp). (The 1-second checkpoint timer used to advance it between the two, after an
    // engine crash, and a batch was then deleted and not replayed.)
    this.replaying = true;
    try {
      const cp = this.checkpointed = this.readCheckpoint();
      const records = this.wal.recover();
      this.seq = Math.max(cp, records.length ? records[records.length - 1].header.seq : 0);
      // A killed insert may have left some parts of a batch: remove everything past the checkpoint.
      for (const table of this.tables.keys()) {
        const [{ n }] = await rows<{ n: string }>(this.engine, `SELECT count() AS n FROM ${table} WHERE seq > {cp:UInt64}`, { cp });
        if (Number(n) > 0) await this.engine.command({ query: `DELETE FROM ${table} WHERE seq > {cp:UInt64}`, query_params: { cp } });
      }
      const replay = records.filter((r) => r.header.seq > cp && this.meta.groupById(r.header.groupId));
      const refused = new Set<number>();
      for (let i = 0; i < replay.length;) {
        const first = replay[i].header;
        const table = first.table ?? EVENTS_TABLE;
        let bytes = 0;
        const chunk: WalRecord[] = [];
        while (i < replay.length && sameInsert(replay[i].header, first) && (chunk.length === 0 || bytes + replay[i].body.length < INSERT_MAX_BYTES)) { bytes += replay[i].body.length; chunk.push(replay[i++]); }
        if (!this.tables.has(table)) continue;
        try {
          await this.engine.insert(this.insertParams(first, chunk.map((r) => r.body)));
        } catch (e) {
          if (isEngineGone(e)) throw e;
          // A record the engine refuses was never acknowledged; it must not block every later start.
          for (const seq of (await this.insertEach(table, chunk)).keys()) refused.add(seq);
        }
      }
      // Retries of stored batches are recognised; a refused one (not stored) may be sent again.
      for (const r of records) if (!refused.has(r.header.seq)) this.rememberBatch(r.header);
      // Inserts that were running when the engine died were replayed above: they no longer hold the checkpoint back.
      this.insertSlots = [];
      this.applied = this.seq;
    } finally {
      this.replaying = false;
    }
    await this.checkpoint();
  }

  /** Called when the engine process was restarted after a crash. */
  async recoverAfterEngineRestart(): Promise<void> {
    if (!this.recovering) {
      // Records waiting for an insert are in the WAL, which the recovery replays: inserting them again
      // afterwards would store them twice. Their appends fail; a client's retry is then a recognised duplicate.
      const queued = this.inserts.splice(0);
      for (const q of queued) q.done(new Error('engine process restarted'));
      this.recovering = (async () => {
        await this.createTables();
        await this.wal.close();
        await this.recover();
        await this.wal.open(this.seq + 1);
      })().finally(() => { this.recovering = null; this.drainInserts(); });
    }
    return this.recovering;
  }

  private readCheckpoint(): number {
    const p = join(this.dir, 'checkpoint.json');
    if (!existsSync(p)) return 0;
    return (JSON.parse(readFileSync(p, 'utf8')) as { seq: number }).seq;
  }

  private async checkpoint(): Promise<void> {
    if (this.replaying || this.applied === this.checkpointed) return;
    const seq = this.applied;
    const p = join(this.dir, 'checkpoint.json');
    writeFileSync(p + '.tmp', JSON.stringify({ seq }));
    const fd = openSync(p + '.tmp', 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(p + '.tmp', p);
    this.checkpointed = seq;
    this.saveDedup();
    await this.wal.releaseThrough(seq);
  }

  private loadDedup(): void {
    const now = Date.now();
    for (const name of ['batches.old.jsonl', 'batches.jsonl']) {
      const p = join(this.dir, name);
      if (!existsSync(p)) continue;
      for (const line of readFileSync(p, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const [hash, seq, at, rejected] = JSON.parse(line) as [string, number, number, Record<string, number> | undefined];
          if (now - at < DEDUP_WINDOW_MS) this.dedup.set(hash, { seq, at, rejected });
        } catch { /* torn line */ }
      }
    }
  }

  private dedupSaved = 0;
  private saveDedup(): void {
    const p = join(this.dir, 'batches.jsonl');
    // Rotate so the file only ever holds about two windows of batch hashes.
    if (existsSync(p) && Date.now() - statSync(p).birthtimeMs > DEDUP_WINDOW_MS) {
      renameSync(p, join(this.dir, 'batches.old.jsonl'));
      this.dedupSaved = 0;
    }
    const lines: string[] = [];
    for (const [hash, e] of this.dedup) if (e.seq > this.dedupSaved && e.seq <= this.checkpointed) lines.push(JSON.stringify([hash, e.seq, e.at, e.rejected]));
    if (lines.length) appendFileSync(p, lines.join('\n') + '\n');
    this.dedupSaved = this.checkpointed;
  }

  private rememberBatch(h: WalHeader): void {
    if (Date.now() - h.ingestionTime < DEDUP_WINDOW_MS) this.dedup.set(h.hash, { seq: h.seq, at: h.ingestionTime, rejected: h.rejected });
    if (this.dedup.size > 200_000) {
      const cutoff = Date.now() - DEDUP_WINDOW_MS;
      for (const [k, v] of this.dedup) if (v.at < cutoff) this.dedup.delete(k);
    }
  }

  /**
   * Appends a validated batch. `hash` identifies the batch's content: an identical batch
   * seen within the dedup window is acknowledged again without being stored twice.
   */
  async append(group: GroupMeta, stream: StreamMeta, events: InputEvent[], hash: string, rejected?: Record<string, number>): Promise<AppendResult> {
    if (this.recovering) await this.recovering;
    const seen = this.dedup.get(hash);
    if (seen && Date.now() - seen.at < DEDUP_WINDOW_MS) return { seq: seen.seq, duplicate: true, rejected: seen.rejected };
    const running = this.inflight.get(hash);
    if (running) return running.then((r) => ({ ...r, duplicate: true }));
    const p = this.doAppend(group, stream, events, hash, rejected);
    this.inflight.set(hash, p);
    try { return await p; } finally { this.inflight.delete(hash); }
  }

  private async doAppend(group: GroupMeta, stream: StreamMeta, events: InputEvent[], hash: string, rejected?: Record<string, number>): Promise<AppendResult> {
    if (this.queuedBytes > MAX_QUEUED_BYTES) throw new StoreOverloadedError();
    const seq = ++this.seq;
    const ingestionTime = Date.now();
    const table = this.tableOf(group);
    let body: Buffer, minTs: number, maxTs: number, bytes: number, format: WalHeader['format'];
    if (table === EVENTS_TABLE && this.engine.rowBinaryInserts) {
      // The generic table's rows need no per-format columns: RowBinary, the engine's cheapest load.
      const r = encodeEventRows({ groupId: group.id, streamId: stream.id, logGroup: group.name, logStream: stream.name, ingestionTime, seq }, events);
      ({ body, minTs, maxTs } = r);
      bytes = r.messageBytes;
      format = 'RowBinary';
    } else {
      ({ body, minTs, maxTs, bytes } = this.jsonRows(group, stream, table, events, ingestionTime, seq));
    }
    const header: WalHeader = { seq, groupId: group.id, streamId: stream.id, hash, count: events.length, minTs, maxTs, bytes, ingestionTime, rejected, ...(table !== EVENTS_TABLE ? { table } : {}), ...(format ? { format } : {}) };
    // WAL sync and engine insert run concurrently; the ack waits for both. Recovery
    // removes engine rows past the checkpoint, so an insert whose WAL write was lost is harmless.
    this.queuedBytes += body.length;
    const inserted = new Promise<void>((resolve, reject) => {
      this.inserts.push({ header, body, done: (e) => { this.queuedBytes -= body.length; if (e) reject(e); else resolve(); } });
      this.drainInserts();
    });
    await Promise.all([this.wal.append(header, body), inserted]);
    this.rememberBatch(header);
    if (stream.firstEventTimestamp === undefined || minTs < stream.firstEventTimestamp) stream.firstEventTimestamp = minTs;
    if (stream.lastEventTimestamp === undefined || maxTs > stream.lastEventTimestamp) stream.lastEventTimestamp = maxTs;
    stream.lastIngestionTime = ingestionTime;
    stream.storedBytes += bytes;
    return { seq, duplicate: false, rejected };
  }

  /** JSONEachRow rows: any table, with a typed table's hot columns. */
  private jsonRows(group: GroupMeta, stream: StreamMeta, table: string, events: InputEvent[], ingestionTime: number, seq: number): { body: Buffer; minTs: number; maxTs: number; bytes: number } {
    const prefix = `{"group_id":${group.id},"stream_id":${stream.id},"log_group":${JSON.stringify(group.name)},"log_stream":${JSON.stringify(stream.name)},"ingestion_time":${ingestionTime},"seq":${seq},"idx":`;
    const typed = table !== EVENTS_TABLE;
    const parts: string[] = new Array(events.length);
    let minTs = Infinity, maxTs = -Infinity, bytes = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const cols = typed ? e.columns ?? this.tables.get(table)?.columnsOf?.(e.message) : undefined;
      const extra = cols ? columnsJson(cols) : '';
      parts[i] = `${prefix}${i},"timestamp":${e.timestamp},"message":${JSON.stringify(e.message)}${extra}}\n`;
      if (e.timestamp < minTs) minTs = e.timestamp;
      if (e.timestamp > maxTs) maxTs = e.timestamp;
      bytes += e.size ?? Buffer.byteLength(e.message);
    }
    return { body: Buffer.from(parts.join('')), minTs, maxTs, bytes };
  }

  /** The engine insert of records sharing `first`'s table and format. */
  private insertParams(first: WalHeader, bodies: Buffer[]): InsertParams {
    const table = first.table ?? EVENTS_TABLE;
    return formatOf(first) === 'RowBinary'
      ? { table, values: bodies, format: 'RowBinary', columns: EVENT_ROW_COLUMNS }
      : { table, values: bodies.length === 1 ? bodies[0] : Buffer.concat(bodies), format: 'JSONEachRow' };
  }

  /** Starts engine inserts of queued records, up to INSERTS_IN_FLIGHT at once. */
  private drainInserts(): void {
    // During a recovery nothing new reaches the engine (appends wait for it; what was queued was failed).
    while (!this.recovering && this.inserts.length && this.insertsInFlight < INSERTS_IN_FLIGHT) {
      let bytes = 0;
      let n = 0;
      // Consecutive records for the same table and format share one insert, up to INSERT_MAX_BYTES.
      const first = this.inserts[0].header;
      while (n < this.inserts.length && sameInsert(this.inserts[n].header, first) && (n === 0 || bytes + this.inserts[n].body.length < INSERT_MAX_BYTES)) bytes += this.inserts[n++].body.length;
      const batch = this.inserts.splice(0, n);
      const slot: { last: number; state: 'running' | 'ok' | 'lost' } = { last: batch[batch.length - 1].header.seq, state: 'running' };
      this.insertSlots.push(slot);
      this.insertsInFlight++;
      void this.insertBatch(first, batch).then((applied) => {
        slot.state = applied ? 'ok' : 'lost';
        this.insertsInFlight--;
        // The checkpoint is a prefix: a later insert that finished first waits for the earlier ones.
        while (this.insertSlots.length && this.insertSlots[0].state === 'ok') this.applied = Math.max(this.applied, this.insertSlots.shift()!.last);
        this.drainInserts();
      });
    }
  }

  /** One engine insert of records; false when the engine died (recovery replays them from the WAL). */
  private async insertBatch(first: WalHeader, batch: PendingInsert[]): Promise<boolean> {
    try {
      await this.engine.insert(this.insertParams(first, batch.map((b) => b.body)));
      for (const b of batch) b.done();
      return true;
    } catch (e) {
      if (this.recovering || isEngineGone(e)) { for (const b of batch) b.done(e as Error); return false; }
      // One bad record must not fail the others it was coalesced with: insert them one by one.
      let failed: Map<number, Error>;
      try {
        failed = await this.insertEach(first.table ?? EVENTS_TABLE, batch.map((b) => ({ header: b.header, body: b.body })));
      } catch (e2) {
        for (const b of batch) b.done(e2 as Error);
        return false;
      }
      for (const b of batch) b.done(failed.get(b.header.seq));
      return true;
    }
  }

  /**
   * Inserts records one at a time after a combined insert failed, first removing anything the
   * failed insert may have left. Records the engine still refuses are set aside in
   * `refused-records.jsonl` (they were never acknowledged). Returns the errors by seq.
   */
  private async insertEach(table: string, recs: { header: WalHeader; body: Buffer }[]): Promise<Map<number, Error>> {
    const failed = new Map<number, Error>();
    await this.engine.command({ query: `DELETE FROM ${table} WHERE seq IN {seqs:Array(UInt64)}`, query_params: { seqs: recs.map((r) => r.header.seq) } });
    for (const r of recs) {
      try {
        await this.engine.insert(this.insertParams(r.header, [r.body]));
      } catch (e) {
        if (isEngineGone(e)) throw e;
        failed.set(r.header.seq, e as Error);
        appendFileSync(join(this.dir, 'refused-records.jsonl'), JSON.stringify({ seq: r.header.seq, groupId: r.header.groupId, streamId: r.header.streamId, count: r.header.count, error: String((e as Error).message).slice(0, 500) }) + '\n');
      }
    }
    return failed;
  }

  private async rebuildStats(): Promise<void> {
    const stats = await rows<{ s: string; f: string; l: string; i: string; b: string }>(this.engine,
      `SELECT stream_id AS s, min(timestamp) AS f, max(timestamp) AS l, max(ingestion_time) AS i, sum(length(message)) AS b FROM (${[...this.tables.keys()].map((t) => `SELECT stream_id, timestamp, ingestion_time, message FROM ${t}`).join(' UNION ALL ')}) GROUP BY stream_id`);
    const byId = new Map(stats.map((r) => [Number(r.s), r]));
    for (const g of this.meta.groups.values()) {
      for (const s of g.streams.values()) {
        const r = byId.get(s.id);
        if (!r) continue;
        s.firstEventTimestamp = Number(r.f);
        s.lastEventTimestamp = Number(r.l);
        s.lastIngestionTime = Number(r.i);
        s.storedBytes = Number(r.b);
      }
    }
  }

  /** Events of one stream in [start, end), after/before a cursor, in timestamp order. */
  async readStream(groupId: number, streamId: number, o: { start?: number; end?: number; after?: Cursor; before?: Cursor; limit: number; fromHead: boolean }): Promise<StoredEvent[]> {
    const where = ['group_id = {g:UInt64}', 'stream_id = {s:UInt64}'];
    const params: Record<string, unknown> = { g: groupId, s: streamId, lim: o.limit };
    if (o.start !== undefined) { where.push('timestamp >= {st:Int64}'); params.st = o.start; }
    if (o.end !== undefined) { where.push('timestamp < {en:Int64}'); params.en = o.end; }
    if (o.after) { where.push('(timestamp, seq, idx) > ({at:Int64}, {as:UInt64}, {ai:UInt32})'); Object.assign(params, { at: o.after.timestamp, as: o.after.seq, ai: o.after.idx }); }
    if (o.before) { where.push('(timestamp, seq, idx) < ({bt:Int64}, {bs:UInt64}, {bi:UInt32})'); Object.assign(params, { bt: o.before.timestamp, bs: o.before.seq, bi: o.before.idx }); }
    const dir = o.fromHead ? 'ASC' : 'DESC';
    const out = await this.select(`WHERE ${where.join(' AND ')} ORDER BY timestamp ${dir}, seq ${dir}, idx ${dir} LIMIT {lim:UInt32}`, params);
    return o.fromHead ? out : out.reverse();
  }

  /** Events of a group matching an SQL predicate, ordered by (timestamp, ingestion time, seq, idx). */
  async filter(groupId: number, o: { streamIds?: number[]; start?: number; end?: number; predicate?: string; predicateParams?: Record<string, unknown>; after?: { timestamp: number; ingestionTime: number; seq: number; idx: number }; limit: number }): Promise<StoredEvent[]> {
    const where = ['group_id = {g:UInt64}'];
    const params: Record<string, unknown> = { g: groupId, lim: o.limit, ...(o.predicateParams ?? {}) };
    if (o.streamIds) { where.push('stream_id IN {sids:Array(UInt64)}'); params.sids = o.streamIds; }
    if (o.start !== undefined) { where.push('timestamp >= {st:Int64}'); params.st = o.start; }
    if (o.end !== undefined) { where.push('timestamp <= {en:Int64}'); params.en = o.end; }
    if (o.after) { where.push('(timestamp, ingestion_time, seq, idx) > ({at:Int64}, {ain:Int64}, {as:UInt64}, {ai:UInt32})'); Object.assign(params, { at: o.after.timestamp, ain: o.after.ingestionTime, as: o.after.seq, ai: o.after.idx }); }
    if (o.predicate) where.push(`(${o.predicate})`);
    return this.select(`WHERE ${where.join(' AND ')} ORDER BY timestamp, ingestion_time, seq, idx LIMIT {lim:UInt32}`, params);
  }

  private tableOfId(groupId: number): string {
    const g = this.meta.groupById(groupId);
    return g ? this.tableOf(g) : EVENTS_TABLE;
  }

  private async select(tail: string, params: Record<string, unknown>): Promise<StoredEvent[]> {
    const table = this.tableOfId(params.g as number);
    const r = await rows<{ stream_id: string; log_stream: string; timestamp: string; ingestion_time: string; seq: string; idx: number; message: string }>(this.engine,
      `SELECT stream_id, log_stream, timestamp, ingestion_time, seq, idx, message FROM ${table} ${tail}`, params);
    return r.map((x) => ({ streamId: Number(x.stream_id), logStream: x.log_stream, timestamp: Number(x.timestamp), ingestionTime: Number(x.ingestion_time), seq: Number(x.seq), idx: Number(x.idx), message: x.message }));
  }

  async deleteGroupData(groupId: number, table = this.tableOfId(groupId)): Promise<void> {
    await this.engine.command({ query: `DELETE FROM ${table} WHERE group_id = {g:UInt64}`, query_params: { g: groupId } });
  }

  async deleteStreamData(groupId: number, streamId: number): Promise<void> {
    await this.engine.command({ query: `DELETE FROM ${this.tableOfId(groupId)} WHERE group_id = {g:UInt64} AND stream_id = {s:UInt64}`, query_params: { g: groupId, s: streamId } });
  }

  /** Deletes events older than each group's retention. Returns the number of groups swept. */
  async enforceRetention(now = Date.now()): Promise<number> {
    let swept = 0;
    for (const g of this.meta.groups.values()) {
      if (!g.retentionInDays) continue;
      const cutoff = now - g.retentionInDays * 86_400_000;
      const table = this.tableOf(g);
      const [{ n }] = await rows<{ n: string }>(this.engine, `SELECT count() AS n FROM ${table} WHERE group_id = {g:UInt64} AND timestamp < {c:Int64}`, { g: g.id, c: cutoff });
      if (Number(n) === 0) continue;
      await this.engine.command({ query: `DELETE FROM ${table} WHERE group_id = {g:UInt64} AND timestamp < {c:Int64}`, query_params: { g: g.id, c: cutoff } });
      swept++;
    }
    return swept;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.insertsInFlight > 0 || this.inserts.length) await new Promise((r) => setTimeout(r, 5));
    await this.wal.close();
    await this.checkpoint();
    this.meta.close();
    await this.engine.close();
  }
}
