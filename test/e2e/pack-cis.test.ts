/**
 * `trailwatch pack install cis` end to end: the real `trailwatch` CLI (async spawn) installs the CIS
 * monitoring pack on a real server; the real aws CLI 2.x reads back what it created
 * (describe-metric-filters, describe-alarms, get-dashboard); CloudTrail records of the fact
 * sheet's acceptance cases (aws-facts.md §2.6 (a)–(d)) become datapoints on the CIS metrics.
 * Oracles: aws-facts.md §2.6 (patterns), Security Hub controls CloudWatch.1–14 (Sum, 300 s, 1
 * period, ≥ 1) and AWS's Landing Zone Accelerator CIS configuration (namespace LogMetrics, names).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DescribeMetricFiltersCommand, PutLogEventsCommand, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { awsEnv, REPO_ROOT, startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';
import { runAwsCli } from '../helpers/aws-cli.js';
import { cloudwatchService } from '../../src/api/cloudwatch/index.js';
import { cisPack } from '../../src/packs/cis.js';

interface Run { code: number | null; stdout: string; stderr: string }
interface Change { kind: string; name: string; action: string; reason?: string }
interface InstallOut { pack: string; changed: boolean; complete: boolean; changes: Change[] }

const G = '/aws/cloudtrail/cis';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:cis-alerts';
const ALARMS_LANDED = Object.prototype.hasOwnProperty.call(cloudwatchService.operations, 'PutMetricAlarm');
const DASHBOARDS_LANDED = Object.prototype.hasOwnProperty.call(cloudwatchService.operations, 'PutDashboard');
/** The exact filter patterns of aws-facts.md §2.6, by metric. */
const FACT_SHEET: Record<string, string> = {
  UnauthorizedAPICalls: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  ConsoleSigninWithoutMFA: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  RootAccountUsage: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  ConsoleAuthenticationFailure: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  DisableOrDeleteCMK: '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
};

let srv: TestServer;
let logs: CloudWatchLogsClient;
let cw: CloudWatchClient;

function trailwatch(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), '--endpoint', srv.url, ...args], { cwd: REPO_ROOT, env: awsEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function aws<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const r = await runAwsCli('/usr/bin/aws', srv.url, args);
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

const install = (extra: string[] = []) => trailwatch(['--json', 'pack', 'install', 'cis', '--log-group', G, '--topic', TOPIC, ...extra]);

before(async () => {
  srv = await startTestServer();
  logs = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  await aws(['logs', 'create-log-group', '--log-group-name', G]);
});
after(async () => { await srv?.cleanup(); });

test('pack list and pack show describe the CIS pack', async () => {
  const list = await trailwatch(['pack', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^NAME\s+CONTROLS\s+TITLE\n/);
  assert.match(list.stdout, /\ncis\s+15\s+CIS AWS Foundations Benchmark/);
  const show = await trailwatch(['--json', 'pack', 'show', 'cis']);
  assert.equal(show.code, 0, show.stderr);
  const s = JSON.parse(show.stdout) as { defaultNamespace: string; controls: Array<{ id: string; metricName: string; alarmName: string; filterPattern: string; refs: string[] }> };
  assert.equal(s.defaultNamespace, 'LogMetrics');
  assert.deepEqual(s.controls.map((c) => c.id), ['4.1', '4.2', '4.3', '4.4', '4.5', '4.6', '4.7', '4.8', '4.9', '4.10', '4.11', '4.12', '4.13', '4.14', '4.15']);
  const root = s.controls.find((c) => c.id === '4.3')!;
  assert.equal(root.alarmName, 'CIS-4.3-RootAccountUsage');
  assert.ok(root.refs.includes('CloudWatch.1'));
  const text = await trailwatch(['pack', 'show', 'cis']);
  assert.ok(text.stdout.includes(FACT_SHEET.RootAccountUsage), 'the text output prints the exact patterns');
  const unknown = await trailwatch(['pack', 'show', 'nope']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, "trailwatch: InvalidArgument: Unknown pack 'nope'; available: cis\n");
});

test('install refuses a bad topic and a missing log group before creating anything', async () => {
  const bad = await trailwatch(['pack', 'install', 'cis', '--log-group', G, '--topic', 'cis-alerts']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^trailwatch: InvalidArgument: Invalid --topic 'cis-alerts'/);
  const missing = await trailwatch(['pack', 'install', 'cis', '--log-group', '/no/such/group', '--topic', TOPIC]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'trailwatch: ResourceNotFoundException: The specified log group does not exist.\n');
  const d = await aws<{ metricFilters: unknown[] }>(['logs', 'describe-metric-filters', '--log-group-name', G]);
  assert.equal(d.metricFilters.length, 0);
});

test('install refuses up front a group whose filters would exceed 100 (PutMetricFilter limit)', async () => {
  const full = '/aws/cloudtrail/full';
  await logs.send(new CreateLogGroupCommand({ logGroupName: full }));
  for (let i = 0; i < 90; i++) await logs.send(new PutMetricFilterCommand({ logGroupName: full, filterName: `f${i}`, filterPattern: 'ERROR', metricTransformations: [{ metricName: `m${i}`, metricNamespace: 'Other', metricValue: '1' }] }));
  const r = await trailwatch(['pack', 'install', 'cis', '--log-group', full, '--topic', TOPIC]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `trailwatch: LimitExceededException: Log group ${full} has 90 metric filters; the pack adds 15 and a log group can have at most 100.\n`);
  const d = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: full, limit: 50, filterNamePrefix: 'UnauthorizedAPICalls' }));
  assert.equal(d.metricFilters?.length ?? 0, 0, 'nothing was created');
});

