/**
 * Logs Insights conformance: the 21 example queries of fact sheet §1.10 (AWS docs) and the
 * semantics of every command, run with runInsightsQuery against a real store. Each case names
 * its source: an AWS doc example, a fact-sheet section, or "our documented semantics".
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, ts, T0, MIN, HOUR, DAY, type Fixture } from './insights-datasets.js';
import { decodePointer } from '../../src/query/insights/pointer.js';
import { MalformedQueryError } from '../../src/query/insights/index.js';

let fx: Fixture;
before(async () => { fx = await openFixture(); });
after(async () => { await fx.close(); });

type Row = Record<string, string>;
function check(name: string, query: string, groups: string | string[], expected: Row[], opts: Parameters<Fixture['rows']>[2] = {}): void {
  test(name, async () => assert.deepEqual(await fx.rows(query, groups, opts), expected));
}
function checkFields(name: string, query: string, groups: string | string[], fields: string[]): void {
  test(name, async () => assert.deepEqual((await fx.run(query, groups)).fields, fields));
}
async function refusedAt(query: string, groups: string | string[], needle: string, re: RegExp, opts = {}): Promise<void> {
  await assert.rejects(fx.run(query, groups, opts), (e: unknown) => {
    assert.ok(e instanceof MalformedQueryError, String(e));
    assert.match(e.message, re);
    const i = query.indexOf(needle);
    assert.deepEqual([e.location.start, e.location.end], [i, i + needle.length]);
    return true;
  });
}

// ==== fact sheet §1.10 example queries ====

test('example 1 (CWL_QuerySyntax-examples): 25 most recent events, @timestamp desc, with @ptr', async () => {
  const r = await fx.run('fields @timestamp, @message | sort @timestamp desc | limit 25', '/aws/lambda/orders');
  assert.deepEqual(r.fields, ['@timestamp', '@message']);
  assert.deepEqual(r.rows.map((row) => row.find((f) => f.field === '@timestamp')!.value), [
    ts(T0 + 7 * MIN), ts(T0 + 3 * MIN + 30), ts(T0 + 3 * MIN), ts(T0 + MIN + 30), ts(T0 + MIN + 20), ts(T0 + MIN + 10), ts(T0 + MIN),
  ]);
  for (const row of r.rows) {
    assert.deepEqual(row.map((f) => f.field), ['@timestamp', '@message', '@ptr']);
    const p = decodePointer(row[2].value)!;
    assert.equal(p.groupId, fx.groups.get('/aws/lambda/orders')!.id);
    assert.equal(ts(p.timestamp), row[0].value);
  }
  assert.equal(r.statistics.recordsMatched, 7);
  assert.equal(r.statistics.recordsScanned, 7);
});

check('example 2 (CWL_QuerySyntax-examples): exceptions per hour, sorted by count desc',
  'filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h) | sort exceptionCount desc', '/app/text',
  [{ 'bin(1h)': ts(T0), exceptionCount: '3' }, { 'bin(1h)': ts(T0 + HOUR), exceptionCount: '1' }]);

check('example 3 (CWL_QuerySyntax-examples): events that are not exceptions', 'fields @message | filter @message not like /Exception/', '/app/text', [
  { '@message': '2019-05-25T11:24:46 [DEBUG] cache hit ratio 0.97' },
  { '@message': 'multi\nline message with café ünïcode' },
  { '@message': 'server=alpha severity=low message=started' },
  { '@message': '2019-05-25T10:24:44 [INFO] Request time: 20 ms' },
  { '@message': '2019-05-25T10:24:43 [INFO] Request time: 327 ms' },
  { '@message': '25 May 2019 10:24:42,003 user=user5678, method:otherMethod, latency := 100' },
  { '@message': '25 May 2019 10:24:41,002 user=user1234, method:sampleMethod, latency := 300' },
  { '@message': '25 May 2019 10:24:40,001 user=user1234, method:sampleMethod, latency := 216' },
]);

check('example 4 (CWL_QuerySyntax-examples): Lambda latency per 5-minute bin; columns named by the expression',
  'filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)', '/aws/lambda/orders', [
    { 'bin(5m)': ts(T0), 'avg(@duration)': '61.5', 'max(@duration)': '102.25', 'min(@duration)': '20.75' },
    { 'bin(5m)': ts(T0 + 5 * MIN), 'avg(@duration)': '300', 'max(@duration)': '300', 'min(@duration)': '300' },
  ]);

check('example 5 (CWL_QuerySyntax-examples): arithmetic across aggregate aliases in one stats',
  'filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB, avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB, max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB, provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB',
  '/aws/lambda/orders', [{ provisonedMemoryMB: '256', smallestMemoryRequestMB: '70', avgMemoryUsedMB: '86.66666666666667', maxMemoryUsedMB: '100', overProvisionedMB: '156' }]);

check('example 6 (CWL_QuerySyntax-examples): top packet transfers across VPC hosts',
  'stats sum(packets) as packetsTransferred by srcAddr, dstAddr | sort packetsTransferred desc | limit 15', '/vpc/flow', [
    { srcAddr: '192.0.2.10', dstAddr: '10.0.0.6', packetsTransferred: '100' },
    { srcAddr: '172.31.9.69', dstAddr: '172.31.9.12', packetsTransferred: '20' },
    { srcAddr: '172.31.16.139', dstAddr: '172.31.16.21', packetsTransferred: '20' },
    { srcAddr: '192.0.2.10', dstAddr: '10.0.0.5', packetsTransferred: '7' },
    { srcAddr: '203.0.113.9', dstAddr: '172.31.16.21', packetsTransferred: '7' },
    { srcAddr: '192.0.2.11', dstAddr: '10.0.0.5', packetsTransferred: '3' },
    { srcAddr: '-', dstAddr: '-' },
  ]);

check('example 7 (CWL_QuerySyntax-examples): top destinations for a source subnet',
  'filter isIpv4InSubnet(srcAddr, "192.0.2.0/24") | stats sum(bytes) as bytesTransferred by dstAddr | sort bytesTransferred desc | limit 15', '/vpc/flow',
  [{ dstAddr: '10.0.0.6', bytesTransferred: '90000' }, { dstAddr: '10.0.0.5', bytesTransferred: '800' }]);

check('example 8 (CWL_QuerySyntax-examples): UDP sources', 'filter protocol=17 | stats count(*) by srcAddr', '/vpc/flow',
  [{ srcAddr: '192.0.2.10', 'count(*)': '2' }, { srcAddr: '192.0.2.11', 'count(*)': '1' }]);

check('example 9 (CWL_QuerySyntax-examples): SKIPDATA records per hour, sort t', 'filter logStatus="SKIPDATA" | stats count(*) by bin(1h) as t | sort t', '/vpc/flow',
  [{ t: ts(T0 + HOUR), 'count(*)': '2' }, { t: ts(T0 + 2 * HOUR), 'count(*)': '1' }]);

check('example 10 (CWL_QuerySyntax-examples): Route 53 queries by type per hour', 'stats count(*) by queryType, bin(1h)', '/route53/public', [
  { queryType: 'A', 'bin(1h)': ts(T0), 'count(*)': '3' },
  { queryType: 'A', 'bin(1h)': ts(T0 + HOUR), 'count(*)': '1' },
  { queryType: 'AAAA', 'bin(1h)': ts(T0), 'count(*)': '1' },
  { queryType: 'MX', 'bin(1h)': ts(T0 + HOUR), 'count(*)': '1' },
]);

check('example 11 (CWL_QuerySyntax-examples): SERVFAIL by query name', 'filter responseCode="SERVFAIL" | stats count(*) by queryName', '/route53/public',
  [{ queryName: 'api.example.com', 'count(*)': '2' }, { queryName: 'db.example.com', 'count(*)': '1' }]);

check('CWL_QuerySyntax-examples: the 10 resolvers with the most requests', 'stats count(*) as numRequests by resolverIp | sort numRequests desc | limit 10', '/route53/public',
  [{ resolverIp: '192.168.1.1', numRequests: '3' }, { resolverIp: '192.168.1.2', numRequests: '2' }, { resolverIp: '192.168.1.3', numRequests: '1' }]);

check('example 12 (CWL_QuerySyntax-examples): CloudTrail counts by service, event and region', 'stats count(*) by eventSource, eventName, awsRegion', '/aws/cloudtrail/main', [
  { eventSource: 'cloudtrail.amazonaws.com', eventName: 'UpdateTrail', awsRegion: 'us-east-1', 'count(*)': '4' },
  { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', awsRegion: 'us-east-1', 'count(*)': '1' },
  { eventSource: 'ec2.amazonaws.com', eventName: 'StartInstances', awsRegion: 'us-east-2', 'count(*)': '1' },
  { eventSource: 'ec2.amazonaws.com', eventName: 'StartInstances', awsRegion: 'us-west-2', 'count(*)': '1' },
  { eventSource: 'ec2.amazonaws.com', eventName: 'StopInstances', awsRegion: 'us-east-2', 'count(*)': '1' },
  { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', awsRegion: 'us-east-1', 'count(*)': '2' },
  { eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy', awsRegion: 'us-east-1', 'count(*)': '1' },
  { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', awsRegion: 'us-east-1', 'count(*)': '1' },
]);

test('example 13 (CWL_QuerySyntax-examples): started or stopped in us-east-2; default columns @timestamp, @message', async () => {
  const r = await fx.run('filter (eventName="StartInstances" or eventName="StopInstances") and awsRegion="us-east-2"', '/aws/cloudtrail/main');
  assert.deepEqual(r.fields, ['@timestamp', '@message']);
  assert.deepEqual(r.rows.map((row) => [row[0].value, JSON.parse(row[1].value).eventName]), [[ts(T0 + 2 * MIN), 'StopInstances'], [ts(T0 + MIN), 'StartInstances']]);
});

check('example 14 (CWL_QuerySyntax-examples): new IAM users with nested JSON fields',
  'filter eventName="CreateUser" | fields awsRegion, requestParameters.userName, responseElements.user.arn', '/aws/cloudtrail/main', [
    { awsRegion: 'us-east-1', 'requestParameters.userName': 'dave', 'responseElements.user.arn': 'arn:aws:iam::123456789012:user/dave' },
    { awsRegion: 'us-east-1', 'requestParameters.userName': 'carol', 'responseElements.user.arn': 'arn:aws:iam::123456789012:user/carol' },
  ]);

check('example 15 (CWL_QuerySyntax-examples): UpdateTrail errors', 'filter eventName="UpdateTrail" and ispresent(errorCode) | stats count(*) by errorCode, errorMessage', '/aws/cloudtrail/main', [
  { errorCode: 'AccessDenied', errorMessage: 'User is not authorized', 'count(*)': '2' },
  { errorCode: 'TrailNotFoundException', errorMessage: 'Unknown trail', 'count(*)': '1' },
]);

check('example 16 (CWL_QuerySyntax parse): glob pattern', 'parse @message "[*] * The error was: *" as level, config, exception | filter ispresent(exception) | display level, config, exception', '/app/text',
  [{ level: 'ERROR', config: '{foo=2, bar=data}', exception: 'DataIntegrityException' }]);

check('example 17 (CWL_QuerySyntax parse): regex with named groups',
  'parse @message /\\[(?<level>\\S+)\\]\\s+(?<config>\\{.*\\})\\s+The error was: (?<exception>\\S+)/ | filter ispresent(exception) | display level, config, exception', '/app/text',
  [{ level: 'ERROR', config: '{foo=2, bar=data}', exception: 'DataIntegrityException' }]);

check('example 18 (CWL_QuerySyntax parse): regex parse then stats by two fields (the trailing lazy group anchored with $)',
  'parse @message /user=(?<user2>.*?), method:(?<method2>.*?), latency := (?<latency2>.*?)$/ | filter ispresent(user2) | stats avg(latency2) by method2, user2', '/app/text',
  [{ method2: 'otherMethod', user2: 'user5678', 'avg(latency2)': '100' }, { method2: 'sampleMethod', user2: 'user1234', 'avg(latency2)': '258' }]);

check('example 18 verbatim (our documented semantics: a trailing lazy group matches the empty string, as in RE2/Java find)',
  'parse @message /user=(?<user2>.*?), method:(?<method2>.*?), latency := (?<latency2>.*?)/ | filter ispresent(user2) | stats avg(latency2), count(*) by method2, user2', '/app/text',
  [{ method2: 'otherMethod', user2: 'user5678', 'count(*)': '1' }, { method2: 'sampleMethod', user2: 'user1234', 'count(*)': '2' }]);

check('example 19 (CWL_QuerySyntax-examples): upper-case commands, IN, display with a comparison as a 1/0 field',
  'FIELDS @message | PARSE @message "* [*] *" as loggingTime, loggingType, loggingMessage | FILTER loggingType IN ["ERROR", "INFO"] | DISPLAY loggingMessage, loggingType = "ERROR" as isError', '/app/text', [
    { loggingMessage: 'java.lang.IllegalStateException: bad state', isError: '1' },
    { loggingMessage: 'java.lang.NullPointerException: boom', isError: '1' },
    { loggingMessage: 'Request time: 20 ms', isError: '0' },
    { loggingMessage: 'Request time: 327 ms', isError: '0' },
    { loggingMessage: '{foo=2, bar=data} The error was: DataIntegrityException', isError: '1' },
  ]);

check('example 20 (fact sheet §1.3 dedup): one row per server, its earliest event; rows without server are kept',
  'fields @timestamp, server, severity, message | sort @timestamp asc | dedup server', '/app/servers', [
    { '@timestamp': ts(T0 + MIN), server: 'alpha', severity: 'low', message: 'started' },
    { '@timestamp': ts(T0 + 2 * MIN), server: 'beta', severity: 'low', message: 'started' },
    { '@timestamp': ts(T0 + 4 * MIN), severity: 'medium', message: 'no server field' },
    { '@timestamp': ts(T0 + 5 * MIN), server: 'gamma', severity: 'low', message: 'started' },
    { '@timestamp': ts(T0 + 7 * MIN), severity: 'low', message: 'also no server' },
  ]);

check('example 21 (AWS serverless snippet): 10 newest API Gateway 4xx rows; status strings compare as numbers',
  'fields @timestamp, status, ip, path, httpMethod | filter status>=400 and status<=499 | sort @timestamp desc | limit 10', '/aws/apigw/access', [
    { '@timestamp': ts(T0 + 6 * MIN), status: '499', ip: '203.0.113.5', path: '/owners', httpMethod: 'GET' },
    { '@timestamp': ts(T0 + 4 * MIN), status: '403', ip: '203.0.113.1', path: '/pets/1', httpMethod: 'DELETE' },
    { '@timestamp': ts(T0 + 3 * MIN), status: '400', ip: '203.0.113.3', path: '/pets', httpMethod: 'POST' },
    { '@timestamp': ts(T0 + 2 * MIN), status: '404', ip: '203.0.113.2', path: '/pets/9', httpMethod: 'GET' },
  ]);

check('CWL_QuerySyntax-examples NAT gateway: traffic between two address prefixes (like with quoted substrings)',
  "filter (dstAddr like '10.0.0.' and srcAddr like '192.0.2.') | stats sum(bytes) as bytesTransferred by srcAddr, dstAddr | sort bytesTransferred desc | limit 10", '/vpc/flow', [
    { srcAddr: '192.0.2.10', dstAddr: '10.0.0.6', bytesTransferred: '90000' },
    { srcAddr: '192.0.2.10', dstAddr: '10.0.0.5', bytesTransferred: '560' },
    { srcAddr: '192.0.2.11', dstAddr: '10.0.0.5', bytesTransferred: '240' },
  ]);

check('CWL_QuerySyntax-examples: uploads to destinations outside a prefix (not like)',
  "filter (srcAddr like '192.0.2.10' and dstAddr not like '10.0.0.6') | stats sum(bytes) as bytesTransferred by srcAddr, dstAddr", '/vpc/flow',
  [{ srcAddr: '192.0.2.10', dstAddr: '10.0.0.5', bytesTransferred: '560' }]);

check('CWL_AnalyzeLogData_VisualizationFieldQuery: count by log stream, limit 100', 'stats count(*) by @logStream | limit 100', '/app/api',
  [{ '@logStream': 'web-1', 'count(*)': '5' }, { '@logStream': 'web-2', 'count(*)': '3' }, { '@logStream': 'web-3', 'count(*)': '2' }]);

check('CWL_AnalyzeLogData_VisualizationQuery: bin(30s)', 'filter @type = "REPORT" | stats count(*) by bin(30s)', '/aws/lambda/orders',
  [{ 'bin(30s)': ts(T0 + MIN), 'count(*)': '1' }, { 'bin(30s)': ts(T0 + 3 * MIN), 'count(*)': '1' }, { 'bin(30s)': ts(T0 + 7 * MIN), 'count(*)': '1' }]);

check('CWL_AnalyzeLogData-discoverable-fields: filter on a nested array element',
  'fields @timestamp | filter requestParameters.instancesSet.items.0.instanceId="i-abcde123" | sort @timestamp desc | fields eventName', '/aws/cloudtrail/main',
  [{ '@timestamp': ts(T0 + MIN), eventName: 'StartInstances' }]);

// ==== fields / display (fact sheet §1.3) ====

checkFields('fact sheet §1.3 fields: columns in the order written', 'fields user, status, @timestamp', '/app/api', ['user', 'status', '@timestamp']);
checkFields('CWL_QuerySyntax: several fields commands without display show all their fields', 'fields user | fields status | fields user', '/app/api', ['status', 'user']);
checkFields('fact sheet §1.3 display: only the last display counts', 'display user | fields status | display path, method', '/app/api', ['path', 'method']);
checkFields('fact sheet §1.3: without fields/display/stats the columns are @timestamp and @message', 'filter status = 200', '/app/api', ['@timestamp', '@message']);
checkFields('our documented semantics: parse fields are shown after @timestamp, @message', 'parse @message "[*]" as lvl', '/app/text', ['@timestamp', '@message', 'lvl']);
checkFields('our documented semantics: a backticked field is named without backticks', 'fields `user.id`', '/app/api', ['user.id']);
checkFields('our documented semantics: an expression column is named as written', 'fields abs(latency - 100), latency*2', '/app/api', ['abs(latency - 100)', 'latency*2']);

check('CWL_QuerySyntax fields: computed ephemeral field with concat', "fields concat(method, '-', status) as opStatus | filter user = 'alice' | limit 2", '/app/api',
  [{ opStatus: 'GET-200' }, { opStatus: 'POST-201' }]);
check('fact sheet §1.1: ephemeral fields are usable by later commands', 'fields latency * 2 as double | filter double > 1000 | fields user, double', '/app/api',
  [{ double: '2400', user: 'dave' }, { double: '1900', user: 'carol' }]);
check('our documented semantics: a later fields redefines an ephemeral field', 'fields 1 as x | fields x + 1 as x | limit 1', '/app/api', [{ x: '2' }]);
check('CWL_QuerySyntax display: display a parsed field only', 'fields @message | parse @message "[*] *" as loggingType, loggingMessage | filter loggingType = "ERROR" | display loggingMessage', '/app/text', [
  { loggingMessage: 'java.lang.IllegalStateException: bad state' },
  { loggingMessage: 'java.lang.NullPointerException: boom' },
  { loggingMessage: '{foo=2, bar=data} The error was: DataIntegrityException' },
]);
check('our documented semantics: a display alias can be filtered on later', 'display user, latency > 500 as slow | filter slow = 1', '/app/api', [{ user: 'dave', slow: '1' }, { user: 'carol', slow: '1' }]);
check('fact sheet §1.9: missing fields are omitted from the row', 'fields user, error.code | filter status >= 500', '/app/api', [{ user: 'dave', 'error.code': 'E43' }, { user: 'carol', 'error.code': 'E42' }]);
check('fact sheet §1.5: unmask() in fields returns the stored value (no masking exists yet)', 'fields unmask(user) as u | filter status = 404', '/app/api', [{ u: 'alice' }]);
check('fact sheet §1.3: unmask command is accepted and changes nothing', 'unmask | fields user | filter status = 404', '/app/api', [{ user: 'alice' }]);

// ==== filter (fact sheet §1.2, §1.3) ====

check('fact sheet §1.2: status = 200 matches JSON 200 and "200"', 'filter status = 200 | fields user', '/app/api', [{ user: 'alice' }, {}, { user: 'bob' }, { user: 'alice' }]);
check('our documented semantics: a string literal compares as text', 'filter status = "200" | stats count(*)', '/app/api', [{ 'count(*)': '4' }]);
check('CWL_QuerySyntax filter: duration > 2000 style numeric filter', 'filter (latency>200) | fields user, latency', '/app/api', [{ user: 'dave', latency: '1200' }, { user: 'alice', latency: '230' }, { user: 'carol', latency: '950' }]);
check('CWL_QuerySyntax filter: f1=10 or f3>25 style', 'filter (status=404 or latency>1000) | fields user', '/app/api', [{ user: 'dave' }, { user: 'alice' }]);
check('CWL_QuerySyntax filter: like /2\\d\\d/ on a number', 'filter status like /2\\d\\d/ | stats count(*)', '/app/api', [{ 'count(*)': '5' }]);
check('CWL_QuerySyntax filter: not like /2\\d\\d/', 'filter status not like /2\\d\\d/ | fields status', '/app/api', [{ status: '302' }, { status: '429' }, { status: '503' }, { status: '500' }, { status: '404' }]);
check('CWL_QuerySyntax filter: in [300,400,500] matches numbers', 'filter status in [302, 404, 500] | fields status', '/app/api', [{ status: '302' }, { status: '500' }, { status: '404' }]);
check('CWL_QuerySyntax filter: not in with strings and numbers', 'filter level not in ["INFO", "DEBUG", 1] | fields level', '/app/api', [{ level: 'WARN' }, { level: 'ERROR' }, { level: 'ERROR' }, { level: 'WARN' }]);
check('CWL_QuerySyntax: in matches complete strings only', 'filter region in ["us-east"] | stats count(*)', '/app/api', [{ 'count(*)': '0' }]);
check('CWL_QuerySyntax: like "text" is a case-sensitive substring', 'filter @message like "Exception" | stats count(*)', '/app/text', [{ 'count(*)': '4' }]);
check('CWL_QuerySyntax: like /(?i)text/ is case-insensitive', 'filter @message like /(?i)exception/ | stats count(*)', '/app/text', [{ 'count(*)': '4' }]);
check('CWL_QuerySyntax: =~ matches a substring', 'filter @message =~ /Null/ | stats count(*)', '/app/text', [{ 'count(*)': '1' }]);
check('CWL_QuerySyntax: like is case-sensitive', 'filter @message like "exception" | stats count(*)', '/app/text', [{ 'count(*)': '0' }]);
check('CWL_QuerySyntax: wildcard regex E* matches (any substring)', 'filter level like /E*/ | stats count(*)', '/app/api', [{ 'count(*)': '10' }]);
check('our documented semantics: like on a missing field is false; not like is true', 'filter error.code not like "E4" | stats count(*)', '/app/api', [{ 'count(*)': '8' }]);
check('our documented semantics: a comparison with a missing field is false', 'filter retry != 1 | stats count(*)', '/app/api', [{ 'count(*)': '0' }]);
check('our documented semantics: not of a false comparison is true', 'filter not (error.code = "E42") | stats count(*)', '/app/api', [{ 'count(*)': '9' }]);
check('fact sheet §1.3: where is an alias of filter', 'where user = "eve" | fields status', '/app/api', [{ status: '429' }]);
check('fact sheet §1.3: filterIndex filters like filter (no index policies yet)', 'filterIndex region = "eu-west-1" | fields user', '/app/api', [{ user: 'carol' }, { user: 'alice' }]);
check('fact sheet §1.3: filterIndex with in', 'filterIndex user in ["eve", "frank"] | fields user', '/app/api', [{ user: 'frank' }, { user: 'eve' }]);
check('our documented semantics: several filters all apply', 'filter method = "GET" | filter latency < 50 | fields path', '/app/api', [{ path: '/login' }, { path: '/api/users' }, { path: '/health' }, { path: '/api/missing' }]);
check('our documented semantics: a field as a condition is true when present and not empty/0/false', 'filter ok | fields user', '/app/api', [{ user: 'alice' }]);
check('our documented semantics: boolean JSON values compare as text', 'filter ok = "true" | fields user', '/app/api', [{ user: 'alice' }]);
check('our documented semantics: comparing two fields numerically when both are numbers', 'fields latency as a, status as b | filter a > b | fields user', '/app/api', [{ a: '1200', b: '503', user: 'dave' }, { a: '230', b: '201', user: 'alice' }, { a: '950', b: '500', user: 'carol' }]);
check('our documented semantics: comparing two text fields', 'filter user = path | stats count(*)', '/app/api', [{ 'count(*)': '0' }]);
check('fact sheet §1.2: arithmetic in filter', 'filter latency / 10 >= 95 | fields latency', '/app/api', [{ latency: '1200' }, { latency: '950' }]);
check('fact sheet §1.2: modulo in filter', 'filter status % 100 = 0 | fields status', '/app/api', [{ status: '200' }, { status: '200' }, { status: '500' }, { status: '200' }, { status: '200' }]);

