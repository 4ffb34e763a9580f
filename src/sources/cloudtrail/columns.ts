/**
 * CloudTrail hot columns: the record fields people filter and group on (detections, CIS metric filters,
 * console views). `field` is the dotted path Logs Insights discovers in the JSON record.
 */
import type { ColumnDef } from '../contract.js';
import { parseIsoMillis } from '../time.js';
import { bool, isObject, str, type ColumnValue } from '../values.js';

const LC = 'LowCardinality(Nullable(String))';
const S = 'Nullable(String)';
const B = 'Nullable(Bool)';

export const CLOUDTRAIL_COLUMNS: ColumnDef[] = [
  { name: 'event_time', type: "Nullable(DateTime64(3, 'UTC'))", field: 'eventTime', description: 'eventTime as a time (the event timestamp is the same instant)' },
  { name: 'event_version', type: LC, field: 'eventVersion' },
  { name: 'event_source', type: LC, field: 'eventSource' },
  { name: 'event_name', type: LC, field: 'eventName' },
  { name: 'aws_region', type: LC, field: 'awsRegion' },
  { name: 'source_ip', type: S, field: 'sourceIPAddress', description: 'as given: an IP, a service name or "AWS Internal"' },
  { name: 'user_agent', type: S, field: 'userAgent' },
  { name: 'error_code', type: LC, field: 'errorCode' },
  { name: 'error_message', type: S, field: 'errorMessage' },
  { name: 'read_only', type: B, field: 'readOnly' },
  { name: 'event_type', type: LC, field: 'eventType' },
  { name: 'event_category', type: LC, field: 'eventCategory' },
  { name: 'management_event', type: B, field: 'managementEvent' },
  { name: 'recipient_account_id', type: LC, field: 'recipientAccountId' },
  { name: 'api_version', type: LC, field: 'apiVersion' },
  { name: 'user_type', type: LC, field: 'userIdentity.type' },
  { name: 'user_arn', type: S, field: 'userIdentity.arn' },
  { name: 'user_account_id', type: LC, field: 'userIdentity.accountId' },
  { name: 'user_principal_id', type: S, field: 'userIdentity.principalId' },
  { name: 'user_access_key_id', type: S, field: 'userIdentity.accessKeyId' },
  {
    name: 'user_name',
    type: S,
    field: 'userName',
    derived: true,
    description: 'userIdentity.userName, else userIdentity.sessionContext.sessionIssuer.userName (the role name for assumed roles)',
  },
  { name: 'user_invoked_by', type: LC, field: 'userIdentity.invokedBy' },
  { name: 'session_issuer_arn', type: S, field: 'userIdentity.sessionContext.sessionIssuer.arn' },
  { name: 'session_mfa', type: LC, field: 'userIdentity.sessionContext.attributes.mfaAuthenticated', description: 'as given: "true" or "false"' },
  { name: 'request_id', type: S, field: 'requestID' },
  { name: 'event_id', type: S, field: 'eventID' },
  { name: 'shared_event_id', type: S, field: 'sharedEventID' },
  { name: 'vpc_endpoint_id', type: LC, field: 'vpcEndpointId' },
  { name: 'tls_version', type: LC, field: 'tlsDetails.tlsVersion' },
  { name: 'tls_cipher_suite', type: LC, field: 'tlsDetails.cipherSuite' },
  { name: 'tls_host', type: LC, field: 'tlsDetails.clientProvidedHostHeader' },
  { name: 'session_credential_from_console', type: LC, field: 'sessionCredentialFromConsole' },
  { name: 'console_login_result', type: LC, field: 'responseElements.ConsoleLogin', description: 'Success or Failure, for ConsoleLogin' },
  { name: 'mfa_used', type: LC, field: 'additionalEventData.MFAUsed', description: 'as given: Yes / No' },
  { name: 'insight_type', type: LC, field: 'insightDetails.insightType' },
  { name: 'insight_state', type: LC, field: 'insightDetails.state' },
  { name: 'insight_event_source', type: LC, field: 'insightDetails.eventSource' },
  { name: 'insight_event_name', type: LC, field: 'insightDetails.eventName' },
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
    event_version: str(r.eventVersion),
    event_source: str(r.eventSource),
    event_name: str(r.eventName),
    aws_region: str(r.awsRegion),
    source_ip: str(r.sourceIPAddress),
    user_agent: str(r.userAgent),
    error_code: str(r.errorCode),
    error_message: str(r.errorMessage),
    read_only: bool(r.readOnly),
    event_type: str(r.eventType),
    event_category: str(r.eventCategory),
    management_event: bool(r.managementEvent),
    recipient_account_id: str(r.recipientAccountId),
    api_version: str(r.apiVersion),
    user_type: ui ? str(ui.type) : null,
    user_arn: ui ? str(ui.arn) : null,
    user_account_id: ui ? str(ui.accountId) : null,
    user_principal_id: ui ? str(ui.principalId) : null,
    user_access_key_id: ui ? str(ui.accessKeyId) : null,
    user_name: userName,
    user_invoked_by: ui ? str(ui.invokedBy) : null,
    session_issuer_arn: issuer ? str(issuer.arn) : null,
    session_mfa: attrs ? str(attrs.mfaAuthenticated) : null,
    request_id: str(r.requestID),
    event_id: str(r.eventID),
    shared_event_id: str(r.sharedEventID),
    vpc_endpoint_id: str(r.vpcEndpointId),
    tls_version: tls ? str(tls.tlsVersion) : null,
    tls_cipher_suite: tls ? str(tls.cipherSuite) : null,
    tls_host: tls ? str(tls.clientProvidedHostHeader) : null,
    session_credential_from_console: str(r.sessionCredentialFromConsole),
    console_login_result: resp ? str(resp.ConsoleLogin) : null,
    mfa_used: add ? str(add.MFAUsed) : null,
    insight_type: ins ? str(ins.insightType) : null,
    insight_state: ins ? str(ins.state) : null,
    insight_event_source: ins ? str(ins.eventSource) : null,
    insight_event_name: ins ? str(ins.eventName) : null,
  };
}

export function parseEventTime(r: Record<string, unknown>): number {
  const t = r.eventTime;
  return typeof t === 'string' ? parseIsoMillis(t) : NaN;
}
