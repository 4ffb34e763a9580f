// CloudTrail management/data events as delivered by CloudTrail's CloudWatch Logs
// integration: one record per log event, compact JSON, streams named
// <account>_CloudTrail_<region>. Field names and nesting follow AWS's record
// format so the CloudTrail parser and Logs Insights queries see real shapes.

import {
  ACCOUNT_ID,
  ATTACKER_IP,
  CLOUDTRAIL_GROUP,
  DemoGroup,
  DemoWindow,
  HOME_REGION,
  HOSTS,
  NAT_EIP,
  OFFICE_IPS,
  ROOT_LOGIN_IP,
  incidentStart,
} from './common.js';
import {
  DAY,
  HOUR,
  MINUTE,
  Rng,
  SECOND,
  activityTimes,
  awsId,
  businessProfile,
  cloudTrailLongDate,
  consumerProfile,
  hashSeed,
  isoSeconds,
  machineProfile,
  stableHex,
} from './random.js';

type Json = Record<string, unknown>;

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// --- principals -----------------------------------------------------------

interface User {
  name: string;
  principalId: string;
  accessKeyId: string;
  mfa: boolean;
  cliUa: string;
  ips: readonly string[];
}

const cliUa = (os: string, cmd = '') =>
  `aws-cli/2.17.40 md/awscrt#0.21.2 ua/2.0 os/${os} md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off${cmd}`;

const BROWSER_UA = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
] as const;

const SDK_JS_UA = (api: string) =>
  `aws-sdk-js/3.679.0 ua/2.1 os/linux#6.1.112-124.190.amzn2023.x86_64 lang/js md/nodejs#20.18.0 api/${api}#3.679.0 m/E,N`;
const BOTO_UA =
  'Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.10.226-235.879.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.35.36';
const TERRAFORM_UA =
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.74.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.3 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64';
const CI_IP = '198.51.100.40';

function user(name: string, mfa: boolean, os: string, ips: readonly string[]): User {
  return {
    name,
    principalId: awsId('AIDA', name, 21),
    accessKeyId: awsId('AKIA', name),
    mfa,
    cliUa: cliUa(os),
    ips,
  };
}

const USERS = {
  alice: user('alice', true, 'macos#23.6.0', [...OFFICE_IPS, '198.51.100.31']),
  // bob has no MFA device: that is what makes the brute force work.
  bob: user('bob', false, 'linux#6.8.0-48-generic md/distrib#ubuntu.24', [...OFFICE_IPS, '198.51.100.57']),
  carol: user('carol', true, 'windows#10', [...OFFICE_IPS]),
  deployBot: user('deploy-bot', false, 'linux#5.15.0-1071-azure md/distrib#ubuntu.22', [CI_IP]),
  svcBackup: user('svc-backup', false, 'linux#6.1.112-124.190.amzn2023.x86_64 md/distrib#amzn.2023', [NAT_EIP]),
} as const;

/** Key the attacker mints for svc-backup during the privilege escalation. */
const STOLEN_KEY_ID = awsId('AKIA', 'svc-backup-attacker-key');

interface Role {
  name: string;
  roleId: string;
}

function role(name: string): Role {
  return { name, roleId: awsId('AROA', name, 21) };
}

const ROLES = {
  devOps: role('DevOpsRole'),
  checkoutApp: role('checkout-app-role'),
  web: role('web-server-role'),
  batch: role('batch-worker-role'),
  bastion: role('bastion-ssm-role'),
  reportLambda: role('report-generator-lambda-role'),
  config: role('AWSServiceRoleForConfig'),
} as const;

const roleArn = (r: Role) =>
  r.name.startsWith('AWSServiceRoleFor')
    ? `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/config.amazonaws.com/${r.name}`
    : `arn:aws:iam::${ACCOUNT_ID}:role/${r.name}`;

function iamUserIdentity(u: User, accessKeyId: string | null, session?: { created: number; mfa: boolean }): Json {
  const id: Json = {
    type: 'IAMUser',
    principalId: u.principalId,
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/${u.name}`,
    accountId: ACCOUNT_ID,
  };
  if (accessKeyId !== null) id.accessKeyId = accessKeyId;
  id.userName = u.name;
  if (session) {
    id.sessionContext = {
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate: isoSeconds(session.created), mfaAuthenticated: String(session.mfa) },
    };
  }
  return id;
}

function roleIdentity(r: Role, sessionName: string, created: number, opts: { mfa?: boolean; invokedBy?: string } = {}): Json {
  const id: Json = {
    type: 'AssumedRole',
    principalId: `${r.roleId}:${sessionName}`,
    arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${r.name}/${sessionName}`,
    accountId: ACCOUNT_ID,
    accessKeyId: awsId('ASIA', `${r.name}/${sessionName}/${Math.floor(created / HOUR)}`),
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: r.roleId, arn: roleArn(r), accountId: ACCOUNT_ID, userName: r.name },
      webIdFederationData: {},
      attributes: { creationDate: isoSeconds(created), mfaAuthenticated: String(opts.mfa ?? false) },
    },
  };
  if (opts.invokedBy) id.invokedBy = opts.invokedBy;
  return id;
}

function rootIdentity(session?: { created: number; accessKeyId: string }): Json {
  const id: Json = {
    type: 'Root',
    principalId: ACCOUNT_ID,
    arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
    accountId: ACCOUNT_ID,
    accessKeyId: session ? session.accessKeyId : '',
  };
  if (session) {
    id.sessionContext = {
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate: isoSeconds(session.created), mfaAuthenticated: 'false' },
    };
  }
  return id;
}

const serviceIdentity = (invokedBy: string): Json => ({ type: 'AWSService', invokedBy });

