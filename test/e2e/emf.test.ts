/**
 * Embedded Metric Format end to end with the real `aws-embedded-metrics` library:
 * - its Agent environment sends EMF lines over TCP to an agent; this test plays the CloudWatch
 *   agent (reads lines, ships each to the log group named in `_aws.LogGroupName` with
 *   PutLogEvents through the Logs SDK), so the metrics come out of Trailwatch's ingest hook;
 * - its Local environment (run as a child process) prints EMF to stdout; those lines are shipped
 *   through native ingest (`POST /api/v1/ingest/<group>`), the other hooked ingest path.
 * The metrics are then read back with the CloudWatch SDK.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, GetLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand, type Dimension } from '@aws-sdk/client-cloudwatch';
import { Configuration, StorageResolution, Unit, createMetricsLogger } from 'aws-embedded-metrics';
import { REPO_ROOT, startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';

const exec = promisify(execFile);
const MIN = 60_000;

let srv: TestServer;
let logs: CloudWatchLogsClient;
let cw: CloudWatchClient;
let agent: Server;
let agentPort = 0;
const shipped: string[] = [];
const shipping: Array<Promise<void>> = [];
const known = new Set<string>();
const sockets = new Set<Socket>();

/** Ships one EMF line the way the CloudWatch agent does: to `_aws.LogGroupName` / `_aws.LogStreamName`. */
async function ship(line: string): Promise<void> {
  const doc = JSON.parse(line) as { _aws: { LogGroupName?: string; LogStreamName?: string; Timestamp: number } };
  const group = doc._aws.LogGroupName!;
  const stream = doc._aws.LogStreamName || 'agent';
  if (!known.has(group)) {
    known.add(group);
    await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch((e: Error) => { if (e.name !== 'ResourceAlreadyExistsException') throw e; });
  }
  if (!known.has(`${group}\u0000${stream}`)) {
    known.add(`${group}\u0000${stream}`);
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })).catch((e: Error) => { if (e.name !== 'ResourceAlreadyExistsException') throw e; });
  }
  await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: doc._aws.Timestamp, message: line }] }));
  shipped.push(line);
}

async function waitForShipped(n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (shipped.length < n && Date.now() < deadline) {
    await Promise.all(shipping);
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(shipping);
  assert.ok(shipped.length >= n, `only ${shipped.length} of ${n} EMF lines reached the agent`);
}

before(async () => {
  srv = await startTestServer();
  logs = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
  agent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        // Lines are shipped in order, one PutLogEvents each.
        if (line.trim()) shipping.push((shipping[shipping.length - 1] ?? Promise.resolve()).then(() => ship(line)));
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => agent.listen(0, '127.0.0.1', () => r()));
  agentPort = (agent.address() as { port: number }).port;
});
after(async () => {
  // The library keeps its agent connection open: end it so the server can close.
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => agent?.close(() => r()));
  logs?.destroy();
  cw?.destroy();
  await srv?.cleanup();
});

const minute = (t = Date.now()) => new Date(Math.floor(t / MIN) * MIN);

async function stats(namespace: string, metricName: string, dims: Dimension[], o: { period?: number; ext?: string[] } = {}) {
  const r = await cw.send(new GetMetricStatisticsCommand({
    Namespace: namespace, MetricName: metricName, Dimensions: dims, StartTime: new Date(Date.now() - 10 * MIN), EndTime: new Date(Date.now() + MIN),
    Period: o.period ?? 600, Statistics: ['SampleCount', 'Sum', 'Minimum', 'Maximum'], ExtendedStatistics: o.ext,
  }));
  return r.Datapoints ?? [];
}

