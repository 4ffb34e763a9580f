/**
 * Imported events go through the same post-append processors as API ingest: a metric filter on a
 * CloudTrail log group counts matching events of trail files imported after it was created (and,
 * as in AWS, not of events that arrived before it existed). This is how the CIS alarms see trails
 * that reach Trailwatch as files rather than through PutLogEvents.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { ACCOUNTS, REGIONS, cloudTrailFile, writeFiles } from '../fixtures/import/aws-logs.js';
import { TOKEN, countRows, importCli } from '../fixtures/import/helpers.js';

let srv: TestServer | undefined;
after(async () => { await srv?.cleanup(); });

async function logs(url: string, op: string, body: Record<string, unknown>): Promise<void> {
  const r = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${op}` }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.text());
}

test('a metric filter on a CloudTrail group counts the events of trail files imported after it', { timeout: 180_000 }, async () => {
  srv = await startTestServer();
  const account = ACCOUNTS[0];
  const group = `/aws/cloudtrail/${account}`;
  const now = Date.now();
  const first = tempDir('tw-import-proc-a-');
  const second = tempDir('tw-import-proc-b-');
  writeFiles(first, [cloudTrailFile(account, REGIONS[0], now - 3_600_000, 300, 'proc-a')]);
  writeFiles(second, [cloudTrailFile(account, REGIONS[0], now - 1_800_000, 300, 'proc-b'), cloudTrailFile(account, REGIONS[1], now - 1_800_000, 200, 'proc-c')]);

  await importCli(srv.url, [first]);
  const before = await countRows(srv.store, 'events_cloudtrail', `log_group = '${group}' AND event_name = 'CreateUser'`);
  assert.ok(before > 0, 'the fixture has CreateUser events');
  await logs(srv.url, 'PutMetricFilter', {
    logGroupName: group, filterName: 'create-user', filterPattern: '{ $.eventName = "CreateUser" }',
    metricTransformations: [{ metricName: 'CreateUserCount', metricNamespace: 'ImportTest', metricValue: '1' }],
  });
  const s = await importCli(srv.url, [second]);
  assert.equal(s.objects.imported, 2);
  const afterCount = await countRows(srv.store, 'events_cloudtrail', `log_group = '${group}' AND event_name = 'CreateUser'`);
  assert.ok(afterCount > before);

  const series = srv.metrics.findSeries('ImportTest', 'CreateUserCount', []);
  assert.ok(series, 'the metric filter produced a metric');
  const agg = await srv.metrics.aggregate({ seriesIds: [series.id], start: now - 86_400_000, end: now + 60_000, periodSec: 86_400 });
  const total = agg.reduce((n, a) => n + a.sum, 0);
  // Exactly the second import's matches: events stored before the filter existed are not back-filled.
  assert.equal(total, afterCount - before);

  // Importing the same objects again stores nothing and counts nothing.
  const again = await importCli(srv.url, [second]);
  assert.equal(again.objects.imported, 0);
  const agg2 = await srv.metrics.aggregate({ seriesIds: [series.id], start: now - 86_400_000, end: now + 60_000, periodSec: 86_400 });
  assert.equal(agg2.reduce((n, a) => n + a.sum, 0), total);
});
