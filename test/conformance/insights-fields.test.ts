/**
 * Logs Insights fields (fact sheet §1.6, §1.7, CWL_AnalyzeLogData-discoverable-fields): system
 * fields, JSON auto-discovery, VPC Flow Logs, Route 53, Lambda, and how values are rendered.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, ts, T0, MIN, ACCOUNT, type Fixture } from './insights-datasets.js';
import { decodePointer } from '../../src/query/insights/pointer.js';

const DOTS = [
  { ts: T0 + MIN, msg: JSON.stringify({ 'a.b': 'flat', x: { 'y.z': 'mid' } }) },
  { ts: T0 + 2 * MIN, msg: JSON.stringify({ a: { b: 'nested' }, x: { y: { z: 'deep' } } }) },
  { ts: T0 + 3 * MIN, msg: '  {"spaced": "leading white space is still JSON"}' },
  { ts: T0 + 4 * MIN, msg: '["a JSON array is not discovered"]' },
  { ts: T0 + 5 * MIN, msg: JSON.stringify({ '@timestamp': 'inner', '@message': 'inner msg', '@custom': 5, 'foo-bar': 'dash', 'sp ace': 'space', num: 1.5, big: 'BIG', neg: -0.25, e: 1e21, nul: null, t: false, emptyObj: {}, emptyArr: [], str: '[1,2]', nested: { list: [[1, 2], [3, 4]] } }).replace('"BIG"', '12345678901234567890') },
  { ts: T0 + 6 * MIN, msg: 'not json {"a":{"b":"embedded"}} in plain text' },
];

let fx: Fixture;
before(async () => { fx = await openFixture({ '/dots': { events: DOTS } }); });
after(async () => { await fx.close(); });

function check(name: string, query: string, groups: string | string[], expected: Record<string, string>[]): void {
  test(name, async () => assert.deepEqual(await fx.rows(query, groups), expected));
}

// ---- system fields (fact sheet §1.6) ----

check('fact sheet §1.6: @timestamp renders yyyy-MM-dd HH:mm:ss.SSS UTC', 'fields @timestamp | sort @timestamp asc | limit 2', '/aws/lambda/orders', [{ '@timestamp': ts(T0 + MIN) }, { '@timestamp': ts(T0 + MIN + 10) }]);
check('fact sheet §1.6: @message is the raw event', 'fields @message | filter @message like "END"', '/aws/lambda/orders', [{ '@message': 'END RequestId: 11111111-aaaa-bbbb-cccc-000000000001' }]);
check('fact sheet §1.6: @logStream', 'stats count(*) by @logStream', '/vpc/flow', [{ '@logStream': 'eni-1235b8ca123456789-all', 'count(*)': '10' }, { '@logStream': 'eni-9999b8ca123456789-all', 'count(*)': '1' }]);
check('fact sheet §1.6: @log is account-id:log-group-name', 'fields @log | limit 1', '/app/api', [{ '@log': `${ACCOUNT}:/app/api` }]);
test('fact sheet §1.6: @ingestionTime is when the store received the event', async () => {
  const r = await fx.rows('fields @ingestionTime | limit 1', '/app/api');
  assert.match(r[0]['@ingestionTime'], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  const t = Date.parse(r[0]['@ingestionTime'].replace(' ', 'T') + 'Z');
  assert.ok(Math.abs(Date.now() - t) < 600_000);
});
test('fact sheet §1.6: @ptr decodes to the event (pointer.ts)', async () => {
  const r = await fx.rows('fields @ptr, @timestamp | filter user = "eve"', '/app/api', { ptr: true });
  const p = decodePointer(r[0]['@ptr'])!;
  assert.equal(p.groupId, fx.groups.get('/app/api')!.id);
  assert.equal(p.timestamp, T0 + 9 * MIN);
});
test('our documented semantics: @ptr asked for in fields appears once', async () => {
  const r = await fx.run('fields @ptr, user | filter user = "eve"', '/app/api');
  assert.deepEqual(r.rows[0].map((f) => f.field), ['@ptr', 'user']);
});
test('fact sheet §1.9: @ptr is added to every non-aggregated row', async () => {
  const r = await fx.run('fields user | limit 3', '/app/api');
  assert.ok(r.rows.every((row) => row[row.length - 1].field === '@ptr'));
  assert.deepEqual(r.fields, ['user']);
});
check('our documented semantics: @timestamp compares with epoch milliseconds', `filter @timestamp >= ${T0 + 9 * MIN} | fields user`, '/app/api', [{ user: 'frank' }, { user: 'eve' }]);
check('our documented semantics: an unknown @ field is missing', 'fields @nosuch, user | filter user = "eve"', '/app/api', [{ user: 'eve' }]);
check('fact sheet §1.6: @entity is not supported yet and is missing', 'fields @entity, user | filter user = "eve"', '/app/api', [{ user: 'eve' }]);

// ---- JSON auto-discovery (fact sheet §1.7) ----

check('fact sheet §1.7: nested objects flatten with dots', 'fields userIdentity.sessionContext.sessionIssuer.userName as issuer | filter ispresent(issuer)', '/aws/cloudtrail/main', [{ issuer: 'AdminRole' }]);
check('fact sheet §1.7: array elements by position', 'fields responseElements.instancesSet.items.0.currentState.name as s, requestParameters.instancesSet.items.1.instanceId as second | filter ispresent(s)', '/aws/cloudtrail/main', [{ s: 'pending', second: 'i-fff00002' }]);
check('fact sheet §1.7: a JSON-encoded string is one leaf', 'fields requestParameters.policy as p | filter ispresent(p)', '/aws/cloudtrail/main', [{ p: '{"Version":"2012-10-17"}' }]);
check('fact sheet §1.7: no field inside a JSON-encoded string', 'fields requestParameters.policy.Version as v | filter eventName = "PutBucketPolicy"', '/aws/cloudtrail/main', [{}]);
check('fact sheet §1.7: objects themselves are not fields', 'fields userIdentity, requestParameters | filter eventName = "CreateUser" | limit 1', '/aws/cloudtrail/main', [{}]);
check('fact sheet §1.7: JSON booleans', 'filter readOnly = "true" | fields eventName', '/aws/cloudtrail/main', [{ eventName: 'DescribeInstances' }]);
check('our documented semantics: a key with dots and a nested path are the same field', 'fields a.b | sort @timestamp asc', '/dots', [{ 'a.b': 'flat' }, { 'a.b': 'nested' }, {}, {}, {}, {}]);
check('our documented semantics: a dotted key inside an object', 'fields x.y.z | sort @timestamp asc | limit 2', '/dots', [{ 'x.y.z': 'mid' }, { 'x.y.z': 'deep' }]);
check('fact sheet §1.7: leading white space before a JSON object', 'fields spaced | filter ispresent(spaced)', '/dots', [{ spaced: 'leading white space is still JSON' }]);
check('fact sheet §1.7: a top-level JSON array is not discovered', 'fields `0` | filter @message like "array"', '/dots', [{}]);
check('CWL_AnalyzeLogData-discoverable-fields: a JSON key starting with @ is shown as @@name', 'fields @@timestamp, @@message, @@custom | filter ispresent(@@custom)', '/dots', [{ '@@timestamp': 'inner', '@@message': 'inner msg', '@@custom': '5' }]);
check('CWL_AnalyzeLogData-discoverable-fields: @timestamp stays the event time when the JSON has @timestamp', 'fields @timestamp | filter ispresent(@@custom)', '/dots', [{ '@timestamp': ts(T0 + 5 * MIN) }]);
check('CWL_QuerySyntax: backticks for names with other characters', 'fields `foo-bar`, `sp ace` | filter ispresent(`foo-bar`)', '/dots', [{ 'foo-bar': 'dash', 'sp ace': 'space' }]);
check('fact sheet §1.7: numbers keep their value', 'fields num, big, neg, num * 2 as twice | filter ispresent(num)', '/dots', [{ num: '1.5', big: '12345678901234567890', neg: '-0.25', twice: '3' }]);
check('fact sheet §1.7: null, empty object and empty array are missing; false is text', 'fields nul, emptyObj, emptyArr, t | filter ispresent(num)', '/dots', [{ t: 'false' }]);
check('fact sheet §1.7: a string holding a JSON list is a leaf', 'fields str | filter ispresent(num)', '/dots', [{ str: '[1,2]' }]);
check('fact sheet §1.7: nested arrays by position', 'fields nested.list.1.0 as v | filter ispresent(num)', '/dots', [{ v: '3' }]);
check('fact sheet §1.7: plain text has no JSON fields, even with embedded JSON (outside Lambda)', 'fields a.b | filter @message like "not json"', '/dots', [{}]);
check('CWL_AnalyzeLogData-discoverable-fields: Lambda: the first embedded JSON fragment is discovered', 'fields orderId, amount | filter ispresent(orderId)', '/aws/lambda/orders', [{ orderId: 'o-1', amount: '42' }]);
check('fact sheet §1.7: a field and its parent in one query', 'fields error.code, error | filter ispresent(error.code)', '/app/api', [{ 'error.code': 'E43' }, { 'error.code': 'E42' }]);
check('fact sheet §1.7: the same field referenced in filter, stats and sort', 'filter region != "ap-south-1" | stats count(*) as n by region | sort region desc', '/app/api', [{ region: 'us-east-1', n: '7' }, { region: 'eu-west-1', n: '2' }]);
check('fact sheet §1.7: field names are case-sensitive', 'fields USER, user | filter status = 404', '/app/api', [{ user: 'alice' }]);

// ---- VPC Flow Logs (fact sheet §1.6, §7.1) ----

check('fact sheet §1.6: every VPC flow log field by name', 'fields version, accountId, interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol, packets, bytes, start, end, action, logStatus | filter srcPort = 20641', '/vpc/flow', [{
  version: '2', accountId: '123456789010', interfaceId: 'eni-1235b8ca123456789', srcAddr: '172.31.16.139', dstAddr: '172.31.16.21', srcPort: '20641', dstPort: '22', protocol: '6', packets: '20', bytes: '4249', start: '1418530010', end: '1418530070', action: 'ACCEPT', logStatus: 'OK',
}]);
check('CWL_AnalyzeLogData-discoverable-fields: startTime/endTime name the start/end columns', 'fields startTime, endTime | filter action = "REJECT" | limit 1', '/vpc/flow', [{ startTime: '1418530010', endTime: '1418530070' }]);
check('fact sheet §7.1: rejected connections', 'filter action = "REJECT" | stats count(*) as n by dstPort', '/vpc/flow', [{ dstPort: '22', n: '1' }, { dstPort: '3389', n: '1' }]);
check('fact sheet §7.1: NODATA records keep "-" values', 'filter logStatus = "NODATA" | fields srcAddr, packets, action', '/vpc/flow', [{ srcAddr: '-', packets: '-', action: '-' }]);
check('our documented semantics: VPC fields do not exist in other logs', 'fields srcAddr | limit 1', '/app/text', [{}]);

// ---- Route 53 (fact sheet §1.6, §7.2) ----

check('fact sheet §1.6: Route 53 public DNS query log fields', 'fields version, queryTimestamp, hostedZoneId, queryName, queryType, responseCode, protocol, edgeLocation, resolverIp, ednsClientSubnet | filter protocol = "TCP"', '/route53/public', [{
  version: '1.0', queryTimestamp: '2024-01-15T10:04:00.000Z', hostedZoneId: 'Z123412341234', queryName: 'api.example.com', queryType: 'A', responseCode: 'SERVFAIL', protocol: 'TCP', edgeLocation: 'IAD12', resolverIp: '192.168.1.2', ednsClientSubnet: '198.51.100.0/24',
}]);
check('CWL_AnalyzeLogData-discoverable-fields: hostZoneId spelling', 'fields hostZoneId | limit 1', '/route53/public', [{ hostZoneId: 'Z123412341234' }]);
check('fact sheet §7.2: Route 53 Resolver logs are JSON', 'stats count(*) by rcode, query_type', '/route53/resolver', [{ rcode: 'NOERROR', query_type: 'A', 'count(*)': '2' }, { rcode: 'NXDOMAIN', query_type: 'AAAA', 'count(*)': '1' }]);
check('fact sheet §7.2: Route 53 Resolver nested fields', 'fields query_name, srcids.instance, answers.0.Rdata | filter rcode = "NOERROR" | sort @timestamp asc', '/route53/resolver', [
  { query_name: 'example.com.', 'srcids.instance': 'i-0aaa', 'answers.0.Rdata': '192.0.2.44' }, { query_name: 'malware.test.' },
]);
check('fact sheet §7.2: firewall fields only when matched', 'filter ispresent(firewall_rule_action) | fields query_name, firewall_rule_action', '/route53/resolver', [{ query_name: 'malware.test.', firewall_rule_action: 'BLOCK' }]);

// ---- Lambda (fact sheet §1.6) ----

check('fact sheet §1.6: @type of START/END/REPORT lines', 'stats count(*) by @type', '/aws/lambda/orders', [{ '@type': 'END', 'count(*)': '1' }, { '@type': 'REPORT', 'count(*)': '3' }, { '@type': 'START', 'count(*)': '2' }, { 'count(*)': '1' }]);
check('fact sheet §1.6: REPORT fields', 'filter @type = "REPORT" | fields @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed, @initDuration | sort @timestamp asc | limit 1', '/aws/lambda/orders', [{
  '@requestId': '11111111-aaaa-bbbb-cccc-000000000001', '@duration': '102.25', '@billedDuration': '103', '@memorySize': '128000000', '@maxMemoryUsed': '70000000', '@initDuration': '150.5',
}]);
check('CWL_AnalyzeLogData-discoverable-fields: X-Ray fields when the line has a trace', 'filter ispresent(@xrayTraceId) | fields @xrayTraceId, @xraySegmentId', '/aws/lambda/orders', [{ '@xrayTraceId': '1-5e1b4151-5ac6c58f7d8a9b3c2d1e0f00', '@xraySegmentId': '6f1b2c3d4e5f6a7b' }]);
check('fact sheet §1.6: @initDuration only on cold starts', 'filter @type = "REPORT" | stats count(@initDuration) as cold, count(*) as all', '/aws/lambda/orders', [{ cold: '1', all: '3' }]);

// ---- value rendering (fact sheet §1.9) ----

check('fact sheet §1.9: counts render without a decimal point', 'stats count(*) as n, sum(latency) as s', '/app/api', [{ n: '10', s: '2738.5' }]);
check('our documented semantics: whole results of arithmetic render as integers', 'fields 10 / 4 as a, 10 / 5 as b | limit 1', '/app/api', [{ a: '2.5', b: '2' }]);
check('fact sheet §1.4: bin() renders as a timestamp', 'stats count(*) by bin(1d) as day', '/app/api', [{ day: ts(Date.UTC(2024, 0, 15)), 'count(*)': '10' }]);
check('our documented semantics: booleans render as 1 and 0', 'fields ispresent(error) as e, status >= 500 as failed | filter user = "carol"', '/app/api', [{ e: '0', failed: '1' }]);
check('our documented semantics: empty strings are kept', 'fields empty, "" as lit | filter ispresent(empty)', '/dots', []);
check('our documented semantics: a literal string column', 'fields "const" as c | limit 1', '/app/api', [{ c: 'const' }]);
check('our documented semantics: text with newlines and Unicode is returned as stored', 'fields @message | filter @message like "café"', '/app/text', [{ '@message': 'multi\nline message with café ünïcode' }]);
