/**
 * Filter-pattern JS back end throughput (events/s on one core), for the CIS AWS Foundations
 * metric-filter patterns over a realistic CloudTrail mix, plus term, regex and space-delimited
 * patterns over app and ALB-style lines. Baselines: `JSON.parse` alone, and a hand-written
 * closure per pattern. Standalone: `node --import tsx bench/filter-patterns.ts [--seconds S]`.
 * Exports `run()` for bench/run.ts. Prints a table; writes nothing.
 */
import { pathToFileURL } from 'node:url';
import { compileJs, parse } from '../src/query/patterns/filter-pattern.js';

const ORG = ['AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization', 'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit'];
const ors = (names: string[]) => names.map((n) => `($.eventName=${n})`).join(' || ');

/** aws-facts.md §2.6, exact patterns. */
export const CIS_PATTERNS: [string, string][] = [
  ['4.1 unauthorized API calls', '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}'],
  ['4.1 (CIS 1.5+ variant)', '{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }'],
  ['4.2 console login without MFA', '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'],
  ['4.3 root usage', '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}'],
  ['4.4 IAM policy changes', `{${ors(['DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy', 'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy'])}}`],
  ['4.5 CloudTrail changes', `{${ors(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'])}}`],
  ['4.6 console auth failures', '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}'],
  ['4.7 CMK disable/delete', '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}'],
  ['4.8 S3 bucket policy changes', '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}'],
  ['4.9 AWS Config changes', '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}'],
  ['4.10 security group changes', `{${ors(['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup'])}}`],
  ['4.11 NACL changes', `{${ors(['CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation'])}}`],
  ['4.12 network gateway changes', `{${ors(['CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway'])}}`],
  ['4.13 route table changes', `{${ors(['CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable'])}}`],
  ['4.14 VPC changes', `{${ors(['CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink'])}}`],
  ['4.15 Organizations changes', `{ ($.eventSource = organizations.amazonaws.com) && (${ORG.map((n) => `($.eventName = "${n}")`).join(' || ')}) }`],
];

function rng(seed: number): () => number {
  return () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
}

/**
 * A CloudTrail mix like a busy account's management events: mostly reads, some writes, a few
 * errors, console sign-ins and root activity, and a small share of CIS-relevant changes.
 */
