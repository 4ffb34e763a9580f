/**
 * `%regex%` in filter patterns: AWS allows only letters, digits, the symbols `: _ # = @ / ; , -`,
 * the operators `^ $ ? [ ] { } | \ * + .`, the classes `\d \D \s \S \w \W` and `\xhh`; no `(` `)`,
 * no multi-byte characters, anything else rejects the pattern.
 *
 * We parse that subset into a flat form (alternatives of quantified atoms; there are no groups)
 * and re-emit it twice, so that JS (`RegExp` with the `u` flag) and ClickHouse (`match`, RE2 in
 * UTF-8 mode) give the same answer on every string:
 *  - every character class, `.` and `\d \s \w` (and negations) becomes an explicit bracket
 *    expression over ASCII code points with hex escapes; negated sets include all non-ASCII;
 *  - `.` is "any character but line feed" (RE2's default; ClickHouse enables dot-matches-newline,
 *    JS excludes \r and U+2028/2029 too, so neither engine's `.` is emitted as is);
 *  - `\s` is RE2's `[\t\n\f\r ]` (JS's `\s` would add \v and Unicode spaces);
 *  - constructs the two engines read differently (`{` that is not a repetition, `]` first in a
 *    class, repetition of an anchor, `x**`) are refused rather than guessed.
 */
import { FilterPatternError, type RegexLiteral } from './ast.js';

const SYMBOLS = ':_#=@/;,-';
const OPERATORS = '^$?[]{}|\\*+.';
const MAX_REPEAT = 1000;

/** A set of code points: explicit over ASCII, all-or-nothing beyond it. */
interface CharSet { ascii: boolean[]; nonAscii: boolean }

type Atom = { kind: 'lit'; code: number } | { kind: 'set'; set: CharSet } | { kind: 'bol' } | { kind: 'eol' };
interface Item { atom: Atom; quant?: string }

const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);

function emptySet(): CharSet { return { ascii: new Array<boolean>(128).fill(false), nonAscii: false }; }
function rangeSet(lo: number, hi: number): CharSet { const s = emptySet(); for (let c = lo; c <= hi; c++) s.ascii[c] = true; return s; }
function union(a: CharSet, b: CharSet): CharSet { return { ascii: a.ascii.map((v, i) => v || b.ascii[i]), nonAscii: a.nonAscii || b.nonAscii }; }
function complement(a: CharSet): CharSet { return { ascii: a.ascii.map((v) => !v), nonAscii: !a.nonAscii }; }

const DIGIT = rangeSet(0x30, 0x39);
const WORD = union(union(union(rangeSet(0x30, 0x39), rangeSet(0x41, 0x5a)), rangeSet(0x61, 0x7a)), rangeSet(0x5f, 0x5f));
const SPACE = [0x09, 0x0a, 0x0c, 0x0d, 0x20].reduce((s, c) => union(s, rangeSet(c, c)), emptySet());
const CLASS_ESCAPES: Record<string, CharSet> = {
  d: DIGIT, D: complement(DIGIT), w: WORD, W: complement(WORD), s: SPACE, S: complement(SPACE),
};
const DOT = complement(rangeSet(0x0a, 0x0a));

const hex2 = (c: number): string => `\\x${c.toString(16).padStart(2, '0')}`;

function emitSet(s: CharSet, dialect: 'js' | 're2'): string {
  const full = s.nonAscii && s.ascii.every(Boolean);
  if (full) return dialect === 'js' ? '[\\x00-\\u{10FFFF}]' : '[\\x00-\\x{10FFFF}]';
  const members = s.nonAscii ? s.ascii.map((v) => !v) : s.ascii;
  let out = '';
  for (let c = 0; c < 128; c++) {
    if (!members[c]) continue;
    let end = c;
    while (end + 1 < 128 && members[end + 1]) end++;
    out += end === c ? hex2(c) : end === c + 1 ? hex2(c) + hex2(end) : `${hex2(c)}-${hex2(end)}`;
    c = end;
  }
  return s.nonAscii ? `[^${out}]` : `[${out}]`;
}

function emitAtom(a: Atom, dialect: 'js' | 're2'): string {
  switch (a.kind) {
    case 'lit': return isAlnum(String.fromCharCode(a.code)) ? String.fromCharCode(a.code) : hex2(a.code);
    case 'set': return emitSet(a.set, dialect);
    case 'bol': return '^';
    case 'eol': return '$';
  }
}

/**
 * Parses the text between the `%` delimiters. `base` is the position of that text in the whole
 * pattern (for error positions); `position` is where the opening `%` is.
 */
