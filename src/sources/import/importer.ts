/**
 * The importer: one source object's bytes (gzip or not) → format detection → parsing (in line-aligned chunks
 * for line formats, so memory stays bounded whatever the object size) → suppression → routing to destination
 * log groups (created on demand with the format's table) → durable `LogStore.append` → ledger record.
 *
 * Idempotency: the object is claimed in the ledger before anything is stored (a done object is answered
 * `skipped`, one being imported by another request `busy`); each chunk's batches carry deterministic hashes
 * (object id, chunk, destination, batch number) and large objects record their progress per chunk, so a retry
 * after a crash or a dropped connection neither loses nor duplicates events.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { LogStore, InputEvent } from '../../store/log-store.js';
import { runProcessors } from '../../ingest/processors.js';
import { StoreOverloadedError } from '../../store/log-store.js';
import type { GroupMeta, StreamMeta } from '../../store/metadata.js';
import type { TableSpec } from '../../store/schema.js';
import type { ParsedEvent, ParseProblem, SourceFormat } from '../contract.js';
import { SOURCE_FORMATS, detectFormat, getFormat, parseAwsLogFileName, reparseByMessageFormat } from '../registry.js';
import { cwlSubscription } from '../cwl-subscription/format.js';
import { ImportLedger, addCounts, emptyCounts, normalizeEtag, objectId, type DoneInfo, type DoneStatus, type ImportCounts, type ObjectRef } from './ledger.js';
import { compileFor, firstMatch, resolveRules, type FormatRules, type SuppressionRule } from './suppression.js';
import {
  DEFAULT_CHUNK_BYTES, DEFAULT_FIREHOSE_MAX_BYTES, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_PROBLEMS_GROUP, destinationGroup, destinationStream,
  render, safeGroupName, safeStreamName, varsFor, type ImportConfig,
} from './config.js';

/** Formats read line by line: their objects are parsed and stored in chunks. */
const LINE_FORMATS = new Set(['vpcflow', 'alb', 's3access', 'route53']);
const BATCH_EVENTS = 20_000;
const BATCH_BYTES = 8 * 1024 * 1024;
/** Unparseable lines stored per object in the problems group (all are counted). */
const MAX_STORED_PROBLEMS = 1000;
const HEAD_BYTES = 1024;

/**
 * Every format's table, for the LogStore constructor. An event appended to a format's group without typed
 * columns (PutLogEvents, native ingest) gets them from its message parsed as one record of that format, so
 * Logs Insights can rely on the columns of every row (src/sources/registry.ts exactTextFields).
 */
export function formatTableSpecs(): TableSpec[] {
  return SOURCE_FORMATS.map((f) => ({
    name: f.table,
    columns: f.columns.map((c) => ({ name: c.name, type: c.type })),
    columnsOf: (message: string) => {
      try {
        const out = f.parse(message, undefined, { keepRecord: false });
        return out.events.length === 1 ? out.events[0].columns : undefined;
      } catch {
        return undefined;
      }
    },
  }));
}

export class ImportError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) { super(message); }
}

export interface ImportRequest extends ObjectRef {
  /** Format id to use instead of detection. */
  format?: string;
  /** Destination group (and stream) overriding the naming convention. */
  group?: string;
  stream?: string;
  /** S3 user metadata worth keeping (CloudTrail digest signatures). */
  metadata?: Record<string, string>;
}

export interface GroupCount { logGroupName: string; logStreamName: string; events: number }

export interface ImportResult extends ImportCounts {
  status: DoneStatus | 'skipped';
  bucket: string;
  key: string;
  etag: string;
  format?: string;
  /** Chunks parsed; `resumedFromChunk` > 0 when an earlier attempt had stored some. */
  chunks: number;
  resumedFromChunk: number;
  bytes: number;
  inflatedBytes: number;
  groups: GroupCount[];
  warnings: number;
  problemSamples: ParseProblem[];
  /** `skipped`: when the object was first imported. */
  importedAt?: number;
  keptAt?: string;
  ms: number;
}

interface Dest { group: GroupMeta; stream: StreamMeta; typed: boolean; events: InputEvent[]; key: string }

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function sha(s: string): string { return createHash('sha256').update(s).digest('base64url'); }

