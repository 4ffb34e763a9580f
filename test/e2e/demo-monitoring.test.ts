/**
 * `serve --demo` sets up monitoring the way a user would: an SNS topic and the CIS pack on the demo CloudTrail
 * group, whose metric filters count the demo week as it is stored; the alarms and the dashboard exist.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';
import { CLOUDTRAIL_GROUP } from '../../src/demo/common.js';
import { CIS_DASHBOARD_NAME } from '../../src/packs/cis.js';
import { DEMO_TOPIC } from '../../src/app/demo-monitoring.js';

let srv: TestServer | undefined;
after(async () => { await srv?.cleanup(); });

test('the demo installs the CIS pack before storing its CloudTrail week, so the CIS metrics count it', { timeout: 300_000 }, async () => {
  srv = await startTestServer({ demo: true });
  const cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  const alarms = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'CIS-', MaxRecords: 100 }));
  assert.equal(alarms.MetricAlarms?.length, 15);
  for (const a of alarms.MetricAlarms ?? []) assert.match(a.AlarmActions?.[0] ?? '', new RegExp(`:${DEMO_TOPIC}$`));
  const dash = await cw.send(new GetDashboardCommand({ DashboardName: CIS_DASHBOARD_NAME }));
  assert.ok(dash.DashboardBody?.includes(CLOUDTRAIL_GROUP) || dash.DashboardBody?.includes('LogMetrics'));
  // The demo week has CIS-relevant events (unauthorized calls, console sign-ins…): some CIS metric counted them.
  const metrics = await cw.send(new ListMetricsCommand({ Namespace: 'LogMetrics' }));
  assert.ok((metrics.Metrics?.length ?? 0) > 0, 'metric filters produced metrics');
  let total = 0;
  const end = new Date();
  const start = new Date(end.getTime() - 8 * 86_400_000);
  for (const m of metrics.Metrics ?? []) {
    const s = await cw.send(new GetMetricStatisticsCommand({ Namespace: 'LogMetrics', MetricName: m.MetricName, StartTime: start, EndTime: end, Period: 86_400, Statistics: ['Sum'] }));
    total += (s.Datapoints ?? []).reduce((n, d) => n + (d.Sum ?? 0), 0);
  }
  assert.ok(total > 0);
  cw.destroy();
});
