/**
 * Import endpoints (docs/import.md):
 * - `POST /api/v1/import?bucket=&key=&etag=[&format=][&group=][&stream=]`: one source object's bytes (gzip or
 *   not); answered once its events are durable (or it was kept aside / already imported);
 * - `POST /api/v1/import/check`: which of a list of objects are already imported;
 * - `GET /api/v1/import/stats`: ledger totals, suppression rules and their counters;
 * - `GET|POST|DELETE /api/v1/import/dead-letters`: objects that kept failing;
 * - `POST /api/v1/import/notifications`: S3 notifications delivered over HTTPS (SNS subscriptions, EventBridge
 *   API destinations); the server reads the objects from S3 itself;
 * - `POST /firehose` (also `/api/v1/firehose`): the Kinesis Data Firehose HTTP endpoint destination.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AccessKey, AccessKeyStore } from '../../auth/access-keys.js';
import { safeEqual, verifyBearer } from '../../auth/access-keys.js';
import { AuthError, verifySigV4 } from '../../auth/sigv4.js';
import { ImportError, type ImportService } from '../../sources/import/importer.js';
import { normalizeEtag, objectId } from '../../sources/import/ledger.js';
import { parseNotification } from '../../sources/import/notifications.js';
import { SnsSignatureError, SnsVerifier, isSnsEnvelope } from '../../sources/import/sns-signature.js';
import { makeS3Client, openS3Object } from '../../sources/import/objects.js';
import { handleFirehose } from './firehose.js';

export interface ImportApiDeps {
  importer: ImportService;
  keys: AccessKeyStore;
  log: Logger;
}

/** Largest body buffered for SigV4 verification (bearer-authenticated uploads stream without a limit). */
const MAX_SIGNED_BODY = 256 * 1024 * 1024;
const MAX_JSON_BODY = 16 * 1024 * 1024;

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) { super(message); }
}

function send(res: ServerResponse, status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) { res.end(); return; }
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length, 'x-amzn-requestid': requestId, ...headers });
  res.end(data);
}

export async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) { req.resume(); throw new HttpError(413, 'RequestEntityTooLargeException', `Request body exceeds the limit of ${limit} bytes`); }
  const chunks: Buffer[] = [];
  let n = 0;
  let over = false;
  for await (const c of req as AsyncIterable<Buffer>) {
    if (over) continue;
    n += c.length;
    if (n > limit) { over = true; chunks.length = 0; continue; }
    chunks.push(c);
  }
  if (over) throw new HttpError(413, 'RequestEntityTooLargeException', `Request body exceeds the limit of ${limit} bytes`);
  return Buffer.concat(chunks, n);
}

function query(url: URL): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = q[k];
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return q;
}

/** Bearer token (or Basic with an access key id and secret); null when the request is SigV4-signed instead. */
function headerAuth(req: IncomingMessage, keys: AccessKeyStore): AccessKey | null {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer ')) {
    const key = verifyBearer(keys, auth.slice(7).trim());
    if (!key) throw new HttpError(401, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    return key;
  }
  if (auth.startsWith('Basic ')) {
    const [id, ...rest] = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8').split(':');
    const key = keys.get(id);
    if (!key || !safeEqual(key.secretAccessKey, rest.join(':'))) throw new HttpError(401, 'UnrecognizedClientException', 'The access key ID or secret access key is not valid.', { 'www-authenticate': 'Basic realm="trailwatch"' });
    return key;
  }
  if (!auth) throw new HttpError(401, 'MissingAuthenticationTokenException', 'Request is missing Authentication Token', { 'www-authenticate': 'Basic realm="trailwatch"' });
  return null;
}

async function sigv4(req: IncomingMessage, url: URL, body: Buffer, keys: AccessKeyStore): Promise<AccessKey> {
  try {
    return (await verifySigV4({ method: req.method ?? 'POST', path: url.pathname, query: query(url), headers: req.headers, body }, keys)).key;
  } catch (e) {
    if (e instanceof AuthError) throw new HttpError(e.status === 400 ? 401 : e.status, e.code, e.message);
    throw e;
  }
}

/** Authenticates a request whose body the handler reads as JSON. */
async function authedJson(req: IncomingMessage, url: URL, keys: AccessKeyStore): Promise<unknown> {
  const key = headerAuth(req, keys);
  const body = await readLimited(req, MAX_JSON_BODY);
  if (!key) await sigv4(req, url, body, keys);
  const text = body.toString('utf8');
  try { return text.trim() ? JSON.parse(text) : {}; } catch { throw new HttpError(400, 'SerializationException', 'Unable to parse the request body as JSON'); }
}

