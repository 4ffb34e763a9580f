/**
 * Logs Insights functions (fact sheet §1.5): every function, evaluated by the engine over one
 * fixed event, with the doc test vectors where AWS gives them. Each case names its source.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, ts, T0, MIN, type Fixture } from './insights-datasets.js';

/** The event: 2024-01-15 10:37:12.345 UTC. */
const ONE_TS = T0 + 37 * MIN + 12_345;
const ONE = JSON.stringify({
  s: 'xyZxyfooxyZ', n: -2.5, i: 7, zero: 0, ip: '192.0.2.5', ip6: '2001:db8::1', priv: '10.1.2.3', pub: '8.8.8.8', bad: '999.1.1.1',
  arr: [1, 'two', 3], obj: { a: 1, 'b.c': 'x' }, empty: '', blank: '  \t ', hex: 'ff', numStr: '42', date: '2024-01-02 03:04:05.678',
  js: '{"k":[1,2,{"z":"q"}],"m":{"x":"y"}}', csv: 'a,b,,c', uni: 'héllo wörld', url: 'a b&c=d', b64: 'aGVsbG8=', Operation: 'PutItem', StatusCode: 200,
  lat1: 52.52, lon1: 13.405, lat2: 48.8566, lon2: 2.3522, flag: true, ms: 1642195111000,
});

let fx: Fixture;
before(async () => { fx = await openFixture({ '/one': { events: [{ ts: ONE_TS, msg: ONE }] } }); });
after(async () => { await fx.close(); });

async function value(expr: string): Promise<string | undefined> {
  const r = await fx.rows(`fields ${expr} as r`, '/one');
  assert.equal(r.length, 1);
  return r[0].r;
}

