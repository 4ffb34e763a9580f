/**
 * Amazon VPC Flow Logs: the default version-2 format and any custom format (every field of versions 2-10),
 * read from the S3 header line (`version account-id …`), from `options.format` (`${version} ${vpc-id} …`) for
 * files without one (CloudWatch Logs destinations), or the default. `-` is null; NODATA/SKIPDATA records,
 * IPv6 and TCP flags are plain values. Lines are split on spaces (no regex per field) and the message is the
 * line as received.
 */
import type { ParseOptions, ParseOutput, ParsedEvent, SourceFormat } from '../contract.js';
import { fallbackTime, parseAwsLogFileName } from '../file-names.js';
import { errorText } from '../json-reader.js';
import { clip, parseDigits, type ColumnValue } from '../values.js';
import { DEFAULT_VPC_FORMAT, VPC_FIELD_BY_NAME, VPCFLOW_COLUMNS, parseVpcFormat, type VpcField, type VpcValueKind } from './fields.js';

export const VPCFLOW_TABLE = 'events_vpcflow';

interface Plan {
  names: string[];
  fields: (VpcField | undefined)[];
  startIndex: number;
  endIndex: number;
  /** From the default, not from a header or an option. */
  assumed: boolean;
}

function plan(names: string[], assumed: boolean): Plan {
  return { names, fields: names.map((n) => VPC_FIELD_BY_NAME.get(n)), startIndex: names.indexOf('start'), endIndex: names.indexOf('end'), assumed };
}

const DEFAULT_PLAN = plan([...DEFAULT_VPC_FORMAT], true);
const HEADER_TOKEN = /^[a-z][a-z0-9-]*$/;
const MAX = { uint8: 255, uint16: 65535, uint64: Number.MAX_SAFE_INTEGER, time: 4294967295 } as const;

/** A header line: lowercase field names, the first and at least half of them known (AWS may add fields). */
function headerNames(line: string): string[] | undefined {
  const c = line.charCodeAt(0);
  if (c < 97 || c > 122) return undefined;
  const sp = line.indexOf(' ');
  if (!VPC_FIELD_BY_NAME.has(sp < 0 ? line.trim() : line.slice(0, sp))) return undefined;
  const tokens = line.trim().split(/\s+/);
  let known = 0;
  for (const t of tokens) {
    if (!HEADER_TOKEN.test(t)) return undefined;
    if (VPC_FIELD_BY_NAME.has(t)) known++;
  }
  return known > 0 && known * 2 >= tokens.length ? tokens : undefined;
}

function convert(token: string, kind: VpcValueKind): ColumnValue {
  if (token === '-') return null;
  if (kind === 'string') return token;
  const n = parseDigits(token);
  return n >= 0 && n <= MAX[kind] ? n : null;
}

function splitLine(line: string, expected: number): string[] {
  const tokens = line.split(' ');
  if (tokens.length === expected) {
    let clean = true;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].length === 0) {
        clean = false;
        break;
      }
    }
    if (clean) return tokens;
  }
  const t = line.trim();
  return t.length === 0 ? [] : t.split(/[ \t]+/);
}

export function parseVpcFlow(text: string, fileName?: string, options: ParseOptions = {}): ParseOutput {
  const info = parseAwsLogFileName(fileName);
  const out: ParseOutput = { events: [], problems: [], warnings: [], kind: 'events' };
  if (info) out.fileInfo = info;
  try {
    const fallback = fallbackTime(options.fallbackTimestamp, info);
    let p = options.format ? plan(parseVpcFormat(options.format), false) : DEFAULT_PLAN;
    const n = text.length;
    let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let line = 0;
    const events = out.events;
    while (pos < n) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      line++;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--;
      const raw = text.slice(pos, end);
      pos = nl + 1;
      if (raw.length === 0) continue;
      const header = headerNames(raw);
      if (header) {
        p = plan(header, false);
        for (const name of header) {
          if (!VPC_FIELD_BY_NAME.has(name)) out.warnings!.push({ line, reason: `unknown field ${name} in the header: its values are not stored in a column`, text: clip(raw, 256) });
        }
        continue;
      }
      const tokens = splitLine(raw, p.names.length);
      if (tokens.length === 0) continue;
      if (tokens.length !== p.names.length) {
        out.problems.push({
          line,
          reason: p.assumed
            ? `${tokens.length} fields where the default format has ${p.names.length}: a custom format needs its header line or options.format`
            : `${tokens.length} fields where the format has ${p.names.length}`,
          text: clip(raw),
        });
        continue;
      }
      const columns: Record<string, ColumnValue> = {};
      const fields = p.fields;
      for (let i = 0; i < tokens.length; i++) {
        const fd = fields[i];
        if (fd !== undefined) columns[fd.column] = convert(tokens[i], fd.kind);
      }
      let ts = NaN;
      const start = p.startIndex >= 0 ? columns.flow_start : null;
      const endTime = p.endIndex >= 0 ? columns.flow_end : null;
      if (typeof start === 'number') ts = start * 1000;
      else if (typeof endTime === 'number') ts = endTime * 1000;
      if (Number.isNaN(ts)) {
        ts = fallback;
        if (out.warnings!.length < 100) out.warnings!.push({ line, reason: `no start/end time; timestamp set to ${new Date(fallback).toISOString()}`, text: clip(raw, 256) });
      }
      const ev: ParsedEvent = { timestamp: ts, message: raw, columns };
      events.push(ev);
    }
    out.fields = p.names;
  } catch (err) {
    out.problems.push({ line: 0, reason: `parser error: ${errorText(err)}`, text: '' });
  }
  return out;
}

const STATUS = /^(?:OK|NODATA|SKIPDATA)$/;
const ACTION_OR_STATUS = /^(?:ACCEPT|REJECT|OK|NODATA|SKIPDATA)$/;
const ENI = /^eni-[0-9a-f]+$/;

export function detectVpcFlow(head: string, fileName?: string): boolean {
  let start = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start < head.length && (head.charCodeAt(start) === 10 || head.charCodeAt(start) === 13)) start++;
  const nl = head.indexOf('\n', start);
  const first = head.slice(start, nl < 0 ? head.length : nl).replace(/\r$/, '');
  if (first.length === 0) return false;
  const c = first.charCodeAt(0);
  if (c === 123 || c === 91 || c === 34) return false;
  const header = headerNames(first);
  if (header) return header.filter((t) => VPC_FIELD_BY_NAME.has(t)).length >= 2;
  const tokens = first.trim().split(/\s+/);
  if (tokens.length === 14 && /^\d{1,2}$/.test(tokens[0]) && (tokens[2].startsWith('eni-') || tokens[2] === '-') && STATUS.test(tokens[13])) return true;
  if (tokens.some((t) => ENI.test(t)) && tokens.some((t) => ACTION_OR_STATUS.test(t))) return true;
  return !!fileName && /_vpcflowlogs_/.test(fileName) && tokens.some((t) => ENI.test(t));
}

export const vpcflow: SourceFormat = {
  id: 'vpcflow',
  caption: 'Amazon VPC Flow Logs',
  table: VPCFLOW_TABLE,
  columns: VPCFLOW_COLUMNS,
  detect: detectVpcFlow,
  parse: parseVpcFlow,
  defaultLogGroup: () => '/aws/vpc/flowlogs',
};
