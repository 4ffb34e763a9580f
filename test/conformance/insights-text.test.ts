/**
 * Logs Insights text search through the text index (ENGINE.md rule 7, text-search.ts): the index is
 * only used through conditions implied by the query, so results equal a plain scan's. Every case
 * compares the index-assisted run with the same query answered without the index (a condition the
 * analysis does not recognise), and with a hand-computed answer. Also: groups in typed event tables.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, T0, MIN, ACCOUNT, type Ev, type Fixture } from './insights-datasets.js';
import { explainQuery, runInsightsQuery } from '../../src/query/insights/index.js';
import { conjuncts, isVerbatimLiteral, literalNeedle, piecesOf, tokensOf, MAX_TOKENS } from '../../src/query/insights/text-search.js';
import { parseQuery } from '../../src/query/insights/parser.js';
import { createTableSql } from '../../src/store/schema.js';
import type { QueryLogGroup } from '../../src/query/insights/contract.js';

const WORDS: Ev[] = [
  'connection timeout after 30s', 'timeouts exceeded', 'read timeoutMs=500', 'TIMEOUT in caps', 'no time out here',
  'user=alice id=7 action=login', 'user=bob id=8 action=logout', 'username=alice2', 'path /api/v1/items?id=9',
  'café au lait', 'naïve café', 'Exceptional case', 'java.lang.NullPointerException', 'a_b_c underscore', 'level=ERROR code=E42',
].map((msg, i) => ({ ts: T0 + i * MIN, msg }));
// More than MAX_TOKENS distinct tokens containing "zq": the dictionary cannot answer, the scan does.
const MANY: Ev[] = Array.from({ length: MAX_TOKENS + 50 }, (_, i) => ({ ts: T0 + i, msg: `tok zq${i}x other` }));

let fx: Fixture;
before(async () => {
  fx = await openFixture({ '/words': { events: WORDS }, '/many': { events: MANY } });
  // A typed event table (as a log format's table would be) holding one more group.
  const engine = fx.store.engine;
  await engine.command({ query: createTableSql({ name: 'events_insights_test', columns: [{ name: 'extra', type: 'Nullable(String)' }] }) });
  const row = (i: number, msg: string) => JSON.stringify({ group_id: 9001, stream_id: 9001, log_group: '/typed/g', log_stream: 's', timestamp: T0 + i * MIN, ingestion_time: T0, seq: 1, idx: i, message: msg, extra: 'x' });
  await engine.insert({ table: 'events_insights_test', values: Buffer.from([row(0, '{"level":"ERROR","msg":"typed timeout"}'), row(1, '{"level":"INFO","msg":"typed ok"}')].join('\n') + '\n'), format: 'JSONEachRow' });
});
after(async () => { await fx.close(); });

const rows = (q: string, g: string | string[]) => fx.rows(q, g);

/** The index-assisted answer equals the unassisted one (`like` wrapped in `not not`, which the analysis skips). */
function same(name: string, needle: string, expectedCount: number, group = '/words'): void {
  test(name, async () => {
    const assisted = await rows(`filter @message like ${needle} | fields @message`, group);
    const plain = await rows(`filter not not (@message like ${needle}) | fields @message`, group);
    assert.deepEqual(assisted, plain);
    assert.equal(assisted.length, expectedCount);
  });
}

same('ENGINE.md rule 7: like "timeout" is a substring test (timeouts, timeoutMs match)', '"timeout"', 3);
same('ENGINE.md rule 7: like /timeout/ as a literal regex', '/timeout/', 3);
same('CWL_QuerySyntax: (?i) makes the dictionary lookup case-insensitive', '/(?i)timeout/', 4);
same('ENGINE.md rule 7: a needle inside a token (ception)', '"ception"', 2);
same('ENGINE.md rule 7: a needle with a separator (user=alice)', '"user=alice"', 1);
same('ENGINE.md rule 7: a needle ending inside a token (name=alice)', '"name=alice"', 1);
same('ENGINE.md rule 7: a whole inner token between separators', '" id=7 "', 1);
same('ENGINE.md rule 7: a needle across a token boundary', '"l=ERROR c"', 1);
same('ENGINE.md rule 7: punctuation only (no token): plain scan', '"=/"', 0);
same('ENGINE.md rule 7: non-ASCII bytes are token characters', '"afé"', 2);
same('ENGINE.md rule 7: an underscore is a separator', '"b_c"', 1);
same('ENGINE.md rule 7: a needle no token contains', '"zzzz"', 0);
same('ENGINE.md rule 7: a dotted class name', '"lang.Null"', 1);
same('ENGINE.md rule 7: more tokens than the dictionary limit fall back to the scan', '"zq"', MAX_TOKENS + 50, '/many');
same('ENGINE.md rule 7: a regex that is not a literal is scanned', '/time.?out/', 4);