/** Raw bytes → decompressed bytes (gzip detected by its magic number, members concatenated are read in turn). */
async function* decoded(body: AsyncIterable<Buffer>, onRaw: (n: number) => void): AsyncGenerator<Buffer> {
  const it = body[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (head.length < 2 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else { onRaw(r.value.length); head = head.length ? Buffer.concat([head, r.value]) : r.value; }
  }
  async function* raw(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) { onRaw(r.value.length); yield r.value; }
  }
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) { yield* raw(); return; }
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  pipeline(Readable.from(raw()), gunzip, () => { /* errors surface through the iteration below */ });
  try {
    yield* gunzip as AsyncIterable<Buffer>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code?.startsWith('Z_') || /unexpected end of file|incorrect header/.test(err.message)) throw new ImportError('InvalidObjectException', `the object is not valid gzip: ${err.message}`);
    throw e;
  }
}

/**
 * Line-aligned chunks: each ends at the first newline at or after `size` bytes from its start, so the
 * boundaries depend only on the content (not on how it arrived) and a retry cuts the same chunks.
 */
async function* lineChunks(src: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let total = 0;
  let searchFrom = size - 1;
  for await (const b of src) {
    parts.push(b);
    total += b.length;
    while (total > searchFrom) {
      const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
      parts = [buf];
      const nl = buf.indexOf(10, searchFrom);
      if (nl < 0) { searchFrom = total; break; }
      yield buf.subarray(0, nl + 1);
      const rest = buf.subarray(nl + 1);
      parts = rest.length ? [rest] : [];
      total = rest.length;
      searchFrom = size - 1;
    }
  }
  if (total > 0) yield parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
}

export interface ImportServiceOptions {
  dataDir: string;
  accountId: string;
  region: string;
  log: Logger;
  config?: ImportConfig;
}

export interface FirehoseResult { requestId: string; duplicate: boolean; records: number; events: number; counts: ImportCounts; groups: GroupCount[] }

export class ImportService {
  readonly ledger: ImportLedger;
  readonly rules: SuppressionRule[];
  readonly config: ImportConfig;
  private readonly compiled = new Map<string, FormatRules>();
  private readonly session = { requests: 0, imported: 0, skipped: 0, busy: 0, failed: 0, keptAside: 0, firehoseRequests: 0, firehoseDuplicates: 0 };

  constructor(readonly store: LogStore, readonly o: ImportServiceOptions) {
    this.config = o.config ?? {};
    this.rules = resolveRules(this.config.suppression);
    this.ledger = new ImportLedger(join(o.dataDir, 'import'));
  }

  private rulesFor(f: SourceFormat): FormatRules {
    let r = this.compiled.get(f.id);
    if (!r) this.compiled.set(f.id, (r = compileFor(f, this.rules)));
    return r;
  }

  private get chunkBytes(): number { return this.config.chunkBytes ?? DEFAULT_CHUNK_BYTES; }

  /** Which of these objects are already imported (for importers to skip them without sending their bytes). */
  check(refs: ObjectRef[]): { bucket: string; key: string; etag: string; status: 'done' | 'in-progress' | 'new'; importedAt?: number; info?: DoneInfo }[] {
    return refs.map((r) => {
      const id = objectId(r);
      const info = this.ledger.isDone(id);
      if (info) return { ...r, status: 'done' as const, importedAt: info.at, info };
      return { ...r, status: this.ledger.isClaimed(id) ? 'in-progress' as const : 'new' as const };
    });
  }