// --- record assembly ----------------------------------------------------------

/** Per-eventSource eventVersion, stable so queries on it return consistent groups. */
const EVENT_VERSION: Record<string, string> = {
  'signin.amazonaws.com': '1.09',
  'iam.amazonaws.com': '1.09',
  's3.amazonaws.com': '1.10',
  'kms.amazonaws.com': '1.10',
  'ec2.amazonaws.com': '1.11',
  'sts.amazonaws.com': '1.11',
  'cloudtrail.amazonaws.com': '1.11',
};

interface RecordInput {
  ts: number;
  region: string;
  identity: Json;
  source: string;
  name: string;
  ip: string;
  ua: string;
  req: Json | null;
  resp: Json | null;
  readOnly: boolean;
  errorCode?: string;
  errorMessage?: string;
  additional?: Json;
  resources?: Json[];
  consoleSignIn?: boolean;
  data?: boolean;
  sharedEventId?: boolean;
  /** TLS host header; null when the call came from inside AWS (service principals). */
  tlsHost: string | null;
  fromConsole?: boolean;
}

interface CtEvent {
  ts: number;
  region: string;
  message: string;
}

function hostHeader(service: string, region: string): string {
  if (service === 'iam') return 'iam.amazonaws.com';
  if (service === 'signin') return 'signin.aws.amazon.com';
  return `${service}.${region}.amazonaws.com`;
}

function s3RequestId(r: Rng): string {
  return r.hex(16).toUpperCase();
}

function buildRecord(r: Rng, x: RecordInput): CtEvent {
  const rec: Json = {
    eventVersion: EVENT_VERSION[x.source] ?? '1.10',
    userIdentity: x.identity,
    eventTime: isoSeconds(x.ts),
    eventSource: x.source,
    eventName: x.name,
    awsRegion: x.region,
    sourceIPAddress: x.ip,
    userAgent: x.ua,
  };
  if (x.errorCode) rec.errorCode = x.errorCode;
  if (x.errorMessage) rec.errorMessage = x.errorMessage;
  rec.requestParameters = x.req;
  rec.responseElements = x.resp;
  if (x.additional) rec.additionalEventData = x.additional;
  if (!x.consoleSignIn) rec.requestID = x.source === 's3.amazonaws.com' ? s3RequestId(r) : r.uuid();
  rec.eventID = r.uuid();
  rec.readOnly = x.readOnly;
  if (x.resources) rec.resources = x.resources;
  rec.eventType = x.consoleSignIn ? 'AwsConsoleSignIn' : 'AwsApiCall';
  rec.managementEvent = !x.data;
  rec.recipientAccountId = ACCOUNT_ID;
  if (x.sharedEventId) rec.sharedEventID = r.uuid();
  rec.eventCategory = x.data ? 'Data' : 'Management';
  if (x.tlsHost !== null) {
    const v13 = r.chance(0.85);
    rec.tlsDetails = {
      tlsVersion: v13 ? 'TLSv1.3' : 'TLSv1.2',
      cipherSuite: v13 ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256',
      clientProvidedHostHeader: x.tlsHost,
    };
  }
  if (x.fromConsole) rec.sessionCredentialFromConsole = 'true';
  return { ts: x.ts, region: x.region, message: JSON.stringify(rec) };
}

// --- call catalogue -----------------------------------------------------------

/** Who is calling, from where, with what client; one per burst of activity. */
interface Caller {
  identity: Json;
  ip: string;
  ua: string;
  fromConsole?: boolean;
  /** true for calls made by AWS services on our behalf (no TLS details, IP = service name). */
  internal?: boolean;
}

const BUCKETS = {
  artifacts: 'acme-prod-artifacts',
  assets: 'acme-app-assets',
  exports: 'acme-customer-exports',
  backups: 'acme-backups',
  logs: 'acme-trail-logs',
} as const;

const KMS_KEYS = {
  data: `arn:aws:kms:${HOME_REGION}:${ACCOUNT_ID}:key/${stableHex('kms-data', 8)}-${stableHex('kms-data-2', 4)}-4${stableHex('kms-data-3', 3)}-9${stableHex('kms-data-4', 3)}-${stableHex('kms-data-5', 12)}`,
  secrets: `arn:aws:kms:${HOME_REGION}:${ACCOUNT_ID}:key/${stableHex('kms-sec', 8)}-${stableHex('kms-sec-2', 4)}-4${stableHex('kms-sec-3', 3)}-a${stableHex('kms-sec-4', 3)}-${stableHex('kms-sec-5', 12)}`,
  trail: `arn:aws:kms:${HOME_REGION}:${ACCOUNT_ID}:key/${stableHex('kms-trail', 8)}-${stableHex('kms-trail-2', 4)}-4${stableHex('kms-trail-3', 3)}-b${stableHex('kms-trail-4', 3)}-${stableHex('kms-trail-5', 12)}`,
} as const;

const kmsResource = (arn: string): Json => ({ accountId: ACCOUNT_ID, type: 'AWS::KMS::Key', ARN: arn });

type Op = (r: Rng, ts: number, region: string, c: Caller) => Omit<RecordInput, 'ts' | 'region' | 'identity' | 'ip' | 'ua' | 'tlsHost' | 'fromConsole'> & {
  tlsHost?: string | null;
  region?: string;
};

