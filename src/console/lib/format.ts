/** Display formatting: times (local), sizes, retention. */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2025-01-31 14:05:09.123` in local time. */
export function formatTime(ms: number | undefined, withMillis = true): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMillis ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** The value of a `datetime-local` input for a time (local, minute precision). */
export function toDateTimeLocal(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Parses a `datetime-local` value (local time); NaN when empty or invalid. */
export function fromDateTimeLocal(value: string): number {
  return value ? new Date(value).getTime() : NaN;
}

/** The local UTC offset, e.g. `UTC+01:00`. */
export function utcOffsetLabel(at = Date.now()): string {
  const off = -new Date(at).getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `UTC${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [['second', 60], ['minute', 60], ['hour', 24], ['day', 30], ['month', 12], ['year', Infinity]];

/** `3 minutes ago`. */
export function formatAgo(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  let v = (ms - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(v) < size) return rtf.format(Math.round(v), unit);
    v /= size;
  }
  return formatTime(ms, false);
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** `1.2 MB` (decimal units). */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) { v /= 1000; u++; }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

export function formatRetention(days: number | undefined): string {
  if (!days) return 'Never expire';
  return days === 1 ? '1 day' : `${days.toLocaleString()} days`;
}

export function formatCount(n: number): string {
  return n.toLocaleString();
}
