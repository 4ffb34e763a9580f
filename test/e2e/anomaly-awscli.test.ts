/**
 * Anomaly detection end to end with the real AWS CLI: Debian's CLI 2.x (/usr/bin/aws, awsQuery;
 * its 2023 model has no MetricCharacteristics) and the pip CLI 1.x (AWS JSON 1.0).
 * `aws cloudwatch put-anomaly-detector`, `describe-anomaly-detectors`, `delete-anomaly-detector`
 * and `get-metric-data` with ANOMALY_DETECTION_BAND. Oracles: the API reference pages of
 * PutAnomalyDetector/DescribeAnomalyDetectors/DeleteAnomalyDetector and using-metric-math.html
 * (ANOMALY_DETECTION_BAND returns the upper and the lower bound).
 * The server runs in this process, so the CLI is always run with async execFile.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { AWS_CLI2, cliJson, expectCliError, findAwsCli1, runAwsCli } from '../helpers/aws-cli.js';
import { score, syntheticSeries } from '../../src/metrics/anomaly/synthetic.js';

const CLI2 = AWS_CLI2;
const P = 300;

let srv: TestServer;
let work: string;
let cli1: string | undefined;

before(async () => {
  srv = await startTestServer();
  work = tempDir('tw-adcli-');
  cli1 = await findAwsCli1();
});
after(async () => { await srv?.cleanup(); });

const ok = async <T = Record<string, unknown>>(bin: string, args: string[]): Promise<T> => cliJson<T>(await runAwsCli(bin, srv.url, args), args);
const fails = async (bin: string, args: string[], code: string, op: string, message: RegExp): Promise<void> => expectCliError(await runAwsCli(bin, srv.url, args), code, op, message);

const iso = (t: number) => new Date(t).toISOString();
/** CLI 2 prints ISO timestamps; CLI 1 over JSON 1.0 prints the epoch seconds it received. */
const ms = (t: string | number): number => (typeof t === 'number' ? t * 1000 : Date.parse(t));
let fileN = 0;
function file(content: unknown): string {
  const p = join(work, `input-${++fileN}.json`);
  writeFileSync(p, JSON.stringify(content));
  return `file://${p}`;
}

interface Detector { Namespace?: string; MetricName?: string; Stat?: string; StateValue?: string; SingleMetricAnomalyDetector?: Record<string, unknown>; Configuration?: { ExcludedTimeRanges?: Array<{ StartTime: string | number; EndTime: string | number }>; MetricTimezone?: string }; MetricCharacteristics?: { PeriodicSpikes?: boolean } }
interface Result { Id: string; Label: string; Timestamps: Array<string | number>; Values: number[] }

