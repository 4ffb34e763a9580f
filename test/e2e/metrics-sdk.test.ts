/**
 * CloudWatch metrics end to end with the AWS SDK for JavaScript v3 (@aws-sdk/client-cloudwatch):
 * its real serializer (AWS JSON 1.0, awsQueryCompatible), request compression, SigV4 signer,
 * paginators and error deserializer against an in-process Trailwatch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListMetricsCommand,
  MissingRequiredParameterException,
  PutMetricDataCommand,
  paginateGetMetricData,
  paginateListMetrics,
  type MetricDatum,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { rmSync } from 'node:fs';
import { spawnServer, startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/sdk-errors.js';

const MIN = 60_000;
let srv: TestServer;
let cw: CloudWatchClient;
const wire: Array<{ path: string; contentType?: string; target?: string; encoding?: string; queryMode?: string }> = [];

before(async () => {
  srv = await startTestServer();
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
  // Records what the SDK really puts on the wire (after compression and signing).
  cw.middlewareStack.add((next) => async (args) => {
    const r = args.request as { path: string; headers: Record<string, string> };
    wire.push({ path: r.path, contentType: r.headers['content-type'], target: r.headers['x-amz-target'], encoding: r.headers['content-encoding'], queryMode: r.headers['x-amzn-query-mode'] });
    return next(args);
  }, { step: 'finalizeRequest', name: 'recordWire' });
});
after(async () => {
  cw?.destroy();
  await srv?.cleanup();
});

/** A minute-aligned time `minutesAgo` minutes before now. */
const ago = (minutesAgo: number) => new Date(Math.floor(Date.now() / MIN) * MIN - minutesAgo * MIN);
let n = 0;
const ns = () => `SdkTest/${++n}/${Date.now()}`;

const rejects = rejectsWith;

