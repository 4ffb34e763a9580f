/**
 * The CIS AWS Foundations Benchmark monitoring pack: the metric filters, alarms and dashboard of
 * the benchmark's "Monitoring" section (CIS 1.4–3.0 §4.1–4.15, CIS 1.2 §3.1–3.14, Security Hub
 * controls CloudWatch.1–14), on the log group CloudTrail delivers to.
 *
 * Patterns are the exact ones of aws-facts.md §2.6 (Security Hub's). Names follow AWS's own
 * deployment guidance (Landing Zone Accelerator's CIS configuration): namespace `LogMetrics`,
 * metric `RootAccountUsage`, filter `RootAccountUsageMetricFilter`, alarm `CIS-4.3-RootAccountUsage`;
 * every alarm is Sum over 300 s, 1 evaluation period, ≥ 1, missing data not breaching.
 */
import type { DashboardInput, MetricAlarmInput, MetricFilterInput, Pack, PackItem, PackOptions, PackResources, Widget } from './types.js';

interface Control { id: string; refs: string[]; title: string; metric: string; pattern: string }

const CONTROLS: Control[] = [
  { id: '4.1', refs: ['CIS 1.2 3.1', 'CloudWatch.2'], title: 'Unauthorized API calls', metric: 'UnauthorizedAPICalls',
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}' },
  { id: '4.2', refs: ['CIS 1.2 3.2', 'CloudWatch.3'], title: 'Management Console sign-in without MFA', metric: 'ConsoleSigninWithoutMFA',
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }' },
  { id: '4.3', refs: ['CIS 1.2 3.3', 'CIS 1.2 1.1', 'CloudWatch.1'], title: 'Usage of the "root" user', metric: 'RootAccountUsage',
    pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}' },
  { id: '4.4', refs: ['CIS 1.2 3.4', 'CloudWatch.4'], title: 'IAM policy changes', metric: 'IAMPolicyChanges',
    pattern: '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}' },
  { id: '4.5', refs: ['CIS 1.2 3.5', 'CloudWatch.5'], title: 'CloudTrail configuration changes', metric: 'CloudTrailChanges',
    pattern: '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}' },
  { id: '4.6', refs: ['CIS 1.2 3.6', 'CloudWatch.6'], title: 'Management Console authentication failures', metric: 'ConsoleAuthenticationFailure',
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}' },
  { id: '4.7', refs: ['CIS 1.2 3.7', 'CloudWatch.7'], title: 'Disabling or scheduled deletion of customer managed keys', metric: 'DisableOrDeleteCMK',
    pattern: '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}' },
  { id: '4.8', refs: ['CIS 1.2 3.8', 'CloudWatch.8'], title: 'S3 bucket policy changes', metric: 'S3BucketPolicyChanges',
    pattern: '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}' },
  { id: '4.9', refs: ['CIS 1.2 3.9', 'CloudWatch.9'], title: 'AWS Config configuration changes', metric: 'AWSConfigChanges',
    pattern: '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}' },
  { id: '4.10', refs: ['CIS 1.2 3.10', 'CloudWatch.10'], title: 'Security group changes', metric: 'SecurityGroupChanges',
    pattern: '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}' },
  { id: '4.11', refs: ['CIS 1.2 3.11', 'CloudWatch.11'], title: 'Network ACL changes', metric: 'NetworkACLChanges',
    pattern: '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}' },
  { id: '4.12', refs: ['CIS 1.2 3.12', 'CloudWatch.12'], title: 'Network gateway changes', metric: 'NetworkGatewayChanges',
    pattern: '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}' },
  { id: '4.13', refs: ['CIS 1.2 3.13', 'CloudWatch.13'], title: 'Route table changes', metric: 'RouteTableChanges',
    pattern: '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}' },
  { id: '4.14', refs: ['CIS 1.2 3.14', 'CloudWatch.14'], title: 'VPC changes', metric: 'VPCChanges',
    pattern: '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}' },
  { id: '4.15', refs: [], title: 'AWS Organizations changes', metric: 'OrganizationsChanges',
    pattern: '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }' },
];