// ==== stats (fact sheet §1.3, §1.5) ====

check('fact sheet §1.5: count() and count(*) count events', 'stats count() as a, count(*) as b', '/app/api', [{ a: '10', b: '10' }]);
check('fact sheet §1.5: count(field) counts events with the field', 'stats count(user) as u, count(error.code) as e, count(nope) as n', '/app/api', [{ u: '9', e: '2', n: '0' }]);
check('fact sheet §1.5: count_distinct', 'stats count_distinct(user) as users, count_distinct(region) as regions', '/app/api', [{ users: '6', regions: '3' }]);
check('fact sheet §1.5: sum, avg, min, max', 'stats sum(latency) as s, avg(latency) as a, min(latency) as mn, max(latency) as mx', '/app/api', [{ s: '2738.5', a: '273.85', mn: '3', mx: '1200' }]);
check('fact sheet §1.5: stddev (sample standard deviation, our documented semantics)', 'filter latency in [3, 5, 15] | stats stddev(latency) as sd', '/app/api', [{ sd: '6.429100507328636' }]);
check('fact sheet §1.5: pct(latency, 50) and pct(latency, 90)', 'stats pct(latency, 50) as p50, pct(latency, 90) as p90, pct(latency, 0) as p0, pct(latency, 100) as p100', '/app/api', [{ p50: '95.5', p90: '1200', p0: '3', p100: '1200' }]);
check('fact sheet §1.5: earliest and latest by @timestamp', 'stats earliest(user) as first, latest(user) as last', '/app/api', [{ first: 'alice', last: 'frank' }]);
check('fact sheet §1.5: earliest skips events without the field', 'stats earliest(error.code) as e, latest(error.code) as l', '/app/api', [{ e: 'E42', l: 'E43' }]);
check('fact sheet §1.5: sortsFirst and sortsLast (natural sort)', 'stats sortsFirst(user) as f, sortsLast(user) as l, sortsFirst(status) as sf, sortsLast(status) as sl', '/app/api', [{ f: 'alice', l: 'frank', sf: '200', sl: '503' }]);
check('our documented semantics: min/max of text values use natural order', 'stats min(level) as mn, max(level) as mx', '/app/api', [{ mn: 'DEBUG', mx: 'WARN' }]);
check('our documented semantics: min/max of numeric text compare as numbers', 'stats min(status) as mn, max(status) as mx', '/aws/apigw/access', [{ mn: '200', mx: '500' }]);
check('fact sheet §1.3: stats by several keys with aliases', 'stats count(*) as n by method as m, level as l | sort n desc, m, l | limit 3', '/app/api',
  [{ m: 'GET', l: 'INFO', n: '4' }, { m: 'GET', l: 'WARN', n: '2' }, { m: 'POST', l: 'ERROR', n: '2' }]);