  /** Imports one object. Throws ImportError('ImportInProgressException', 409) when another request holds it. */
  async importObject(req: ImportRequest, body: AsyncIterable<Buffer>): Promise<ImportResult> {
    const started = Date.now();
    this.session.requests++;
    const ref: ObjectRef = { bucket: req.bucket, key: req.key, etag: normalizeEtag(req.etag) };
    const id = objectId(ref);
    const claim = this.ledger.claim(id);
    const base = { bucket: ref.bucket, key: ref.key, etag: ref.etag, chunks: 0, resumedFromChunk: 0, bytes: 0, inflatedBytes: 0, groups: [], warnings: 0, problemSamples: [] };
    if (claim.state === 'done') {
      this.session.skipped++;
      return { ...base, ...emptyCounts(), status: 'skipped', format: claim.info.format, received: claim.info.received, stored: claim.info.stored, importedAt: claim.info.at, ms: Date.now() - started };
    }
    if (claim.state === 'busy') {
      this.session.busy++;
      throw new ImportError('ImportInProgressException', `s3://${ref.bucket}/${ref.key} (ETag ${ref.etag}) is being imported by another request since ${new Date(claim.since).toISOString()}`, 409);
    }
    try {
      const r = await this.run(id, req, ref, claim.progress, body, started);
      if (r.status === 'kept-aside') this.session.keptAside++; else this.session.imported++;
      return r;
    } catch (e) {
      this.session.failed++;
      throw e;
    } finally {
      claim.release();
    }
  }

  private async run(id: string, req: ImportRequest, ref: ObjectRef, progress: { chunks: number; groups: string[] } & ImportCounts | undefined, body: AsyncIterable<Buffer>, started: number): Promise<ImportResult> {
    const result: ImportResult = { status: 'imported', ...ref, chunks: 0, resumedFromChunk: progress?.chunks ?? 0, bytes: 0, inflatedBytes: 0, groups: [], warnings: 0, problemSamples: [], ...emptyCounts(), ms: 0 };
    if (progress) addCounts(result, progress);
    const info = parseAwsLogFileName(ref.key);
    const src = decoded(body, (n) => { result.bytes += n; })[Symbol.asyncIterator]();
    // The head, for detection.
    const headBufs: Buffer[] = [];
    let headLen = 0;
    let ended = false;
    while (headLen < HEAD_BYTES) {
      const r = await src.next();
      if (r.done) { ended = true; break; }
      headBufs.push(r.value);
      headLen += r.value.length;
    }
    const rest = (async function* () {
      yield* headBufs;
      if (ended) return;
      for (let r = await src.next(); !r.done; r = await src.next()) yield r.value;
    })();
    const counted = (async function* (): AsyncGenerator<Buffer> {
      for await (const b of rest) { result.inflatedBytes += b.length; yield b; }
    })();

    const finish = async (status: DoneStatus, format: SourceFormat | undefined, groups: Set<string>): Promise<ImportResult> => {
      result.status = status;
      result.format = format?.id;
      await this.ledger.recordDone({ id, ...ref, status, format: format?.id, groups: [...groups], received: result.received, stored: result.stored, suppressed: result.suppressed, diverted: result.diverted, problems: result.problems });
      result.ms = Date.now() - started;
      return result;
    };

    if (headLen === 0) { for await (const _ of counted) { /* drain */ } return finish('empty', undefined, new Set()); }
    const headText = Buffer.concat(headBufs).subarray(0, HEAD_BYTES * 4).toString('utf8');

    if (info?.service === 'CloudTrail-Digest') return this.keepDigest(ref, req, counted, result, finish);

    let format: SourceFormat | undefined;
    if (req.format) {
      format = getFormat(req.format);
      if (!format) throw new ImportError('InvalidParameterException', `Unknown format '${req.format}' (known: ${SOURCE_FORMATS.map((f) => f.id).join(', ')})`);
    } else format = detectFormat(headText, ref.key);
    if (!format) {
      for await (const _ of counted) { /* drain */ }
      return finish('unrecognized', undefined, new Set());
    }

    const rules = this.rulesFor(format);
    const line = LINE_FORMATS.has(format.id);
    const chunks = line ? lineChunks(counted, this.chunkBytes) : this.whole(counted);
    const groups = new Set<string>(progress?.groups ?? []);
    const groupCounts = new Map<string, GroupCount>();
    const vars = varsFor(format, info, { account: this.o.accountId, region: this.o.region, bucket: ref.bucket, key: ref.key });
    let fields: string[] | undefined;
    let pending: Promise<void> = Promise.resolve();
    let index = 0;
    let lastKind: string | undefined;
    const it = chunks[Symbol.asyncIterator]();
    try {
      let next = await it.next();
      while (!next.done) {
        const buf = next.value;
        const chunk = index++;
        if (chunk < result.resumedFromChunk) {
          // Stored by an earlier attempt; a VPC flow file's header still gives the field list.
          if (chunk === 0 && format.id === 'vpcflow') {
            const nl = buf.indexOf(10);
            fields = format.parse(buf.subarray(0, nl < 0 ? buf.length : nl).toString('utf8'), ref.key).fields;
          }
          next = await it.next();
          continue;
        }
        const text = buf.toString('utf8');
        const out = format.parse(text, ref.key, { keepRecord: rules.needsRecord, ...(chunk > 0 && fields && format.id === 'vpcflow' ? { format: fields.join(' ') } : {}) });
        if (chunk === 0) fields = out.fields;
        lastKind = out.kind;
        if (out.kind === 'cloudtrail-digest') {
          await pending;
          return await this.keepDigestText(ref, req, text, result, finish);
        }
        result.warnings += out.warnings?.length ?? 0;
        const counts = emptyCounts();
        counts.received = out.events.length;
        counts.problems = out.problems.length;
        for (const p of out.problems) if (result.problemSamples.length < 5) result.problemSamples.push(p);
        const dests = format.id === 'cwl-subscription'
          ? this.routeSubscription(out.events, counts, groups)
          : this.routeFile(format, out.events, vars, req, rules, counts, groups);
        // At most one chunk's appends are outstanding: they run while the next chunk is read and parsed.
        await pending;
        const problemsBefore = result.problems;
        pending = (async () => {
          const appended = await this.appendDests(dests, `import\0${id}\0${chunk}`, groupCounts);
          await this.storeProblems(ref, out.problems, `${id}\0${chunk}`, problemsBefore);
          counts.stored = appended - counts.diverted;
          addCounts(result, counts);
          result.chunks = chunk + 1;
        })();
        pending.catch(() => { /* awaited below */ });
        next = await it.next();
        if (!next.done) {
          // More chunks follow: once this one is durable, say so, so a retry resumes after it.
          pending = pending.then(() => this.ledger.recordProgress({ id, chunks: chunk + 1, groups: [...groups], received: result.received, stored: result.stored, suppressed: result.suppressed, diverted: result.diverted, problems: result.problems }));
          pending.catch(() => { /* awaited below */ });
        }
      }
      await pending;
    } catch (e) {
      // Let outstanding appends settle before the claim is released.
      await pending.catch(() => { /* the first error is the one reported */ });
      throw e;
    }
    result.chunks = Math.max(result.chunks, index);
    result.groups = [...groupCounts.values()];
    if (lastKind === 'control-message' && result.received === 0) return finish('control-message', format, groups);
    return finish('imported', format, groups);
  }

