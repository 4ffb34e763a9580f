/**
 * Logs Insights partial results and early stop, through real clients (SDK v3, Debian's aws CLI 2.x) against a
 * real server with a week of events.
 *
 * Oracles: GetQueryResults API reference ("If the value of the Status field in the output is Running, this
 * operation returns only partial results"; fact sheet §1.9 "While Running, partial results are returned");
 * the `limit` command page (CWL_QuerySyntax-Limit: "With a regular limit, the query scans all data in the time
 * range and then returns the top N results", so the final statistics cover the whole range); and the one-piece
 * run of the same query by our executor (`runInsightsQuery(..., { slices: false })`), which the sliced run must
 * equal row for row, statistics included.
 *
 * A slice is held deterministically with the executor's test hook (`sliceHooks.beforeSlice`), never with timing.
 */
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CloudWatchLogsClient, StartQueryCommand, GetQueryResultsCommand, StopQueryCommand, type GetQueryResultsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { startTestServer, awsEnv, TEST_KEY, type TestServer } from '../helpers/server.js';
import { ingestLines } from '../../src/ingest/native-ingest.js';
import { runInsightsQuery, sliceHooks } from '../../src/query/insights/executor.js';
import type { InsightsRequest, InsightsResult } from '../../src/query/insights/contract.js';
import type { TimeSlice } from '../../src/query/insights/time-slices.js';

const run = promisify(execFile);
const GROUP = '/test/insights-partial';
const HALF_HOUR = 1_800_000;
const EVENTS = 7 * 48; // one event every 30 minutes for a week
const now = Date.now();
// The newest event is 10 minutes old; every event has its own timestamp (no ties in the order).
const newest = now - 600_000;
const stamps = Array.from({ length: EVENTS }, (_, i) => newest - (EVENTS - 1 - i) * HALF_HOUR);
const START_S = Math.floor(stamps[0] / 1000) - 60;
const END_S = Math.floor(now / 1000);

let srv: TestServer;
let sdk: CloudWatchLogsClient;

before(async () => {
  srv = await startTestServer();
  sdk = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  const lines = stamps.map((ts, n) => JSON.stringify({ timestamp: ts, n, level: n % 10 === 0 ? 'error' : 'info', msg: `event ${n}` }));
  const r = await ingestLines(srv.store, { group: GROUP, stream: 'app', create: true, body: lines.join('\n') });
  assert.equal(r.ingested, EVENTS);
});
after(async () => { await srv.cleanup(); });
afterEach(() => { delete sliceHooks.beforeSlice; });

/** Holds every slice of one query after the first until the test releases it, and says when one is waiting. */
class SliceGate {
  readonly seen: TimeSlice[] = [];
  private waiting: { slice: TimeSlice; release: () => void }[] = [];
  private notify: (() => void) | null = null;
  private open = false;

  constructor(queryString: string) {
    sliceHooks.beforeSlice = ({ queryString: q, slice }) => {
      if (q !== queryString) return;
      this.seen.push(slice);
      if (this.seen.length === 1 || this.open) return;
      return new Promise<void>((release) => {
        this.waiting.push({ slice, release });
        this.notify?.();
      });
    };
  }

  /** Resolves when a slice is held (the rows of the slices before it are published by then). */
  async held(): Promise<TimeSlice> {
    while (!this.waiting.length) await new Promise<void>((r) => { this.notify = r; });
    this.notify = null;
    return this.waiting[0].slice;
  }

  release(): void { this.waiting.shift()?.release(); }

  /** Lets everything run. */
  openAll(): void {
    this.open = true;
    for (const w of this.waiting.splice(0)) w.release();
  }
}

function request(queryString: string, limit?: number): InsightsRequest {
  const g = srv.store.meta.groups.get(GROUP)!;
  const qg = { id: g.id, name: g.name, logGroupClass: g.logGroupClass, table: srv.store.tableOf(g) };
  return { queryString, groups: [qg], allGroups: () => [qg], startMs: START_S * 1000, endMs: END_S * 1000 + 999, limit, accountId: '000000000000', now };
}

/** The one-piece run: the reference the sliced answer must equal. */
function oneShot(queryString: string, limit?: number): Promise<InsightsResult> {
  return runInsightsQuery(srv.store.engine, request(queryString, limit), { slices: false });
}

