/**
 * The Kinesis Data Firehose HTTP endpoint destination (aws-facts 7.5): `POST /firehose` with
 * `X-Amz-Firehose-Request-Id`, `X-Amz-Firehose-Access-Key` and a JSON body `{requestId, timestamp, records:
 * [{data}]}` (optionally `Content-Encoding: gzip`). Answers `{requestId, timestamp}` with 200 only once every
 * record's events are durable; errors carry `errorMessage` too. 413 (Firehose's permanent failure) when the
 * body is over the limit; 401 for a missing or wrong access key; a retried request id is acknowledged again
 * without storing anything twice.
 *
 * The access key is a Trailwatch bearer token (`tw1.…`, `trailwatch token` / `bearerToken()`), or
 * `<accessKeyId>:<secretAccessKey>` of a Trailwatch access key.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { AccessKey, AccessKeyStore } from '../../auth/access-keys.js';
import { safeEqual, verifyBearer } from '../../auth/access-keys.js';
import type { ImportApiDeps } from './index.js';
import { BodyTooLarge, readBody } from '../request-body.js';

const gunzipAsync = promisify(gunzip);
const MAX_ERROR_MESSAGE = 8192;

export function firehoseAccessKey(keys: AccessKeyStore, value: string | undefined): AccessKey | null {
  if (!value) return null;
  const v = value.trim();
  if (v.startsWith('tw1.')) return verifyBearer(keys, v);
  const i = v.indexOf(':');
  if (i <= 0) return null;
  const key = keys.get(v.slice(0, i));
  return key && safeEqual(key.secretAccessKey, v.slice(i + 1)) ? key : null;
}

function answer(res: ServerResponse, status: number, requestId: string, errorMessage?: string): void {
  if (res.headersSent) { res.end(); return; }
  const body: Record<string, unknown> = { requestId, timestamp: Date.now() };
  if (errorMessage !== undefined) body.errorMessage = errorMessage.slice(0, MAX_ERROR_MESSAGE);
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length });
  res.end(data);
}

export async function handleFirehose(req: IncomingMessage, res: ServerResponse, _requestId: string, d: ImportApiDeps): Promise<void> {
  const headerId = String(req.headers['x-amz-firehose-request-id'] ?? '');
  const limit = d.importer.firehoseMaxBytes();
  let requestId = headerId;
  try {
    if (!firehoseAccessKey(d.keys, req.headers['x-amz-firehose-access-key'] as string | undefined)) {
      req.resume();
      answer(res, 401, requestId, 'The access key in X-Amz-Firehose-Access-Key is missing or not valid.');
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, limit);
      const enc = String(req.headers['content-encoding'] ?? '').toLowerCase();
      if (enc === 'gzip') body = await gunzipAsync(body, { maxOutputLength: limit });
      else if (enc && enc !== 'identity') { answer(res, 400, requestId, `Unsupported Content-Encoding: ${enc}`); return; }
    } catch (e) {
      if (e instanceof BodyTooLarge || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|maxOutputLength|buffer too large/i.test((e as Error).message)) {
        req.resume();
        answer(res, 413, requestId, `The request body exceeds the limit of ${limit} bytes.`);
        return;
      }
      answer(res, 400, requestId, `The request body could not be read: ${(e as Error).message}`);
      return;
    }
    let parsed: unknown;
    try { parsed = JSON.parse(body.toString('utf8')); } catch { answer(res, 400, requestId, 'The request body is not valid JSON.'); return; }
    const b = parsed as { requestId?: unknown; timestamp?: unknown; records?: unknown };
    if (typeof b !== 'object' || b === null || !Array.isArray(b.records)) { answer(res, 400, requestId, 'The request body has no records array.'); return; }
    if (typeof b.requestId === 'string') {
      if (headerId && b.requestId !== headerId) { answer(res, 400, headerId, 'The body requestId does not match X-Amz-Firehose-Request-Id.'); return; }
      requestId = b.requestId;
    }
    if (!requestId) { answer(res, 400, requestId, 'X-Amz-Firehose-Request-Id is required.'); return; }
    const records: string[] = [];
    for (const r of b.records) {
      const data = (r as { data?: unknown } | null)?.data;
      if (typeof data !== 'string') { answer(res, 400, requestId, 'Every record needs a base64 data string.'); return; }
      records.push(data);
    }
    const sourceArn = String(req.headers['x-amz-firehose-source-arn'] ?? '');
    const timestamp = typeof b.timestamp === 'number' && Number.isFinite(b.timestamp) ? b.timestamp : Date.now();
    const r = await d.importer.firehose(requestId, sourceArn, records, timestamp);
    d.log.debug({ requestId, records: r.records, events: r.events, duplicate: r.duplicate }, 'firehose delivery');
    answer(res, 200, requestId);
  } catch (e) {
    d.log.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e), requestId }, 'firehose delivery failed');
    answer(res, 500, requestId, 'The delivery could not be stored; retry.');
  }
}
