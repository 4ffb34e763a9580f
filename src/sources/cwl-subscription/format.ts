/**
 * CloudWatch Logs subscription payloads: `{messageType, owner, logGroup, logStream, subscriptionFilters,
 * logEvents:[{id, timestamp, message}]}` as decoded JSON, as base64(gzip(JSON)) (Kinesis record data, one per
 * line), in the Lambda envelope `{"awslogs":{"data":…}}`, in a Firehose HTTP endpoint request body
 * (`records[].data`), in Kinesis GetRecords output (`Records[].Data`), or several back to back (Firehose to S3
 * concatenates them). DATA_MESSAGE log events become events carrying their original group, stream and id in
 * `origin`; CONTROL_MESSAGE health checks produce no events (`kind: 'control-message'` when that is all there is).
 */
import { gunzipSync } from 'node:zlib';
import type { ColumnDef, EventOrigin, ParseOptions, ParseOutput, ParsedEvent, SourceFormat } from '../contract.js';
import { errorText, parseJsonLenient, readJsonDocuments, skipSpace } from '../json-reader.js';
import { isPlausibleMillis } from '../time.js';
import { clip, isObject, str } from '../values.js';

export const CWL_SUBSCRIPTION_TABLE = 'events_cwl_subscription';

const LC = 'LowCardinality(Nullable(String))';

export const CWL_SUBSCRIPTION_COLUMNS: ColumnDef[] = [
  { name: 'origin_owner', type: LC, field: 'owner', derived: true, description: 'account owning the source log group' },
  { name: 'origin_log_group', type: LC, field: 'logGroup', derived: true, description: 'source log group' },
  { name: 'origin_log_stream', type: LC, field: 'logStream', derived: true, description: 'source log stream' },
  { name: 'origin_event_id', type: 'Nullable(String)', field: 'id', derived: true, description: 'log event id in the source group' },
  { name: 'subscription_filters', type: LC, field: 'subscriptionFilters', derived: true, description: 'filter names, comma-separated' },
];

const GZIP_BASE64 = /^H4sI[A-Za-z0-9+/=\s]*$/;

/** base64 text of a gzip or plain JSON payload → the payload text; undefined when it is neither. */
export function decodeSubscriptionData(data: string): string | undefined {
  const buf = Buffer.from(data, 'base64');
  if (buf.length === 0) return undefined;
  if (buf[0] === 0x1f && buf[1] === 0x8b) return gunzipSync(buf).toString('utf8');
  const text = buf.toString('utf8');
  return text.trimStart().startsWith('{') ? text : undefined;
}

class SubscriptionReader {
  readonly out: ParseOutput = { events: [], problems: [], warnings: [], kind: 'events' };
  controls = 0;
  payloads = 0;
  constructor(private readonly fallback: number | undefined) {}

  /** Any JSON value: a payload, an envelope, or a list. */
  value(v: unknown, line: number, text: string): void {
    if (Array.isArray(v)) {
      for (const x of v) this.value(x, line, text);
      return;
    }
    if (!isObject(v)) {
      this.out.problems.push({ line, reason: 'not a CloudWatch Logs subscription payload', text: clip(text) });
      return;
    }
    if (typeof v.messageType === 'string') {
      this.payload(v, line);
      return;
    }
    const awslogs = v.awslogs;
    if (isObject(awslogs) && typeof awslogs.data === 'string') {
      this.encoded(awslogs.data, line);
      return;
    }
    const records = Array.isArray(v.records) ? v.records : Array.isArray(v.Records) ? v.Records : undefined;
    if (records) {
      for (const r of records) {
        const data = isObject(r) ? (typeof r.data === 'string' ? r.data : typeof r.Data === 'string' ? r.Data : undefined) : undefined;
        if (data === undefined) this.out.problems.push({ line, reason: 'record without base64 data', text: clip(JSON.stringify(r)) });
        else this.encoded(data, line);
      }
      return;
    }
    this.out.problems.push({ line, reason: 'not a CloudWatch Logs subscription payload (no messageType)', text: clip(text) });
  }

  encoded(data: string, line: number): void {
    let decoded: string | undefined;
    try {
      decoded = decodeSubscriptionData(data);
    } catch (err) {
      this.out.problems.push({ line, reason: `data is not base64 gzip: ${errorText(err)}`, text: clip(data, 256) });
      return;
    }
    if (decoded === undefined) {
      this.out.problems.push({ line, reason: 'data is neither gzip nor JSON', text: clip(data, 256) });
      return;
    }
    const inner: ParseOutput['problems'] = [];
    for (const doc of readJsonDocuments(decoded, inner)) this.value(doc.value, line, doc.text);
    for (const p of inner) this.out.problems.push({ ...p, line, reason: `decoded data: ${p.reason}` });
  }