check('fact sheet §1.3: stats by a computed key', 'stats count(*) as n by status >= 400 as failed', '/app/api', [{ failed: '0', n: '6' }, { failed: '1', n: '4' }]);
check('our documented semantics: events without the by-field form their own group', 'stats count(*) as n by user | filter n = 1 | sort user', '/app/api', [
  { user: 'bob', n: '1' }, { user: 'carol', n: '1' }, { user: 'dave', n: '1' }, { user: 'eve', n: '1' }, { user: 'frank', n: '1' }, { n: '1' },
]);
check('fact sheet §1.3: aggregates combined in one expression', 'stats sum(latency) / count(*) as mean', '/app/api', [{ mean: '273.85' }]);
check('fact sheet §1.3: stats over no events returns one row of zero', 'filter status = 999 | stats count(*) as n', '/app/api', [{ n: '0' }]);
check('fact sheet §1.3: stats with by over no events returns no rows', 'filter status = 999 | stats count(*) as n by user', '/app/api', []);
check('fact sheet §1.3: a second stats over the first one\'s fields', 'stats count(*) as c by level | stats avg(c) as a, max(c) as m, count(*) as groups', '/app/api', [{ a: '2.5', m: '5', groups: '4' }]);
check('fact sheet §1.3: sort and limit after the second stats', 'stats count(*) as c by user, level | stats sum(c) as total by level | sort total desc | limit 2', '/app/api', [{ level: 'INFO', total: '5' }, { level: 'ERROR', total: '2' }]);
check('fact sheet §1.3: filter on stats results', 'stats count(*) as c by user | filter c > 1', '/app/api', [{ user: 'alice', c: '4' }]);
check('fact sheet §1.3: fields after stats computes from results', 'stats count(*) as c, sum(latency) as s by level | fields s / c as mean | sort mean desc | display level, mean', '/app/api',
  [{ level: 'ERROR', mean: '1075' }, { level: 'INFO', mean: '113.1' }, { level: 'WARN', mean: '9' }, { level: 'DEBUG', mean: '5' }]);
