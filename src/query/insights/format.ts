/**
 * Result values as GetQueryResults shows them: every value a string; missing values omitted;
 * numbers without a trailing `.0` (counts read "2"); timestamps (`@timestamp`, `bin()`,
 * `fromMillis()`, …) as `yyyy-MM-dd HH:mm:ss.SSS` in UTC (fact sheet §1.4, §1.9); booleans as "1"/"0".
 */
import type { VType } from './types.js';

export function formatTimestamp(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  const y = d.getUTCFullYear();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : String(y);
  return `${year}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export function formatNumber(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  if (Object.is(n, -0)) return '0';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

/** One engine value (JSONEachRow) → the result string, or null to omit the field. */
export function formatValue(v: unknown, type: VType): string | null {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'ts': {
      const n = typeof v === 'number' ? v : Number(v);
      return formatTimestamp(n);
    }
    case 'num':
      if (typeof v === 'number') return formatNumber(v);
      if (typeof v === 'string') {
        if (/^-?\d+$/.test(v)) return v;
        const n = Number(v);
        return Number.isNaN(n) ? v : formatNumber(n);
      }
      return String(v);
    case 'bool':
      if (typeof v === 'boolean') return v ? '1' : '0';
      return String(Number(v));
    default:
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}
