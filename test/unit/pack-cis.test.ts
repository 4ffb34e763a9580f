/**
 * The CIS pack's content and the reconcile rules, without a server: every control's pattern is
 * checked against CloudTrail records with the real filter-pattern matcher (oracle: aws-facts.md
 * §2.6 and its acceptance cases (a)–(d)); alarms follow Security Hub's CloudWatch.1–14 guidance;
 * dashboards pass the real dashboard-body validator; the comparison that makes `install`
 * idempotent treats AWS's defaults as equal to explicit values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/query/patterns/parser.js';
import { compileJs } from '../../src/query/patterns/compile-js.js';
import { checkDashboardBody } from '../../src/dashboards/body-validator.js';
import { cisPack, CIS_DEFAULT_NAMESPACE } from '../../src/packs/cis.js';
import { sameAlarm, sameJson, sameMetricFilter } from '../../src/packs/install.js';
import { healthResources, SELF_METRICS, type SelfMetricName } from '../../src/packs/trailwatch-health.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:cis';
const res = cisPack.resources({ logGroupName: '/ct', topicArn: TOPIC, region: 'eu-west-1' });
const matcher = (metric: string) => {
  const f = res.metricFilters.find((x) => x.metricTransformations[0].metricName === metric);
  assert.ok(f, metric);
  return compileJs(parse(f.filterPattern));
};
const iam = { type: 'IAMUser', userName: 'alice' };

/** aws-facts.md §2.6, copied from the fact sheet (not from src/packs/cis.ts): the exact pattern per CIS 1.4+ control. */
const FACT_SHEET_2_6: Record<string, string> = {
  '4.1': '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  '4.2': '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  '4.3': '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  '4.4': '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}',
  '4.5': '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
  '4.6': '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  '4.7': '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
  '4.8': '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
  '4.9': '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',
  '4.10': '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}',
  '4.11': '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}',
  '4.12': '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',
  '4.13': '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',
  '4.14': '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}',
  '4.15': '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
};