check('fact sheet §1.4: bin groups on @timestamp', 'stats count(*) by bin(5m)', '/app/api', [{ 'bin(5m)': ts(T0), 'count(*)': '4' }, { 'bin(5m)': ts(T0 + 5 * MIN), 'count(*)': '5' }, { 'bin(5m)': ts(T0 + 10 * MIN), 'count(*)': '1' }]);

test('fact sheet §1.9: stats rows carry no @ptr', async () => {
  const r = await fx.run('stats count(*) by level', '/app/api');
  assert.ok(r.rows.every((row) => row.every((f) => f.field !== '@ptr')));
});

// ==== sort (fact sheet §1.3: natural sort) ====

check('fact sheet §1.3: sort desc', 'sort latency desc | fields latency | limit 3', '/app/api', [{ latency: '1200' }, { latency: '950' }, { latency: '230' }]);
check('our documented semantics: sort without a direction is ascending', 'sort latency | fields latency | limit 3', '/app/api', [{ latency: '3' }, { latency: '5' }, { latency: '15' }]);
check('fact sheet §1.3: sort by several keys', 'sort region desc, latency asc | fields region, latency | limit 4', '/app/api',
  [{ region: 'us-east-1', latency: '5' }, { region: 'us-east-1', latency: '40' }, { region: 'us-east-1', latency: '80' }, { region: 'us-east-1', latency: '95.5' }]);
