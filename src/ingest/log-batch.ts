/**
 * PutLogEvents acceptance rules (aws-facts.md 3.1), shared by the AWS API and native ingest:
 * limits and ordering fail the whole batch; too-new, too-old and expired events are rejected
 * individually and reported in `rejectedLogEventsInfo`.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../api/errors.js';

export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_BATCH_EVENTS = 10_000;
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_EVENT_BYTES = 262_144;
export const MAX_SPAN_MS = 24 * 3600 * 1000;
export const TOO_NEW_MS = 2 * 3600 * 1000;
export const TOO_OLD_MS = 14 * 24 * 3600 * 1000;

export interface LogEventInput {
  timestamp: number;
  message: string;
  /** UTF-8 byte length of the message; checkBatch fills it in so the store need not measure again. */
  size?: number;
}

export interface RejectedInfo { tooNewLogEventStartIndex?: number; tooOldLogEventEndIndex?: number; expiredLogEventEndIndex?: number }

export interface CheckedBatch { accepted: LogEventInput[]; rejected?: RejectedInfo }

/** Validates the batch as a whole and splits off the individually rejected events. */
export function checkBatch(events: LogEventInput[], now: number, retentionInDays?: number): CheckedBatch {
  if (events.length > MAX_BATCH_EVENTS) throw new AwsError('InvalidParameterException', `1 validation error detected: Value '[${events.length} items]' at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to ${MAX_BATCH_EVENTS}`);
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    const messageBytes = Buffer.byteLength(events[i].message);
    events[i].size = messageBytes;
    const size = messageBytes + EVENT_OVERHEAD_BYTES;
    if (size > MAX_EVENT_BYTES) throw new AwsError('InvalidParameterException', `Log event too large: ${size} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
    bytes += size;
    if (i > 0 && events[i].timestamp < events[i - 1].timestamp) throw new AwsError('InvalidParameterException', 'Log events in a single PutLogEvents request must be in chronological order.');
  }
  if (bytes > MAX_BATCH_BYTES) throw new AwsError('InvalidParameterException', `Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  if (events.length > 1 && events[events.length - 1].timestamp - events[0].timestamp > MAX_SPAN_MS) {
    throw new AwsError('InvalidParameterException', 'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  // The batch is sorted, so too-old/expired events form a prefix and too-new a suffix.
  let oldEnd = 0;
  while (oldEnd < events.length && events[oldEnd].timestamp < now - TOO_OLD_MS) oldEnd++;
  let expiredEnd = 0;
  if (retentionInDays) {
    const cutoff = now - retentionInDays * 86_400_000;
    while (expiredEnd < events.length && events[expiredEnd].timestamp < cutoff) expiredEnd++;
  }
  let newStart = events.length;
  while (newStart > 0 && events[newStart - 1].timestamp > now + TOO_NEW_MS) newStart--;
  const first = Math.max(oldEnd, expiredEnd);
  const rejected: RejectedInfo = {};
  if (oldEnd > 0) rejected.tooOldLogEventEndIndex = oldEnd;
  if (expiredEnd > 0) rejected.expiredLogEventEndIndex = expiredEnd;
  if (newStart < events.length) rejected.tooNewLogEventStartIndex = newStart;
  return { accepted: events.slice(first, Math.max(first, newStart)), rejected: Object.keys(rejected).length ? rejected : undefined };
}

/** Content hash identifying a batch, so a retry of the same request is stored once. */
export function batchHash(groupId: number, streamId: number, events: LogEventInput[]): string {
  const h = createHash('sha256');
  h.update(`${groupId}\0${streamId}\0`);
  for (const e of events) { h.update(String(e.timestamp)); h.update('\0'); h.update(e.message); h.update('\0'); }
  return h.digest('base64url');
}
