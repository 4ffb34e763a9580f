/**
 * The value semantics both back ends implement (docs/filter-patterns.md, "Semantics"):
 *
 * JSON leaves. A selector resolves to a value or to nothing (missing). The *text* of a value is:
 * a string's content; a number's canonical text (JavaScript's Number#toString of the double:
 * `1.50` → "1.5", `1e3` → "1000", `1E21` → "1e+21"); "true"/"false" for booleans; null, objects
 * and arrays have no text.
 *  - `= "text"`, `= glob*`, `= %regex%`  → the value has a text and it matches;
 *  - `= 12`, `< 12`, …                   → the value is a JSON number and compares (doubles);
 *  - `!= x`                              → the value is a string, number or boolean and `= x` is false;
 *  - `IS NULL|TRUE|FALSE`                → the value is null / true / false;
 *  - `NOT EXISTS`                        → the selector resolves to nothing.
 * Space-delimited fields are strings; numeric comparisons read them as numbers (NUMBER_RE, finite).
 */
import { globMatches } from './glob.js';

/** Whether some JSON number's canonical text equals `v` (then `= "v"` must also test numbers). */
export function isNumberText(v: string): boolean {
  const n = Number(v);
  return v !== '' && Number.isFinite(n) && String(n) === v;
}

const NUMBER_TEXT_CHARS = /^[0-9.e+-]*$/;

/** Whether a glob could match the canonical text of some number (a conservative over-estimate). */
export function globCanMatchNumber(pieces: string[]): boolean {
  return pieces.every((p) => NUMBER_TEXT_CHARS.test(p));
}

export function globCanMatchBool(pieces: string[]): boolean {
  return globMatches(pieces, 'true') || globMatches(pieces, 'false');
}

/** JSON value → its text, or undefined (null, object, array, missing). */
export function textOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return String(x);
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  return undefined;
}

/** Field numeric grammar: optional sign, digits with optional fraction or leading dot, optional exponent. */
export const FIELD_NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The same grammar for RE2 (ClickHouse `match`). */
export const FIELD_NUMBER_RE2 = '^[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?$';

/** A space-delimited field read as a number, or NaN when it is not one (or overflows a double). */
export function fieldNumber(f: string): number {
  if (!FIELD_NUMBER_RE.test(f)) return NaN;
  const v = Number(f);
  return Number.isFinite(v) ? v : NaN;
}

/**
 * Tokenizer for space-delimited events: a `"..."` run or a `[...]` run is one field (it may contain
 * spaces), otherwise a field is a run of non-space characters. Leftmost alternative wins, in JS and
 * in RE2 alike, so `extractAll` in ClickHouse yields the same fields.
 */
export const FIELD_TOKEN_SOURCE = '"[^"]*"|\\[[^\\]]*\\]|[^ ]+';

/**
 * FIELD_TOKEN_SOURCE as a scanner, without allocating: writes each field's [start, end) into
 * `bounds` (grown as needed) and returns the field count. At a non-space character the first
 * alternative that matches wins: `"` up to the next `"`, `[` up to the next `]`, otherwise (also
 * for a `"` or `[` that is never closed) up to the next space.
 */
export function scanFields(m: string, bounds: { b: Int32Array }): number {
  const n = m.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    const c = m.charCodeAt(i);
    if (c === 0x20) { i++; continue; }
    let end = -1;
    if (c === 0x22) { const j = m.indexOf('"', i + 1); if (j >= 0) end = j + 1; }
    else if (c === 0x5b) { const j = m.indexOf(']', i + 1); if (j >= 0) end = j + 1; }
    if (end < 0) { const j = m.indexOf(' ', i + 1); end = j < 0 ? n : j; }
    if (2 * count + 2 > bounds.b.length) { const g = new Int32Array(bounds.b.length * 2); g.set(bounds.b); bounds.b = g; }
    bounds.b[2 * count] = i;
    bounds.b[2 * count + 1] = end;
    count++;
    i = end;
  }
  return count;
}

/** A field with its surrounding quotes or brackets removed. */
export function stripField(f: string): string {
  if (f.length >= 2) {
    const a = f.charCodeAt(0);
    const z = f.charCodeAt(f.length - 1);
    if ((a === 0x22 && z === 0x22) || (a === 0x5b && z === 0x5d)) return f.slice(1, -1);
  }
  return f;
}