check('our documented semantics: missing values sort last in both directions', 'sort user desc | fields user | limit 10', '/app/api',
  [{ user: 'frank' }, { user: 'eve' }, { user: 'dave' }, { user: 'carol' }, { user: 'bob' }, { user: 'alice' }, { user: 'alice' }, { user: 'alice' }, { user: 'alice' }, {}]);
check('CWL_QuerySyntax alias: stats alias sorted desc', 'stats avg(latency) as myAvg by level | sort myAvg desc', '/app/api',
  [{ level: 'ERROR', myAvg: '1075' }, { level: 'INFO', myAvg: '113.1' }, { level: 'WARN', myAvg: '9' }, { level: 'DEBUG', myAvg: '5' }]);
check('our documented semantics: sort is stable on the previous order', 'sort method | fields method, @timestamp | limit 3', '/app/api',
  [{ method: 'GET', '@timestamp': ts(T0 + 10 * MIN) }, { method: 'GET', '@timestamp': ts(T0 + 9 * MIN) }, { method: 'GET', '@timestamp': ts(T0 + 8 * MIN) }]);

// ==== limit (fact sheet §1.3, §1.8) ====

test('fact sheet §1.8: without a limit the query returns up to 10,000 rows; recordsMatched counts all matches', async () => {
  const r = await fx.run('fields @message', ['/app/api', '/app/text']);
  assert.equal(r.rows.length, 22);
  assert.equal(r.statistics.recordsMatched, 22);
});
test('fact sheet §1.8: the StartQuery limit parameter caps rows', async () => {
  const r = await fx.run('fields @message', '/app/api', { limit: 3 });
  assert.equal(r.rows.length, 3);
  assert.equal(r.statistics.recordsMatched, 10);
});
test('our documented semantics: the smaller of the query limit and the API limit wins', async () => {
  assert.equal((await fx.run('fields @message | limit 5', '/app/api', { limit: 3 })).rows.length, 3);
  assert.equal((await fx.run('fields @message | limit 2', '/app/api', { limit: 3 })).rows.length, 2);
});
check('fact sheet §1.3: limit keeps the first N in sort order', 'fields user | sort @timestamp asc | limit 2', '/app/api', [{ user: 'alice' }, { user: 'bob' }]);
check('our documented semantics: filter after limit filters the limited rows', 'sort @timestamp asc | limit 3 | filter user = "alice" | fields user, status', '/app/api', [{ user: 'alice', status: '200' }, { user: 'alice', status: '404' }]);
check('our documented semantics: sort after limit sorts the limited rows', 'sort @timestamp asc | limit 3 | sort latency desc | fields latency', '/app/api', [{ latency: '120' }, { latency: '80' }, { latency: '15' }]);
check('our documented semantics: two limits in a row keep the smaller', 'fields user | limit 5 | limit 2', '/app/api', [{ user: 'frank' }, { user: 'eve' }]);
test('fact sheet §1.3: limit any returns rows without an order guarantee', async () => {
  const r = await fx.rows('fields user | limit any', '/app/api');
  assert.equal(r.length, 10);
});
check('fact sheet §1.3: stats then limit', 'stats count(*) as c by user | sort c desc | limit 1', '/app/api', [{ user: 'alice', c: '4' }]);