  private async *whole(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const max = this.config.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
    const parts: Buffer[] = [];
    let n = 0;
    for await (const b of src) {
      n += b.length;
      if (n > max) throw new ImportError('ObjectTooLargeException', `the object is larger than ${max} bytes uncompressed, the limit for a whole-document format`, 413);
      parts.push(b);
    }
    yield Buffer.concat(parts, n);
  }

  private routeFile(format: SourceFormat, events: ParsedEvent[], vars: ReturnType<typeof varsFor>, req: ImportRequest, rules: FormatRules, counts: ImportCounts, groups: Set<string>): Map<string, Dest> {
    const dests = new Map<string, Dest>();
    const groupName = req.group ? safeGroupName(req.group) : destinationGroup(this.config, format, vars);
    const streamName = req.stream ? safeStreamName(req.stream) : destinationStream(this.config, format, vars);
    const main = this.dest(dests, groupName, streamName, format, groups);
    if (!rules.rules.length) {
      if (main.events.length === 0) main.events = events;
      else for (const e of events) main.events.push(e);
      return dests;
    }
    let diverted: Dest | undefined;
    for (const e of events) {
      const rule = firstMatch(rules.rules, e);
      if (!rule) { main.events.push(e); continue; }
      counts.suppressed[rule.id] = (counts.suppressed[rule.id] ?? 0) + 1;
      if (rule.action === 'count') continue;
      diverted ??= this.dest(dests, `${groupName}/suppressed`, streamName, format, groups);
      diverted.events.push(e);
      counts.diverted++;
    }
    return dests;
  }

