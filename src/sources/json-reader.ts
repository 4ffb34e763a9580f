/**
 * Reading JSON the way AWS delivers it: one document per line (NDJSON), a single pretty-printed document,
 * several documents back to back (Firehose to S3 concatenates), or one big `{"Records":[…]}` array whose
 * elements we want as separate texts. The scanner finds value boundaries without parsing, so each record is
 * parsed exactly once and its original text can be kept as the event message.
 */
import type { ParseProblem } from './contract.js';
import { clip } from './values.js';

export interface JsonDocument {
  value: unknown;
  /** The exact text of the value in the input (without a trailing `\r`). */
  text: string;
  /** 1-based line where the value starts. */
  line: number;
  /** The value was alone on its line (NDJSON): `text` is the line. */
  wholeLine: boolean;
  /** No whitespace outside strings: `text` is already compact JSON. */
  compact: boolean;
}

export interface ValueEnd {
  /** Index just past the closing bracket. */
  end: number;
  compact: boolean;
}

/**
 * End of the JSON object or array starting at `start` (`text[start]` is `{` or `[`), or null when the text
 * ends first. Strings are skipped with indexOf, so long string values cost little.
 */
export function jsonValueEnd(text: string, start: number): ValueEnd | null {
  const n = text.length;
  let depth = 0;
  let compact = true;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        if (j < 0) return null;
        let k = j - 1;
        let backslashes = 0;
        while (text.charCodeAt(k) === 92) {
          backslashes++;
          k--;
        }
        if ((backslashes & 1) === 0) break;
        j++;
      }
      i = j;
    } else if (c === 123 || c === 91) {
      depth++;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return { end: i + 1, compact };
    } else if (c <= 32) {
      compact = false;
    }
  }
  return null;
}

/** JSON.parse, then once more with raw control characters inside strings escaped (doc examples wrap long strings). */
export function parseJsonLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const repaired = escapeControlCharsInStrings(text);
    if (repaired === text) throw err;
    return JSON.parse(repaired);
  }
}

function escapeControlCharsInStrings(s: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 92) escaped = true;
      else if (c === 34) inString = false;
      else if (c < 32) {
        out += s.slice(last, i) + (c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t' : `\\u${c.toString(16).padStart(4, '0')}`);
        last = i + 1;
      }
    } else if (c === 34) inString = true;
  }
  return last === 0 ? s : out + s.slice(last);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Index of the first character that is not whitespace or a byte-order mark, from `i`. */
export function skipSpace(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff) i++;
    else break;
  }
  return i;
}

/** 1-based line number of `pos`, counting from a known (line, index) pair forward. */
export class LineCounter {
  private line = 1;
  private index = 0;
  constructor(private readonly text: string) {}
  at(pos: number): number {
    if (pos < this.index) {
      this.line = 1;
      this.index = 0;
    }
    let i = this.text.indexOf('\n', this.index);
    while (i >= 0 && i < pos) {
      this.line++;
      i = this.text.indexOf('\n', i + 1);
    }
    this.index = pos;
    return this.line;
  }
}

/**
 * Every JSON document in `text`. NDJSON when the first document fits on its first line; otherwise a scan
 * for back-to-back documents (pretty-printed or concatenated). Bad documents become problems; reading goes on.
 */
export function readJsonDocuments(text: string, problems: ParseProblem[]): JsonDocument[] {
  const start = skipSpace(text, 0);
  if (start >= text.length) return [];
  const firstNl = text.indexOf('\n', start);
  const firstLineEnd = firstNl < 0 ? text.length : firstNl;
  const c0 = text.charCodeAt(start);
  if (c0 === 123 || c0 === 91) {
    const first = jsonValueEnd(text, start);
    // NDJSON when the first document ends on its first line with nothing after it there.
    if (first && first.end <= firstLineEnd && skipSpace(text, first.end) >= firstLineEnd) {
      return readJsonLines(text, problems);
    }
  } else {
    return readJsonLines(text, problems);
  }
  return scanJsonDocuments(text, start, problems);
}

/** One JSON document per line; blank lines skipped. */
export function readJsonLines(text: string, problems: ParseProblem[]): JsonDocument[] {
  const out: JsonDocument[] = [];
  const n = text.length;
  let pos = 0;
  let line = 0;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    line++;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    const raw = text.slice(pos, end);
    pos = nl + 1;
    const s = skipSpace(raw, 0);
    if (s >= raw.length) continue;
    const body = s === 0 ? raw : raw.slice(s);
    try {
      out.push({ value: parseJsonLenient(body), text: body, line, wholeLine: true, compact: false });
    } catch (err) {
      problems.push({ line, reason: `invalid JSON: ${errorText(err)}`, text: clip(raw) });
    }
  }
  return out;
}

/** Back-to-back JSON documents from `start`, each possibly spanning lines. */
export function scanJsonDocuments(text: string, start: number, problems: ParseProblem[]): JsonDocument[] {
  const out: JsonDocument[] = [];
  const lines = new LineCounter(text);
  const n = text.length;
  let pos = start;
  while (pos < n) {
    pos = skipSpace(text, pos);
    while (pos < n && text.charCodeAt(pos) === 44) pos = skipSpace(text, pos + 1);
    if (pos >= n) break;
    const c = text.charCodeAt(pos);
    const line = lines.at(pos);
    if (c !== 123 && c !== 91) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      problems.push({ line, reason: 'not JSON', text: clip(text.slice(pos, nl)) });
      pos = nl + 1;
      continue;
    }
    const end = jsonValueEnd(text, pos);
    if (!end) {
      problems.push({ line, reason: 'truncated JSON document', text: clip(text.slice(pos)) });
      break;
    }
    const slice = text.slice(pos, end.end);
    try {
      out.push({ value: parseJsonLenient(slice), text: slice, line, wholeLine: false, compact: end.compact });
    } catch (err) {
      problems.push({ line, reason: `invalid JSON: ${errorText(err)}`, text: clip(slice) });
    }
    pos = end.end;
  }
  return out;
}

export interface ArrayElement {
  /** 1-based position in the array. */
  index: number;
  text: string;
  compact: boolean;
}

/**
 * The object elements of the array whose `[` is at `bracket`, as texts. Stops at the closing `]`; a
 * truncated or malformed array yields what came before and a problem. Returns the index after `]` (or -1).
 */
export function scanArrayElements(text: string, bracket: number, onElement: (e: ArrayElement) => void, problems: ParseProblem[], firstIndex = 1): number {
  const n = text.length;
  let pos = skipSpace(text, bracket + 1);
  let index = firstIndex - 1;
  while (pos < n) {
    const c = text.charCodeAt(pos);
    if (c === 93) return pos + 1;
    if (c === 44) {
      pos = skipSpace(text, pos + 1);
      continue;
    }
    index++;
    if (c !== 123 && c !== 91) {
      // A scalar element: read up to the next comma or bracket.
      let j = pos;
      while (j < n && text.charCodeAt(j) !== 44 && text.charCodeAt(j) !== 93) j++;
      onElement({ index, text: text.slice(pos, j).trim(), compact: true });
      pos = j;
      continue;
    }
    const end = jsonValueEnd(text, pos);
    if (!end) {
      problems.push({ line: index, reason: 'truncated JSON: the file ends inside this record', text: clip(text.slice(pos)) });
      return -1;
    }
    onElement({ index, text: text.slice(pos, end.end), compact: end.compact });
    pos = skipSpace(text, end.end);
  }
  problems.push({ line: index + 1, reason: 'truncated JSON: missing ]', text: '' });
  return -1;
}
