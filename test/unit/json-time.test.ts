/**
 * The NDJSON time scan (src/ingest/json-time.ts) must answer exactly what JSON.parse and a field
 * lookup answer (the definition in docs/ingest.md), including for malformed lines, which JSON.parse
 * refuses and which therefore get the arrival time. Differential: generated lines and mutations of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonTime, prepareText } from '../../src/ingest/json-time.js';
import { mulberry32 } from '../../src/demo/random.js';

const FIELDS = ['timestamp', '@timestamp', 'time', 'eventTime', 'ts'];

/** The reference: the definition, with JSON.parse. */
function reference(line: string): number | undefined {
  if (line.charCodeAt(0) !== 123) return undefined;
  let obj: unknown;
  try { obj = JSON.parse(line); } catch { return undefined; }
  if (typeof obj !== 'object' || obj === null) return undefined;
  for (const f of FIELDS) {
    const v = (obj as Record<string, unknown>)[f];
    if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? Math.round(v * 1000) : Math.round(v);
    if (typeof v === 'string') { const t = Date.parse(v); if (!Number.isNaN(t)) return t; }
  }
  return undefined;
}

const r = mulberry32(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const KEYS = [...FIELDS, 'msg', 'level', 'Time', 'timestamps', 't', 'e', '@', 'tsx', 'time\\u0073tamp', 'ti\\u006de', '\\u0074s', 'a"b', 'x\\\\y'];
const STRINGS = ['2026-11-21T12:00:00Z', '2026-11-21T12:00:00.123Z', '2026-02-31T23:59:59.999Z', '2024-02-29T00:00:00Z', '0999-01-01T00:00:00Z', '2026-13-01T00:00:00Z',
  '2026-12-01T24:00:00Z', '2026-12-01T23:60:00Z', '2026-12-01T23:59:60Z', '2026-12-01T23:59:59.1234Z', '2026-12-01T23:59:59.12Z', '2026-00-10T00:00:00Z', '2026-01-00T00:00:00Z',
  '2026-12-01t00:00:00Z', '2026-12-01T00:00:00z', '2026-12-01T00:00:00.00xZ', '20x6-12-01T00:00:00Z', '2026-12-01T00:00:00+01:00', '2026-11-21 12:00:00', 'Sat, 21 Nov 2026 12:00:00 GMT', 'not a date', '', '2026-11-21T12:00:00\\u005a', 'tab\\there', 'quote \\" inside', 'é ✓', '\\ud834\\udd1e', '1700000000'];
const NUMBERS = ['1700000000', '1700000000.5', '1700000000123', '-0', '0', '1e400', '-1e400', '1.5e9', '12E+8', '99999999999', '100000000000', '0.0001'];

function value(depth: number): string {
  const u = r();
  if (u < 0.3) return `"${pick(STRINGS)}"`;
  if (u < 0.55) return pick(NUMBERS);
  if (u < 0.65) return pick(['true', 'false', 'null']);
  if (depth > 3) return '1';
  if (u < 0.82) return object(depth + 1);
  return `[${Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1)).join(pick([',', ' , ', ',\t']))}]`;
}

function object(depth: number): string {
  const n = Math.floor(r() * 6);
  const ws = () => pick(['', '', ' ', '\t', '  ']);
  return `{${ws()}${Array.from({ length: n }, () => `"${pick(KEYS)}"${ws()}:${ws()}${value(depth)}`).join(`${ws()},${ws()}`)}${ws()}}`;
}

function mutate(s: string): string {
  const i = Math.floor(r() * (s.length + 1));
  const ch = pick(['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '-', '.', 'e', 'x', '\u0001', '\t', '\r', 'u', 'n']);
  const op = r();
  if (op < 0.4) return s.slice(0, i) + s.slice(i + 1);
  if (op < 0.8) return s.slice(0, i) + ch + s.slice(i);
  return s.slice(0, i) + ch + s.slice(i + 1);
}

function corpus(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 6000; i++) {
    const base = object(0);
    lines.push(base);
    let m = base;
    for (let k = 0; k < 1 + Math.floor(r() * 3); k++) { m = mutate(m); lines.push(m); }
  }
  lines.push('{}', '{ }', '{"timestamp":1}x', '{"timestamp":1} ', '{"timestamp":1}\r', '{"ts":01}', '{"ts":1.}', '{"ts":.5}', '{"ts":-}', '{"ts":1e}',
    '{"time":"a\u0000b","ts":5}', '{"ts":5,"ts":"2026-01-01T00:00:00Z"}', '{"ts":"bad","time":7}', '{"timestamp":{"ts":5}}', '{"timestamp":[1]}',
    '{"ts":tru}', '{"ts":nul}', '{"ts":5,}', '{,"ts":5}', '{"ts" 5}', '{"ts":5', '{"ts":"\\x"}', '{"ts":"\\u12"}', `${'['.repeat(200)}`,
    `{"a":${'['.repeat(300)}${']'.repeat(300)},"ts":9}`, '{"ts":9}{"ts":8}', '["ts",5]', '{"__proto__":5,"ts":3}');
  return lines.filter((l) => !l.includes('\n'));
}

test('the scan agrees with JSON.parse on every generated and mutated line, line by line', () => {
  const lines = corpus();
  let valid = 0, timed = 0;
  for (const line of lines) {
    prepareText(line);
    const want = reference(line);
    assert.equal(jsonTime(line), want, line);
    try { JSON.parse(line); valid++; } catch { /* malformed: the arrival time */ }
    if (want !== undefined) timed++;
  }
  // The corpus must exercise both sides of every question.
  assert.ok(valid > 3000 && valid < lines.length - 3000, `valid ${valid} of ${lines.length}`);
  assert.ok(timed > 1000 && timed < lines.length - 1000, `timed ${timed}`);
});

test('the scan agrees inside a whole body (lines by offset, fast string skipping on and off)', () => {
  const lines = corpus();
  for (const withControl of [false, true]) {
    const body = (withControl ? lines : lines.filter((l) => !/[\x00-\x09\x0b-\x1f]/.test(l))).join('\n');
    prepareText(body);
    let start = 0;
    for (const line of body.split('\n')) {
      assert.equal(jsonTime(body, start, start + line.length), reference(line), line);
      start += line.length + 1;
    }
  }
});

test('the fast string skip applies only to the text that was prepared', () => {
  prepareText('{"ts":1}');
  // A raw tab inside a string makes the line invalid JSON, whatever text was prepared before.
  assert.equal(jsonTime('{"ts":5,"m":"a\tb"}'), undefined);
  assert.equal(reference('{"ts":5,"m":"a\tb"}'), undefined);
});

test('ISO-8601 times read in place agree with Date.parse, across years, months and fields', () => {
  const base = Date.UTC(1970, 0, 1);
  for (let i = 0; i < 20_000; i++) {
    const t = base + Math.floor(r() * 8_000 * 365 * 86_400_000);
    const iso = new Date(t).toISOString();
    for (const s of [iso, iso.replace(/\.\d{3}Z$/, 'Z')]) assert.equal(jsonTime(`{"time":"${s}"}`), Date.parse(s), s);
  }
});

test('time fields: preference order, seconds or ms, date strings, unusable values skipped', () => {
  const ms = Date.UTC(2026, 10, 21, 12);
  assert.equal(jsonTime(`{"ts":${ms},"timestamp":"2026-11-21T12:00:00Z"}`), ms);
  assert.equal(jsonTime(`{"timestamp":${ms / 1000}}`), ms);
  assert.equal(jsonTime('{"timestamp":null,"@timestamp":"nope","time":true,"eventTime":"2026-11-21T12:00:00Z"}'), ms);
  assert.equal(jsonTime('{"nested":{"timestamp":5}}'), undefined);
  assert.equal(jsonTime('{"timestamp":5'), undefined);
});
