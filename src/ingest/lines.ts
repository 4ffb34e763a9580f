/**
 * Turns lines (NDJSON or plain text) into log events. A JSON line keeps its text as the
 * message (never re-serialized) and lends its timestamp when it has one of the usual fields.
 */
import type { LogEventInput } from './log-batch.js';
import { jsonTime } from './json-time.js';

/** A line's own time (a JSON object's time field: epoch seconds or ms, or a date string), else `fallback`. */
export function timestampOf(line: string, fallback: number): number {
  return jsonTime(line) ?? fallback;
}

export function linesToEvents(text: string, now: number): LogEventInput[] {
  const out: LogEventInput[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    out.push({ timestamp: timestampOf(line, now), message: line });
  }
  return out;
}

/** Splits sorted events into batches within PutLogEvents limits (bytes, count, 24 h span). */
export function chunkEvents(events: LogEventInput[], maxBytes = 1_048_576, maxEvents = 10_000, maxSpanMs = 24 * 3600 * 1000): LogEventInput[][] {
  const chunks: LogEventInput[][] = [];
  let cur: LogEventInput[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = Buffer.byteLength(e.message) + 26;
    if (cur.length && (cur.length >= maxEvents || bytes + size > maxBytes || e.timestamp - cur[0].timestamp > maxSpanMs)) {
      chunks.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(e);
    bytes += size;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}
