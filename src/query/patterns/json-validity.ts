/**
 * The two back ends must agree on which messages are JSON. ClickHouse's JSON functions (simdjson)
 * and `JSON.parse` both follow RFC 8259, with these measured differences (chDB 3.4 / ClickHouse 26.7):
 *  - a leading byte-order mark is skipped by ClickHouse, rejected by JSON.parse;
 *  - ClickHouse rejects the whole document for an unpaired surrogate escape (`"\ud800"`), an
 *    integer literal outside [-2^63, 2^64-1], a number that overflows a double (`1e400`), or a
 *    value nested deeper than 1024 levels; JSON.parse accepts all four.
 * `parseJsonMessage` is JSON.parse with ClickHouse's verdict on validity. Two differences remain
 * and are documented rather than emulated: duplicate keys (ClickHouse reads the first, JSON.parse
 * keeps the last) and lone surrogate code units in the message text itself.
 */

const MAX_DEPTH = 1024;
/** Cheap test for "might contain one of the constructs ClickHouse rejects". */
const HINT = /\\u[dD][89a-fA-F]|\d{19}|[eE]\+?\d{3}/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Parses a message that should be a JSON object; undefined when it is not one (for either back end). */
export function parseJsonMessage(m: string): Record<string, unknown> | undefined {
  if (m.charCodeAt(0) === 0xfeff) m = m.slice(1);
  let o: unknown;
  try { o = JSON.parse(m); } catch { return undefined; }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  if ((m.length > 2 * MAX_DEPTH || HINT.test(m)) && !clickhouseAccepts(m)) return undefined;
  return o as Record<string, unknown>;
}

/** Precise check of a text JSON.parse accepted: would ClickHouse accept it too? */
export function clickhouseAccepts(m: string): boolean {
  let depth = 0;
  const n = m.length;
  let i = 0;
  while (i < n) {
    const c = m.charCodeAt(i);
    if (c === 0x22) { // string (key or value): a value one level below the current container
      if (depth + 1 > MAX_DEPTH) return false;
      i++;
      while (true) {
        const q = m.indexOf('"', i);
        const b = m.indexOf('\\', i);
        if (b < 0 || b > q) { i = q + 1; break; }
        if (m.charCodeAt(b + 1) !== 0x75) { i = b + 2; continue; } // \x other than \u
        const u = parseInt(m.slice(b + 2, b + 6), 16);
        if (u >= 0xdc00 && u <= 0xdfff) return false; // lone low surrogate
        if (u >= 0xd800 && u <= 0xdbff) {
          if (m.charCodeAt(b + 6) !== 0x5c || m.charCodeAt(b + 7) !== 0x75) return false;
          const lo = parseInt(m.slice(b + 8, b + 12), 16);
          if (!(lo >= 0xdc00 && lo <= 0xdfff)) return false;
          i = b + 12;
        } else i = b + 6;
      }
      continue;
    }
    if (c === 0x7b || c === 0x5b) { // { [
      if (++depth > MAX_DEPTH) return false;
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) { depth--; i++; continue; }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      if (depth + 1 > MAX_DEPTH) return false;
      let j = i + 1;
      while (j < n && /[0-9.eE+-]/.test(m[j])) j++;
      const tok = m.slice(i, j);
      if (/[.eE]/.test(tok)) {
        if (!Number.isFinite(Number(tok))) return false;
      } else {
        const v = BigInt(tok);
        if (v < INT64_MIN || v > UINT64_MAX) return false;
      }
      i = j;
      continue;
    }
    if (c === 0x74 || c === 0x66 || c === 0x6e) { // true false null
      if (depth + 1 > MAX_DEPTH) return false;
      i += c === 0x66 ? 5 : 4;
      continue;
    }
    i++; // whitespace, ':' and ','
  }
  return true;
}
