/**
 * Route 53 Resolver query logs → OCSF 1.1.0 DNS Activity (4003), activity Response (2), as Amazon Security Lake
 * maps them: query name/type/class to `query` (hostname without the trailing root dot, which OCSF's hostname_t
 * does not allow), answers to `answers`, rcode to rcode/rcode_id, source address/port/instance/VPC to
 * src_endpoint, transport to connection_info, and a DNS Firewall match to action/disposition
 * (security_control profile: BLOCK → Denied/Blocked, ALERT → Allowed/Alert, ALLOW → Allowed/Allowed).
 */
import type { ParsedEvent } from '../contract.js';
import {
  DNS_ACTIVITY,
  classification,
  cloud,
  hostnameOf,
  ipOf,
  metadata,
  msFrom,
  prune,
  recordOf,
  str,
  times,
  unmappedOf,
  type OcsfEvent,
  type OcsfMapOptions,
} from '../ocsf/common.js';
import { isObject, uint } from '../values.js';

/** DNS RCODE names (IANA) → OCSF rcode_id and caption. */
const RCODES: Record<string, [number, string]> = {
  NOERROR: [0, 'NoError'],
  FORMERR: [1, 'FormError'],
  SERVFAIL: [2, 'ServError'],
  NXDOMAIN: [3, 'NXDomain'],
  NOTIMP: [4, 'NotImp'],
  REFUSED: [5, 'Refused'],
  YXDOMAIN: [6, 'YXDomain'],
  YXRRSET: [7, 'YXRRSet'],
  NXRRSET: [8, 'NXRRSet'],
  NOTAUTH: [9, 'NotAuth'],
  NOTZONE: [10, 'NotZone'],
  DSOTYPENI: [11, 'DSOTYPENI'],
  BADVERS: [16, 'BADSIG_VERS'],
  BADSIG: [16, 'BADSIG_VERS'],
  BADKEY: [17, 'BADKEY'],
  BADTIME: [18, 'BADTIME'],
  BADMODE: [19, 'BADMODE'],
  BADNAME: [20, 'BADNAME'],
  BADALG: [21, 'BADALG'],
  BADTRUNC: [22, 'BADTRUNC'],
  BADCOOKIE: [23, 'BADCOOKIE'],
};

const FIREWALL: Record<string, { action: [number, string]; disposition: [number, string] }> = {
  BLOCK: { action: [2, 'Denied'], disposition: [2, 'Blocked'] },
  ALERT: { action: [1, 'Allowed'], disposition: [19, 'Alert'] },
  ALLOW: { action: [1, 'Allowed'], disposition: [1, 'Allowed'] },
};

const MAPPED = new Set([
  'version', 'account_id', 'region', 'vpc_id', 'query_timestamp', 'query_name', 'query_type', 'query_class', 'rcode', 'answers',
  'srcaddr', 'srcport', 'transport', 'srcids', 'firewall_rule_action',
]);

function answersOf(v: unknown): OcsfEvent[] | undefined {
  const list = Array.isArray(v) ? v : isObject(v) ? [v] : [];
  const out = list.filter(isObject).map((a) => prune({ rdata: str(a.Rdata) ?? '', type: str(a.Type), class: str(a.Class) }));
  return out.length ? out : undefined;
}

/** A DNS RCODE name (any case) → [rcode_id, OCSF caption]; unknown names are Other (99) with the name kept. */
export function rcodeOf(name: string | undefined): [number | undefined, string | undefined] {
  if (!name) return [undefined, undefined];
  return RCODES[name.toUpperCase()] ?? [99, name];
}

/** A Route 53 Resolver query log event as an OCSF DNS Activity event. */
export function toOcsf(event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const r = recordOf(event);
  const t = msFrom(r.query_timestamp) ?? event.timestamp;
  const [rcodeId, rcodeName] = rcodeOf(str(r.rcode));
  const ids = isObject(r.srcids) ? r.srcids : {};
  const fw = str(r.firewall_rule_action) ? FIREWALL[String(r.firewall_rule_action).toUpperCase()] : undefined;
  const transport = str(r.transport);
  const srcIp = ipOf(r.srcaddr);
  const name = str(r.query_name);
  const o = classification(DNS_ACTIVITY, 2, 'Response');
  Object.assign(o, times({ time: t, query_time: t }));
  return prune(Object.assign(o, {
    metadata: metadata({ name: 'Route 53', feature: 'Resolver Query Logs', version: r.version }, ['cloud', 'security_control', 'datetime']),
    cloud: cloud(str(r.region) ?? options.region, str(r.account_id) ?? options.accountId),
    query: name ? prune({ hostname: hostnameOf(name) ?? name, type: str(r.query_type), class: str(r.query_class) }) : undefined,
    answers: answersOf(r.answers),
    rcode: rcodeName,
    rcode_id: rcodeId,
    src_endpoint: prune({
      ip: srcIp,
      name: srcIp ? undefined : (str(r.srcaddr) ?? 'unknown'),
      port: uint(r.srcport, 65535) ?? undefined,
      instance_uid: str(ids.instance),
      vpc_uid: str(r.vpc_id),
      interface_uid: str(ids.resolver_network_interface),
      uid: str(ids.resolver_endpoint),
    }),
    connection_info: { direction_id: 0, direction: 'Unknown', protocol_name: transport },
    action_id: fw ? fw.action[0] : 0,
    action: fw ? fw.action[1] : 'Unknown',
    disposition_id: fw ? fw.disposition[0] : 0,
    disposition: fw ? fw.disposition[1] : 'Unknown',
    raw_data: options.includeRaw ? event.message : undefined,
    unmapped: unmappedOf(r, MAPPED),
  }));
}