describe('CloudWatch metrics with @aws-sdk/client-cloudwatch', () => {
  it('speaks AWS JSON 1.0 with awsQuery compatibility', async () => {
    await cw.send(new ListMetricsCommand({ Namespace: 'Nothing/Here' }));
    const last = wire[wire.length - 1];
    assert.equal(last.contentType, 'application/x-amz-json-1.0');
    assert.equal(last.target, 'GraniteServiceVersion20100801.ListMetrics');
    assert.equal(last.queryMode, 'true');
  });

  it('puts single values, statistic sets and value arrays, and reads them back', async () => {
    const namespace = ns();
    const t = ago(10);
    const dims = [{ Name: 'Service', Value: 'api' }, { Name: 'Stage', Value: 'prod' }];
    await cw.send(new PutMetricDataCommand({
      Namespace: namespace,
      MetricData: [
        { MetricName: 'Latency', Dimensions: dims, Timestamp: t, Value: 10, Unit: 'Milliseconds' },
        { MetricName: 'Latency', Dimensions: [...dims].reverse(), Timestamp: new Date(t.getTime() + 5000), Values: [20, 30, 40], Counts: [1, 2, 1], Unit: 'Milliseconds' },
        { MetricName: 'Latency', Dimensions: dims, Timestamp: new Date(t.getTime() + MIN), StatisticValues: { SampleCount: 4, Sum: 100, Minimum: 5, Maximum: 50 }, Unit: 'Milliseconds' },
        { MetricName: 'Latency', Dimensions: [dims[0]], Timestamp: t, Value: 999, Unit: 'Milliseconds' },
      ],
    }));
    const r = await cw.send(new GetMetricStatisticsCommand({
      Namespace: namespace, MetricName: 'Latency', Dimensions: dims, StartTime: ago(15), EndTime: ago(-1), Period: 60,
      Statistics: ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'], ExtendedStatistics: ['p50', 'p99.9'],
    }));
    assert.equal(r.Label, 'Latency');
    const dps = [...(r.Datapoints ?? [])].sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());
    assert.equal(dps.length, 2, 'the metric with only one of the dimensions is a different metric');
    assert.deepEqual(dps[0], { Timestamp: t, SampleCount: 5, Sum: 130, Average: 26, Minimum: 10, Maximum: 40, Unit: 'Milliseconds', ExtendedStatistics: { p50: 30, 'p99.9': 40 } });
    // A statistic set with different min and max has no percentiles.
    assert.deepEqual(dps[1], { Timestamp: new Date(t.getTime() + MIN), SampleCount: 4, Sum: 100, Average: 25, Minimum: 5, Maximum: 50, Unit: 'Milliseconds' });
  });

  it('filters by unit and returns one datapoint per unit otherwise', async () => {
    const namespace = ns();
    const t = ago(5);
    await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [
      { MetricName: 'Size', Timestamp: t, Value: 1, Unit: 'Bytes' },
      { MetricName: 'Size', Timestamp: t, Value: 2, Unit: 'Kilobytes' },
      { MetricName: 'Size', Timestamp: t, Value: 3 },
    ] }));
    const all = await cw.send(new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: 'Size', StartTime: ago(6), EndTime: ago(-1), Period: 300, Statistics: ['Sum'] }));
    assert.deepEqual(all.Datapoints!.map((d) => `${d.Unit}=${d.Sum}`).sort(), ['Bytes=1', 'Kilobytes=2', 'None=3']);
    const kb = await cw.send(new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: 'Size', StartTime: ago(6), EndTime: ago(-1), Period: 300, Statistics: ['Sum'], Unit: 'Kilobytes' }));
    assert.deepEqual(kb.Datapoints!.map((d) => `${d.Unit}=${d.Sum}`), ['Kilobytes=2']);
  });

  it('accepts a gzip-compressed PutMetricData of 1,000 datums (request compression)', async () => {
    const namespace = ns();
    const t = ago(3);
    const data: MetricDatum[] = Array.from({ length: 1000 }, (_, i) => ({ MetricName: `M${i % 600}`, Dimensions: [{ Name: 'Shard', Value: String(i % 600) }], Timestamp: t, Value: i, StorageResolution: i % 2 ? 1 : 60 }));
    await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
    const put = wire.filter((w) => w.target?.endsWith('.PutMetricData')).pop()!;
    assert.equal(put.encoding, 'gzip', 'the SDK compresses bodies over 10 KB for PutMetricData');
    // 600 metrics: ListMetrics pages at 500.
    const pages: number[] = [];
    const names = new Set<string>();
    for await (const page of paginateListMetrics({ client: cw }, { Namespace: namespace })) {
      pages.push(page.Metrics!.length);
      for (const m of page.Metrics!) names.add(`${m.MetricName}/${m.Dimensions![0].Value}`);
    }
    assert.deepEqual(pages, [500, 100]);
    assert.equal(names.size, 600);
    const filtered = await cw.send(new ListMetricsCommand({ Namespace: namespace, MetricName: 'M7', Dimensions: [{ Name: 'Shard' }] }));
    assert.deepEqual(filtered.Metrics, [{ Namespace: namespace, MetricName: 'M7', Dimensions: [{ Name: 'Shard', Value: '7' }] }]);
    const none = await cw.send(new ListMetricsCommand({ Namespace: namespace, Dimensions: [{ Name: 'Shard', Value: 'x' }] }));
    assert.deepEqual(none.Metrics, []);
    const recent = await cw.send(new ListMetricsCommand({ Namespace: namespace, MetricName: 'M7', RecentlyActive: 'PT3H', IncludeLinkedAccounts: true }));
    assert.equal(recent.Metrics!.length, 1);
    assert.deepEqual(recent.OwningAccounts, ['000000000000']);
  });

  it('answers GetMetricData with metric math, labels, ScanBy and paging', async () => {
    const namespace = ns();
    const data: MetricDatum[] = [];
    for (let i = 0; i < 6; i++) {
      data.push({ MetricName: 'Requests', Timestamp: ago(10 - i), Value: 100 + i * 10, Unit: 'Count' });
      if (i !== 2) data.push({ MetricName: 'Errors', Timestamp: ago(10 - i), Value: i, Unit: 'Count' });
    }
    await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
    const stat = (id: string, name: string, stat = 'Sum'): MetricDataQuery => ({ Id: id, MetricStat: { Metric: { Namespace: namespace, MetricName: name }, Period: 60, Stat: stat }, ReturnData: false });
    const queries: MetricDataQuery[] = [
      stat('requests', 'Requests'), stat('errors', 'Errors'),
      { Id: 'rate', Expression: 'errors / requests * 100', Label: 'Error rate (max ${MAX})' },
      { Id: 'filled', Expression: 'FILL(errors, 0)' },
      { Id: 'total', Expression: 'SUM(METRICS())', Label: 'Total' },
      { Id: 'big', Expression: 'IF(requests > 120, requests)' },
      { Id: 'growth', Expression: 'RATE(requests) * 60' },
      { Id: 'all', Expression: 'METRICS()', Label: 'Each' },
    ];
    const r = await cw.send(new GetMetricDataCommand({ StartTime: ago(10), EndTime: ago(4), MetricDataQueries: queries, ScanBy: 'TimestampAscending' }));
    const by = (id: string) => r.MetricDataResults!.filter((x) => x.Id === id);
    const ts = [...Array(6).keys()].map((i) => ago(10 - i));
    assert.deepEqual(by('filled')[0].Values, [0, 1, 0, 3, 4, 5]);
    assert.deepEqual(by('filled')[0].Timestamps, ts);
    assert.equal(by('filled')[0].Label, 'filled');
    assert.equal(by('filled')[0].StatusCode, 'Complete');
    assert.deepEqual(by('rate')[0].Values, [0, 1 / 110 * 100, 0, 3 / 130 * 100, 4 / 140 * 100, 5 / 150 * 100]);
    assert.equal(by('rate')[0].Label, 'Error rate (max 3.33)');
    assert.deepEqual(by('total')[0].Values, [100, 111, 120, 133, 144, 155]);
    assert.deepEqual(by('big')[0].Values, [130, 140, 150]);
    assert.deepEqual(by('growth')[0].Values, [10, 10, 10, 10, 10]);
    assert.deepEqual(by('all').map((x) => x.Label), ['Each Requests', 'Each Errors']);
    assert.ok(!by('requests').length, 'ReturnData=false is not returned');

    // Descending by default; MaxDatapoints pages through whole timestamps.
    const desc = await cw.send(new GetMetricDataCommand({ StartTime: ago(10), EndTime: ago(4), MetricDataQueries: [{ ...queries[0], ReturnData: true }] }));
    assert.deepEqual(desc.MetricDataResults![0].Values, [150, 140, 130, 120, 110, 100]);
    const values: number[] = [];
    let pages = 0;
    for await (const page of paginateGetMetricData({ client: cw }, { StartTime: ago(10), EndTime: ago(4), MaxDatapoints: 4, MetricDataQueries: [{ ...queries[0], ReturnData: true }, { ...queries[1], ReturnData: true }] })) {
      pages++;
      values.push(...page.MetricDataResults![0].Values!);
      if (page.NextToken) assert.equal(page.MetricDataResults![0].StatusCode, 'PartialData');
    }
    assert.equal(pages, 3);
    assert.deepEqual(values, [150, 140, 130, 120, 110, 100]);
  });

  it('supports SEARCH, percentiles and dynamic labels with a timezone', async () => {
    const namespace = ns();
    const t = ago(3);
    await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [
      { MetricName: 'CPU', Dimensions: [{ Name: 'Host', Value: 'web-1' }], Timestamp: t, Values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      { MetricName: 'CPU', Dimensions: [{ Name: 'Host', Value: 'web-2' }], Timestamp: t, Value: 50 },
      { MetricName: 'Disk', Dimensions: [{ Name: 'Host', Value: 'web-1' }], Timestamp: t, Value: 7 },
    ] }));
    const r = await cw.send(new GetMetricDataCommand({
      StartTime: ago(5), EndTime: ago(0), LabelOptions: { Timezone: '+0130' },
      MetricDataQueries: [
        { Id: 's', Expression: `SEARCH('{${namespace},Host} MetricName="CPU"', 'p90', 60)`, Label: "${PROP('Dim.Host')} at ${MAX_TIME}" },
        { Id: 'top', Expression: `SUM(SEARCH('{${namespace},Host} CPU', 'Maximum', 60))` },
      ],
    }));
    const s = r.MetricDataResults!.filter((x) => x.Id === 's');
    const expectTime = new Date(t.getTime() + 90 * MIN).toISOString().replace(/\.\d{3}Z$/, '+01:30');
    assert.deepEqual(s.map((x) => [x.Label, x.Values]), [[`web-1 at ${expectTime}`, [9]], [`web-2 at ${expectTime}`, [50]]]);
    assert.deepEqual(r.MetricDataResults!.find((x) => x.Id === 'top')!.Values, [60]);
  });

  it('answers errors with the modeled exception classes, codes and statuses', async () => {
    const namespace = ns();
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: 'AWS/EC2', MetricData: [{ MetricName: 'x', Value: 1 }] })), InvalidParameterValueException, 'InvalidParameterValue', /AWS\/EC2 for parameter Namespace is invalid/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'x', Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }] })), InvalidParameterCombinationException, 'InvalidParameterCombination', /MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [] })), MissingRequiredParameterException, 'MissingParameter', /The parameter MetricData is required/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ Value: 1 } as MetricDatum] })), MissingRequiredParameterException, 'MissingParameter', /MetricData.member.1.MetricName is required/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'x', Value: NaN }] })), InvalidParameterValueException, 'InvalidParameterValue', /The value NaN for parameter MetricData.member.1.Value is invalid/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'x', Value: 2 ** 361 }] })), InvalidParameterValueException, 'InvalidParameterValue', /MetricData.member.1.Value is invalid/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'x', Value: 1, Timestamp: new Date(Date.now() - 15 * 86_400_000) }] })), InvalidParameterValueException, 'InvalidParameterValue', /within the past two weeks/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'x', Values: [1, 2], Counts: [1] }] })), InvalidParameterCombinationException, 'InvalidParameterCombination', /must be of the same size/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'x', Value: 1, StorageResolution: 30 }] })), InvalidParameterValueException, 'InvalidParameterValue', /StorageResolution/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'x', Value: 1, Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' })) }] })), InvalidParameterValueException, 'InvalidParameterValue', /must not have a size greater than 30/);
    await rejects(cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: Array.from({ length: 1001 }, () => ({ MetricName: 'x', Value: 1 })) })), InvalidParameterValueException, 'InvalidParameterValue', /must not have a size greater than 1000/);
    await rejects(cw.send(new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: 'x', StartTime: ago(2000), EndTime: ago(0), Period: 60, Statistics: ['Sum'] })), InvalidParameterCombinationException, 'InvalidParameterCombination', /You have requested up to 2,000 datapoints, which exceeds the limit of 1,440/);
    await rejects(cw.send(new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: 'x', StartTime: ago(20), EndTime: ago(0), Period: 90, Statistics: ['Sum'] })), InvalidParameterValueException, 'InvalidParameterValue', /Period must be/);
    await rejects(cw.send(new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: 'x', StartTime: ago(20), EndTime: ago(0), Period: 60 })), InvalidParameterCombinationException, 'InvalidParameterCombination', /Statistics or ExtendedStatistics/);
    await rejects(cw.send(new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: 'x', StartTime: ago(20), EndTime: ago(0), Period: 60, ExtendedStatistics: ['p101'] })), InvalidParameterValueException, 'InvalidParameterValue', /p101/);
    await rejects(cw.send(new GetMetricDataCommand({ StartTime: ago(20), EndTime: ago(0), NextToken: 'bogus', MetricDataQueries: [{ Id: 'e', Expression: 'TIME_SERIES(1)' }] })), InvalidNextToken, 'InvalidNextToken', /NextToken is invalid/);
    await rejects(cw.send(new GetMetricDataCommand({ StartTime: ago(20), EndTime: ago(0), MetricDataQueries: [{ Id: 'e', Expression: 'm1 +' }] })), InvalidParameterValueException, 'InvalidParameterValue', /Error in expression e: Unexpected end of expression/);
    await rejects(cw.send(new GetMetricDataCommand({ StartTime: ago(20), EndTime: ago(0), MetricDataQueries: [{ Id: 'a', Expression: 'b + 1' }, { Id: 'b', Expression: 'a * 2' }] })), InvalidParameterValueException, 'InvalidParameterValue', /Circular reference/);
    await rejects(cw.send(new GetMetricDataCommand({ StartTime: ago(20), EndTime: ago(0), MetricDataQueries: [{ Id: 'Bad', Expression: 'TIME_SERIES(1)' }] })), InvalidParameterValueException, 'InvalidParameterValue', /Bad for parameter MetricDataQueries.member.1.Id/);
  });

  it('refuses bad credentials', async () => {
    const bad = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: { ...TEST_KEY, secretAccessKey: 'wrong' }, maxAttempts: 1 });
    try {
      await assert.rejects(bad.send(new ListMetricsCommand({})), (e: Error & { $metadata: { httpStatusCode?: number } }) => {
        assert.equal(e.name, 'InvalidSignatureException');
        assert.match(e.message, /signature we calculated does not match/);
        assert.equal(e.$metadata.httpStatusCode, 400);
        return true;
      });
    } finally {
      bad.destroy();
    }
  });
});

