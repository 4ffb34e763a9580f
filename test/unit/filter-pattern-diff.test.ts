/**
 * Differential test of the two filter-pattern back ends (DESIGN §4: "differential tests prove
 * agreement"). A seeded generator writes random events (JSON objects with nested fields, arrays,
 * numbers in many spellings, strings with wildcard/regex/escape-relevant characters, booleans,
 * nulls, missing fields, a few documents only one JSON parser would accept; space-delimited lines
 * with quoted and bracketed fields; plain text) and random valid patterns of every kind; every
 * (event, pattern) pair is evaluated by the JS predicate and by the SQL predicate in the real
 * engine, and the answers must be identical. Reproduce a failure with FP_DIFF_SEED=<seed>.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, compileJs, compileSql, FilterPatternError, type FilterPattern } from '../../src/query/patterns/filter-pattern.js';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { rows } from '../../src/store/engine.js';

const SEED = Number(process.env.FP_DIFF_SEED ?? 20241122);
const SCALE = Number(process.env.FP_DIFF_SCALE ?? 1);

function mulberry32(a: number): () => number {
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rnd = mulberry32(SEED);
const int = (n: number): number => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const chance = (p: number): boolean => rnd() < p;

// ---- vocabulary --------------------------------------------------------------------------------

const KEYS = ['a', 'b', 'c', 'eventName', 'user', 'id', 'n', 'arr', 'x.y', 'k-1', '__proto__', 'constructor', 'toString', 'length', '0'];
const STRINGS = ['', 'a', 'abc', 'CreateTrail', 'AccessDenied', 'AccessDeniedException', 'Client.UnauthorizedOperation', '404', '4.5', '1.5', '-5', '1e+21', '1000', 'true', 'false', 'null',
  'a*b', '100%', 'x_y', 'back\\slash', 'quo"te', 'sp ace', 'new\nline', 'é', 'ü-ml', '😀', 'ERROR', 'WARN', 'a/b', 'tab\tx', '[x]', '{y}', '12', '0', 'GET /index.html HTTP/1.0'];
const NUMBER_TEXTS = ['0', '-0', '1', '12', '404', '-5', '1.5', '1.50', '1e3', '1E3', '4.04e2', '0.1', '1e21', '1e-7', '2.5e-3', '123456789012345678', '9007199254740993',
  '18446744073709551615', '-9223372036854775808', '3.0', '100', '1000', '0.30000000000000004', '1e+21', '12345678901234567890.5'];
const PATTERN_NUMBERS = ['0', '1', '12', '404', '-5', '1.5', '1e3', '1e-7', '1e21', '0.1', '100', '+7', '.5', '5.', '1000', '4.04e2', '-0', '1e+21', '3'];
const WORDS = ['ERROR', 'WARN', 'INFO', 'GET', '/index.html', 'HTTP/1.0', '404', '200', '1534', '-', 'frank', 'Prod', '127.0.0.1', 'abc', 'a*b', '100%', 'é', 'x_y', '+5', '5.', '.5', '007', '1e5', '1e999', '0x10', 'Infinity', '1_0', '-3', '4.5', '1e-999', '1E+2'];
const SD_SPECIAL = ['"GET /index.html HTTP/1.0"', '[10/Oct/2000:13:25:15 -0700]', '""', '[]', '"abc', '[abc', '"a b" c', '"x"y', 'a"b', '[a [b] c]', '"4*"', '"404"'];

// ---- events ------------------------------------------------------------------------------------

const ws = (): string => (chance(0.7) ? '' : pick([' ', '  ', '\n', '\t', ' \r\n ']));
/** A JSON string literal, sometimes with needless escapes (\u, \/) that JSON allows. */
function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (ch === '/' && chance(0.3)) out += '\\/';
    else if (c > 0xffff) out += chance(0.3) ? [...JSON.stringify(ch).slice(1, -1)].join('') : ch;
    else if (chance(0.03)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
function jsonValue(depth: number): string {
  const r = rnd();
  if (depth < 3 && r < 0.15) return jsonObject(depth + 1);
  if (depth < 3 && r < 0.27) {
    const n = int(4);
    return `[${ws()}${Array.from({ length: n }, () => jsonValue(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
  }
  if (r < 0.55) return jsonString(pick(STRINGS));
  if (r < 0.8) return pick(NUMBER_TEXTS);
  if (r < 0.9) return pick(['true', 'false']);
  return 'null';
}
function jsonObject(depth: number): string {
  const keys = [...new Set(Array.from({ length: 1 + int(depth === 0 ? 6 : 3) }, () => pick(KEYS)))];
  return `{${ws()}${keys.map((k) => `${jsonString(k)}${ws()}:${ws()}${jsonValue(depth)}`).join(`${ws()},${ws()}`)}${ws()}}`;
}
/** Documents only one of the two JSON parsers would accept, unless the back ends reconcile them. */
function oddJson(): string {
  // "odd" is not in KEYS: duplicate keys are a documented divergence (ClickHouse reads the first, JSON.parse the last).
  const good = jsonObject(0).slice(1);
  return pick([
    `{"odd":1e400,${good}`, `{"odd":18446744073709551616,${good}`, `{"odd":-9223372036854775809,${good}`, `{"odd":18446744073709551615,${good}`,
    `{"odd":"\\ud800",${good}`, `{"odd":"\\udc00x",${good}`, `{"odd":"\\ud83d\\ude00",${good}`, `{"odd":"\\\\ud800",${good}`,
    `\ufeff{"odd":1,${good}`, `{"odd":${'['.repeat(1030)}${']'.repeat(1030)},${good}`, `{"odd":${'['.repeat(1000)}1${']'.repeat(1000)},${good}`,
    `{"a":1}x`, `{"a":01}`, `{"a":1,}`, `[{"a":1}]`, `"{\\"a\\":1}"`, `{"a":"x\ty"}`, ' {"a" : 1 } ',
  ]);
}
function sdLine(): string {
  const n = 1 + int(8);
  const toks = Array.from({ length: n }, () => (chance(0.25) ? pick(SD_SPECIAL) : pick(WORDS)));
  const sep = (): string => (chance(0.85) ? ' ' : pick(['  ', '   ']));
  return (chance(0.1) ? ' ' : '') + toks.join(sep()) + (chance(0.1) ? ' ' : '');
}
function textLine(): string {
  return Array.from({ length: 1 + int(7) }, () => pick([...WORDS, ...STRINGS.filter((s) => !s.includes('\n')), '[ERROR 400]', 'BAD REQUEST'])).join(' ');
}

// ---- patterns ----------------------------------------------------------------------------------

function regexSource(): string {
  const atom = (): string => pick(['a', 'b', 'E', 'R', 'O', '4', '0', '1', '.', '\\.', '\\d', '\\D', '\\s', '\\S', '\\w', '\\W', '[a-z]', '[^0-9]', '[A-Z0-9_]', '[\\d.]', '[^\\s]', '[\\S]',
    '\\x41', ':', '_', '#', '=', '@', '/', ';', ',', '-', '\\*', '\\+', '\\?', '\\$', '\\^', '\\[', '\\]', '\\{', '\\}', '\\|', '\\\\', 'e']);
  const quant = (): string => (chance(0.6) ? '' : pick(['*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?']));
  const alt = (): string => (chance(0.15) ? '^' : '') + Array.from({ length: 1 + int(4) }, () => atom() + quant()).join('') + (chance(0.15) ? '$' : '');
  return Array.from({ length: 1 + (chance(0.3) ? 1 : 0) }, alt).join('|');
}
function quote(s: string): string { return `"${s.replace(/[\\"*]/g, (c) => `\\${c}`)}"`; }
const BARE_OK = /^[A-Za-z0-9_.+\-:/@]+$/;
function textValue(): string {
  const s = pick(STRINGS);
  if (BARE_OK.test(s) && !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s) && chance(0.5)) return s;
  return quote(s);
}
function globValue(): string {
  const s = pick([...STRINGS, ...NUMBER_TEXTS, '12345', 'UnauthorizedOperation']).replace(/\*/g, '');
  const a = int(s.length + 1);
  const b = a + int(s.length - a + 1);
  const g = chance(0.5) ? `${s.slice(0, a)}*${s.slice(b)}` : `*${s.slice(a, b)}*`;
  const bare = g.replace(/\*/g, '');
  return BARE_OK.test(bare) || bare === '' ? (chance(0.5) ? g : `"${g.replace(/[\\"]/g, (c) => `\\${c}`)}"`) : `"${g.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
let regexBudget = 0;
function value(relational: boolean): string {
  if (relational) return pick(PATTERN_NUMBERS);
  const r = rnd();
  if (r < 0.3) return textValue();
  if (r < 0.5) return pick(PATTERN_NUMBERS);
  if (r < 0.75) return globValue();
  if (r < 0.8) return pick(['*', '"*"', '**']);
  if (regexBudget > 0) { regexBudget--; return `%${regexSource()}%`; }
  return textValue();
}
function selector(wild: { left: number }): string {
  const n = 1 + int(3);
  let s = '$';
  let usedWild = false;
  for (let k = 0; k < n; k++) {
    const r = rnd();
    if (k > 0 && r < 0.2) s += `[${int(3)}]`;
    else if (k > 0 && r < 0.27 && !usedWild && wild.left > 0) { s += '[*]'; usedWild = true; wild.left--; }
    else if (r < 0.32 && !usedWild && wild.left > 0) { s += '.*'; usedWild = true; wild.left--; }
    else {
      const key = pick(KEYS);
      s += /^[A-Za-z0-9_-]+$/.test(key) ? `.${key}` : `['${key}']`;
    }
  }
  return s;
}
function jsonExpr(depth: number, wild: { left: number }): string {
  if (depth < 3 && chance(0.35)) {
    const n = 2 + int(3);
    const parts = Array.from({ length: n }, () => jsonExpr(depth + 1, wild));
    const ops = parts.slice(1).map(() => pick([' && ', ' || ', '&&', '||']));
    const body = parts.reduce((acc, p, k) => (k === 0 ? p : acc + ops[k - 1] + p), '');
    return chance(0.5) ? `(${body})` : body;
  }
  const sel = selector(wild);
  const r = rnd();
  let cond: string;
  if (r < 0.08) cond = `${sel} IS NULL`;
  else if (r < 0.12) cond = `${sel} IS ${pick(['TRUE', 'FALSE'])}`;
  else if (r < 0.2) cond = `${sel} NOT EXISTS`;
  else {
    const op = pick(['=', '=', '=', '!=', '!=', '<', '>', '<=', '>=']);
    cond = `${sel}${pick(['', ' '])}${op}${pick(['', ' '])}${value(op !== '=' && op !== '!=')}`;
  }
  return chance(0.3) ? `(${cond})` : cond;
}
function jsonPattern(): string {
  regexBudget = 2;
  return `{${pick(['', ' '])}${jsonExpr(0, { left: 3 })}${pick(['', ' '])}}`;
}
function sdPattern(): string {
  regexBudget = 2;
  const n = 1 + int(6);
  const slots: string[] = [];
  const names = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'];
  const ell = chance(0.4) ? int(n + 1) : -1;
  for (let k = 0; k < n; k++) {
    if (k === ell) slots.push('...');
    const name = names[k];
    if (chance(0.5)) { slots.push(name); continue; }
    const cmp = (nm: string): string => {
      const op = pick(['=', '=', '!=', '<', '>', '<=', '>=']);
      return `${nm}${pick(['', ' '])}${op}${pick(['', ' '])}${value(op !== '=' && op !== '!=')}`;
    };
    const terms = [cmp('')];
    for (let j = int(3); j > 0; j--) terms.push(`${pick([' && ', ' || '])}${cmp(name)}`);
    slots.push(name + terms.join(''));
  }
  if (ell === n) slots.push('...');
  return `[${slots.join(pick([', ', ',']))}]`;
}
function termsPattern(): string {
  return Array.from({ length: 1 + int(4) }, () => {
    const w = pick([...WORDS, 'ERROR', 'REQUEST', 'BAD', '[ERROR', 'sp ace', 'a"b', '']);
    const m = pick(['', '', '-', '?', '?']);
    const needsQuote = /[\s"{}[\]%]/.test(w) || w === '' || w.startsWith('-') || w.startsWith('?');
    return m + (needsQuote || chance(0.2) ? `"${w.replace(/[\\"]/g, (c) => `\\${c}`)}"` : w);
  }).join(' ');
}

// ---- run ---------------------------------------------------------------------------------------

let engine: EmbeddedEngine;
let dir: string;
const events: string[] = [];
before(async () => {
  rnd = mulberry32(SEED);
  for (let k = 0; k < 170 * SCALE; k++) events.push(jsonObject(0));
  for (let k = 0; k < 30 * SCALE; k++) events.push(oddJson());
  for (let k = 0; k < 120 * SCALE; k++) events.push(sdLine());
  for (let k = 0; k < 50 * SCALE; k++) events.push(textLine());
  events.push('', ' ', '{}', '[]', 'null', '{"a":null}', '{"arr":[]}', '{"a":{"b":[1,{"c":2}]}}');
  dir = mkdtempSync(join(tmpdir(), 'tw-fp-diff-'));
  engine = new EmbeddedEngine({ dataDir: dir });
  await engine.command({ query: 'CREATE TABLE ev (i UInt32, message String) ENGINE = MergeTree ORDER BY i' });
  const values = Buffer.from(events.map((message, i) => JSON.stringify({ i, message })).join('\n'));
  await engine.insert({ table: 'ev', values, format: 'JSONEachRow' });
  // The stored-events table has a text index on message (src/store/schema.ts); index analysis must not change answers.
  await engine.command({ query: 'CREATE TABLE ev_idx (i UInt32, message String, INDEX message_tokens message TYPE text(tokenizer = splitByNonAlpha)) ENGINE = MergeTree ORDER BY i SETTINGS index_granularity = 8' });
  await engine.insert({ table: 'ev_idx', values, format: 'JSONEachRow' });
});
after(async () => { await engine.close(); rmSync(dir, { recursive: true, force: true }); });

interface Compiled { text: string; p: FilterPattern; js: (m: string) => boolean; sql: string; params: Record<string, unknown> }

function generate(kind: string, n: number, gen: () => string): Compiled[] {
  const out: Compiled[] = [];
  let refused = 0;
  while (out.length < n) {
    const text = gen();
    let p: FilterPattern;
    try { p = parse(text); } catch (e) {
      if (!(e instanceof FilterPatternError)) throw e;
      if (++refused > n * 3) throw new Error(`generator for ${kind} writes too many invalid patterns (seed ${SEED}); last: ${text}: ${e.message}`);
      continue;
    }
    const { sql, params } = compileSql(p, `q${out.length}_`);
    out.push({ text, p, js: compileJs(p), sql, params });
  }
  return out;
}

async function differential(kind: string, patterns: Compiled[]): Promise<number> {
  const failures: string[] = [];
  const BATCH = 20;
  for (let b = 0; b < patterns.length; b += BATCH) {
    const batch = patterns.slice(b, b + BATCH).map((c, k) => ({ ...compileSql(c.p, `b${k}_`), c }));
    const select = batch.map((x, k) => `ifNull(toUInt8((${x.sql}) != 0), 0) AS r${k}`).join(', ');
    const params = Object.assign({}, ...batch.map((x) => x.params));
    const got = await rows<Record<string, number>>(engine, `SELECT i, ${select} FROM ev ORDER BY i`, params);
    for (const row of got) {
      const i = Number(row.i);
      batch.forEach((x, k) => {
        const js = x.c.js(events[i]);
        const sql = Number(row[`r${k}`]) === 1;
        if (js !== sql && failures.length < 10) {
          failures.push(`pattern ${JSON.stringify(x.c.text)}\n  event ${JSON.stringify(events[i].length > 300 ? events[i].slice(0, 300) + '…' : events[i])}\n  JS ${js}, SQL ${sql}\n  SQL: ${x.c.sql.length > 600 ? x.c.sql.slice(0, 600) + '…' : x.c.sql}`);
        }
      });
    }
  }
  assert.equal(failures.length, 0, `${kind}: back ends disagree (seed ${SEED}; rerun with FP_DIFF_SEED=${SEED}):\n${failures.join('\n')}`);
  return patterns.length * events.length;
}

test(`differential (seed ${SEED}): JSON patterns, JS vs SQL on every event`, async () => {
  rnd = mulberry32(SEED + 1);
  const pairs = await differential('json', generate('json', 400 * SCALE, jsonPattern));
  assert.ok(pairs >= 100_000);
});

test(`differential (seed ${SEED}): space-delimited patterns, JS vs SQL on every event`, async () => {
  rnd = mulberry32(SEED + 2);
  await differential('delimited', generate('delimited', 250 * SCALE, sdPattern));
});

test(`differential (seed ${SEED}): unstructured term patterns, JS vs SQL on every event`, async () => {
  rnd = mulberry32(SEED + 3);
  await differential('terms', generate('terms', 120 * SCALE, termsPattern));
});

test(`differential (seed ${SEED}): standalone regex patterns, JS vs SQL on every event`, async () => {
  rnd = mulberry32(SEED + 4);
  await differential('regex', generate('regex', 150 * SCALE, () => `%${regexSource()}%`));
});

test(`differential (seed ${SEED}): the WHERE form agrees, also on a table with the store's text index on message`, async () => {
  rnd = mulberry32(SEED + 5);
  const kinds = [generate('json', 15, jsonPattern), generate('delimited', 15, sdPattern), generate('terms', 15, termsPattern), generate('regex', 15, () => `%${regexSource()}%`)];
  for (const c of kinds.flat()) {
    const want = events.flatMap((m, i) => (c.js(m) ? [i] : []));
    for (const table of ['ev', 'ev_idx']) {
      const got = await rows<{ i: number }>(engine, `SELECT i FROM ${table} WHERE ${c.sql} ORDER BY i`, c.params);
      assert.deepEqual(got.map((r) => Number(r.i)), want, `seed ${SEED}, table ${table}: ${c.text}`);
    }
  }
});
