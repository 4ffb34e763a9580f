/**
 * CloudWatch metrics end to end with the real AWS CLI: Debian's CLI 2.x (/usr/bin/aws, whose
 * bundled botocore speaks awsQuery to CloudWatch) and the pip CLI 1.x (botocore ≥ 1.42 speaks
 * AWS JSON 1.0). Each suite first checks, from the CLI's own --debug log, which protocol it sent.
 * The server runs in this process, so the CLI is always run with async execFile.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { AWS_CLI2, cliJson, expectCliError, findAwsCli1, runAwsCli, type CliRun } from '../helpers/aws-cli.js';

const CLI2 = AWS_CLI2;
const MIN = 60_000;

let srv: TestServer;
let work: string;
let cli1: string | undefined;

before(async () => {
  srv = await startTestServer();
  work = tempDir('tw-cwcli-');
  cli1 = await findAwsCli1();
});
after(async () => { await srv?.cleanup(); });

/** Runs `aws --endpoint-url <srv> --output json <args>`; never throws on a non-zero exit. */
const aws = (bin: string, args: string[]): Promise<CliRun> => runAwsCli(bin, srv.url, args);

const ok = async <T = Record<string, unknown>>(bin: string, args: string[]): Promise<T> => cliJson<T>(await aws(bin, args), args);
const fails = async (bin: string, args: string[], code: string, op: string, message: RegExp): Promise<void> => expectCliError(await aws(bin, args), code, op, message);

/** CLI 2 prints ISO timestamps; CLI 1 over JSON 1.0 prints the epoch seconds it received. */
const ms = (t: string | number): number => (typeof t === 'number' ? t * 1000 : Date.parse(t));
const ago = (minutes: number) => Math.floor(Date.now() / MIN) * MIN - minutes * MIN;
const iso = (t: number) => new Date(t).toISOString();
let fileN = 0;
function file(content: unknown): string {
  const p = join(work, `input-${++fileN}.json`);
  writeFileSync(p, JSON.stringify(content));
  return `file://${p}`;
}

interface Datapoint { Timestamp: string | number; Sum?: number; Average?: number; SampleCount?: number; Minimum?: number; Maximum?: number; Unit?: string; ExtendedStatistics?: Record<string, number> }
interface Result { Id: string; Label: string; Timestamps: Array<string | number>; Values: number[]; StatusCode: string }

