/**
 * Metric filters end to end (aws-facts.md §2.5, §2.6): PutMetricFilter with the aws CLI, events through
 * PutLogEvents, the metric read back with GetMetricStatistics (SDK v3); value extraction, dimensions,
 * default values, no back-fill, Describe/Delete, and AWS's errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, PutMetricFilterCommand, DescribeMetricFiltersCommand, DeleteMetricFilterCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { startTestServer, awsEnv, TEST_KEY, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
let srv: TestServer;
let logs: CloudWatchLogsClient;
let cw: CloudWatchClient;
const G = '/test/metric-filters';
const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;

async function sum(namespace: string, metricName: string, dims: { Name: string; Value: string }[] = []): Promise<number | undefined> {
  const r = await cw.send(new GetMetricStatisticsCommand({ Namespace: namespace, MetricName: metricName, Dimensions: dims, StartTime: new Date(minute - 3600_000), EndTime: new Date(minute + 3600_000), Period: 3600, Statistics: ['Sum'] }));
  const pts = r.Datapoints ?? [];
  return pts.length ? pts.reduce((a, p) => a + (p.Sum ?? 0), 0) : undefined;
}

async function put(stream: string, messages: string[]): Promise<void> {
  await logs.send(new PutLogEventsCommand({ logGroupName: G, logStreamName: stream, logEvents: messages.map((message, i) => ({ timestamp: minute + i, message })) }));
}

before(async () => {
  srv = await startTestServer();
  logs = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  await logs.send(new CreateLogGroupCommand({ logGroupName: G }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'ct' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'app' }));
});
after(async () => { await srv.cleanup(); });

test('a CIS filter created with the aws CLI counts matching CloudTrail events (CIS 4.6-style StopLogging)', async () => {
  await put('ct', [JSON.stringify({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' })]);
  await run('/usr/bin/aws', ['--endpoint-url', srv.url, 'logs', 'put-metric-filter', '--log-group-name', G, '--filter-name', 'CloudTrailCfgChanges',
    '--filter-pattern', '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
    '--metric-transformations', 'metricName=CloudTrailEventCount,metricNamespace=CISBenchmark,metricValue=1'], { env: awsEnv() });
  // The event before the filter existed is not counted (no back-fill, as AWS).
  await put('ct', [JSON.stringify({ eventName: 'StopLogging' }), JSON.stringify({ eventName: 'GetObject' }), JSON.stringify({ eventName: 'DeleteTrail' })]);
  assert.equal(await sum('CISBenchmark', 'CloudTrailEventCount'), 2);
  const d = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: G }));
  assert.equal(d.logGroups![0].metricFilterCount, 1);
});

test('metric value from a JSON field, dimensions from fields, unit', async () => {
  await logs.send(new PutMetricFilterCommand({ logGroupName: G, filterName: 'latency', filterPattern: '{ $.latency = * }', metricTransformations: [{ metricName: 'Latency', metricNamespace: 'App', metricValue: '$.latency', unit: 'Milliseconds', dimensions: { Method: '$.requestType' } }] }));
  await put('app', [JSON.stringify({ latency: 50, requestType: 'GET' }), JSON.stringify({ latency: 70, requestType: 'GET' }), JSON.stringify({ latency: 5, requestType: 'PUT' }), JSON.stringify({ latency: 'n/a', requestType: 'GET' }), 'plain text']);
  assert.equal(await sum('App', 'Latency', [{ Name: 'Method', Value: 'GET' }]), 120);
  assert.equal(await sum('App', 'Latency', [{ Name: 'Method', Value: 'PUT' }]), 5);
});

test('space-delimited $field values and defaultValue for periods without a match', async () => {
  await logs.send(new PutMetricFilterCommand({ logGroupName: G, filterName: 'bytes', filterPattern: '[ip, user, username, timestamp, request, status_code = 4*, bytes]', metricTransformations: [{ metricName: 'ClientErrorBytes', metricNamespace: 'Web', metricValue: '$bytes', defaultValue: 0 }] }));
  await put('app', ['127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534', '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /a HTTP/1.0" 200 99']);
  assert.equal(await sum('Web', 'ClientErrorBytes'), 1534);
});

test('Describe by prefix and by metric, Delete, and AWS errors', async () => {
  const byPrefix = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: G, filterNamePrefix: 'la' }));
  assert.deepEqual(byPrefix.metricFilters!.map((f) => f.filterName), ['latency']);
  assert.equal(byPrefix.metricFilters![0].metricTransformations![0].metricValue, '$.latency');
  const byMetric = await logs.send(new DescribeMetricFiltersCommand({ metricName: 'ClientErrorBytes', metricNamespace: 'Web' }));
  assert.deepEqual(byMetric.metricFilters!.map((f) => f.filterName), ['bytes']);
  await logs.send(new DeleteMetricFilterCommand({ logGroupName: G, filterName: 'bytes' }));
  await assert.rejects(logs.send(new DeleteMetricFilterCommand({ logGroupName: G, filterName: 'bytes' })), (e: Error) => e.name === 'ResourceNotFoundException');
  await assert.rejects(logs.send(new PutMetricFilterCommand({ logGroupName: G, filterName: 'bad', filterPattern: '{ $.a = ', metricTransformations: [{ metricName: 'M', metricNamespace: 'N', metricValue: '1' }] })), (e: Error) => e.name === 'InvalidParameterException' && /Invalid filter pattern/.test(e.message));
  await assert.rejects(logs.send(new PutMetricFilterCommand({ logGroupName: G, filterName: 'bad', filterPattern: 'x', metricTransformations: [{ metricName: 'M', metricNamespace: 'N', metricValue: '1', defaultValue: 0, dimensions: { a: '$.a' } }] })), (e: Error) => e.name === 'InvalidParameterException');
  await assert.rejects(logs.send(new PutMetricFilterCommand({ logGroupName: '/nope', filterName: 'f', filterPattern: 'x', metricTransformations: [{ metricName: 'M', metricNamespace: 'N', metricValue: '1' }] })), (e: Error) => e.name === 'ResourceNotFoundException');
  await assert.rejects(logs.send(new DescribeMetricFiltersCommand({ filterNamePrefix: 'x' })), (e: Error) => e.name === 'InvalidParameterException');
});
