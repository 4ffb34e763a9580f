/**
 * VPC Flow Logs → OCSF 1.1.0 Network Activity (4001), activity Traffic (6), the way Amazon Security Lake maps
 * them: addresses and ports to src/dst_endpoint (with the recording ENI, VPC, subnet and instance on both, as
 * Security Lake does; when `pkt-*addr` differs, as through a NAT gateway, the packet address is the endpoint's ip
 * and the interface address its intermediate_ips), protocol / direction / TCP flags /
 * IP version to connection_info, packets and bytes to traffic, ACCEPT/REJECT to action and disposition
 * (security_control profile), log-status to status_code, start/end to start_time/end_time. NODATA/SKIPDATA
 * records keep only the ENI on each endpoint.
 */
import type { ParsedEvent } from '../contract.js';
import { NETWORK_ACTIVITY, classification, cloud, ipOf, metadata, prune, times, type OcsfEvent, type OcsfMapOptions } from '../ocsf/common.js';

const PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 132: 'sctp' };

/** traffic-path (egress only) → connection_info.boundary_id. */
const BOUNDARY: Record<number, [number, string]> = {
  1: [4, 'Same VPC'],
  2: [5, 'Internet/VPC Gateway'],
  3: [6, 'Virtual Private Gateway'],
  4: [7, 'Intra-region VPC'],
  5: [8, 'Inter-region VPC'],
  6: [9, 'Local Gateway'],
  7: [10, 'Gateway VPC'],
  8: [11, 'Internet Gateway'],
};

type Cols = ParsedEvent['columns'];

const s = (c: Cols, k: string): string | undefined => (typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined);
const n = (c: Cols, k: string): number | undefined => (typeof c[k] === 'number' ? (c[k] as number) : undefined);

function endpoint(c: Cols, side: 'src' | 'dst'): OcsfEvent {
  const ip = ipOf(c[`${side}_addr`]);
  const pkt = ipOf(c[`pkt_${side}_addr`]);
  return prune({
    ip,
    port: n(c, `${side}_port`),
    svc_name: s(c, `pkt_${side}_aws_service`),
    intermediate_ips: pkt && ip && pkt !== ip ? [ip] : undefined,
    interface_uid: s(c, 'interface_id'),
    vpc_uid: s(c, 'vpc_id'),
    subnet_uid: s(c, 'subnet_id'),
    instance_uid: s(c, 'instance_id'),
    zone: s(c, 'az_id'),
  });
}

/** A VPC Flow Logs event (from the vpcflow parser) as an OCSF Network Activity event. */
export function toOcsf(event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const c = event.columns;
  const action = s(c, 'action');
  const direction = s(c, 'flow_direction');
  const proto = n(c, 'protocol');
  const traffic = s(c, 'traffic_type');
  const path = n(c, 'traffic_path');
  const start = n(c, 'flow_start');
  const end = n(c, 'flow_end');
  const accepted = action === 'ACCEPT';
  const rejected = action === 'REJECT';
  // When the packet addresses differ (NAT gateway, EKS pods), the original addresses are the endpoints.
  const src = endpoint(c, 'src');
  const dst = endpoint(c, 'dst');
  const pktSrc = ipOf(c.pkt_src_addr);
  const pktDst = ipOf(c.pkt_dst_addr);
  if (pktSrc && src.ip && pktSrc !== src.ip) src.ip = pktSrc;
  if (pktDst && dst.ip && pktDst !== dst.ip) dst.ip = pktDst;
  const unmapped = prune({
    version: n(c, 'version'),
    sublocation_type: s(c, 'sublocation_type'),
    sublocation_id: s(c, 'sublocation_id'),
    traffic_path: path,
    reject_reason: s(c, 'reject_reason'),
    resource_id: s(c, 'resource_id'),
    encryption_status: n(c, 'encryption_status'),
    ecs_cluster_arn: s(c, 'ecs_cluster_arn'),
    ecs_cluster_name: s(c, 'ecs_cluster_name'),
    ecs_container_instance_arn: s(c, 'ecs_container_instance_arn'),
    ecs_container_instance_id: s(c, 'ecs_container_instance_id'),
    ecs_container_id: s(c, 'ecs_container_id'),
    ecs_second_container_id: s(c, 'ecs_second_container_id'),
    ecs_service_name: s(c, 'ecs_service_name'),
    ecs_task_definition_arn: s(c, 'ecs_task_definition_arn'),
    ecs_task_arn: s(c, 'ecs_task_arn'),
    ecs_task_id: s(c, 'ecs_task_id'),
  });
  const boundary = path !== undefined ? BOUNDARY[path] : undefined;
  const status = s(c, 'log_status');
  const o = classification(NETWORK_ACTIVITY, 6, 'Traffic');
  Object.assign(o, times({ time: event.timestamp, start_time: start !== undefined ? start * 1000 : undefined, end_time: end !== undefined ? end * 1000 : undefined }));
  return prune(Object.assign(o, {
    metadata: metadata({ name: 'Amazon VPC', feature: 'Flowlogs', version: n(c, 'version') !== undefined ? String(c.version) : undefined }, ['cloud', 'security_control', 'datetime']),
    cloud: cloud(s(c, 'region') ?? options.region, s(c, 'account_id') ?? options.accountId, s(c, 'az_id')),
    src_endpoint: Object.keys(src).length ? src : { interface_uid: s(c, 'interface_id') ?? 'unknown' },
    dst_endpoint: Object.keys(dst).length ? dst : { interface_uid: s(c, 'interface_id') ?? 'unknown' },
    connection_info: {
      protocol_num: proto,
      protocol_name: proto !== undefined ? PROTOCOLS[proto] : undefined,
      direction_id: direction === 'ingress' ? 1 : direction === 'egress' ? 2 : 0,
      direction: direction === 'ingress' ? 'Inbound' : direction === 'egress' ? 'Outbound' : 'Unknown',
      tcp_flags: n(c, 'tcp_flags'),
      protocol_ver_id: traffic === 'IPv4' ? 4 : traffic === 'IPv6' ? 6 : undefined,
      protocol_ver: traffic === 'IPv4' || traffic === 'IPv6' ? traffic : undefined,
      boundary_id: boundary?.[0],
      boundary: boundary?.[1],
    },
    traffic: { packets: n(c, 'packets'), bytes: n(c, 'bytes') },
    action_id: accepted ? 1 : rejected ? 2 : 0,
    action: accepted ? 'Allowed' : rejected ? 'Denied' : 'Unknown',
    disposition_id: accepted ? 1 : rejected ? 2 : 0,
    disposition: accepted ? 'Allowed' : rejected ? 'Blocked' : 'Unknown',
    status_code: status,
    status_id: status === 'OK' ? 1 : status ? 99 : undefined,
    status: status === 'OK' ? 'Success' : status,
    raw_data: options.includeRaw ? event.message : undefined,
    unmapped,
  }));
}