test('install creates the 15 metric filters with the exact patterns, the alarms and the dashboard', async () => {
  const r = await install();
  assert.equal(r.code, ALARMS_LANDED && DASHBOARDS_LANDED ? 0 : 1, r.stderr);
  const o = JSON.parse(r.stdout) as InstallOut;
  assert.equal(o.changed, true);
  const filters = o.changes.filter((c) => c.kind === 'metric-filter');
  assert.equal(filters.length, 15);
  assert.ok(filters.every((c) => c.action === 'created'));

  const d = await aws<{ metricFilters: Array<{ filterName: string; filterPattern: string; metricTransformations: Array<{ metricName: string; metricNamespace: string; metricValue: string }> }> }>(['logs', 'describe-metric-filters', '--log-group-name', G]);
  assert.equal(d.metricFilters.length, 15);
  const byMetric = new Map(d.metricFilters.map((f) => [f.metricTransformations[0].metricName, f]));
  for (const [metric, pattern] of Object.entries(FACT_SHEET)) {
    const f = byMetric.get(metric);
    assert.ok(f, `no filter for ${metric}`);
    assert.equal(f.filterPattern, pattern);
    assert.equal(f.filterName, `${metric}MetricFilter`);
    assert.deepEqual(f.metricTransformations, [{ metricName: metric, metricNamespace: 'LogMetrics', metricValue: '1' }]);
  }
  for (const item of cisPack.items()) assert.equal(byMetric.get(item.metricName)?.filterPattern, item.filterPattern);
});

test('the alarms: Sum over 300 s, 1 period, >= 1, missing data not breaching, notifying the topic', async (t) => {
  if (!ALARMS_LANDED) { t.skip('PutMetricAlarm/DescribeAlarms are not on this server yet (src/api/cloudwatch/alarm-operations.ts)'); return; }
  const a = await aws<{ MetricAlarms: Array<Record<string, unknown>> }>(['cloudwatch', 'describe-alarms', '--alarm-name-prefix', 'CIS-']);
  assert.equal(a.MetricAlarms.length, 15);
  for (const alarm of a.MetricAlarms) {
    assert.equal(alarm.Namespace, 'LogMetrics');
    assert.equal(alarm.Statistic, 'Sum');
    assert.equal(alarm.Period, 300);
    assert.equal(alarm.EvaluationPeriods, 1);
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(alarm.TreatMissingData, 'notBreaching');
    assert.deepEqual(alarm.AlarmActions, [TOPIC]);
    assert.equal(alarm.AlarmName, `CIS-${cisPack.items().find((i) => i.metricName === alarm.MetricName)!.id}-${String(alarm.MetricName)}`);
  }
});

test('the dashboard: a graph per control and an alarm status widget', async (t) => {
  if (!DASHBOARDS_LANDED) { t.skip('PutDashboard/GetDashboard are not on this server yet'); return; }
  const g = await aws<{ DashboardName: string; DashboardBody: string }>(['cloudwatch', 'get-dashboard', '--dashboard-name', 'CIS-AWS-Foundations-Benchmark']);
  const body = JSON.parse(g.DashboardBody) as { widgets: Array<{ type: string; properties: { metrics?: unknown[][]; alarms?: string[]; region?: string } }> };
  const graphs = body.widgets.filter((w) => w.type === 'metric');
  assert.equal(graphs.length, 15);
  assert.deepEqual(graphs.map((w) => (w.properties.metrics![0] as string[])[1]).sort(), cisPack.items().map((i) => i.metricName).sort());
  assert.ok(graphs.every((w) => w.properties.region === 'us-east-1'));
  const alarmWidgets = body.widgets.filter((w) => w.type === 'alarm');
  if (ALARMS_LANDED) {
    assert.equal(alarmWidgets.length, 1);
    assert.equal(alarmWidgets[0].properties.alarms!.length, 15);
    assert.ok(alarmWidgets[0].properties.alarms!.every((arn) => /^arn:aws:cloudwatch:us-east-1:\d{12}:alarm:CIS-4\.\d+-\w+$/.test(arn)));
  }
});

