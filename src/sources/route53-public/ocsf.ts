/**
 * Route 53 public DNS query logs → OCSF 1.1.0 DNS Activity (4003), activity Response (2): the query name and
 * type → `query`, the response code → rcode/rcode_id, the resolver that asked → src_endpoint, the Route 53 edge
 * location → dst_endpoint, protocol → connection_info, the EDNS client subnet to `unmapped`. The
 * hosted zone id goes to `unmapped` (with the edge location). Security Lake does not ingest these logs; this
 * mapping follows the Resolver one.
 */
import type { ParsedEvent } from '../contract.js';
import { DNS_ACTIVITY, classification, cloud, hostnameOf, ipOf, metadata, prune, times, type OcsfEvent, type OcsfMapOptions } from '../ocsf/common.js';
import { rcodeOf } from '../route53/ocsf.js';

type Cols = ParsedEvent['columns'];
const s = (c: Cols, k: string): string | undefined => (typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined);

export function toOcsf(event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const c = event.columns;
  const [rcodeId, rcode] = rcodeOf(s(c, 'response_code'));
  const name = s(c, 'query_name');
  const resolver = ipOf(c.resolver_ip);
  const edge = s(c, 'edge_location');
  const o = classification(DNS_ACTIVITY, 2, 'Response');
  Object.assign(o, times({ time: event.timestamp, query_time: event.timestamp }));
  return prune(
    Object.assign(o, {
      metadata: metadata({ name: 'Route 53', feature: 'Public DNS query logs', version: s(c, 'version') }, ['cloud', 'datetime']),
      cloud: cloud(options.region, options.accountId),
      query: name ? { hostname: hostnameOf(name) ?? name, type: s(c, 'query_type') } : undefined,
      rcode,
      rcode_id: rcodeId,
      src_endpoint: resolver ? { ip: resolver } : { name: s(c, 'resolver_ip') ?? 'unknown' },
      dst_endpoint: edge ? { name: edge, svc_name: 'Route 53' } : undefined,
      connection_info: { direction_id: 1, direction: 'Inbound', protocol_name: s(c, 'protocol') },
      raw_data: options.includeRaw ? event.message : undefined,
      unmapped: { hosted_zone_id: s(c, 'hosted_zone_id'), edge_location: edge, edns_client_subnet: s(c, 'edns_client_subnet') },
    }),
  );
}