  payload(p: Record<string, unknown>, line: number): void {
    this.payloads++;
    if (p.messageType === 'CONTROL_MESSAGE') {
      this.controls++;
      return;
    }
    if (p.messageType !== 'DATA_MESSAGE') {
      this.out.warnings!.push({ line, reason: `unknown messageType ${String(p.messageType)}: read as DATA_MESSAGE`, text: '' });
    }
    const owner = str(p.owner) ?? '';
    const logGroup = str(p.logGroup) ?? '';
    const logStream = str(p.logStream) ?? '';
    const filters = Array.isArray(p.subscriptionFilters) ? p.subscriptionFilters.filter((x): x is string => typeof x === 'string') : undefined;
    const filterText = filters && filters.length ? filters.join(',') : null;
    if (!Array.isArray(p.logEvents)) {
      this.out.problems.push({ line, reason: 'DATA_MESSAGE without logEvents', text: clip(JSON.stringify(p)) });
      return;
    }
    for (const le of p.logEvents) {
      if (!isObject(le) || typeof le.message !== 'string') {
        this.out.problems.push({ line, reason: 'log event without a message', text: clip(JSON.stringify(le)) });
        continue;
      }
      let ts = typeof le.timestamp === 'number' ? le.timestamp : typeof le.timestamp === 'string' ? Number(le.timestamp) : NaN;
      if (!isPlausibleMillis(ts)) {
        ts = this.fallback ?? Date.now();
        this.out.warnings!.push({ line, reason: `log event timestamp unreadable; set to ${new Date(ts).toISOString()}`, text: clip(le.message, 256) });
      }
      const id = str(le.id) ?? '';
      const origin: EventOrigin = { owner, logGroup, logStream, id };
      if (filters) origin.subscriptionFilters = filters;
      const ev: ParsedEvent = {
        timestamp: ts,
        message: le.message,
        columns: { origin_owner: owner || null, origin_log_group: logGroup || null, origin_log_stream: logStream || null, origin_event_id: id || null, subscription_filters: filterText },
        origin,
      };
      this.out.events.push(ev);
    }
  }
}

export function parseCwlSubscription(text: string, _fileName?: string, options: ParseOptions = {}): ParseOutput {
  const reader = new SubscriptionReader(options.fallbackTimestamp);
  const out = reader.out;
  try {
    const start = skipSpace(text, 0);
    if (start >= text.length) return out;
    if (text.charCodeAt(start) === 123 || text.charCodeAt(start) === 91) {
      for (const doc of readJsonDocuments(text, out.problems)) reader.value(doc.value, doc.line, doc.text);
    } else {
      // base64 payloads, one per line (Kinesis record data as text)
      let line = 0;
      for (const raw of text.split('\n')) {
        line++;
        const data = raw.trim();
        if (data.length === 0) continue;
        if (!GZIP_BASE64.test(data.slice(0, 64))) {
          // A JSON payload may follow base64 ones; anything else is a problem.
          if (data.startsWith('{')) {
            try {
              reader.value(parseJsonLenient(data), line, data);
            } catch (err) {
              out.problems.push({ line, reason: `invalid JSON: ${errorText(err)}`, text: clip(data) });
            }
          } else out.problems.push({ line, reason: 'not base64 gzip data', text: clip(data) });
          continue;
        }
        reader.encoded(data, line);
      }
    }
    if (reader.payloads > 0 && reader.controls === reader.payloads && out.events.length === 0) out.kind = 'control-message';
  } catch (err) {
    out.problems.push({ line: 0, reason: `parser error: ${errorText(err)}`, text: '' });
  }
  return out;
}

export function detectCwlSubscription(head: string): boolean {
  const h = head.slice(skipSpace(head, 0));
  if (h.startsWith('H4sI')) return GZIP_BASE64.test(h.slice(0, 256).split('\n')[0]);
  if (h.charCodeAt(0) !== 123 && h.charCodeAt(0) !== 91) return false;
  if (/"messageType"\s*:\s*"(?:DATA|CONTROL)_MESSAGE"/.test(h)) return true;
  if (/"logEvents"\s*:\s*\[/.test(h) && /"logGroup"\s*:/.test(h)) return true;
  if (/^\{\s*"awslogs"\s*:\s*\{\s*"data"\s*:\s*"/.test(h)) return true;
  // Firehose HTTP endpoint body or Kinesis GetRecords output carrying gzip payloads
  return /"(?:data|Data)"\s*:\s*"H4sI/.test(h) && /"(?:records|Records)"\s*:\s*\[/.test(h);
}

export const cwlSubscription: SourceFormat = {
  id: 'cwl-subscription',
  caption: 'CloudWatch Logs subscription payloads',
  table: CWL_SUBSCRIPTION_TABLE,
  columns: CWL_SUBSCRIPTION_COLUMNS,
  detect: detectCwlSubscription,
  parse: parseCwlSubscription,
};
