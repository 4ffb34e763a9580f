/**
 * CloudTrail hot columns: the record fields people filter and group on (detections, CIS metric filters,
 * console views). `field` is the dotted path Logs Insights discovers in the JSON record. The string
 * columns hold JSON strings only (`exactText`), so Insights can read them instead of the message.
 */
import type { ColumnDef } from '../contract.js';
import { parseIsoMillis } from '../time.js';
import { bool, isObject, str, text, type ColumnValue } from '../values.js';

const LC = 'LowCardinality(Nullable(String))';
const S = 'Nullable(String)';
const B = 'Nullable(Bool)';

export const CLOUDTRAIL_COLUMNS: ColumnDef[] = [
  { name: 'event_time', type: "Nullable(DateTime64(3, 'UTC'))", field: 'eventTime', description: 'eventTime as a time (the event timestamp is the same instant)' },
  { name: 'event_version', type: LC, field: 'eventVersion', exactText: true },
  { name: 'event_source', type: LC, field: 'eventSource', exactText: true },
  { name: 'event_name', type: LC, field: 'eventName', exactText: true },
  { name: 'aws_region', type: LC, field: 'awsRegion', exactText: true },
  { name: 'source_ip', type: S, field: 'sourceIPAddress', exactText: true, description: 'as given: an IP, a service name or "AWS Internal"' },
  { name: 'user_agent', type: S, field: 'userAgent', exactText: true },
  { name: 'error_code', type: LC, field: 'errorCode', exactText: true },
  { name: 'error_message', type: S, field: 'errorMessage', exactText: true },
  { name: 'read_only', type: B, field: 'readOnly' },
  { name: 'event_type', type: LC, field: 'eventType', exactText: true },
  { name: 'event_category', type: LC, field: 'eventCategory', exactText: true },
  { name: 'management_event', type: B, field: 'managementEvent' },
  { name: 'recipient_account_id', type: LC, field: 'recipientAccountId', exactText: true },
  { name: 'api_version', type: LC, field: 'apiVersion', exactText: true },
  { name: 'user_type', type: LC, field: 'userIdentity.type', exactText: true },
  { name: 'user_arn', type: S, field: 'userIdentity.arn', exactText: true },
  { name: 'user_account_id', type: LC, field: 'userIdentity.accountId', exactText: true },
  { name: 'user_principal_id', type: S, field: 'userIdentity.principalId', exactText: true },
  { name: 'user_access_key_id', type: S, field: 'userIdentity.accessKeyId', exactText: true },
  {
    name: 'user_name',
    type: S,
    field: 'userName',
    derived: true,
    description: 'userIdentity.userName, else userIdentity.sessionContext.sessionIssuer.userName (the role name for assumed roles)',
  },
  { name: 'user_invoked_by', type: LC, field: 'userIdentity.invokedBy', exactText: true },
  { name: 'session_issuer_arn', type: S, field: 'userIdentity.sessionContext.sessionIssuer.arn', exactText: true },
  { name: 'session_mfa', type: LC, field: 'userIdentity.sessionContext.attributes.mfaAuthenticated', exactText: true, description: 'as given: "true" or "false"' },
  { name: 'request_id', type: S, field: 'requestID', exactText: true },
  { name: 'event_id', type: S, field: 'eventID', exactText: true },
  { name: 'shared_event_id', type: S, field: 'sharedEventID', exactText: true },
  { name: 'vpc_endpoint_id', type: LC, field: 'vpcEndpointId', exactText: true },
  { name: 'tls_version', type: LC, field: 'tlsDetails.tlsVersion', exactText: true },
  { name: 'tls_cipher_suite', type: LC, field: 'tlsDetails.cipherSuite', exactText: true },
  { name: 'tls_host', type: LC, field: 'tlsDetails.clientProvidedHostHeader', exactText: true },
  { name: 'session_credential_from_console', type: LC, field: 'sessionCredentialFromConsole', exactText: true },
  { name: 'console_login_result', type: LC, field: 'responseElements.ConsoleLogin', exactText: true, description: 'Success or Failure, for ConsoleLogin' },
  { name: 'mfa_used', type: LC, field: 'additionalEventData.MFAUsed', exactText: true, description: 'as given: Yes / No' },
  { name: 'insight_type', type: LC, field: 'insightDetails.insightType', exactText: true },
  { name: 'insight_state', type: LC, field: 'insightDetails.state', exactText: true },
  { name: 'insight_event_source', type: LC, field: 'insightDetails.eventSource', exactText: true },
  { name: 'insight_event_name', type: LC, field: 'insightDetails.eventName', exactText: true },
];

function child(o: Record<string, unknown>, k: string): Record<string, unknown> | undefined {
  const v = o[k];
  return isObject(v) ? v : undefined;
}

/** Hot column values for one record; `time` is the already-parsed eventTime (NaN when absent or unparseable). */
export function cloudTrailColumns(r: Record<string, unknown>, time: number): Record<string, ColumnValue> {
  const ui = child(r, 'userIdentity');
  const sc = ui && child(ui, 'sessionContext');
  const issuer = sc && child(sc, 'sessionIssuer');
  const attrs = sc && child(sc, 'attributes');
  const tls = child(r, 'tlsDetails');
  const resp = child(r, 'responseElements');
  const add = child(r, 'additionalEventData');
  const ins = child(r, 'insightDetails');
  const userName = (ui && str(ui.userName)) || (issuer && str(issuer.userName)) || null;
  return {
    event_time: Number.isNaN(time) ? null : time,
    event_version: text(r.eventVersion),
    event_source: text(r.eventSource),
    event_name: text(r.eventName),
    aws_region: text(r.awsRegion),
    source_ip: text(r.sourceIPAddress),
    user_agent: text(r.userAgent),
    error_code: text(r.errorCode),
    error_message: text(r.errorMessage),
    read_only: bool(r.readOnly),
    event_type: text(r.eventType),
    event_category: text(r.eventCategory),
    management_event: bool(r.managementEvent),
    recipient_account_id: text(r.recipientAccountId),
    api_version: text(r.apiVersion),
    user_type: ui ? text(ui.type) : null,
    user_arn: ui ? text(ui.arn) : null,
    user_account_id: ui ? text(ui.accountId) : null,
    user_principal_id: ui ? text(ui.principalId) : null,
    user_access_key_id: ui ? text(ui.accessKeyId) : null,
    user_name: userName,
    user_invoked_by: ui ? text(ui.invokedBy) : null,
    session_issuer_arn: issuer ? text(issuer.arn) : null,
    session_mfa: attrs ? text(attrs.mfaAuthenticated) : null,
    request_id: text(r.requestID),
    event_id: text(r.eventID),
    shared_event_id: text(r.sharedEventID),
    vpc_endpoint_id: text(r.vpcEndpointId),
    tls_version: tls ? text(tls.tlsVersion) : null,
    tls_cipher_suite: tls ? text(tls.cipherSuite) : null,
    tls_host: tls ? text(tls.clientProvidedHostHeader) : null,
    session_credential_from_console: text(r.sessionCredentialFromConsole),
    console_login_result: resp ? text(resp.ConsoleLogin) : null,
    mfa_used: add ? text(add.MFAUsed) : null,
    insight_type: ins ? text(ins.insightType) : null,
    insight_state: ins ? text(ins.state) : null,
    insight_event_source: ins ? text(ins.eventSource) : null,
    insight_event_name: ins ? text(ins.eventName) : null,
  };
}

export function parseEventTime(r: Record<string, unknown>): number {
  const t = r.eventTime;
  return typeof t === 'string' ? parseIsoMillis(t) : NaN;
}
