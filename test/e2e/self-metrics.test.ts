/**
 * Trailwatch's own metrics (docs/self-metrics.md) end to end: events put with the AWS SDK and a
 * Logs Insights query show up as `Trailwatch` metrics in ListMetrics and GetMetricData (SDK v3,
 * the same way a user would read them); the health dashboard and alarms are created at start and
 * a user's edit survives a restart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, GetQueryResultsCommand, PutLogEventsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand, GetMetricDataCommand, ListMetricsCommand, PutDashboardCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { cloudwatchService } from '../../src/api/cloudwatch/index.js';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAwsCli } from '../helpers/aws-cli.js';

const G = '/test/self-metrics';
const ALARMS_LANDED = Object.prototype.hasOwnProperty.call(cloudwatchService.operations, 'PutMetricAlarm');
const DASHBOARDS_LANDED = Object.prototype.hasOwnProperty.call(cloudwatchService.operations, 'PutDashboard');

let dataDir: string;
let srv: TestServer;
let logs: CloudWatchLogsClient;
let cw: CloudWatchClient;
const start = Date.now() - 5 * 60_000;

function clients(): void {
  logs = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
}

before(async () => {
  dataDir = tempDir('tw-selfm-');
  srv = await startTestServer({ dataDir, selfMetricsIntervalMs: 1000 });
  clients();
});
after(async () => {
  await srv?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sum and sample count of a Trailwatch metric since the test began (GetMetricData, one 1-hour bucket). */
async function stat(metric: string, s: 'Sum' | 'SampleCount' | 'Minimum' | 'Maximum'): Promise<number | undefined> {
  const r = await cw.send(new GetMetricDataCommand({
    StartTime: new Date(start), EndTime: new Date(Date.now() + 120_000),
    MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: 'Trailwatch', MetricName: metric }, Period: 3600, Stat: s } }],
  }));
  const v = r.MetricDataResults?.[0]?.Values ?? [];
  return v.length ? v.reduce((a, b) => (s === 'Minimum' ? Math.min(a, b) : s === 'Maximum' ? Math.max(a, b) : a + b)) : undefined;
}

/** Polls until `fn` holds (the publisher runs every second here); fails after 30 s. */
async function eventually(what: string, fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`never happened: ${what}`);
}

test('ingested events and bytes, ingest latency and query durations are published in namespace Trailwatch', async () => {
  const before = (await stat('IngestedEvents', 'Sum')) ?? 0;
  const beforeBytes = (await stat('IngestedBytes', 'Sum')) ?? 0;
  await logs.send(new CreateLogGroupCommand({ logGroupName: G }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 's' }));
  const messages = ['first event', 'second: héllo', JSON.stringify({ level: 'info', n: 3 })];
  const bytes = messages.reduce((a, m) => a + Buffer.byteLength(m), 0);
  const beforeRejected = (await stat('RejectedEvents', 'Sum')) ?? 0;
  // Two events older than 14 days are refused one by one (PutLogEvents' tooOldLogEventEndIndex).
  const old = Date.now() - 15 * 86_400_000;
  const refused = await logs.send(new PutLogEventsCommand({ logGroupName: G, logStreamName: 's', logEvents: [{ timestamp: old, message: 'too old 1' }, { timestamp: old + 1, message: 'too old 2' }] }));
  assert.equal(refused.rejectedLogEventsInfo?.tooOldLogEventEndIndex, 2);
  await logs.send(new PutLogEventsCommand({ logGroupName: G, logStreamName: 's', logEvents: messages.map((message, i) => ({ timestamp: Date.now() - 1000 + i, message })) }));
  const { queryId } = await logs.send(new StartQueryCommand({ logGroupName: G, startTime: Math.floor(start / 1000), endTime: Math.ceil(Date.now() / 1000) + 60, queryString: 'fields @message | limit 5' }));
  await eventually('the query completes', async () => (await logs.send(new GetQueryResultsCommand({ queryId }))).status === 'Complete');

  await eventually('IngestedEvents counts the 3 events', async () => ((await stat('IngestedEvents', 'Sum')) ?? 0) >= before + 3);
  await eventually('IngestedBytes counts their bytes', async () => ((await stat('IngestedBytes', 'Sum')) ?? 0) >= beforeBytes + bytes);
  await eventually('a query duration is published', async () => ((await stat('QueryDuration', 'SampleCount')) ?? 0) >= 1);
  assert.ok(((await stat('IngestLatency', 'SampleCount')) ?? 0) >= 1, 'one latency sample per durable batch');
  assert.ok((await stat('IngestLatency', 'Minimum'))! >= 0);

  const listed = await cw.send(new ListMetricsCommand({ Namespace: 'Trailwatch' }));
  const names = new Set((listed.Metrics ?? []).map((m) => m.MetricName));
  for (const n of ['IngestedEvents', 'IngestedBytes', 'IngestLatency', 'QueryDuration', 'NotificationDeliveryFailures', 'NotificationsDeadLettered', 'NotificationOutboxDepth']) assert.ok(names.has(n), `${n} not in ListMetrics: ${[...names].join(', ')}`);
  assert.ok((listed.Metrics ?? []).every((m) => (m.Dimensions ?? []).length === 0));
  await eventually('RejectedEvents counts the 2 refused events', async () => ((await stat('RejectedEvents', 'Sum')) ?? 0) >= beforeRejected + 2);
  await eventually('StoreQueueBytes is sampled', async () => ((await stat('StoreQueueBytes', 'SampleCount')) ?? 0) >= 1);
});

