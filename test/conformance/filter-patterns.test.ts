/**
 * Filter-pattern conformance, on both back ends (the JS predicate, and the SQL predicate run by the
 * real embedded engine), against:
 *  - every vector of ../shared/corpora/aws-docs/cloudwatch-logs/filter_pattern_doc_vectors.json
 *    (AWS FilterAndPatternSyntax doc, plus the aws-cli TestMetricFilter example), with extracted values;
 *  - the CIS AWS Foundations Benchmark metric-filter patterns (aws-facts.md §2.6: CIS 1.2 §3.x, 1.4+ §4.x,
 *    Security Hub CloudWatch.1-14, and the CIS 1.4 / 1.5+ / Prowler variants) against realistic CloudTrail
 *    records written here (shapes from aws-docs/cloudtrail record-contents and user-identity pages),
 *    one matching and one or more non-matching record each.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, compileJs, compileSql, extract } from '../../src/query/patterns/filter-pattern.js';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { rows } from '../../src/store/engine.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
interface Case { event: string; match: boolean }
interface Vector { id: string; kind?: string; pattern: string; cases: Case[]; expected_extracted_values?: Record<string, string>; note?: string }
const VECTORS_FILE = join(REPO_ROOT, '..', 'shared', 'corpora', 'aws-docs', 'cloudwatch-logs', 'filter_pattern_doc_vectors.json');
const doc = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as { vectors: Vector[]; extra_vectors: Vector[] };
const VECTORS = [...doc.vectors, ...doc.extra_vectors];

// ---- CloudTrail records (CIS) ----------------------------------------------------------------

let seq = 0;
function cloudTrail(o: Record<string, unknown>): string {
  seq++;
  const user = {
    type: 'IAMUser', principalId: 'AIDAJ45Q7YFFAREXAMPLE', arn: 'arn:aws:iam::123456789012:user/Alice',
    accountId: '123456789012', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: 'Alice',
    sessionContext: { attributes: { creationDate: '2024-03-18T09:12:44Z', mfaAuthenticated: 'false' } },
  };
  return JSON.stringify({
    eventVersion: '1.09', userIdentity: user, eventTime: `2024-03-18T10:${String(seq % 60).padStart(2, '0')}:07Z`,
    eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79 exe/x86_64.amzn.2023 prompt/off', requestParameters: null,
    responseElements: null, requestID: `c0ffee00-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    eventID: `e0e0e0e0-1111-4222-8333-${String(seq).padStart(12, '0')}`, readOnly: false, eventType: 'AwsApiCall',
    managementEvent: true, recipientAccountId: '123456789012', eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'ec2.us-east-1.amazonaws.com' },
    ...o,
  });
}
const root = { type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012', accessKeyId: '' };
const iamUser = { type: 'IAMUser', principalId: 'AIDAJ45Q7YFFAREXAMPLE', arn: 'arn:aws:iam::123456789012:user/Alice', accountId: '123456789012', userName: 'Alice' };
const consoleLogin = (o: Record<string, unknown>) => cloudTrail({
  eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0',
  requestParameters: null, additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' }, ...o,
});
const call = (eventSource: string, eventName: string, o: Record<string, unknown> = {}) => cloudTrail({ eventSource, eventName, ...o });

interface CisCase { id: string; pattern: string; match: string[]; noMatch: string[] }
const ORG_NAMES = ['AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization', 'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit'];
const eq = (names: string[]) => names.map((n) => `($.eventName=${n})`).join(' || ');
const CIS: CisCase[] = [
  {
    id: 'CIS 1.2 3.1 / 4.1 unauthorized API calls (SecHub CloudWatch.2)',
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    match: [call('ec2.amazonaws.com', 'RunInstances', { errorCode: 'Client.UnauthorizedOperation', errorMessage: 'You are not authorized to perform this operation.' }),
      call('s3.amazonaws.com', 'GetObject', { errorCode: 'AccessDenied', errorMessage: 'Access Denied' }),
      call('kms.amazonaws.com', 'Decrypt', { errorCode: 'AccessDeniedException' })],
    noMatch: [call('ec2.amazonaws.com', 'DescribeInstances'), call('ec2.amazonaws.com', 'RunInstances', { errorCode: 'Client.InvalidParameterValue' }),
      call('iam.amazonaws.com', 'GetUser', { errorCode: 'NoSuchEntityException', errorMessage: 'AccessDenied is not the cause' })],
  },
  {
    id: 'CIS 1.4 4.1 variant (|| of all four)',
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
    match: [call('ec2.amazonaws.com', 'DescribeInstances'), call('s3.amazonaws.com', 'HeadBucket', { sourceIPAddress: '198.51.100.23' })],
    noMatch: [call('s3.amazonaws.com', 'HeadBucket', { sourceIPAddress: 'delivery.logs.amazonaws.com', userIdentity: { type: 'AWSService', invokedBy: 'delivery.logs.amazonaws.com' } })],
  },
  {
    id: 'CIS 1.5/2.0/3.0 4.1 variant (&& binds tighter: A || (B && C && D))',
    pattern: '{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
    match: [call('ec2.amazonaws.com', 'TerminateInstances', { errorCode: 'Client.UnauthorizedOperation', sourceIPAddress: 'delivery.logs.amazonaws.com' }),
      call('s3.amazonaws.com', 'GetObject', { errorCode: 'AccessDenied' })],
    noMatch: [call('s3.amazonaws.com', 'PutObject', { errorCode: 'AccessDenied', sourceIPAddress: 'delivery.logs.amazonaws.com' }),
      call('s3.amazonaws.com', 'HeadBucket', { errorCode: 'AccessDenied' }), call('ec2.amazonaws.com', 'DescribeInstances')],
  },
  {
    id: 'CIS 1.4+ 4.2 console sign-in without MFA (SecHub CloudWatch.3)',
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    match: [consoleLogin({ userIdentity: iamUser, responseElements: { ConsoleLogin: 'Success' } })],
    noMatch: [consoleLogin({ userIdentity: iamUser, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } }),
      consoleLogin({ userIdentity: iamUser, responseElements: { ConsoleLogin: 'Failure' }, errorMessage: 'Failed authentication' }),
      consoleLogin({ userIdentity: root, responseElements: { ConsoleLogin: 'Success' } }),
      // MFAUsed missing: `!=` on a missing field does not match (aws-facts §2.6 (c): UNCONFIRMED, our choice)
      consoleLogin({ userIdentity: iamUser, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { LoginTo: 'https://console.aws.amazon.com/' } })],
  },
  {
    id: 'CIS 1.2 3.2 console sign-in without MFA (original two terms)',
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    match: [consoleLogin({ userIdentity: iamUser, responseElements: { ConsoleLogin: 'Success' } })],
    noMatch: [consoleLogin({ userIdentity: iamUser, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } }), call('ec2.amazonaws.com', 'DescribeInstances')],
  },
  {
    id: 'CIS 3.3 / 4.3 root account usage (SecHub CloudWatch.1)',
    pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    match: [consoleLogin({ userIdentity: root, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } }), call('iam.amazonaws.com', 'CreateAccessKey', { userIdentity: root })],
    noMatch: [call('s3.amazonaws.com', 'GetBucketAcl', { userIdentity: { ...root, invokedBy: 's3.amazonaws.com' } }),
      call('kms.amazonaws.com', 'RotateKey', { userIdentity: root, eventType: 'AwsServiceEvent' }), call('iam.amazonaws.com', 'CreateAccessKey', { userIdentity: iamUser })],
  },
  {
    id: 'CIS 4.3 root usage, Prowler quoted/parenthesized variant',
    pattern: '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }',
    match: [call('iam.amazonaws.com', 'CreateAccessKey', { userIdentity: root })],
    noMatch: [call('s3.amazonaws.com', 'GetBucketAcl', { userIdentity: { ...root, invokedBy: 's3.amazonaws.com' } }), call('kms.amazonaws.com', 'RotateKey', { userIdentity: root, eventType: 'AwsServiceEvent' })],
  },
  {
    id: 'CIS 3.4 / 4.4 IAM policy changes (SecHub CloudWatch.4)',
    pattern: `{${eq(['DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy', 'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy'])}}`,
    match: [call('iam.amazonaws.com', 'PutRolePolicy', { requestParameters: { roleName: 'app', policyName: 'inline', policyDocument: '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]\n}' } }),
      call('iam.amazonaws.com', 'AttachUserPolicy', { requestParameters: { userName: 'Alice', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } })],
    noMatch: [call('iam.amazonaws.com', 'GetRolePolicy', { requestParameters: { roleName: 'app', policyName: 'inline' } }), call('iam.amazonaws.com', 'ListPolicies')],
  },
  {
    id: 'CIS 3.5 / 4.5 CloudTrail configuration changes (SecHub CloudWatch.5)',
    pattern: `{${eq(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'])}}`,
    match: [call('cloudtrail.amazonaws.com', 'StopLogging', { requestParameters: { name: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/management' } })],
    noMatch: [call('cloudtrail.amazonaws.com', 'DescribeTrails'), call('cloudtrail.amazonaws.com', 'LookupEvents')],
  },
  {
    id: 'CIS 3.6 / 4.6 console authentication failures (SecHub CloudWatch.6)',
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    match: [consoleLogin({ userIdentity: { type: 'IAMUser', principalId: 'AIDAJ45Q7YFFAREXAMPLE', accountId: '123456789012', accessKeyId: '', userName: 'Alice' }, responseElements: { ConsoleLogin: 'Failure' }, errorMessage: 'Failed authentication' })],
    noMatch: [consoleLogin({ userIdentity: iamUser, responseElements: { ConsoleLogin: 'Success' } }), call('ec2.amazonaws.com', 'DescribeInstances', { errorMessage: 'Failed authentication' })],
  },
  {
    id: 'CIS 3.7 / 4.7 disabling or scheduled deletion of CMKs (SecHub CloudWatch.7)',
    pattern: '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
    match: [call('kms.amazonaws.com', 'ScheduleKeyDeletion', { requestParameters: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', pendingWindowInDays: 7 } }), call('kms.amazonaws.com', 'DisableKey')],
    noMatch: [call('kms.amazonaws.com', 'Decrypt'), call('ec2.amazonaws.com', 'DisableKey')],
  },
  {
    id: 'CIS 3.8 / 4.8 S3 bucket policy changes (SecHub CloudWatch.8)',
    pattern: '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
    match: [call('s3.amazonaws.com', 'PutBucketPolicy', { requestParameters: { bucketName: 'logs-bucket', Host: 'logs-bucket.s3.amazonaws.com', policy: '' } })],
    noMatch: [call('s3.amazonaws.com', 'GetBucketPolicy'), call('s3-outposts.amazonaws.com', 'PutBucketPolicy')],
  },
  {
    id: 'CIS 3.9 / 4.9 AWS Config changes (SecHub CloudWatch.9)',
    pattern: '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',
    match: [call('config.amazonaws.com', 'StopConfigurationRecorder', { requestParameters: { configurationRecorderName: 'default' } })],
    noMatch: [call('config.amazonaws.com', 'DescribeConfigurationRecorders')],
  },
  {
    id: 'CIS 4.9 AWS Config changes, Prowler quoted variant',
    pattern: '{ ($.eventSource = "config.amazonaws.com") && (($.eventName="StopConfigurationRecorder")||($.eventName="DeleteDeliveryChannel")||($.eventName="PutDeliveryChannel")||($.eventName="PutConfigurationRecorder")) }',
    match: [call('config.amazonaws.com', 'DeleteDeliveryChannel')],
    noMatch: [call('config.amazonaws.com', 'DescribeDeliveryChannels')],
  },
  {
    id: 'CIS 3.10 / 4.10 security group changes (SecHub CloudWatch.10)',
    pattern: `{${eq(['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup'])}}`,
    match: [call('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', { requestParameters: { groupId: 'sg-0123456789abcdef0', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } } })],
    noMatch: [call('ec2.amazonaws.com', 'DescribeSecurityGroups'), call('ec2.amazonaws.com', 'DescribeSecurityGroupRules')],
  },
  {
    id: 'CIS 3.11 / 4.11 NACL changes (SecHub CloudWatch.11)',
    pattern: `{${eq(['CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation'])}}`,
    match: [call('ec2.amazonaws.com', 'CreateNetworkAclEntry', { requestParameters: { networkAclId: 'acl-0123456789abcdef0', ruleNumber: 100, egress: false, ruleAction: 'allow' } })],
    noMatch: [call('ec2.amazonaws.com', 'DescribeNetworkAcls')],
  },
  {
    id: 'CIS 3.12 / 4.12 network gateway changes (SecHub CloudWatch.12)',
    pattern: `{${eq(['CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway'])}}`,
    match: [call('ec2.amazonaws.com', 'AttachInternetGateway', { requestParameters: { internetGatewayId: 'igw-0123456789abcdef0', vpcId: 'vpc-0123456789abcdef0' } })],
    noMatch: [call('ec2.amazonaws.com', 'DescribeInternetGateways'), call('ec2.amazonaws.com', 'CreateNatGateway')],
  },
  {
    id: 'CIS 3.13 / 4.13 route table changes (SecHub CloudWatch.13)',
    pattern: `{${eq(['CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable'])}}`,
    match: [call('ec2.amazonaws.com', 'CreateRoute', { requestParameters: { routeTableId: 'rtb-0123456789abcdef0', destinationCidrBlock: '0.0.0.0/0', gatewayId: 'igw-0123456789abcdef0' } })],
    noMatch: [call('ec2.amazonaws.com', 'DescribeRouteTables'), call('ec2.amazonaws.com', 'AssociateRouteTable')],
  },
  {
    id: 'CIS 3.14 / 4.14 VPC changes (SecHub CloudWatch.14)',
    pattern: `{${eq(['CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink'])}}`,
    match: [call('ec2.amazonaws.com', 'CreateVpc', { requestParameters: { cidrBlock: '10.0.0.0/16' }, responseElements: { vpc: { vpcId: 'vpc-0123456789abcdef0', state: 'pending' } } })],
    noMatch: [call('ec2.amazonaws.com', 'DescribeVpcs'), call('ec2.amazonaws.com', 'CreateVpcEndpoint')],
  },
  {
    id: 'CIS 1.4+ 4.15 AWS Organizations changes',
    pattern: `{ ($.eventSource = organizations.amazonaws.com) && (${ORG_NAMES.map((n) => `($.eventName = "${n}")`).join(' || ')}) }`,
    match: [call('organizations.amazonaws.com', 'CreateAccount', { requestParameters: { accountName: 'sandbox', email: 'sandbox@example.com' } })],
    noMatch: [call('organizations.amazonaws.com', 'DescribeOrganization'), call('iam.amazonaws.com', 'CreatePolicy')],
  },
];

// ---- engine ----------------------------------------------------------------------------------

let engine: EmbeddedEngine;
let dir: string;
const ids = new Map<string, number>();
const idOf = (m: string): number => ids.get(m)!;

before(async () => {
  for (const v of VECTORS) for (const c of v.cases) if (!ids.has(c.event)) ids.set(c.event, ids.size);
  for (const c of CIS) for (const m of [...c.match, ...c.noMatch]) if (!ids.has(m)) ids.set(m, ids.size);
  dir = mkdtempSync(join(tmpdir(), 'tw-fp-conf-'));
  engine = new EmbeddedEngine({ dataDir: dir });
  await engine.command({ query: 'CREATE TABLE ev (i UInt32, message String) ENGINE = MergeTree ORDER BY i' });
  const lines = [...ids].map(([message, i]) => JSON.stringify({ i, message }));
  await engine.insert({ table: 'ev', values: Buffer.from(lines.join('\n')), format: 'JSONEachRow' });
});
after(async () => { await engine.close(); rmSync(dir, { recursive: true, force: true }); });

/** Ids of the events the SQL predicate selects. */
async function sqlMatches(pattern: string): Promise<Set<number>> {
  const { sql, params } = compileSql(parse(pattern), 'fp');
  const got = await rows<{ i: number }>(engine, `SELECT i FROM ev WHERE ${sql} ORDER BY i`, params);
  return new Set(got.map((r) => Number(r.i)));
}