const s3Key = (r: Rng, ts: number, bucket: string): string => {
  switch (bucket) {
    case BUCKETS.artifacts:
      return `checkout-api/releases/v2.${r.int(30, 48)}.${r.int(0, 9)}/checkout-api.tar.gz`;
    case BUCKETS.assets:
      return `static/img/products/sku-${r.int(10000, 19999)}.webp`;
    case BUCKETS.exports:
      return `exports/${new Date(ts).getUTCFullYear()}/orders-${r.hex(8)}.csv.gz`;
    case BUCKETS.backups:
      return `pg/checkout-db/${r.hex(6)}/base-${r.int(1, 999).toString().padStart(3, '0')}.tar.zst`;
    default:
      return `AWSLogs/${ACCOUNT_ID}/CloudTrail/${HOME_REGION}/${r.hex(12)}.json.gz`;
  }
};

function s3ObjectOp(name: 'GetObject' | 'PutObject', bucket: string): Op {
  return (r, ts, region) => {
    const key = s3Key(r, ts, bucket);
    const size = Math.round(r.logNormal(name === 'GetObject' ? 40_000 : 250_000, 1.2));
    return {
      source: 's3.amazonaws.com',
      name,
      readOnly: name === 'GetObject',
      data: true,
      req: { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, key },
      resp: name === 'PutObject' ? { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': KMS_KEYS.data } : null,
      additional: {
        SignatureVersion: 'SigV4',
        CipherSuite: 'TLS_AES_128_GCM_SHA256',
        bytesTransferredIn: name === 'PutObject' ? size : 0,
        AuthenticationMethod: 'AuthHeader',
        'x-amz-id-2': r.chars(76, BASE64),
        bytesTransferredOut: name === 'GetObject' ? size : 0,
      },
      resources: [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
        { accountId: ACCOUNT_ID, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
      ],
      tlsHost: `${bucket}.s3.${region}.amazonaws.com`,
    };
  };
}

const simple =
  (service: string, name: string, req: (r: Rng) => Json | null = () => null, opts: { global?: boolean } = {}): Op =>
  (r) => ({
    source: `${service}.amazonaws.com`,
    name,
    readOnly: true,
    req: req(r),
    resp: null,
    region: opts.global ? HOME_REGION : undefined,
  });

const OPS: Record<string, Op> = {
  DescribeInstances: simple('ec2', 'DescribeInstances', (r) =>
    r.chance(0.6)
      ? { instancesSet: {}, filterSet: {} }
      : { instancesSet: { items: [{ instanceId: r.pick(HOSTS.filter((h) => h.instanceId)).instanceId }] }, filterSet: {} },
  ),
  DescribeSecurityGroups: simple('ec2', 'DescribeSecurityGroups', () => ({ securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} })),
  DescribeVpcs: simple('ec2', 'DescribeVpcs', () => ({ vpcSet: {}, filterSet: {} })),
  DescribeDBInstances: simple('rds', 'DescribeDBInstances', (r) => (r.chance(0.5) ? { dBInstanceIdentifier: 'checkout-db' } : null)),
  ListFunctions: simple('lambda', 'ListFunctions20150331'),
  DescribeLogGroups: simple('logs', 'DescribeLogGroups', (r) => (r.chance(0.5) ? { logGroupNamePrefix: r.pick(['/app/', '/aws/lambda/']) } : null)),
  ListUsers: simple('iam', 'ListUsers', () => null, { global: true }),
  GetUser: simple('iam', 'GetUser', (r) => ({ userName: r.pick(['alice', 'bob', 'carol', 'deploy-bot', 'svc-backup']) }), { global: true }),
  DescribeTrails: simple('cloudtrail', 'DescribeTrails', () => ({ trailNameList: [], includeShadowTrails: true })),
  GetCallerIdentity: simple('sts', 'GetCallerIdentity'),
  GetParameter: (r) => ({
    source: 'ssm.amazonaws.com',
    name: 'GetParameter',
    readOnly: true,
    req: { name: r.pick(['/checkout/prod/db-host', '/checkout/prod/feature-flags', '/checkout/prod/payment-endpoint']), withDecryption: false },
    resp: null,
  }),
  GetSecretValue: () => ({
    source: 'secretsmanager.amazonaws.com',
    name: 'GetSecretValue',
    readOnly: true,
    req: { secretId: `arn:aws:secretsmanager:${HOME_REGION}:${ACCOUNT_ID}:secret:prod/checkout/db-AbCdEf` },
    resp: null,
  }),
  DecryptAsCaller: () => ({
    source: 'kms.amazonaws.com',
    name: 'Decrypt',
    readOnly: true,
    req: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${BUCKETS.exports}` } },
    resp: null,
    resources: [kmsResource(KMS_KEYS.data)],
  }),
  ListBuckets: (_r, _ts, region) => ({
    source: 's3.amazonaws.com',
    name: 'ListBuckets',
    readOnly: true,
    req: { Host: `s3.${region}.amazonaws.com` },
    resp: null,
    additional: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': stableHex(`x-amz-${region}`, 56),
      bytesTransferredOut: 1184,
    },
    tlsHost: `s3.${region}.amazonaws.com`,
  }),
};

/** Wrap an op with a caller into a full record. */
function call(r: Rng, ts: number, c: Caller, op: Op, region: string = HOME_REGION): CtEvent {
  const part = op(r, ts, region, c);
  const reg = part.region ?? region;
  const service = part.source.replace('.amazonaws.com', '');
  const { region: _ignored, tlsHost, ...rest } = part;
  return buildRecord(r, {
    ...rest,
    ts,
    region: reg,
    identity: c.identity,
    ip: c.ip,
    ua: c.ua,
    fromConsole: c.fromConsole,
    tlsHost: c.internal ? null : tlsHost !== undefined ? tlsHost : hostHeader(service, reg),
  });
}

function stsCredentials(r: Rng, ts: number, keySeed: string): Json {
  return {
    accessKeyId: awsId('ASIA', keySeed),
    sessionToken: `IQoJb3JpZ2luX2VjE${r.chars(200, BASE64)}`,
    expiration: cloudTrailLongDate(ts + HOUR),
  };
}

function assumeRoleRecord(r: Rng, ts: number, c: Caller, target: Role, sessionName: string): CtEvent {
  const arn = roleArn(target);
  return buildRecord(r, {
    ts,
    region: HOME_REGION,
    identity: c.identity,
    source: 'sts.amazonaws.com',
    name: 'AssumeRole',
    ip: c.ip,
    ua: c.ua,
    req: { roleArn: arn, roleSessionName: sessionName },
    resp: {
      credentials: stsCredentials(r, ts, `${target.name}/${sessionName}/${Math.floor(ts / HOUR)}`),
      assumedRoleUser: {
        assumedRoleId: `${target.roleId}:${sessionName}`,
        arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${target.name}/${sessionName}`,
      },
    },
    readOnly: true,
    resources: [{ accountId: ACCOUNT_ID, type: 'AWS::IAM::Role', ARN: arn }],
    sharedEventId: !!c.internal,
    tlsHost: c.internal ? null : hostHeader('sts', HOME_REGION),
  });
}