test('our documented semantics: parts whose text index is not built yet are searched exactly', async () => {
  // The store builds text indexes in background merges: a fresh insert has none until merged.
  const g = fx.store.meta.groups.get('/words')!;
  const st = fx.store.meta.createStream(g, 'late', T0);
  await fx.store.append(g, st, [{ timestamp: T0 + 30 * MIN, message: 'late timeoutz arrival' }], 'late-1');
  const assisted = await rows('filter @message like "timeout" | fields @message', '/words');
  assert.deepEqual(assisted.map((r) => r['@message']), ['late timeoutz arrival', 'read timeoutMs=500', 'timeouts exceeded', 'connection timeout after 30s']);
  await fx.store.engine.command({ query: 'OPTIMIZE TABLE log_events FINAL' });
  assert.deepEqual(await rows('filter @message like "timeout" | fields @message', '/words'), assisted);
});
test('ENGINE.md rule 7: the single-piece needle is answered from the index (no position() scan)', async () => {
  const g = fx.groups.get('/words')!;
  const { sql } = await explainQuery(fx.store.engine, { queryString: 'filter @message like "timeout" | stats count(*)', groups: [g], allGroups: () => [g], startMs: T0 - MIN, endMs: T0 + 60 * MIN, accountId: ACCOUNT, now: T0 });
  assert.match(sql, /hasAnyTokens\(message, \{tk0:Array\(String\)\}\)/);
  assert.doesNotMatch(sql, /position\(message/);
});
test('ENGINE.md rule 7: a multi-piece needle keeps the exact check', async () => {
  const g = fx.groups.get('/words')!;
  const { sql } = await explainQuery(fx.store.engine, { queryString: 'filter @message like "user=alice"', groups: [g], allGroups: () => [g], startMs: T0 - MIN, endMs: T0 + 60 * MIN, accountId: ACCOUNT, now: T0 });
  assert.match(sql, /hasAnyTokens/);
  assert.match(sql, /position\(message/);
});

test('ENGINE.md rule 7: JSON equality adds hasAllTokens and keeps exact results', async () => {
  assert.deepEqual(await rows('filter level = "ERROR" | fields user', '/app/api'), [{ user: 'dave' }, { user: 'carol' }]);
  assert.deepEqual(await rows('filter region = "us-east-1" | stats count(*) as n', '/app/api'), [{ n: '7' }]);
  assert.deepEqual(await rows('filter user in ["eve", "frank"] | fields user', '/app/api'), [{ user: 'frank' }, { user: 'eve' }]);
  assert.deepEqual(await rows('filter error.message = "Database timeout" | fields user', '/app/api'), [{ user: 'carol' }]);
  const g = fx.groups.get('/app/api')!;
  const { sql } = await explainQuery(fx.store.engine, { queryString: 'filter level = "ERROR"', groups: [g], allGroups: () => [g], startMs: 0, endMs: T0 * 2, accountId: ACCOUNT, now: T0 });
  assert.match(sql, /hasAllTokens\(message/);
});
test('our documented semantics: numeric-looking literals get no token prefilter (JSON numbers are normalized)', async () => {
  assert.deepEqual(await rows('filter latency = "95.5" | fields user', '/app/api'), [{ user: 'alice' }]);
  const g = fx.groups.get('/app/api')!;
  const { sql } = await explainQuery(fx.store.engine, { queryString: 'filter latency = "95.5"', groups: [g], allGroups: () => [g], startMs: 0, endMs: T0 * 2, accountId: ACCOUNT, now: T0 });
  assert.doesNotMatch(sql, /hasAllTokens/);
});
test('ENGINE.md rule 7: VPC column equality uses the token prefilter', async () => {
  assert.deepEqual(await rows('filter action = "REJECT" | stats count(*) as n', '/vpc/flow'), [{ n: '2' }]);
});

// ---- pure functions ----

test('text-search: tokensOf cuts like splitByNonAlpha (non-ASCII bytes are token characters)', () => {
  assert.deepEqual(tokensOf('user=alice_2 café-au/lait'), ['user', 'alice', '2', 'café', 'au', 'lait']);
});
test('text-search: piecesOf marks how the needle bounds each piece', () => {
  assert.deepEqual(piecesOf('timeout'), [{ text: 'timeout', kind: 'infix' }]);
  assert.deepEqual(piecesOf('user=alice id'), [{ text: 'user', kind: 'suffix' }, { text: 'alice', kind: 'whole' }, { text: 'id', kind: 'prefix' }]);
  assert.deepEqual(piecesOf(' x '), [{ text: 'x', kind: 'whole' }]);
  assert.deepEqual(piecesOf('=/'), []);
});
test('text-search: literalNeedle accepts strings and literal regexes only', () => {
  const lit = (q: string) => { const c = parseQuery(q).commands[0] as { expr: { pattern: Parameters<typeof literalNeedle>[0] } }; return literalNeedle(c.expr.pattern); };
  assert.deepEqual(lit('filter a like "x.y"'), { text: 'x.y', ci: false });
  assert.deepEqual(lit('filter a like /a\\.b/'), { text: 'a.b', ci: false });
  assert.deepEqual(lit('filter a like /(?i)Err/'), { text: 'Err', ci: true });
  assert.equal(lit('filter a like /a.b/'), null);
  assert.equal(lit('filter a like /\\d+/'), null);
});
test('text-search: isVerbatimLiteral excludes what JSON encoders escape and numbers', () => {
  assert.equal(isVerbatimLiteral('us-east-1'), true);
  assert.equal(isVerbatimLiteral('a<b'), false);
  assert.equal(isVerbatimLiteral('say "hi"'), false);
  assert.equal(isVerbatimLiteral('12.50'), false);
  assert.equal(isVerbatimLiteral('café'), false);
  assert.equal(isVerbatimLiteral('---'), false);
});
test('text-search: conjuncts splits top-level and only', () => {
  const c = parseQuery('filter a = 1 and (b = 2 or c = 3) and d like "x"').commands[0] as { expr: Parameters<typeof conjuncts>[0] };
  assert.equal(conjuncts(c.expr).length, 3);
});

// ---- groups in typed event tables (QueryLogGroup.table) ----

const typed: QueryLogGroup = { id: 9001, name: '/typed/g', logGroupClass: 'STANDARD', table: 'events_insights_test' };
test('our documented semantics: a group in a typed event table is read from its table', async () => {
  const r = await runInsightsQuery(fx.store.engine, { queryString: 'filter level = "ERROR" | fields msg', groups: [typed], allGroups: () => [typed], startMs: T0 - MIN, endMs: T0 + MIN, accountId: ACCOUNT, now: T0 });
  assert.deepEqual(r.rows.map((row) => row[0].value), ['typed timeout']);
  assert.equal(r.statistics.recordsScanned, 2);
});
test('our documented semantics: groups in several tables are read through merge()', async () => {
  const api = { ...fx.groups.get('/app/api')!, table: 'log_events' };
  const r = await runInsightsQuery(fx.store.engine, { queryString: 'filter @message like "timeout" | stats count(*) as n by @log', groups: [typed, api], allGroups: () => [typed, api], startMs: T0 - 60 * MIN, endMs: T0 + 60 * MIN, accountId: ACCOUNT, now: T0 });
  assert.deepEqual(r.rows.map((row) => Object.fromEntries(row.map((f) => [f.field, f.value]))), [{ '@log': `${ACCOUNT}:/app/api`, n: '1' }, { '@log': `${ACCOUNT}:/typed/g`, n: '1' }]);
});
test('our documented semantics: without a table the engine reads every event table', async () => {
  const untyped: QueryLogGroup = { id: 9001, name: '/typed/g', logGroupClass: 'STANDARD' };
  const r = await runInsightsQuery(fx.store.engine, { queryString: 'stats count(*) as n', groups: [untyped], allGroups: () => [untyped], startMs: T0 - MIN, endMs: T0 + MIN, accountId: ACCOUNT, now: T0 });
  assert.deepEqual(r.rows, [[{ field: 'n', value: '2' }]]);
});