// ---- AWS doc vectors -------------------------------------------------------------------------

for (const v of VECTORS) {
  test(`AWS doc vector ${v.id}: ${v.pattern}`, async () => {
    const p = parse(v.pattern);
    const js = compileJs(p);
    if (!v.cases.length) {
      // Syntax-only vectors: the doc shows the pattern without events; it must parse on both back ends.
      assert.equal(typeof compileSql(p, 'fp').sql, 'string');
      return;
    }
    const sql = await sqlMatches(v.pattern);
    for (const c of v.cases) {
      assert.equal(js(c.event), c.match, `JS on ${c.event}`);
      assert.equal(sql.has(idOf(c.event)), c.match, `SQL on ${c.event}`);
    }
    if (v.expected_extracted_values) {
      for (const c of v.cases) assert.deepEqual(extract(p, c.event), v.expected_extracted_values);
    }
  });
}

test('AWS doc: the term-pattern test data (five events) on both back ends (aws-facts §2.1)', async () => {
  const events = ['[ERROR 400] BAD REQUEST', '[ERROR 401] UNAUTHORIZED REQUEST', '[ERROR 419] MISSING ARGUMENTS', '[ERROR 420] INVALID ARGUMENTS', '[ERROR 500] INTERNAL SERVER ERROR'];
  for (const e of events) if (!ids.has(e)) throw new Error(`event not loaded: ${e}`);
  const cases: [string, number[]][] = [
    ['ERROR', [0, 1, 2, 3, 4]], ['ERROR ARGUMENTS', [2, 3]], ['ERROR -ARGUMENTS', [0, 1, 4]],
    ['?ERROR ?ARGUMENTS', [0, 1, 2, 3, 4]], ['"INTERNAL SERVER ERROR"', [4]], ['" "', [0, 1, 2, 3, 4]],
  ];
  for (const [pattern, want] of cases) {
    const js = compileJs(parse(pattern));
    assert.deepEqual(events.flatMap((e, k) => (js(e) ? [k] : [])), want, pattern);
    const sql = await sqlMatches(pattern);
    assert.deepEqual(events.flatMap((e, k) => (sql.has(idOf(e)) ? [k] : [])), want, `SQL ${pattern}`);
  }
});