function consoleLoginRecord(
  r: Rng,
  ts: number,
  identity: Json,
  ip: string,
  ua: string,
  outcome: { success: boolean; mfaUsed: boolean; mfaArn?: string },
): CtEvent {
  const additional: Json = {
    LoginTo: 'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_' + r.hex(16),
    MobileVersion: 'No',
  };
  if (outcome.mfaArn && outcome.mfaUsed) additional.MFAIdentifier = outcome.mfaArn;
  additional.MFAUsed = outcome.mfaUsed ? 'Yes' : 'No';
  return buildRecord(r, {
    ts,
    region: HOME_REGION,
    identity,
    source: 'signin.amazonaws.com',
    name: 'ConsoleLogin',
    ip,
    ua,
    errorMessage: outcome.success ? undefined : 'Failed authentication',
    req: null,
    resp: { ConsoleLogin: outcome.success ? 'Success' : 'Failure' },
    additional,
    readOnly: false,
    consoleSignIn: true,
    tlsHost: 'signin.aws.amazon.com',
  });
}

// --- background activity -------------------------------------------------------

const HUMAN_OPS: ReadonlyArray<readonly [string, number]> = [
  ['DescribeInstances', 10],
  ['DescribeSecurityGroups', 3],
  ['DescribeVpcs', 1],
  ['ListBuckets', 4],
  ['GetObject:artifacts', 3],
  ['GetObject:exports', 2],
  ['PutObject:artifacts', 1],
  ['DescribeDBInstances', 2],
  ['ListFunctions', 2],
  ['DescribeLogGroups', 3],
  ['ListUsers', 1],
  ['GetUser', 1],
  ['DescribeTrails', 1],
];

function resolveOp(key: string): Op {
  const [name, bucket] = key.split(':');
  if (bucket) return s3ObjectOp(name as 'GetObject' | 'PutObject', BUCKETS[bucket as keyof typeof BUCKETS]);
  return OPS[name];
}

function regionFor(r: Rng): string {
  return r.weighted([
    [REGIONS[0], 85],
    [REGIONS[1], 11],
    [REGIONS[2], 4],
  ]);
}

/** People: sessions of console or CLI work, clustered in business hours. */
function humanSessions(r: Rng, win: DemoWindow, out: CtEvent[]): void {
  const people = [USERS.alice, USERS.bob, USERS.carol];
  for (const u of people) {
    const starts = activityTimes(r, win.start, win.end, 3.2 * win.scale, businessProfile, SECOND);
    for (const s of starts) {
      const ip = r.chance(0.85) ? r.pick(OFFICE_IPS) : u.ips[u.ips.length - 1];
      const consoleSession = u.name === 'carol' || (u.name === 'alice' && r.chance(0.5)) || (u.name === 'bob' && r.chance(0.2));
      const browser = BROWSER_UA[hashSeed(u.name) % BROWSER_UA.length];
      let caller: Caller;
      let t = s;
      if (consoleSession) {
        out.push(
          consoleLoginRecord(r, t, iamUserIdentity(u, null), ip, browser, {
            success: true,
            mfaUsed: u.mfa,
            mfaArn: `arn:aws:iam::${ACCOUNT_ID}:mfa/${u.name}`,
          }),
        );
        t += r.int(20, 90) * SECOND;
        // alice and carol switch into DevOpsRole; bob stays as himself.
        if (u.name !== 'bob') {
          const created = t;
          out.push(
            assumeRoleRecord(
              r,
              t,
              { identity: iamUserIdentity(u, awsId('ASIA', `${u.name}-console-${s}`), { created: s, mfa: u.mfa }), ip, ua: 'AWS Internal', fromConsole: true },
              ROLES.devOps,
              u.name,
            ),
          );
          caller = { identity: roleIdentity(ROLES.devOps, u.name, created, { mfa: u.mfa }), ip, ua: 'AWS Internal', fromConsole: true };
        } else {
          caller = { identity: iamUserIdentity(u, awsId('ASIA', `${u.name}-console-${s}`), { created: s, mfa: false }), ip, ua: 'AWS Internal', fromConsole: true };
        }
      } else {
        caller = { identity: iamUserIdentity(u, u.accessKeyId), ip, ua: u.cliUa };
        out.push(call(r, t, caller, OPS.GetCallerIdentity));
      }
      const n = 5 + r.poisson(28);
      const region = r.chance(0.8) ? HOME_REGION : regionFor(r);
      for (let i = 0; i < n; i++) {
        t += Math.round(r.logNormal(40, 1.1)) * SECOND;
        if (t >= win.end) break;
        out.push(call(r, t, caller, resolveOp(r.weighted(HUMAN_OPS)), r.chance(0.9) ? region : regionFor(r)));
      }
    }
  }
}