export function cloudTrailMix(n: number): string[] {
  const r = rng(42);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const reads: [string, string][] = [['ec2.amazonaws.com', 'DescribeInstances'], ['ec2.amazonaws.com', 'DescribeSecurityGroups'], ['ec2.amazonaws.com', 'DescribeVpcs'],
    ['s3.amazonaws.com', 'GetBucketPolicy'], ['s3.amazonaws.com', 'ListBuckets'], ['s3.amazonaws.com', 'HeadBucket'], ['iam.amazonaws.com', 'GetRole'], ['iam.amazonaws.com', 'ListPolicies'],
    ['sts.amazonaws.com', 'AssumeRole'], ['sts.amazonaws.com', 'GetCallerIdentity'], ['kms.amazonaws.com', 'Decrypt'], ['kms.amazonaws.com', 'GenerateDataKey'],
    ['cloudtrail.amazonaws.com', 'LookupEvents'], ['config.amazonaws.com', 'DescribeConfigRules'], ['logs.amazonaws.com', 'DescribeLogGroups'], ['lambda.amazonaws.com', 'ListFunctions20150331']];
  const writes: [string, string][] = [['ec2.amazonaws.com', 'CreateTags'], ['ec2.amazonaws.com', 'RunInstances'], ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2'],
    ['logs.amazonaws.com', 'CreateLogStream'], ['ssm.amazonaws.com', 'PutParameter'], ['dynamodb.amazonaws.com', 'UpdateTable']];
  const cis: [string, string][] = [['iam.amazonaws.com', 'PutRolePolicy'], ['iam.amazonaws.com', 'AttachRolePolicy'], ['ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress'],
    ['ec2.amazonaws.com', 'CreateRoute'], ['s3.amazonaws.com', 'PutBucketPolicy'], ['kms.amazonaws.com', 'ScheduleKeyDeletion'], ['cloudtrail.amazonaws.com', 'StopLogging']];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    const [eventSource, eventName] = x < 0.7 ? pick(reads) : x < 0.95 ? pick(writes) : x < 0.97 ? ['signin.amazonaws.com', 'ConsoleLogin'] : pick(cis);
    const role = `role/${pick(['Admin', 'ReadOnly', 'ci-deployer', 'lambda-exec'])}`;
    const rec: Record<string, unknown> = {
      eventVersion: '1.09',
      userIdentity: x > 0.995 ? { type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012', accessKeyId: '' } : {
        type: 'AssumedRole', principalId: `AROAEXAMPLEID${i % 97}:session-${i % 13}`, arn: `arn:aws:sts::123456789012:assumed-role/${role}/session-${i % 13}`,
        accountId: '123456789012', accessKeyId: `ASIAEXAMPLE${String(i % 1000).padStart(6, '0')}`,
        sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: `arn:aws:iam::123456789012:${role}`, accountId: '123456789012', userName: role.slice(5) },
          webIdFederationData: {}, attributes: { creationDate: '2024-03-18T09:12:44Z', mfaAuthenticated: 'false' } },
      },
      eventTime: `2024-03-18T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07Z`, eventSource, eventName, awsRegion: pick(['us-east-1', 'eu-west-1', 'ap-southeast-2']),
      sourceIPAddress: x < 0.2 ? `${pick(['ec2', 'lambda', 'cloudformation'])}.amazonaws.com` : `198.51.100.${i % 250}`,
      userAgent: pick(['aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79 exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances', 'aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.4', 'Boto3/1.34.64 md/Botocore#1.34.64 ua/2.0 os/linux#5.10.210 md/arch#x86_64 lang/python#3.12.2 cfg/retry-mode#legacy Botocore/1.34.64', 'console.amazonaws.com']),
      requestParameters: eventName === 'PutRolePolicy'
        ? { roleName: 'app', policyName: 'inline', policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }] }) }
        : x < 0.5 ? { instancesSet: { items: [{ instanceId: `i-0${(i * 7919).toString(16).padStart(16, '0')}` }] }, filterSet: {}, maxResults: 1000 } : null,
      responseElements: eventName === 'ConsoleLogin' ? { ConsoleLogin: x < 0.96 ? 'Success' : 'Failure' } : null,
      requestID: `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-6a0c-4d7e-9a1f-1c2d3e4f5a6b`,
      eventID: `${(i * 40503 >>> 0).toString(16).padStart(8, '0')}-2f3d-4c5b-8a9e-0f1e2d3c4b5a`,
      readOnly: x < 0.7, eventType: eventName === 'ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall', managementEvent: true,
      recipientAccountId: '123456789012', eventCategory: 'Management',
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${eventSource.split('.')[0]}.us-east-1.amazonaws.com` },
    };
    if (eventName === 'ConsoleLogin') rec.additionalEventData = { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: x < 0.955 ? 'Yes' : 'No' };
    if (r() < 0.03) { rec.errorCode = pick(['AccessDenied', 'Client.UnauthorizedOperation', 'ThrottlingException']); rec.errorMessage = 'User is not authorized to perform this operation'; }
    out.push(JSON.stringify(rec));
  }
  return out;
}

/** Events per second of `f` over `events`, measured for about `seconds`. */
function rate(f: (m: string) => boolean, events: string[], seconds: number): { perSec: number; matched: number } {
  for (let k = 0; k < 2; k++) for (const e of events) f(e); // warm up
  let n = 0;
  let matched = 0;
  const t0 = process.hrtime.bigint();
  let dt = 0;
  while (dt < seconds) {
    for (const e of events) if (f(e)) matched++;
    n += events.length;
    dt = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return { perSec: n / dt, matched: matched / (n / events.length) };
}

const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`);

/**
 * Two working sets: "in cache" cycles over 1,000 events (about one 1 MB PutLogEvents batch: how a
 * stream processor sees messages it has just received), "from memory" over 20,000 distinct events
 * (25 MB, more than the caches hold).
 */