/** Per metric: records that must match and records that must not. */
const CASES: Record<string, { yes: object[]; no: object[] }> = {
  UnauthorizedAPICalls: { yes: [{ errorCode: 'Client.UnauthorizedOperation' }, { errorCode: 'AccessDeniedException' }, { errorCode: 'AccessDenied' }], no: [{ errorCode: 'ThrottlingException' }, { eventName: 'GetObject' }] },
  ConsoleSigninWithoutMFA: {
    yes: [{ eventName: 'ConsoleLogin', userIdentity: iam, additionalEventData: { MFAUsed: 'No' }, responseElements: { ConsoleLogin: 'Success' } }],
    no: [{ eventName: 'ConsoleLogin', userIdentity: iam, additionalEventData: { MFAUsed: 'Yes' }, responseElements: { ConsoleLogin: 'Success' } },
      { eventName: 'ConsoleLogin', userIdentity: iam, additionalEventData: { MFAUsed: 'No' }, responseElements: { ConsoleLogin: 'Failure' } },
      { eventName: 'ConsoleLogin', userIdentity: { type: 'Root' }, additionalEventData: { MFAUsed: 'No' }, responseElements: { ConsoleLogin: 'Success' } }],
  },
  RootAccountUsage: {
    yes: [{ userIdentity: { type: 'Root' }, eventType: 'AwsConsoleSignIn', eventName: 'ConsoleLogin' }, { userIdentity: { type: 'Root' }, eventType: 'AwsApiCall' }],
    no: [{ userIdentity: { type: 'Root', invokedBy: 's3.amazonaws.com' }, eventType: 'AwsApiCall' }, { userIdentity: { type: 'Root' }, eventType: 'AwsServiceEvent' }, { userIdentity: iam, eventType: 'AwsApiCall' }],
  },
  IAMPolicyChanges: { yes: [{ eventName: 'PutRolePolicy' }, { eventName: 'DetachGroupPolicy' }, { eventName: 'CreatePolicyVersion' }], no: [{ eventName: 'GetPolicy' }, { eventName: 'CreateRole' }] },
  CloudTrailChanges: { yes: [{ eventName: 'StopLogging' }, { eventName: 'UpdateTrail' }], no: [{ eventName: 'DescribeTrails' }] },
  ConsoleAuthenticationFailure: { yes: [{ eventName: 'ConsoleLogin', errorMessage: 'Failed authentication' }], no: [{ eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Success' } }, { eventName: 'AssumeRole', errorMessage: 'Failed authentication' }] },
  DisableOrDeleteCMK: { yes: [{ eventSource: 'kms.amazonaws.com', eventName: 'DisableKey' }, { eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion' }], no: [{ eventSource: 'kms.amazonaws.com', eventName: 'EnableKey' }, { eventSource: 'other.amazonaws.com', eventName: 'DisableKey' }] },
  S3BucketPolicyChanges: { yes: [{ eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy' }, { eventSource: 's3.amazonaws.com', eventName: 'DeleteBucketCors' }], no: [{ eventSource: 's3.amazonaws.com', eventName: 'GetObject' }, { eventSource: 'ec2.amazonaws.com', eventName: 'PutBucketPolicy' }] },
  AWSConfigChanges: { yes: [{ eventSource: 'config.amazonaws.com', eventName: 'StopConfigurationRecorder' }], no: [{ eventSource: 'config.amazonaws.com', eventName: 'DescribeConfigRules' }] },
  SecurityGroupChanges: { yes: [{ eventName: 'AuthorizeSecurityGroupIngress' }, { eventName: 'DeleteSecurityGroup' }], no: [{ eventName: 'DescribeSecurityGroups' }] },
  NetworkACLChanges: { yes: [{ eventName: 'CreateNetworkAclEntry' }, { eventName: 'ReplaceNetworkAclAssociation' }], no: [{ eventName: 'DescribeNetworkAcls' }] },
  NetworkGatewayChanges: { yes: [{ eventName: 'AttachInternetGateway' }, { eventName: 'DeleteCustomerGateway' }], no: [{ eventName: 'CreateNatGateway' }] },
  RouteTableChanges: { yes: [{ eventName: 'CreateRoute' }, { eventName: 'DisassociateRouteTable' }], no: [{ eventName: 'DescribeRouteTables' }] },
  VPCChanges: { yes: [{ eventName: 'CreateVpc' }, { eventName: 'EnableVpcClassicLink' }, { eventName: 'AcceptVpcPeeringConnection' }], no: [{ eventName: 'DescribeVpcs' }] },
  OrganizationsChanges: { yes: [{ eventSource: 'organizations.amazonaws.com', eventName: 'LeaveOrganization' }, { eventSource: 'organizations.amazonaws.com', eventName: 'CreateAccount' }], no: [{ eventSource: 'organizations.amazonaws.com', eventName: 'ListAccounts' }, { eventSource: 'iam.amazonaws.com', eventName: 'CreatePolicy' }] },
};

test('every pattern is exactly the fact sheet\'s, control by control', () => {
  assert.deepEqual(cisPack.items().map((i) => i.id), Object.keys(FACT_SHEET_2_6));
  for (const i of cisPack.items()) assert.equal(i.filterPattern, FACT_SHEET_2_6[i.id], `control ${i.id}`);
  for (const f of res.metricFilters) assert.ok(Object.values(FACT_SHEET_2_6).includes(f.filterPattern), f.filterName);
});

test('every control has test records, and each pattern matches exactly the records it should', () => {
  assert.deepEqual(Object.keys(CASES).sort(), cisPack.items().map((i) => i.metricName).sort());
  for (const [metric, c] of Object.entries(CASES)) {
    const match = matcher(metric);
    for (const r of c.yes) assert.equal(match(JSON.stringify(r)), true, `${metric} should match ${JSON.stringify(r)}`);
    for (const r of c.no) assert.equal(match(JSON.stringify(r)), false, `${metric} should not match ${JSON.stringify(r)}`);
  }
});

test('filters: metric value 1 in LogMetrics (or --namespace), names PutMetricFilter accepts', () => {
  assert.equal(res.metricFilters.length, 15);
  for (const f of res.metricFilters) {
    assert.deepEqual(f.metricTransformations, [{ metricName: f.metricTransformations[0].metricName, metricNamespace: CIS_DEFAULT_NAMESPACE, metricValue: '1' }]);
    assert.match(f.filterName, /^[^:*]{1,512}$/);
    assert.ok(f.filterPattern.length <= 1024);
    assert.equal(f.logGroupName, '/ct');
  }
  const other = cisPack.resources({ logGroupName: '/ct', topicArn: TOPIC, region: 'eu-west-1', namespace: 'CISBenchmark' });
  assert.ok(other.metricFilters.every((f) => f.metricTransformations[0].metricNamespace === 'CISBenchmark'));
  assert.ok(other.alarms.every((a) => a.Namespace === 'CISBenchmark'));
});

test('alarms: one per filter, Sum over 300 s, 1 of 1 period, >= 1, notBreaching, notifying the topic', () => {
  assert.equal(res.alarms.length, 15);
  assert.equal(new Set(res.alarms.map((a) => a.AlarmName)).size, 15);
  for (const a of res.alarms) {
    assert.ok(res.metricFilters.some((f) => f.metricTransformations[0].metricName === a.MetricName && f.metricTransformations[0].metricNamespace === a.Namespace));
    assert.deepEqual([a.Statistic, a.Period, a.EvaluationPeriods, a.DatapointsToAlarm, a.Threshold, a.ComparisonOperator, a.TreatMissingData], ['Sum', 300, 1, 1, 1, 'GreaterThanOrEqualToThreshold', 'notBreaching']);
    assert.deepEqual(a.AlarmActions, [TOPIC]);
    assert.ok(a.AlarmName.length <= 255 && (a.AlarmDescription ?? '').length <= 1024);
  }
});

test('dashboards pass the dashboard-body validator, with and without alarm ARNs', () => {
  const arns = new Map(res.alarms.map((a) => [a.AlarmName, `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${a.AlarmName}`]));
  for (const m of [arns, new Map<string, string>()]) {
    const d = res.dashboard!(m);
    assert.match(d.DashboardName, /^[A-Za-z0-9_-]{1,255}$/);
    const check = checkDashboardBody(d.DashboardBody as unknown as Record<string, unknown>);
    assert.deepEqual(check.errors, []);
    assert.equal(d.DashboardBody.widgets.filter((w) => w.type === 'alarm').length, m.size ? 1 : 0);
  }
  const all = new Set<SelfMetricName>(Object.keys(SELF_METRICS) as SelfMetricName[]);
  const health = healthResources({ region: 'us-east-1', published: all });
  assert.equal(health.alarms.length, 6);
  const h = health.dashboard!(new Map(health.alarms.map((a) => [a.AlarmName, `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${a.AlarmName}`])));
  assert.deepEqual(checkDashboardBody(h.DashboardBody as unknown as Record<string, unknown>).errors, []);
  // Alarms only on what is published.
  assert.deepEqual(healthResources({ region: 'us-east-1', published: new Set(['IngestedEvents', 'IngestLatency']) }).alarms.map((a) => a.AlarmName), ['Trailwatch-IngestLatencyHigh']);
});

test('idempotency: AWS defaults compare equal to explicit values; a real difference does not', () => {
  const want = res.alarms[0];
  // What DescribeAlarms returns: defaults may be omitted, actions in any order, extra state fields.
  const have: Record<string, unknown> = { ...want, DatapointsToAlarm: undefined, OKActions: undefined, InsufficientDataActions: undefined, Dimensions: undefined, StateValue: 'OK', AlarmArn: 'arn:x' };
  assert.equal(sameAlarm(want, have), true);
  assert.equal(sameAlarm(want, { ...have, Threshold: 2 }), false);
  assert.equal(sameAlarm(want, { ...have, AlarmActions: [TOPIC, 'arn:aws:sns:us-east-1:123456789012:other'] }), false);
  assert.equal(sameAlarm(want, { ...have, TreatMissingData: undefined }), false, 'absent TreatMissingData means missing');

  const f = res.metricFilters[0];
  const described = { filterName: f.filterName, filterPattern: f.filterPattern, metricTransformations: [{ ...f.metricTransformations[0] }], creationTime: 1 };
  assert.equal(sameMetricFilter(f, described), true);
  assert.equal(sameMetricFilter(f, { ...described, metricTransformations: [{ ...f.metricTransformations[0], defaultValue: 0 }] }), false);
  assert.equal(sameMetricFilter(f, { ...described, filterPattern: '{ $.x = 1 }' }), false);
  assert.equal(sameJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 }), true);
  assert.equal(sameJson({ a: [1, 2] }, { a: [2, 1] }), false);
});