async function waitDone(queryId: string): Promise<GetQueryResultsCommandOutput> {
  for (let i = 0; i < 600; i++) {
    const r = await sdk.send(new GetQueryResultsCommand({ queryId }));
    if (r.status !== 'Running' && r.status !== 'Scheduled') return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('query did not finish');
}

const plain = (rows: { field?: string; value?: string }[][] | undefined) => (rows ?? []).map((r) => r.map((f) => ({ field: f.field, value: f.value })));
const statsOf = (s: GetQueryResultsCommandOutput['statistics']) => ({ recordsMatched: s?.recordsMatched, recordsScanned: s?.recordsScanned, bytesScanned: s?.bytesScanned });

test('SDK: while Running, GetQueryResults returns a growing prefix of the final rows; Complete equals the one-piece run', async () => {
  const q = 'fields @timestamp, n | filter n % 2 = 0';
  const gate = new SliceGate(q);
  const { queryId } = await sdk.send(new StartQueryCommand({ logGroupName: GROUP, startTime: START_S, endTime: END_S, queryString: q }));

  await gate.held();
  const first = await sdk.send(new GetQueryResultsCommand({ queryId }));
  assert.equal(first.status, 'Running');
  assert.ok(first.results!.length > 0, 'rows of the first slice are visible while Running');
  gate.release();
  await gate.held();
  const second = await sdk.send(new GetQueryResultsCommand({ queryId }));
  assert.equal(second.status, 'Running');
  assert.ok(second.results!.length > first.results!.length, `${second.results!.length} > ${first.results!.length}`);
  assert.equal(second.statistics!.recordsMatched, second.results!.length);
  assert.ok(second.statistics!.recordsScanned! > first.statistics!.recordsScanned!);
  gate.openAll();

  const done = await waitDone(queryId!);
  assert.equal(done.status, 'Complete');
  const final = plain(done.results);
  // Newest first: what was shown while Running is the start of the final answer.
  assert.deepEqual(plain(first.results), final.slice(0, first.results!.length));
  assert.deepEqual(plain(second.results), final.slice(0, second.results!.length));
  assert.ok(second.statistics!.recordsScanned! < done.statistics!.recordsScanned!);

  const ref = await oneShot(q);
  assert.deepEqual(final, ref.rows);
  assert.equal(final.length, EVENTS / 2);
  assert.deepEqual(statsOf(done.statistics), { recordsMatched: ref.statistics.recordsMatched, recordsScanned: ref.statistics.recordsScanned, bytesScanned: ref.statistics.bytesScanned });
  assert.equal(done.statistics!.recordsScanned, EVENTS);
  assert.ok(gate.seen.length >= 4, `the week was read in ${gate.seen.length} slices`);
});

test('aws CLI: `fields @timestamp | limit 5` over a week stops after the newest slice; rows and statistics equal the one-piece run', async () => {
  const q = 'fields @timestamp | limit 5';
  const read: TimeSlice[] = [];
  sliceHooks.beforeSlice = ({ queryString, slice }) => { if (queryString === q) read.push(slice); };
  const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', srv.url, '--output', 'json', 'logs', 'start-query', '--log-group-name', GROUP,
    '--start-time', String(START_S), '--end-time', String(END_S), '--query-string', q], { env: awsEnv() });
  const { queryId } = JSON.parse(stdout) as { queryId: string };
  const done = await waitDone(queryId);
  assert.equal(done.status, 'Complete');
  // The newest slice (about an hour) holds fewer than 5 events, so it takes a few slices, not the week.
  assert.ok(read.length >= 2 && read.length <= 3, `slices read: ${read.length}`);
  const readFrom = read[read.length - 1].startMs;
  assert.ok(readFrom > stamps[0] + 5 * 86_400_000, 'only the newest part of the week was read');
  const ref = await oneShot(q);
  assert.deepEqual(plain(done.results), ref.rows);
  assert.deepEqual(plain(done.results).map((r) => r[0].value), stamps.slice(-5).reverse().map((t) => new Date(t).toISOString().replace('T', ' ').replace('Z', '')));
  // A regular limit reports the whole range as scanned (limit page), as the one-piece run does.
  assert.deepEqual(statsOf(done.statistics), { recordsMatched: EVENTS, recordsScanned: EVENTS, bytesScanned: ref.statistics.bytesScanned });
});

