/**
 * CloudWatch anomaly detection end to end with the AWS SDK for JavaScript v3
 * (@aws-sdk/client-cloudwatch) against an in-process Trailwatch: PutAnomalyDetector,
 * DescribeAnomalyDetectors, DeleteAnomalyDetector and ANOMALY_DETECTION_BAND in GetMetricData.
 * Oracles: the API reference pages of the three operations (parameters, errors, the 10 excluded
 * ranges, MaxResults ≤ 100, AnomalyDetectorTypes defaulting to SINGLE_METRIC), the quota page
 * (500 models per account) and the user guide (CloudWatch_Anomaly_Detection.html,
 * Create_Anomaly_Detection_Alarm.html: an alarm creates its missing model; using-metric-math.html:
 * ANOMALY_DETECTION_BAND(m1, k), LAST(...) is the lower bound).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchClient,
  DeleteAnomalyDetectorCommand,
  DescribeAnomalyDetectorsCommand,
  GetMetricDataCommand,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  LimitExceededException,
  MissingRequiredParameterException,
  PutAnomalyDetectorCommand,
  PutMetricDataCommand,
  ResourceNotFoundException,
  paginateDescribeAnomalyDetectors,
  type AnomalyDetector,
  type MetricDatum,
  type PutAnomalyDetectorCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { spawnServer, startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { score, syntheticSeries } from '../../src/metrics/anomaly/synthetic.js';
import { AnomalyDetectorService } from '../../src/metrics/anomaly/service.js';
import { parseExpression } from '../../src/metrics/math/parser.js';
import type { Query } from '../../src/metrics/metric-data.js';
import type { AppDeps } from '../../src/app/deps.js';

const P = 300;
let srv: TestServer;
let cw: CloudWatchClient;

before(async () => {
  srv = await startTestServer();
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
});
after(async () => {
  cw?.destroy();
  await srv?.cleanup();
});

let n = 0;
const ns = () => `AnomalySdk/${++n}/${Date.now()}`;
/** The current 5-minute boundary. */
const now5 = () => Math.floor(Date.now() / (P * 1000)) * P * 1000;

const rejects = rejectsWith;

async function putValues(namespace: string, metricName: string, dims: Array<{ Name: string; Value: string }>, ts: number[], vs: ArrayLike<number>): Promise<void> {
  const data: MetricDatum[] = ts.map((t, i) => ({ MetricName: metricName, Dimensions: dims, Timestamp: new Date(t), Value: vs[i] }));
  for (let i = 0; i < data.length; i += 500) await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 500) }));
}

async function describeAll(input: ConstructorParameters<typeof DescribeAnomalyDetectorsCommand>[0] = {}): Promise<AnomalyDetector[]> {
  const out: AnomalyDetector[] = [];
  for await (const page of paginateDescribeAnomalyDetectors({ client: cw }, input)) out.push(...(page.AnomalyDetectors ?? []));
  return out;
}

