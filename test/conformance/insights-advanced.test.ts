/**
 * Logs Insights: pattern, diff and anomaly (our documented semantics of fact sheet §1.3's intent),
 * execution (cancellation, engine time limit, bound parameters), and compiled SQL shape.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, T0, MIN, HOUR, DAY, ACCOUNT, type Ev, type Fixture } from './insights-datasets.js';
import { compileQuery, runInsightsQuery, validateQuery, InsightsCancelledError, MalformedQueryError } from '../../src/query/insights/index.js';
import type { Engine, QueryParams } from '../../src/store/engine.js';

const PAT: Ev[] = [];
for (let k = 0; k < 40; k++) PAT.push({ ts: T0 + k * 15 * MIN, msg: `[INFO] Request time: ${k === 39 ? 5000 : 100 + k} ms` });
for (let k = 0; k < 10; k++) PAT.push({ ts: T0 + k * HOUR + 5 * MIN, msg: `[ERROR] Failed to do: connect to 10.0.0.${k}` });
for (let k = 0; k < 4; k++) PAT.push({ ts: T0 + 9 * HOUR + 30 * MIN + k * MIN, msg: `[WARN] Disk usage ${80 + k}% on /dev/sda1` });
['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].forEach((u, k) => PAT.push({ ts: T0 + k * HOUR + 7 * MIN, msg: `User ${u} logged in from 192.0.2.${k + 1}` }));
// The previous day.
for (let k = 0; k < 20; k++) PAT.push({ ts: T0 - DAY + k * 30 * MIN, msg: `[INFO] Request time: ${200 + k} ms` });
for (let k = 0; k < 10; k++) PAT.push({ ts: T0 - DAY + k * HOUR + 1, msg: `[DEBUG] cache refresh took ${k} ms` });
for (let k = 0; k < 2; k++) PAT.push({ ts: T0 - DAY + k * HOUR + 2, msg: `[ERROR] Failed to do: connect to 10.0.1.${k}` });
// The period just before (for `diff` without a period).
PAT.push({ ts: T0 - HOUR, msg: '[ERROR] Failed to do: connect to 10.9.9.9' });

const HTTP: Ev[] = [];
for (let k = 0; k < 9; k++) HTTP.push({ ts: T0 + k * HOUR + MIN, msg: `GET /api/items 200 ${10 + k}ms` });
for (let k = 0; k < 6; k++) HTTP.push({ ts: T0 + 9 * HOUR + k * MIN, msg: `GET /api/items 503 ${10 + k}ms` });

const RANGE = { startMs: T0, endMs: T0 + 10 * HOUR - 1 };

let fx: Fixture;
before(async () => { fx = await openFixture({ '/pat': { events: PAT }, '/pat-http': { events: HTTP } }); });
after(async () => { await fx.close(); });

function check(name: string, query: string, groups: string | string[], expected: Record<string, string>[], opts = {}): void {
  test(name, async () => assert.deepEqual(await fx.rows(query, groups, { ...RANGE, ...opts }), expected));
}

// ---- pattern ----

check('fact sheet §1.3 pattern: clusters messages into <Type-N> patterns with @ratio, @sampleCount, @severityLabel', 'pattern @message', '/pat', [
  { '@pattern': '[INFO] Request time: <Number-1> ms', '@ratio': '0.666667', '@sampleCount': '40', '@severityLabel': 'Info' },
  { '@pattern': '[ERROR] Failed to do: connect to <IPAddress-1>', '@ratio': '0.166667', '@sampleCount': '10', '@severityLabel': 'Error' },
  { '@pattern': 'User <Token-1> logged in from <IPAddress-2>', '@ratio': '0.1', '@sampleCount': '6', '@severityLabel': 'Unknown' },
  { '@pattern': '[WARN] Disk usage <Token-1> on /dev/sda1', '@ratio': '0.066667', '@sampleCount': '4', '@severityLabel': 'Warning' },
]);
test('fact sheet §1.3 pattern: output columns', async () => {
  const r = await fx.run('pattern @message', '/pat', RANGE);
  assert.deepEqual(r.fields, ['@pattern', '@ratio', '@sampleCount', '@severityLabel']);
  assert.equal(r.statistics.recordsMatched, 60);
  assert.ok(r.rows.every((row) => row.every((f) => f.field !== '@ptr')));
});
check('fact sheet §1.3 pattern doc example: filter, parse a cause, pattern it, sort by @sampleCount asc',
  "filter @message like /ERROR/ | parse @message 'Failed to do: *' as cause | pattern cause | sort @sampleCount asc", '/pat',
  [{ '@pattern': 'connect to <IPAddress-1>', '@ratio': '1', '@sampleCount': '10', '@severityLabel': 'Unknown' }]);
check('fact sheet §1.3 pattern: a string function result as input', 'pattern toupper(@message) | filter @severityLabel = "Warning" | display @pattern', '/pat', [{ '@pattern': '[WARN] DISK USAGE <Token-1> ON /DEV/SDA1' }]);
check('our documented semantics: commands after pattern run over the pattern rows', 'pattern @message | filter @sampleCount >= 10 | sort @pattern | display @pattern, @sampleCount', '/pat', [
  { '@pattern': '[ERROR] Failed to do: connect to <IPAddress-1>', '@sampleCount': '10' },
  { '@pattern': '[INFO] Request time: <Number-1> ms', '@sampleCount': '40' },
]);
check('our documented semantics: stats over pattern rows', 'pattern @message | stats sum(@sampleCount) as n, count(*) as patterns', '/pat', [{ n: '60', patterns: '4' }]);
check('our documented semantics: limit after pattern', 'pattern @message | limit 1 | display @pattern', '/pat', [{ '@pattern': '[INFO] Request time: <Number-1> ms' }]);
check('our documented semantics: pattern of no events', 'filter @message like "nothing matches" | pattern @message', '/pat', []);

// ---- diff ----

check('fact sheet §1.3 diff previousDay: compares pattern shares with the same range a day earlier', 'pattern @message | diff previousDay | display @pattern, @sampleCount, @previousSampleCount, @diffType', '/pat', [
  { '@pattern': '[INFO] Request time: <Number-1> ms', '@sampleCount': '40', '@previousSampleCount': '20', '@diffType': 'unchanged' },
  { '@pattern': '[ERROR] Failed to do: connect to <IPAddress-1>', '@sampleCount': '10', '@previousSampleCount': '2', '@diffType': 'increased' },
  { '@pattern': 'User <Token-1> logged in from <IPAddress-2>', '@sampleCount': '6', '@previousSampleCount': '0', '@diffType': 'new' },
  { '@pattern': '[WARN] Disk usage <Token-1> on /dev/sda1', '@sampleCount': '4', '@previousSampleCount': '0', '@diffType': 'new' },
  { '@pattern': '[DEBUG] cache refresh took <Number-1> ms', '@sampleCount': '0', '@previousSampleCount': '10', '@diffType': 'gone' },
]);
test('fact sheet §1.3 diff: output columns', async () => {
  const r = await fx.run('pattern @message | diff previousDay', '/pat', RANGE);
  assert.deepEqual(r.fields, ['@pattern', '@severityLabel', '@sampleCount', '@previousSampleCount', '@ratio', '@previousRatio', '@changeInRatio', '@diffType']);
  const err = r.rows.find((row) => row[0].value.startsWith('[ERROR]'))!;
  assert.deepEqual(Object.fromEntries(err.map((f) => [f.field, f.value])), {
    '@pattern': '[ERROR] Failed to do: connect to <IPAddress-1>', '@severityLabel': 'Error', '@sampleCount': '10', '@previousSampleCount': '2',
    '@ratio': '0.166667', '@previousRatio': '0.0625', '@changeInRatio': '0.104167', '@diffType': 'increased',
  });
});
check('fact sheet §1.3 diff: without a period compares with the previous equal-length range', 'diff | filter @previousSampleCount > 0 | display @pattern, @previousSampleCount', '/pat',
  [{ '@pattern': '[ERROR] Failed to do: connect to <IPAddress-1>', '@previousSampleCount': '1' }]);
check('fact sheet §1.3 diff previousWeek: nothing a week earlier', 'pattern @message | diff previousWeek | stats count(*) as n by @diffType', '/pat', [{ '@diffType': 'new', n: '4' }]);
check('fact sheet §1.3 diff previousMonth', 'pattern @message | diff previousMonth | filter @diffType != "new"', '/pat', []);

// ---- anomaly ----

check('fact sheet §1.3 anomaly: a new pattern and a numeric token anomaly', 'pattern @message | anomaly | display @pattern, @anomalyType, @priority', '/pat', [
  { '@pattern': '[INFO] Request time: <Number-1> ms', '@anomalyType': 'Numeric token anomaly', '@priority': 'MEDIUM' },
  { '@pattern': '[WARN] Disk usage <Token-1> on /dev/sda1', '@anomalyType': 'New pattern', '@priority': 'MEDIUM' },
]);
check('fact sheet §1.3 anomaly: HTTP error code anomaly and token variation', 'pattern @message | anomaly | display @pattern, @anomalyType, @priority', '/pat-http', [
  { '@pattern': 'GET /api/items <Number-1> <Token-2>', '@anomalyType': 'HTTP error code', '@priority': 'HIGH' },
  { '@pattern': 'GET /api/items <Number-1> <Token-2>', '@anomalyType': 'Numeric token anomaly', '@priority': 'MEDIUM' },
  { '@pattern': 'GET /api/items <Number-1> <Token-2>', '@anomalyType': 'Token variation', '@priority': 'LOW' },
]);
test('fact sheet §1.3 anomaly: output columns', async () => {
  const r = await fx.run('pattern @message | anomaly', '/pat', RANGE);
  assert.deepEqual(r.fields, ['@pattern', '@ratio', '@sampleCount', '@severityLabel', '@anomalyType', '@description', '@priority']);
  assert.match(r.rows[0].find((f) => f.field === '@description')!.value, /reached 5000/);
});
check('fact sheet §1.3 anomaly: nothing unusual in a steady stream', 'filter @message like "Request time" | pattern @message | anomaly | filter @anomalyType != "Numeric token anomaly"', '/pat', []);

// ---- execution ----

test('ENGINE.md rule 5: every engine query sets max_execution_time', async () => {
  const seen: QueryParams[] = [];
  const spy: Engine = {
    query: (p) => { seen.push(p); return fx.store.engine.query(p); },
    command: (p) => fx.store.engine.command(p),
    insert: (p) => fx.store.engine.insert(p),
    close: async () => {},
  };
  const g = fx.groups.get('/pat')!;
  await runInsightsQuery(spy, { queryString: 'pattern @message | diff previousDay', groups: [g], allGroups: () => [g], ...RANGE, accountId: ACCOUNT, now: T0 });
  await runInsightsQuery(spy, { queryString: 'fields @message | limit 2', groups: [g], allGroups: () => [g], ...RANGE, accountId: ACCOUNT, now: T0 });
  assert.ok(seen.length >= 5);
  for (const p of seen) assert.ok(Number(p.clickhouse_settings?.max_execution_time) > 0, p.query);
});

test('our documented semantics: an aborted signal cancels the query', async () => {
  const ac = new AbortController();
  const p = fx.run('stats count(*) by bin(1m), @message', '/pat', { ...RANGE, signal: ac.signal });
  ac.abort();
  await assert.rejects(p, InsightsCancelledError);
});

test('our documented semantics: an already aborted signal never reaches the engine', async () => {
  const ac = new AbortController();
  ac.abort();
  let calls = 0;
  const spy: Engine = { query: (p) => { calls++; return fx.store.engine.query(p); }, command: async () => {}, insert: async () => {}, close: async () => {} };
  const g = fx.groups.get('/pat')!;
  await assert.rejects(runInsightsQuery(spy, { queryString: 'fields @message', groups: [g], allGroups: () => [g], ...RANGE, accountId: ACCOUNT, now: T0, signal: ac.signal }), InsightsCancelledError);
  assert.equal(calls, 0);
});

test('our documented semantics: user values travel as bound parameters, never in the SQL text', () => {
  const g = { id: 1, name: '/g', logGroupClass: 'STANDARD' };
  const q = `filter msg = "x'; DROP TABLE log_events; --" and \`we"ird\` like /a'b/ | parse @message "k=* '" as v | fields concat(v, "' OR 1=1") as w`;
  const c = compileQuery(q, { queryString: q, groups: [g], allGroups: () => [g], startMs: 0, endMs: 1, accountId: "1'2", now: 0 });
  for (const bad of ['DROP TABLE', "a'b", "' OR 1=1", "k=(.*) '", "1'2", 'we"ird']) assert.ok(!c.sql.includes(bad), bad);
  assert.ok(Object.values(c.params).includes("x'; DROP TABLE log_events; --"));
});

test('performance contract: the scan restricts by group_id and time range first (primary key)', () => {
  const g = { id: 7, name: '/g', logGroupClass: 'STANDARD' };
  const q = 'filter status = 200 | stats count(*) by bin(5m), path';
  const c = compileQuery(q, { queryString: q, groups: [g], allGroups: () => [g], startMs: 0, endMs: 1, accountId: '1', now: 0 });
  assert.match(c.sql, /FROM log_events WHERE \(group_id IN \{p\d+:Array\(UInt64\)\}\) AND \(timestamp >= \{p\d+:Int64\} AND timestamp <= \{p\d+:Int64\}\)/);
  assert.match(c.sql, /JSONExtract\(message, \{p\d+:String\}, 'Nullable\(String\)'\)/, 'the filtered field is extracted on its own (evaluated first)');
  assert.equal((c.sql.match(/ AS __jx,/g) ?? []).length, 1, 'the other fields share one extraction');
});

test('our documented semantics: validateQuery checks a query against SOURCE without groups', () => {
  assert.doesNotThrow(() => validateQuery("SOURCE logGroups(namePrefix: ['/a']) | stats count(*)"));
  assert.throws(() => validateQuery("SOURCE logGroups(namePrefix: ['/a']) | stats nosuch(x)"), MalformedQueryError);
});

test('our documented semantics: compileQuery of a pattern query returns the pattern input SQL', () => {
  const g = { id: 7, name: '/g', logGroupClass: 'STANDARD' };
  const q = 'filter @message like "x" | pattern @message | sort @sampleCount desc';
  const c = compileQuery(q, { queryString: q, groups: [g], allGroups: () => [g], startMs: 0, endMs: 1, accountId: '1', now: 0 });
  assert.ok(c.pattern);
  assert.match(c.sql, /AS __v/);
});
