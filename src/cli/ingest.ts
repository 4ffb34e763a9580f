/**
 * `trailwatch ingest`: files, directories (recursively) or stdin into a log group through the
 * native ingest endpoint. Input may be gzip-compressed (detected by its magic bytes); lines are
 * NDJSON or plain text (the server takes a JSON line's own timestamp field, plain lines get the
 * time of arrival). Bodies of about 4 MiB, split on line boundaries, several in flight.
 */
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { IngestResult, LogsClient } from './client.js';
import { CliError } from './errors.js';
import { withClient } from './context.js';
import { formatBytes, formatCount, out, outJson, parsePositiveInt } from './format.js';

/** Target size of one request body (uncompressed). */
export const BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_CONCURRENCY = 4;
/** The fields the server takes an NDJSON line's timestamp from (src/ingest/lines.ts). */
const TIME_FIELDS = ['timestamp', '@timestamp', 'time', 'eventTime', 'ts'];

export interface InputFile {
  /** A path, or `-` for stdin. */
  path: string;
  stream: string;
  /** Size on disk (compressed size for gzip files); undefined for stdin. */
  size?: number;
  format?: 'ndjson' | 'text' | 'empty';
  gzip?: boolean;
}

export interface IngestSummary {
  logGroupName: string;
  files: number;
  streams: number;
  bytes: number;
  requests: number;
  received: number;
  ingested: number;
  rejected: IngestResult['rejected'] & { total: number };
  seconds: number;
  eventsPerSecond: number;
  inputs: InputFile[];
}

/** A stream name from a file name: its base name without `.gz`; `:` and `*` (not allowed) become `_`. */
export function streamNameFor(path: string): string {
  const b = basename(path);
  const name = /\.gz$/i.test(b) && b.length > 3 ? b.slice(0, -3) : b;
  return name.replace(/[:*]/g, '_').slice(0, 512);
}

async function walk(dir: string, out: string[], visited: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (visited.has(real)) return; // a symlink loop
  visited.add(real);
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out, visited);
    else if (e.isFile()) out.push(p);
    else if (e.isSymbolicLink()) {
      const st = await stat(p).catch(() => undefined);
      if (st?.isDirectory()) await walk(p, out, visited);
      else if (st?.isFile()) out.push(p);
    }
  }
}

/** The files named on the command line: files as given, directories expanded recursively, `-` for stdin. */
export async function resolveInputs(args: string[], stream?: string): Promise<InputFile[]> {
  const files: InputFile[] = [];
  let stdin = false;
  for (const a of args) {
    if (a === '-') {
      if (stdin) throw new CliError('InvalidArgument', "stdin ('-') can only be given once");
      stdin = true;
      files.push({ path: '-', stream: stream ?? 'stdin' });
      continue;
    }
    const st = await stat(a).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new CliError('FileNotFound', `No such file or directory: ${a}`);
      throw new CliError(e.code ?? 'FileError', `${a}: ${e.message.replace(/^[A-Z]+: /, '')}`);
    });
    if (st.isDirectory()) {
      const found: string[] = [];
      await walk(a, found, new Set());
      for (const f of found) files.push({ path: f, stream: stream ?? streamNameFor(f), size: (await stat(f)).size });
    } else {
      files.push({ path: a, stream: stream ?? streamNameFor(a), size: st.size });
    }
  }
  return files;
}

/** The input's bytes, gunzipped when they start with the gzip magic bytes (1f 8b). */
async function* decompressed(source: AsyncIterable<Buffer>, file: InputFile): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (head.length < 2 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else head = head.length ? Buffer.concat([head, r.value]) : r.value;
  }
  file.gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  async function* raw(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  if (!file.gzip) { yield* raw(); return; }
  const gunzip = createGunzip();
  pipeline(Readable.from(raw()), gunzip, () => { /* errors surface through the iteration below */ });
  yield* gunzip as AsyncIterable<Buffer>;
}

/**
 * Bodies of whole lines of at most `target` bytes. A line that alone reaches `target` cannot be
 * an event (the limit is 256 KiB): it is dropped and counted through `onOversize`.
 */
export async function* lineChunks(source: AsyncIterable<Buffer>, target: number, onOversize: () => void): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let first = true;
  for await (let d of source) {
    if (first) {
      first = false;
      if (d.length >= 3 && d[0] === 0xef && d[1] === 0xbb && d[2] === 0xbf) d = d.subarray(3); // UTF-8 BOM
    }
    if (skipping) {
      const nl = d.indexOf(10);
      if (nl < 0) continue;
      d = d.subarray(nl + 1);
      skipping = false;
    }
    if (!d.length) continue;
    parts.push(d);
    size += d.length;
    while (size >= target) {
      const b = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
      let cut = b.lastIndexOf(10, target - 1);
      if (cut < 0) {
        // The first line alone is at least `target` bytes.
        onOversize();
        const nl = b.indexOf(10, target);
        if (nl < 0) { parts = []; size = 0; skipping = true; break; }
        const rest = b.subarray(nl + 1);
        parts = rest.length ? [rest] : [];
        size = rest.length;
        continue;
      }
      cut += 1;
      yield b.subarray(0, cut);
      const rest = b.subarray(cut);
      parts = rest.length ? [rest] : [];
      size = rest.length;
    }
  }
  if (size > 0) yield parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
}