/** CI pipeline runs (Terraform plan/apply, artifact upload) during the working day. */
function deployRuns(r: Rng, win: DemoWindow, out: CtEvent[]): void {
  const runs = activityTimes(r, win.start, win.end, 9 * win.scale, businessProfile, SECOND);
  const u = USERS.deployBot;
  for (const s of runs) {
    let t = s;
    const cli: Caller = { identity: iamUserIdentity(u, u.accessKeyId), ip: CI_IP, ua: cliUa('linux#5.15.0-1071-azure', ' md/command#sts.get-caller-identity') };
    out.push(call(r, t, cli, OPS.GetCallerIdentity));
    const tf: Caller = { identity: iamUserIdentity(u, u.accessKeyId), ip: CI_IP, ua: TERRAFORM_UA };
    const steps: string[] = ['DescribeVpcs', 'DescribeSecurityGroups', 'DescribeInstances', 'DescribeDBInstances', 'ListFunctions'];
    for (let i = 0; i < 8 + r.int(0, 6); i++) {
      t += r.int(1, 6) * SECOND;
      out.push(call(r, t, tf, OPS[r.pick(steps)]));
    }
    t += r.int(30, 240) * SECOND;
    out.push(call(r, t, { ...cli, ua: cliUa('linux#5.15.0-1071-azure', ' md/command#s3.cp') }, s3ObjectOp('PutObject', BUCKETS.artifacts)));
  }
}

const INSTANCE_ROLES: Record<string, Role> = {
  web: ROLES.web,
  app: ROLES.checkoutApp,
  batch: ROLES.batch,
  bastion: ROLES.bastion,
};

/** EC2 refreshes instance-profile credentials roughly hourly: periodic AssumeRole by ec2.amazonaws.com. */
function instanceProfileRefresh(r: Rng, win: DemoWindow, out: CtEvent[]): void {
  const period = HOUR / Math.max(win.scale, 0.05);
  for (const h of HOSTS) {
    const target = INSTANCE_ROLES[h.role];
    if (!target || !h.instanceId) continue;
    let t = win.start + Math.floor(r.next() * period);
    while (t < win.end) {
      const ts = Math.floor(t / SECOND) * SECOND;
      if (ts >= win.start) {
        out.push(
          assumeRoleRecord(r, ts, { identity: serviceIdentity('ec2.amazonaws.com'), ip: 'ec2.amazonaws.com', ua: 'ec2.amazonaws.com', internal: true }, target, h.instanceId),
        );
      }
      t += period + r.int(-90, 90) * SECOND;
    }
  }
}

const APP_OPS: ReadonlyArray<readonly [string, number]> = [
  ['GetSecretValue', 2],
  ['GetParameter', 3],
  ['DecryptAsCaller', 3],
  ['GetObject:assets', 4],
  ['PutObject:exports', 3],
  ['GetCallerIdentity', 0.3],
];

const APP_OP_SDK: Record<string, string> = {
  GetSecretValue: 'secrets-manager',
  GetParameter: 'ssm',
  DecryptAsCaller: 'kms',
  GetCallerIdentity: 'sts',
};

/** checkout-api instances calling AWS through the NAT gateway with their instance role. */
function appRoleCalls(r: Rng, win: DemoWindow, out: CtEvent[]): void {
  const apps = HOSTS.filter((h) => h.role === 'app');
  for (const t of activityTimes(r, win.start, win.end, 700 * win.scale, consumerProfile, SECOND)) {
    const h = r.pick(apps);
    const created = Math.floor(t / HOUR) * HOUR + 7 * MINUTE;
    const key = r.weighted(APP_OPS);
    const caller: Caller = {
      identity: roleIdentity(ROLES.checkoutApp, h.instanceId ?? h.name, created <= t ? created : created - HOUR),
      ip: NAT_EIP,
      ua: SDK_JS_UA(APP_OP_SDK[key] ?? 's3'),
    };
    out.push(call(r, t, caller, resolveOp(key)));
  }
}

/** KMS work AWS services do for us (log encryption, secret decryption): AWSService principals. */
function serviceKmsCalls(r: Rng, win: DemoWindow, out: CtEvent[]): void {
  for (const t of activityTimes(r, win.start, win.end, 260 * win.scale, machineProfile, SECOND)) {
    const svc = r.weighted([
      ['cloudtrail.amazonaws.com', 4],
      ['secretsmanager.amazonaws.com', 3],
      ['rds.amazonaws.com', 2],
    ] as const);
    const c: Caller = { identity: serviceIdentity(svc), ip: svc, ua: svc, internal: true };
    if (svc === 'cloudtrail.amazonaws.com') {
      out.push(
        call(r, t, c, () => ({
          source: 'kms.amazonaws.com',
          name: 'GenerateDataKey',
          readOnly: true,
          req: {
            keyId: KMS_KEYS.trail,
            encryptionContext: {
              'aws:cloudtrail:arn': `arn:aws:cloudtrail:${HOME_REGION}:${ACCOUNT_ID}:trail/management-events`,
              'aws:s3:arn': `arn:aws:s3:::${BUCKETS.logs}/AWSLogs/${ACCOUNT_ID}/CloudTrail/${HOME_REGION}/${r.hex(12)}.json.gz`,
            },
            keySpec: 'AES_256',
          },
          resp: null,
          resources: [kmsResource(KMS_KEYS.trail)],
          sharedEventId: true,
        })),
      );
    } else {
      out.push(
        call(r, t, c, () => ({
          source: 'kms.amazonaws.com',
          name: 'Decrypt',
          readOnly: true,
          req: {
            encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
            encryptionContext:
              svc === 'rds.amazonaws.com'
                ? { 'aws:rds:db-id': 'db-' + stableHex('checkout-db', 26).toUpperCase() }
                : { SecretARN: `arn:aws:secretsmanager:${HOME_REGION}:${ACCOUNT_ID}:secret:prod/checkout/db-AbCdEf`, SecretVersionId: stableHex('secver', 8) },
          },
          resp: null,
          resources: [kmsResource(KMS_KEYS.secrets)],
          sharedEventId: true,
        })),
      );
    }
  }
}