describe('EMF with aws-embedded-metrics', () => {
  const group = `/emf/agent-${Date.now()}`;
  const namespace = `EmfAgent/${Date.now()}`;

  it('Agent environment → agent → PutLogEvents → metrics', async () => {
    Configuration.environmentOverride = 'Agent' as typeof Configuration.environmentOverride;
    Configuration.agentEndpoint = `tcp://127.0.0.1:${agentPort}`;
    Configuration.logGroupName = group;
    Configuration.logStreamName = 'checkout-1';
    Configuration.serviceName = 'checkout';
    Configuration.serviceType = 'Web';
    const m = createMetricsLogger();
    m.setNamespace(namespace);
    m.setDimensions({ Operation: 'pay' });
    m.putMetric('Latency', 10, Unit.Milliseconds);
    m.putMetric('Latency', 20, Unit.Milliseconds);
    m.putMetric('Latency', 30, Unit.Milliseconds);
    m.putMetric('Orders', 2, Unit.Count);
    m.putMetric('Spikes', 7, Unit.Count, StorageResolution.High);
    m.setProperty('RequestId', 'r-1');
    await m.flush();
    // Default dimensions (LogGroup, ServiceName, ServiceType) when none are set.
    const d = createMetricsLogger();
    d.setNamespace(namespace);
    d.putMetric('Defaulted', 1, Unit.Count);
    await d.flush();
    await waitForShipped(2);

    const op = [{ Name: 'Operation', Value: 'pay' }];
    const lat = await stats(namespace, 'Latency', op, { ext: ['p50'] });
    assert.equal(lat.length, 1);
    assert.deepEqual([lat[0].SampleCount, lat[0].Sum, lat[0].Minimum, lat[0].Maximum, lat[0].Unit, lat[0].ExtendedStatistics], [3, 60, 10, 30, 'Milliseconds', { p50: 20 }]);
    assert.deepEqual((await stats(namespace, 'Orders', op)).map((x) => [x.Sum, x.Unit]), [[2, 'Count']]);
    const spikes = await stats(namespace, 'Spikes', op, { period: 1 });
    assert.deepEqual(spikes.map((x) => x.Sum), [7], 'StorageResolution.High answers 1-second periods');

    const listed = await cw.send(new ListMetricsCommand({ Namespace: namespace }));
    const names = listed.Metrics!.map((x) => `${x.MetricName}:${x.Dimensions!.map((y) => `${y.Name}=${y.Value}`).join(',')}`).sort();
    assert.deepEqual(names, [
      `Defaulted:LogGroup=${group},ServiceName=checkout,ServiceType=Web`,
      'Latency:Operation=pay', 'Orders:Operation=pay', 'Spikes:Operation=pay',
    ]);

    // The EMF documents are ordinary log events too.
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'checkout-1', startFromHead: true }));
    assert.equal(events.events!.length, 2);
    assert.equal((JSON.parse(events.events![0].message!) as { RequestId: string }).RequestId, 'r-1');
  });

  it('a retried PutLogEvents batch (same content) does not count its metrics twice', async () => {
    const stream = 'retry';
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    const t = Date.now();
    const message = JSON.stringify({ _aws: { Timestamp: t, CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [['Op']], Metrics: [{ Name: 'Retried', Unit: 'Count' }] }] }, Op: 'x', Retried: 5 });
    const put = () => logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: t, message }] }));
    await put();
    await put();
    assert.deepEqual((await stats(namespace, 'Retried', [{ Name: 'Op', Value: 'x' }])).map((x) => [x.SampleCount, x.Sum]), [[1, 5]]);
  });

  it('counts invalid EMF as AWS/Logs EMFValidationErrors and still stores the event', async () => {
    const stream = 'invalid';
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    const t = Date.now();
    const bad = JSON.stringify({ _aws: { Timestamp: t, CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [['Missing']], Metrics: [{ Name: 'Nope' }] }] }, Nope: 1 });
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: t, message: bad }] }));
    const errs = await cw.send(new GetMetricStatisticsCommand({ Namespace: 'AWS/Logs', MetricName: 'EMFValidationErrors', Dimensions: [{ Name: 'LogGroupName', Value: group }], StartTime: minute(Date.now() - 5 * MIN), EndTime: minute(Date.now() + 2 * MIN), Period: 60, Statistics: ['Sum'] }));
    assert.deepEqual(errs.Datapoints!.map((x) => x.Sum), [1]);
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
    assert.deepEqual(events.events!.map((e) => e.message), [bad]);
    assert.equal((await cw.send(new ListMetricsCommand({ Namespace: namespace, MetricName: 'Nope' }))).Metrics!.length, 0);
  });

  it('Local environment (stdout of a child process) → native ingest → metrics', async () => {
    const ns = `EmfLocal/${Date.now()}`;
    const script = `
      const { createMetricsLogger, Unit } = require('aws-embedded-metrics');
      (async () => {
        for (const host of ['a', 'b']) {
          const m = createMetricsLogger();
          m.setNamespace(${JSON.stringify(ns)});
          m.setDimensions({ Host: host });
          m.putMetric('Jobs', host === 'a' ? 3 : 4, Unit.Count);
          m.putMetric('Bytes', 1024, Unit.Bytes);
          await m.flush();
        }
      })();`;
    const { stdout } = await exec(process.execPath, ['-e', script], { cwd: REPO_ROOT, env: { ...process.env, AWS_EMF_ENVIRONMENT: 'Local', AWS_EMF_SERVICE_NAME: 'batch', AWS_EMF_SERVICE_TYPE: 'Job' }, timeout: 60_000 });
    const lines = stdout.split('\n').filter((l) => l.includes('"_aws"'));
    assert.equal(lines.length, 2, stdout);
    const session = await fetch(`${srv.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_KEY) });
    const { token } = await session.json() as { token: string };
    const res = await fetch(`${srv.url}/api/v1/ingest/${encodeURIComponent('/emf/local')}?create=1&stream=job-1`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: lines.join('\n') + '\n' });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json() as { ingested: number }).ingested, 2);
    assert.deepEqual((await stats(ns, 'Jobs', [{ Name: 'Host', Value: 'a' }])).map((x) => x.Sum), [3]);
    assert.deepEqual((await stats(ns, 'Jobs', [{ Name: 'Host', Value: 'b' }])).map((x) => x.Sum), [4]);
    assert.deepEqual((await stats(ns, 'Bytes', [{ Name: 'Host', Value: 'b' }])).map((x) => [x.Sum, x.Unit]), [[1024, 'Bytes']]);
  });
});
