/**
 * Logs Insights results in the browser: rows of `{field, value}` strings turned into columns and
 * records, natural sort (as the `sort` command documents it), timestamps, discovered fields, and
 * CSV/JSON export.
 */
import type { ResultField } from './api';
import { DISCOVERY_CAP, flattenJson as flattenJsonFields } from '../../query/json-fields';

export type Row = Record<string, string>;

/**
 * The columns in the order the server returned them. A field missing from a row (null values are
 * left out) is placed after the field that precedes it where it does appear.
 */
export function columnsOf(results: ResultField[][]): string[] {
  const cols: string[] = [];
  for (const r of results) {
    let at = -1;
    for (const { field } of r) {
      const i = cols.indexOf(field);
      if (i >= 0) { at = i; continue; }
      cols.splice(at + 1, 0, field);
      at++;
    }
  }
  return cols;
}

export function toRows(results: ResultField[][]): Row[] {
  return results.map((r) => {
    const o: Row = {};
    for (const { field, value } of r) o[field] = value;
    return o;
  });
}

// ---- Natural sort ----

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const CHUNK = /(\d+)|(\D+)/g;

function chunks(s: string): string[] {
  return s.match(CHUNK) ?? [];
}

function compareChunks(a: string, b: string): number {
  const ca = chunks(a);
  const cb = chunks(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      // Digit runs: by length (leading zeros count, as documented), then value.
      if (x.length !== y.length) return x.length - y.length;
      return x < y ? -1 : 1;
    }
    // Everything else by code point.
    return codePointCompare(x, y);
  }
  return ca.length - cb.length;
}

function codePointCompare(a: string, b: string): number {
  const xa = [...a];
  const xb = [...b];
  for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
    const d = xa[i].codePointAt(0)! - xb[i].codePointAt(0)!;
    if (d) return d;
  }
  return xa.length - xb.length;
}

/**
 * Natural order, ascending: every non-number before every number; numbers by value (ties by
 * text); other values chunk by chunk, digit runs by length then value. Missing values are
 * handled by the caller (last in both directions).
 */
export function compareNatural(a: string, b: string): number {
  const na = NUMBER.test(a.trim());
  const nb = NUMBER.test(b.trim());
  if (na !== nb) return na ? 1 : -1;
  if (na && nb) {
    const d = Number(a) - Number(b);
    if (d) return d;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return compareChunks(a, b);
}

/** Rows sorted by a column (stable; missing values last in both directions). */
export function sortRows<T extends Row>(rows: T[], col: string, dir: 'asc' | 'desc'): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => {
      const a = x.r[col];
      const b = y.r[col];
      if (a === undefined || b === undefined) return a === b ? x.i - y.i : a === undefined ? 1 : -1;
      return sign * compareNatural(a, b) || x.i - y.i;
    })
    .map((x) => x.r);
}

// ---- Timestamps ----

const TS = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?$/;

/** `2024-01-01 00:00:01.000` (UTC, how results carry timestamps) → epoch ms, NaN if not one. */
export function parseResultTime(v: string | undefined): number {
  const m = v ? TS.exec(v) : null;
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +(m[7] ?? '0').padEnd(3, '0'));
}

export function isNumeric(v: string): boolean {
  return NUMBER.test(v.trim());
}

// ---- Discovered fields ----

/**
 * Insights-style fields of a JSON log message (`a.b`, `items.0.id`, `@x` → `@@x`), at most `cap`; null when not a
 * JSON object. The same flattening GetLogRecord uses on the server; here leading white space is tolerated.
 */
export function flattenJson(message: string, cap = DISCOVERY_CAP): Record<string, string> | null {
  return flattenJsonFields(message.trimStart(), cap);
}

export function jsonFieldNames(message: string, cap = 200): string[] {
  return Object.keys(flattenJson(message, cap) ?? {});
}

const VPC_FIELDS = ['version', 'accountId', 'interfaceId', 'srcAddr', 'dstAddr', 'srcPort', 'dstPort', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'logStatus'];
const VPC_LINE = /^\d+ \S+ eni-\S+ (\S+ ){10}\S+$/;

/** Field names a sample of messages offers: JSON leaves, or the VPC Flow Logs columns. */
export function discoverFields(messages: string[]): string[] {
  const seen = new Set<string>();
  for (const m of messages) {
    if (VPC_LINE.test(m.trim())) for (const f of VPC_FIELDS) seen.add(f);
    else for (const f of jsonFieldNames(m)) seen.add(f);
  }
  return [...seen];
}

// ---- Export ----

function csvCell(v: string | undefined): string {
  if (v === undefined) return '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180 CSV: a header of the columns, one line per row (CRLF). */
export function toCsv(columns: string[], rows: Row[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A JSON array of objects, one per row, with the given columns (missing values left out). */
export function toJson(columns: string[], rows: Row[]): string {
  return `${JSON.stringify(rows.map((r) => {
    const o: Row = {};
    for (const c of columns) if (r[c] !== undefined) o[c] = r[c];
    return o;
  }), null, 2)}\n`;
}

/** Saves text as a file (a Blob URL on a temporary link; nothing leaves the browser). */
export function download(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