/** The CLI-independent scenario, run once per CLI. */
function scenario(label: string, bin: () => string | undefined, expected: { contentType: string; marker: RegExp }) {
  describe(label, () => {
    const ns = `CliTest/${label.replace(/\W+/g, '')}/${Date.now()}`;
    const skip = (t: { skip(m: string): void }) => { if (!bin()) { t.skip('CLI not installed'); return true; } return false; };

    it('sends the expected protocol', async (t) => {
      if (skip(t)) return;
      const r = await aws(bin()!, ['--debug', 'cloudwatch', 'list-metrics', '--namespace', 'Nothing']);
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      assert.ok(r.stderr.includes(`'Content-Type': '${expected.contentType}`) || r.stderr.includes(`'Content-Type': b'${expected.contentType}`), `no ${expected.contentType} in the debug log`);
      // (assert.ok rather than match: the debug log is far too long to print on failure)
      assert.ok(expected.marker.test(r.stderr), `no ${expected.marker} in the debug log`);
      assert.ok(/Credential=AKIATESTTRAILWATCH01\/\d{8}\/us-east-1\/monitoring\/aws4_request/.test(r.stderr), 'signed for the monitoring service');
    });

    it('put-metric-data: value, dimensions, unit, timestamp, storage resolution, statistic values, values/counts', async (t) => {
      if (skip(t)) return;
      const b = bin()!;
      const t0 = ago(5);
      await ok(b, ['cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-name', 'Latency', '--value', '10', '--unit', 'Milliseconds', '--dimensions', 'Service=api,Stage=prod', '--timestamp', iso(t0)]);
      await ok(b, ['cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-name', 'Latency', '--statistic-values', 'SampleCount=2,Sum=40,Minimum=20,Maximum=20', '--unit', 'Milliseconds', '--dimensions', 'Service=api,Stage=prod', '--timestamp', iso(t0 + 10_000)]);
      await ok(b, ['cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-data', file([
        { MetricName: 'Latency', Dimensions: [{ Name: 'Stage', Value: 'prod' }, { Name: 'Service', Value: 'api' }], Timestamp: iso(t0 + 20_000), Values: [30, 40, 50, 60, 70, 80, 90, 100], Counts: [1, 1, 1, 1, 1, 1, 1, 2], Unit: 'Milliseconds' },
        { MetricName: 'Hits', Timestamp: iso(t0), Value: 1, StorageResolution: 1 },
        { MetricName: 'Hits', Timestamp: iso(t0 + 1000), Value: 2, StorageResolution: 1 },
      ])]);
      await ok(b, ['cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-name', 'Hits', '--value', '4', '--storage-resolution', '1', '--timestamp', iso(t0 + 2000)]);

      const r = await ok<{ Label: string; Datapoints: Datapoint[] }>(b, ['cloudwatch', 'get-metric-statistics', '--namespace', ns, '--metric-name', 'Latency',
        '--dimensions', 'Name=Service,Value=api', 'Name=Stage,Value=prod', '--start-time', iso(ago(10)), '--end-time', iso(ago(-1)), '--period', '60',
        '--statistics', 'Sum', 'Average', 'SampleCount', 'Minimum', 'Maximum', '--extended-statistics', 'p90']);
      assert.equal(r.Label, 'Latency');
      assert.equal(r.Datapoints.length, 1);
      const dp = r.Datapoints[0];
      assert.equal(ms(dp.Timestamp), t0);
      // 10, 20×2 (a statistic set of one repeated value), 30..90, 100×2: 12 values.
      assert.deepEqual([dp.SampleCount, dp.Sum, dp.Minimum, dp.Maximum, dp.Unit], [12, 670, 10, 100, 'Milliseconds']);
      assert.ok(Math.abs(dp.Average! - 670 / 12) < 1e-9);
      assert.deepEqual(dp.ExtendedStatistics, { p90: 100 });

      // High-resolution data answers 1-second periods.
      const hi = await ok<{ Datapoints: Datapoint[] }>(b, ['cloudwatch', 'get-metric-statistics', '--namespace', ns, '--metric-name', 'Hits', '--start-time', iso(t0), '--end-time', iso(t0 + 5000), '--period', '1', '--statistics', 'Sum']);
      assert.deepEqual(hi.Datapoints.map((d) => [ms(d.Timestamp) - t0, d.Sum ?? NaN]).sort((x, y) => x[0] - y[0]), [[0, 1], [1000, 2], [2000, 4]]);
    });

    it('list-metrics with filters', async (t) => {
      if (skip(t)) return;
      const b = bin()!;
      const all = await ok<{ Metrics: Array<{ Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: string }> }> }>(b, ['cloudwatch', 'list-metrics', '--namespace', ns]);
      assert.deepEqual(all.Metrics.map((m) => m.MetricName).sort(), ['Hits', 'Latency']);
      const latency = all.Metrics.find((m) => m.MetricName === 'Latency')!;
      assert.deepEqual(latency.Dimensions, [{ Name: 'Service', Value: 'api' }, { Name: 'Stage', Value: 'prod' }]);
      const byDim = await ok<{ Metrics: unknown[] }>(b, ['cloudwatch', 'list-metrics', '--namespace', ns, '--dimensions', 'Name=Stage']);
      assert.equal(byDim.Metrics.length, 1);
      const byName = await ok<{ Metrics: unknown[] }>(b, ['cloudwatch', 'list-metrics', '--metric-name', 'Hits', '--namespace', ns, '--recently-active', 'PT3H']);
      assert.equal(byName.Metrics.length, 1);
    });

    it('get-metric-data with metric math', async (t) => {
      if (skip(t)) return;
      const b = bin()!;
      const t0 = ago(8);
      await ok(b, ['cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-data', file([0, 1, 2, 3].flatMap((i) => [
        { MetricName: 'Requests', Timestamp: iso(t0 + i * MIN), Value: 100 * (i + 1) },
        ...(i === 1 ? [] : [{ MetricName: 'Errors', Timestamp: iso(t0 + i * MIN), Value: i + 1 }]),
      ]))]);
      const metric = (name: string) => ({ Namespace: ns, MetricName: name });
      const r = await ok<{ MetricDataResults: Result[] }>(b, ['cloudwatch', 'get-metric-data', '--start-time', iso(t0), '--end-time', iso(t0 + 4 * MIN), '--scan-by', 'TimestampAscending',
        '--metric-data-queries', file([
          { Id: 'req', MetricStat: { Metric: metric('Requests'), Period: 60, Stat: 'Sum' }, ReturnData: false },
          { Id: 'err', MetricStat: { Metric: metric('Errors'), Period: 60, Stat: 'Sum' }, ReturnData: false },
          { Id: 'pct', Expression: 'FILL(err, 0) / req * 100', Label: 'Error %' },
          { Id: 'flag', Expression: 'IF(err > 2, 1, 0)' },
          { Id: 'sum', Expression: 'SUM(METRICS())' },
        ])]);
      const by = (id: string) => r.MetricDataResults.find((x) => x.Id === id)!;
      assert.deepEqual(by('pct').Values, [1, 0, 1, 1]);
      assert.equal(by('pct').Label, 'Error %');
      assert.deepEqual(by('pct').Timestamps.map(ms), [0, 1, 2, 3].map((i) => t0 + i * MIN));
      assert.deepEqual(by('flag').Values, [0, 1, 1]);
      assert.deepEqual(by('sum').Values, [101, 200, 303, 404]);
      assert.equal(by('sum').StatusCode, 'Complete');
    });

    it('reports errors as the CLI expects', async (t) => {
      if (skip(t)) return;
      const b = bin()!;
      await fails(b, ['cloudwatch', 'put-metric-data', '--namespace', 'AWS/EC2', '--metric-name', 'x', '--value', '1'], 'InvalidParameterValue', 'PutMetricData', /AWS\/EC2 for parameter Namespace is invalid/);
      await fails(b, ['cloudwatch', 'get-metric-statistics', '--namespace', ns, '--metric-name', 'x', '--start-time', iso(ago(3000)), '--end-time', iso(ago(0)), '--period', '60', '--statistics', 'Sum'],
        'InvalidParameterCombination', 'GetMetricStatistics', /exceeds the limit of 1,440/);
      await fails(b, ['cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-data', file([{ MetricName: 'x', Values: [1, 2], Counts: [1] }])], 'InvalidParameterCombination', 'PutMetricData', /same size/);
      await fails(b, ['cloudwatch', 'get-metric-data', '--start-time', iso(ago(5)), '--end-time', iso(ago(0)), '--metric-data-queries', file([{ Id: 'e1', Expression: 'SUM(' }])], 'InvalidParameterValue', 'GetMetricData', /Error in expression e1/);
    });
  });
}

