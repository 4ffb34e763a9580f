/**
 * GetMetricData over many metrics at once with the AWS SDK for JavaScript v3: the MetricStats are
 * fetched together (one engine scan per period and statistic kind) and later pages are cut from the
 * first page's snapshot, so this checks that the answers are what AWS documents and what the
 * single-metric path gives — each result equals GetMetricStatistics for its metric (CloudWatch API
 * reference, GetMetricData / GetMetricStatistics), and paging with MaxDatapoints returns every
 * datapoint exactly once, whole timestamps per page, PartialData until the last page (aws-facts.md §4.4).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand, PutMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';

const MIN = 60_000;
let srv: TestServer;
let cw: CloudWatchClient;
const end = Math.floor(Date.now() / MIN) * MIN - 5 * MIN;
const start = end - 40 * MIN;
const HOSTS = Array.from({ length: 24 }, (_, i) => `host-${i}`);
const STATS = ['Average', 'Sum', 'SampleCount', 'Minimum', 'Maximum', 'p90'];

before(async () => {
  srv = await startTestServer();
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  // 24 metrics, 40 minutes, with gaps, several datums per minute, statistic sets and value lists.
  for (let m = 0; m < 40; m++) {
    const MetricData = HOSTS.flatMap((h, k) => {
      if ((m + k) % 6 === 0) return [];
      const Timestamp = new Date(start + m * MIN + 1000);
      const dims = [{ Name: 'Host', Value: h }];
      return [
        { MetricName: 'Latency', Dimensions: dims, Timestamp, Value: (m * 7 + k) % 50 },
        { MetricName: 'Latency', Dimensions: dims, Timestamp, Values: [1, 2, k + 0.5], Counts: [2, 1, 3] },
        ...(m % 4 === 0 ? [{ MetricName: 'Latency', Dimensions: dims, Timestamp, StatisticValues: { SampleCount: 4, Sum: 40, Minimum: 10, Maximum: 10 } }] : []),
      ];
    });
    await cw.send(new PutMetricDataCommand({ Namespace: 'Batch', MetricData }));
  }
});
after(async () => { cw?.destroy(); await srv?.cleanup(); });

const queries: MetricDataQuery[] = HOSTS.map((h, i) => ({
  Id: `q${i}`,
  MetricStat: { Metric: { Namespace: 'Batch', MetricName: 'Latency', Dimensions: [{ Name: 'Host', Value: h }] }, Period: 60, Stat: STATS[i % STATS.length] },
}));

async function allPages(o: { MaxDatapoints?: number; ScanBy?: 'TimestampAscending' | 'TimestampDescending' }): Promise<{ pages: MetricDataResult[][]; merged: Map<string, Array<[number, number]>> }> {
  const pages: MetricDataResult[][] = [];
  const merged = new Map<string, Array<[number, number]>>();
  let NextToken: string | undefined;
  do {
    const r = await cw.send(new GetMetricDataCommand({ StartTime: new Date(start), EndTime: new Date(end), MetricDataQueries: queries, NextToken, ...o }));
    pages.push(r.MetricDataResults!);
    for (const res of r.MetricDataResults!) {
      const list = merged.get(res.Id!) ?? [];
      res.Timestamps!.forEach((t, i) => list.push([t.getTime(), res.Values![i]]));
      merged.set(res.Id!, list);
    }
    NextToken = r.NextToken;
  } while (NextToken);
  return { pages, merged };
}

describe('GetMetricData over many metrics', () => {
  it('gives every MetricStat what GetMetricStatistics gives its metric', async () => {
    const { pages, merged } = await allPages({ ScanBy: 'TimestampAscending' });
    assert.equal(pages.length, 1);
    for (const [i, h] of HOSTS.entries()) {
      const stat = STATS[i % STATS.length];
      const extended = stat.startsWith('p');
      const r = await cw.send(new GetMetricStatisticsCommand({ Namespace: 'Batch', MetricName: 'Latency', Dimensions: [{ Name: 'Host', Value: h }], StartTime: new Date(start), EndTime: new Date(end), Period: 60, ...(extended ? { ExtendedStatistics: [stat] } : { Statistics: [stat as 'Sum'] }) }));
      const expected = r.Datapoints!.map((d) => [d.Timestamp!.getTime(), extended ? d.ExtendedStatistics?.[stat] : (d as Record<string, unknown>)[stat] as number] as [number, number | undefined])
        .filter(([, v]) => v !== undefined).sort((a, b) => a[0] - b[0]);
      assert.ok(expected.length > 20, `${h} has datapoints`);
      assert.deepEqual(merged.get(`q${i}`), expected, `q${i} (${stat}) equals GetMetricStatistics`);
    }
  });

  it('pages through whole timestamps in both scan orders, every datapoint once', async () => {
    const full = (await allPages({ ScanBy: 'TimestampAscending' })).merged;
    for (const ScanBy of ['TimestampAscending', 'TimestampDescending'] as const) {
      const { pages, merged } = await allPages({ ScanBy, MaxDatapoints: 50 });
      assert.ok(pages.length > 5, `${ScanBy}: several pages`);
      pages.forEach((p, n) => {
        for (const r of p) assert.equal(r.StatusCode, n < pages.length - 1 ? 'PartialData' : 'Complete');
        const points = p.reduce((a, r) => a + r.Values!.length, 0);
        assert.ok(points <= 50 || new Set(p.flatMap((r) => r.Timestamps!.map((t) => t.getTime()))).size === 1, 'a page exceeds MaxDatapoints only with a single timestamp');
      });
      // Timestamps never straddle pages: a timestamp's datapoints are all on one page.
      const pageOf = new Map<number, number>();
      pages.forEach((p, n) => p.forEach((r) => r.Timestamps!.forEach((t) => {
        const prev = pageOf.get(t.getTime());
        assert.ok(prev === undefined || prev === n, 'one page per timestamp');
        pageOf.set(t.getTime(), n);
      })));
      for (const [id, pts] of full) {
        const got = [...(merged.get(id) ?? [])].sort((a, b) => a[0] - b[0]);
        assert.deepEqual(got, pts, `${ScanBy}: ${id} complete`);
      }
    }
  });
});
