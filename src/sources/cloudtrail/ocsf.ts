/**
 * CloudTrail → OCSF 1.1.0, following Amazon Security Lake's CloudTrail mapping (fact sheet §9.3):
 * - management and data events → API Activity (6003);
 * - console sign-in events (`signin.amazonaws.com`, eventType `AwsConsoleSignIn`) → Authentication (3002);
 * - Insights events (`AwsCloudTrailInsight`) → Detection Finding (2004): an Insight is CloudTrail's own
 *   detection of unusual API rates, and API Activity would need an actor these events do not have.
 *
 * activity_id for API Activity comes from the operation's verb (Create/Put/Add… → Create, Get/List/Describe… →
 * Read, Update/Modify/Set… → Update, Delete/Remove… → Delete; other verbs: Read when readOnly, else Other) —
 * Security Lake's exact rule is not published. Everything not mapped goes to `unmapped`.
 */
import type { ParsedEvent } from '../contract.js';
import {
  API_ACTIVITY,
  AUTHENTICATION,
  DETECTION_FINDING,
  classification,
  cloud,
  ipOf,
  hostnameOf,
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
import { isoFromMillis } from '../time.js';
import { isObject } from '../values.js';

const VERBS: [RegExp, number, string][] = [
  [/^(Create|Put|Add|Run|Import|Register|Allocate|Attach|Associate|Issue|Generate|Copy|Request|Upload|Send|Publish|Invoke|Start)/, 1, 'Create'],
  [/^(Get|List|Describe|Head|Lookup|Search|Query|Scan|BatchGet|Select|Check|Preview|Estimate|Validate|View|Download)/, 2, 'Read'],
  [/^(Update|Modify|Set|Change|Edit|Enable|Disable|Reset|Replace|Rotate|Tag|Untag|Restore|Reboot|Stop|Apply|Assume|Switch|Accept|Reject)/, 3, 'Update'],
  [/^(Delete|Remove|Terminate|Detach|Deregister|Release|Revoke|Disassociate|Purge|Cancel|Deactivate)/, 4, 'Delete'],
];

export function apiActivityOf(eventName: string | undefined, readOnly: unknown): [number, string] {
  if (eventName) {
    for (const [re, id, name] of VERBS) if (re.test(eventName)) return [id, name];
  }
  if (readOnly === true || readOnly === 'true') return [2, 'Read'];
  return [99, 'Other'];
}

const USER_TYPE_IDS: Record<string, [number, string]> = {
  Root: [2, 'Admin'],
  IAMUser: [1, 'User'],
  FederatedUser: [1, 'User'],
  SAMLUser: [1, 'User'],
  WebIdentityUser: [1, 'User'],
  IdentityCenterUser: [1, 'User'],
  Directory: [1, 'User'],
  AWSService: [3, 'System'],
  Unknown: [0, 'Unknown'],
};

/** OCSF `user` from userIdentity; undefined when it names no one. */
function userOf(ui: Record<string, unknown>): OcsfEvent | undefined {
  const sc = isObject(ui.sessionContext) ? ui.sessionContext : undefined;
  const issuer = sc && isObject(sc.sessionIssuer) ? sc.sessionIssuer : undefined;
  const type = str(ui.type);
  const name = str(ui.userName) ?? (issuer ? str(issuer.userName) : undefined);
  const uid = str(ui.arn);
  const account = str(ui.accountId);
  if (!name && !uid && !account) return undefined;
  const [typeId] = type ? (USER_TYPE_IDS[type] ?? [99]) : [0];
  return {
    type: type ?? undefined,
    type_id: typeId,
    uid,
    uid_alt: str(ui.principalId),
    name,
    account: account ? { uid: account, type_id: 10, type: 'AWS Account' } : undefined,
    credential_uid: str(ui.accessKeyId),
  };
}

function actorOf(r: Record<string, unknown>): OcsfEvent {
  const ui = isObject(r.userIdentity) ? r.userIdentity : {};
  const sc = isObject(ui.sessionContext) ? ui.sessionContext : undefined;
  const attrs = sc && isObject(sc.attributes) ? sc.attributes : undefined;
  const issuer = sc && isObject(sc.sessionIssuer) ? sc.sessionIssuer : undefined;
  const web = sc && isObject(sc.webIdFederationData) ? sc.webIdFederationData : undefined;
  const created = attrs ? msFrom(attrs.creationDate) : undefined;
  const mfa = attrs ? attrs.mfaAuthenticated : undefined;
  const session = prune({
    ...times({ created_time: created }),
    is_mfa: mfa === 'true' || mfa === true ? true : mfa === 'false' || mfa === false ? false : undefined,
    issuer: issuer ? str(issuer.arn) : undefined,
    credential_uid: str(ui.accessKeyId),
  });
  const idp = str(web?.federatedProvider) ?? str(ui.identityProvider);
  const actor = prune({
    user: userOf(ui),
    session: sc && Object.keys(session).length ? session : undefined,
    invoked_by: str(ui.invokedBy),
    idp: idp ? { name: idp } : undefined,
  });
  // OCSF needs one of user, session, invoked_by or process: an identity that names no one becomes an unknown user.
  if (!actor.user && !actor.session && !actor.invoked_by) actor.user = { type: str(ui.type) ?? 'Unknown', type_id: 0, name: 'Unknown' };
  return actor;
}

/** sourceIPAddress: an IP, or a service principal (`ec2.amazonaws.com`), or text such as `AWS Internal`. */
function srcEndpointOf(r: Record<string, unknown>): OcsfEvent {
  const src = r.sourceIPAddress;
  const ip = ipOf(src);
  const ep: OcsfEvent = { uid: str(r.vpcEndpointId) };
  if (ip) ep.ip = ip;
  else if (typeof src === 'string' && /\.amazonaws\.com$/.test(src)) {
    ep.svc_name = src;
    ep.domain = src;
  } else ep.name = str(src) ?? 'Unknown';
  return prune(ep);
}

function dstEndpointOf(r: Record<string, unknown>): OcsfEvent | undefined {
  const tls = isObject(r.tlsDetails) ? r.tlsDetails : undefined;
  const svc = str(r.eventSource);
  const host = tls ? hostnameOf(tls.clientProvidedHostHeader) : undefined;
  return svc || host ? prune({ svc_name: svc, hostname: host }) : undefined;
}

function resourcesOf(r: Record<string, unknown>): OcsfEvent[] | undefined {
  if (!Array.isArray(r.resources)) return undefined;
  const out: OcsfEvent[] = [];
  for (const x of r.resources) {
    if (!isObject(x) || !str(x.ARN)) continue;
    out.push(prune({ uid: x.ARN, type: str(x.type), owner: str(x.accountId) ? { account: { uid: x.accountId, type_id: 10, type: 'AWS Account' } } : undefined }));
  }
  return out.length ? out : undefined;
}

function common(r: Record<string, unknown>, event: ParsedEvent, options: OcsfMapOptions, feature?: unknown): OcsfEvent {
  const t = msFrom(r.eventTime) ?? event.timestamp;
  return {
    time: t,
    time_dt: isoFromMillis(t),
    metadata: metadata({ name: 'CloudTrail', version: r.eventVersion, feature: feature ?? r.eventCategory }, ['cloud', 'datetime'], {
      uid: str(r.eventID),
      event_code: str(r.eventType),
      original_time: str(r.eventTime),
    }),
    cloud: cloud(str(r.awsRegion) ?? options.region, str(r.recipientAccountId) ?? options.accountId),
    raw_data: options.includeRaw ? event.message : undefined,
  };
}

const API_MAPPED = new Set([
  'eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'errorCode', 'errorMessage',
  'requestParameters', 'responseElements', 'requestID', 'eventID', 'eventType', 'apiVersion', 'userIdentity', 'resources', 'vpcEndpointId',
  'eventCategory',
]);

export function toApiActivity(r: Record<string, unknown>, event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const eventName = str(r.eventName);
  const [activityId, activityName] = apiActivityOf(eventName, r.readOnly);
  const failed = str(r.errorCode) !== undefined || str(r.errorMessage) !== undefined;
  const requestId = str(r.requestID);
  const unmapped = unmappedOf(r, API_MAPPED) ?? {};
  // api.request needs a uid: parameters of a request without one are kept here.
  if (!requestId && isObject(r.requestParameters)) unmapped.requestParameters = r.requestParameters;
  const o = classification(API_ACTIVITY, activityId, activityId === 99 && eventName ? eventName : activityName);
  return prune(Object.assign(o, common(r, event, options), {
    status_id: failed ? 2 : 1,
    status: failed ? 'Failure' : 'Success',
    status_code: str(r.errorCode),
    status_detail: str(r.errorMessage),
    actor: actorOf(r),
    api: {
      operation: eventName ?? 'Unknown',
      service: str(r.eventSource) ? { name: r.eventSource } : undefined,
      version: str(r.apiVersion),
      request: requestId ? { uid: requestId, data: isObject(r.requestParameters) ? r.requestParameters : undefined } : undefined,
      response: prune({
        error: str(r.errorCode),
        message: str(r.errorMessage),
        data: isObject(r.responseElements) ? r.responseElements : undefined,
      }),
    },
    src_endpoint: srcEndpointOf(r),
    dst_endpoint: dstEndpointOf(r),
    http_request: str(r.userAgent) ? { user_agent: r.userAgent } : undefined,
    resources: resourcesOf(r),
    unmapped,
  }));
}

const AUTH_MAPPED = new Set([
  'eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'errorCode', 'errorMessage',
  'eventID', 'eventType', 'userIdentity', 'vpcEndpointId', 'eventCategory',
]);

export function toAuthentication(r: Record<string, unknown>, event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const eventName = str(r.eventName);
  const logon = eventName === 'ConsoleLogin' || eventName === 'ExternalIdPDirectoryLogin';
  const resp = isObject(r.responseElements) ? r.responseElements : undefined;
  const result = resp && eventName ? str(resp[eventName]) : undefined;
  const failed = result ? result !== 'Success' : str(r.errorCode) !== undefined || str(r.errorMessage) !== undefined;
  const statusId = result || failed ? (failed ? 2 : 1) : 1;
  const add = isObject(r.additionalEventData) ? r.additionalEventData : undefined;
  const mfaUsed = add ? str(add.MFAUsed)?.toLowerCase() : undefined;
  const ui = isObject(r.userIdentity) ? r.userIdentity : {};
  const o = classification(AUTHENTICATION, logon ? 1 : 99, logon ? 'Logon' : (eventName ?? 'Other'));
  return prune(Object.assign(o, common(r, event, options), {
    status_id: statusId,
    status: statusId === 2 ? 'Failure' : 'Success',
    status_code: result ?? str(r.errorCode),
    status_detail: str(r.errorMessage),
    user: userOf(ui) ?? { type: str(ui.type) ?? 'Unknown', type_id: 0, name: 'Unknown' },
    is_mfa: mfaUsed === 'yes' ? true : mfaUsed === 'no' ? false : undefined,
    is_remote: true,
    src_endpoint: srcEndpointOf(r),
    dst_endpoint: dstEndpointOf(r),
    service: str(r.eventSource) ? { name: r.eventSource } : undefined,
    http_request: str(r.userAgent) ? { user_agent: r.userAgent } : undefined,
    unmapped: unmappedOf(r, AUTH_MAPPED),
  }));
}

const INSIGHT_MAPPED = new Set(['eventVersion', 'eventTime', 'awsRegion', 'eventID', 'eventType', 'recipientAccountId', 'sharedEventID', 'eventCategory']);

export function toInsightFinding(r: Record<string, unknown>, event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const d = isObject(r.insightDetails) ? r.insightDetails : {};
  const state = str(d.state);
  const [activityId, activityName] = state === 'Start' ? [1, 'Create'] : state === 'End' ? [3, 'Close'] : [0, 'Unknown'];
  const insightType = str(d.insightType) ?? 'Insight';
  const source = str(d.eventSource);
  const name = str(d.eventName);
  const t = msFrom(r.eventTime) ?? event.timestamp;
  const o = classification(DETECTION_FINDING, activityId, activityName, 3);
  return prune(Object.assign(o, common(r, event, options, 'Insight'), {
    status_id: state === 'End' ? 4 : 1,
    status: state === 'End' ? 'Resolved' : 'New',
    finding_info: {
      uid: str(r.sharedEventID) ?? str(r.eventID) ?? 'unknown',
      title: `CloudTrail Insight: ${insightType}${source || name ? ` on ${[source, name].filter(Boolean).join(' ')}` : ''}`,
      types: [insightType],
      analytic: { name: insightType, type_id: 3, type: 'Statistical' },
      ...times({ first_seen_time: state === 'Start' ? t : undefined, last_seen_time: state === 'End' ? t : undefined }),
    },
    evidences: name ? [{ api: { operation: name, service: source ? { name: source } : undefined } }] : undefined,
    unmapped: unmappedOf({ ...r, insightDetails: d }, INSIGHT_MAPPED),
  }));
}

export function isCloudTrailSignIn(r: Record<string, unknown>): boolean {
  return r.eventType === 'AwsConsoleSignIn' || (r.eventSource === 'signin.amazonaws.com' && r.eventName === 'ConsoleLogin');
}

/** One CloudTrail event as OCSF: API Activity, Authentication or (Insights) Detection Finding. */
export function toOcsf(event: ParsedEvent, options: OcsfMapOptions = {}): OcsfEvent {
  const r = recordOf(event);
  if (r.eventType === 'AwsCloudTrailInsight' || isObject(r.insightDetails)) return toInsightFinding(r, event, options);
  if (isCloudTrailSignIn(r)) return toAuthentication(r, event, options);
  return toApiActivity(r, event, options);
}