scenario('aws CLI 2 (awsQuery)', () => CLI2, { contentType: 'application/x-www-form-urlencoded', marker: /'Action': 'ListMetrics', 'Version': '2010-08-01'/ });
scenario('aws CLI 1 (AWS JSON 1.0)', () => cli1, { contentType: 'application/x-amz-json-1.0', marker: /X-Amz-Target': b?'GraniteServiceVersion20100801\.ListMetrics'/ });

describe('request compression with CLI 1', () => {
  it('gzips a large PutMetricData and the server inflates it', async (t) => {
    if (!cli1) { t.skip('CLI 1 not installed'); return; }
    const ns = `CliGzip/${Date.now()}`;
    const t0 = ago(2);
    const data = Array.from({ length: 400 }, (_, i) => ({ MetricName: 'Big', Dimensions: [{ Name: 'Shard', Value: `shard-${i % 4}` }], Timestamp: iso(t0), Values: [i, i + 0.5], Counts: [1, 3] }));
    const r = await aws(cli1, ['--debug', 'cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-data', file(data)]);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.ok(/'Content-Encoding': b?'gzip'/.test(r.stderr), 'the CLI compressed the body');
    const s = await ok<{ Datapoints: Datapoint[] }>(cli1, ['cloudwatch', 'get-metric-statistics', '--namespace', ns, '--metric-name', 'Big', '--dimensions', 'Name=Shard,Value=shard-1', '--start-time', iso(t0), '--end-time', iso(t0 + MIN), '--period', '60', '--statistics', 'SampleCount', 'Sum']);
    let sum = 0;
    for (let i = 1; i < 400; i += 4) sum += i + 3 * (i + 0.5);
    assert.deepEqual(s.Datapoints.map((d) => [d.SampleCount, d.Sum]), [[400, sum]]);
  });
});