export function parseRegex(src: string, base: number, position: number): RegexLiteral {
  if (src.length === 0) throw new FilterPatternError('empty regular expression', position);
  const fail = (what: string, i: number): never => { throw new FilterPatternError(what, base + i); };
  const checkChar = (c: string, i: number): void => {
    const code = c.codePointAt(0)!;
    if (code > 0x7f) fail('multi-byte characters are not supported in a regular expression', i);
    if (c === '(' || c === ')') fail(`'${c}' is not supported in a regular expression (no groups)`, i);
    if (!isAlnum(c) && !SYMBOLS.includes(c) && !OPERATORS.includes(c)) {
      fail(`character ${JSON.stringify(c)} is not allowed in a regular expression${c === ' ' ? ' (use \\s)' : ''}`, i);
    }
  };
  for (let i = 0; i < src.length; i++) checkChar(src[i], i);

  let i = 0;
  /** An escape at src[i] === '\\': returns a literal code or a set. */
  const escape = (inClass: boolean): { code: number } | { set: CharSet } => {
    const start = i;
    const c = src[i + 1];
    if (c === undefined) fail('trailing backslash in regular expression', start);
    if (CLASS_ESCAPES[c]) { i += 2; return { set: CLASS_ESCAPES[c] }; }
    if (c === 'x') {
      const h = src.slice(i + 2, i + 4);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) fail('\\x must be followed by two hex digits', start);
      const code = parseInt(h, 16);
      if (code > 0x7f) fail('multi-byte characters are not supported in a regular expression', start);
      i += 4;
      return { code };
    }
    if (!isAlnum(c) && (SYMBOLS.includes(c) || OPERATORS.includes(c))) { i += 2; return { code: c.charCodeAt(0) }; }
    return fail(`unsupported escape \\${c} in regular expression${inClass ? ' class' : ''}`, start);
  };

  const parseClass = (): CharSet => {
    const start = i;
    i++; // [
    let negate = false;
    if (src[i] === '^') { negate = true; i++; }
    if (src[i] === ']') fail("']' must be escaped as '\\]' at the start of a character class", i);
    let set = emptySet();
    let any = false;
    const single = (): { code: number } | { set: CharSet } => {
      const c = src[i];
      if (c === '\\') return escape(true);
      if (c === '[') fail("'[' must be escaped as '\\[' inside a character class", i);
      i++;
      return { code: c.charCodeAt(0) };
    };
    while (true) {
      if (i >= src.length) fail('unterminated character class', start);
      if (src[i] === ']') { i++; break; }
      const at = i;
      const a = single();
      if ('code' in a && src[i] === '-' && i + 1 < src.length && src[i + 1] !== ']') {
        i++;
        const bAt = i;
        const b = single();
        if (!('code' in b)) fail('a class escape cannot end a range', bAt);
        const hi = (b as { code: number }).code;
        if (hi < a.code) fail('character range out of order', at);
        set = union(set, rangeSet(a.code, hi));
      } else {
        set = union(set, 'code' in a ? rangeSet(a.code, a.code) : a.set);
      }
      any = true;
    }
    if (!any) fail('empty character class', start);
    const out = negate ? complement(set) : set;
    if (!out.nonAscii && !out.ascii.some(Boolean)) fail('character class matches nothing', start);
    return out;
  };

  const alternatives: Item[][] = [[]];
  while (i < src.length) {
    const c = src[i];
    const items = alternatives[alternatives.length - 1];
    if (c === '|') { alternatives.push([]); i++; continue; }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      const at = i;
      let q = c;
      if (c === '{') {
        const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(src.slice(i));
        if (!m) fail("'{' must start a repetition like {2}, {2,} or {2,5} (escape it as '\\{')", i);
        const lo = Number(m![1]);
        const hi = m![3] === undefined ? lo : m![3] === '' ? Infinity : Number(m![3]);
        if (lo > MAX_REPEAT || (hi !== Infinity && hi > MAX_REPEAT)) fail(`repetition count above ${MAX_REPEAT}`, i);
        if (hi < lo) fail('repetition range out of order', i);
        q = m![0];
      }
      i += q.length;
      const last = items[items.length - 1];
      if (!last || last.atom.kind === 'bol' || last.atom.kind === 'eol') fail(`'${c}' has nothing to repeat`, at);
      if (last.quant) {
        // A '?' right after a repetition makes it lazy (same set of matches); anything else is ambiguous.
        if (c === '?' && !last.quant.endsWith('?')) { last.quant += '?'; continue; }
        fail(`'${c}' cannot follow another repetition`, at);
      }
      last.quant = q;
      continue;
    }
    if (c === '}') fail("'}' must be escaped as '\\}'", i);
    if (c === ']') fail("']' must be escaped as '\\]'", i);
    if (c === '[') { items.push({ atom: { kind: 'set', set: parseClass() } }); continue; }
    if (c === '^') { items.push({ atom: { kind: 'bol' } }); i++; continue; }
    if (c === '$') { items.push({ atom: { kind: 'eol' } }); i++; continue; }
    if (c === '.') { items.push({ atom: { kind: 'set', set: DOT } }); i++; continue; }
    if (c === '\\') {
      const e = escape(false);
      items.push({ atom: 'code' in e ? { kind: 'lit', code: e.code } : { kind: 'set', set: e.set } });
      continue;
    }
    items.push({ atom: { kind: 'lit', code: c.charCodeAt(0) } });
    i++;
  }
  const emit = (dialect: 'js' | 're2'): string =>
    alternatives.map((items) => items.map((it) => emitAtom(it.atom, dialect) + (it.quant ?? '')).join('')).join('|');
  return { source: src, js: emit('js'), re2: emit('re2'), position };
}