/** Scheduled report Lambda: cold-start AssumeRole plus S3/KMS calls every 15 minutes. */
function lambdaRuns(r: Rng, win: DemoWindow, out: CtEvent[]): void {
  const period = (15 * MINUTE) / Math.max(win.scale, 0.05);
  let lastAssume = -Infinity;
  let sessionStart = 0;
  for (let t = Math.ceil(win.start / period) * period; t < win.end; t += period) {
    let ts = Math.floor((t + r.int(0, 4000)) / SECOND) * SECOND;
    if (ts >= win.end) break;
    if (ts - lastAssume > 50 * MINUTE) {
      out.push(
        assumeRoleRecord(r, ts, { identity: serviceIdentity('lambda.amazonaws.com'), ip: 'lambda.amazonaws.com', ua: 'lambda.amazonaws.com', internal: true }, ROLES.reportLambda, 'report-generator'),
      );
      lastAssume = ts;
      sessionStart = ts;
      ts += SECOND;
    }
    const c: Caller = { identity: roleIdentity(ROLES.reportLambda, 'report-generator', sessionStart), ip: '198.19.54.12', ua: BOTO_UA };
    out.push(call(r, ts, c, s3ObjectOp('GetObject', BUCKETS.exports)));
    if (r.chance(0.5)) out.push(call(r, ts + SECOND, c, s3ObjectOp('PutObject', BUCKETS.exports)));
  }
}

/** Nightly backup on the batch host with svc-backup's long-lived access key. */
function nightlyBackups(r: Rng, win: DemoWindow, out: CtEvent[]): void {
  const u = USERS.svcBackup;
  const c: Caller = { identity: iamUserIdentity(u, u.accessKeyId), ip: NAT_EIP, ua: cliUa('linux#6.1.112-124.190.amzn2023.x86_64 md/distrib#amzn.2023', ' md/command#s3.cp') };
  for (let day = Math.floor(win.start / DAY) * DAY; day < win.end; day += DAY) {
    // 01:30 local = 06:30 UTC
    let t = day + 6 * HOUR + 30 * MINUTE + r.int(0, 600) * SECOND;
    if (t < win.start || t >= win.end) continue;
    out.push(call(r, t, c, OPS.GetCallerIdentity));
    const n = Math.max(1, Math.round(45 * win.scale));
    for (let i = 0; i < n; i++) {
      t += r.int(10, 60) * SECOND;
      if (t >= win.end) break;
      out.push(call(r, t, c, s3ObjectOp('PutObject', BUCKETS.backups)));
    }
  }
}

/** AWS Config's service-linked role describing resources around the clock. */
function configRecorder(r: Rng, win: DemoWindow, out: CtEvent[]): void {
  for (const t of activityTimes(r, win.start, win.end, 110 * win.scale, machineProfile, SECOND)) {
    const c: Caller = {
      identity: roleIdentity(ROLES.config, 'AWSConfig-Describe', Math.floor(t / HOUR) * HOUR, { invokedBy: 'config.amazonaws.com' }),
      ip: 'config.amazonaws.com',
      ua: 'config.amazonaws.com',
      internal: true,
    };
    out.push(call(r, t, c, OPS[r.pick(['DescribeInstances', 'DescribeSecurityGroups', 'DescribeVpcs', 'DescribeDBInstances'])], regionFor(r)));
  }
}

// --- incidents -----------------------------------------------------------------

const ATTACKER_UA_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36';
const ATTACKER_CLI_UA = 'aws-cli/1.29.62 Python/3.10.12 Linux/5.15.0-86-generic botocore/1.31.62';

