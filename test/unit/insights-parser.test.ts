/**
 * Logs Insights lexer, parser and compile-time checks (no engine): AST shapes for the grammar of
 * fact sheet §1.1–§1.3, and MalformedQueryException locations for every refusal.
 * Each case names its source: an AWS doc, a fact-sheet section, or "our documented semantics".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, validateQuery, MalformedQueryError } from '../../src/query/insights/index.js';
import type { Expr } from '../../src/query/insights/ast.js';

/** A compact S-expression of an expression, for shape assertions. */
function sx(e: Expr): string {
  switch (e.kind) {
    case 'field': return e.segments ? `field(${e.segments.join('|')})` : e.name;
    case 'string': return JSON.stringify(e.value);
    case 'number': return String(e.value);
    case 'regex': return `/${e.pattern}/`;
    case 'duration': return `${e.value}${e.unit}`;
    case 'list': return `[${e.items.map(sx).join(' ')}]`;
    case 'star': return '*';
    case 'binary': return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'unary': return `(${e.op} ${sx(e.operand)})`;
    case 'like': return `(${e.negated ? 'not ' : ''}${e.op} ${sx(e.subject)} ${sx(e.pattern)})`;
    case 'in': return `(${e.negated ? 'not ' : ''}in ${sx(e.subject)} ${sx(e.list)})`;
    case 'call': return `${e.name}(${e.args.map(sx).join(' ')})`;
    case 'index': return `${sx(e.target)}[${sx(e.index)}]`;
    case 'member': return `${sx(e.target)}.${e.key}`;
  }
}

function filterExpr(q: string): string {
  const c = parseQuery(q).commands[0];
  assert.equal(c.kind, 'filter');
  return sx((c as { expr: Expr }).expr);
}