function scenario(label: string, bin: () => string | undefined, hasCharacteristics: boolean) {
  describe(label, () => {
    const ns = `AnomalyCli/${label.replace(/\W+/g, '')}/${Date.now()}`;
    const skip = (t: { skip(m: string): void }) => { if (!bin()) { t.skip('CLI not installed'); return true; } return false; };

    it('put-anomaly-detector and describe-anomaly-detectors', async (t) => {
      if (skip(t)) return;
      const b = bin()!;
      const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      await ok(b, ['cloudwatch', 'put-anomaly-detector',
        '--single-metric-anomaly-detector', file({ Namespace: ns, MetricName: 'Latency', Dimensions: [{ Name: 'Service', Value: 'api' }], Stat: 'Average' }),
        '--configuration', file({ ExcludedTimeRanges: [{ StartTime: iso(end - 7_200_000), EndTime: iso(end - 3_600_000) }], MetricTimezone: 'America/New_York' }),
        ...(hasCharacteristics ? ['--metric-characteristics', 'PeriodicSpikes=true'] : [])]);
      await ok(b, ['cloudwatch', 'put-anomaly-detector', '--namespace', ns, '--metric-name', 'Errors', '--stat', 'Sum']);
      const r = await ok<{ AnomalyDetectors: Detector[] }>(b, ['cloudwatch', 'describe-anomaly-detectors', '--namespace', ns]);
      assert.deepEqual(r.AnomalyDetectors.map((d) => [d.MetricName, d.Stat]), [['Errors', 'Sum'], ['Latency', 'Average']]);
      const lat = r.AnomalyDetectors[1];
      assert.deepEqual(lat.SingleMetricAnomalyDetector, { Namespace: ns, MetricName: 'Latency', Dimensions: [{ Name: 'Service', Value: 'api' }], Stat: 'Average' });
      assert.equal(lat.Configuration!.MetricTimezone, 'America/New_York');
      assert.deepEqual(lat.Configuration!.ExcludedTimeRanges!.map((x) => [ms(x.StartTime), ms(x.EndTime)]), [[end - 7_200_000, end - 3_600_000]]);
      if (hasCharacteristics) assert.deepEqual(lat.MetricCharacteristics, { PeriodicSpikes: true });
      assert.ok(['PENDING_TRAINING', 'TRAINED_INSUFFICIENT_DATA'].includes(lat.StateValue!), lat.StateValue);
      const byDim = await ok<{ AnomalyDetectors: Detector[] }>(b, ['cloudwatch', 'describe-anomaly-detectors', '--namespace', ns, '--dimensions', 'Name=Service,Value=api']);
      assert.deepEqual(byDim.AnomalyDetectors.map((d) => d.MetricName), ['Latency']);
    });

    it('get-metric-data with ANOMALY_DETECTION_BAND', async (t) => {
      if (skip(t)) return;
      const b = bin()!;
      const end = Math.floor(Date.now() / (P * 1000)) * P * 1000;
      const points = 2 * 288;
      const s = syntheticSeries({ seed: 31, start: end - points * P * 1000, periodSec: P, points, dailyAmplitude: 20, noiseSd: 2, anomalies: 4, anomaliesFrom: points - 36, minSigmas: 10, maxSigmas: 14 });
      await ok(b, ['cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-data', file(s.timestamps.map((t, i) => ({ MetricName: 'Queue', Timestamp: iso(t), Value: s.values[i] })))]);
      const r = await ok<{ MetricDataResults: Result[] }>(b, ['cloudwatch', 'get-metric-data', '--start-time', iso(end - 36 * P * 1000), '--end-time', iso(end), '--scan-by', 'TimestampAscending',
        '--metric-data-queries', file([
          { Id: 'm1', MetricStat: { Metric: { Namespace: ns, MetricName: 'Queue' }, Period: P, Stat: 'Maximum' } },
          { Id: 'ad1', Expression: 'ANOMALY_DETECTION_BAND(m1, 3)', Label: 'Expected' },
        ])]);
      const [m1, upper, lower] = r.MetricDataResults;
      assert.deepEqual(r.MetricDataResults.map((x) => [x.Id, x.Label]), [['m1', 'Queue'], ['ad1', 'Expected Queue Upper Bound'], ['ad1', 'Expected Queue Lower Bound']]);
      assert.equal(m1.Values.length, 36);
      assert.deepEqual(upper.Timestamps.map(ms), m1.Timestamps.map(ms));
      const offset = points - 36;
      const sc = score(Array.from(s.values).slice(offset), upper.Values, lower.Values, new Set([...s.anomalies].map((i) => i - offset)));
      assert.ok(sc.recall >= 0.75 && sc.precision >= 0.75 && sc.normalInside >= 0.9, JSON.stringify(sc));
      // The band created the detector for Queue/Maximum.
      const d = await ok<{ AnomalyDetectors: Detector[] }>(b, ['cloudwatch', 'describe-anomaly-detectors', '--namespace', ns, '--metric-name', 'Queue']);
      assert.deepEqual(d.AnomalyDetectors.map((x) => [x.Stat, x.StateValue]), [['Maximum', 'TRAINED']]);
    });

    it('errors and delete-anomaly-detector', async (t) => {
      if (skip(t)) return;
      const b = bin()!;
      await fails(b, ['cloudwatch', 'put-anomaly-detector', '--namespace', ns, '--single-metric-anomaly-detector', file({ Namespace: ns, MetricName: 'X', Stat: 'Sum' })],
        'InvalidParameterCombination', 'PutAnomalyDetector', /SingleMetricAnomalyDetector and Namespace are mutually exclusive/);
      await fails(b, ['cloudwatch', 'put-anomaly-detector', '--namespace', ns, '--metric-name', 'X', '--stat', 'Sum', '--configuration', 'MetricTimezone=Nowhere/Land'],
        'InvalidParameterValue', 'PutAnomalyDetector', /Nowhere\/Land for parameter Configuration\.MetricTimezone is invalid/);
      await ok(b, ['cloudwatch', 'delete-anomaly-detector', '--namespace', ns, '--metric-name', 'Errors', '--stat', 'Sum']);
      await fails(b, ['cloudwatch', 'delete-anomaly-detector', '--namespace', ns, '--metric-name', 'Errors', '--stat', 'Sum'],
        'ResourceNotFoundException', 'DeleteAnomalyDetector', /does not exist/);
      const left = await ok<{ AnomalyDetectors: Detector[] }>(b, ['cloudwatch', 'describe-anomaly-detectors', '--namespace', ns]);
      assert.deepEqual(left.AnomalyDetectors.map((d) => d.MetricName), ['Latency', 'Queue']);
    });
  });
}

scenario('aws CLI 2 (awsQuery)', () => CLI2, false);
scenario('aws CLI 1 (AWS JSON 1.0)', () => cli1, true);
