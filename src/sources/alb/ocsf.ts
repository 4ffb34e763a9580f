/**
 * ALB access logs → OCSF 1.1.0 HTTP Activity (4002). activity_id from the HTTP method (CONNECT 1 … TRACE 8;
 * others, e.g. PATCH, are Other with the method as activity_name), client → src_endpoint, target →
 * dst_endpoint (the load balancer itself when no target was reached: Lambda, WAF, fixed responses), request
 * line → http_request (url split into scheme/host/port/path/query), ELB status → http_response.code, TLS cipher
 * and protocol → tls, bytes → traffic, the load balancer, its status and error reason → load_balancer
 * (load_balancer profile). Region and account come from the target group ARN when the options do not give them.
 */
import type { ParsedEvent } from '../contract.js';
import { HTTP_ACTIVITY, classification, cloud, hostnameOf, ipOf, metadata, prune, times, type OcsfEvent, type OcsfMapOptions } from '../ocsf/common.js';

const METHODS: Record<string, number> = { CONNECT: 1, DELETE: 2, GET: 3, HEAD: 4, OPTIONS: 5, POST: 6, PUT: 7, TRACE: 8 };
const METHOD_NAMES: Record<number, string> = { 1: 'Connect', 2: 'Delete', 3: 'Get', 4: 'Head', 5: 'Options', 6: 'Post', 7: 'Put', 8: 'Trace' };

type Cols = ParsedEvent['columns'];
const s = (c: Cols, k: string): string | undefined => (typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined);
const n = (c: Cols, k: string): number | undefined => (typeof c[k] === 'number' ? (c[k] as number) : undefined);

function urlOf(raw: string | undefined): OcsfEvent | undefined {
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    // URL drops a port equal to the scheme's default; ALB writes it (":443"), so read it from the text.
    const port = /^[a-zA-Z][\w+.-]*:\/\/(?:\[[^\]]*\]|[^/:?#]*):(\d{1,5})(?:[/?#]|$)/.exec(raw)?.[1];
    return prune({
      url_string: raw,
      scheme: u.protocol.replace(/:$/, ''),
      hostname: hostnameOf(u.hostname),
      port: port !== undefined && Number(port) <= 65535 ? Number(port) : undefined,
      path: u.pathname,
      query_string: u.search ? u.search.slice(1) : undefined,
    });
  } catch {
    return { url_string: raw };
  }
}

/** An ALB access log event (from the alb parser) as an OCSF HTTP Activity event. */
export function toOcsf(event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const c = event.columns;
  const verb = s(c, 'request_verb')?.toUpperCase();
  const activityId = verb && METHODS[verb] ? METHODS[verb] : 99;
  const elbStatus = n(c, 'elb_status_code');
  const targetStatus = n(c, 'target_status_code');
  const elb = s(c, 'elb');
  const tg = s(c, 'target_group_arn');
  const arn = tg ? /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):/.exec(tg) : null;
  const targetIp = ipOf(c.target_ip);
  const received = n(c, 'received_bytes');
  const sent = n(c, 'sent_bytes');
  const durations = ['request_processing_time', 'target_processing_time', 'response_processing_time'].map((k) => n(c, k));
  const latency = durations.every((x) => x !== undefined && x >= 0) ? Math.round((durations[0]! + durations[1]! + durations[2]!) * 1000) : undefined;
  const created = n(c, 'request_creation_time');
  const protocol = s(c, 'ssl_protocol');
  const ok = elbStatus !== undefined && elbStatus < 400;
  const elbParts = elb?.split('/');
  const o = classification(HTTP_ACTIVITY, activityId, activityId === 99 ? (verb ?? 'Other') : METHOD_NAMES[activityId]);
  Object.assign(o, times({ time: event.timestamp, start_time: created !== undefined ? Math.floor(created / 1000) : undefined }));
  return prune(Object.assign(o, {
    metadata: metadata({ name: 'Elastic Load Balancing', feature: 'Application Load Balancer access logs' }, ['cloud', 'load_balancer', 'datetime'], {
      uid: s(c, 'trace_id'),
    }),
    cloud: cloud(options.region ?? arn?.[1], options.accountId ?? arn?.[2]),
    src_endpoint: { ip: ipOf(c.client_ip), port: n(c, 'client_port'), name: ipOf(c.client_ip) ? undefined : (s(c, 'client_ip') ?? 'unknown') },
    dst_endpoint: targetIp ? { ip: targetIp, port: n(c, 'target_port') } : { name: elb ?? 'load balancer', uid: elb },
    http_request: {
      http_method: verb && METHODS[verb] ? verb : undefined,
      url: urlOf(s(c, 'request_url')),
      version: s(c, 'request_proto'),
      user_agent: s(c, 'user_agent'),
      uid: s(c, 'trace_id'),
      length: received,
    },
    http_response: { code: elbStatus ?? targetStatus ?? 0, length: sent, latency },
    status_id: elbStatus === undefined ? 0 : ok ? 1 : 2,
    status: elbStatus === undefined ? 'Unknown' : ok ? 'Success' : 'Failure',
    status_code: elbStatus !== undefined ? String(elbStatus) : undefined,
    status_detail: s(c, 'lb_error_reason'),
    tls: protocol ? { version: protocol, cipher: s(c, 'ssl_cipher'), sni: s(c, 'domain_name') } : undefined,
    traffic: { bytes_in: received, bytes_out: sent, bytes: received !== undefined && sent !== undefined ? received + sent : undefined },
    connection_info: { direction_id: 1, direction: 'Inbound', protocol_name: 'tcp', protocol_num: 6 },
    duration: latency,
    load_balancer: {
      uid: elb,
      name: elbParts && elbParts.length >= 2 ? elbParts[1] : elb,
      code: elbStatus,
      classification: s(c, 'classification'),
      status_detail: s(c, 'classification_reason'),
      error_message: s(c, 'lb_error_reason'),
      endpoint_connections: targetIp ? [{ network_endpoint: { ip: targetIp, port: n(c, 'target_port') }, code: targetStatus }] : undefined,
    },
    raw_data: options.includeRaw ? event.message : undefined,
    unmapped: prune({
      type: s(c, 'type'),
      target_group_arn: tg,
      chosen_cert_arn: s(c, 'chosen_cert_arn'),
      matched_rule_priority: n(c, 'matched_rule_priority'),
      actions_executed: s(c, 'actions_executed'),
      redirect_url: s(c, 'redirect_url'),
      target_port_list: s(c, 'target_port_list'),
      target_status_code_list: s(c, 'target_status_code_list'),
      request_processing_time: durations[0],
      target_processing_time: durations[1],
      response_processing_time: durations[2],
      conn_trace_id: s(c, 'conn_trace_id'),
      transformed_host: s(c, 'transformed_host'),
      transformed_uri: s(c, 'transformed_uri'),
      request_transform_status: s(c, 'request_transform_status'),
    }),
  }));
}
