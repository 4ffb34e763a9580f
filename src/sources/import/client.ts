/**
 * The importer's side of `POST /api/v1/import`: streams one source object's bytes to a Trailwatch server
 * (bearer token derived from the access key, so the body needs no hashing and can stream), retrying what is
 * safe to retry (the server's ledger makes a repeated object harmless) and waiting out another importer's
 * claim on the same object.
 */
import http from 'node:http';
import https from 'node:https';
import { bearerToken } from '../../auth/access-keys.js';
import type { ImportResult } from './importer.js';
import type { ObjectRef } from './ledger.js';
import type { SourceObject } from './objects.js';

export class ImportClientError extends Error {
  constructor(readonly code: string, message: string, readonly status?: number, readonly retryable = false) { super(message); }
}

export interface ImportOptions { format?: string; group?: string; stream?: string }

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const REQUEST_TIMEOUT_MS = 10 * 60_000;

export class ImportClient {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly token: string;

  constructor(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }, o: { maxSockets?: number } = {}) {
    this.url = new URL(endpoint);
    this.transport = this.url.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 16 });
    this.token = bearerToken(credentials);
  }

  close(): void { this.agent.destroy(); }

  private request(method: string, path: string, body: AsyncIterable<Buffer> | Buffer | undefined, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
    const base = this.url.pathname.replace(/\/+$/, '');
    return new Promise((resolve, reject) => {
      const req = this.transport.request({
        method,
        hostname: this.url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: this.url.port || undefined,
        path: base + path,
        agent: this.agent,
        headers: { authorization: `Bearer ${this.token}`, 'user-agent': 'trailwatch-import/0.1.0', ...headers, ...(Buffer.isBuffer(body) ? { 'content-length': String(body.length) } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try { json = text ? JSON.parse(text) as Record<string, unknown> : {}; } catch { json = { message: text.slice(0, 500) }; }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', (e) => reject(new ImportClientError('NetworkingError', e.message, undefined, true)));
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('no answer in time')));
      req.on('error', (e: NodeJS.ErrnoException) => reject(new ImportClientError('NetworkingError', `${this.url.origin}: ${e.code ?? ''} ${e.message}`.trim(), undefined, true)));
      if (body === undefined) { req.end(); return; }
      if (Buffer.isBuffer(body)) { req.end(body); return; }
      (async () => {
        try {
          for await (const c of body) if (!req.write(c)) await new Promise((r) => req.once('drain', r));
          req.end();
        } catch (e) {
          req.destroy(e as Error);
        }
      })();
    });
  }

  private fail(r: { status: number; json: Record<string, unknown> }): never {
    const code = typeof r.json.__type === 'string' ? r.json.__type : `Http${r.status}`;
    const retryable = r.status >= 500 || r.status === 429;
    throw new ImportClientError(code, typeof r.json.message === 'string' ? r.json.message : `HTTP ${r.status}`, r.status, retryable);
  }

  async check(refs: ObjectRef[]): Promise<{ bucket: string; key: string; etag: string; status: 'done' | 'in-progress' | 'new' }[]> {
    const r = await this.request('POST', '/api/v1/import/check', Buffer.from(JSON.stringify({ objects: refs })), { 'content-type': 'application/json' });
    if (r.status !== 200) this.fail(r);
    return r.json.objects as { bucket: string; key: string; etag: string; status: 'done' | 'in-progress' | 'new' }[];
  }

  async deadLetter(d: ObjectRef & { reason: string; attempts: number; source?: string }): Promise<void> {
    const r = await this.request('POST', '/api/v1/import/dead-letters', Buffer.from(JSON.stringify(d)), { 'content-type': 'application/json' });
    if (r.status !== 200) this.fail(r);
  }

  async stats(): Promise<Record<string, unknown>> {
    const r = await this.request('GET', '/api/v1/import/stats', undefined);
    if (r.status !== 200) this.fail(r);
    return r.json;
  }

  /** Sends one object once; throws ImportClientError (status 409 when another importer holds it). */
  async sendOnce(obj: SourceObject, o: ImportOptions = {}): Promise<ImportResult> {
    const opened = await obj.open();
    const etag = opened.etag ?? obj.etag ?? await obj.resolveEtag();
    obj.etag = etag;
    const q = new URLSearchParams({ bucket: obj.bucket, key: obj.key, etag });
    if (o.format) q.set('format', o.format);
    if (o.group) q.set('group', o.group);
    if (o.stream) q.set('stream', o.stream);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    for (const [k, v] of Object.entries(opened.metadata ?? {})) if (/^[a-z0-9-]+$/i.test(k)) headers[`x-tw-meta-${k.toLowerCase()}`] = v.replace(/[^\x20-\x7e]/g, '');
    try {
      const r = await this.request('POST', `/api/v1/import?${q}`, opened.body, headers);
      if (r.status !== 200) this.fail(r);
      return r.json as unknown as ImportResult;
    } finally {
      (opened.body as { destroy?: () => void }).destroy?.();
    }
  }

  /**
   * Sends one object until it is imported (or found done): network failures and 5xx are retried with backoff,
   * another importer's claim is waited out; a 4xx other than 409 is final.
   */
  async send(obj: SourceObject, o: ImportOptions & { attempts?: number; shouldStop?: () => boolean } = {}): Promise<ImportResult> {
    const attempts = o.attempts ?? 5;
    for (let attempt = 1, waited = 0; ; attempt++) {
      try {
        return await this.sendOnce(obj, o);
      } catch (e) {
        const err = e instanceof ImportClientError ? e : new ImportClientError((e as { name?: string }).name ?? 'Error', (e as Error).message, undefined, !(e as { $metadata?: unknown }).$metadata);
        if (err.status === 409) {
          // Another importer is on it: wait until it finishes (then this is a skip) or gives up (then retry).
          const ref = { bucket: obj.bucket, key: obj.key, etag: obj.etag ?? await obj.resolveEtag() };
          for (;;) {
            await sleep(Math.min(2000, 100 * 2 ** Math.min(waited++, 5)));
            const [c] = await this.check([ref]);
            if (c.status !== 'in-progress') break;
            if (o.shouldStop?.()) throw err;
          }
          attempt--;
          continue;
        }
        if (!err.retryable || attempt >= attempts || o.shouldStop?.()) throw err;
        await sleep(200 * 2 ** attempt);
      }
    }
  }
}
