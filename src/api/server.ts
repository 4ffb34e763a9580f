/**
 * The HTTP front door on one port: AWS JSON 1.1 (`POST /` + X-Amz-Target), the native REST API
 * for the console and scripts (`/api/v1/...`), and the console's static files.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AccessKey, AccessKeyStore } from '../auth/access-keys.js';
import { bearerToken, safeEqual, verifyBearer } from '../auth/access-keys.js';
import { AuthError, verifySigV4 } from '../auth/sigv4.js';
import { AwsError } from './errors.js';
import { dispatchJson, newRequestId, sendAwsError, sendJson } from './aws-json.js';
import type { CallContext, Handler, ServiceContext } from './context.js';
import { LOGS_TARGET_PREFIX, logsOperations } from './logs/index.js';
import { ingestLines } from '../ingest/native-ingest.js';
import { exportOcsfRequest } from './export-ocsf.js';
import { serveStatic } from './static-files.js';
import { BodyTooLarge, inflate, readBody } from './request-body.js';
import { createProtocolHandler } from './protocols/index.js';
import { snsService } from './sns/index.js';
import { handleNotifyRoutes } from './sns/routes.js';
import { CLOUDWATCH_BODY_LIMITS, cloudwatchService } from './cloudwatch/index.js';
import { handleImportRoutes } from './import/index.js';
import type { ImportService } from '../sources/import/importer.js';

/** Largest request body accepted (compressed or not); PutLogEvents itself is capped at 1 MiB of events. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Largest native ingest body. */
export const MAX_INGEST_BYTES = 64 * 1024 * 1024;

export interface ApiOptions extends ServiceContext {
  keys: AccessKeyStore;
  consoleDir?: string;
  /** Object import, S3 notifications and the Firehose endpoint (src/api/import). */
  importer?: ImportService;
  defaultRegion: string;
}

function query(url: URL): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = q[k];
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return q;
}

/** Authenticates with SigV4, or a bearer token derived from an access key (console, scripts). */
async function authenticate(req: IncomingMessage, url: URL, body: Buffer, opts: ApiOptions): Promise<{ key: AccessKey; region: string; service?: string }> {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) {
    const key = verifyBearer(opts.keys, auth.slice(7).trim());
    if (!key) throw new AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    return { key, region: opts.defaultRegion };
  }
  const r = await verifySigV4({ method: req.method ?? 'POST', path: url.pathname, query: query(url), headers: req.headers, body }, opts.keys);
  return { key: r.key, region: r.region, service: r.service };
}

