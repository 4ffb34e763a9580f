/** Shared state of one bench run: generated data (made once, lazily), temp files, the report. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { appLines, shortLines, type Lines } from './data.js';
import { benchTempDir } from './cleanup.js';
import { Report } from './report.js';

export interface Options {
  /** Runs per measurement (medians are reported). */
  reps: number;
  /** Scales durations and data sizes (0.2 for a quick smoke run). */
  scale: number;
  /** Write V8 CPU profiles of the server processes here. */
  profileDir?: string;
  log: (msg: string) => void;
}

export const APP_LINES = 1_000_000;

export class Context {
  readonly report = new Report();
  readonly tmp: string;
  readonly now = Date.now();
  /** Event times ascend through [now - 50 min, now - 5 min]: inside every acceptance window. */
  readonly startMs = this.now - 50 * 60_000;
  readonly endMs = this.now - 5 * 60_000;
  private _app?: Lines;
  private _short?: Lines;
  private files = new Map<string, Promise<string>>();

  constructor(readonly o: Options) {
    this.tmp = benchTempDir('tw-bench-data-').dir;
  }

  log(msg: string): void { this.o.log(msg); }
  get reps(): number { return this.o.reps; }
  scaled(n: number): number { return Math.max(1, Math.round(n * this.o.scale)); }

  /** 1M application JSON lines (~300 B), ascending timestamps. */
  app(): Lines {
    if (!this._app) {
      const t0 = Date.now();
      this._app = appLines(this.scaled(APP_LINES), this.startMs, this.endMs, 1);
      this.log(`generated ${this._app.lines.length.toLocaleString()} app lines (${(this._app.bytes / 1e6).toFixed(0)} MB, avg ${(this._app.bytes / this._app.lines.length).toFixed(0)} B) in ${Date.now() - t0} ms`);
    }
    return this._app;
  }

  /** Short (~75 B) plain-text lines. */
  short(n: number): Lines {
    if (!this._short || this._short.lines.length < n) this._short = shortLines(n, this.startMs, this.endMs, 2);
    return this._short;
  }

  private once(name: string, make: (path: string) => Promise<void>): Promise<string> {
    let p = this.files.get(name);
    if (!p) {
      const path = join(this.tmp, name);
      p = make(path).then(() => path);
      this.files.set(name, p);
    }
    return p;
  }

  /** The first `n` app lines as a plain NDJSON file (what a user would ingest). */
  appFile(n: number): Promise<string> {
    return this.once(`app-${n}.ndjson`, async (path) => {
      const lines = this.app().lines;
      await writeLines(path, Math.min(n, lines.length), (i) => lines[i]);
    });
  }

  appGzFile(n: number): Promise<string> {
    return this.once(`app-${n}.ndjson.gz`, async (path) => {
      const t0 = Date.now();
      const src = await this.appFile(n);
      const { createReadStream } = await import('node:fs');
      await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), createGzip({ level: 6 }), createWriteStream(path));
      this.log(`gzip'd the app file in ${Date.now() - t0} ms`);
    });
  }

  /** The same app lines in the store's row shape (LogStore.doAppend's template), for the baseline. */
  rowsFile(n: number): Promise<string> {
    return this.once(`rows-${n}.ndjson`, async (path) => {
      const { lines, ts } = this.app();
      n = Math.min(n, lines.length);
      const perStream = Math.ceil(n / 4);
      const ingestionTime = Date.now();
      await writeLines(path, n, (i) => {
        const s = Math.floor(i / perStream);
        const seq = Math.floor(i / 3000) + 1;
        return `{"group_id":1,"stream_id":${s + 1},"log_group":"bench-baseline","log_stream":"stream-${s}","ingestion_time":${ingestionTime},"seq":${seq},"idx":${i % 3000},"timestamp":${ts[i]},"message":${JSON.stringify(lines[i])}}`;
      });
    });
  }
}

async function writeLines(path: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const BATCH = 5000;
  for (let i = 0; i < n; i += BATCH) {
    const parts: string[] = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) parts.push(line(j));
    if (!out.write(parts.join('\n') + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

