/**
 * A small client for a Trailwatch server: CloudWatch Logs operations over AWS JSON 1.1
 * (`POST /`, `X-Amz-Target: Logs_20140328.<Op>`), CloudWatch (metrics, alarms, dashboards) over
 * AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`) and the native ingest
 * endpoint, all signed with SigV4 (service `logs`, or `monitoring` for CloudWatch) by the same
 * library the AWS SDKs use.
 */
import http from 'node:http';
import https from 'node:https';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import type { Credentials } from './credentials.js';
import { CliError } from './errors.js';
import { NodeSha256 } from '../auth/node-sha256.js';

const gzipAsync = promisify(gzip);

export const TARGET_PREFIX = 'Logs_20140328';
/** CloudWatch's Smithy service name: the AWS JSON 1.0 target prefix. */
export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801';
const USER_AGENT = 'trailwatch-cli/0.1.0';
const REQUEST_TIMEOUT_MS = 5 * 60_000;
const MAX_ATTEMPTS = 3;



/** The answer of `POST /api/v1/ingest/<group>`. */
export interface IngestResult {
  logGroupName: string;
  logStreamName: string;
  received: number;
  ingested: number;
  rejected: { tooOld: number; tooNew: number; expired: number; tooLarge: number };
}

export interface LogsClientOptions {
  endpoint: string;
  region: string;
  credentials: Credentials;
  /** Sockets kept per host (the ingest command keeps several requests in flight). */
  maxSockets?: number;
}

interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** A failure before any answer was received; `retryable` when the server cannot have seen the request. */
class NetworkFailure extends Error {
  constructor(override readonly cause: Error & { code?: string }, readonly retryable: boolean) { super(cause.message); }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The bare code from `__type` or `x-amzn-ErrorType` (which may carry a namespace or a URL). */
function errorCode(raw: string): string {
  return raw.replace(/^.*#/, '').replace(/:.*$/, '');
}

export class LogsClient {
  readonly endpoint: URL;
  /** The region requests are signed for (it shows in ARNs and dashboard widgets). */
  readonly region: string;
  private readonly basePath: string;
  private readonly signer: SignatureV4;
  private readonly monitoringSigner: SignatureV4;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(o: LogsClientOptions) {
    let url: URL;
    try { url = new URL(o.endpoint); } catch { throw new CliError('InvalidArgument', `Invalid endpoint URL: ${o.endpoint}`); }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('InvalidArgument', `Invalid endpoint URL (http or https only): ${o.endpoint}`);
    this.endpoint = url;
    this.region = o.region;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.transport = url.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 8 });
    this.signer = new SignatureV4({ credentials: o.credentials, region: o.region, service: 'logs', sha256: NodeSha256, applyChecksum: false });
    this.monitoringSigner = new SignatureV4({ credentials: o.credentials, region: o.region, service: 'monitoring', sha256: NodeSha256, applyChecksum: false });
  }

