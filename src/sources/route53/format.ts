/**
 * Amazon Route 53 Resolver query logs: one JSON object per line (`version 1.100000`), the fields named as AWS
 * writes them (snake_case), which are also the names Logs Insights discovers (`srcids.instance`,
 * `answers.0.Rdata`). A pretty-printed object (as in the docs) is accepted and stored compact.
 */
import type { ColumnDef, ParseOptions, ParseOutput, ParsedEvent, SourceFormat } from '../contract.js';
import { fallbackTime, parseAwsLogFileName } from '../file-names.js';
import { errorText, readJsonDocuments, skipSpace } from '../json-reader.js';
import { isPlausibleMillis, parseIsoMillis } from '../time.js';
import { clip, isObject, str, uint, type ColumnValue } from '../values.js';

export const ROUTE53_TABLE = 'events_route53';

const LC = 'LowCardinality(Nullable(String))';
const S = 'Nullable(String)';

export const ROUTE53_COLUMNS: ColumnDef[] = [
  { name: 'version', type: LC, field: 'version' },
  { name: 'account_id', type: LC, field: 'account_id' },
  { name: 'region', type: LC, field: 'region' },
  { name: 'vpc_id', type: LC, field: 'vpc_id' },
  { name: 'query_timestamp', type: "Nullable(DateTime64(3, 'UTC'))", field: 'query_timestamp' },
  { name: 'query_name', type: S, field: 'query_name', description: 'as logged, with the trailing dot' },
  { name: 'query_type', type: LC, field: 'query_type' },
  { name: 'query_class', type: LC, field: 'query_class' },
  { name: 'rcode', type: LC, field: 'rcode' },
  { name: 'answer_rdata', type: S, field: 'answers.0.Rdata', description: 'first answer' },
  { name: 'answer_type', type: LC, field: 'answers.0.Type' },
  { name: 'answer_count', type: 'Nullable(UInt16)', field: 'answerCount', derived: true, description: 'number of answers' },
  { name: 'srcaddr', type: S, field: 'srcaddr' },
  { name: 'srcport', type: 'Nullable(UInt16)', field: 'srcport', description: 'AWS writes it as a string' },
  { name: 'transport', type: LC, field: 'transport' },
  { name: 'srcids_instance', type: LC, field: 'srcids.instance' },
  { name: 'srcids_resolver_endpoint', type: LC, field: 'srcids.resolver_endpoint' },
  { name: 'srcids_resolver_network_interface', type: LC, field: 'srcids.resolver_network_interface' },
  { name: 'firewall_rule_action', type: LC, field: 'firewall_rule_action' },
  { name: 'firewall_rule_group_id', type: LC, field: 'firewall_rule_group_id' },
  { name: 'firewall_domain_list_id', type: LC, field: 'firewall_domain_list_id' },
];

export function route53Columns(r: Record<string, unknown>, time: number): Record<string, ColumnValue> {
  const answers = Array.isArray(r.answers) ? r.answers : undefined;
  const first = answers && isObject(answers[0]) ? answers[0] : undefined;
  const ids = isObject(r.srcids) ? r.srcids : undefined;
  return {
    version: str(r.version),
    account_id: str(r.account_id),
    region: str(r.region),
    vpc_id: str(r.vpc_id),
    query_timestamp: Number.isNaN(time) ? null : time,
    query_name: str(r.query_name),
    query_type: str(r.query_type),
    query_class: str(r.query_class),
    rcode: str(r.rcode),
    answer_rdata: first ? str(first.Rdata) : null,
    answer_type: first ? str(first.Type) : null,
    answer_count: answers ? Math.min(answers.length, 65535) : null,
    srcaddr: str(r.srcaddr),
    srcport: uint(r.srcport, 65535),
    transport: str(r.transport),
    srcids_instance: ids ? str(ids.instance) : null,
    srcids_resolver_endpoint: ids ? str(ids.resolver_endpoint) : null,
    srcids_resolver_network_interface: ids ? str(ids.resolver_network_interface) : null,
    firewall_rule_action: str(r.firewall_rule_action),
    firewall_rule_group_id: str(r.firewall_rule_group_id),
    firewall_domain_list_id: str(r.firewall_domain_list_id),
  };
}

export function parseRoute53(text: string, fileName?: string, options: ParseOptions = {}): ParseOutput {
  const info = parseAwsLogFileName(fileName);
  const out: ParseOutput = { events: [], problems: [], warnings: [], kind: 'events' };
  if (info) out.fileInfo = info;
  try {
    const fallback = fallbackTime(options.fallbackTimestamp, info);
    const keep = options.keepRecord !== false;
    const add = (r: Record<string, unknown>, message: string, line: number) => {
      let time = typeof r.query_timestamp === 'string' ? parseIsoMillis(r.query_timestamp) : NaN;
      if (!isPlausibleMillis(time)) {
        out.warnings!.push({ line, reason: `query_timestamp missing or unreadable; timestamp set to ${new Date(fallback).toISOString()}`, text: clip(message, 256) });
        time = NaN;
      }
      const ev: ParsedEvent = { timestamp: Number.isNaN(time) ? fallback : time, message, columns: route53Columns(r, time) };
      if (keep) ev.record = r;
      out.events.push(ev);
    };
    for (const doc of readJsonDocuments(text, out.problems)) {
      const v = doc.value;
      const list = Array.isArray(v) ? v : [v];
      for (const r of list) {
        if (!isObject(r)) {
          out.problems.push({ line: doc.line, reason: 'not a Route 53 Resolver query log record (expected a JSON object)', text: clip(doc.text) });
          continue;
        }
        add(r, list === v || !(doc.wholeLine || doc.compact) ? JSON.stringify(r) : doc.text, doc.line);
      }
    }
  } catch (err) {
    out.problems.push({ line: 0, reason: `parser error: ${errorText(err)}`, text: '' });
  }
  return out;
}

export function detectRoute53(head: string): boolean {
  const h = head.slice(skipSpace(head, 0));
  if (h.charCodeAt(0) !== 123 && h.charCodeAt(0) !== 91) return false;
  if (/"(?:messageType|logEvents|detail-type|eventVersion)"\s*:/.test(h)) return false;
  return /"query_name"\s*:/.test(h) && /"(?:query_timestamp|query_type|rcode|srcaddr|vpc_id)"\s*:/.test(h);
}

export const route53: SourceFormat = {
  id: 'route53',
  caption: 'Amazon Route 53 Resolver query logs',
  table: ROUTE53_TABLE,
  columns: ROUTE53_COLUMNS,
  detect: detectRoute53,
  parse: parseRoute53,
  defaultLogGroup: () => '/aws/route53/resolver',
};