test('a second install changes nothing and says so; a changed filter is put back', async () => {
  const again = await install();
  assert.ok(again.stdout.trim(), again.stderr);
  const o = JSON.parse(again.stdout) as InstallOut;
  assert.equal(o.changed, false);
  assert.ok(o.changes.every((c) => c.action === 'unchanged' || c.action === 'skipped'), JSON.stringify(o.changes));
  if (ALARMS_LANDED && DASHBOARDS_LANDED) {
    const text = await trailwatch(['pack', 'install', 'cis', '--log-group', G, '--topic', TOPIC]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Nothing to change: pack cis is already installed on ${G}\\.\\n$`));
  }
  // Someone edits one filter: the next install restores it and leaves the rest alone.
  await aws(['logs', 'put-metric-filter', '--log-group-name', G, '--filter-name', 'VPCChangesMetricFilter', '--filter-pattern', '{ $.eventName = CreateVpc }', '--metric-transformations', 'metricName=VPCChanges,metricNamespace=LogMetrics,metricValue=1']);
  const fixed = JSON.parse((await install()).stdout) as InstallOut;
  const changed = fixed.changes.filter((c) => c.action !== 'unchanged' && c.action !== 'skipped');
  assert.deepEqual(changed, [{ kind: 'metric-filter', name: 'VPCChangesMetricFilter', action: 'updated' }]);
});

test('CloudTrail records of the fact sheet cases produce datapoints on the CIS metrics', async () => {
  await logs.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'trail' }));
  const base = { eventVersion: '1.08', awsRegion: 'us-east-1', recipientAccountId: '123456789012', eventType: 'AwsApiCall' };
  const iam = { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', userName: 'alice' };
  const records = [
    // (a) root console sign-in without invokedBy: 4.3; with invokedBy: not.
    { ...base, eventType: 'AwsConsoleSignIn', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', userIdentity: { type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root' }, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } },
    { ...base, eventSource: 's3.amazonaws.com', eventName: 'GetBucketAcl', userIdentity: { type: 'Root', invokedBy: 's3.amazonaws.com' } },
    // (b) suffix and prefix wildcards of 4.1.
    { ...base, eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', errorCode: 'Client.UnauthorizedOperation', userIdentity: iam },
    { ...base, eventSource: 'iam.amazonaws.com', eventName: 'ListUsers', errorCode: 'AccessDeniedException', userIdentity: iam },
    // (c) IAM user signed in without MFA: 4.2.
    { ...base, eventType: 'AwsConsoleSignIn', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', userIdentity: iam, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' } },
    // (d) failed console authentication: 4.6 (and not 4.2: the sign-in failed).
    { ...base, eventType: 'AwsConsoleSignIn', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', userIdentity: iam, errorMessage: 'Failed authentication', responseElements: { ConsoleLogin: 'Failure' }, additionalEventData: { MFAUsed: 'No' } },
    // 4.7 needs the KMS event source.
    { ...base, eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion', userIdentity: iam },
    { ...base, eventSource: 'example.amazonaws.com', eventName: 'DisableKey', userIdentity: iam },
  ];
  const now = Date.now();
  await logs.send(new PutLogEventsCommand({ logGroupName: G, logStreamName: 'trail', logEvents: records.map((r, i) => ({ timestamp: now - 1000 + i, message: JSON.stringify({ ...r, eventTime: new Date(now).toISOString() }) })) }));

  const sum = async (metric: string): Promise<number> => {
    const r = await cw.send(new GetMetricStatisticsCommand({ Namespace: 'LogMetrics', MetricName: metric, StartTime: new Date(now - 3600_000), EndTime: new Date(now + 3600_000), Period: 3600, Statistics: ['Sum'] }));
    return (r.Datapoints ?? []).reduce((a, p) => a + (p.Sum ?? 0), 0);
  };
  assert.equal(await sum('RootAccountUsage'), 1);
  assert.equal(await sum('UnauthorizedAPICalls'), 2);
  assert.equal(await sum('ConsoleSigninWithoutMFA'), 1);
  assert.equal(await sum('ConsoleAuthenticationFailure'), 1);
  assert.equal(await sum('DisableOrDeleteCMK'), 1);
  assert.equal(await sum('VPCChanges'), 0);

  if (!ALARMS_LANDED) return;
  // One evaluation cycle a minute later: the controls whose metric got a datapoint alarm, the others stay OK (notBreaching).
  srv.alarms.stopLoop();
  await srv.alarms.evaluateAll(now + 60_000);
  const a = await aws<{ MetricAlarms: Array<{ AlarmName: string; StateValue: string }> }>(['cloudwatch', 'describe-alarms', '--alarm-name-prefix', 'CIS-']);
  const state = Object.fromEntries(a.MetricAlarms.map((x) => [x.AlarmName, x.StateValue]));
  for (const name of ['CIS-4.1-UnauthorizedAPICalls', 'CIS-4.2-ConsoleSigninWithoutMFA', 'CIS-4.3-RootAccountUsage', 'CIS-4.6-ConsoleAuthenticationFailure', 'CIS-4.7-DisableOrDeleteCMK']) assert.equal(state[name], 'ALARM', name);
  for (const name of ['CIS-4.4-IAMPolicyChanges', 'CIS-4.14-VPCChanges']) assert.equal(state[name], 'OK', name);
});