// ==== parse (fact sheet §1.3) ====

check('fact sheet §1.3 parse glob: every * but the last is lazy, the last takes the rest', 'parse @message "* [*] *" as t, lvl, rest | filter lvl = "DEBUG" | display t, lvl, rest', '/app/text',
  [{ t: '2019-05-25T11:24:46', lvl: 'DEBUG', rest: 'cache hit ratio 0.97' }]);
check('our documented semantics: glob special characters are literal', 'parse @message "{*}" as inside | filter ispresent(inside) | display inside', '/app/text', [{ inside: 'foo=2, bar=data' }]);
check('our documented semantics: parse on a non-matching event leaves the fields missing', 'parse @message "Request time: * ms" as rt | fields rt | sort rt desc', '/app/text', [{ rt: '327' }, { rt: '20' }, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}]);
check('our documented semantics: parse captures are usable numerically', 'parse @message "Request time: * ms" as rt | stats sum(rt) as total', '/app/text', [{ total: '347' }]);
check('fact sheet §1.3 parse: a parsed field (not @message) as source', 'parse @message "[*] *" as lvl, rest | parse rest "java.lang.*: *" as exc, detail | filter ispresent(exc) | display exc, detail', '/app/text',
  [{ exc: 'IllegalStateException', detail: 'bad state' }, { exc: 'NullPointerException', detail: 'boom' }]);
