/**
 * Typed columns in Logs Insights: for a CloudTrail table whose rows carry their typed columns, every query
 * answers exactly what it answers when the compiler parses the messages instead. The events are the 461
 * Panther CloudTrail test events (../shared/corpora/panther-analysis/panther_tests.jsonl) plus records with
 * odd values (numbers, objects, nulls, keys with dots) where the typed fields usually hold strings.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { LogStore } from '../../src/store/log-store.js';
import { formatTableSpecs } from '../../src/sources/import/importer.js';
import { exactTextFields } from '../../src/sources/registry.js';
import { parseCloudTrail } from '../../src/sources/cloudtrail/format.js';
import { explainQuery, runInsightsQuery } from '../../src/query/insights/index.js';
import type { InsightsRequest, QueryLogGroup } from '../../src/query/insights/contract.js';
import { pantherEvents } from '../fixtures/sources/corpus.js';
import { tempDir } from '../helpers/server.js';

const TABLE = 'events_cloudtrail';
const T0 = Date.UTC(2024, 0, 15);
let dir: string;
let engine: EmbeddedEngine;
let store: LogStore;
let group: QueryLogGroup;

const ODD: Record<string, unknown>[] = [
  { eventVersion: 1.08, eventName: 42, eventSource: 'odd.amazonaws.com', awsRegion: null, sourceIPAddress: { ip: '1.2.3.4' }, errorCode: true, userIdentity: { type: 'IAMUser', arn: ['x'], accountId: 123456789012 } },
  { eventVersion: '1.08', eventName: 'GetObject', eventSource: 's3.amazonaws.com', 'userIdentity.arn': 'dotted-key-arn', sourceIPAddress: '{not json', errorCode: 'AccessDenied' },
  { eventVersion: '1.09', eventName: '[bracket', eventSource: 's3.amazonaws.com', userIdentity: 'not an object', sourceIPAddress: '' },
  { eventName: 'NoVersion', errorCode: 123, errorMessage: 'numeric code' },
];

before(async () => {
  dir = tempDir('tw-typed-');
  engine = new EmbeddedEngine({ dataDir: join(dir, 'engine') });
  store = new LogStore(join(dir, 'store'), engine, formatTableSpecs());
  await store.open();
  const g = store.meta.createGroup('/aws/cloudtrail/typed', T0, 'STANDARD', {}, undefined, TABLE);
  const s = store.meta.createStream(g, 'typed', T0);
  const logs = [...pantherEvents('AWS.CloudTrail').map((t) => t.log), ...ODD];
  const events = logs.map((log, i) => {
    const e = parseCloudTrail(JSON.stringify(log)).events[0];
    return { timestamp: T0 + i * 1000, message: e.message, columns: e.columns };
  });
  await store.append(g, s, events, 'typed-fields-1');
  // As PutLogEvents stores them: messages without columns; the store derives the columns from each message.
  const raw = store.meta.createStream(g, 'put-log-events', T0);
  await store.append(g, raw, [...logs.slice(0, 40), ...ODD].map((log, i) => ({ timestamp: T0 + 3_600_000 + i * 1000, message: JSON.stringify(log) })), 'typed-fields-2');
  group = { id: g.id, name: g.name, logGroupClass: 'STANDARD', table: TABLE };
});
after(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });

const QUERIES = [
  'stats count(*) by eventName | sort eventName',
  'stats count(*) by bin(1h), eventSource | sort eventSource',
  'filter errorCode = "AccessDenied" | fields @timestamp, eventName, userIdentity.arn',
  'filter ispresent(errorCode) | stats count(*) by errorCode, eventName',
  'filter eventName like /Get/ | fields eventName, sourceIPAddress, awsRegion | sort @timestamp asc',
  'fields eventName, eventSource, userIdentity.type, userIdentity.arn, userIdentity.accountId, sourceIPAddress, errorCode, recipientAccountId | sort @timestamp asc | limit 10000',
  'stats count_distinct(sourceIPAddress) as ips, count(userIdentity.arn) as arns',
  'filter userIdentity.type = "AssumedRole" | stats count(*) by userIdentity.sessionContext.sessionIssuer.arn',
  'filter not ispresent(eventVersion) or eventVersion = "1.08" | fields eventName, eventVersion',
  'filter sourceIPAddress in ["1.2.3.4", "{not json", ""] or isblank(sourceIPAddress) | stats count(*) by sourceIPAddress',
  'display eventName, `userIdentity.arn`, errorMessage | filter errorMessage like /numeric|denied/ or eventName = "42"',
  'filter eventName in ["GetObject", "42", "PutObject"] or "AccessDenied" = errorCode | stats count(*) by eventName, errorCode',
  'filter eventName in ["GetObject", "PutObject", "ConsoleLogin"] | stats count(*) by eventName',
  'filter errorCode = "123" or errorCode = "true" or eventName = "NoVersion" | fields eventName, errorCode',
  'filter eventName not in ["GetObject", "PutObject"] and errorCode != "AccessDenied" | stats count(*) by eventName | sort eventName',
];

test('events appended without typed columns get them from their message', async () => {
  const r = await engine.query({ query: `SELECT countIf(event_name IS NOT NULL) AS named, count() AS n FROM ${TABLE} WHERE log_stream = 'put-log-events'`, format: 'JSONEachRow' });
  const [{ named, n }] = await r.json<{ named: string; n: string }>();
  assert.equal(Number(n), 44);
  assert.ok(Number(named) >= 40, `${named} of ${n} rows have event_name`);
});

test('the typed table has exactText fields for CloudTrail', () => {
  const f = exactTextFields(TABLE)!;
  assert.equal(f.eventName, 'event_name');
  assert.equal(f['userIdentity.arn'], 'user_arn');
  assert.equal(f.userName, undefined, 'derived columns are never read for an AWS field');
  assert.equal(exactTextFields('log_events'), undefined);
});

for (const q of QUERIES) {
  test(`same answer with and without typed columns: ${q}`, async () => {
    const base: Omit<InsightsRequest, 'groups'> = { queryString: q, allGroups: () => [group], startMs: T0, endMs: T0 + 86_400_000, accountId: '123456789012', now: T0 + 86_400_000 };
    const typed = { ...group, typedFields: exactTextFields(TABLE) };
    const plain = await runInsightsQuery(engine, { ...base, groups: [group] });
    const fast = await runInsightsQuery(engine, { ...base, groups: [typed] });
    assert.ok(plain.rows.length > 0, 'the query returns rows');
    assert.deepEqual(fast.rows, plain.rows);
    assert.deepEqual(fast.fields, plain.fields);
    // The typed query really reads the column.
    const sql = (await explainQuery(engine, { ...base, groups: [typed] })).sql;
    assert.match(sql, /\b(event_name|event_source|error_code|source_ip|user_arn|user_type|event_version|error_message)\b/);
  });
}

test('field = "text" that no JSON number or boolean renders as tests the typed column alone', async () => {
  const typed = { ...group, typedFields: exactTextFields(TABLE) };
  const base = { allGroups: () => [group], groups: [typed], startMs: T0, endMs: T0 + 86_400_000, accountId: '123456789012', now: T0 + 86_400_000 };
  assert.match((await explainQuery(engine, { ...base, queryString: 'filter errorCode = "AccessDenied"' })).sql, /ifNull\(error_code = /);
  assert.match((await explainQuery(engine, { ...base, queryString: 'filter eventName in ["GetObject", "PutObject"]' })).sql, /ifNull\(event_name IN \(/);
  // "123" could be a JSON number's text: the message fallback stays.
  assert.doesNotMatch((await explainQuery(engine, { ...base, queryString: 'filter errorCode = "123"' })).sql, /ifNull\(error_code = /);
});

test('a column without NULLs in the queried rows is read as it is; with NULLs, with the message fallback', async () => {
  const typed = { ...group, typedFields: exactTextFields(TABLE) };
  const q = 'stats count(*) by eventName, eventSource | sort eventName';
  // The first 20 Panther events all have a string eventName and eventSource; the whole set (with ODD) does not.
  for (const [endMs, plain] of [[T0 + 19_000, true], [T0 + 86_400_000, false]] as const) {
    const base = { queryString: q, allGroups: () => [group], startMs: T0, endMs, accountId: '123456789012', now: T0 + 86_400_000 };
    const sql = (await explainQuery(engine, { ...base, groups: [typed] })).sql;
    assert.equal(/if\(isNotNull\(event_name\)/.test(sql), !plain, sql.slice(0, 300));
    assert.deepEqual((await runInsightsQuery(engine, { ...base, groups: [typed] })).rows, (await runInsightsQuery(engine, { ...base, groups: [group] })).rows);
  }
});