  /** Runs a CloudWatch Logs operation; resolves to its parsed JSON output or throws a CliError with AWS's code. */
  async call<T = Record<string, unknown>>(operation: string, input: object = {}): Promise<T> {
    const body = Buffer.from(JSON.stringify(input));
    const res = await this.send('POST', `${this.basePath}/`, {}, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET_PREFIX}.${operation}` }, body, true);
    return this.parse<T>(res);
  }

  /**
   * Runs a CloudWatch operation over AWS JSON 1.0 (timestamps are epoch seconds both ways). Errors
   * carry the awsQuery code from `x-amzn-query-error` (`ResourceNotFound`, `InvalidParameterValue`),
   * the code the AWS CLI and SDKs report for this awsQueryCompatible service.
   */
  async cloudwatch<T = Record<string, unknown>>(operation: string, input: object = {}): Promise<T> {
    const body = Buffer.from(JSON.stringify(input));
    // Read-only and idempotent Put* operations alike may be retried: a repeated Put stores the same thing.
    const res = await this.send('POST', `${this.basePath}/`, {}, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${CLOUDWATCH_TARGET_PREFIX}.${operation}`, 'x-amzn-query-mode': 'true' }, body, true, this.monitoringSigner);
    return this.parse<T>(res);
  }

  /**
   * Sends lines (NDJSON or plain text) to one stream through the native ingest endpoint.
   * `gzip` compresses the body on the way; `create` creates a missing log group.
   */
  async ingest(group: string, stream: string, body: Buffer | string, o: { create?: boolean; gzip?: boolean } = {}): Promise<IngestResult> {
    let data = typeof body === 'string' ? Buffer.from(body) : body;
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (o.gzip) {
      data = await gzipAsync(data, { level: 1 });
      headers['content-encoding'] = 'gzip';
    }
    const query: Record<string, string> = { stream };
    if (o.create) query.create = 'true';
    // Not retried once the server may have seen it: plain lines get the server's clock as their time,
    // so a repeated body would not be recognized as a duplicate.
    const res = await this.send('POST', `${this.basePath}/api/v1/ingest/${encodeURIComponent(group)}`, query, headers, data, false);
    return this.parse<IngestResult>(res);
  }

  /** POSTs a JSON body to a native API path (e.g. `/api/v1/export/ocsf`), signed like every request. */
  async native<T = Record<string, unknown>>(path: string, input: object): Promise<T> {
    const res = await this.send('POST', `${this.basePath}${path}`, {}, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(input)), false);
    return this.parse<T>(res);
  }

  /** Lets the process exit (closes idle keep-alive sockets). */
  close(): void { this.agent.destroy(); }

  private parse<T>(res: RawResponse): T {
    const text = res.body.toString('utf8');
    let json: unknown;
    try { json = text.trim() === '' ? {} : JSON.parse(text); } catch { json = undefined; }
    const requestId = res.headers['x-amzn-requestid'] as string | undefined;
    if (res.status >= 200 && res.status < 300) {
      if (json === undefined || typeof json !== 'object' || json === null) throw new CliError('SerializationException', `The server's answer is not JSON (HTTP ${res.status})`, res.status, requestId);
      return json as T;
    }
    const j = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    const rawCode = typeof j.__type === 'string' ? j.__type : typeof j.code === 'string' ? j.code : (res.headers['x-amzn-errortype'] as string | undefined);
    const queryError = res.headers['x-amzn-query-error'] as string | undefined;
    const code = queryError ? queryError.split(';')[0] : rawCode ? errorCode(rawCode) : `Http${res.status}`;
    const message = typeof j.message === 'string' ? j.message : typeof j.Message === 'string' ? j.Message : (http.STATUS_CODES[res.status] ?? 'Request failed');
    throw new CliError(code, message, res.status, requestId);
  }

  /** Signs and sends one request, retrying throttling, 503 and failures the server cannot have seen. */
  private async send(method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body: Buffer, idempotent: boolean, signer = this.signer): Promise<RawResponse> {
    for (let attempt = 1; ; attempt++) {
      let res: RawResponse;
      try {
        res = await this.sendOnce(method, path, query, headers, body, signer);
      } catch (e) {
        if (e instanceof NetworkFailure) {
          if ((e.retryable || idempotent) && attempt < MAX_ATTEMPTS) { await sleep(100 * 2 ** attempt); continue; }
          throw new CliError('NetworkingError', `${this.endpoint.origin}: ${e.cause.code && !e.message.includes(e.cause.code) ? `${e.cause.code} ` : ''}${e.message}`);
        }
        throw e;
      }
      const throttled = res.status === 429 || res.status === 503 || /Throttling/.test(String(res.headers['x-amzn-errortype'] ?? ''));
      if (throttled && attempt < MAX_ATTEMPTS) { await sleep(200 * 2 ** attempt); continue; }
      return res;
    }
  }

  private async sendOnce(method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body: Buffer, signer: SignatureV4): Promise<RawResponse> {
    const u = this.endpoint;
    const request = new HttpRequest({
      method,
      protocol: u.protocol,
      hostname: u.hostname,
      port: u.port ? Number(u.port) : undefined,
      path,
      query,
      headers: { ...headers, host: u.host, 'content-length': String(body.length), 'user-agent': USER_AGENT },
      body,
    });
    const signed = await signer.sign(request);
    const qs = new URLSearchParams(query).toString();
    return new Promise<RawResponse>((resolve, reject) => {
      const req = this.transport.request({
        method,
        hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: u.port || undefined,
        path: qs ? `${path}?${qs}` : path,
        headers: signed.headers,
        agent: this.agent,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (err) => reject(new NetworkFailure(err, false)));
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
      req.on('error', (err: Error & { code?: string }) => {
        // A kept-alive socket the server had already closed, or a refused connection: nothing was processed.
        const unseen = err.code === 'ECONNREFUSED' || (req.reusedSocket && err.code === 'ECONNRESET');
        reject(new NetworkFailure(err, unseen));
      });
      req.end(body);
    });
  }
}