check('our documented semantics: parse without a source field reads @message', 'parse "Request time: * ms" as rt | filter ispresent(rt) | display rt', '/app/text', [{ rt: '20' }, { rt: '327' }]);
check('CWL_QuerySyntax-examples: parse into @-named ephemeral fields', 'parse @message "user=*, method:*, latency := *" as @user, @method, @latency | filter ispresent(@user) | stats avg(@latency) by @method, @user', '/app/text',
  [{ '@method': 'otherMethod', '@user': 'user5678', 'avg(@latency)': '100' }, { '@method': 'sampleMethod', '@user': 'user1234', 'avg(@latency)': '258' }]);
check('our documented semantics: regex parse with (?P<name>) and unnamed groups', 'parse @message /(\\d+) May (?P<year>\\d{4}) (?<clock>[0-9:]+)/ | filter ispresent(year) | stats count(*) by year, clock | limit 2', '/app/text',
  [{ year: '2019', clock: '10:24:39', 'count(*)': '1' }, { year: '2019', clock: '10:24:40', 'count(*)': '1' }]);
check('our documented semantics: a glob matches across lines', 'parse @message "multi*message" as mid | filter ispresent(mid) | display mid', '/app/text', [{ mid: '\nline ' }]);

// ==== dedup (fact sheet §1.3) ====

check('fact sheet §1.3 dedup: default order @timestamp desc keeps the newest', 'fields server, message | dedup server', '/app/servers', [
  { message: 'also no server' }, { server: 'beta', message: 'oom' }, { server: 'gamma', message: 'started' }, { message: 'no server field' }, { server: 'alpha', message: 'disk full' },
]);
test('fact sheet §1.3 dedup: several fields, then limit', async () => {
  assert.deepEqual(await fx.rows('fields server, severity | sort @timestamp asc | dedup server, severity | limit 4', '/app/servers'), [
    { server: 'alpha', severity: 'low' }, { server: 'beta', severity: 'low' }, { server: 'alpha', severity: 'high' }, { severity: 'medium' },
  ]);
});
check('fact sheet §1.3 dedup: after stats', 'stats count(*) as c by user, level | sort c desc | dedup level', '/app/api', [
  { user: 'alice', level: 'INFO', c: '3' }, { user: 'alice', level: 'WARN', c: '1' }, { user: 'carol', level: 'ERROR', c: '1' }, { level: 'DEBUG', c: '1' },
]);
test('our documented semantics: recordsMatched of a dedup query counts rows before dedup', async () => {
  const r = await fx.run('fields server | dedup server', '/app/servers');
  assert.equal(r.rows.length, 5);
  assert.equal(r.statistics.recordsMatched, 7);
});

// ==== unnest / jsonParse (fact sheet §1.3, §1.5) ====

check('fact sheet §1.3 unnest: one row per list element, element fields readable', 'fields jsonParse(@message) as j | unnest j.items into item | filter ispresent(item) | display item.sku, item.qty', '/app/api',
  [{ 'item.sku': 'A1', 'item.qty': '2' }, { 'item.sku': 'B2', 'item.qty': '1' }]);
check('fact sheet §1.3 unnest: a non-list value is a one-element list', 'fields jsonParse(@message) as j | unnest j.user into u | filter status = 404 | display u', '/app/api', [{ u: 'alice' }]);
check('fact sheet §1.3 unnest: stats over elements', 'fields jsonParse(@message) as j | unnest j.tags into t | filter ispresent(t) | stats count(*) by t', '/app/api', [{ t: 'a', 'count(*)': '1' }, { t: 'b', 'count(*)': '1' }]);
check('fact sheet §1.3 unnest: split() gives a list', "fields split('x,y,z', ',') as l | unnest l into e | filter status = 404 | display e", '/app/api', [{ e: 'x' }, { e: 'y' }, { e: 'z' }]);
check('fact sheet §1.3 unnest: CloudTrail items', 'filter eventName = "StartInstances" | fields jsonParse(@message) as j | unnest j.requestParameters.instancesSet.items into it | display it.instanceId', '/aws/cloudtrail/main',
  [{ 'it.instanceId': 'i-west0001' }, { 'it.instanceId': 'i-abcde123' }, { 'it.instanceId': 'i-fff00002' }]);

check('our documented semantics: limit and filter after unnest', 'fields jsonParse(@message) as j | unnest j.tags into t | limit 3 | filter ispresent(t) | display t', '/app/api', []);
check('our documented semantics: unnest, sort by element, limit', 'fields jsonParse(@message) as j | unnest j.tags into t | filter ispresent(t) | sort t desc | limit 1 | display t', '/app/api', [{ t: 'b' }]);
check('our documented semantics: sorting by a constant keeps the previous order', 'fields user | sort now() | limit 2', '/app/api', [{ user: 'frank' }, { user: 'eve' }]);
check('our documented semantics: stats by a constant expression', 'stats count(*) as n by isPrivateIP("10.0.0.1") as p', '/app/api', [{ p: '1', n: '10' }]);
check('our documented semantics: IP tests on text that is not an address are false', 'filter isPrivateIP(user) or isIpInSubnet(user, "10.0.0.0/8") | stats count(*) as n', '/app/api', [{ n: '0' }]);

// ==== SOURCE (fact sheet §1.3) ====

check('fact sheet §1.3 SOURCE: log groups by name prefix', "SOURCE logGroups(namePrefix: ['/app']) | stats count(*) by @log", [],
  [{ '@log': '123456789012:/app/api', 'count(*)': '10' }, { '@log': '123456789012:/app/servers', 'count(*)': '7' }, { '@log': '123456789012:/app/text', 'count(*)': '12' }]);
check('fact sheet §1.3 SOURCE: several prefixes', "SOURCE logGroups(namePrefix: ['/vpc', '/route53/p']) | stats count(*) by @log", [],
  [{ '@log': '123456789012:/route53/public', 'count(*)': '6' }, { '@log': '123456789012:/vpc/flow', 'count(*)': '11' }]);
