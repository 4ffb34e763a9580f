/**
 * Filter-pattern parser: what it accepts (AST shapes for the grammar in aws-facts.md §2 and the AWS
 * FilterAndPatternSyntax doc) and what it refuses, with the position of the offending character.
 * Refusals marked "AWS doc" are documented by AWS; the others are ours (docs/filter-patterns.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseSelector, FilterPatternError, type FilterPattern, type JsonExpr } from '../../src/query/patterns/filter-pattern.js';

function refuses(pattern: string, position: number, what: RegExp): void {
  assert.throws(() => parse(pattern), (e: unknown) => {
    assert.ok(e instanceof FilterPatternError, `expected FilterPatternError for ${pattern}, got ${String(e)}`);
    assert.match(e.message, /^Invalid filter pattern: /);
    assert.match(e.reason, what, `reason for ${pattern}: ${e.reason}`);
    assert.equal(e.position, position, `position for ${pattern}: ${e.message}`);
    return true;
  });
}

const CASES: [string, string, number, RegExp][] = [
  // [source, pattern, position, reason]
  ['unbalanced parenthesis', '{ ($.a = 1 }', 11, /expected '\)'/],
  ['unbalanced parenthesis, nested', '{ ($.a = 1) && ($.b = 2 }', 24, /expected '\)'/],
  ['stray closing parenthesis', '{ $.a = 1 ) }', 10, /expected '&&', '\|\|' or '}'/],
  ['bad operator ==', '{ $.a == 1 }', 7, /expected a value after '='/],
  ['bad operator =>', '{ $.a => 1 }', 7, /expected a value after '='/],
  ['no operator', '{ $.a 1 }', 6, /expected a comparison operator, IS or NOT EXISTS/],
  ['trailing &&', '{ $.a = 1 && }', 13, /expected a selector/],
  ['trailing ||', '{ $.a = 1 || }', 13, /expected a selector/],
  ['leading &&', '{ && $.a = 1 }', 2, /expected a condition before '&&'/],
  ['empty JSON pattern', '{ }', 2, /empty JSON pattern/],
  ['empty parentheses', '{ () }', 3, /empty parentheses/],
  ['missing closing brace', '{ $.a = 1', 9, /expected '&&', '\|\|' or '}' but found end of pattern/],
  ['text after closing brace', '{ $.a = 1 } x', 12, /after the closing '}'/],
  ['value juxtaposition', '{ $.a = x y }', 10, /expected '&&', '\|\|' or '}' but found "y"/],
  ['unquoted special character in value', '{ $.a = a#b }', 9, /unexpected character "#" in value/],
  ['unterminated quoted value', '{ $.a = "x }', 8, /unterminated quoted string/],
  ['relational operator with a string (AWS doc: string ops = and != only)', '{ $.a > "x" }', 8, /'>' needs a number/],
  ['relational operator with a wildcard', '{ $.a >= 4* }', 9, /'>=' needs a number/],
  ['number out of double range', '{ $.a = 1e999 }', 8, /number out of range/],
  ['IS NOT (AWS doc: not supported)', '{ $.a IS NOT NULL }', 6, /IS NOT is not supported/],
  ['EXISTS (AWS doc: not supported)', '{ $.a EXISTS }', 6, /EXISTS is not supported/],
  ['IS with something else', '{ $.a IS MISSING }', 9, /expected NULL, TRUE or FALSE/],
  ['NOT without EXISTS', '{ $.a NOT NULL }', 10, /expected EXISTS after NOT/],
  ['selector without property', '{ $ = 1 }', 2, /at least one property/],
  ['selector starting with an index', '{ $[0] = 1 }', 3, /must start with a property/],
  ['selector with empty property', '{ $.a. = 1 }', 6, /expected a property name after '.'/],
  ['selector with bad index', '{ $.a[x] = 1 }', 6, /expected an array index/],
  ['selector with negative index', '{ $.a[-1] = 1 }', 6, /expected an array index/],
  ['selector with unterminated index', '{ $.a[1 = 1 }', 7, /expected '\]'/],
  ['selector with a character AWS does not allow in names', '{ $.a@b = 1 }', 5, /unexpected character "@" in selector/],
  ['two wildcards in one selector (aws-facts §2.3)', '{ $.a[*].b[*] = 1 }', 2, /more than 1 wildcard in one selector/],
  ['four wildcard selectors in one pattern (aws-facts §2.3)', '{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }', 44, /more than 3 wildcard selectors/],
  ['three regexes (AWS doc quota: 2 per pattern)', '{ $.a = %x% || $.b = %y% || $.c = %z% }', 34, /more than 2 regular expressions/],
  ['three regexes in a space-delimited pattern', '[a = %x%, b = %y%, c = %z%]', 23, /more than 2 regular expressions/],
  ['( in regex (AWS doc: no groups)', '%ab(c%', 3, /'\(' is not supported/],
  [') in regex', '{ $.a = %a)% }', 10, /'\)' is not supported/],
  ['! in regex (AWS doc example %something!%)', '%something!%', 10, /character "!" is not allowed/],
  ['space in regex', '%a b%', 2, /character " " is not allowed.*\\s/],
  ['multi-byte character in regex (AWS doc)', '%é%', 1, /multi-byte/],
  ['\\x escape beyond ASCII', '%\\xe9%', 1, /multi-byte/],
  ['empty regex', '%%', 0, /empty regular expression/],
  ['unterminated regex', '%abc', 0, /unterminated regular expression/],
  ['text after a standalone regex', '%a% b', 4, /must be the whole pattern/],
  ['{ that is not a repetition', '%a{,3}%', 2, /'\{' must start a repetition/],
  ['lone }', '%a}%', 2, /'\}' must be escaped/],
  ['lone ]', '%a]%', 2, /'\]' must be escaped/],
  ['] first in a class', '%[]a]%', 2, /'\]' must be escaped/],
  ['unterminated class', '%[a-z%', 1, /unterminated character class/],
  ['reversed range', '%[z-a]%', 2, /range out of order/],
  ['nothing to repeat', '%*a%', 1, /nothing to repeat/],
  ['repeated anchor', '%^*a%', 2, /nothing to repeat/],
  ['double repetition', '%a+*%', 3, /cannot follow another repetition/],
  ['repetition above 1000', '%a{1001}%', 2, /repetition count above 1000/],
  ['unsupported escape', '%\\bword%', 1, /unsupported escape \\b/],
  ['trailing backslash', '%a\\%', 2, /trailing backslash/],
  ['unterminated space-delimited pattern', '[a, b', 0, /missing '\]'/],
  ['empty field', '[a,, b]', 3, /empty field/],
  ['condition on another field in one slot (docs issue #21: reported invalid)', '[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]', 61, /refers to another field 'bytes'/],
  ['two ellipses', '[a, ..., b, ...]', 12, /only one '\.\.\.'/],
  ['duplicate field name', '[a, b, a]', 7, /duplicate field name 'a'/],
  ['parentheses in a field condition', '[a = 1 || (a = 2)]', 10, /parentheses are not supported/],
  ['missing comma', '[a b]', 3, /expected ',' or '\]'/],
  ['text after closing bracket', '[a] b', 4, /after the closing '\]'/],
  ['unterminated quoted term', 'ERROR "bad', 6, /unterminated quoted string/],
  ['quote inside a bare term', 'bad"quote', 3, /must be inside a quoted term/],
  ['text glued to a closing quote', '"a"b', 3, /expected a space after the closing quote/],
  ['dangling -', 'ERROR -', 7, /expected a term after '-'/],
  ['dangling ?', '? ERROR', 1, /expected a term after '\?'/],
  ['blank quoted term with -', 'ERROR -" "', 7, /blank quoted term cannot be used with '-'/],
];

for (const [name, pattern, position, what] of CASES) {
  test(`refuses ${name}: ${pattern}`, () => refuses(pattern, position, what));
}

const strip = (e: JsonExpr): unknown => {
  if (e.type === 'and' || e.type === 'or') return { [e.type]: e.items.map(strip) };
  if (e.type === 'compare') return `${e.selector.text} ${e.op} ${e.value.kind === 'number' ? e.value.value : e.value.kind === 'text' ? JSON.stringify(e.value.text) : e.value.kind === 'glob' ? e.value.pieces.join('*') : `%${e.value.regex.source}%`}`;
  if (e.type === 'is') return `${e.selector.text} IS ${e.what}`;
  return `${e.selector.text} NOT EXISTS`;
};
const json = (p: FilterPattern): unknown => {
  assert.equal(p.kind, 'json');
  return strip((p as Extract<FilterPattern, { kind: 'json' }>).expr);
};

test('kind is chosen by the first non-blank character (aws-facts §2)', () => {
  assert.equal(parse('  { $.a = 1 }').kind, 'json');
  assert.equal(parse('\t[a, b]').kind, 'delimited');
  assert.equal(parse(' %ERR%').kind, 'regex');
  assert.equal(parse('ERROR').kind, 'terms');
  assert.equal(parse('').kind, 'all');
  assert.equal(parse('   ').kind, 'all');
  assert.equal(parse('" "').kind, 'all');
});

test('&& binds tighter than || and parentheses group (AWS doc compound expressions; CIS 1.5+ relies on it)', () => {
  assert.deepEqual(json(parse('{ $.a = 1 || $.b = 2 && $.c = 3 }')), { or: ['$.a = 1', { and: ['$.b = 2', '$.c = 3'] }] });
  assert.deepEqual(json(parse('{ ($.a = 1 || $.b = 2) && $.c = 3 }')), { and: [{ or: ['$.a = 1', '$.b = 2'] }, '$.c = 3'] });
  assert.deepEqual(json(parse('{$.a=1&&$.b=2&&$.c=3||$.d=4}')), { or: [{ and: ['$.a = 1', '$.b = 2', '$.c = 3'] }, '$.d = 4'] });
});

test('values: bare and quoted strings, numbers (sci notation), wildcards, regex (AWS doc examples)', () => {
  assert.deepEqual(json(parse('{ $.eventType = "UpdateTrail" }')), '$.eventType = "UpdateTrail"');
  assert.deepEqual(json(parse('{$.eventSource=kms.amazonaws.com}')), '$.eventSource = "kms.amazonaws.com"');
  assert.deepEqual(json(parse('{ $.sourceIPAddress != 123.123.* }')), '$.sourceIPAddress != 123.123.*');
  assert.deepEqual(json(parse('{ $.number[0] = 1e-3 }')), '$.number[0] = 0.001');
  assert.deepEqual(json(parse('{ $.number[0] != 1e+3 }')), '$.number[0] != 1000');
  assert.deepEqual(json(parse('{ $.a = "4*" }')), '$.a = 4*');
  assert.deepEqual(json(parse('{ $.a = "4\\*" }')), '$.a = "4*"');
  assert.deepEqual(json(parse('{ $.a = "say \\"hi\\" \\\\ C:\\dir" }')), '$.a = "say \\"hi\\" \\\\ C:\\\\dir"');
  assert.deepEqual(json(parse('{ $.ip = %127\\.0\\.0\\.[1-9]% }')), '$.ip = %127\\.0\\.0\\.[1-9]%');
  assert.deepEqual(json(parse('{ $.a IS null && $.b is True && $.c NOT EXISTS }')), { and: ['$.a IS null', '$.b IS true', '$.c NOT EXISTS'] });
});

test('selectors: properties, indices, wildcards, quoted keys (aws-facts §2.3)', () => {
  assert.deepEqual(parseSelector('$.a.b[0][12]').steps, [{ kind: 'key', name: 'a' }, { kind: 'key', name: 'b' }, { kind: 'index', index: 0 }, { kind: 'index', index: 12 }]);
  assert.deepEqual(parseSelector('$.a[*].b').steps, [{ kind: 'key', name: 'a' }, { kind: 'anyIndex' }, { kind: 'key', name: 'b' }]);
  assert.deepEqual(parseSelector('$.*.b').steps, [{ kind: 'anyKey' }, { kind: 'key', name: 'b' }]);
  assert.deepEqual(parseSelector("$.['dotted.name'].x").steps, [{ kind: 'key', name: 'dotted.name' }, { kind: 'key', name: 'x' }]);
  assert.deepEqual(parseSelector('$["a b"][\'it\\\'s\']').steps, [{ kind: 'key', name: 'a b' }, { kind: 'key', name: "it's" }]);
  assert.deepEqual(parseSelector('$.x-amz_id-2').steps, [{ kind: 'key', name: 'x-amz_id-2' }]);
});

test('terms: -exclusions, ?alternatives, quoted phrases with escapes, blank phrases (AWS doc)', () => {
  const p = parse('ERROR -ARGUMENTS ?"A B" ?C "say \\"hi\\"" " " "-x"');
  assert.equal(p.kind, 'terms');
  if (p.kind !== 'terms') return;
  assert.deepEqual(p.include.map((t) => t.text), ['ERROR', 'say "hi"', '-x']);
  assert.deepEqual(p.exclude.map((t) => t.text), ['ARGUMENTS']);
  assert.deepEqual(p.any.map((t) => t.text), ['A B', 'C']);
  assert.deepEqual(p.include.map((t) => t.position), [0, 27, 44]);
});

test('space-delimited: names, ellipsis, conditions with && and || (AWS doc examples)', () => {
  const p = parse('[ip, user, ..., request =*.html*, status_code = 404 || status_code = 410, bytes > 1000]');
  assert.equal(p.kind, 'delimited');
  if (p.kind !== 'delimited') return;
  assert.deepEqual(p.slots.map((s) => (s.kind === 'ellipsis' ? '...' : s.name)), ['ip', 'user', '...', 'request', 'status_code', 'bytes']);
  const sc = p.slots[4];
  assert.ok(sc.kind === 'field' && sc.condition?.type === 'or' && sc.condition.items.length === 2);
  for (const ok of ['[w1=ERROR, w2]', '[w1!=ERROR && w1!=WARNING, w2]', '[...]', '[a = "GET /index.html HTTP/1.0", b = %4[0-9]{2}%, c != -]']) parse(ok);
});

test('regex translation: explicit classes in both dialects, "." excludes only \\n, \\s is RE2\'s set', () => {
  const r = (src: string) => { const p = parse(`%${src}%`); assert.equal(p.kind, 'regex'); return p.kind === 'regex' ? p.regex : undefined!; };
  assert.deepEqual([r('ERROR').js, r('ERROR').re2], ['ERROR', 'ERROR']);
  assert.equal(r('a.b').js, 'a[^\\x0a]b');
  assert.equal(r('\\s').re2, '[\\x09\\x0a\\x0c\\x0d\\x20]');
  assert.equal(r('\\S+').js, '[^\\x09\\x0a\\x0c\\x0d\\x20]+');
  assert.equal(r('[a-z]{2,3}?').re2, '[\\x61-\\x7a]{2,3}?');
  assert.equal(r('10\\.10').js, '10\\x2e10');
  assert.equal(r('gray|grey').js, 'gray|grey');
  assert.equal(r('[\\s\\S]').js, '[\\x00-\\u{10FFFF}]');
  assert.equal(r('[\\s\\S]').re2, '[\\x00-\\x{10FFFF}]');
});

test('refuses a class that matches nothing', () => refuses('%[^\\s\\S]%', 1, /matches nothing/));

test('refuses a pattern that is not valid Unicode (a lone surrogate cannot travel as UTF-8)', () => {
  refuses('{ $.a = "x\ud83d" }', 10, /lone surrogate/);
  refuses('ERROR \ude00', 6, /lone surrogate/);
  assert.equal(parse('😀').kind, 'terms');
});