export async function run(opts: { seconds?: number } = {}): Promise<void> {
  const seconds = opts.seconds ?? 0.5;
  const cold = cloudTrailMix(20_000);
  const warm = cold.slice(0, 1000);
  const avg = cold.reduce((n, e) => n + e.length, 0) / cold.length;
  const lines: string[] = [];
  const both = (name: string, f: (m: string) => boolean, w = warm, c = cold): number => {
    const a = rate(f, w, seconds);
    const b = rate(f, c, seconds);
    lines.push(`${name.padEnd(44)} ${fmt(a.perSec).padStart(10)} ${fmt(b.perSec).padStart(12)}  ${(100 * b.matched / c.length).toFixed(2).padStart(6)} % matched`);
    return a.perSec;
  };
  lines.push(`Filter patterns, JS back end, one core. CloudTrail mix: ${cold.length} events, ${avg.toFixed(0)} bytes average.`);
  lines.push(`${'pattern'.padEnd(44)} ${'in cache'.padStart(10)} ${'from memory'.padStart(12)}`);
  both('baseline: JSON.parse only', (m) => JSON.parse(m) !== null && false);
  const closure = (m: string): boolean => { const o = JSON.parse(m); return o.eventSource === 'kms.amazonaws.com' && (o.eventName === 'DisableKey' || o.eventName === 'ScheduleKeyDeletion'); };
  both('baseline: hand-written closure, CIS 4.7', closure);
  const rates: number[] = [];
  const compiled = CIS_PATTERNS.map(([name, p]) => [name, compileJs(parse(p))] as const);
  for (const [name, f] of compiled) rates.push(both(`CIS ${name}`, f));
  const hmean = rates.length / rates.reduce((s, x) => s + 1 / x, 0);
  lines.push(`${'CIS patterns: harmonic mean, slowest'.padEnd(44)} ${fmt(hmean).padStart(10)}  ${fmt(Math.min(...rates))}`);
  const all = rate((m) => { let any = false; for (const [, f] of compiled) if (f(m)) any = true; return any; }, warm, seconds);
  lines.push(`${`all ${compiled.length} CIS patterns on every event`.padEnd(44)} ${fmt(all.perSec).padStart(10)}  (${fmt(all.perSec * compiled.length)} pattern evaluations)`);

  const app = Array.from({ length: 20_000 }, (_, i) => `2024-03-18T10:00:${String(i % 60).padStart(2, '0')}.123Z ${['INFO', 'INFO', 'INFO', 'WARN', 'ERROR'][i % 5]} [req-${i}] handler=orders latency_ms=${i % 900} user=u${i % 77} ${i % 50 === 0 ? 'Exception in thread "main" java.lang.IllegalStateException' : 'ok'}`);
  const alb = Array.from({ length: 20_000 }, (_, i) => `h2 2024-03-18T10:00:${String(i % 60).padStart(2, '0')}.123456Z app/my-lb/50dc6c495c0c9188 192.168.131.${i % 250}:2817 10.0.0.1:80 0.000 0.001 0.000 ${[200, 200, 200, 404, 503][i % 5]} ${[200, 200, 200, 404, 503][i % 5]} 34 ${366 + i % 5000} "GET https://www.example.com:443/item/${i} HTTP/2.0" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2`);
  lines.push('');
  both('terms: ERROR -timeout (app log)', compileJs(parse('ERROR -timeout')), app.slice(0, 1000), app);
  both('terms: ?Exception ?ERROR (app log)', compileJs(parse('?Exception ?ERROR')), app.slice(0, 1000), app);
  both('regex: %latency_ms=8[0-9]{2}% (app log)', compileJs(parse('%latency_ms=8[0-9]{2}%')), app.slice(0, 1000), app);
  both('space-delimited: elb_status = 5* (ALB)', compileJs(parse('[type, time, elb, client, target, p1, p2, p3, elb_status = 5*, ...]')), alb.slice(0, 1000), alb);
  both('space-delimited: sent > 5000 (ALB)', compileJs(parse('[type, time, elb, client, target, p1, p2, p3, s1, s2, rb, sent > 5000, ...]')), alb.slice(0, 1000), alb);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--seconds');
  await run({ seconds: i > 0 ? Number(process.argv[i + 1]) : undefined });
}
