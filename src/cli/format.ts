/** Parsing of command-line times and the CLI's text output (tables, sizes, times). */
import { usageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration such as `30s`, `10m`, `1h`, `2d`, `1w` (also `1.5h`), in milliseconds; undefined if not one. */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i.exec(s.trim());
  return m ? Math.round(Number(m[1]) * UNIT_MS[m[2].toLowerCase()]) : undefined;
}

/**
 * A point in time: epoch milliseconds (`1700000000000`), ISO-8601 (`2024-05-01T12:00:00Z`,
 * `2024-05-01`), or a duration meaning that long ago (`1h`, `30m`, `2d`).
 */
export function parseTime(s: string, now = Date.now(), what = 'time'): number {
  const v = s.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const d = parseDuration(v);
  if (d !== undefined) return now - d;
  // An ISO date/time; a date-time without a zone is taken as UTC, like AWS's tools do.
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v) ? `${v}Z` : v;
  const t = /^\d{4}-\d{2}-\d{2}/.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) throw usageError(`Invalid ${what} '${s}': use ISO-8601 (2024-05-01T12:00:00Z), epoch milliseconds, or a relative time such as 30m, 1h, 2d`);
  return t;
}

export function parsePositiveInt(s: string, what: string): number {
  if (!/^\d+$/.test(s.trim()) || Number(s) < 1) throw usageError(`Invalid ${what} '${s}': expected a positive integer`);
  return Number(s);
}

export function isoTime(ms: number | undefined): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '-';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || n === null) return '-';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = -1;
  do { v /= 1024; i++; } while (v >= 1024 && i < units.length - 1);
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function out(text: string): void { process.stdout.write(text); }

export function outJson(value: unknown): void { process.stdout.write(JSON.stringify(value) + '\n'); }

// `trailwatch ... | head` closes stdout early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