test('SDK: StopQuery while Running keeps the rows found so far (status Cancelled)', async () => {
  const q = 'fields @timestamp, n, msg';
  const gate = new SliceGate(q);
  const { queryId } = await sdk.send(new StartQueryCommand({ logGroupName: GROUP, startTime: START_S, endTime: END_S, queryString: q }));
  await gate.held();
  const partial = await sdk.send(new GetQueryResultsCommand({ queryId }));
  assert.equal(partial.status, 'Running');
  assert.equal((await sdk.send(new StopQueryCommand({ queryId }))).success, true);
  gate.openAll();
  const r = await sdk.send(new GetQueryResultsCommand({ queryId }));
  assert.equal(r.status, 'Cancelled');
  assert.ok(r.results!.length > 0);
  assert.deepEqual(plain(r.results), plain(partial.results));
  assert.deepEqual(statsOf(r.statistics), statsOf(partial.statistics));
  await assert.rejects(sdk.send(new StopQueryCommand({ queryId })), (e: Error) => e.name === 'InvalidParameterException');
});

test('sliced and one-piece runs agree: order, filters, limits, parse/display, queryStartTime(), and one-piece queries', async () => {
  // [query, API limit, read in slices?]
  const queries: [string, number | undefined, boolean][] = [
    ['fields @timestamp, n | sort @timestamp asc | limit 7', undefined, true],
    ['filter level = "error" | fields n | limit 4', undefined, true],
    ['filter level = "error" | fields n, @message', undefined, true],
    ['filter @message like /event 1/ | limit 3', undefined, true],
    ['parse @message "event *\\"" as num | display num, @timestamp | limit 6', undefined, true],
    ['fields @timestamp, queryStartTime() as qs, queryEndTime() as qe | limit 30', undefined, true],
    ['fields n | limit 20 | fields n * 2 as twice', undefined, true],
    ['fields @timestamp, n | sort @timestamp desc', 9, true],
    ['fields n | filter n > 300 | sort @timestamp asc', undefined, true],
    ['sort n desc | limit 3', undefined, false],
    ['stats count(*) as c by level', undefined, false],
    ['fields level, n | dedup level', undefined, false],
    ['fields n | limit 5 | filter n % 2 = 0', undefined, false],
    ['fields n | limit any', undefined, false],
  ];
  for (const [q, limit, sliced] of queries) {
    let slices = 0;
    sliceHooks.beforeSlice = ({ queryString }) => { if (queryString === q) slices++; };
    const got = await runInsightsQuery(srv.store.engine, request(q, limit));
    delete sliceHooks.beforeSlice;
    assert.equal(slices > 0, sliced, `${q}: read in ${slices} slices`);
    const ref = await oneShot(q, limit);
    assert.ok(ref.rows.length > 0, q);
    if (q.includes('limit any')) assert.equal(got.rows.length, ref.rows.length, q);
    else assert.deepEqual(got, ref, q);
  }
});

test('SDK: GetQueryResults maxItems/nextToken pages through the rows; bad paging input is InvalidParameterException', async () => {
  // API reference (GetQueryResults): maxItems ≤ 10,000 rows per response; nextToken fetches the next set.
  const q = 'fields @timestamp, n | filter n < 25';
  const { queryId } = await sdk.send(new StartQueryCommand({ logGroupName: GROUP, startTime: START_S, endTime: END_S, queryString: q }));
  const all = await waitDone(queryId!);
  assert.equal(all.results!.length, 25);
  assert.equal(all.nextToken, undefined);
  const pages: GetQueryResultsCommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await sdk.send(new GetQueryResultsCommand({ queryId, maxItems: 10, nextToken: token }));
    pages.push(page);
    token = page.nextToken;
  } while (token);
  assert.deepEqual(pages.map((p) => p.results!.length), [10, 10, 5]);
  assert.deepEqual(plain(pages.flatMap((p) => p.results!)), plain(all.results));
  assert.ok(pages.every((p) => p.status === 'Complete' && p.statistics!.recordsMatched === 25));
  await assert.rejects(sdk.send(new GetQueryResultsCommand({ queryId, maxItems: 0 })), (e: Error) => e.name === 'InvalidParameterException' && /maxItems/.test(e.message));
  await assert.rejects(sdk.send(new GetQueryResultsCommand({ queryId, maxItems: 10_001 })), (e: Error) => e.name === 'InvalidParameterException' && /maxItems/.test(e.message));
  await assert.rejects(sdk.send(new GetQueryResultsCommand({ queryId, nextToken: 'not-a-token' })), (e: Error) => e.name === 'InvalidParameterException' && /nextToken/.test(e.message));
  // A token belongs to its query.
  const other = await sdk.send(new StartQueryCommand({ logGroupName: GROUP, startTime: START_S, endTime: END_S, queryString: q }));
  await waitDone(other.queryId!);
  await assert.rejects(sdk.send(new GetQueryResultsCommand({ queryId: other.queryId, nextToken: pages[0].nextToken })), (e: Error) => e.name === 'InvalidParameterException');
});