const CASES: [string, string, string | undefined][] = [
  // ---- operators (fact sheet §1.2) ----
  ['fact sheet §1.5 doc vector: 2 ^ 3', '2 ^ 3', '8'],
  ['fact sheet §1.5 doc vector: 10 % 3', '10 % 3', '1'],
  ['fact sheet §1.2: addition of a JSON number', 'i + 1', '8'],
  ['fact sheet §1.2: subtraction', 'i - 10', '-3'],
  ['fact sheet §1.2: multiplication', 'n * 2', '-5'],
  ['fact sheet §1.2: division gives a fraction', '7 / 2', '3.5'],
  ['our documented semantics: division by zero is missing', 'i / zero', undefined],
  ['our documented semantics: modulo by zero is missing', 'i % 0', undefined],
  ['fact sheet §1.2: numeric text in arithmetic', 'numStr * 2', '84'],
  ['our documented semantics: arithmetic on text that is not a number is missing', 's + 1', undefined],
  ['our documented semantics: arithmetic on a missing field is missing', 'nope + 1', undefined],
  ['fact sheet §1.2: comparison result is 1/0', 'i > 5', '1'],
  ['fact sheet §1.2: comparison false', 'i < 5', '0'],
  ['fact sheet §1.2: and/or/not', 'not (i > 5 and i < 6) or zero = 1', '1'],
  ['fact sheet §1.2: in as a value', 'i in [1, 7]', '1'],
  ['fact sheet §1.2: like as a value', 's like "foo"', '1'],
  ['fact sheet §1.2: regex like as a value', 's =~ /^xyZ/', '1'],
  ['our documented semantics: -x negates', '-i', '-7'],
  ['our documented semantics: operator precedence', '1 + 2 * 3 ^ 2', '19'],
  // ---- numeric ----
  ['fact sheet §1.5: abs', 'abs(n)', '2.5'],
  ['fact sheet §1.5: ceil', 'ceil(n)', '-2'],
  ['fact sheet §1.5: floor', 'floor(n)', '-3'],
  ['fact sheet §1.5: greatest', 'greatest(1, n, i)', '7'],
  ['fact sheet §1.5: least', 'least(1, n, i)', '-2.5'],
  ['our documented semantics: greatest ignores missing values', 'greatest(nope, 3)', '3'],
  ['fact sheet §1.5: log is the natural logarithm', 'round(log(i), 4)', '1.9459'],
  ['our documented semantics: log of 0 is missing', 'log(zero)', undefined],
  ['fact sheet §1.5: round', 'round(n)', '-3'],
  ['our documented semantics: round halves away from zero', 'round(2.5)', '3'],
  ['fact sheet §1.5: round with digits', 'round(2.345, 2)', '2.35'],
  ['fact sheet §1.5: sqrt', 'sqrt(16)', '4'],
  ['our documented semantics: sqrt of a negative is missing', 'sqrt(n)', undefined],
  ['fact sheet §1.5: haversine (kilometres, our documented semantics)', 'round(haversine(lat1, lon1, lat2, lon2), 1)', '877.5'],
  ['fact sheet §1.5: toNumber', 'toNumber(numStr) + 1', '43'],
  ['fact sheet §1.5: toNumber of text is missing', 'toNumber(s)', undefined],
  ['fact sheet §1.5: toInt truncates', 'toInt("12.7")', '12'],
  ['fact sheet §1.5: toLong truncates toward zero', 'toLong(n)', '-2'],
  ['fact sheet §1.5: toDouble', 'toDouble("1.25")', '1.25'],
  // ---- datetime (fact sheet §1.4, §1.5) ----
  ['fact sheet §1.4: bin(1h) rounds @timestamp down', 'bin(1h)', ts(T0)],
  ['fact sheet §1.4: bin(5m)', 'bin(5m)', ts(T0 + 35 * MIN)],
  ['fact sheet §1.4: bin(30s)', 'bin(30s)', ts(T0 + 37 * MIN)],
  ['fact sheet §1.4: bin(100ms)', 'bin(100ms)', ts(T0 + 37 * MIN + 12_300)],
  ['fact sheet §1.4: bin(1d)', 'bin(1d)', ts(Date.UTC(2024, 0, 15))],
  ['fact sheet §1.4: bin(1w) starts weeks on Monday (our documented semantics)', 'bin(1w)', ts(Date.UTC(2024, 0, 15))],
  ['fact sheet §1.4: bin(1mo)', 'bin(1mo)', ts(Date.UTC(2024, 0, 1))],
  ['fact sheet §1.4: bin(1q)', 'bin(1q)', ts(Date.UTC(2024, 0, 1))],
  ['fact sheet §1.4: bin(1y)', 'bin(1y)', ts(Date.UTC(2024, 0, 1))],
  ['fact sheet §1.4: bin(300s) is capped to 60 s', 'bin(300s)', ts(T0 + 37 * MIN)],
  ['fact sheet §1.4: bin(90m) is capped to 60 m', 'bin(90m)', ts(T0)],
  ['fact sheet §1.4: bin(48h) is capped to 24 h', 'bin(48h)', ts(Date.UTC(2024, 0, 15))],
  ['fact sheet §1.4: bin(5000ms) is capped to 1000 ms', 'bin(5000ms)', ts(T0 + 37 * MIN + 12_000)],
  ['fact sheet §1.4: plural unit names', 'bin(2hours)', ts(T0)],
  ['fact sheet §1.5 doc vector: datefloor(@timestamp, 1h)', 'datefloor(@timestamp, 1h)', ts(T0)],
  ['fact sheet §1.5 doc vector: dateceil(@timestamp, 1h)', 'dateceil(@timestamp, 1h)', ts(T0 + 60 * MIN)],
  ['fact sheet §1.5: dateceil to a day', 'dateceil(@timestamp, 1d)', ts(Date.UTC(2024, 0, 16))],
  ['fact sheet §1.5: dateceil to a month', 'dateceil(@timestamp, 1mo)', ts(Date.UTC(2024, 1, 1))],
  ['our documented semantics: datefloor is not capped', 'datefloor(@timestamp, 300s)', ts(T0 + 35 * MIN)],
  ['fact sheet §1.5: dateceil of an exact boundary stays', 'dateceil(datefloor(@timestamp, 1h), 1h)', ts(T0)],
  ['fact sheet §1.5: fromMillis', 'fromMillis(1642195111000)', '2022-01-14 21:18:31.000'],
  ['fact sheet §1.5: fromMillis of a field', 'fromMillis(ms)', '2022-01-14 21:18:31.000'],
  ['fact sheet §1.5 doc vector: toMillis(2022-01-14T13:18:31.000-08:00) = 1642195111000', 'toMillis(fromMillis(1642195111000))', '1642195111000'],
  ['fact sheet §1.5: toMillis(@timestamp)', 'toMillis(@timestamp)', String(ONE_TS)],
  ['fact sheet §1.5: now() is epoch seconds at query start', 'now()', String((T0 + 3 * 3_600_000) / 1000)],
  ['fact sheet §1.5: parseDate with a Java pattern gives epoch ms', 'parseDate(date, "yyyy-MM-dd HH:mm:ss.SSS")', String(Date.UTC(2024, 0, 2, 3, 4, 5, 678))],
  ['fact sheet §1.5: parseDate with a time zone', 'parseDate("2024-01-02 03:04:05", "yyyy-MM-dd HH:mm:ss", "America/New_York")', String(Date.UTC(2024, 0, 2, 8, 4, 5))],
  ['our documented semantics: parseDate of text that does not match is missing', 'parseDate(s, "yyyy-MM-dd")', undefined],
  ['fact sheet §1.5: formatDate with a Java pattern', 'formatDate(@timestamp, "yyyy/MM/dd HH:mm:ss")', '2024/01/15 10:37:12'],
  ['fact sheet §1.5: formatDate with a time zone', 'formatDate(@timestamp, "yyyy-MM-dd HH:mm", "Asia/Tokyo")', '2024-01-15 19:37'],
  ['fact sheet §1.5: strftime with % patterns', 'strftime(@timestamp, "%Y-%m-%d %H:%M")', '2024-01-15 10:37'],
  ['fact sheet §1.5: queryStartTime() is the range start in epoch ms (our documented semantics)', 'queryStartTime()', String(T0 - 86_400_000)],
  ['fact sheet §1.5: queryEndTime()', 'queryEndTime()', String(T0 + 86_400_000)],
  ['fact sheet §1.5: queryTimeRange() in ms', 'queryTimeRange()', String(2 * 86_400_000)],
  ['our documented semantics: timestamp arithmetic is in ms', '@timestamp - toMillis(bin(1h))', String(37 * MIN + 12_345)],
  // ---- general ----
  ['fact sheet §1.5: ispresent true', 'ispresent(s)', '1'],
  ['fact sheet §1.5: ispresent false', 'ispresent(nope)', '0'],
  ['fact sheet §1.5: ispresent of an empty string is true', 'ispresent(empty)', '1'],
  ['fact sheet §1.5: coalesce', 'coalesce(nope, missing, s)', 'xyZxyfooxyZ'],
  ['fact sheet §1.5: coalesce of all missing', 'coalesce(nope, missing)', undefined],
  ['fact sheet §1.5: case first true branch', 'case(i > 10, "big", i > 5, "medium", "small")', 'medium'],
  ['fact sheet §1.5: case default', 'case(i > 10, "big", "small")', 'small'],
  ['fact sheet §1.5: case without default and no match', 'case(i > 10, "big")', undefined],
  ['fact sheet §1.5: if', 'if(i > 5, "y", "n")', 'y'],
  ['fact sheet §1.5: if false', 'if(flag = "false", 1, 2)', '2'],
  ['fact sheet §1.5: isNumeric of numeric text', 'isNumeric(numStr)', '1'],
  ['fact sheet §1.5: isNumeric of text', 'isNumeric(s)', '0'],
  ['fact sheet §1.5: messageSize(@message) in bytes', 'messageSize(@message)', String(Buffer.byteLength(ONE))],
  // ---- JSON, maps, lists ----
  ['fact sheet §1.5: jsonParse then a key', 'jsonParse(js).m.x', 'y'],
  ['fact sheet §1.5: jsonParse then a list element by dotted position', 'jsonParse(js).k.2.z', 'q'],
  ['fact sheet §1.5: l[1] indexes a list from 0 (our documented semantics)', 'jsonParse(js).k[1]', '2'],
  ['fact sheet §1.5: a map renders as JSON', 'jsonParse(js).m', '{"x":"y"}'],
  ['fact sheet §1.5: jsonParse of invalid JSON is missing', 'jsonParse(s)', undefined],
  ['fact sheet §1.5: jsonStringify of text', 'jsonStringify(s)', '"xyZxyfooxyZ"'],
  ['fact sheet §1.5: jsonStringify of a map', 'jsonStringify(jsonParse(js).m)', '{"x":"y"}'],
  ['fact sheet §1.5: jsonArraySize', 'jsonArraySize(jsonParse(js).k)', '3'],
  ['fact sheet §1.5: jsonArraySize of a map is missing', 'jsonArraySize(jsonParse(js).m)', undefined],
  ['fact sheet §1.5: jsonArrayContains a number', 'jsonArrayContains(jsonParse(js).k, 2)', '1'],
  ['fact sheet §1.5: jsonArrayContains absent', 'jsonArrayContains(jsonParse(js).k, 5)', '0'],
  ['fact sheet §1.5: jsonArrayContains text', 'jsonArrayContains(split(csv, ","), "b")', '1'],
  ['fact sheet §1.5: ephemeral map with a backtick key', 'jsonParse(@message).obj.`b.c`', 'x'],
  // ---- IP ----
  ['fact sheet §1.5: isValidIp v4', 'isValidIp(ip)', '1'],
  ['fact sheet §1.5: isValidIp v6', 'isValidIp(ip6)', '1'],
  ['fact sheet §1.5: isValidIp invalid', 'isValidIp(bad)', '0'],
  ['fact sheet §1.5: isValidIpV4', 'isValidIpV4(ip6)', '0'],
  ['fact sheet §1.5: isValidIpV6', 'isValidIpV6(ip6)', '1'],
  ['fact sheet §1.5: isIpInSubnet v4', 'isIpInSubnet(ip, "192.0.2.0/24")', '1'],
  ['fact sheet §1.5: isIpInSubnet v6', 'isIpInSubnet(ip6, "2001:db8::/32")', '1'],
  ['fact sheet §1.5: isIpInSubnet outside', 'isIpInSubnet(ip, "10.0.0.0/8")', '0'],
  ['fact sheet §1.5: isIpv4InSubnet', 'isIpv4InSubnet(ip, "192.0.2.0/28")', '1'],
  ['fact sheet §1.5: isIpv4InSubnet of a v6 address', 'isIpv4InSubnet(ip6, "0.0.0.0/0")', '0'],
  ['fact sheet §1.5: isIpv6InSubnet', 'isIpv6InSubnet(ip6, "2001:db8::/48")', '1'],
  ['fact sheet §1.5: isIpv6InSubnet of a v4 address', 'isIpv6InSubnet(ip, "::/0")', '0'],
  ['fact sheet §1.5: subnet test of an invalid address is false', 'isIpInSubnet(bad, "0.0.0.0/0")', '0'],
  ['fact sheet §1.5: ipv4ToNumber', 'ipv4ToNumber(ip)', '3221225989'],
  ['fact sheet §1.5: isPrivateIP', 'isPrivateIP(priv)', '1'],
  ['fact sheet §1.5: isPrivateIP of a public address', 'isPrivateIP(pub)', '0'],
  ['fact sheet §1.5: isPublicIP', 'isPublicIP(pub)', '1'],
  ['fact sheet §1.5: isPublicIP of a documentation address (reserved)', 'isPublicIP(ip)', '0'],
  ['fact sheet §1.5: isReservedIP', 'isReservedIP(ip)', '1'],
  ['fact sheet §1.5: isReservedIP loopback', 'isReservedIP("127.0.0.1")', '1'],
  ['fact sheet §1.5: isReservedIP of a public address', 'isReservedIP(pub)', '0'],
  // ---- strings (doc vectors from CWL_QuerySyntax) ----
  ['fact sheet §1.5 doc vector: ltrim("xyZxyfooxyZ","xyZ")', 'ltrim("xyZxyfooxyZ", "xyZ")', 'fooxyZ'],
  ['fact sheet §1.5 doc vector: rtrim("xyZfooxyxyZ","xyZ")', 'rtrim("xyZfooxyxyZ", "xyZ")', 'xyZfoo'],
  ['fact sheet §1.5 doc vector: trim("xyZxyfooxyxyZ","xyZ")', 'trim("xyZxyfooxyxyZ", "xyZ")', 'foo'],
  ['fact sheet §1.5 doc vector: substr("xyZfooxyZ", 3)', 'substr("xyZfooxyZ", 3)', 'fooxyZ'],
  ['fact sheet §1.5 doc vector: substr("xyZfooxyZ", 3, 3)', 'substr("xyZfooxyZ", 3, 3)', 'foo'],
  ['fact sheet §1.5 doc vector: concat(Operation, "-", StatusCode)', "concat(Operation, '-', StatusCode)", 'PutItem-200'],
  ['fact sheet §1.5 doc vector: strcontains("abc","b") = 1', 'strcontains("abc", "b")', '1'],
  ['fact sheet §1.5: strcontains absent', 'strcontains("abc", "d")', '0'],
  ['fact sheet §1.5: strcontains case-insensitive', 'strcontains("abc", "B", 1)', '1'],
  ['fact sheet §1.5: ltrim without characters removes white space', 'concat("[", ltrim("  a  "), "]")', '[a  ]'],
  ['fact sheet §1.5: rtrim without characters', 'concat("[", rtrim("  a  "), "]")', '[  a]'],
  ['fact sheet §1.5: trim without characters', 'concat("[", trim("  a  "), "]")', '[a]'],
  ['fact sheet §1.5: strlen counts Unicode code points', 'strlen(uni)', '11'],
  ['fact sheet §1.5: substr counts code points', 'substr(uni, 1, 4)', 'éllo'],
  ['fact sheet §1.5: toupper', 'toupper(uni)', 'HÉLLO WÖRLD'],
  ['fact sheet §1.5: tolower', 'tolower("ABC")', 'abc'],
  ['fact sheet §1.5: replace replaces every occurrence', 'replace(s, "xy", "_")', '_Z_foo_Z'],
  ['fact sheet §1.5: isempty of ""', 'isempty(empty)', '1'],
  ['fact sheet §1.5: isempty of a missing field', 'isempty(nope)', '1'],
  ['fact sheet §1.5: isempty of text', 'isempty(s)', '0'],
  ['fact sheet §1.5: isblank of white space', 'isblank(blank)', '1'],
  ['fact sheet §1.5: isblank of a missing field', 'isblank(nope)', '1'],
  ['fact sheet §1.5: isblank of text', 'isblank(s)', '0'],
  ['fact sheet §1.1: string functions on a missing value give missing', 'toupper(nope)', undefined],
  ['fact sheet §1.5: concat with a missing value is missing', 'concat(nope, "-")', undefined],
  ['fact sheet §1.5: regexReplace with a group reference', 'regexReplace(s, /x(y)/, "[$1]")', '[y]Z[y]foo[y]Z'],
  ['fact sheet §1.5: regexReplace case-insensitive', 'regexReplace(s, /(?i)XY/, "-")', '-Z-foo-Z'],
  ['fact sheet §1.5: startsWith', 'startsWith(s, "xyZ")', '1'],
  ['fact sheet §1.5: endsWith', 'endsWith(s, "Zx")', '0'],
  ['fact sheet §1.5: urlencode', 'urlencode(url)', 'a%20b%26c%3Dd'],
  ['fact sheet §1.5: urldecode', 'urldecode("a%20b%26c")', 'a b&c'],
  ['fact sheet §1.5: base64encode', 'base64encode("hello")', 'aGVsbG8='],
  ['fact sheet §1.5: base64decode', 'base64decode(b64)', 'hello'],
  ['fact sheet §1.5: split gives a list', 'split(csv, ",")', '["a","b","","c"]'],
  ['fact sheet §1.5: hexToAscii', 'hexToAscii("414243")', 'ABC'],
  ['fact sheet §1.5: hexToDec', 'hexToDec(hex)', '255'],
  ['fact sheet §1.5: hexToDec with 0x', 'hexToDec("0x1F")', '31'],
  ['fact sheet §1.5: decToHex', 'decToHex(255)', 'ff'],
  ['fact sheet §1.5: decToHex of 4096', 'decToHex(4096)', '1000'],
  ['fact sheet §1.5: decToHex of 0', 'decToHex(0)', '0'],
  ['fact sheet §1.5: function names are case-insensitive (our documented semantics)', 'TOUPPER("a")', 'A'],
  // ---- fields as JSON values ----
  ['fact sheet §1.7: a JSON true is the text "true"', 'flag', 'true'],
  ['fact sheet §1.7: array elements by position', 'arr.1', 'two'],
  ['fact sheet §1.7: a key containing a dot inside an object', 'obj.b.c', 'x'],
  ['fact sheet §1.7: objects are not fields', 'obj', undefined],
  ['fact sheet §1.7: arrays are not fields', 'arr', undefined],
];

for (const [src, expr, want] of CASES) {
  test(`${expr} → ${want === undefined ? '(missing)' : JSON.stringify(want)} (${src})`, async () => assert.equal(await value(expr), want));
}

// ---- aggregates over a few values (fact sheet §1.5) ----

test('fact sheet §1.5: pct over numeric text values', async () => {
  const r = await fx.rows('stats pct(latency, 50) as p, pct(latency, 99) as p99', '/app/api');
  assert.deepEqual(r, [{ p: '95.5', p99: '1200' }]);
});
test('fact sheet §1.5: count_distinct of numbers and numeric text counts values as text', async () => {
  assert.deepEqual(await fx.rows('stats count_distinct(status) as n', '/app/api'), [{ n: '7' }]);
});
test('fact sheet §1.5: sum ignores non-numeric values', async () => {
  assert.deepEqual(await fx.rows('stats sum(bytes) as b, count(bytes) as c', '/vpc/flow'), [{ b: '100298', c: '11' }]);
});
test('our documented semantics: avg of no numeric values is missing', async () => {
  assert.deepEqual(await fx.rows('stats avg(user) as a, count(*) as n', '/app/api'), [{ n: '10' }]);
});
