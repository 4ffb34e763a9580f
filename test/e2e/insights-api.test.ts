/**
 * Logs Insights APIs through real clients: Debian's aws CLI 2.x and the SDK v3 (aws-facts.md §1.9, §3.1):
 * StartQuery / GetQueryResults lifecycle and shapes, MalformedQueryException with a location, StopQuery,
 * DescribeQueries, GetLogRecord from @ptr, and saved query definitions.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CloudWatchLogsClient, StartQueryCommand, GetQueryResultsCommand, GetLogRecordCommand, StopQueryCommand, DescribeQueriesCommand,
  PutQueryDefinitionCommand, DescribeQueryDefinitionsCommand, DeleteQueryDefinitionCommand, MalformedQueryException, type GetQueryResultsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import { startTestServer, awsEnv, TEST_KEY, type TestServer } from '../helpers/server.js';
import { ingestLines } from '../../src/ingest/native-ingest.js';

const run = promisify(execFile);
let srv: TestServer;
let sdk: CloudWatchLogsClient;
const now = Date.now();
const GROUP = '/test/insights-api';

async function awsCli(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', srv.url, '--output', 'json', 'logs', ...args], { env: awsEnv() });
  return stdout.trim() ? JSON.parse(stdout) as Record<string, unknown> : {};
}

async function waitDone(queryId: string): Promise<GetQueryResultsCommandOutput> {
  for (let i = 0; i < 200; i++) {
    const r = await sdk.send(new GetQueryResultsCommand({ queryId }));
    if (r.status !== 'Running' && r.status !== 'Scheduled') return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('query did not finish');
}

before(async () => {
  srv = await startTestServer();
  sdk = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ timestamp: now - (50 - i) * 1000, level: i % 10 === 0 ? 'error' : 'info', latencyMs: i * 10, path: i % 2 ? '/a' : '/b', user: { id: `u${i % 3}` } }));
  await ingestLines(srv.store, { group: GROUP, stream: 'web-1', create: true, body: lines.join('\n') });
});
after(async () => { await srv.cleanup(); });

test('aws CLI start-query / get-query-results: stats rows as field/value strings, statistics, Complete', async () => {
  const { queryId } = await awsCli('start-query', '--log-group-name', GROUP, '--start-time', String(Math.floor(now / 1000) - 3600), '--end-time', String(Math.floor(now / 1000) + 60),
    '--query-string', 'stats count(*) as n by level | sort n desc') as { queryId: string };
  assert.match(queryId, /^[0-9a-f-]{36}$/);
  let r: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) {
    r = await awsCli('get-query-results', '--query-id', queryId);
    if (r.status === 'Complete') break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(r.status, 'Complete');
  assert.deepEqual(r.results, [[{ field: 'level', value: 'info' }, { field: 'n', value: '45' }], [{ field: 'level', value: 'error' }, { field: 'n', value: '5' }]]);
  const stats = r.statistics as Record<string, number>;
  assert.equal(stats.recordsMatched, 50);
  assert.equal(stats.recordsScanned, 50);
  assert.ok(stats.bytesScanned > 0);
});

test('aws CLI: a malformed query is refused at StartQuery with MalformedQueryException', async () => {
  await assert.rejects(awsCli('start-query', '--log-group-name', GROUP, '--start-time', '1', '--end-time', '2', '--query-string', 'fields @message | filtr x = 1'),
    (e: { stderr: string }) => /MalformedQueryException/.test(e.stderr));
});

test('SDK: non-aggregated rows carry @ptr, and GetLogRecord resolves it to the event with its discovered fields', async () => {
  const { queryId } = await sdk.send(new StartQueryCommand({ logGroupName: GROUP, startTime: Math.floor(now / 1000) - 3600, endTime: Math.floor(now / 1000) + 60, queryString: 'fields @timestamp, @message, latencyMs | filter level = "error" | sort @timestamp asc | limit 2' }));
  const r = await waitDone(queryId!);
  assert.equal(r.status, 'Complete');
  assert.equal(r.results!.length, 2);
  const row = Object.fromEntries(r.results![0].map((f) => [f.field!, f.value!]));
  assert.equal(row.latencyMs, '0');
  assert.match(row['@timestamp'], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
  assert.ok(row['@ptr']);
  const rec = await sdk.send(new GetLogRecordCommand({ logRecordPointer: row['@ptr'] }));
  assert.equal(rec.logRecord!['@message'], row['@message']);
  assert.equal(rec.logRecord!.level, 'error');
  assert.equal(rec.logRecord!['user.id'], 'u0');
  assert.equal(rec.logRecord!['@logStream'], 'web-1');
  assert.equal(rec.logRecord!['@log'], `000000000000:${GROUP}`);
});

test('SDK: MalformedQueryException carries queryCompileError with a location', async () => {
  const err = await sdk.send(new StartQueryCommand({ logGroupName: GROUP, startTime: 1, endTime: 2, queryString: 'stats count(*) by' })).catch((e: unknown) => e);
  assert.equal((err as Error).name, 'MalformedQueryException', String(err));
  // 'stats count(*) by' ends where a group key was expected: offset 17 is the end of the text.
  const loc = (err as MalformedQueryException).queryCompileError?.location;
  assert.equal(typeof loc?.startCharOffset, 'number');
  assert.equal(typeof loc?.endCharOffset, 'number');
  assert.ok(loc!.startCharOffset! >= 15 && loc!.startCharOffset! <= 17, JSON.stringify(loc));
});

test('SDK: parameter rules — one of the group parameters, a missing group, limit range', async () => {
  await assert.rejects(sdk.send(new StartQueryCommand({ startTime: 1, endTime: 2, queryString: 'fields @message' })), /InvalidParameterException|logGroupName/);
  await assert.rejects(sdk.send(new StartQueryCommand({ logGroupName: '/nope', startTime: 1, endTime: 2, queryString: 'fields @message' })), (e: Error) => e.name === 'ResourceNotFoundException');
  await assert.rejects(sdk.send(new StartQueryCommand({ logGroupName: GROUP, startTime: 1, endTime: 2, queryString: 'fields @message', limit: 10_001 })), (e: Error) => e.name === 'InvalidParameterException');
});

test('SDK: the API limit caps rows; DescribeQueries lists queries; StopQuery on a finished query is refused', async () => {
  const { queryId } = await sdk.send(new StartQueryCommand({ logGroupNames: [GROUP], startTime: Math.floor(now / 1000) - 3600, endTime: Math.floor(now / 1000) + 60, queryString: 'fields @message', limit: 7 }));
  const r = await waitDone(queryId!);
  assert.equal(r.results!.length, 7);
  const d = await sdk.send(new DescribeQueriesCommand({ logGroupName: GROUP }));
  const mine = d.queries!.find((q) => q.queryId === queryId);
  assert.equal(mine?.status, 'Complete');
  assert.equal(mine?.queryString, 'fields @message');
  await assert.rejects(sdk.send(new StopQueryCommand({ queryId })), (e: Error) => e.name === 'InvalidParameterException');
  await assert.rejects(sdk.send(new GetQueryResultsCommand({ queryId: 'no-such-query' })), (e: Error) => e.name === 'ResourceNotFoundException');
});

test('SDK: saved query definitions — put, update, describe by prefix, delete', async () => {
  const { queryDefinitionId } = await sdk.send(new PutQueryDefinitionCommand({ name: 'errors/by-path', queryString: 'filter level = "error" | stats count(*) by path', logGroupNames: [GROUP] }));
  assert.ok(queryDefinitionId);
  await sdk.send(new PutQueryDefinitionCommand({ queryDefinitionId, name: 'errors/by-path', queryString: 'filter level = "error" | stats count(*) as n by path' }));
  const d = await sdk.send(new DescribeQueryDefinitionsCommand({ queryDefinitionNamePrefix: 'errors/' }));
  assert.equal(d.queryDefinitions!.length, 1);
  assert.equal(d.queryDefinitions![0].queryString, 'filter level = "error" | stats count(*) as n by path');
  assert.equal((await sdk.send(new DeleteQueryDefinitionCommand({ queryDefinitionId }))).success, true);
  await assert.rejects(sdk.send(new DeleteQueryDefinitionCommand({ queryDefinitionId })), (e: Error) => e.name === 'ResourceNotFoundException');
});
