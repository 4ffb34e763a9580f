/**
 * Amazon Route 53 public DNS query logs (hosted-zone query logging, delivered to CloudWatch Logs in us-east-1,
 * group `/aws/route53/<zone name>`): one space-separated line per query,
 * `version query-timestamp hosted-zone-id query-name query-type response-code protocol edge-location resolver-ip edns-client-subnet`,
 * e.g. `1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -`.
 * Logs Insights discovers these fields as `version queryTimestamp hostZoneId queryName queryType responseCode
 * protocol edgeLocation resolverIp` (AWS "Supported logs and discovered fields" page; the fact sheet's §1.6 says
 * `hostedZoneId` and adds `ednsClientSubnet`: the AWS page wins for the zone id; `ednsClientSubnet`, a later field
 * the page does not list, follows the same camelCase rule).
 * (Resolver query logs, the VPC-side JSON format, are the `route53` format.)
 */
import type { ColumnDef, ParseOptions, ParseOutput, ParsedEvent, SourceFormat } from '../contract.js';
import { forEachLine } from '../delimited.js';
import { fallbackTime, parseAwsLogFileName } from '../file-names.js';
import { errorText } from '../json-reader.js';
import { isPlausibleMillis, parseIsoMillis } from '../time.js';
import { clip, type ColumnValue } from '../values.js';

export const ROUTE53_PUBLIC_TABLE = 'events_route53_public';

const LC = 'LowCardinality(Nullable(String))';

export const ROUTE53_PUBLIC_COLUMNS: ColumnDef[] = [
  { name: 'version', type: LC, field: 'version' },
  { name: 'query_timestamp', type: "Nullable(DateTime64(3, 'UTC'))", field: 'queryTimestamp' },
  { name: 'hosted_zone_id', type: LC, field: 'hostZoneId' },
  { name: 'query_name', type: 'Nullable(String)', field: 'queryName' },
  { name: 'query_type', type: LC, field: 'queryType' },
  { name: 'response_code', type: LC, field: 'responseCode' },
  { name: 'protocol', type: LC, field: 'protocol' },
  { name: 'edge_location', type: LC, field: 'edgeLocation' },
  { name: 'resolver_ip', type: 'Nullable(String)', field: 'resolverIp' },
  { name: 'edns_client_subnet', type: 'Nullable(String)', field: 'ednsClientSubnet' },
];

const NAMES = ROUTE53_PUBLIC_COLUMNS.map((c) => c.name);

export function parseRoute53Public(text: string, fileName?: string, options: ParseOptions = {}): ParseOutput {
  const info = parseAwsLogFileName(fileName);
  const out: ParseOutput = { events: [], problems: [], warnings: [], kind: 'events', fields: ROUTE53_PUBLIC_COLUMNS.map((c) => c.field) };
  if (info) out.fileInfo = info;
  try {
    const fallback = fallbackTime(options.fallbackTimestamp, info);
    forEachLine(text, (line, lineNumber) => {
      const tokens = line.trim().split(/\s+/);
      if (tokens.length !== 10) {
        out.problems.push({ line: lineNumber, reason: `${tokens.length} fields; a Route 53 query log line has 10`, text: clip(line) });
        return;
      }
      const columns: Record<string, ColumnValue> = {};
      for (let i = 0; i < 10; i++) columns[NAMES[i]] = tokens[i] === '-' ? null : tokens[i];
      let ts = parseIsoMillis(tokens[1]);
      if (!isPlausibleMillis(ts)) {
        columns.query_timestamp = null;
        ts = fallback;
        out.warnings!.push({ line: lineNumber, reason: `query timestamp unreadable; timestamp set to ${new Date(fallback).toISOString()}`, text: clip(line, 256) });
      } else columns.query_timestamp = ts;
      const ev: ParsedEvent = { timestamp: ts, message: line, columns };
      out.events.push(ev);
    });
  } catch (err) {
    out.problems.push({ line: 0, reason: `parser error: ${errorText(err)}`, text: '' });
  }
  return out;
}

const LINE = /^\d+\.\d+ \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z [A-Z0-9]{5,32} \S+ [A-Z0-9]+ [A-Z0-9_]+ (?:UDP|TCP) [A-Z0-9-]+ \S+ \S+\s*(?:\n|$)/;

export function detectRoute53Public(head: string): boolean {
  return LINE.test(head.charCodeAt(0) === 0xfeff ? head.slice(1) : head);
}

export const route53Public: SourceFormat = {
  id: 'route53-public',
  caption: 'Amazon Route 53 public DNS query logs',
  table: ROUTE53_PUBLIC_TABLE,
  columns: ROUTE53_PUBLIC_COLUMNS,
  detect: detectRoute53Public,
  parse: parseRoute53Public,
  defaultLogGroup: () => '/aws/route53/public',
};
