/**
 * Native ingest (`POST /api/v1/ingest/<log group>`): NDJSON or plain lines into one stream of a
 * log group, with the same acceptance rules and durability as PutLogEvents.
 */
import type { LogStore } from '../store/log-store.js';
import { AwsError, notFoundGroup } from '../api/errors.js';
import { batchHash, checkBatch, MAX_EVENT_BYTES, type LogEventInput } from './log-batch.js';
import { chunkEvents, linesToEvents } from './lines.js';
import { runProcessors } from './processors.js';

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
  const all = linesToEvents(o.body, now);
  const result: NativeIngestResult = { logGroupName: g.name, logStreamName: s.name, received: all.length, ingested: 0, rejected: { tooOld: 0, tooNew: 0, expired: 0, tooLarge: 0 } };
  const sized: LogEventInput[] = [];
  for (const e of all) {
    if (Buffer.byteLength(e.message) + 26 > MAX_EVENT_BYTES) result.rejected.tooLarge++;
    else sized.push(e);
  }
  // Stable sort: lines without their own time keep their order.
  sized.sort((a, b) => a.timestamp - b.timestamp);
  const appends: Promise<unknown>[] = [];
  for (const chunk of chunkEvents(sized)) {
    const { accepted, rejected } = checkBatch(chunk, now, g.retentionInDays);
    if (rejected) {
      const tooOld = rejected.tooOldLogEventEndIndex ?? 0;
      result.rejected.tooOld += tooOld;
      result.rejected.expired += Math.max(0, (rejected.expiredLogEventEndIndex ?? 0) - tooOld);
      if (rejected.tooNewLogEventStartIndex !== undefined) result.rejected.tooNew += chunk.length - rejected.tooNewLogEventStartIndex;
    }
    if (accepted.length) {
      result.ingested += accepted.length;
      // Post-append processors (EMF metrics, later metric filters) see each durable, non-duplicate chunk.
      appends.push(store.append(g, s, accepted, batchHash(g.id, s.id, chunk)).then((r) => (r.duplicate ? undefined : runProcessors(store, { group: g, stream: s, events: accepted }))));
    }
  }
  // All chunks are pipelined through one group commit; the answer waits for every one.
  await Promise.all(appends);
  return result;
}
