/**
 * Application Load Balancer access logs: space-separated fields in AWS's documented order, some quoted
 * (with spaces inside), `-` for missing values, `-1` processing times kept as given. Fields AWS appends later
 * are read when present and ignored beyond the known list, as the docs ask. AWS does not deliver these logs
 * to CloudWatch Logs, so the column `field` names are the ones AWS's Athena table for ALB logs uses.
 * The file name gives account, region, load balancer and interval end (see file-names.ts).
 */
import type { ColumnDef, ParseOptions, ParseOutput, ParsedEvent, SourceFormat } from '../contract.js';
import { forEachLine, splitHostPort, tokenizeDelimited } from '../delimited.js';
import { fallbackTime, parseAwsLogFileName } from '../file-names.js';
import { errorText } from '../json-reader.js';
import { isPlausibleMillis, parseIsoMicros } from '../time.js';
import { clip, float, int, uint, type ColumnValue } from '../values.js';

export const ALB_TABLE = 'events_alb';

const LC = 'LowCardinality(Nullable(String))';
const S = 'Nullable(String)';
const T6 = "Nullable(DateTime64(6, 'UTC'))";
const F = 'Nullable(Float64)';

const c = (name: string, type: string, description?: string): ColumnDef => ({ name, type, field: name, ...(description ? { description } : {}) });

export const ALB_COLUMNS: ColumnDef[] = [
  c('type', LC, 'http, https, h2, grpcs, ws, wss'),
  c('time', T6, 'when the response was sent (µs)'),
  c('elb', LC, 'app/<name>/<id>'),
  c('client_ip', S),
  c('client_port', 'Nullable(UInt16)'),
  c('target_ip', S),
  c('target_port', 'Nullable(UInt16)'),
  c('request_processing_time', F, 'seconds; -1 when not dispatched'),
  c('target_processing_time', F, 'seconds; -1 when not dispatched'),
  c('response_processing_time', F, 'seconds; -1 when not dispatched'),
  c('elb_status_code', 'Nullable(UInt16)'),
  c('target_status_code', 'Nullable(UInt16)'),
  c('received_bytes', 'Nullable(UInt64)'),
  c('sent_bytes', 'Nullable(UInt64)'),
  c('request_verb', LC, 'from "request"'),
  c('request_url', S, 'from "request"'),
  c('request_proto', LC, 'from "request"'),
  c('user_agent', S),
  c('ssl_cipher', LC),
  c('ssl_protocol', LC),
  c('target_group_arn', LC),
  c('trace_id', S),
  c('domain_name', LC),
  c('chosen_cert_arn', LC),
  c('matched_rule_priority', 'Nullable(Int32)'),
  c('request_creation_time', T6),
  c('actions_executed', LC),
  c('redirect_url', S),
  c('lb_error_reason', LC, 'error_reason'),
  c('target_port_list', S, 'target:port_list'),
  c('target_status_code_list', S),
  c('classification', LC),
  c('classification_reason', LC),
  c('conn_trace_id', S),
  c('transformed_host', S),
  c('transformed_uri', S),
  c('request_transform_status', LC),
];

/** Field order in the log line (AWS docs); "request", "client:port" and "target:port" expand to several columns. */
const LINE_FIELDS = [
  'type', 'time', 'elb', 'client:port', 'target:port', 'request_processing_time', 'target_processing_time', 'response_processing_time',
  'elb_status_code', 'target_status_code', 'received_bytes', 'sent_bytes', 'request', 'user_agent', 'ssl_cipher', 'ssl_protocol',
  'target_group_arn', 'trace_id', 'domain_name', 'chosen_cert_arn', 'matched_rule_priority', 'request_creation_time', 'actions_executed',
  'redirect_url', 'lb_error_reason', 'target_port_list', 'target_status_code_list', 'classification', 'classification_reason',
  'conn_trace_id', 'transformed_host', 'transformed_uri', 'request_transform_status',
] as const;

/** Lines with fewer fields than this are not ALB entries (the oldest ALB logs end at domain_name/chosen_cert_arn). */
const MIN_FIELDS = 13;
const TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);

function nul(v: string | undefined): string | null {
  return v === undefined || v === '-' || v === '' ? null : v;
}