function str(v: unknown): string | undefined { return typeof v === 'string' ? v : undefined; }

async function handleImport(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, d: ImportApiDeps): Promise<void> {
  const key = url.searchParams.get('key');
  if (!key) throw new HttpError(400, 'InvalidParameterException', "The 'key' query parameter is required (the object's key or path).");
  const bucket = url.searchParams.get('bucket') || 'local';
  let etag = url.searchParams.get('etag') ?? '';
  const authKey = headerAuth(req, d.keys);
  let body: AsyncIterable<Buffer> = req as AsyncIterable<Buffer>;
  if (!authKey || !etag) {
    // SigV4 signs the body, and without an ETag the content's MD5 stands for one: read it whole first.
    const buf = await readLimited(req, MAX_SIGNED_BODY);
    if (!authKey) await sigv4(req, url, buf, d.keys);
    if (!etag) etag = createHash('md5').update(buf).digest('hex');
    body = (async function* () { yield buf; })();
  }
  const metadata: Record<string, string> = {};
  for (const [h, v] of Object.entries(req.headers)) if (h.startsWith('x-tw-meta-') && typeof v === 'string') metadata[h.slice(10)] = v;
  try {
    const r = await d.importer.importObject({
      bucket, key, etag,
      format: url.searchParams.get('format') ?? undefined,
      group: url.searchParams.get('group') ?? undefined,
      stream: url.searchParams.get('stream') ?? undefined,
      metadata,
    }, body);
    req.resume();
    send(res, 200, r, requestId);
  } catch (e) {
    req.resume();
    throw e;
  }
}

let s3: S3Client | undefined;
const verifiers = new WeakMap<object, SnsVerifier>();

/** SNS envelopes must carry SNS's signature (unless the operator turned the check off). */
async function checkSnsSignature(body: unknown, d: ImportApiDeps): Promise<void> {
  const cfg = d.importer.config.notifications ?? {};
  if (cfg.verifySignatures === false || !isSnsEnvelope(body)) return;
  let v = verifiers.get(d.importer);
  if (!v) { v = new SnsVerifier({ certHosts: cfg.certHosts }); verifiers.set(d.importer, v); }
  try {
    await v.verify(body);
  } catch (e) {
    if (e instanceof SnsSignatureError) {
      d.log.warn({ topicArn: typeof body.TopicArn === 'string' ? body.TopicArn : undefined, reason: e.message }, 'SNS message refused: bad signature');
      throw new HttpError(403, 'InvalidSignature', e.message);
    }
    throw e;
  }
}

/** S3 notifications delivered over HTTPS: the server fetches each announced object and imports it. */
async function handleNotifications(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, d: ImportApiDeps): Promise<void> {
  const body = await authedJson(req, url, d.keys);
  await checkSnsSignature(body, d);
  let n;
  try { n = parseNotification(JSON.stringify(body)); } catch { throw new HttpError(400, 'SerializationException', 'Unable to parse the notification'); }
  const cfg = d.importer.config;
  if (n.kind === 'subscription-confirmation') {
    let confirmed = false;
    if (n.subscribeUrl && cfg.notifications?.confirmSubscriptions !== false) {
      const u = new URL(n.subscribeUrl);
      const allowed = (u.protocol === 'https:' && /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(u.hostname)) || (cfg.notifications?.subscribeHosts ?? []).includes(u.host);
      if (!allowed) throw new HttpError(400, 'InvalidParameterException', `SubscribeURL host ${u.host} is not an SNS endpoint (add it to notifications.subscribeHosts to allow it)`);
      const r = await fetch(u, { signal: AbortSignal.timeout(30_000) });
      confirmed = r.ok;
      if (!r.ok) throw new HttpError(502, 'SubscriptionConfirmationFailed', `confirming the subscription returned HTTP ${r.status}`);
      d.log.info({ topicArn: n.topicArn }, 'SNS subscription confirmed');
    }
    send(res, 200, { kind: n.kind, confirmed, topicArn: n.topicArn }, requestId);
    return;
  }
  s3 ??= makeS3Client(cfg.s3 ?? {});
  const results = [];
  for (const o of n.objects) {
    for (let attempt = 0; ; attempt++) {
      const opened = await openS3Object(s3, o.bucket, o.key);
      try {
        results.push(await d.importer.importObject({ bucket: o.bucket, key: o.key, etag: opened.etag ?? o.etag ?? '', metadata: opened.metadata }, opened.body));
        break;
      } catch (e) {
        (opened.body as { destroy?: () => void }).destroy?.();
        if (!(e instanceof ImportError && e.status === 409) || attempt > 100) throw e;
        await d.importer.ledger.settled(objectId({ bucket: o.bucket, key: o.key, etag: opened.etag ?? o.etag ?? '' }));
      }
    }
  }
  send(res, 200, { kind: n.kind, ignored: n.ignored, objects: results }, requestId);
}