/** Polls DescribeAnomalyDetectors until the detector has left PENDING_TRAINING (training runs in the background). */
async function settledState(namespace: string, types?: Array<'SINGLE_METRIC' | 'METRIC_MATH'>): Promise<string | undefined> {
  for (let i = 0; i < 200; i++) {
    const ds = (await describeAll({ Namespace: namespace, AnomalyDetectorTypes: types })).filter((d) => JSON.stringify(d).includes(namespace));
    const s = ds[0]?.StateValue;
    if (s && s !== 'PENDING_TRAINING') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

describe('anomaly detectors with @aws-sdk/client-cloudwatch', () => {
  it('PutAnomalyDetector (SingleMetricAnomalyDetector) is described back with its configuration and trains', async () => {
    const namespace = ns();
    const end = now5();
    const s = syntheticSeries({ seed: 21, start: end - 2 * 86_400_000, periodSec: P, points: 2 * 288, dailyAmplitude: 20, noiseSd: 2 });
    await putValues(namespace, 'Latency', [{ Name: 'Service', Value: 'api' }], s.timestamps, s.values);
    const excluded = { StartTime: new Date(end - 3 * 3_600_000), EndTime: new Date(end - 2 * 3_600_000) };
    await cw.send(new PutAnomalyDetectorCommand({
      SingleMetricAnomalyDetector: { Namespace: namespace, MetricName: 'Latency', Dimensions: [{ Name: 'Service', Value: 'api' }], Stat: 'p90' },
      Configuration: { ExcludedTimeRanges: [excluded], MetricTimezone: 'Europe/Paris', AdaptationSpeed: 'SLOW' },
      MetricCharacteristics: { PeriodicSpikes: true },
    }));
    const [d] = await describeAll({ Namespace: namespace });
    const single = { Namespace: namespace, MetricName: 'Latency', Dimensions: [{ Name: 'Service', Value: 'api' }], Stat: 'p90' };
    assert.deepEqual(d.SingleMetricAnomalyDetector, single);
    assert.equal(d.Namespace, namespace, 'the deprecated top-level members are filled too');
    assert.equal(d.Stat, 'p90');
    assert.deepEqual(d.Configuration, { ExcludedTimeRanges: [excluded], MetricTimezone: 'Europe/Paris', AdaptationSpeed: 'SLOW' });
    assert.deepEqual(d.MetricCharacteristics, { PeriodicSpikes: true });
    assert.ok(['PENDING_TRAINING', 'TRAINED'].includes(d.StateValue!), d.StateValue);
    assert.equal(await settledState(namespace), 'TRAINED');
    // Putting the same metric and statistic again replaces the configuration (still one detector).
    await cw.send(new PutAnomalyDetectorCommand({ SingleMetricAnomalyDetector: { ...single, Dimensions: [...single.Dimensions] } }));
    const again = await describeAll({ Namespace: namespace });
    assert.equal(again.length, 1);
    assert.deepEqual(again[0].Configuration, { ExcludedTimeRanges: [] });
    assert.equal(again[0].MetricCharacteristics, undefined);
  });

  it('GetMetricData: ANOMALY_DETECTION_BAND(m1, 3) contains the normal points and flags the injected ones', async () => {
    const namespace = ns();
    const end = now5();
    const days = 4;
    const points = days * 288;
    // Anomalies only in the last 6 hours, the range read back.
    const s = syntheticSeries({ seed: 22, start: end - points * P * 1000, periodSec: P, points, dailyAmplitude: 30, trendPerDay: 3, noiseSd: 3, anomalies: 8, anomaliesFrom: points - 72, minSigmas: 8, maxSigmas: 12 });
    await putValues(namespace, 'Requests', [], s.timestamps, s.values);
    await cw.send(new PutAnomalyDetectorCommand({ SingleMetricAnomalyDetector: { Namespace: namespace, MetricName: 'Requests', Stat: 'Average' } }));
    const r = await cw.send(new GetMetricDataCommand({
      StartTime: new Date(end - 72 * P * 1000), EndTime: new Date(end), ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        { Id: 'm1', MetricStat: { Metric: { Namespace: namespace, MetricName: 'Requests' }, Period: P, Stat: 'Average' } },
        { Id: 'ad1', Expression: 'ANOMALY_DETECTION_BAND(m1, 3)' },
        { Id: 'lower', Expression: 'LAST(ANOMALY_DETECTION_BAND(m1, 3))', ReturnData: true },
      ],
    }));
    const res = r.MetricDataResults!;
    assert.deepEqual(res.map((x) => [x.Id, x.Label]), [['m1', 'Requests'], ['ad1', 'Requests Upper Bound'], ['ad1', 'Requests Lower Bound'], ['lower', 'lower']]);
    const [m1, upper, lower, last] = res;
    assert.equal(m1.Values!.length, 72);
    assert.deepEqual(upper.Timestamps, m1.Timestamps, 'the band has a value wherever the metric has one');
    assert.deepEqual(last.Values, lower.Values, 'LAST(...) is the lower bound');
    for (let i = 0; i < 72; i++) assert.ok(upper.Values![i] > lower.Values![i]);
    const offset = points - 72;
    const values = Array.from(s.values).slice(offset);
    const anomalies = new Set([...s.anomalies].map((i) => i - offset));
    const sc = score(values, upper.Values!, lower.Values!, anomalies);
    assert.ok(sc.recall >= 0.85, `recall ${sc.recall}`);
    assert.ok(sc.precision >= 0.8, `precision ${sc.precision}`);
    assert.ok(sc.normalInside >= 0.95, `normal points inside ${sc.normalInside}`);
  });

  it('ANOMALY_DETECTION_BAND on a metric without a detector creates it; too little history gives an empty band', async () => {
    const namespace = ns();
    const end = now5();
    await putValues(namespace, 'Few', [], [end - 2 * P * 1000, end - P * 1000], [1, 2]);
    const r = await cw.send(new GetMetricDataCommand({
      StartTime: new Date(end - 3_600_000), EndTime: new Date(end),
      MetricDataQueries: [
        { Id: 'm1', MetricStat: { Metric: { Namespace: namespace, MetricName: 'Few' }, Period: P, Stat: 'Sum' } },
        { Id: 'ad1', Expression: 'ANOMALY_DETECTION_BAND(m1)' },
      ],
    }));
    assert.deepEqual(r.MetricDataResults!.map((x) => [x.Id, x.Values!.length]), [['m1', 2], ['ad1', 0], ['ad1', 0]]);
    const ds = await describeAll({ Namespace: namespace });
    assert.deepEqual(ds.map((d) => [d.MetricName, d.Stat, d.StateValue]), [['Few', 'Sum', 'TRAINED_INSUFFICIENT_DATA']]);
  });

  it('the deprecated top-level form, filters and DeleteAnomalyDetector', async () => {
    const namespace = ns();
    const put = (input: PutAnomalyDetectorCommandInput) => cw.send(new PutAnomalyDetectorCommand(input));
    await put({ Namespace: namespace, MetricName: 'CPU', Dimensions: [{ Name: 'Host', Value: 'a' }, { Name: 'Az', Value: '1' }], Stat: 'Average' });
    await put({ Namespace: namespace, MetricName: 'CPU', Dimensions: [{ Name: 'Host', Value: 'b' }], Stat: 'Average' });
    await put({ Namespace: namespace, MetricName: 'Disk', Stat: 'Maximum' });
    assert.equal((await describeAll({ Namespace: namespace })).length, 3);
    assert.deepEqual((await describeAll({ Namespace: namespace, MetricName: 'CPU' })).map((d) => d.Dimensions!.map((x) => x.Value).join()), ['a,1', 'b']);
    assert.deepEqual((await describeAll({ Namespace: namespace, Dimensions: [{ Name: 'Host', Value: 'a' }] })).map((d) => d.MetricName), ['CPU']);
    // Paging: one per page, three pages.
    const pages: number[] = [];
    for await (const page of paginateDescribeAnomalyDetectors({ client: cw, pageSize: 1 }, { Namespace: namespace })) pages.push(page.AnomalyDetectors!.length);
    assert.deepEqual(pages, [1, 1, 1]);
    // Dimension order does not matter for the identity.
    await cw.send(new DeleteAnomalyDetectorCommand({ Namespace: namespace, MetricName: 'CPU', Dimensions: [{ Name: 'Az', Value: '1' }, { Name: 'Host', Value: 'a' }], Stat: 'Average' }));
    await cw.send(new DeleteAnomalyDetectorCommand({ SingleMetricAnomalyDetector: { Namespace: namespace, MetricName: 'Disk', Stat: 'Maximum' } }));
    assert.deepEqual((await describeAll({ Namespace: namespace })).map((d) => d.Dimensions!.map((x) => x.Value).join()), ['b']);
    await rejects(cw.send(new DeleteAnomalyDetectorCommand({ Namespace: namespace, MetricName: 'Disk', Stat: 'Maximum' })),
      ResourceNotFoundException, 'ResourceNotFoundException', /does not exist/, 404);
  });

  it('MetricMathAnomalyDetector: listed only under METRIC_MATH, and used by a band on the same expression', async () => {
    const namespace = ns();
    const end = now5();
    const s = syntheticSeries({ seed: 23, start: end - 2 * 86_400_000, periodSec: P, points: 2 * 288, noiseSd: 2 });
    await putValues(namespace, 'Errors', [], s.timestamps, s.values);
    const m1 = { Id: 'm1', MetricStat: { Metric: { Namespace: namespace, MetricName: 'Errors', Dimensions: [] }, Period: P, Stat: 'Sum' }, ReturnData: false };
    const e1 = { Id: 'e1', Expression: 'm1 * 2', Label: 'Doubled', ReturnData: true };
    await cw.send(new PutAnomalyDetectorCommand({ MetricMathAnomalyDetector: { MetricDataQueries: [m1, e1] } }));
    const math = (await describeAll({ AnomalyDetectorTypes: ['METRIC_MATH'] })).filter((d) => JSON.stringify(d).includes(namespace));
    assert.equal(math.length, 1);
    assert.deepEqual(math[0].MetricMathAnomalyDetector!.MetricDataQueries, [m1, e1]);
    assert.equal(math[0].Namespace, undefined);
    assert.equal((await describeAll({ Namespace: namespace })).length, 0, 'SINGLE_METRIC is the default type');
    assert.equal(await settledState(namespace, ['METRIC_MATH']), 'TRAINED');
    const r = await cw.send(new GetMetricDataCommand({
      StartTime: new Date(end - 3_600_000), EndTime: new Date(end),
      MetricDataQueries: [{ ...m1, ReturnData: false }, { Id: 'e1', Expression: 'm1 * 2', ReturnData: false }, { Id: 'ad', Expression: 'ANOMALY_DETECTION_BAND(e1, 2)' }],
    }));
    const [up, low] = r.MetricDataResults!;
    assert.equal(up.Values!.length, 12);
    // The model of 2 × (100 ± 2 noise): centred near 200.
    for (let i = 0; i < 12; i++) assert.ok(up.Values![i] > 200 && low.Values![i] < 200 && up.Values![i] - low.Values![i] < 40);
    const again = (await describeAll({ AnomalyDetectorTypes: ['SINGLE_METRIC', 'METRIC_MATH'] })).filter((d) => JSON.stringify(d).includes(namespace));
    assert.equal(again.length, 1, 'the band used the detector with the same queries (labels aside) instead of creating one');
  });

  it('rejects bad input with AWS error codes and messages naming the parameter', async () => {
    const single = { Namespace: 'X/Y', MetricName: 'M', Stat: 'Average' };
    const put = (input: Record<string, unknown>) => cw.send(new PutAnomalyDetectorCommand(input as PutAnomalyDetectorCommandInput));
    await rejects(put({ SingleMetricAnomalyDetector: single, Namespace: 'X/Y' }), InvalidParameterCombinationException, 'InvalidParameterCombination', /SingleMetricAnomalyDetector and Namespace are mutually exclusive/);
    await rejects(put({ SingleMetricAnomalyDetector: single, MetricMathAnomalyDetector: { MetricDataQueries: [] } }), InvalidParameterCombinationException, 'InvalidParameterCombination', /mutually exclusive/);
    await rejects(put({}), MissingRequiredParameterException, 'MissingParameter', /SingleMetricAnomalyDetector or MetricMathAnomalyDetector is required/);
    await rejects(put({ SingleMetricAnomalyDetector: { Namespace: 'X/Y', MetricName: 'M' } }), MissingRequiredParameterException, 'MissingParameter', /SingleMetricAnomalyDetector\.Stat is required/);
    await rejects(put({ Namespace: 'X/Y', MetricName: 'M', Stat: 'Median' }), InvalidParameterValueException, 'InvalidParameterValue', /Median for parameter Stat/);
    await rejects(put({ SingleMetricAnomalyDetector: single, Configuration: { ExcludedTimeRanges: Array.from({ length: 11 }, () => ({ StartTime: new Date(0), EndTime: new Date(1000) })) } }),
      InvalidParameterValueException, 'InvalidParameterValue', /Configuration\.ExcludedTimeRanges must not have a size greater than 10/);
    await rejects(put({ SingleMetricAnomalyDetector: single, Configuration: { ExcludedTimeRanges: [{ StartTime: new Date(5000), EndTime: new Date(1000) }] } }),
      InvalidParameterValueException, 'InvalidParameterValue', /ExcludedTimeRanges\.member\.1\.EndTime must be greater/);
    await rejects(put({ SingleMetricAnomalyDetector: single, Configuration: { MetricTimezone: 'Mars/Base' } }), InvalidParameterValueException, 'InvalidParameterValue', /Mars\/Base for parameter Configuration\.MetricTimezone/);
    await rejects(put({ SingleMetricAnomalyDetector: single, Configuration: { AdaptationSpeed: 'WARP' } }), InvalidParameterValueException, 'InvalidParameterValue', /Configuration\.AdaptationSpeed/);
    const m1q = { Id: 'm1', MetricStat: { Metric: { Namespace: 'X/Y', MetricName: 'M' }, Period: 60, Stat: 'Sum' }, ReturnData: false };
    const math = (...queries: object[]) => put({ MetricMathAnomalyDetector: { MetricDataQueries: queries } });
    await rejects(math({ ...m1q, ReturnData: undefined }, { Id: 'e1', Expression: 'm1 + 1' }), InvalidParameterValueException, 'InvalidParameterValue', /Exactly one element of MetricMathAnomalyDetector\.MetricDataQueries must have ReturnData/);
    await rejects(math({ Id: 'e1', Expression: 'SUM(SEARCH(\'{X/Y} M\', \'Sum\', 60))', ReturnData: true }), InvalidParameterValueException, 'InvalidParameterValue', /does not support SEARCH/);
    await rejects(math(m1q, { Id: 'e1', Expression: 'm1 + m9', ReturnData: true }), InvalidParameterValueException, 'InvalidParameterValue', /Unknown id m9/);
    await rejects(math(m1q, { Id: 'e1', Expression: 'e2 + m1', ReturnData: true }, { Id: 'e2', Expression: 'e1 * 2', ReturnData: false }), InvalidParameterValueException, 'InvalidParameterValue', /Circular reference/);
    await rejects(cw.send(new DescribeAnomalyDetectorsCommand({ MaxResults: 101 })), InvalidParameterValueException, 'InvalidParameterValue', /101 for parameter MaxResults/);
    await rejects(cw.send(new DescribeAnomalyDetectorsCommand({ AnomalyDetectorTypes: ['BOTH' as 'METRIC_MATH'] })), InvalidParameterValueException, 'InvalidParameterValue', /BOTH for parameter AnomalyDetectorTypes\.member\.1/);
    await rejects(cw.send(new DescribeAnomalyDetectorsCommand({ NextToken: 'nope' })), InvalidNextToken, 'InvalidNextToken', /NextToken/);
    await rejects(cw.send(new GetMetricDataCommand({
      StartTime: new Date(Date.now() - 3_600_000), EndTime: new Date(),
      MetricDataQueries: [{ Id: 'm1', MetricStat: { Metric: { Namespace: 'X/Y', MetricName: 'M' }, Period: 60, Stat: 'Sum' } }, { Id: 'ad', Expression: 'ANOMALY_DETECTION_BAND(m1 * 2)' }],
    })), InvalidParameterValueException, 'InvalidParameterValue', /Error in expression ad: ANOMALY_DETECTION_BAND expects the id of a metric/);
  });

  it(`refuses a detector beyond the quota of 500 (LimitExceededException)`, { timeout: 300_000 }, async () => {
    const existing = (await describeAll({ AnomalyDetectorTypes: ['SINGLE_METRIC', 'METRIC_MATH'] })).length;
    const namespace = ns();
    for (let i = existing; i < 500; i++) await cw.send(new PutAnomalyDetectorCommand({ Namespace: namespace, MetricName: `M${i}`, Stat: 'Sum' }));
    await rejects(cw.send(new PutAnomalyDetectorCommand({ Namespace: namespace, MetricName: 'OneTooMany', Stat: 'Sum' })), LimitExceededException, 'LimitExceededException', /500/);
    // Replacing an existing detector is still allowed at the quota.
    await cw.send(new PutAnomalyDetectorCommand({ Namespace: namespace, MetricName: 'M499', Stat: 'Sum', Configuration: { MetricTimezone: 'UTC' } }));
  });
});

describe('anomaly model cache', () => {
  it('keeps at most maxModels trained models in memory', async () => {
    const namespace = ns();
    const end = now5();
    const ts = Array.from({ length: 24 }, (_, i) => end - (24 - i) * P * 1000);
    const names = ['A', 'B', 'C', 'D', 'E'];
    for (const m of names) await putValues(namespace, m, [], ts, ts.map((_, i) => 10 + (i % 3)));
    const dir = tempDir('tw-admodels-');
    // The service reads only the data directory, the metric store and the log from its deps.
    const deps = { dataDir: dir, metrics: srv.metrics, store: srv.store, log: srv.log, accountId: '000000000000', region: 'us-east-1' } as unknown as AppDeps;
    const svc = await AnomalyDetectorService.open(deps, { maxModels: 3 });
    try {
      for (const m of names) {
        const queries: Query[] = [
          { kind: 'stat', id: 'm1', returnData: true, namespace, metricName: m, dimensions: [], period: P, stat: 'Average' },
          { kind: 'expr', id: 'ad1', returnData: true, expression: 'ANOMALY_DETECTION_BAND(m1)', ast: parseExpression('ANOMALY_DETECTION_BAND(m1)') },
        ];
        const bands = await svc.bandsFor(queries, end);
        assert.ok(bands.has('m1'), m);
      }
      assert.equal(svc.list().length, names.length, 'every band created its detector');
      assert.equal(svc.cachedModels, 3, 'five models trained, the three most recent kept');
    } finally {
      await svc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('anomaly detector durability', () => {
  it('an acknowledged PutAnomalyDetector survives kill -9 of the server', { timeout: 180_000 }, async () => {
    const dataDir = tempDir('tw-anomaly-kill-');
    let proc = await spawnServer(dataDir);
    const client = () => new CloudWatchClient({ endpoint: proc.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
    try {
      let c = client();
      await c.send(new PutAnomalyDetectorCommand({ SingleMetricAnomalyDetector: { Namespace: 'Durable/Test', MetricName: 'Kept', Stat: 'p99' }, Configuration: { MetricTimezone: 'Asia/Tokyo' } }));
      c.destroy();
      process.kill(proc.child.pid!, 'SIGKILL');
      if (proc.enginePid) { try { process.kill(proc.enginePid, 'SIGKILL'); } catch { /* gone with its parent */ } }
      await new Promise((r) => proc.child.once('exit', r));
      proc = await spawnServer(dataDir);
      c = client();
      const r = await c.send(new DescribeAnomalyDetectorsCommand({ Namespace: 'Durable/Test' }));
      c.destroy();
      assert.deepEqual(r.AnomalyDetectors!.map((d) => [d.MetricName, d.Stat, d.Configuration?.MetricTimezone]), [['Kept', 'p99', 'Asia/Tokyo']]);
    } finally {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