check('fact sheet §1.3 SOURCE: default class STANDARD excludes Infrequent Access groups', "SOURCE logGroups(namePrefix: ['/arch']) | stats count(*) as n", [], [{ n: '0' }]);
check('fact sheet §1.3 SOURCE: class INFREQUENT_ACCESS', "SOURCE logGroups(namePrefix: ['/'], class: ['INFREQUENT_ACCESS']) | stats count(*) by @log", [], [{ '@log': '123456789012:/archive/old', 'count(*)': '2' }]);
check('fact sheet §1.3 SOURCE: another account matches nothing', "SOURCE logGroups(namePrefix: ['/app'], accountIdentifiers: ['999999999999']) | stats count(*) as n", [], [{ n: '0' }]);
check('fact sheet §1.3 SOURCE: our account matches', "SOURCE logGroups(namePrefix: ['/app/api'], accountIdentifiers: ['123456789012']) | stats count(*) as n", [], [{ n: '10' }]);
check('fact sheet §1.3 SOURCE: START/END relative to the query start', "SOURCE logGroups(namePrefix: ['/app/api']) START=-3h END=-175m | stats count(*) as n", [], [{ n: '5' }]);
check('fact sheet §1.3 SOURCE: absolute START/END in epoch seconds', `SOURCE logGroups(namePrefix: ['/app/api']) START=${(T0 + 5 * MIN) / 1000} END=${(T0 + 6 * MIN) / 1000} | fields user`, [], [{ user: 'dave' }, { user: 'alice' }]);
test('fact sheet §1.3 SOURCE: cannot be combined with log groups in the request', () => refusedAt("SOURCE logGroups(namePrefix: ['/app']) | fields a", '/app/api', "SOURCE logGroups(namePrefix: ['/app'])", /cannot be used when the request names log groups/));
test('fact sheet §1.3 SOURCE: logGroupsScanned statistic', async () => {
  const r = await fx.run("SOURCE logGroups(namePrefix: ['/app']) | stats count(*)", []);
  assert.equal(r.statistics.logGroupsScanned, 3);
});

// ==== Infrequent Access and refusals at run time (fact sheet §1.3) ====

test('fact sheet §1.3: pattern is refused on Infrequent Access groups', () => refusedAt('pattern @message', '/archive/old', 'pattern @message', /not supported for log groups in the INFREQUENT_ACCESS class/));
test('fact sheet §1.3: filterIndex is refused on Infrequent Access groups', () => refusedAt('filterIndex a = "x"', '/archive/old', 'filterIndex a = "x"', /filterIndex is not supported/));
test('fact sheet §1.3: unmask is refused on Infrequent Access groups', () => refusedAt('fields a | unmask', '/archive/old', 'unmask', /unmask is not supported/));
check('fact sheet §1.3: other commands work on Infrequent Access groups', 'fields @message | sort @timestamp asc', '/archive/old', [{ '@message': 'archived line one' }, { '@message': 'archived line two' }]);
test('fact sheet §1.3: lookup is refused naming the table', () => refusedAt('fields a | lookup Geo ip as clientIp OUTPUT country', '/app/api', 'Geo', /Lookup table 'Geo' does not exist/));
test('fact sheet §1.5: an unknown function is refused at run time too', () => refusedAt('fields nosuchfn(a)', '/app/api', 'nosuchfn', /Unrecognized function name/));

// ==== statistics (fact sheet §1.9) ====

test('fact sheet §1.9: recordsScanned and bytesScanned cover the groups in the time range', async () => {
  const r = await fx.run('filter status = 404', '/app/api');
  assert.equal(r.statistics.recordsScanned, 10);
  assert.equal(r.statistics.recordsMatched, 1);
  const { APP } = await import('./insights-datasets.js');
  assert.equal(r.statistics.bytesScanned, APP.reduce((a, e) => a + Buffer.byteLength(e.msg), 0));
});
test('fact sheet §1.9: statistics of an unfiltered stats query come from the same pass', async () => {
  const r = await fx.run('stats count(*) by level', '/app/api');
  const { APP } = await import('./insights-datasets.js');
  assert.deepEqual([r.statistics.recordsScanned, r.statistics.recordsMatched, r.statistics.bytesScanned], [10, 10, APP.reduce((a, e) => a + Buffer.byteLength(e.msg), 0)]);
});
test('fact sheet §1.9: statistics of an unfiltered stats query over no events', async () => {
  const r = await fx.run('stats count(*) as n by level', '/app/api', { startMs: 0, endMs: 1 });
  assert.deepEqual([r.rows, r.statistics.recordsScanned, r.statistics.recordsMatched, r.statistics.bytesScanned], [[], 0, 0, 0]);
});
test('fact sheet §1.9: an unfiltered event query cut by its limit reports every event as matched', async () => {
  const r = await fx.run('fields @message | limit 2', '/app/api');
  assert.deepEqual([r.rows.length, r.statistics.recordsMatched, r.statistics.recordsScanned], [2, 10, 10]);
});
test('fact sheet §1.9: the time range is inclusive on both ends', async () => {
  const r = await fx.run('fields user', '/app/api', { startMs: T0 + 2 * MIN, endMs: T0 + 4 * MIN });
  assert.equal(r.rows.length, 3);
  assert.equal(r.statistics.recordsScanned, 3);
});
test('fact sheet §1.9: recordsMatched of a stats query counts events before stats', async () => {
  const r = await fx.run('filter method = "GET" | stats count(*) by user | filter user = "nobody"', '/app/api');
  assert.deepEqual(r.rows, []);
  assert.equal(r.statistics.recordsMatched, 7);
});
test('our documented semantics: querying several groups at once', async () => {
  const r = await fx.run('stats count(*) as n', ['/app/api', '/vpc/flow'], { startMs: T0 - DAY, endMs: T0 + DAY });
  assert.deepEqual(r.rows, [[{ field: 'n', value: '21' }]]);
  assert.equal(r.statistics.logGroupsScanned, 2);
});
test('our documented semantics: no groups gives no rows', async () => {
  const r = await fx.run('fields @message', []);
  assert.deepEqual([r.rows, r.statistics.recordsScanned], [[], 0]);
});
