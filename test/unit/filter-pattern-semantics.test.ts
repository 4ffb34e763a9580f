/**
 * Filter-pattern semantics, one example per rule of docs/filter-patterns.md, each on both back ends
 * (JS predicate, and SQL in the real engine). "AWS doc" cases restate the documentation
 * (FilterAndPatternSyntax, aws-facts.md §2); "UNCONFIRMED" cases are our choice where AWS is silent,
 * pinned here so that a change is deliberate.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, compileJs, compileSql, extract } from '../../src/query/patterns/filter-pattern.js';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { rows } from '../../src/store/engine.js';

type Case = [pattern: string, event: string, expected: boolean];
const GROUPS: Record<string, Case[]> = {
  'AWS doc: a selector pointing to an object or array does not match; elements by index do': [
    ['{ $.arr = "x" }', '{"arr":["x"]}', false], ['{ $.arr[0] = "x" }', '{"arr":["x"]}', true], ['{ $.o = * }', '{"o":{"a":1}}', false],
    ['{ $.o != "x" }', '{"o":{"a":1}}', false], ['{ $.arr[1] = 2 }', '{"arr":[1]}', false],
  ],
  'AWS doc: a non-JSON message never matches a JSON pattern, not even NOT EXISTS': [
    ['{ $.a NOT EXISTS }', 'plain text', false], ['{ $.a NOT EXISTS }', '[1,2]', false], ['{ $.a NOT EXISTS }', '{}', true], ['{ $.a NOT EXISTS }', '{"a":1', false],
  ],
  'UNCONFIRMED: a bare number compares numerically with JSON numbers only': [
    ['{ $.code = 404 }', '{"code":404}', true], ['{ $.code = 404 }', '{"code":404.0}', true], ['{ $.code = 404 }', '{"code":"404"}', false],
    ['{ $.n > 5 }', '{"n":10}', true], ['{ $.n > 5 }', '{"n":"10"}', false], ['{ $.n = 1e-3 }', '{"n":0.001}', true],
  ],
  'UNCONFIRMED: text comparisons see strings, booleans and the canonical text of numbers': [
    ['{ $.code = "404" }', '{"code":404}', true], ['{ $.code = "404" }', '{"code":4.04e2}', true], ['{ $.code = "404" }', '{"code":"404"}', true],
    ['{ $.v = "1.5" }', '{"v":1.50}', true], ['{ $.v = "1.50" }', '{"v":1.50}', false], ['{ $.v = "1e+21" }', '{"v":1E21}', true],
    ['{ $.status = 4* }', '{"status":404}', true], ['{ $.status = 4* }', '{"status":"404"}', true], ['{ $.status = 4* }', '{"status":504}', false],
    ['{ $.flag = true }', '{"flag":true}', true], ['{ $.flag = true }', '{"flag":"true"}', true], ['{ $.flag IS TRUE }', '{"flag":"true"}', false],
  ],
  'UNCONFIRMED: "*" means any string, number or boolean (not null, object, array or missing)': [
    ['{ $.a = * }', '{"a":""}', true], ['{ $.a = * }', '{"a":0.5}', true], ['{ $.a = "*" }', '{"a":false}', true],
    ['{ $.a = * }', '{"a":null}', false], ['{ $.a = * }', '{}', false],
  ],
  'UNCONFIRMED: != needs the field to be a string, number or boolean (missing and null do not match)': [
    ['{ $.a != "x" }', '{"a":"y"}', true], ['{ $.a != "x" }', '{"a":1}', true], ['{ $.a != 5 }', '{"a":"five"}', true],
    ['{ $.a != "x" }', '{}', false], ['{ $.a != "x" }', '{"a":null}', false], ['{ $.a != "x" }', '{"a":"x"}', false],
  ],
  'AWS doc: IS NULL / NOT EXISTS / IS TRUE / IS FALSE': [
    ['{ $.a IS NULL }', '{"a":null}', true], ['{ $.a IS NULL }', '{}', false], ['{ $.a NOT EXISTS }', '{"a":null}', false],
    ['{ $.a IS FALSE }', '{"a":false}', true], ['{ $.a IS FALSE }', '{"a":0}', false],
  ],
  'UNCONFIRMED: wildcard selectors match when any selected value does; NOT EXISTS when none exists': [
    ['{ $.arr[*] = "x" }', '{"arr":["y","x"]}', true], ['{ $.*.id = 2 }', '{"a":{"id":2},"b":3}', true], ['{ $.users[*].email = "*@example.com" }', '{"users":[{"email":"a@example.org"},{"email":"b@example.com"}]}', true],
    ['{ $.a[*].b NOT EXISTS }', '{"a":[{"c":1}]}', true], ['{ $.a[*].b NOT EXISTS }', '{"a":[{"c":1},{"b":1}]}', false], ['{ $.arr[*] != "x" }', '{"arr":["x","y"]}', true],
  ],
  'keys with dots use bracket selectors; an index never addresses an object member': [
    ["{ $.['x.y'] = 1 }", '{"x.y":1}', true], ["{ $.['x.y'] = 1 }", '{"x":{"y":1}}', false], ['{ $.x.y = 1 }', '{"x.y":1}', false],
    ['{ $.a[0] = 1 }', '{"a":{"x":1}}', false], ['{ $.constructor NOT EXISTS }', '{}', true], ['{ $.__proto__ = 1 }', '{"__proto__":1}', true],
  ],
  'UNCONFIRMED: a regex value is searched in the text (use ^ and $ to anchor)': [
    ['{ $.ip = %127\\.0\\.0\\.[1-9]% }', '{"ip":"127.0.0.1"}', true], ['{ $.ip = %^10\\.% }', '{"ip":"110.0.0.1"}', false], ['{ $.ip = %0\\.0% }', '{"ip":"10.0.0.1"}', true],
  ],
  'documents only one JSON parser accepts follow ClickHouse (byte-order mark accepted; 1e400, bad surrogate escapes refused)': [
    ['{ $.a = 1 }', '\ufeff{"a":1}', true], ['{ $.a = 1 }', '{"a":1,"b":1e400}', false], ['{ $.a = 1 }', '{"a":1,"b":"\\ud800"}', false],
    ['{ $.a = 1 }', '{"a":1,"b":"\\ud83d\\ude00"}', true], ['{ $.a = 1 }', '{"a":1,"b":18446744073709551616}', false],
  ],
  'the JS pre-check never rejects a match: escaped spellings of the required literals still match': [
    ['{ $.eventName = CreateTrail }', '{"eventName":"Create\\u0054rail"}', true], ['{ $.a = "x/y" }', '{"a":"x\\/y"}', true],
    ['{ ($.eventName = A1) || ($.eventName = B2) || ($.eventName = C3) || ($.eventName = D4) || ($.eventName = E5) || ($.eventName = F6) }', '{"eventName":"\\u00446"}', false],
    ['{ ($.eventName = A1) || ($.eventName = B2) || ($.eventName = C3) || ($.eventName = D4) || ($.eventName = E5) || ($.eventName = F6) }', '{"eventName":"\\u0046\\u0036"}', true],
    ['{ $.a = "4*" }', '{"a":4.04e2}', true], ['{ $.a = "*rue" }', '{"a":true}', true], ['[a, b = "x\\"y"]', '1 x"y', true],
  ],
  'AWS doc examples for regex patterns (%colou?r%, %gray|grey%, %10\\.10\\.0\\.1%, %[a-z]%)': [
    ['%colou?r%', 'the color', true], ['%colou?r%', 'the colour', true], ['%gray|grey%', 'grey', true], ['%10\\.10\\.0\\.1%', 'from 10.10.0.1', true],
    ['%10\\.10\\.0\\.1%', 'from 10x10.0.1', false], ['%[a-z]%', 'ABC 123', false], ['%ERROR%', '[ERROR] x', true],
  ],
  'UNCONFIRMED: regex "." is any character but \\n; \\s is [\\t\\n\\f\\r ]; ^ and $ are the message ends': [
    ['%a.b%', 'a\nb', false], ['%a.b%', 'aéb', true], ['%a.b%', 'a😀b', true], ['%a\\sb%', 'a\u00a0b', false], ['%^ERROR%', 'x ERROR', false], ['%b$%', 'a\nb', true],
  ],
  'UNCONFIRMED: terms are case-sensitive substrings; ?terms form one OR-group AND-ed with the rest': [
    ['ERROR', 'ERRORS here', true], ['error', 'ERROR', false], ['ERROR ?A ?B', 'ERROR A', true], ['ERROR ?A ?B', 'ERROR only', false], ['ERROR ?A ?B', 'A B', false],
    ['ERROR -"x y"', 'ERROR x  y', true], ['ERROR -"x y"', 'ERROR x y', false],
  ],
  'space-delimited: quotes and brackets make one field (AWS doc); UNCONFIRMED: runs of spaces separate, field count must equal the slot count unless ...': [
    ['[a, b]', 'x   y', true], ['[a, b]', 'x y z', false], ['[a, ...]', 'x y z', true], ['[..., c]', 'x', true], ['[a, b, ...]', 'x', false],
    ['[a, b = "GET /x HTTP/1.1", c]', '1 "GET /x HTTP/1.1" 2', true], ['[a, b = "10/Oct/2000:13:25:15 -0700"]', 'x [10/Oct/2000:13:25:15 -0700]', true],
  ],
  'space-delimited numbers: numeric comparisons read the field as a number; != is true for a non-number': [
    ['[a, b > 1000]', 'x 1534', true], ['[a, b > 1000]', 'x -', false], ['[a, b != 5]', 'x -', true], ['[a, b = 404]', 'x 404.0', true],
    ['[a, b = "404"]', 'x 404.0', false], ['[a, b < 1]', 'x 1e999', false], ['[a, b = 4*]', 'x 404', true],
  ],
};

let engine: EmbeddedEngine;
let dir: string;
const events = [...new Set(Object.values(GROUPS).flat().map((c) => c[1]))];
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tw-fp-sem-'));
  engine = new EmbeddedEngine({ dataDir: dir });
  await engine.command({ query: 'CREATE TABLE ev (i UInt32, message String) ENGINE = MergeTree ORDER BY i' });
  await engine.insert({ table: 'ev', values: Buffer.from(events.map((message, i) => JSON.stringify({ i, message })).join('\n')), format: 'JSONEachRow' });
});
after(async () => { await engine.close(); rmSync(dir, { recursive: true, force: true }); });

for (const [name, cases] of Object.entries(GROUPS)) {
  test(name, async () => {
    for (const [pattern, event, expected] of cases) {
      const p = parse(pattern);
      assert.equal(compileJs(p)(event), expected, `JS: ${pattern} on ${JSON.stringify(event)}`);
      const { sql, params } = compileSql(p, 'fp');
      const got = await rows<{ n: string }>(engine, `SELECT count() AS n FROM ev WHERE i = {row:UInt32} AND ${sql}`, { ...params, row: events.indexOf(event) });
      assert.equal(Number(got[0].n) === 1, expected, `SQL: ${pattern} on ${JSON.stringify(event)}`);
    }
  });
}

test('extracted values: $name fields without quotes/brackets (AWS doc), JSON selectors as text, extra references', () => {
  const sd = parse('[ip, ..., status = 4*, bytes]');
  assert.deepEqual(extract(sd, '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'), { $ip: '127.0.0.1', $status: '404', $bytes: '1534' });
  assert.equal(extract(sd, 'x y'), null);
  const j = parse('{ $.user.id = 1 && $.tags[*] = "a" && $.missing NOT EXISTS }');
  assert.deepEqual(extract(j, '{"user":{"id":1},"tags":["a"],"latency":12.50,"ok":true,"n":null}', ['$.latency', '$.ok', '$.n', '$.tags']), { '$.user.id': '1', '$.latency': '12.5', '$.ok': 'true' });
  assert.equal(extract(j, 'not json'), null);
  assert.deepEqual(extract(parse('ERROR'), 'ERROR x'), {});
});

test('compileSql binds every value: no pattern text in the SQL', () => {
  const secret = "x'); DROP TABLE ev; --";
  for (const pattern of [`"${secret}"`, `{ $.a = "${secret}" }`, `[a = "${secret}"]`, `{ $.['${secret.replace(/'/g, "\\'")}'] = 1 }`]) {
    const { sql, params } = compileSql(parse(pattern), 'fp');
    assert.ok(!sql.includes('DROP'), sql);
    assert.ok(Object.values(params).some((v) => JSON.stringify(v).includes('DROP')));
  }
});

test('patterns at AWS\'s 1024-character limit compile to SQL the engine accepts (max_query_size 256 KB)', async () => {
  const fill = (unit: (k: number) => string, open: string, sep: string, close: string): string => {
    let s = open;
    for (let k = 0; ; k++) { const next = s + (k ? sep : '') + unit(k); if ((next + close).length > 1024) break; s = next; }
    return s + close;
  };
  for (const pattern of [
    fill((k) => `f${k}>1||f${k}<0`, '[', ',', ']'),
    fill((k) => `$.a[1][2][3][4][5][6][7].b${k}=1*`, '{', '||', '}'),
    fill((k) => `$.a${k}!=%1%`.replace('%1%', k < 2 ? '%1%' : '1*'), '{', '||', '}'),
    fill((k) => `?"t${k}"`, '', ' ', ''),
  ]) {
    const { sql, params } = compileSql(parse(pattern), 'fp');
    assert.ok(sql.length < 128 * 1024, `SQL of ${sql.length} bytes for ${pattern.slice(0, 40)}…`);
    await rows(engine, `SELECT count() FROM ev WHERE ${sql}`, params);
  }
});
