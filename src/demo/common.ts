// Shared types, the fictional environment (account, VPC, hosts) and the incident
// timeline. Every source draws from the same inventory so that a CloudTrail
// incident, a DNS anomaly and a VPC flow spike point at the same instance/IP.

import { DAY, HOUR, MINUTE } from './random.js';

export interface DemoEvent {
  timestamp: number;
  message: string;
}

export interface DemoStream {
  name: string;
  /** Sorted by timestamp ascending. */
  events: DemoEvent[];
}

export interface DemoGroup {
  name: string;
  retentionInDays?: number;
  streams: DemoStream[];
}

/** The time window and knobs every generator receives. */
export interface DemoWindow {
  /** Inclusive lower bound (ms). */
  start: number;
  /** Exclusive upper bound (ms). */
  end: number;
  days: number;
  scale: number;
}

export const ACCOUNT_ID = '111122223333';
export const HOME_REGION = 'us-east-1';
export const VPC_ID = 'vpc-0a1b2c3d4e5f67890';
/** The VPC's Route 53 Resolver (VPC CIDR base + 2). */
export const VPC_RESOLVER_IP = '10.0.0.2';

export interface Host {
  role: 'web' | 'app' | 'db' | 'bastion' | 'batch';
  name: string;
  /** Absent for managed services (RDS) that have an ENI but no EC2 instance. */
  instanceId?: string;
  eni: string;
  ip: string;
}

export const HOSTS: readonly Host[] = [
  { role: 'web', name: 'web-1', instanceId: 'i-0a1b2c3d4e5f60011', eni: 'eni-0a1b2c3d4e5f60001', ip: '10.0.1.10' },
  { role: 'app', name: 'app-1', instanceId: 'i-0a1b2c3d4e5f60012', eni: 'eni-0a1b2c3d4e5f60002', ip: '10.0.2.20' },
  { role: 'app', name: 'app-2', instanceId: 'i-0a1b2c3d4e5f60013', eni: 'eni-0a1b2c3d4e5f60003', ip: '10.0.2.21' },
  { role: 'app', name: 'app-3', instanceId: 'i-0a1b2c3d4e5f60014', eni: 'eni-0a1b2c3d4e5f60004', ip: '10.0.2.22' },
  { role: 'db', name: 'checkout-db', eni: 'eni-0a1b2c3d4e5f60005', ip: '10.0.3.30' },
  { role: 'bastion', name: 'bastion', instanceId: 'i-0a1b2c3d4e5f60016', eni: 'eni-0a1b2c3d4e5f60006', ip: '10.0.1.50' },
  { role: 'batch', name: 'batch-1', instanceId: 'i-0a1b2c3d4e5f60017', eni: 'eni-0a1b2c3d4e5f60007', ip: '10.0.2.40' },
];

export function hostsByRole(role: Host['role']): Host[] {
  return HOSTS.filter((h) => h.role === role);
}

export function hostByName(name: string): Host {
  const h = HOSTS.find((x) => x.name === name);
  if (!h) throw new Error(`unknown demo host ${name}`);
  return h;
}

// Addresses are from reserved ranges (RFC 5737 documentation blocks, RFC 2544
// benchmarking 198.18.0.0/15) so the demo never names a real third party.
export const OFFICE_IPS = ['203.0.113.10', '203.0.113.11', '203.0.113.12'] as const;
/** NAT gateway EIP: what AWS APIs see as sourceIPAddress for calls from private subnets. */
export const NAT_EIP = '203.0.113.200';
/** Account owner's home connection (root login). */
export const ROOT_LOGIN_IP = '198.51.100.23';
/** "Foreign" attacker: brute-forces the console, then uses stolen keys/credentials. */
export const ATTACKER_IP = '192.0.2.66';
/** Internet scanner that port-scans the bastion. */
export const SCANNER_IP = '192.0.2.200';
/** Command-and-control / exfiltration endpoint (also what the bad domains resolve to). */
export const C2_IP = '198.51.100.250';

export const KNOWN_BAD_DOMAIN = 'cdn.update-telemetry-sync.example.';
export const TUNNEL_DOMAIN = 't.dnsq-relay.example.';

