/**
 * Amazon GuardDuty findings (camelCase, as GetFindings, the S3 export and EventBridge deliver them): one event
 * per finding, from a single finding, an array, `{"findings":[…]}`, or EventBridge events
 * (`detail-type: "GuardDuty Finding"`). The message is the finding itself (compact JSON) so that column
 * `field` names are the finding's own paths (`type`, `service.action.actionType`, …).
 */
import type { ColumnDef, ParseOptions, ParseOutput, SourceFormat } from '../contract.js';
import { findingTime, parseFindings } from '../findings.js';
import { skipSpace } from '../json-reader.js';
import { at, bool, float, isObject, str, uint, type ColumnValue } from '../values.js';

export const GUARDDUTY_TABLE = 'events_guardduty';

const LC = 'LowCardinality(Nullable(String))';
const S = 'Nullable(String)';
const T3 = "Nullable(DateTime64(3, 'UTC'))";

export const GUARDDUTY_COLUMNS: ColumnDef[] = [
  { name: 'finding_id', type: S, field: 'id' },
  { name: 'finding_type', type: LC, field: 'type', description: 'ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.DetectionMechanism!Artifact' },
  { name: 'severity', type: 'Nullable(Float64)', field: 'severity' },
  { name: 'severity_label', type: LC, field: 'severityLabel', derived: true, description: 'Low 1-3.9, Medium 4-6.9, High 7-8.9, Critical 9-10' },
  { name: 'title', type: S, field: 'title' },
  { name: 'account_id', type: LC, field: 'accountId' },
  { name: 'region', type: LC, field: 'region' },
  { name: 'partition', type: LC, field: 'partition' },
  { name: 'arn', type: S, field: 'arn' },
  { name: 'schema_version', type: LC, field: 'schemaVersion' },
  { name: 'created_at', type: T3, field: 'createdAt' },
  { name: 'updated_at', type: T3, field: 'updatedAt' },
  { name: 'resource_type', type: LC, field: 'resource.resourceType' },
  { name: 'instance_id', type: LC, field: 'resource.instanceDetails.instanceId' },
  { name: 'access_key_id', type: S, field: 'resource.accessKeyDetails.accessKeyId' },
  { name: 'principal_id', type: S, field: 'resource.accessKeyDetails.principalId' },
  { name: 'user_name', type: S, field: 'resource.accessKeyDetails.userName' },
  { name: 'user_type', type: LC, field: 'resource.accessKeyDetails.userType' },
  { name: 'bucket_name', type: LC, field: 'resource.s3BucketDetails.0.name' },
  { name: 'detector_id', type: LC, field: 'service.detectorId' },
  { name: 'feature_name', type: LC, field: 'service.featureName' },
  { name: 'action_type', type: LC, field: 'service.action.actionType' },
  { name: 'api', type: LC, field: 'service.action.awsApiCallAction.api' },
  { name: 'api_service_name', type: LC, field: 'service.action.awsApiCallAction.serviceName' },
  { name: 'remote_ip', type: S, field: 'remoteIp', derived: true, description: "the action's remoteIpDetails.ipAddressV4 (or V6), whichever action type" },
  { name: 'remote_country', type: LC, field: 'remoteCountry', derived: true, description: "the action's remoteIpDetails.country.countryName" },
  { name: 'archived', type: 'Nullable(Bool)', field: 'service.archived' },
  { name: 'count', type: 'Nullable(UInt64)', field: 'service.count' },
  { name: 'event_first_seen', type: T3, field: 'service.eventFirstSeen' },
  { name: 'event_last_seen', type: T3, field: 'service.eventLastSeen' },
  { name: 'resource_role', type: LC, field: 'service.resourceRole' },
];

export function guardDutySeverityLabel(sev: number | null): string | null {
  if (sev === null) return null;
  if (sev >= 9) return 'Critical';
  if (sev >= 7) return 'High';
  if (sev >= 4) return 'Medium';
  if (sev >= 1) return 'Low';
  return null;
}


/** remoteIpDetails of whichever action the finding carries. */
export function guardDutyRemoteIpDetails(f: Record<string, unknown>): Record<string, unknown> | undefined {
  const action = at(f, 'service', 'action');
  if (!isObject(action)) return undefined;
  for (const [k, a] of Object.entries(action)) {
    if (k === 'actionType' || !isObject(a)) continue;
    if (isObject(a.remoteIpDetails)) return a.remoteIpDetails;
    if (Array.isArray(a.portProbeDetails) && isObject(a.portProbeDetails[0]) && isObject(a.portProbeDetails[0].remoteIpDetails)) {
      return a.portProbeDetails[0].remoteIpDetails as Record<string, unknown>;
    }
  }
  return undefined;
}