test('a failing notification endpoint shows up in NotificationDeliveryFailures', async () => {
  // A real HTTP receiver that refuses every delivery; a `slack` subscription needs no confirmation.
  let hits = 0;
  const hook: Server = createServer((req, res) => { hits++; req.resume(); req.on('end', () => { res.writeHead(500); res.end('no'); }); });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  try {
    const before = (await stat('NotificationDeliveryFailures', 'Sum')) ?? 0;
    const aws = async (args: string[]) => {
      const r = await runAwsCli('/usr/bin/aws', srv.url, args);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout || '{}') as Record<string, string>;
    };
    const { TopicArn } = await aws(['sns', 'create-topic', '--name', 'self-metrics-test']);
    await aws(['sns', 'subscribe', '--topic-arn', TopicArn, '--protocol', 'slack', '--notification-endpoint', `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`]);
    await aws(['sns', 'publish', '--topic-arn', TopicArn, '--message', 'hello']);
    await eventually('the receiver is called', async () => hits >= 1);
    await eventually('the failed attempt is counted', async () => ((await stat('NotificationDeliveryFailures', 'Sum')) ?? 0) >= before + 1);
  } finally {
    hook.closeAllConnections();
    await new Promise<void>((r) => hook.close(() => r()));
  }
});

test('counters are published every interval, zero included', async () => {
  // With no traffic, IngestedEvents keeps getting datapoints (value 0) — "nothing happened" is data.
  const r0 = await cw.send(new GetMetricDataCommand({ StartTime: new Date(start), EndTime: new Date(Date.now() + 120_000), MetricDataQueries: [{ Id: 'n', MetricStat: { Metric: { Namespace: 'Trailwatch', MetricName: 'IngestedEvents' }, Period: 3600, Stat: 'SampleCount' } }] }));
  const n0 = (r0.MetricDataResults?.[0]?.Values ?? []).reduce((a, b) => a + b, 0);
  await eventually('more IngestedEvents samples arrive without traffic', async () => ((await stat('IngestedEvents', 'SampleCount')) ?? 0) >= n0 + 2);
});

test('the Trailwatch-health dashboard and the default alarms exist after start', async (t) => {
  if (!DASHBOARDS_LANDED) { t.skip('PutDashboard/GetDashboard are not on this server yet'); return; }
  const d = await cw.send(new GetDashboardCommand({ DashboardName: 'Trailwatch-health' }));
  const body = JSON.parse(d.DashboardBody!) as { widgets: Array<{ type: string; properties: { metrics?: unknown[][] } }> };
  const graphed = new Set(body.widgets.filter((w) => w.type === 'metric').flatMap((w) => w.properties.metrics!.map((m) => m[1] as string)));
  assert.deepEqual([...graphed].sort(), ['IngestLatency', 'IngestedBytes', 'IngestedEvents', 'NotificationDeliveryFailures', 'NotificationOutboxDepth', 'NotificationsDeadLettered', 'QueryDuration', 'RejectedEvents', 'StoreQueueBytes']);
  if (!ALARMS_LANDED) return;
  const a = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'Trailwatch-' }));
  const names = (a.MetricAlarms ?? []).map((x) => x.AlarmName).sort();
  // Only metrics this server publishes get an alarm.
  assert.deepEqual(names, ['Trailwatch-IngestLatencyHigh', 'Trailwatch-NotificationBacklog', 'Trailwatch-NotificationsDeadLettered', 'Trailwatch-RejectedEvents', 'Trailwatch-SlowQueries', 'Trailwatch-StoreQueueBacklog']);
  assert.ok((a.MetricAlarms ?? []).every((x) => x.Namespace === 'Trailwatch' && x.TreatMissingData === 'notBreaching'));
});

test('user edits of the health dashboard and alarms survive a restart (created only when absent)', async (t) => {
  if (!DASHBOARDS_LANDED) { t.skip('PutDashboard/GetDashboard are not on this server yet'); return; }
  const mine = JSON.stringify({ widgets: [{ type: 'text', x: 0, y: 0, width: 6, height: 3, properties: { markdown: '# mine' } }] });
  await cw.send(new PutDashboardCommand({ DashboardName: 'Trailwatch-health', DashboardBody: mine }));
  if (ALARMS_LANDED) {
    await cw.send(new PutMetricAlarmCommand({ AlarmName: 'Trailwatch-SlowQueries', Namespace: 'Trailwatch', MetricName: 'QueryDuration', Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1, Threshold: 42, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: ['arn:aws:sns:us-east-1:000000000000:mine'] }));
  }
  await srv.close();
  srv = await startTestServer({ dataDir, selfMetricsIntervalMs: 1000 });
  clients();
  const d = await cw.send(new GetDashboardCommand({ DashboardName: 'Trailwatch-health' }));
  assert.equal(d.DashboardBody, mine);
  if (!ALARMS_LANDED) return;
  const a = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['Trailwatch-SlowQueries'] }));
  assert.equal(a.MetricAlarms?.[0]?.Threshold, 42);
  assert.deepEqual(a.MetricAlarms?.[0]?.AlarmActions, ['arn:aws:sns:us-east-1:000000000000:mine']);
});