function incidents(win: DemoWindow, out: CtEvent[]): void {
  const r = new Rng(hashSeed('cloudtrail-incidents', win.end, win.days));
  const sec = (t: number) => Math.floor(t / SECOND) * SECOND;

  // 1. Root console login without MFA, then a little poking around.
  {
    let t = sec(incidentStart(win, 'root-console-login-without-mfa'));
    out.push(consoleLoginRecord(r, t, rootIdentity(), ROOT_LOGIN_IP, BROWSER_UA[0], { success: true, mfaUsed: false }));
    const c: Caller = {
      identity: rootIdentity({ created: t, accessKeyId: awsId('ASIA', `root-${t}`) }),
      ip: ROOT_LOGIN_IP,
      ua: 'AWS Internal',
      fromConsole: true,
    };
    for (const op of ['ListBuckets', 'DescribeInstances', 'ListUsers', 'DescribeTrails']) {
      t += r.int(15, 70) * SECOND;
      out.push(call(r, t, c, OPS[op]));
    }
  }

  // 2. Brute force against bob from a foreign IP, then success (bob has no MFA).
  const bob = USERS.bob;
  {
    let t = sec(incidentStart(win, 'console-brute-force-then-success'));
    for (let i = 0; i < 14; i++) {
      out.push(consoleLoginRecord(r, t, iamUserIdentity(bob, ''), ATTACKER_IP, ATTACKER_UA_BROWSER, { success: false, mfaUsed: false }));
      t += r.int(20, 55) * SECOND;
    }
    out.push(consoleLoginRecord(r, t, iamUserIdentity(bob, null), ATTACKER_IP, ATTACKER_UA_BROWSER, { success: true, mfaUsed: false }));
  }

  // 3. Privilege escalation: new key for svc-backup, AdministratorAccess attached.
  {
    let t = sec(incidentStart(win, 'privilege-escalation-access-key-admin-policy'));
    const created = sec(incidentStart(win, 'console-brute-force-then-success')) + 10 * MINUTE;
    const c: Caller = {
      identity: iamUserIdentity(bob, awsId('ASIA', 'bob-attacker-console'), { created, mfa: false }),
      ip: ATTACKER_IP,
      ua: 'AWS Internal',
      fromConsole: true,
    };
    out.push(call(r, t, c, OPS.ListUsers));
    t += r.int(40, 90) * SECOND;
    out.push(
      call(r, t, c, () => ({
        source: 'iam.amazonaws.com',
        name: 'CreateAccessKey',
        readOnly: false,
        req: { userName: 'svc-backup' },
        resp: { accessKey: { accessKeyId: STOLEN_KEY_ID, status: 'Active', userName: 'svc-backup', createDate: cloudTrailLongDate(t) } },
      })),
    );
    t += r.int(30, 80) * SECOND;
    out.push(
      call(r, t, c, () => ({
        source: 'iam.amazonaws.com',
        name: 'AttachUserPolicy',
        readOnly: false,
        req: { userName: 'svc-backup', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        resp: null,
      })),
    );
  }

  // From here the attacker uses svc-backup's new key from the same IP.
  const svc = USERS.svcBackup;
  const attacker: Caller = { identity: iamUserIdentity(svc, STOLEN_KEY_ID), ip: ATTACKER_IP, ua: ATTACKER_CLI_UA };

  // 4. Open SSH to the world on the bastion's security group.
  {
    let t = sec(incidentStart(win, 'security-group-open-ssh-to-world'));
    out.push(call(r, t, attacker, OPS.GetCallerIdentity));
    t += r.int(30, 120) * SECOND;
    out.push(call(r, t, attacker, OPS.DescribeSecurityGroups));
    t += r.int(30, 120) * SECOND;
    const groupId = 'sg-0a1b2c3d4e5f60006';
    out.push(
      call(r, t, attacker, (rr) => ({
        source: 'ec2.amazonaws.com',
        name: 'AuthorizeSecurityGroupIngress',
        readOnly: false,
        req: {
          groupId,
          ipPermissions: {
            items: [
              {
                ipProtocol: 'tcp',
                fromPort: 22,
                toPort: 22,
                groups: {},
                ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
                ipv6Ranges: {},
                prefixListIds: {},
              },
            ],
          },
        },
        resp: {
          requestId: rr.uuid(),
          _return: true,
          securityGroupRuleSet: {
            items: [
              {
                groupOwnerId: ACCOUNT_ID,
                groupId,
                securityGroupRuleId: `sgr-0${rr.hex(16)}`,
                isEgress: false,
                ipProtocol: 'tcp',
                fromPort: 22,
                toPort: 22,
                cidrIpv4: '0.0.0.0/0',
              },
            ],
          },
        },
      })),
    );
  }

  // 5. Blind the defenders: stop, later delete, the security audit trail. (The
  //    trail that feeds this log group is a different one, so we still see it.)
  {
    const trailArn = `arn:aws:cloudtrail:${HOME_REGION}:${ACCOUNT_ID}:trail/security-audit-trail`;
    let t = sec(incidentStart(win, 'stop-logging'));
    out.push(call(r, t, attacker, OPS.DescribeTrails));
    t += r.int(20, 60) * SECOND;
    out.push(
      call(r, t, attacker, () => ({
        source: 'cloudtrail.amazonaws.com',
        name: 'StopLogging',
        readOnly: false,
        req: { name: trailArn },
        resp: null,
        resources: [{ accountId: ACCOUNT_ID, type: 'AWS::CloudTrail::Trail', ARN: trailArn }],
      })),
    );
    t = sec(incidentStart(win, 'delete-trail'));
    out.push(
      call(r, t, attacker, () => ({
        source: 'cloudtrail.amazonaws.com',
        name: 'DeleteTrail',
        readOnly: false,
        req: { name: 'security-audit-trail' },
        resp: null,
        resources: [{ accountId: ACCOUNT_ID, type: 'AWS::CloudTrail::Trail', ARN: trailArn }],
      })),
    );
  }

  // 6a. Make the customer-export bucket public.
  {
    const bucket = BUCKETS.exports;
    let t = sec(incidentStart(win, 'bucket-made-public'));
    const s3Extra = (rr: Rng, inBytes: number): Json => ({
      SignatureVersion: 'SigV4',
      CipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256',
      bytesTransferredIn: inBytes,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': rr.chars(76, BASE64),
      bytesTransferredOut: 0,
    });
    const bucketRes = [{ accountId: ACCOUNT_ID, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }];
    out.push(
      call(r, t, attacker, (rr) => ({
        source: 's3.amazonaws.com',
        name: 'DeleteBucketPublicAccessBlock',
        readOnly: false,
        req: { publicAccessBlock: '', bucketName: bucket, Host: `${bucket}.s3.amazonaws.com` },
        resp: null,
        additional: s3Extra(rr, 0),
        resources: bucketRes,
        tlsHost: `${bucket}.s3.amazonaws.com`,
      })),
    );
    t += r.int(40, 100) * SECOND;
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    };
    out.push(
      call(r, t, attacker, (rr) => ({
        source: 's3.amazonaws.com',
        name: 'PutBucketPolicy',
        readOnly: false,
        req: { bucketPolicy: policy, bucketName: bucket, Host: `${bucket}.s3.amazonaws.com`, policy: '' },
        resp: null,
        additional: s3Extra(rr, JSON.stringify(policy).length),
        resources: bucketRes,
        tlsHost: `${bucket}.s3.amazonaws.com`,
      })),
    );
  }

  // 6b. Instance-role credentials from app-1 used off-box: enumeration, all denied.
  {
    const app1 = HOSTS.find((h) => h.name === 'app-1');
    const session = app1?.instanceId ?? 'app-1';
    let t = sec(incidentStart(win, 'access-denied-burst'));
    const arn = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${ROLES.checkoutApp.name}/${session}`;
    const c: Caller = {
      identity: roleIdentity(ROLES.checkoutApp, session, t - 40 * MINUTE),
      ip: ATTACKER_IP,
      ua: ATTACKER_CLI_UA,
    };
    const probes: Array<[string, string, string, Json | null]> = [
      ['iam', 'ListUsers', `arn:aws:iam::${ACCOUNT_ID}:user/`, null],
      ['iam', 'ListRoles', `arn:aws:iam::${ACCOUNT_ID}:role/`, null],
      ['iam', 'ListPolicies', `arn:aws:iam::${ACCOUNT_ID}:policy/`, { onlyAttached: false }],
      ['iam', 'GetAccountAuthorizationDetails', '*', null],
      ['iam', 'ListAccessKeys', `arn:aws:iam::${ACCOUNT_ID}:user/alice`, { userName: 'alice' }],
      ['iam', 'ListAttachedRolePolicies', `arn:aws:iam::${ACCOUNT_ID}:role/${ROLES.checkoutApp.name}`, { roleName: ROLES.checkoutApp.name }],
      ['s3', 'ListBuckets', '', null],
      ['s3', 'GetBucketPolicy', BUCKETS.backups, null],
      ['s3', 'GetBucketAcl', BUCKETS.backups, null],
    ];
    for (let i = 0; i < 40; i++) {
      const [svcName, name, resource, req] = probes[i % probes.length];
      const isS3 = svcName === 's3';
      out.push(
        call(r, t, c, () => ({
          source: `${svcName}.amazonaws.com`,
          name,
          readOnly: true,
          errorCode: 'AccessDenied',
          errorMessage: isS3
            ? 'Access Denied'
            : `User: ${arn} is not authorized to perform: iam:${name} on resource: ${resource} because no identity-based policy allows the iam:${name} action`,
          req: isS3
            ? resource
              ? { bucketName: resource, Host: `${resource}.s3.amazonaws.com`, [name === 'GetBucketAcl' ? 'acl' : 'policy']: '' }
              : { Host: 's3.amazonaws.com' }
            : req,
          resp: null,
          tlsHost: isS3 ? (resource ? `${resource}.s3.amazonaws.com` : 's3.amazonaws.com') : undefined,
          region: HOME_REGION,
        })),
      );
      t += r.int(2, 10) * SECOND;
    }
  }

  // 7. Ransom-style: disable the data key, then schedule it for deletion.
  {
    let t = sec(incidentStart(win, 'kms-key-disabled-and-scheduled-for-deletion'));
    out.push(
      call(r, t, attacker, () => ({
        source: 'kms.amazonaws.com',
        name: 'DisableKey',
        readOnly: false,
        req: { keyId: KMS_KEYS.data },
        resp: null,
        resources: [kmsResource(KMS_KEYS.data)],
      })),
    );
    t += r.int(540, 660) * SECOND;
    out.push(
      call(r, t, attacker, () => ({
        source: 'kms.amazonaws.com',
        name: 'ScheduleKeyDeletion',
        readOnly: false,
        req: { keyId: KMS_KEYS.data, pendingWindowInDays: 7 },
        resp: {
          keyId: KMS_KEYS.data,
          deletionDate: cloudTrailLongDate(Math.floor((t + 8 * DAY) / DAY) * DAY),
          keyState: 'PendingDeletion',
          pendingWindowInDays: 7,
        },
        resources: [kmsResource(KMS_KEYS.data)],
      })),
    );
  }
}

// --- entry point ---------------------------------------------------------------

export const CLOUDTRAIL_REGIONS = REGIONS;

export function cloudTrailStreamName(region: string): string {
  return `${ACCOUNT_ID}_CloudTrail_${region}`;
}

export function generateCloudTrail(win: DemoWindow): DemoGroup {
  const r = new Rng(hashSeed('cloudtrail', win.end, win.days, win.scale));
  const events: CtEvent[] = [];
  humanSessions(r, win, events);
  deployRuns(r, win, events);
  instanceProfileRefresh(r, win, events);
  appRoleCalls(r, win, events);
  serviceKmsCalls(r, win, events);
  lambdaRuns(r, win, events);
  nightlyBackups(r, win, events);
  configRecorder(r, win, events);
  incidents(win, events);

  const streams = REGIONS.map((region) => ({
    name: cloudTrailStreamName(region),
    events: events
      .filter((e) => e.region === region && e.ts >= win.start && e.ts < win.end)
      .map((e) => ({ timestamp: e.ts, message: e.message })),
  }));
  for (const s of streams) s.events.sort((a, b) => a.timestamp - b.timestamp);
  return { name: CLOUDTRAIL_GROUP, retentionInDays: 365, streams: streams.filter((s) => s.events.length > 0) };
}