async function handleDeadLetters(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, d: ImportApiDeps): Promise<void> {
  if (req.method === 'GET') {
    if (!headerAuth(req, d.keys)) await sigv4(req, url, Buffer.alloc(0), d.keys);
    send(res, 200, { deadLetters: d.importer.ledger.deadLetters() }, requestId);
    return;
  }
  if (req.method === 'DELETE') {
    if (!headerAuth(req, d.keys)) await sigv4(req, url, Buffer.alloc(0), d.keys);
    const ref = { bucket: url.searchParams.get('bucket') ?? 'local', key: url.searchParams.get('key') ?? '', etag: url.searchParams.get('etag') ?? '' };
    send(res, 200, { removed: await d.importer.ledger.clearDead(objectId(ref)) }, requestId);
    return;
  }
  const b = await authedJson(req, url, d.keys) as Record<string, unknown>;
  const bucket = str(b.bucket), key = str(b.key);
  if (!bucket || !key) throw new HttpError(400, 'InvalidParameterException', 'bucket and key are required');
  const rec = await d.importer.recordDeadLetter({ bucket, key, etag: normalizeEtag(str(b.etag) ?? ''), reason: str(b.reason) ?? 'unknown', attempts: typeof b.attempts === 'number' ? b.attempts : 0, source: str(b.source) });
  send(res, 200, rec, requestId);
}

/** Handles the import and Firehose routes; false when the path is none of them. */
export function handleImportRoutes(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string, d: ImportApiDeps): boolean {
  const p = url.pathname;
  let run: (() => Promise<void>) | undefined;
  if ((p === '/firehose' || p === '/api/v1/firehose') && req.method === 'POST') run = () => handleFirehose(req, res, requestId, d);
  else if (p === '/api/v1/import' && req.method === 'POST') run = () => handleImport(req, res, url, requestId, d);
  else if (p === '/api/v1/import/check' && req.method === 'POST') {
    run = async () => {
      const b = await authedJson(req, url, d.keys) as { objects?: unknown };
      if (!Array.isArray(b.objects) || b.objects.length > 10_000) throw new HttpError(400, 'InvalidParameterException', 'objects must be a list of at most 10000 {bucket, key, etag}');
      const refs = b.objects.map((o) => { const x = (o ?? {}) as Record<string, unknown>; return { bucket: str(x.bucket) ?? 'local', key: str(x.key) ?? '', etag: str(x.etag) ?? '' }; });
      send(res, 200, { objects: d.importer.check(refs).map(({ info: _info, ...r }) => r) }, requestId);
    };
  } else if (p === '/api/v1/import/stats' && req.method === 'GET') {
    run = async () => {
      if (!headerAuth(req, d.keys)) await sigv4(req, url, Buffer.alloc(0), d.keys);
      send(res, 200, d.importer.stats(), requestId);
    };
  } else if (p === '/api/v1/import/dead-letters' && ['GET', 'POST', 'DELETE'].includes(req.method ?? '')) run = () => handleDeadLetters(req, res, url, requestId, d);
  else if (p === '/api/v1/import/notifications' && req.method === 'POST') run = () => handleNotifications(req, res, url, requestId, d);
  if (!run) return false;
  run().catch((err: unknown) => {
    req.resume();
    if (err instanceof HttpError) { send(res, err.status, { __type: err.code, message: err.message }, requestId, err.headers); return; }
    if (err instanceof ImportError) { send(res, err.status, { __type: err.code, message: err.message }, requestId); return; }
    if (!req.complete && (req.destroyed || (err as NodeJS.ErrnoException)?.code === 'ECONNRESET' || (err as Error)?.message === 'aborted')) {
      // The client went away mid-upload: what was stored is recorded as progress; a retry resumes.
      d.log.warn({ requestId, path: p, err: String(err) }, 'import request aborted by the client');
      res.destroy();
      return;
    }
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    if (e?.$metadata) {
      // An S3 error while fetching an announced object.
      send(res, 502, { __type: e.name ?? 'S3Error', message: `S3: ${e.message ?? String(err)}` }, requestId);
      return;
    }
    d.log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), requestId, path: p }, 'import request failed');
    send(res, 500, { __type: 'ServiceUnavailableException', message: 'The service cannot complete the request.' }, requestId);
  });
  return true;
}

export { HttpError, send };