/** NDJSON when the first non-blank line is a JSON object; `timed` when it has a field the server takes a time from. */
export function detectFormat(chunk: Buffer): { format: 'ndjson' | 'text'; timed: boolean } {
  const text = chunk.subarray(0, Math.min(chunk.length, 1024 * 1024)).toString('utf8');
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (!line.startsWith('{')) return { format: 'text', timed: false };
  try {
    const o = JSON.parse(line) as unknown;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return { format: 'text', timed: false };
    const rec = o as Record<string, unknown>;
    return { format: 'ndjson', timed: TIME_FIELDS.some((f) => typeof rec[f] === 'number' || (typeof rec[f] === 'string' && !Number.isNaN(Date.parse(rec[f] as string)))) };
  } catch {
    return { format: 'text', timed: false };
  }
}

class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); else this.free++;
    };
  }
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]);
  });
  await Promise.all(workers);
}

export interface IngestOptions {
  group: string;
  create?: boolean;
  compress?: boolean;
  concurrency?: number;
  bodyBytes?: number;
  /** Called as bytes are read and answers arrive. */
  onProgress?: (p: { bytesRead: number; received: number; ingested: number }) => void;
  stdin?: AsyncIterable<Buffer>;
}

/**
 * Sends the files. Files of one stream go in order, several per body when small; bodies of a
 * stream are sent one after the other unless their lines carry their own timestamps (otherwise
 * the server would time them by arrival and concurrent bodies could interleave).
 */
export async function ingestFiles(client: LogsClient, files: InputFile[], o: IngestOptions): Promise<IngestSummary> {
  const started = process.hrtime.bigint();
  const target = o.bodyBytes ?? BODY_BYTES;
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  const sem = new Semaphore(concurrency);
  const totals = { received: 0, ingested: 0, requests: 0, bytesRead: 0, rejected: { tooOld: 0, tooNew: 0, expired: 0, tooLarge: 0 } };
  let failure: unknown;
  const progress = () => o.onProgress?.({ bytesRead: totals.bytesRead, received: totals.received, ingested: totals.ingested });

  // Streams in order of first appearance, each with its files in command-line order.
  const byStream = new Map<string, InputFile[]>();
  for (const f of files) byStream.set(f.stream, [...(byStream.get(f.stream) ?? []), f]);

  async function sendStream([stream, streamFiles]: [string, InputFile[]]): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    let body: Buffer[] = [];
    let bodySize = 0;
    let bodyOrdered = false;
    const flush = async () => {
      if (!bodySize || failure) { body = []; bodySize = 0; return; }
      const data = body.length === 1 ? body[0] : Buffer.concat(body, bodySize);
      const ordered = bodyOrdered;
      body = [];
      bodySize = 0;
      bodyOrdered = false;
      if (ordered) await Promise.all(inFlight);
      if (failure) return;
      const release = await sem.acquire();
      if (failure) { release(); return; }
      totals.requests++;
      const p: Promise<void> = client.ingest(o.group, stream, data, { create: o.create, gzip: o.compress }).then((r) => {
        totals.received += r.received;
        totals.ingested += r.ingested;
        for (const k of Object.keys(totals.rejected) as (keyof IngestResult['rejected'])[]) totals.rejected[k] += r.rejected?.[k] ?? 0;
        progress();
      }, (e: unknown) => { failure ??= e; }).finally(() => { release(); inFlight.delete(p); });
      inFlight.add(p);
    };
    for (const f of streamFiles) {
      if (failure) break;
      const display = f.path === '-' ? 'stdin' : f.path;
      const rs = f.path === '-' ? undefined : createReadStream(f.path, { highWaterMark: 1024 * 1024 });
      const input: AsyncIterable<Buffer> = rs ?? o.stdin ?? process.stdin;
      const source = (async function* () {
        for await (const c of input) { totals.bytesRead += c.length; progress(); yield c; }
      })();
      let firstChunk = true;
      let timed = false;
      let lastEndsWithNewline = true;
      try {
        for await (const chunk of lineChunks(decompressed(source, f), target, () => { totals.received++; totals.rejected.tooLarge++; })) {
          if (failure) break;
          if (firstChunk) {
            firstChunk = false;
            const d = detectFormat(chunk);
            f.format = d.format;
            timed = d.timed;
          }
          // Small files of the same stream share a body; a file's last line must end before the next file's first.
          if (bodySize && !lastEndsWithNewline) { body.push(Buffer.from('\n')); bodySize++; }
          if (bodySize + chunk.length > target) await flush();
          body.push(chunk);
          bodySize += chunk.length;
          bodyOrdered ||= !timed;
          lastEndsWithNewline = chunk[chunk.length - 1] === 10;
          if (bodySize >= target / 2) await flush();
        }
      } catch (e) {
        rs?.destroy();
        const err = e as NodeJS.ErrnoException;
        if (e instanceof CliError) throw e;
        throw new CliError(err.code?.startsWith('Z_') ? 'InvalidGzipData' : (err.code ?? 'ReadError'), `${display}: ${err.message.replace(/^[A-Z]+: /, '')}`);
      }
      if (firstChunk) f.format = 'empty';
      if (f.gzip === undefined) f.gzip = false;
      if (!lastEndsWithNewline && bodySize) { body.push(Buffer.from('\n')); bodySize++; }
    }
    await flush();
    await Promise.all(inFlight);
  }

  await pool([...byStream.entries()], concurrency, async (entry) => {
    if (failure) return;
    // A failure (an unreadable file, a refused request) stops every stream.
    try { await sendStream(entry); } catch (e) { failure ??= e; }
  });
  if (failure) throw failure;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rejectedTotal = totals.rejected.tooOld + totals.rejected.tooNew + totals.rejected.expired + totals.rejected.tooLarge;
  return {
    logGroupName: o.group,
    files: files.length,
    streams: byStream.size,
    bytes: totals.bytesRead,
    requests: totals.requests,
    received: totals.received,
    ingested: totals.ingested,
    rejected: { ...totals.rejected, total: rejectedTotal },
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSecond: seconds > 0 ? Math.round(totals.received / seconds) : totals.received,
    inputs: files,
  };
}