test('AWS doc: metricValue $.latency with { $.latency = * } on {"latency":50,"requestType":"GET"} publishes 50 (FilterAndPatternSyntax)', () => {
  const p = parse('{ $.latency = * }');
  const event = '{"latency":50,"requestType":"GET"}';
  assert.equal(compileJs(p)(event), true);
  assert.deepEqual(extract(p, event, ['$.latency']), { '$.latency': '50' });
});

test('AWS doc: [w1=ERROR || W1=WARNING, w2] (doc spells W1 in capitals; vector note: likely typo) parses, field names compare case-insensitively', () => {
  const js = compileJs(parse('[w1=ERROR || W1=WARNING, w2]'));
  assert.equal(js('ERROR disk'), true);
  assert.equal(js('WARNING disk'), true);
  assert.equal(js('INFO disk'), false);
});

test('AWS doc: the metric filter syntax examples of the numeric section evaluate numerically', () => {
  const event = '{"bandwidth":80,"latency":20,"refreshRate":60,"responseTime":5,"errorCode":400,"number":[0.001]}';
  for (const p of ['{ $.bandwidth > 75 }', '{ $.latency < 50 }', '{ $.refreshRate >= 60 }', '{ $.responseTime <= 5 }', '{ $.errorCode = 400}', '{ $.errorCode != 500 }', '{ $.number[0] = 1e-3 }', '{ $.number[0] != 1e+3 }']) {
    assert.equal(compileJs(parse(p))(event), true, p);
  }
});

// ---- CIS -------------------------------------------------------------------------------------

for (const c of CIS) {
  test(`${c.id}: JS and SQL match ${c.match.length} CloudTrail records and reject ${c.noMatch.length}`, async () => {
    const js = compileJs(parse(c.pattern));
    const sql = await sqlMatches(c.pattern);
    for (const m of c.match) {
      assert.equal(js(m), true, `JS should match ${m}`);
      assert.equal(sql.has(idOf(m)), true, `SQL should match ${m}`);
    }
    for (const m of c.noMatch) {
      assert.equal(js(m), false, `JS should not match ${m}`);
      assert.equal(sql.has(idOf(m)), false, `SQL should not match ${m}`);
    }
  });
}

test('CIS patterns never match non-JSON or non-CloudTrail lines (aws-facts §2.3: non-JSON event + JSON pattern → no match)', async () => {
  const others = ['2024-03-18T10:00:00Z INFO StopLogging requested', '[ERROR] AccessDenied', '["CreateTrail"]', ''];
  for (const c of CIS) {
    const js = compileJs(parse(c.pattern));
    for (const o of others) assert.equal(js(o), false, `${c.id} on ${JSON.stringify(o)}`);
  }
});
