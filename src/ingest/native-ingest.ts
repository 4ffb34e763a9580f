/**
 * Native ingest (`POST /api/v1/ingest/<log group>`): NDJSON or plain lines into one stream of a
 * log group, with the same per-event acceptance rules and durability as PutLogEvents.
 *
 * A body is one pass over its text: lines are found with indexOf, a JSON line's time is read by a
 * validating scan (json-time.ts) rather than JSON.parse, and the accepted events become one store
 * record (one WAL record, one engine row batch, one retry hash over the body). PutLogEvents' batch
 * limits (1 MiB, 10,000 events, 24 h) are limits of that API's requests, not of storage, so a body
 * is not cut into PutLogEvents-sized batches; per-event rules (too old, too new, expired, too large)
 * are applied to every line exactly as PutLogEvents applies them.
 */
import { createHash, webcrypto } from 'node:crypto';
import type { InputEvent, LogStore } from '../store/log-store.js';
import { AwsError, notFoundGroup } from '../api/errors.js';
import { EVENT_OVERHEAD_BYTES, MAX_EVENT_BYTES, TOO_NEW_MS, TOO_OLD_MS } from './log-batch.js';
import { forgetText, jsonTime, prepareText } from './json-time.js';
import { reportRejected, runProcessors } from './processors.js';

export interface NativeIngestResult {
  logGroupName: string;
  logStreamName: string;
  received: number;
  ingested: number;
  rejected: { tooOld: number; tooNew: number; expired: number; tooLarge: number };
}

const GROUP_RE = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_RE = /^[^:*]{1,512}$/;

export async function ingestLines(store: LogStore, o: { group: string; stream: string; create: boolean; body: string; now?: number }): Promise<NativeIngestResult> {
  if (!GROUP_RE.test(o.group)) throw new AwsError('InvalidParameterException', `Value '${o.group}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`);
  if (!STREAM_RE.test(o.stream)) throw new AwsError('InvalidParameterException', `Value '${o.stream}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`);
  const now = o.now ?? Date.now();
  let g = store.meta.groups.get(o.group);
  if (!g) {
    if (!o.create) throw notFoundGroup();
    if (o.group.startsWith('aws/')) throw new AwsError('InvalidParameterException', "Log group names starting with 'aws/' are reserved for AWS services.");
    g = store.meta.createGroup(o.group, now, 'STANDARD', {});
  }
  const s = g.streams.get(o.stream) ?? store.meta.createStream(g, o.stream, now);
  const result: NativeIngestResult = { logGroupName: g.name, logStreamName: s.name, received: 0, ingested: 0, rejected: { tooOld: 0, tooNew: 0, expired: 0, tooLarge: 0 } };

  const text = o.body;
  // An all-ASCII body (the usual case) has each line's byte length equal to its length.
  const ascii = Buffer.byteLength(text, 'utf8') === text.length;
  prepareText(text);
  const tooOld = now - TOO_OLD_MS;
  const tooNew = now + TOO_NEW_MS;
  const expired = g.retentionInDays ? now - g.retentionInDays * 86_400_000 : -Infinity;
  const accepted: InputEvent[] = [];
  let untimed = false;
  for (let pos = 0; pos < text.length;) {
    const start = pos;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    pos = end + 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF
    if (end === start) continue;
    const c0 = text.charCodeAt(start);
    // Blank (whitespace-only) lines are not events; a printable ASCII first character rules that out cheaply.
    if (!(c0 > 32 && c0 < 127) && text.slice(start, end).trim() === '') continue;
    result.received++;
    const message = text.slice(start, end);
    const size = ascii ? end - start : Buffer.byteLength(message, 'utf8');
    if (size + EVENT_OVERHEAD_BYTES > MAX_EVENT_BYTES) { result.rejected.tooLarge++; continue; }
    let timestamp = c0 === 123 ? jsonTime(text, start, end) : undefined;
    if (timestamp === undefined) { timestamp = now; untimed = true; }
    // PutLogEvents' order of rules: older than 14 days is tooOld, else older than the retention is expired.
    if (timestamp < tooOld) result.rejected.tooOld++;
    else if (timestamp < expired) result.rejected.expired++;
    else if (timestamp > tooNew) result.rejected.tooNew++;
    else accepted.push({ timestamp, message, size });
  }
  forgetText();
  reportRejected(store, result.received - accepted.length);
  if (!accepted.length) return result;
  result.ingested = accepted.length;
  // A retry of the same body is stored once: the hash covers the body, and the arrival time its
  // untimed lines were given (two sends of the same plain lines at different times are two batches).
  // The body's digest is computed on the thread pool (WebCrypto), off the event loop.
  const bodyDigest = await webcrypto.subtle.digest('SHA-256', Buffer.from(text, ascii ? 'latin1' : 'utf8'));
  const hash = createHash('sha256').update(`${g.id}\0${s.id}\0${untimed ? now : ''}\0`).update(new Uint8Array(bodyDigest)).digest('base64url');
  const r = await store.append(g, s, accepted, hash);
  // Post-append processors (EMF metrics, metric filters) see each durable, non-duplicate batch.
  if (!r.duplicate) await runProcessors(store, { group: g, stream: s, events: accepted });
  return result;
}
