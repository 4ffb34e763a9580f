/**
 * The Logs Insights lexer. It is driven by the parser: `/` starts a regex literal only where
 * the parser expects an operand (after `like`, `=~`, `parse <field>`, `(`, `,` …) and is the
 * division operator everywhere else, which a context-free lexer cannot decide.
 * `#` starts a comment to the end of the line (outside strings and regexes).
 */
import type { TimeUnit } from './ast.js';
import { malformed } from './errors.js';

export type TokenKind = 'ident' | 'number' | 'duration' | 'string' | 'regex' | 'op' | 'eof';

export interface IdentPart { text: string; quoted: boolean }

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** ident: the field name (backticks removed); string/regex: the decoded value; op: the operator. */
  value: string;
  num?: number;
  unit?: TimeUnit;
  parts?: IdentPart[];
}

const UNITS: Record<string, TimeUnit> = {};
for (const [unit, names] of Object.entries({
  ms: ['ms', 'msec', 'msecs', 'millisecond', 'milliseconds'],
  s: ['s', 'sec', 'secs', 'second', 'seconds'],
  m: ['m', 'min', 'mins', 'minute', 'minutes'],
  h: ['h', 'hr', 'hrs', 'hour', 'hours'],
  d: ['d', 'day', 'days'],
  w: ['w', 'week', 'weeks'],
  mo: ['mo', 'mon', 'mons', 'month', 'months'],
  q: ['q', 'qtr', 'qtrs', 'quarter', 'quarters'],
  y: ['y', 'yr', 'yrs', 'year', 'years'],
} as Record<TimeUnit, string[]>)) for (const n of names) UNITS[n] = unit as TimeUnit;

export function timeUnit(name: string): TimeUnit | undefined {
  return UNITS[name.toLowerCase()];
}

const TWO_CHAR_OPS = new Set(['!=', '<=', '>=', '=~', '==']);
const ONE_CHAR_OPS = new Set(['=', '<', '>', '+', '-', '*', '/', '%', '^', '(', ')', '[', ']', ',', '|', ':', '!', '.']);

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '@';
}
function isIdentChar(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9') || c === '.';
}
function isDigit(c: string): boolean { return c >= '0' && c <= '9'; }

export class Lexer {
  pos = 0;
  constructor(readonly text: string) {}

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0') { this.pos++; continue; }
      if (c === '#') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
        continue;
      }
      break;
    }
  }

  /** Reads the next token; `regexAllowed` says whether `/` starts a regex literal here. */
  next(regexAllowed: boolean): Token {
    this.skipSpace();
    const t = this.text;
    const start = this.pos;
    if (start >= t.length) return { kind: 'eof', start, end: start, value: '' };
    const c = t[start];
    if (c === '"' || c === "'") return this.string(c);
    if (c === '/' && regexAllowed) return this.regex();
    if (c === '`' || isIdentStart(c)) return this.ident();
    if (isDigit(c) || (c === '.' && isDigit(t[start + 1] ?? ''))) return this.number();
    const two = t.slice(start, start + 2);
    if (TWO_CHAR_OPS.has(two)) { this.pos += 2; return { kind: 'op', start, end: this.pos, value: two === '==' ? '=' : two }; }
    if (ONE_CHAR_OPS.has(c)) { this.pos++; return { kind: 'op', start, end: this.pos, value: c }; }
    throw malformed(t, { start, end: start + 1 }, `Unexpected character '${c}'`);
  }

  private string(q: string): Token {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    let out = '';
    while (i < t.length && t[i] !== q) {
      if (t[i] === '\\' && i + 1 < t.length) {
        const n = t[i + 1];
        if (n === q || n === '\\') out += n;
        else if (n === 'n') out += '\n';
        else if (n === 't') out += '\t';
        else if (n === 'r') out += '\r';
        else out += '\\' + n;
        i += 2;
        continue;
      }
      out += t[i++];
    }
    if (i >= t.length) throw malformed(t, { start, end: t.length }, 'Unterminated string literal');
    this.pos = i + 1;
    return { kind: 'string', start, end: this.pos, value: out };
  }

  private regex(): Token {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    let out = '';
    let inClass = false;
    while (i < t.length) {
      const c = t[i];
      if (c === '\\' && i + 1 < t.length) {
        // `\/` is an escaped slash; every other escape goes to the regex engine untouched.
        out += t[i + 1] === '/' ? '/' : c + t[i + 1];
        i += 2;
        continue;
      }
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
      out += c;
      i++;
    }
    if (i >= t.length) throw malformed(t, { start, end: t.length }, 'Unterminated regular expression');
    this.pos = i + 1;
    if (out.length === 0) throw malformed(t, { start, end: this.pos }, 'Empty regular expression');
    return { kind: 'regex', start, end: this.pos, value: out };
  }

  private ident(): Token {
    const t = this.text;
    const start = this.pos;
    const parts: IdentPart[] = [];
    let i = start;
    for (;;) {
      if (t[i] === '`') {
        const close = t.indexOf('`', i + 1);
        if (close < 0) throw malformed(t, { start: i, end: t.length }, 'Unterminated backtick field name');
        const text = t.slice(i + 1, close);
        if (!text) throw malformed(t, { start: i, end: close + 1 }, 'Empty field name');
        parts.push({ text, quoted: true });
        i = close + 1;
      } else {
        const s = i;
        while (i < t.length && isIdentChar(t[i])) i++;
        let text = t.slice(s, i);
        // `a.`b`` : the dot before a backtick belongs to the join, not to the segment.
        if (text.endsWith('.') && t[i] === '`') text = text.slice(0, -1);
        if (text) parts.push({ text, quoted: false });
      }
      if (t[i] === '`') continue;
      if (t[i - 1] === '`' && t[i] === '.' && (t[i + 1] === '`' || isIdentStart(t[i + 1] ?? '') || isDigit(t[i + 1] ?? ''))) { i++; continue; }
      break;
    }
    this.pos = i;
    const value = parts.map((p) => p.text).join('.');
    return { kind: 'ident', start, end: i, value, parts };
  }

  private number(): Token {
    const t = this.text;
    const start = this.pos;
    let i = start;
    while (i < t.length && isDigit(t[i])) i++;
    if (t[i] === '.' && isDigit(t[i + 1] ?? '')) {
      i++;
      while (i < t.length && isDigit(t[i])) i++;
    }
    const numText = t.slice(start, i);
    if (i < t.length && /[A-Za-z_]/.test(t[i])) {
      const us = i;
      while (i < t.length && /[A-Za-z0-9_]/.test(t[i])) i++;
      const unitText = t.slice(us, i);
      const unit = timeUnit(unitText);
      if (!unit || t[i] === '.' || t[i] === '@') throw malformed(t, { start, end: i }, `Unexpected token '${t.slice(start, i)}'`);
      this.pos = i;
      return { kind: 'duration', start, end: i, value: t.slice(start, i), num: Number(numText), unit };
    }
    this.pos = i;
    return { kind: 'number', start, end: i, value: numText, num: Number(numText) };
  }
}