describe('durability', () => {
  it('acknowledged PutMetricData survives kill -9 of server and engine', { timeout: 180_000 }, async () => {
    const dataDir = tempDir('tw-metrics-durability-');
    let proc = await spawnServer(dataDir);
    let c = new CloudWatchClient({ endpoint: proc.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
    const namespace = 'Durability';
    const t = ago(2);
    const acked: number[] = [];
    let next = 0;
    let stop = false;
    const writers = [0, 1, 2, 3].map(async () => {
      while (!stop) {
        const batch = next++;
        try {
          await c.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: Array.from({ length: 20 }, (_, i) => ({ MetricName: 'Work', Dimensions: [{ Name: 'Batch', Value: String(batch) }], Timestamp: t, Value: i })) }));
          acked.push(batch);
        } catch {
          return;
        }
      }
    });
    while (acked.length < 30) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    process.kill(proc.child.pid!, 'SIGKILL');
    if (proc.enginePid) { try { process.kill(proc.enginePid, 'SIGKILL'); } catch { /* gone with its parent */ } }
    await Promise.all(writers);
    c.destroy();
    await new Promise((r) => proc.child.once('exit', r));
    proc = await spawnServer(dataDir);
    c = new CloudWatchClient({ endpoint: proc.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
    try {
      for (const batch of acked) {
        const r = await c.send(new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: 'Work', Dimensions: [{ Name: 'Batch', Value: String(batch) }], StartTime: ago(5), EndTime: ago(-1), Period: 300, Statistics: ['SampleCount', 'Sum'] }));
        assert.deepEqual(r.Datapoints!.map((d) => [d.SampleCount, d.Sum]), [[20, 190]], `batch ${batch}`);
      }
      const listed = await c.send(new ListMetricsCommand({ Namespace: namespace }));
      assert.ok(listed.Metrics!.length >= acked.length, 'the catalog survived too');
    } finally {
      c.destroy();
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
