/**
 * Filter patterns through the APIs with real clients: FilterLogEvents with JSON, space-delimited and regex
 * patterns, and TestMetricFilter (AWS doc vectors, aws-docs/cloudwatch-logs/filter_pattern_doc_vectors.json;
 * the TestMetricFilter example from the aws CLI's own docs).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CloudWatchLogsClient, FilterLogEventsCommand, TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startTestServer, awsEnv, TEST_KEY, type TestServer } from '../helpers/server.js';
import { ingestLines } from '../../src/ingest/native-ingest.js';

const run = promisify(execFile);
let srv: TestServer;
let sdk: CloudWatchLogsClient;
const GROUP = '/test/patterns';
const now = Date.now();
const LINES = [
  { timestamp: now - 5000, eventType: 'UpdateTrail', sourceIPAddress: '10.0.0.1', errorCode: 'AccessDenied' },
  { timestamp: now - 4000, eventType: 'StopLogging', sourceIPAddress: '10.0.0.2' },
  { timestamp: now - 3000, eventType: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' }, additionalEventData: { MFAUsed: 'No' } },
  { timestamp: now - 2000, eventType: 'GetObject', bytes: 2048, tags: ['a', 'b'] },
].map((o) => JSON.stringify(o));
const ACCESS = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534';

before(async () => {
  srv = await startTestServer();
  sdk = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  await ingestLines(srv.store, { group: GROUP, stream: 'json', create: true, body: LINES.join('\n') });
  await ingestLines(srv.store, { group: GROUP, stream: 'access', create: true, body: ACCESS });
});
after(async () => { await srv.cleanup(); });

async function filterCli(pattern: string): Promise<string[]> {
  const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', srv.url, '--output', 'json', 'logs', 'filter-log-events', '--log-group-name', GROUP, '--filter-pattern', pattern], { env: awsEnv() });
  return (JSON.parse(stdout) as { events: { message: string }[] }).events.map((e) => e.message);
}

test('aws CLI filter-log-events with JSON patterns (&&, ||, numeric, NOT EXISTS, arrays)', async () => {
  assert.deepEqual(await filterCli('{ $.errorCode = "AccessDenied" }'), [LINES[0]]);
  assert.deepEqual(await filterCli('{ ($.eventType = "StopLogging") || ($.eventType = "UpdateTrail") }'), [LINES[0], LINES[1]]);
  assert.deepEqual(await filterCli('{ $.bytes > 1000 }'), [LINES[3]]);
  assert.deepEqual(await filterCli('{ $.eventType = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }'), [LINES[2]]);
  assert.deepEqual(await filterCli('{ $.tags[1] = "b" }'), [LINES[3]]);
  assert.deepEqual(await filterCli('{ $.sourceIPAddress = "10.0.0.*" && $.errorCode NOT EXISTS }'), [LINES[1]]);
});

test('aws CLI filter-log-events with space-delimited and regex patterns', async () => {
  assert.deepEqual(await filterCli('[ip, user, username, timestamp, request = *.html*, status_code = 4*, bytes]'), [ACCESS]);
  assert.deepEqual(await filterCli('[..., status_code = 5*, bytes]'), []);
  assert.deepEqual(await filterCli('%Stop[A-Z][a-z]+%'), [LINES[1]]);
});

test('SDK: an invalid pattern is InvalidParameterException naming the position', async () => {
  await assert.rejects(sdk.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.a = ' })),
    (e: Error) => e.name === 'InvalidParameterException' && /Invalid filter pattern/.test(e.message) && /position \d+/.test(e.message));
  await assert.rejects(sdk.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '%a(b)%' })), (e: Error) => e.name === 'InvalidParameterException');
});

test('aws CLI test-metric-filter: the aws CLI documentation example', async () => {
  const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', srv.url, '--output', 'json', 'logs', 'test-metric-filter', '--filter-pattern', 'ERROR',
    '--log-event-messages', '[ERROR] 400 BAD REQUEST', '[ERROR] 400 BAD REQUEST', '[INFO] 200 OK'], { env: awsEnv() });
  const r = JSON.parse(stdout) as { matches: { eventNumber: number; eventMessage: string; extractedValues: Record<string, string> }[] };
  assert.deepEqual(r.matches.map((m) => [m.eventNumber, m.eventMessage]), [[1, '[ERROR] 400 BAD REQUEST'], [2, '[ERROR] 400 BAD REQUEST']]);
});

test('SDK TestMetricFilter: extracted values of a space-delimited pattern (AWS doc vector sd-named-fields)', async () => {
  const r = await sdk.send(new TestMetricFilterCommand({ filterPattern: '[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]', logEventMessages: [ACCESS, 'nope'] }));
  assert.equal(r.matches!.length, 1);
  assert.deepEqual(r.matches![0].extractedValues, { $bytes: '1534', $status_code: '404', $request: 'GET /index.html HTTP/1.0', $timestamp: '10/Oct/2000:13:25:15 -0700', $username: 'frank', $user: 'Prod', $ip: '127.0.0.1' });
  const j = await sdk.send(new TestMetricFilterCommand({ filterPattern: '{ $.bytes > 1 }', logEventMessages: [LINES[3]] }));
  assert.deepEqual(j.matches![0].extractedValues, { '$.bytes': '2048' });
});