/** Asserts that validateQuery refuses `q` at [start, end) with a message matching `re`. */
function refuses(q: string, start: number, end: number, re: RegExp): void {
  assert.throws(() => validateQuery(q), (e: unknown) => {
    assert.ok(e instanceof MalformedQueryError, `expected MalformedQueryError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.deepEqual([e.location.start, e.location.end], [start, end], `location of: ${e.message}`);
    return true;
  });
}

const at = (q: string, needle: string, nth = 0): [number, number] => {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = q.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} not in ${q}`);
  return [i, i + needle.length];
};

// ---- grammar (fact sheet §1.1, §1.2) ----

const SHAPES: [string, string, string][] = [
  ['fact sheet §1.2: comparison', 'filter status = 200', '(= status 200)'],
  ['fact sheet §1.2: != and >=', 'filter a != "x" and b >= 3', '(and (!= a "x") (>= b 3))'],
  ['fact sheet §1.2: or binds looser than and', 'filter a = 1 or b = 2 and c = 3', '(or (= a 1) (and (= b 2) (= c 3)))'],
  ['fact sheet §1.2: parentheses group', 'filter (a = 1 or b = 2) and c = 3', '(and (or (= a 1) (= b 2)) (= c 3))'],
  ['fact sheet §1.2: not', 'filter not a = 1', '(not (= a 1))'],
  ['fact sheet §1.2: arithmetic precedence', 'filter a + 2 * 3 > 7', '(> (+ a (* 2 3)) 7)'],
  ['fact sheet §1.2: ^ is power, right-associative', 'filter 2 ^ 3 ^ 2 = x', '(= (^ 2 (^ 3 2)) x)'],
  ['fact sheet §1.2: % is modulo', 'filter x % 3 = 1', '(= (% x 3) 1)'],
  ['fact sheet §1.2: unary minus on literals', 'filter x > -5', '(> x -5)'],
  ['fact sheet §1.2: unary minus binds looser than ^', 'filter -x ^ 2 < 0', '(< (- (^ x 2)) 0)'],
  ['fact sheet §1.2: like with a string', 'filter f1 like "Exception"', '(like f1 "Exception")'],
  ['fact sheet §1.2: like with a regex', 'filter statusCode like /2\\d\\d/', '(like statusCode /2\\d\\d/)'],
  ['fact sheet §1.2: =~', 'filter f1 =~ /Exception/', '(=~ f1 /Exception/)'],
  ['fact sheet §1.2: not like', 'filter f1 not like /Exception/', '(not like f1 /Exception/)'],
  ['fact sheet §1.2: in list', 'filter statusCode in [300,400,500]', '(in statusCode [300 400 500])'],
  ['fact sheet §1.2: not in with mixed types', 'filter Type not in ["foo","bar",1]', '(not in Type ["foo" "bar" 1])'],
  ['fact sheet §1.2: case-insensitive regex flag kept for the engine', 'filter f1 like /(?i)Exception/', '(like f1 /(?i)Exception/)'],
  ['fact sheet §1.1: single-quoted strings', "filter a = 'x'", '(= a "x")'],
  ['fact sheet §1.1: backtick field names', 'filter `foo-bar` = 1', '(= field(foo-bar) 1)'],
  ['fact sheet §1.1: @ field names', 'filter @logStream = "s"', '(= @logStream "s")'],
  ['fact sheet §1.7: dotted JSON paths with array positions', 'filter requestParameters.instancesSet.items.0.instanceId = "i-abcde123"', '(= requestParameters.instancesSet.items.0.instanceId "i-abcde123")'],
  ['fact sheet §1.5: backtick key in a map path', 'filter m.`dotted.key` = 1', '(= field(m|dotted.key) 1)'],
  ['fact sheet §1.5: list index', 'filter l[1] = 2', '(= l[1] 2)'],
  ['fact sheet §1.5: member of a call', 'filter jsonParse(x).a.b = 1', '(= jsonParse(x).a.b 1)'],
  ['fact sheet §1.5: function call with several arguments', 'filter isIpv4InSubnet(srcAddr, "192.0.2.0/24")', 'isIpv4InSubnet(srcAddr "192.0.2.0/24")'],
  ['fact sheet §1.4: duration literals', 'filter datefloor(@timestamp, 1h) = x', '(= datefloor(@timestamp 1h) x)'],
  ['fact sheet §1.4: long unit names', 'filter bin(5minutes) = x', '(= bin(5m) x)'],
  ['fact sheet §1.4: msec', 'filter bin(500msec) = x', '(= bin(500ms) x)'],
  ['fact sheet §1.4: mo is month, m is minute', 'filter bin(1mo) = bin(1m)', '(= bin(1mo) bin(1m))'],
  ['our documented semantics: / after a field is division', 'filter a / 2 > 1', '(> (/ a 2) 1)'],
  ['our documented semantics: / after ( is a regex', 'filter (a like /x/)', '(like a /x/)'],
  ['our documented semantics: escaped slash in a regex', 'filter a like /a\\/b/', '(like a /a/b/)'],
  ['our documented semantics: slash inside a regex class', 'filter a like /[/]x/', '(like a /[/]x/)'],
  ['our documented semantics: string escapes', 'filter a = "q\\"uote\\\\n"', '(= a "q\\"uote\\\\n")'],
  ['fact sheet §1.1: keywords are case-insensitive', 'FILTER a = 1 AND NOT b IN [1] OR c LIKE "x"', '(or (and (= a 1) (not (in b [1]))) (like c "x"))'],
  ['fact sheet §1.2: == is accepted as =', 'filter a == 1', '(= a 1)'],
  ['our documented semantics: decimal numbers', 'filter a > 1.5', '(> a 1.5)'],
  ['fact sheet §1.5: count(*)', 'filter count(*) = 1', '(= count(*) 1)'],
];
for (const [src, q, want] of SHAPES) {
  test(`parse: ${q} (${src})`, () => assert.equal(filterExpr(q), want));
}

test('parse: pipeline of commands with # comments (CWL_QuerySyntax comments example)', () => {
  const q = parseQuery('fields @timestamp, @message\n    # | filter @message like /delay/\n    | limit 20');
  assert.deepEqual(q.commands.map((c) => c.kind), ['fields', 'limit']);
});

test('parse: # inside strings and regexes is not a comment (our documented semantics)', () => {
  const q = parseQuery('filter a = "#x" and b like /#y/ # trailing\n| limit 1');
  assert.equal(sx((q.commands[0] as { expr: Expr }).expr), '(and (= a "#x") (like b /#y/))');
});

test('parse: aliases in fields, stats and display (fact sheet §1.1)', () => {
  const q = parseQuery('fields abs(myField) as AbsoluteValuemyField, myField2 | stats avg(f1) as myAvgF1 by f2 as g | display x = "E" as isError');
  const f = q.commands[0] as Extract<typeof q.commands[0], { kind: 'fields' }>;
  assert.deepEqual(f.items.map((i) => [i.alias, i.text]), [['AbsoluteValuemyField', 'abs(myField)'], [undefined, 'myField2']]);
  const s = q.commands[1] as Extract<typeof q.commands[0], { kind: 'stats' }>;
  assert.deepEqual([s.items[0].alias, s.by[0].alias], ['myAvgF1', 'g']);
  const d = q.commands[2] as Extract<typeof q.commands[0], { kind: 'display' }>;
  assert.equal(sx(d.items[0].expr), '(= x "E")');
});

test('parse: sort keys with directions (fact sheet §1.3)', () => {
  const q = parseQuery('sort a desc, b ASC, c');
  const s = q.commands[0] as Extract<typeof q.commands[0], { kind: 'sort' }>;
  assert.deepEqual(s.keys.map((k) => [k.text, k.dir, k.explicitDir]), [['a', 'desc', true], ['b', 'asc', true], ['c', 'asc', false]]);
});

test('parse: limit N and limit any (fact sheet §1.3)', () => {
  assert.deepEqual(parseQuery('limit 25').commands[0], { kind: 'limit', n: 25, start: 0, end: 8 });
  assert.equal((parseQuery('limit any').commands[0] as { n: unknown }).n, 'any');
});

test('parse: parse with glob and with regex (fact sheet §1.3)', () => {
  const g = parseQuery('parse @message "[*] *" as level, msg').commands[0] as Extract<ReturnType<typeof parseQuery>['commands'][0], { kind: 'parse' }>;
  assert.deepEqual([g.pattern.kind, g.names.map((n) => n.name)], ['string', ['level', 'msg']]);
  const r = parseQuery('parse @message /(?<a>\\d+)/').commands[0] as typeof g;
  assert.equal(r.pattern.kind, 'regex');
  const d = parseQuery('parse "x=*" as v').commands[0] as typeof g;
  assert.equal(sx(d.source), '@message');
});

test('parse: SOURCE logGroups with prefixes, classes, START and END (fact sheet §1.3)', () => {
  const c = parseQuery("SOURCE logGroups(namePrefix: ['/a', '/b'], class: ['STANDARD'], accountIdentifiers: ['111122223333']) START=-1h END=0s | fields x").commands[0];
  assert.equal(c.kind, 'source');
  const s = c as Extract<typeof c, { kind: 'source' }>;
  assert.deepEqual(s.namePrefix.map((p) => p.value), ['/a', '/b']);
  assert.deepEqual(s.classes.map((p) => p.value), ['STANDARD']);
  assert.deepEqual(s.accountIdentifiers.map((p) => p.value), ['111122223333']);
  assert.deepEqual([s.startTime && 'relativeMs' in s.startTime ? s.startTime.relativeMs : null, s.endTime && 'relativeMs' in s.endTime ? s.endTime.relativeMs : null], [-3_600_000, 0]);
});

test('parse: dedup, unnest, pattern, diff, anomaly, unmask, filterIndex, where (fact sheet §1.3)', () => {
  const q = parseQuery('where a = 1 | filterIndex b = "x" | unmask | unnest l into e | dedup a, b | limit 3');
  assert.deepEqual(q.commands.map((c) => c.kind), ['filter', 'filter', 'unmask', 'unnest', 'dedup', 'limit']);
  assert.deepEqual(q.commands.slice(0, 2).map((c) => (c as { keyword: string }).keyword), ['where', 'filterIndex']);
  const p = parseQuery('pattern @message | diff previousWeek');
  assert.deepEqual(p.commands.map((c) => c.kind), ['pattern', 'diff']);
  assert.equal((p.commands[1] as { period: string }).period, 'previousWeek');
  assert.equal((parseQuery('pattern @message | anomaly').commands[1]).kind, 'anomaly');
});

test('parse: spans are character offsets of the source (our documented semantics)', () => {
  const q = parseQuery('fields  abs(x)  as  y');
  const f = q.commands[0] as Extract<typeof q.commands[0], { kind: 'fields' }>;
  assert.deepEqual([f.items[0].expr.start, f.items[0].expr.end], [8, 14]);
  assert.deepEqual(f.items[0].aliasSpan, { start: 20, end: 21 });
});

// ---- refusals with locations (fact sheet §1.9: queryCompileError.location) ----

const REFUSALS: [string, string, () => [number, number], RegExp][] = [];
function refusal(src: string, q: string, loc: [number, number] | string | [string, number], re: RegExp): void {
  const l = (): [number, number] => (typeof loc === 'string' ? at(q, loc) : typeof loc[0] === 'string' ? at(q, loc[0], loc[1] as number) : loc as [number, number]);
  REFUSALS.push([src, q, l, re]);
}
refusal('our documented semantics: unknown command', 'fields a | foo b', 'foo', /Unrecognized command 'foo'/);
refusal('fact sheet §1.3: unsupported current command is refused, not ignored', 'fields a | join type=inner left=a right=b', 'join', /not supported/);
refusal('fact sheet §1.3: logcompare refused', 'logcompare timeshift 7d', 'logcompare', /not supported/);
refusal('fact sheet §1.3: addtotals refused', 'fields a | addtotals', 'addtotals', /not supported/);
refusal('CWL_AnalyzeLogData_RunSampleQuery: head/tail are deprecated, refused', 'head 10', 'head', /not supported/);
refusal('fact sheet §1.3: lookup table names the table', 'fields a | lookup Users userId as user OUTPUT name', 'Users', /Lookup table 'Users' does not exist/);
refusal('fact sheet §1.3: anomaly must follow pattern', 'fields a | anomaly', 'anomaly', /anomaly must follow a pattern/);
refusal('fact sheet §1.3: SOURCE must be first', "fields a | SOURCE logGroups(namePrefix: ['/a'])", ["SOURCE logGroups(namePrefix: ['/a'])", 0], /SOURCE must be the first/);
refusal('fact sheet §1.3: at most 2 stats', 'stats count(*) as a by b | stats count(*) as c by a | stats count(*) as d', 'stats count(*) as d', /at most 2 stats/);
refusal('fact sheet §1.3: only limit may follow dedup', 'fields a | dedup a | sort a', 'sort a', /Only limit can follow dedup/);
refusal('fact sheet §1.3: only limit may follow dedup (filter)', 'dedup a | limit 2 | filter a = 1', 'filter a = 1', /Only limit can follow dedup/);
refusal('fact sheet §1.8: limit below 1', 'fields a | limit 0', '0', /between 1 and 10000/);
refusal('fact sheet §1.8: limit above 10,000', 'fields a | limit 10001', '10001', /between 1 and 10000/);
refusal('fact sheet §1.8: limit must be a whole number', 'limit 2.5', '2.5', /whole number/);
refusal('fact sheet §1.8: limit takes a number', 'limit ten', 'ten', /whole number/);
refusal('our documented semantics: empty query', '   ', [0, 3], /Query is empty/);
refusal('our documented semantics: a query of comments only is empty', '# nothing', [0, 9], /Query is empty/);
refusal('our documented semantics: trailing pipe', 'fields a |', '|', /Expected a command after '\|'/);
refusal('our documented semantics: unexpected end of expression', 'filter a =', [10, 10], /Unexpected end of query/);
refusal('our documented semantics: missing comma between fields', 'fields a b', 'b', /Unexpected 'b'; expected '\|'/);
refusal('our documented semantics: unterminated string', 'filter a = "abc', [11, 15], /Unterminated string/);
refusal('our documented semantics: unterminated regex', 'filter a like /abc', [14, 18], /Unterminated regular expression/);
refusal('our documented semantics: unterminated backtick name', 'fields `abc', [7, 11], /Unterminated backtick/);
refusal('our documented semantics: unexpected character', 'filter a ~ b', '~', /Unexpected character '~'/);
refusal('fact sheet §1.5: unknown function at its name', 'fields foo(x) as y', 'foo', /Unrecognized function name: foo/);
refusal('fact sheet §1.5: unknown function nested', 'filter abs(bar(x)) > 1', 'bar', /Unrecognized function name: bar/);
refusal('fact sheet §1.5: unknown function in stats', 'stats count(*) by nosuch(x)', 'nosuch', /Unrecognized function name: nosuch/);
refusal('fact sheet §1.5: wrong arity', 'fields abs(1, 2)', 'abs(1, 2)', /abs expects 1 argument, got 2/);
refusal('fact sheet §1.5: aggregate outside stats', 'fields count(*) as n', 'count', /only be used in stats/);
refusal('fact sheet §1.5: aggregate in filter', 'filter sum(x) > 1', 'sum', /only be used in stats/);
refusal('fact sheet §1.3: stats needs an aggregate', 'stats x by y', 'x', /must be used inside an aggregate/);
refusal('fact sheet §1.3: stats needs an aggregate (literal)', 'stats 1 + 2 as three', '1 + 2', /needs an aggregate function/);
refusal('fact sheet §1.3: stats field outside an aggregate', 'stats sum(a) + b as c', 'b', /must be used inside an aggregate/);
refusal('fact sheet §1.3: aggregates cannot be nested', 'stats sum(count(*))', 'count(*)', /cannot be nested/);
refusal('fact sheet §1.3: the second stats only uses fields of the first', 'stats count(*) as c by level | stats avg(latency)', 'latency', /second stats command can only use fields produced by the first/);
refusal('fact sheet §1.3: bin() in the second stats', 'stats count(*) as c by level | stats sum(c) by bin(1h)', 'bin(1h)', /bin\(\) needs @timestamp/);
refusal('our documented semantics: duplicate stats names', 'stats count(*) as c, sum(x) as c', [31, 32], /used twice/);
refusal('fact sheet §1.5: pct percentile range', 'stats pct(latency, 150)', '150', /from 0 to 100/);
refusal('fact sheet §1.5: earliest after stats', 'stats count(*) as c by level | stats earliest(c)', 'earliest(c)', /needs @timestamp/);
refusal('fact sheet §1.4: bin takes a period', 'stats count(*) by bin(5)', '5', /time period/);
refusal('fact sheet §1.4: bin period must be positive', 'stats count(*) by bin(0m)', '0m', /greater than 0/);
refusal('fact sheet §1.4: bin period must be whole', 'stats count(*) by bin(1.5h)', '1.5h', /whole number/);
refusal('fact sheet §1.4: unknown unit', 'stats count(*) by bin(5xyz)', '5xyz', /Unexpected token '5xyz'/);
refusal('our documented semantics: a duration outside bin/datefloor/dateceil', 'filter x > 5m', '5m', /time period/);
refusal('our documented semantics: a regex outside like/parse', 'fields /x/ as y', '/x/', /regular expression can only be used/);
refusal('our documented semantics: a list outside in', 'fields [1, 2] as y', '[1, 2]', /list can only be used after 'in'/);
refusal('fact sheet §1.2: like needs a string or regex', 'filter a like 5', '5', /Expected a string or a \/regular expression\//);
refusal('fact sheet §1.2: =~ needs a regex', 'filter a =~ "x"', '"x"', /Expected a \/regular expression\//);
refusal('fact sheet §1.2: not must be followed by like or in', 'filter a not b', 'not', /Expected 'like' or 'in' after 'not'/);
refusal('fact sheet §1.2: in needs a list', 'filter a in "x"', '"x"', /Expected a list/);
refusal('fact sheet §1.3: subqueries refused', 'filter a in (SOURCE logGroups(namePrefix: ["/x"]) | fields a)', '(', /Subqueries .* are not supported/);
refusal('our documented semantics: chained comparisons', 'filter 1 < a < 3', ['<', 1], /cannot be chained/);
refusal('our documented semantics: regex lookaround is not supported by RE2/Hyperscan', 'filter a like /x(?=y)/', '(?=', /Lookaround/);
refusal('our documented semantics: invalid regex', 'filter a like /(ab/', '/(ab/', /Invalid regular expression/);
refusal('fact sheet §1.3: glob capture count must match the names', 'parse @message "a=* b=*" as x', 'x', /2 '\*' but 1 field name/);
refusal('fact sheet §1.3: glob needs a wildcard', 'parse @message "abc" as x', '"abc"', /at least one '\*'/);
refusal('fact sheet §1.3: regex parse needs named groups', 'parse @message /(\\d+)/', '/(\\d+)/', /named capture group/);
refusal('fact sheet §1.3: regex parse takes no as', 'parse @message /(?<a>\\d+)/ as b', 'as', /named capture groups/);
refusal('fact sheet §1.3: parse needs a pattern', 'parse @message level', 'level', /glob string or a \/regular expression\//);
refusal('fact sheet §1.3: unnest needs into', 'unnest a b', 'b', /Expected 'into'/);
refusal('fact sheet §1.3: diff periods', 'pattern @message | diff yesterday', 'yesterday', /previousDay, previousWeek or previousMonth/);
refusal('fact sheet §1.3: dedup takes fields', 'dedup abs(x)', 'abs(x)', /dedup takes field names/);
refusal('fact sheet §1.5: sort on maps is refused', 'fields jsonParse(@message) as j | sort j', [39, 40], /cannot be used in sort/);
refusal('fact sheet §1.5: stats keys cannot be maps', 'fields jsonParse(@message) as j | stats count(*) by j', [52, 53], /cannot be used as stats keys/);
refusal('fact sheet §1.5: dedup on maps is refused', 'fields jsonParse(@message) as j | dedup j', [40, 41], /cannot be used in dedup/);
refusal('fact sheet §1.5: pattern on maps is refused', 'fields jsonParse(@message) as j | pattern j', [42, 43], /cannot be used in pattern/);
refusal('fact sheet §1.5: CIDR must be valid', 'filter isIpInSubnet(ip, "300.1.1.1/8")', '"300.1.1.1/8"', /not a valid CIDR/);
refusal('fact sheet §1.5: isIpv4InSubnet takes an IPv4 CIDR', 'filter isIpv4InSubnet(ip, "2001:db8::/32")', '"2001:db8::/32"', /not a valid IPv4 CIDR/);
refusal('fact sheet §1.5: isIpv6InSubnet takes an IPv6 CIDR', 'filter isIpv6InSubnet(ip, "10.0.0.0/8")', '"10.0.0.0/8"', /not a valid IPv6 CIDR/);
refusal('fact sheet §1.5: trim characters must be a string', 'fields ltrim(a, b) as c', 'b', /must be a quoted string/);
refusal('fact sheet §1.5: case takes at most 10 branches', `fields case(${Array.from({ length: 11 }, (_, i) => `a = ${i}, ${i}`).join(', ')}) as c`, 'case', /at most 10/);
refusal('fact sheet §1.5: regexReplace takes a regex', 'fields regexReplace(a, b, "x") as c', 'b', /must be a \/regular expression\//);
refusal('fact sheet §1.5: parseDate format must be a literal', 'fields parseDate(a, b) as c', 'b', /format argument of parseDate/);
refusal('fact sheet §1.5: formatDate time zone must exist', 'fields formatDate(@timestamp, "yyyy", "Mars/Olympus") as y', '"Mars/Olympus"', /Unknown time zone/);
refusal('fact sheet §1.5: parseDate time zone must exist', 'fields parseDate(a, "yyyy", "nowhere") as y', '"nowhere"', /Unknown time zone/);
refusal('our documented semantics: alias after as', 'fields a as', [11, 11], /Expected an alias/);
refusal('our documented semantics: reserved word as alias', 'fields a as by', 'by', /Expected an alias/);
refusal('our documented semantics: keyword in operand position', 'filter and = 1', 'and', /Unexpected keyword 'and'/);
refusal('fact sheet §1.3: SOURCE needs logGroups', 'SOURCE "/x" | fields a', '"/x"', /logGroups/);
refusal('fact sheet §1.3: SOURCE at most 5 prefixes', "SOURCE logGroups(namePrefix: ['a','b','c','d','e','f'])", "'f'", /at most 5 name prefixes/);
refusal('fact sheet §1.3: SOURCE class values', "SOURCE logGroups(namePrefix: ['a'], class: ['GOLD'])", "'GOLD'", /Unknown log group class/);
refusal('fact sheet §1.3: SOURCE unknown parameter', "SOURCE logGroups(prefix: ['a'])", 'prefix', /Unknown logGroups parameter/);
refusal('fact sheet §1.8: queryString at most 10,000 characters', `fields a ${' '.repeat(10_000)}`, [10_000, 10_009], /longer than 10000/);
refusal('our documented semantics: unclosed parenthesis', 'filter (a = 1', [13, 13], /Expected '\)'/);
refusal('our documented semantics: unclosed call', 'fields abs(a', [12, 12], /Expected ',' or '\)'|Expected '\)'/);
refusal('our documented semantics: pattern/diff only once', 'pattern @message | sort @sampleCount | pattern @pattern', 'pattern @pattern', /only be used once/);

for (const [src, q, loc, re] of REFUSALS) {
  test(`refuses: ${q.length > 80 ? q.slice(0, 77) + '...' : q} (${src})`, () => { const [s, e] = loc(); refuses(q, s, e, re); });
}

test('refusal locations carry 1-based line and column (fact sheet §1.9)', () => {
  assert.throws(() => validateQuery('fields a\n| filter b = 1\n| nope x'), (e: unknown) => {
    assert.ok(e instanceof MalformedQueryError);
    assert.deepEqual(e.location, { start: 26, end: 30, line: 3, column: 3 });
    return true;
  });
});

test('validateQuery accepts every AWS doc example query (CWL_QuerySyntax-examples)', () => {
  for (const q of [
    'fields @timestamp, @message | sort @timestamp desc | limit 25',
    'filter @message like /Exception/ | stats count(*) as exceptionCount by bin(1h) | sort exceptionCount desc',
    'fields @message | filter @message not like /Exception/',
    'filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB, min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB, avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB, max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB, provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB',
    'filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)',
    'stats sum(packets) as packetsTransferred by srcAddr, dstAddr | sort packetsTransferred desc | limit 15',
    'filter isIpv4InSubnet(srcAddr, "192.0.2.0/24") | stats sum(bytes) as bytesTransferred by dstAddr | sort bytesTransferred desc | limit 15',
    'filter protocol=17 | stats count(*) by srcAddr',
    'filter logStatus="SKIPDATA" | stats count(*) by bin(1h) as t | sort t',
    'stats count(*) by queryType, bin(1h)',
    'stats count(*) as numRequests by resolverIp | sort numRequests desc | limit 10',
    'filter responseCode="SERVFAIL" | stats count(*) by queryName',
    'stats count(*) by eventSource, eventName, awsRegion',
    'filter (eventName="StartInstances" or eventName="StopInstances") and awsRegion="us-east-2"',
    'filter eventName="CreateUser" | fields awsRegion, requestParameters.userName, responseElements.user.arn',
    'filter eventName="UpdateTrail" and ispresent(errorCode) | stats count(*) by errorCode, errorMessage',
    "filter (dstAddr like 'x.x.x.x' and srcAddr like 'y.y.') | stats sum(bytes) as bytesTransferred by srcAddr, dstAddr | sort bytesTransferred desc | limit 10",
    'fields @timestamp, remoteIP, request, status, filename| sort @timestamp desc | filter filename="/var/www/html/admin" | limit 20',
    'fields @timestamp, function, process, message | filter message like "resuming normal operations" | sort @timestamp desc | limit 20',
    'parse @message "user=*, method:*, latency := *" as @user, @method, @latency | stats avg(@latency) by @method, @user',
    'parse @message /user=(?<user2>.*?), method:(?<method2>.*?), latency := (?<latency2>.*?)/ | stats avg(latency2) by method2, user2',
    'FIELDS @message | PARSE @message "* [*] *" as loggingTime, loggingType, loggingMessage | FILTER loggingType IN ["ERROR", "INFO"] | DISPLAY loggingMessage, loggingType = "ERROR" as isError',
    'fields @timestamp, server, severity, message | sort @timestamp asc | dedup server',
    'fields `foo-bar`, action, abs(f3-f4)',
    "fields concat(Operation, '-', StatusCode) as opStatus",
    'stats count(*) by @logStream | limit 100',
    'stats count(*) by bin(30s)',
    'filter @message like /ERROR/ | parse @message "Failed to do: *" as cause | pattern cause | sort @sampleCount asc',
  ]) assert.doesNotThrow(() => validateQuery(q), q);
});