/** Random-looking internet client in 198.18.0.0/15. */
export function internetIp(r: { int(a: number, b: number): number }): string {
  return `198.${r.int(18, 19)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

export type IncidentSource = 'cloudtrail' | 'vpcflow' | 'route53' | 'app';

export interface DemoIncident {
  name: string;
  source: IncidentSource;
  logGroup: string;
  /** CloudTrail eventName, or a short label for non-CloudTrail sources. */
  eventName: string;
  /**
   * Start of the incident relative to endTime (negative ms) for the default
   * 7-day window. Other window lengths scale this by days/7 so every incident
   * stays inside the window; see incidentStart().
   */
  offsetMs: number;
  description: string;
}

export const CLOUDTRAIL_GROUP = `/aws/cloudtrail/${ACCOUNT_ID}`;
export const VPC_FLOW_GROUP = '/aws/vpc/flowlogs';
export const ROUTE53_GROUP = '/aws/route53/resolver';
export const CHECKOUT_GROUP = '/app/checkout-api';
export const AUTH_GROUP = '/app/auth-service';
export const LEGACY_GROUP = '/app/legacy-batch';

const at = (days: number, hours = 0, minutes = 0) => -(days * DAY + hours * HOUR + minutes * MINUTE);

/**
 * The story, in order (offsets are from endTime, 7-day window):
 *  -6d     the account owner signs in as root without MFA;
 *  -5d     a foreign IP brute-forces IAM user bob's console password and gets in,
 *          then mints an access key for svc-backup and makes it an administrator;
 *  -4d     the attacker (as svc-backup) opens SSH to the world on the bastion SG;
 *          an hour later an internet scanner sweeps the bastion's ports;
 *  -3d     the attacker stops, then deletes, the security audit trail;
 *  -2d     a customer-export bucket is made public; credentials stolen from
 *          app-1's instance role probe IAM/S3 from the attacker IP (AccessDenied burst);
 *  -1.7d   app-1 resolves DGA domains, then beacons to a known-bad domain,
 *          tunnels data over DNS TXT and pushes ~6 GB to the C2 IP;
 *  -1d     the attacker disables and schedules deletion of the data KMS key;
 *  -12h    unrelated ops incident: checkout-api latency spike and 5xx burst.
 */
export const DEMO_INCIDENTS: readonly DemoIncident[] = [
  {
    name: 'root-console-login-without-mfa',
    source: 'cloudtrail',
    logGroup: CLOUDTRAIL_GROUP,
    eventName: 'ConsoleLogin',
    offsetMs: at(6, 2, 17),
    description: `Root user console sign-in from ${ROOT_LOGIN_IP} with additionalEventData.MFAUsed "No", followed by a few console reads.`,
  },
  {
    name: 'console-brute-force-then-success',
    source: 'cloudtrail',
    logGroup: CLOUDTRAIL_GROUP,
    eventName: 'ConsoleLogin',
    offsetMs: at(5, 7, 40),
    description: `14 ConsoleLogin failures ("Failed authentication") for IAM user bob from ${ATTACKER_IP} within ~9 minutes, then a success without MFA.`,
  },
  {
    name: 'privilege-escalation-access-key-admin-policy',
    source: 'cloudtrail',
    logGroup: CLOUDTRAIL_GROUP,
    eventName: 'CreateAccessKey',
    offsetMs: at(5, 7, 22),
    description: `bob (from ${ATTACKER_IP}) calls CreateAccessKey for user svc-backup, then AttachUserPolicy arn:aws:iam::aws:policy/AdministratorAccess on svc-backup.`,
  },
  {
    name: 'security-group-open-ssh-to-world',
    source: 'cloudtrail',
    logGroup: CLOUDTRAIL_GROUP,
    eventName: 'AuthorizeSecurityGroupIngress',
    offsetMs: at(4, 3, 5),
    description: 'svc-backup adds 0.0.0.0/0 tcp/22 ingress to the bastion security group sg-0a1b2c3d4e5f60006.',
  },
  {
    name: 'port-scan-on-bastion',
    source: 'vpcflow',
    logGroup: VPC_FLOW_GROUP,
    eventName: 'REJECT',
    offsetMs: at(4, 2, 0),
    description: `${SCANNER_IP} probes ~260 TCP ports on the bastion (10.0.1.50) in ~6 minutes: REJECT everywhere except port 22 (ACCEPT).`,
  },
  {
    name: 'stop-logging',
    source: 'cloudtrail',
    logGroup: CLOUDTRAIL_GROUP,
    eventName: 'StopLogging',
    offsetMs: at(3, 9, 12),
    description: 'svc-backup stops the security-audit-trail trail.',
  },
  {
    name: 'delete-trail',
    source: 'cloudtrail',
    logGroup: CLOUDTRAIL_GROUP,
    eventName: 'DeleteTrail',
    offsetMs: at(3, 6, 40),
    description: 'svc-backup deletes the security-audit-trail trail (about 2.5 h after StopLogging).',
  },
  {
    name: 'bucket-made-public',
    source: 'cloudtrail',
    logGroup: CLOUDTRAIL_GROUP,
    eventName: 'PutBucketPolicy',
    offsetMs: at(2, 5, 30),
    description:
      'svc-backup deletes the public access block on acme-customer-exports and puts a bucket policy granting s3:GetObject to Principal "*".',
  },
  {
    name: 'access-denied-burst',
    source: 'cloudtrail',
    logGroup: CLOUDTRAIL_GROUP,
    eventName: 'AccessDenied',
    offsetMs: at(2, 3, 10),
    description: `checkout-app-role session i-0a1b2c3d4e5f60012 used from ${ATTACKER_IP}: ~40 IAM/S3 enumeration calls in ~4 minutes, all errorCode "AccessDenied".`,
  },
  {
    name: 'dga-domain-lookups',
    source: 'route53',
    logGroup: ROUTE53_GROUP,
    eventName: 'NXDOMAIN',
    offsetMs: at(1, 16, 30),
    description: 'app-1 (i-0a1b2c3d4e5f60012) queries ~80 random-looking domains in 25 minutes, almost all NXDOMAIN.',
  },
  {
    name: 'known-bad-domain-beaconing',
    source: 'route53',
    logGroup: ROUTE53_GROUP,
    eventName: 'A',
    offsetMs: at(1, 16, 0),
    description: `app-1 resolves ${KNOWN_BAD_DOMAIN} every ~5 minutes for ~14 hours (answers ${C2_IP}).`,
  },
  {
    name: 'dns-tunnelling-txt-burst',
    source: 'route53',
    logGroup: ROUTE53_GROUP,
    eventName: 'TXT',
    offsetMs: at(1, 14, 0),
    description: `app-1 sends ~300 TXT queries with long encoded labels under ${TUNNEL_DOMAIN} in ~12 minutes.`,
  },
  {
    name: 'large-outbound-transfer',
    source: 'vpcflow',
    logGroup: VPC_FLOW_GROUP,
    eventName: 'ACCEPT',
    offsetMs: at(1, 13, 30),
    description: `app-1 (10.0.2.20) sends ~6 GB to ${C2_IP}:443 over ~70 minutes (eni-0a1b2c3d4e5f60002).`,
  },
  {
    name: 'kms-key-disabled-and-scheduled-for-deletion',
    source: 'cloudtrail',
    logGroup: CLOUDTRAIL_GROUP,
    eventName: 'ScheduleKeyDeletion',
    offsetMs: at(1, 1, 15),
    description: 'svc-backup calls DisableKey, then ScheduleKeyDeletion (7-day window) on the customer-data KMS key ~10 minutes later.',
  },
  {
    name: 'checkout-latency-spike-and-errors',
    source: 'app',
    logGroup: CHECKOUT_GROUP,
    eventName: 'status>=500',
    offsetMs: at(0, 12, 0),
    description:
      'checkout-api: 45 minutes of 6-10x latency on cart/checkout/orders routes and ~15% 503s overall (~35% on those routes): payment-gateway timeouts and DB pool exhaustion; pool stats show waiting > 0.',
  },
];

export function incidentByName(name: string): DemoIncident {
  const inc = DEMO_INCIDENTS.find((i) => i.name === name);
  if (!inc) throw new Error(`unknown demo incident ${name}`);
  return inc;
}

/** Absolute start time of an incident for this window (offset scaled by days/7). */
export function incidentStart(win: DemoWindow, name: string): number {
  const inc = incidentByName(name);
  return Math.floor(win.end + inc.offsetMs * (win.days / 7));
}