function micros(v: string | undefined): number | null {
  if (v === undefined || v === '-') return null;
  const t = parseIsoMicros(v);
  return Number.isNaN(t) || !isPlausibleMillis(t / 1000) ? null : t;
}

export function albColumns(values: string[]): Record<string, ColumnValue> {
  const col: Record<string, ColumnValue> = {};
  const n = Math.min(values.length, LINE_FIELDS.length);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const name = LINE_FIELDS[i];
    switch (name) {
      case 'time':
      case 'request_creation_time':
        col[name] = micros(v);
        break;
      case 'client:port':
      case 'target:port': {
        const prefix = name === 'client:port' ? 'client' : 'target';
        if (v === '-') {
          col[`${prefix}_ip`] = null;
          col[`${prefix}_port`] = null;
        } else {
          const [host, port] = splitHostPort(v);
          col[`${prefix}_ip`] = host;
          col[`${prefix}_port`] = port;
        }
        break;
      }
      case 'request_processing_time':
      case 'target_processing_time':
      case 'response_processing_time':
        col[name] = v === '-' ? null : float(v);
        break;
      case 'elb_status_code':
      case 'target_status_code':
        col[name] = v === '-' ? null : uint(v, 65535);
        break;
      case 'received_bytes':
      case 'sent_bytes':
        col[name] = v === '-' ? null : uint(v);
        break;
      case 'matched_rule_priority':
        col[name] = v === '-' ? null : int(v, -2147483648, 2147483647);
        break;
      case 'request': {
        // "GET http://host:80/path HTTP/1.1"; AWS writes "- - - " for requests it could not read.
        const r = v.trim();
        const a = r.indexOf(' ');
        const b = r.lastIndexOf(' ');
        if (a < 0) {
          col.request_verb = nul(r);
          col.request_url = null;
          col.request_proto = null;
        } else {
          col.request_verb = nul(r.slice(0, a));
          col.request_url = nul(b > a ? r.slice(a + 1, b) : r.slice(a + 1));
          col.request_proto = b > a ? nul(r.slice(b + 1)) : null;
        }
        break;
      }
      default:
        col[name] = nul(v);
    }
  }
  return col;
}

export function parseAlb(text: string, fileName?: string, options: ParseOptions = {}): ParseOutput {
  const info = parseAwsLogFileName(fileName);
  const out: ParseOutput = { events: [], problems: [], warnings: [], kind: 'events', fields: [...LINE_FIELDS] };
  if (info) out.fileInfo = info;
  try {
    const fallback = fallbackTime(options.fallbackTimestamp, info);
    forEachLine(text, (line, lineNumber) => {
      const t = tokenizeDelimited(line);
      if (typeof t === 'string') {
        out.problems.push({ line: lineNumber, reason: t, text: clip(line) });
        return;
      }
      if (t.values.length < MIN_FIELDS || !TYPES.has(t.values[0])) {
        out.problems.push({ line: lineNumber, reason: t.values.length < MIN_FIELDS ? `${t.values.length} fields; an ALB entry has at least ${MIN_FIELDS}` : `unknown request type ${t.values[0]}`, text: clip(line) });
        return;
      }
      const columns = albColumns(t.values);
      let ts = typeof columns.time === 'number' ? Math.floor(columns.time / 1000) : typeof columns.request_creation_time === 'number' ? Math.floor(columns.request_creation_time / 1000) : NaN;
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

const ALB_LINE = /^(?:https?|h2|grpcs|wss?) \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z app\/\S+ \S+ \S+ -?\d/;

export function detectAlb(head: string, fileName?: string): boolean {
  const h = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  if (ALB_LINE.test(h)) return true;
  return !!fileName && /_elasticloadbalancing_[a-z0-9-]+_app\./.test(fileName) && /^(?:https?|h2|grpcs|wss?) \d{4}-/.test(h);
}

export const alb: SourceFormat = {
  id: 'alb',
  caption: 'Application Load Balancer access logs',
  table: ALB_TABLE,
  columns: ALB_COLUMNS,
  detect: detectAlb,
  parse: parseAlb,
  defaultLogGroup: (accountId) => `/aws/elasticloadbalancing/${accountId}`,
};
