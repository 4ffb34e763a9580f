/**
 * Amazon S3 server access logs: space-separated records, the time in brackets (`[06/Feb/2019:00:00:38 +0000]`),
 * Request-URI, Referer and User-Agent in quotes, `-` for missing values; fields AWS appends later are ignored
 * past the known list. The files are plain text (not gzipped), named `…YYYY-mm-DD-HH-MM-SS-<16 hex>`.
 * S3 does not deliver them to CloudWatch Logs, so `field` names are those of AWS's Athena table for them.
 */
import type { ColumnDef, ParseOptions, ParseOutput, ParsedEvent, SourceFormat } from '../contract.js';
import { forEachLine, tokenizeDelimited } from '../delimited.js';
import { fallbackTime, parseAwsLogFileName } from '../file-names.js';
import { errorText } from '../json-reader.js';
import { isPlausibleMillis, parseClfMillis } from '../time.js';
import { clip, uint, type ColumnValue } from '../values.js';

export const S3ACCESS_TABLE = 'events_s3access';

const LC = 'LowCardinality(Nullable(String))';
const S = 'Nullable(String)';
const U = 'Nullable(UInt64)';

type Kind = 's' | 'u' | 'time' | 'status';
interface S3Field {
  name: string;
  type: string;
  kind: Kind;
  description: string;
}

const s3 = (name: string, type: string, kind: Kind, description: string): S3Field => ({ name, type, kind, description });

/** In log order (AWS "Amazon S3 server access log format"). */
const S3_FIELDS: S3Field[] = [
  s3('bucketowner', LC, 's', 'Bucket Owner (canonical user id)'),
  s3('bucket_name', LC, 's', 'Bucket'),
  s3('requestdatetime', "Nullable(DateTime64(3, 'UTC'))", 'time', 'Time'),
  s3('remoteip', S, 's', 'Remote IP'),
  s3('requester', S, 's', 'Requester (canonical id, ARN, or -)'),
  s3('requestid', S, 's', 'Request ID'),
  s3('operation', LC, 's', 'Operation, e.g. REST.GET.OBJECT'),
  s3('key', S, 's', 'Key (URL-encoded)'),
  s3('request_uri', S, 's', 'Request-URI'),
  s3('httpstatus', 'Nullable(UInt16)', 'status', 'HTTP status'),
  s3('errorcode', LC, 's', 'Error Code'),
  s3('bytessent', U, 'u', 'Bytes Sent'),
  s3('objectsize', U, 'u', 'Object Size'),
  s3('totaltime', U, 'u', 'Total Time (ms)'),
  s3('turnaroundtime', U, 'u', 'Turn-Around Time (ms)'),
  s3('referrer', S, 's', 'Referer'),
  s3('useragent', S, 's', 'User-Agent'),
  s3('versionid', S, 's', 'Version Id'),
  s3('hostid', S, 's', 'Host Id'),
  s3('sigv', LC, 's', 'Signature Version'),
  s3('ciphersuite', LC, 's', 'Cipher Suite'),
  s3('authtype', LC, 's', 'Authentication Type'),
  s3('endpoint', LC, 's', 'Host Header'),
  s3('tlsversion', LC, 's', 'TLS version'),
  s3('accesspointarn', LC, 's', 'Access Point ARN'),
  s3('aclrequired', LC, 's', 'aclRequired'),
  s3('source_region', LC, 's', 'Source Region (newer records)'),
];

export const S3ACCESS_COLUMNS: ColumnDef[] = S3_FIELDS.map((x) => ({ name: x.name, type: x.type, field: x.name, description: x.description }));

const MIN_FIELDS = 10;

export function s3AccessColumns(values: string[]): Record<string, ColumnValue> {
  const col: Record<string, ColumnValue> = {};
  const n = Math.min(values.length, S3_FIELDS.length);
  for (let i = 0; i < n; i++) {
    const f = S3_FIELDS[i];
    const v = values[i];
    if (v === '-' || v === '') {
      col[f.name] = null;
      continue;
    }
    switch (f.kind) {
      case 'time': {
        const t = parseClfMillis(v);
        col[f.name] = isPlausibleMillis(t) ? t : null;
        break;
      }
      case 'status':
        col[f.name] = uint(v, 65535);
        break;
      case 'u':
        col[f.name] = uint(v);
        break;
      default:
        col[f.name] = v;
    }
  }
  return col;
}

export function parseS3Access(text: string, fileName?: string, options: ParseOptions = {}): ParseOutput {
  const info = parseAwsLogFileName(fileName);
  const out: ParseOutput = { events: [], problems: [], warnings: [], kind: 'events', fields: S3_FIELDS.map((x) => x.name) };
  if (info) out.fileInfo = info;
  try {
    const fallback = fallbackTime(options.fallbackTimestamp, info);
    forEachLine(text, (line, lineNumber) => {
      const t = tokenizeDelimited(line, true);
      if (typeof t === 'string') {
        out.problems.push({ line: lineNumber, reason: t, text: clip(line) });
        return;
      }
      if (t.values.length < MIN_FIELDS || !t.quoted[2]) {
        out.problems.push({ line: lineNumber, reason: `not an S3 server access log record (${t.values.length} fields, time in brackets expected third)`, text: clip(line) });
        return;
      }
      const columns = s3AccessColumns(t.values);
      let ts = typeof columns.requestdatetime === 'number' ? columns.requestdatetime : NaN;
      if (Number.isNaN(ts)) {
        ts = fallback;
        out.warnings!.push({ line: lineNumber, reason: `time unreadable; timestamp set to ${new Date(fallback).toISOString()}`, text: clip(line, 256) });
      }
      const ev: ParsedEvent = { timestamp: ts, message: line, columns };
      out.events.push(ev);
    });
  } catch (err) {
    out.problems.push({ line: 0, reason: `parser error: ${errorText(err)}`, text: '' });
  }
  return out;
}

const S3_LINE = /^\S+ \S+ \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] \S+ \S+ \S+ (?:REST|WEBSITE|BATCH|S3)\.[A-Za-z0-9_.]+ /;

export function detectS3Access(head: string): boolean {
  const h = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  return S3_LINE.test(h);
}

export const s3access: SourceFormat = {
  id: 's3access',
  caption: 'Amazon S3 server access logs',
  table: S3ACCESS_TABLE,
  columns: S3ACCESS_COLUMNS,
  detect: detectS3Access,
  parse: parseS3Access,
  defaultLogGroup: (accountId) => `/aws/s3/access-logs/${accountId}`,
};