  /** Subscription events: to a group named after their origin log group, typed by their messages' format. */
  private routeSubscription(events: ParsedEvent[], counts: ImportCounts, groups: Set<string>): Map<string, Dest> {
    const dests = new Map<string, Dest>();
    const template = this.config.firehose?.groupTemplate ?? '{logGroup}';
    for (const [fmt, list] of reparseByMessageFormat(events)) {
      const format = fmt ?? cwlSubscription;
      const rules = this.rulesFor(format).rules;
      for (const e of list) {
        const o = e.origin;
        const groupName = safeGroupName(render(template, { account: o?.owner || this.o.accountId, region: this.o.region, format: format.id, logGroup: o?.logGroup || 'unknown', logStream: o?.logStream }));
        const streamName = safeStreamName(o?.logStream || 'default');
        const rule = rules.length ? firstMatch(rules, e) : undefined;
        if (rule) {
          counts.suppressed[rule.id] = (counts.suppressed[rule.id] ?? 0) + 1;
          if (rule.action === 'count') continue;
          counts.diverted++;
          this.dest(dests, `${groupName}/suppressed`, streamName, format, groups).events.push(e);
        } else this.dest(dests, groupName, streamName, format, groups).events.push(e);
      }
    }
    return dests;
  }

  private dest(dests: Map<string, Dest>, groupName: string, streamName: string, format: SourceFormat | undefined, groups: Set<string>): Dest {
    const k = `${groupName}\0${streamName}\0${format?.id ?? ''}`;
    let d = dests.get(k);
    if (!d) {
      const now = Date.now();
      const meta = this.store.meta;
      let group = meta.groups.get(groupName);
      if (!group) group = meta.createGroup(groupName, now, 'STANDARD', {}, undefined, format?.table);
      const stream = group.streams.get(streamName) ?? meta.createStream(group, streamName, now);
      // Typed columns only go to a group holding this format's table.
      d = { group, stream, typed: !!format && group.table === format.table, events: [], key: k };
      dests.set(k, d);
      groups.add(groupName);
    }
    return d;
  }

  /** Appends every destination's events (in batches with deterministic hashes); returns how many. */
  private async appendDests(dests: Map<string, Dest>, hashBase: string, groupCounts: Map<string, GroupCount>): Promise<number> {
    const appends: Promise<unknown>[] = [];
    let total = 0;
    for (const d of dests.values()) {
      if (!d.events.length) continue;
      const events: InputEvent[] = d.typed ? d.events : d.events.map((e) => ({ timestamp: e.timestamp, message: e.message }));
      let b = 0;
      for (let i = 0; i < events.length;) {
        let bytes = 0;
        let j = i;
        while (j < events.length && j - i < BATCH_EVENTS && (j === i || bytes < BATCH_BYTES)) bytes += events[j++].message.length;
        const batch = i === 0 && j === events.length ? events : events.slice(i, j);
        appends.push(this.appendRetrying(d.group, d.stream, batch, sha(`${hashBase}\0${d.key}\0${b++}`)));
        i = j;
      }
      const gk = `${d.group.name}\0${d.stream.name}`;
      const gc = groupCounts.get(gk) ?? { logGroupName: d.group.name, logStreamName: d.stream.name, events: 0 };
      gc.events += events.length;
      groupCounts.set(gk, gc);
      total += events.length;
    }
    await Promise.all(appends);
    return total;
  }

