/**
 * GuardDuty findings → OCSF 1.1.0 Detection Finding (2004). activity: Create when createdAt = updatedAt, else
 * Update; severity_id from GuardDuty's bands (Low 2, Medium 3, High 4, Critical 5); status Suppressed when
 * archived, else New; the finding type → finding_info.types; the affected resource → resources; the action
 * (API call, network connection, DNS request, port probe) → evidences. Everything else of `service` goes to
 * `unmapped`.
 */
import type { ParsedEvent } from '../contract.js';
import { DETECTION_FINDING, classification, cloud, hostnameOf, ipOf, metadata, msFrom, num, prune, recordOf, str, times, type OcsfEvent, type OcsfMapOptions } from '../ocsf/common.js';
import { at, isObject } from '../values.js';
import { guardDutyRemoteIpDetails } from './format.js';

function severityId(sev: number | undefined): number {
  if (sev === undefined) return 0;
  if (sev >= 9) return 5;
  if (sev >= 7) return 4;
  if (sev >= 4) return 3;
  if (sev >= 1) return 2;
  return 1;
}

function resourceOf(f: Record<string, unknown>): OcsfEvent | undefined {
  const r = isObject(f.resource) ? f.resource : undefined;
  if (!r) return undefined;
  const type = str(r.resourceType);
  const uid =
    str(at(r, 'instanceDetails', 'instanceId')) ??
    str(at(r, 'accessKeyDetails', 'accessKeyId')) ??
    (Array.isArray(r.s3BucketDetails) && isObject(r.s3BucketDetails[0]) ? str(r.s3BucketDetails[0].arn) ?? str(r.s3BucketDetails[0].name) : undefined) ??
    str(at(r, 'eksClusterDetails', 'arn')) ??
    str(at(r, 'lambdaDetails', 'functionArn')) ??
    str(at(r, 'rdsDbInstanceDetails', 'dbInstanceArn'));
  const name = str(at(r, 'accessKeyDetails', 'userName')) ?? str(at(r, 'eksClusterDetails', 'name')) ?? str(at(r, 'lambdaDetails', 'functionName'));
  if (!uid && !name && !type) return undefined;
  return prune({
    type,
    uid,
    name: name ?? (uid ? undefined : type),
    region: str(f.region),
    cloud_partition: str(f.partition),
    owner: str(f.accountId) ? { account: { uid: f.accountId, type_id: 10, type: 'AWS Account' } } : undefined,
  });
}

function evidenceOf(f: Record<string, unknown>): OcsfEvent | undefined {
  const action = at(f, 'service', 'action');
  if (!isObject(action)) return undefined;
  const remote = guardDutyRemoteIpDetails(f);
  const remoteEp = remote ? prune({ ip: ipOf(remote.ipAddressV4) ?? ipOf(remote.ipAddressV6), location: str(at(remote, 'country', 'countryName')) ? { country: at(remote, 'country', 'countryName') } : undefined }) : undefined;
  const api = isObject(action.awsApiCallAction) ? action.awsApiCallAction : undefined;
  const net = isObject(action.networkConnectionAction) ? action.networkConnectionAction : undefined;
  const dns = isObject(action.dnsRequestAction) ? action.dnsRequestAction : undefined;
  const ev: OcsfEvent = {};
  if (api && str(api.api)) ev.api = prune({ operation: api.api, service: str(api.serviceName) ? { name: api.serviceName } : undefined });
  if (net) {
    const local = prune({ ip: ipOf(at(net, 'localIpDetails', 'ipAddressV4')), port: num(at(net, 'localPortDetails', 'port')) });
    const remotePort = num(at(net, 'remotePortDetails', 'port'));
    const remoteFull = prune({ ...(remoteEp ?? {}), port: remotePort });
    const inbound = net.connectionDirection === 'INBOUND';
    if (Object.keys(remoteFull).length && (remoteFull.ip || remoteFull.port !== undefined)) ev[inbound ? 'src_endpoint' : 'dst_endpoint'] = remoteFull;
    if (local.ip || local.port !== undefined) ev[inbound ? 'dst_endpoint' : 'src_endpoint'] = local;
    ev.connection_info = prune({
      direction_id: inbound ? 1 : net.connectionDirection === 'OUTBOUND' ? 2 : 0,
      protocol_name: str(net.protocol)?.toLowerCase(),
    });
  } else if (remoteEp && remoteEp.ip) {
    ev.src_endpoint = remoteEp;
  }
  const domain = dns ? hostnameOf(dns.domain) : undefined;
  if (domain) ev.query = { hostname: domain };
  return Object.keys(ev).length ? ev : undefined;
}

/** A GuardDuty finding event (from the guardduty parser) as an OCSF Detection Finding. */
export function toOcsf(event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const f = recordOf(event);
  const service = isObject(f.service) ? f.service : {};
  const created = msFrom(f.createdAt);
  const updated = msFrom(f.updatedAt);
  const update = created !== undefined && updated !== undefined && updated > created;
  const sev = typeof f.severity === 'number' ? f.severity : typeof f.severity === 'string' ? Number(f.severity) : undefined;
  const sevId = severityId(Number.isFinite(sev) ? sev : undefined);
  const archived = service.archived === true;
  const evidence = evidenceOf(f);
  const resource = resourceOf(f);
  const type = str(f.type);
  const { action: _action, ...serviceRest } = service;
  const o = classification(DETECTION_FINDING, update ? 2 : 1, update ? 'Update' : 'Create', sevId);
  Object.assign(o, times({ time: updated ?? created ?? event.timestamp }));
  return prune(Object.assign(o, {
    metadata: metadata({ name: 'GuardDuty', feature: service.featureName, version: f.schemaVersion }, ['cloud', 'datetime'], {
      uid: str(f.id),
      event_code: type,
    }),
    cloud: cloud(str(f.region) ?? options.region, str(f.accountId) ?? options.accountId),
    status_id: archived ? 3 : 1,
    status: archived ? 'Suppressed' : 'New',
    count: num(service.count),
    finding_info: {
      uid: str(f.arn) ?? str(f.id) ?? 'unknown',
      title: str(f.title) ?? type ?? 'GuardDuty finding',
      desc: str(f.description),
      types: type ? [type] : undefined,
      product_uid: str(f.id),
      ...times({ created_time: created, modified_time: updated, first_seen_time: msFrom(service.eventFirstSeen), last_seen_time: msFrom(service.eventLastSeen) }),
      analytic: type ? { name: type, type_id: 99, type: 'Other' } : undefined,
    },
    resources: resource ? [resource] : undefined,
    evidences: evidence ? [evidence] : undefined,
    raw_data: options.includeRaw ? event.message : undefined,
    unmapped: prune({ service: serviceRest, action: service.action, resource: f.resource, confidence: f.confidence }),
  }));
}