export function guardDutyColumns(f: Record<string, unknown>): Record<string, ColumnValue> {
  const sev = float(f.severity);
  const resource = isObject(f.resource) ? f.resource : undefined;
  const key = resource && isObject(resource.accessKeyDetails) ? resource.accessKeyDetails : undefined;
  const buckets = resource && Array.isArray(resource.s3BucketDetails) ? resource.s3BucketDetails : undefined;
  const service = isObject(f.service) ? f.service : undefined;
  const action = service && isObject(service.action) ? service.action : undefined;
  const apiCall = action && isObject(action.awsApiCallAction) ? action.awsApiCallAction : undefined;
  const remote = guardDutyRemoteIpDetails(f);
  return {
    finding_id: str(f.id),
    finding_type: str(f.type),
    severity: sev,
    severity_label: guardDutySeverityLabel(sev),
    title: str(f.title),
    account_id: str(f.accountId),
    region: str(f.region),
    partition: str(f.partition),
    arn: str(f.arn),
    schema_version: str(f.schemaVersion),
    created_at: findingTime(f.createdAt),
    updated_at: findingTime(f.updatedAt),
    resource_type: resource ? str(resource.resourceType) : null,
    instance_id: str(at(resource, 'instanceDetails', 'instanceId')),
    access_key_id: key ? str(key.accessKeyId) : null,
    principal_id: key ? str(key.principalId) : null,
    user_name: key ? str(key.userName) : null,
    user_type: key ? str(key.userType) : null,
    bucket_name: buckets && isObject(buckets[0]) ? str(buckets[0].name) : null,
    detector_id: service ? str(service.detectorId) : null,
    feature_name: service ? str(service.featureName) : null,
    action_type: action ? str(action.actionType) : null,
    api: apiCall ? str(apiCall.api) : null,
    api_service_name: apiCall ? str(apiCall.serviceName) : null,
    remote_ip: remote ? (str(remote.ipAddressV4) ?? str(remote.ipAddressV6)) : null,
    remote_country: str(at(remote, 'country', 'countryName')),
    archived: service ? bool(service.archived) : null,
    count: service ? uint(service.count) : null,
    event_first_seen: service ? findingTime(service.eventFirstSeen) : null,
    event_last_seen: service ? findingTime(service.eventLastSeen) : null,
    resource_role: service ? str(service.resourceRole) : null,
  };
}

function looksLikeGuardDutyFinding(o: Record<string, unknown>): boolean {
  return typeof o.type === 'string' && (typeof o.schemaVersion === 'string' || typeof o.arn === 'string' || isObject(o.service)) && ('id' in o || 'arn' in o);
}

export function parseGuardDuty(text: string, fileName?: string, options: ParseOptions = {}): ParseOutput {
  return parseFindings(text, fileName, options, {
    what: 'GuardDuty finding',
    looksLike: looksLikeGuardDutyFinding,
    columns: guardDutyColumns,
    timestamp: (c) => (c.updated_at as number | null) ?? (c.created_at as number | null) ?? (c.event_last_seen as number | null),
    timeFields: 'updatedAt/createdAt',
  });
}

export function detectGuardDuty(head: string): boolean {
  const h = head.slice(skipSpace(head, 0));
  if (h.charCodeAt(0) !== 123 && h.charCodeAt(0) !== 91) return false;
  if (/"detail-type"\s*:\s*"GuardDuty Finding"/.test(h)) return true;
  if (/"(?:SchemaVersion|ProductArn|messageType|eventVersion)"\s*:/.test(h)) return false;
  if (/"arn"\s*:\s*"arn:aws[a-z-]*:guardduty:[^"]*\/finding\//.test(h)) return true;
  return /"serviceName"\s*:\s*"guardduty"/.test(h) && /"detectorId"\s*:/.test(h);
}

export const guardduty: SourceFormat = {
  id: 'guardduty',
  caption: 'Amazon GuardDuty findings',
  table: GUARDDUTY_TABLE,
  columns: GUARDDUTY_COLUMNS,
  detect: detectGuardDuty,
  parse: parseGuardDuty,
  defaultLogGroup: () => '/aws/events/guardduty',
};