const events = (n: number) => `${formatCount(n)} event${n === 1 ? '' : 's'}`;

function summaryText(s: IngestSummary): string {
  const r = s.rejected;
  const why = ([['too old', r.tooOld], ['too new', r.tooNew], ['expired', r.expired], ['too large', r.tooLarge]] as [string, number][])
    .filter(([, n]) => n > 0).map(([k, n]) => `${k} ${formatCount(n)}`);
  return [
    `log group: ${s.logGroupName}`,
    `files:     ${formatCount(s.files)} (${formatBytes(s.bytes)}) into ${formatCount(s.streams)} stream${s.streams === 1 ? '' : 's'}`,
    `received:  ${events(s.received)}`,
    `ingested:  ${events(s.ingested)}`,
    `rejected:  ${events(r.total)}${why.length ? ` (${why.join(', ')})` : ''}`,
    `time:      ${s.seconds.toFixed(2)} s (${formatCount(s.eventsPerSecond)} events/s)`,
  ].join('\n') + '\n';
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('send files, directories (recursively) or stdin (-) to a log group: NDJSON or plain lines, gzip or not')
    .argument('<inputs...>', 'files, directories, or - for stdin')
    .requiredOption('-g, --group <name>', 'log group name')
    .option('-s, --stream <name>', 'log stream for every input (default: the file base name without .gz; "stdin" for -)')
    .option('--create', 'create the log group if it does not exist (streams are always created)')
    .option('--compress', 'gzip request bodies (worth it over slow links)')
    .option('--concurrency <n>', 'requests in flight', (v) => parsePositiveInt(v, '--concurrency'), DEFAULT_CONCURRENCY)
    .action(async (inputs: string[], opts: { group: string; stream?: string; create?: boolean; compress?: boolean; concurrency: number }, cmd: Command) => {
      const files = await resolveInputs(inputs, opts.stream);
      await withClient(cmd, async (client, g) => {
        const showBar = !g.json && process.stderr.isTTY === true;
        const total = files.every((f) => f.size !== undefined) ? files.reduce((n, f) => n + (f.size ?? 0), 0) : undefined;
        let bar: cliProgress.SingleBar | undefined;
        const t0 = Date.now();
        if (showBar) {
          bar = new cliProgress.SingleBar({
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
            format: total !== undefined
              ? 'ingest |{bar}| {percentage}% | {read}/{size} | {events} events | {rate} events/s | ETA {eta_formatted}'
              : 'ingest | {read} read | {events} events | {rate} events/s',
          }, cliProgress.Presets.shades_classic);
          bar.start(total || 1, 0, { read: formatBytes(0), size: formatBytes(total ?? 0), events: '0', rate: '0' });
        } else if (!g.json && files.some((f) => f.path === '-') && process.stdin.isTTY) {
          process.stderr.write('trailwatch: reading lines from the terminal (Ctrl-D to finish)\n');
        }
        let summary: IngestSummary;
        try {
          summary = await ingestFiles(client, files, {
            group: opts.group,
            create: opts.create,
            compress: opts.compress,
            concurrency: opts.concurrency,
            onProgress: bar ? (p) => {
              const secs = Math.max((Date.now() - t0) / 1000, 0.001);
              bar!.update(total !== undefined ? Math.min(p.bytesRead, total || 1) : 0, { read: formatBytes(p.bytesRead), size: formatBytes(total ?? 0), events: formatCount(p.received), rate: formatCount(Math.round(p.received / secs)) });
            } : undefined,
          });
        } finally {
          bar?.stop();
        }
        if (g.json) outJson(summary);
        else out(summaryText(summary));
      }, { maxSockets: opts.concurrency });
    });
}