export function createApiServer(opts: ApiOptions): Server {
  const services: Record<string, Record<string, Handler>> = { [LOGS_TARGET_PREFIX]: logsOperations };
  // CloudWatch metrics (and SNS, awsQuery only) over awsQuery, AWS JSON 1.0 and RPC v2 CBOR (src/api/protocols/, docs/metrics.md).
  const protocols = createProtocolHandler({ services: [cloudwatchService, snsService], authenticate: (r, u, b) => authenticate(r, u, b, opts), context: opts, maxBodyBytes: CLOUDWATCH_BODY_LIMITS });

  async function handleAws(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    const started = Date.now();
    const target = req.headers['x-amz-target'] as string | undefined;
    try {
      let raw: Buffer;
      try { raw = await readBody(req, MAX_BODY_BYTES); } catch (e) {
        if (e instanceof BodyTooLarge) throw new AwsError('RequestEntityTooLargeException', `Request body exceeds the limit of ${MAX_BODY_BYTES} bytes`, 413);
        throw e;
      }
      const { key, region } = await authenticate(req, url, raw, opts);
      const body = await inflate(req, raw);
      const ctx: CallContext = { ...opts, region, principal: key.user };
      const out = await dispatchJson(services, target, body, ctx);
      sendJson(res, 200, out, requestId);
      opts.log.debug({ target, ms: Date.now() - started, requestId }, 'request');
    } catch (err) {
      const e = err instanceof AwsError ? err
        : err instanceof AuthError ? new AwsError(err.code, err.message, err.status)
          : internal(err, requestId, opts);
      if (e.status >= 500) opts.log.error({ target, code: e.code, requestId }, 'request failed');
      sendAwsError(res, e, requestId);
    }
  }

  async function handleNative(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    const json = (status: number, body: unknown) => sendJson(res, status, body, requestId, 'application/json');
    try {
      if (url.pathname === '/api/v1/session' && req.method === 'POST') {
        // The console signs in with an access key; it gets a bearer token derived from it.
        const body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}') as { accessKeyId?: string; secretAccessKey?: string } | null;
        // `null` or a non-object body used to throw a TypeError below (a 500); it is a malformed request.
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AwsError('SerializationException', 'Start of structure or map expected at the top level of the request');
        const key = body.accessKeyId ? opts.keys.get(body.accessKeyId) : undefined;
        if (!key || !safeEqual(key.secretAccessKey, String(body.secretAccessKey ?? ''))) {
          json(401, { __type: 'UnrecognizedClientException', message: 'The access key ID or secret access key is not valid.' });
          return;
        }
        json(200, { token: bearerToken(key), accessKeyId: key.accessKeyId, user: key.user, region: opts.defaultRegion, accountId: opts.accountId });
        return;
      }
      if (url.pathname === '/api/v1/export/ocsf' && req.method === 'POST') {
        const raw = await readBody(req, 64 * 1024);
        await authenticate(req, url, raw, opts);
        json(200, await exportOcsfRequest(raw, opts));
        return;
      }
      const m = /^\/api\/v1\/ingest\/(.+)$/.exec(url.pathname);
      if (m && req.method === 'POST') {
        let raw: Buffer;
        try { raw = await readBody(req, MAX_INGEST_BYTES); } catch (e) {
          if (e instanceof BodyTooLarge) { json(413, { __type: 'RequestEntityTooLargeException', message: `Request body exceeds the limit of ${MAX_INGEST_BYTES} bytes` }); return; }
          throw e;
        }
        await authenticate(req, url, raw, opts);
        const body = await inflate(req, raw);
        // A malformed percent-escape in the group name is the client's error (400), not a 500.
        let group: string;
        try { group = decodeURIComponent(m[1]); } catch { throw new AwsError('InvalidParameterException', 'The log group name in the URL is not validly percent-encoded.'); }
        const result = await ingestLines(opts.store, {
          group,
          stream: url.searchParams.get('stream') ?? 'default',
          create: ['1', 'true', 'yes'].includes(url.searchParams.get('create') ?? ''),
          body: body.toString('utf8'),
        });
        json(200, result);
        return;
      }
      json(404, { __type: 'ResourceNotFoundException', message: `No route for ${req.method} ${url.pathname}` });
    } catch (err) {
      const e = err instanceof AwsError ? err : err instanceof AuthError ? new AwsError(err.code, err.message, err.status)
        : err instanceof SyntaxError ? new AwsError('SerializationException', 'Unable to parse the request body as JSON')
          // An oversize /api/v1/session body used to fall through to a 500.
          : err instanceof BodyTooLarge ? new AwsError('RequestEntityTooLargeException', 'Request body exceeds the limit', 413)
          : internal(err, requestId, opts);
      json(e.status === 400 && e.code === 'UnrecognizedClientException' ? 401 : e.status, { __type: e.code, message: e.message });
    }
  }

  const server = createServer((req, res) => {
    const requestId = newRequestId();
    let url: URL;
    // An absolute-form request target with a bad authority (`POST http://[/ HTTP/1.1`) makes
    // `new URL` throw; uncaught here it would crash the whole server, so answer 400 instead.
    try { url = new URL(req.url ?? '/', 'http://localhost'); } catch {
      sendJson(res, 400, { __type: 'InvalidParameterException', message: 'The request target is not a valid URL.' }, requestId, 'application/json');
      return;
    }
    const protocol = protocols.match(req, url);
    if (protocol) { void protocols.handle(protocol, req, res, url, requestId); return; }
    if (url.pathname === '/' && req.method === 'POST') { void handleAws(req, res, url, requestId); return; }
    // SNS SubscribeURL/UnsubscribeURL links, the signing certificate, the delivery read API (docs/notifications.md).
    if (handleNotifyRoutes(req, res, url, requestId, { notifications: opts.notifications, log: opts.log, authenticate: (r, u, b) => authenticate(r, u, b, opts) })) return;
    // Import and Firehose routes (docs/import.md).
    if (opts.importer && handleImportRoutes(req, res, url, requestId, { importer: opts.importer, keys: opts.keys, log: opts.log })) return;
    if (url.pathname.startsWith('/api/')) { void handleNative(req, res, url, requestId); return; }
    if (url.pathname === '/health') { sendJson(res, 200, { status: 'ok' }, requestId, 'application/json'); return; }
    if ((req.method === 'GET' || req.method === 'HEAD') && opts.consoleDir) { serveStatic(opts.consoleDir, url.pathname, req, res); return; }
    sendJson(res, 404, { __type: 'UnknownOperationException', message: 'Not found' }, requestId, 'application/json');
  });
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 5 * 60_000;
  return server;
}

/** An unexpected failure: logged with its detail, answered without it (no stack traces to clients). */
function internal(err: unknown, requestId: string, opts: ApiOptions): AwsError {
  opts.log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), requestId }, 'internal error');
  return new AwsError('ServiceUnavailableException', 'The service cannot complete the request.', 500);
}
