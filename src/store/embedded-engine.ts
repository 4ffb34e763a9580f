/**
 * Engine implementation that runs chDB in a dedicated child process (ENGINE.md rule 1) and
 * talks to it over two pipes with length-prefixed frames.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { open as openFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Engine, InsertParams, QueryParams, ResultSet } from './engine.js';
import { readFrames, writeFrame, type FrameHeader } from './engine-frames.js';
import { writeFully } from './file-write.js';

export class EngineError extends Error {
  constructor(message: string, readonly code?: number) { super(message); }
}

interface Pending { resolve: (body: Buffer) => void; reject: (e: Error) => void }

function childEntry(): { script: string; execArgv: string[] } {
  const here = import.meta.url;
  // Under tsx (tests, bench) the sources are .ts; in the build they are .js.
  if (here.endsWith('.ts')) {
    return { script: fileURLToPath(new URL('./engine-child.ts', here)), execArgv: ['--import', 'tsx'] };
  }
  return { script: fileURLToPath(new URL('./engine-child.js', here)), execArgv: [] };
}

export interface EmbeddedEngineOptions {
  dataDir: string;
  memoryBytes?: number;
}

export class EmbeddedEngine extends EventEmitter implements Engine {
  readonly rowBinaryInserts = true;
  private child!: ChildProcess;
  /** RowBinary payloads go to the engine as files here (see engine-child.ts insertFileSql); transient, not durable. */
  private readonly spoolDir: string;
  private spoolSeq = 0;
  private out!: Writable;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private closing = false;

  constructor(private readonly opts: EmbeddedEngineOptions) {
    super();
    this.spoolDir = `${opts.dataDir}-spool`;
    // Leftovers of a killed server are never needed: the write-ahead log is the durable copy.
    rmSync(this.spoolDir, { recursive: true, force: true });
    mkdirSync(this.spoolDir, { recursive: true, mode: 0o700 });
    this.start();
  }

  get pid(): number | undefined { return this.child.pid; }

  private start(): void {
    const { script, execArgv } = childEntry();
    const child = spawn(process.execPath, [...execArgv, '--max-old-space-size=512', script, this.opts.dataDir], {
      stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'],
      env: { ...process.env, TRAILWATCH_ENGINE_MEMORY_BYTES: String(this.opts.memoryBytes ?? process.env.TRAILWATCH_ENGINE_MEMORY_BYTES ?? 3 * 1024 ** 3) },
    });
    this.child = child;
    this.out = child.stdio[3] as Writable;
    const input = child.stdio[4] as Readable;
    // A dying child resets its pipes; that is reported through 'exit', not as a crash of ours.
    this.out.on('error', () => {});
    input.on('error', () => {});
    readFrames(input, (h, body) => this.onFrame(h, body));
    child.on('exit', (code, signal) => {
      const err = new EngineError(`engine process exited (code ${code}, signal ${signal})`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (!this.closing) {
        // A crashed engine is restarted; the store replays its write-ahead log on 'restart'.
        this.start();
        this.emit('restart', err);
      }
    });
  }

  private onFrame(h: FrameHeader, body: Buffer): void {
    const p = this.pending.get(h.id);
    if (!p) return;
    this.pending.delete(h.id);
    if (h.ok) p.resolve(body);
    else p.reject(new EngineError(h.error?.message ?? 'engine error', h.error?.code));
  }

  private call(header: Omit<FrameHeader, 'id'>, body?: Uint8Array): Promise<Buffer> {
    if (this.closing && header.op !== 'close') return Promise.reject(new EngineError('engine is closed'));
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        this.pending.delete(id);
        reject(new EngineError('engine process is restarting'));
        return;
      }
      writeFrame(this.out, { ...header, id }, body);
    });
  }

  async query(params: QueryParams): Promise<ResultSet> {
    const body = await this.call({ op: 'query', query: withSettings(params), params: params.query_params });
    return {
      async json<T>(): Promise<T[]> {
        const text = body.toString('utf8');
        if (!text) return [];
        return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as T);
      },
    };
  }

  async command(params: Omit<QueryParams, 'format'>): Promise<void> {
    await this.call({ op: 'command', query: withSettings(params), params: params.query_params });
  }

  async insert(params: InsertParams): Promise<void> {
    const bufs = Buffer.isBuffer(params.values) ? [params.values] : params.values as readonly Buffer[];
    if (params.format === 'RowBinary') { await this.insertFile(params.table, bufs, params.columns); return; }
    await this.call({ op: 'insert', table: params.table }, bufs.length === 1 ? bufs[0] : Buffer.concat(bufs));
  }

  private async insertFile(table: string, bufs: readonly Buffer[], columns: InsertParams['columns']): Promise<void> {
    if (!columns?.length) throw new EngineError('a RowBinary insert needs its columns');
    const path = join(this.spoolDir, `${++this.spoolSeq}.rowbinary`);
    const child = this.child;
    try {
      const fh = await openFile(path, 'w', 0o600);
      try { await writeFully(fh, bufs); } finally { await fh.close(); }
      // An insert begun for an engine that died meanwhile must not land in its successor, which the
      // store is recovering from the WAL (it would be stored twice): it fails like the engine did.
      if (this.child !== child) throw new EngineError('engine process restarted during the insert');
      await this.call({ op: 'insertFile', table, path, columns });
    } finally {
      await rm(path, { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    try { await this.call({ op: 'close' }); } catch { /* already gone */ }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

function withSettings(p: Omit<QueryParams, 'format'>): string {
  const s = p.clickhouse_settings;
  if (!s || !Object.keys(s).length) return p.query;
  return `${p.query} SETTINGS ${Object.entries(s).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`).join(', ')}`;
}