export const CIS_DEFAULT_NAMESPACE = 'LogMetrics';
export const CIS_DASHBOARD_NAME = 'CIS-AWS-Foundations-Benchmark';
/** The alarm rule every control uses (AWS's guidance: any occurrence within 5 minutes alarms). */
const PERIOD_S = 300;

const filterName = (c: Control) => `${c.metric}MetricFilter`;
const alarmName = (c: Control) => `CIS-${c.id}-${c.metric}`;

function items(): PackItem[] {
  return CONTROLS.map((c) => ({ id: c.id, title: c.title, refs: c.refs, filterName: filterName(c), filterPattern: c.pattern, metricName: c.metric, alarmName: alarmName(c) }));
}

function resources(o: PackOptions): PackResources {
  const ns = o.namespace ?? CIS_DEFAULT_NAMESPACE;
  const metricFilters: MetricFilterInput[] = CONTROLS.map((c) => ({
    logGroupName: o.logGroupName,
    filterName: filterName(c),
    filterPattern: c.pattern,
    metricTransformations: [{ metricName: c.metric, metricNamespace: ns, metricValue: '1' }],
  }));
  const alarms: MetricAlarmInput[] = CONTROLS.map((c) => ({
    AlarmName: alarmName(c),
    // No log group in the text: several groups may feed the same metric and share the alarm.
    AlarmDescription: `CIS AWS Foundations Benchmark ${c.id}${c.refs.length ? ` (${c.refs.join(', ')})` : ''}: ${c.title}. Counted by metric filter ${filterName(c)}.`,
    ActionsEnabled: true,
    AlarmActions: [o.topicArn],
    OKActions: [],
    InsufficientDataActions: [],
    Namespace: ns,
    MetricName: c.metric,
    Dimensions: [],
    Statistic: 'Sum',
    Period: PERIOD_S,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  }));
  const dashboard = (arns: Map<string, string>): DashboardInput => {
    const widgets: Widget[] = [];
    let y = 0;
    const alarmArns = alarms.map((a) => arns.get(a.AlarmName)).filter((a): a is string => !!a);
    // An alarm widget names alarms by ARN; without them (no alarm API) the widget is left out.
    if (alarmArns.length) {
      widgets.push({ type: 'alarm', x: 0, y, width: 24, height: 6, properties: { title: 'CIS monitoring alarms', alarms: alarmArns, sortBy: 'stateUpdatedTimestamp' } });
      y += 6;
    }
    CONTROLS.forEach((c, i) => {
      widgets.push({
        type: 'metric', x: (i % 3) * 8, y: y + Math.floor(i / 3) * 6, width: 8, height: 6,
        properties: {
          title: `${c.id} ${c.title}`,
          view: 'timeSeries',
          stacked: false,
          region: o.region,
          stat: 'Sum',
          period: PERIOD_S,
          metrics: [[ns, c.metric, { label: c.metric }]],
          annotations: { horizontal: [{ label: 'Alarm threshold', value: 1 }] },
          yAxis: { left: { min: 0 } },
        },
      });
    });
    return { DashboardName: CIS_DASHBOARD_NAME, DashboardBody: { widgets } };
  };
  return { metricFilters, alarms, dashboard };
}

export const cisPack: Pack = {
  name: 'cis',
  title: 'CIS AWS Foundations Benchmark — monitoring',
  description: 'Metric filters, alarms and a dashboard for the benchmark\'s monitoring controls (CIS 1.4–3.0 §4.1–4.15; Security Hub CloudWatch.1–14), on the log group CloudTrail delivers to.',
  defaultNamespace: CIS_DEFAULT_NAMESPACE,
  dashboardName: CIS_DASHBOARD_NAME,
  items,
  resources,
};