  /**
   * Appends, waiting out a full engine queue rather than failing the import. Imported events go
   * through the post-append processors like API ingest does (metric filters on a CloudTrail group
   * are how the CIS alarms see imported trails); a retried duplicate batch does not run them again.
   */
  private async appendRetrying(group: GroupMeta, stream: StreamMeta, events: InputEvent[], hash: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.store.append(group, stream, events, hash);
        if (!r.duplicate) await runProcessors(this.store, { group, stream, events });
        return;
      } catch (e) {
        if (!(e instanceof StoreOverloadedError) || attempt > 600) throw e;
        await sleep(Math.min(1000, 20 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /** Unparseable lines, kept in the problems group (the first MAX_STORED_PROBLEMS of an object). */
  private async storeProblems(ref: ObjectRef, problems: ParseProblem[], hashBase: string, already: number): Promise<void> {
    if (!problems.length || already >= MAX_STORED_PROBLEMS) return;
    const list = problems.slice(0, MAX_STORED_PROBLEMS - already);
    const now = Date.now();
    const meta = this.store.meta;
    const name = safeGroupName(this.config.problemsGroup ?? DEFAULT_PROBLEMS_GROUP);
    const group = meta.groups.get(name) ?? meta.createGroup(name, now, 'STANDARD', {});
    const stream = group.streams.get('problems') ?? meta.createStream(group, 'problems', now);
    const events = list.map((p) => ({ timestamp: now, message: JSON.stringify({ bucket: ref.bucket, key: ref.key, etag: ref.etag, line: p.line, reason: p.reason, text: p.text }) }));
    await this.appendRetrying(group, stream, events, sha(`problems\0${hashBase}`));
  }

  private async keepDigest(ref: ObjectRef, req: ImportRequest, src: AsyncIterable<Buffer>, result: ImportResult, finish: (s: DoneStatus, f: SourceFormat | undefined, g: Set<string>) => Promise<ImportResult>): Promise<ImportResult> {
    const parts: Buffer[] = [];
    for await (const b of this.whole(src)) parts.push(b);
    return this.keepDigestText(ref, req, Buffer.concat(parts).toString('utf8'), result, finish);
  }

  /**
   * CloudTrail digest files are kept aside, not parsed into events: the uncompressed bytes (what the digest
   * chain hashes) under `<data>/digests/<bucket>/<key without .gz>`, with the S3 metadata (signature) beside them.
   */
  private async keepDigestText(ref: ObjectRef, req: ImportRequest, text: string, result: ImportResult, finish: (s: DoneStatus, f: SourceFormat | undefined, g: Set<string>) => Promise<ImportResult>): Promise<ImportResult> {
    const safeKey = ref.key.split('/').filter((p) => p && p !== '.' && p !== '..').join('/').replace(/\.gz$/i, '') || 'digest.json';
    const path = join(this.o.dataDir, 'digests', ref.bucket.replace(/[/\\]/g, '_').replace(/^\.*$/, '_'), safeKey);
    mkdirSync(dirname(path), { recursive: true });
    const writeDurably = (p: string, data: string) => {
      const fd = openSync(p + '.tmp', 'w');
      writeSync(fd, data);
      fsyncSync(fd);
      closeSync(fd);
      renameSync(p + '.tmp', p);
    };
    writeDurably(path, text);
    writeDurably(path + '.meta.json', JSON.stringify({ bucket: ref.bucket, key: ref.key, etag: ref.etag, metadata: req.metadata ?? {}, keptAt: Date.now() }));
    result.keptAt = path;
    return finish('kept-aside', getFormat('cloudtrail'), new Set());
  }

  /**
   * A Kinesis Data Firehose HTTP endpoint delivery (aws-facts 7.5): records are base64; CloudWatch Logs
   * subscription payloads (gzip) become events in groups named after their origin log group, other records
   * are parsed by their detected format (or kept as lines). Idempotent on the request id.
   */
  async firehose(requestId: string, sourceArn: string, records: string[], timestamp: number): Promise<FirehoseResult> {
    this.session.firehoseRequests++;
    const ref: ObjectRef = { bucket: 'firehose', key: sourceArn, etag: requestId };
    const id = objectId(ref);
    for (;;) {
      const claim = this.ledger.claim(id);
      if (claim.state === 'done') {
        this.session.firehoseDuplicates++;
        return { requestId, duplicate: true, records: records.length, events: claim.info.stored, counts: emptyCounts(), groups: [] };
      }
      if (claim.state === 'busy') { await this.ledger.settled(id); continue; }
      try {
        return await this.firehoseRun(id, ref, requestId, records, timestamp);
      } finally {
        claim.release();
      }
    }
  }

  private async firehoseRun(id: string, ref: ObjectRef, requestId: string, records: string[], timestamp: number): Promise<FirehoseResult> {
    const counts = emptyCounts();
    const groups = new Set<string>();
    const groupCounts = new Map<string, GroupCount>();
    const subscription: ParsedEvent[] = [];
    const all = new Map<string, Dest>();
    const deliveryStream = ref.key.slice(ref.key.lastIndexOf('/') + 1) || 'unknown';
    const problems: ParseProblem[] = [];
    for (let i = 0; i < records.length; i++) {
      let buf = Buffer.from(records[i], 'base64');
      if (buf.length === 0) continue;
      if (buf[0] === 0x1f && buf[1] === 0x8b) {
        try { buf = gunzipSync(buf); } catch (e) { problems.push({ line: i + 1, reason: `record ${i}: invalid gzip: ${(e as Error).message}`, text: records[i].slice(0, 256) }); continue; }
      }
      const text = buf.toString('utf8');
      const format = detectFormat(text.slice(0, HEAD_BYTES * 4));
      if (format?.id === 'cwl-subscription') {
        const out = format.parse(text);
        for (const e of out.events) subscription.push(e);
        for (const p of out.problems) problems.push({ ...p, line: i + 1 });
        continue;
      }
      if (format) {
        const out = format.parse(text, undefined, { fallbackTimestamp: timestamp });
        const rules = this.rulesFor(format);
        const vars = { account: this.o.accountId, region: this.o.region, format: format.id, deliveryStream };
        const groupName = safeGroupName(render(this.config.firehose?.rawGroupTemplate ?? destinationGroup(this.config, format, vars), vars));
        counts.received += out.events.length;
        for (const p of out.problems) problems.push({ ...p, line: i + 1 });
        for (const e of out.events) {
          const rule = rules.rules.length ? firstMatch(rules.rules, e) : undefined;
          if (rule) {
            counts.suppressed[rule.id] = (counts.suppressed[rule.id] ?? 0) + 1;
            if (rule.action === 'count') continue;
            counts.diverted++;
            this.dest(all, `${groupName}/suppressed`, deliveryStream, format, groups).events.push(e);
          } else this.dest(all, groupName, deliveryStream, format, groups).events.push(e);
        }
        continue;
      }
      const groupName = safeGroupName(render(this.config.firehose?.rawGroupTemplate ?? '/aws/firehose/{deliveryStream}', { account: this.o.accountId, region: this.o.region, format: 'raw', deliveryStream }));
      const d = this.dest(all, groupName, deliveryStream, undefined, groups);
      for (const lineText of text.split('\n')) if (lineText.trim()) { d.events.push({ timestamp, message: lineText.replace(/\r$/, ''), columns: {} }); counts.received++; }
    }
    counts.received += subscription.length;
    counts.problems = problems.length;
    for (const [k, d] of this.routeSubscription(subscription, counts, groups)) {
      const have = all.get(k);
      if (have) for (const e of d.events) have.events.push(e); else all.set(k, d);
    }
    const appended = await this.appendDests(all, `firehose\0${id}`, groupCounts);
    await this.storeProblems(ref, problems, `${id}\0firehose`, 0);
    counts.stored = appended - counts.diverted;
    await this.ledger.recordDone({ id, ...ref, status: 'imported', format: 'firehose', via: 'firehose', groups: [...groups], ...counts });
    return { requestId, duplicate: false, records: records.length, events: counts.stored, counts, groups: [...groupCounts.values()] };
  }

  firehoseMaxBytes(): number { return this.config.firehose?.maxBodyBytes ?? DEFAULT_FIREHOSE_MAX_BYTES; }

  async recordDeadLetter(d: ObjectRef & { reason: string; attempts: number; source?: string }) {
    return this.ledger.recordDead(d);
  }

  stats(): Record<string, unknown> {
    const t = this.ledger.totals;
    return {
      objects: { recorded: t.objects, byStatus: t.byStatus, inProgress: this.ledger.inFlight(), deadLetters: this.ledger.deadLetters().length },
      events: { received: t.counts.received, stored: t.counts.stored, diverted: t.counts.diverted, problems: t.counts.problems, suppressed: Object.values(t.counts.suppressed).reduce((a, b) => a + b, 0) },
      firehose: { requests: t.firehoseRequests },
      suppression: this.rules.map((r) => ({ id: r.id, source: r.source, match: r.match, reason: r.reason, action: r.action ?? 'divert', builtin: !!r.builtin, matched: t.counts.suppressed[r.id] ?? 0 })),
      session: { ...this.session },
    };
  }

  async close(): Promise<void> { await this.ledger.close(); }
}

