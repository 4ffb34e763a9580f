/**
 * Conversions from what a log record holds to what a typed column accepts. Every function returns
 * `null` for a value that does not fit (the original stays in the event's message), never throws.
 */

export type ColumnValue = string | number | boolean | null;

/** A string value as given; numbers and booleans become their text; objects, arrays and empty → null. */
export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** A JSON string as given, else null (the value of an `exactText` column). */
export function text(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** A JSON boolean, or the strings `true`/`false` (any case), else null. */
export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (v.length === 4 && v.toLowerCase() === 'true') return true;
    if (v.length === 5 && v.toLowerCase() === 'false') return false;
  }
  return null;
}

/** Unsigned decimal integer text (digits only, ≤ 15 of them), else -1. */
export function parseDigits(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** An unsigned integer ≤ max from a number or digit string, else null. */
export function uint(v: unknown, max = Number.MAX_SAFE_INTEGER): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= max ? v : null;
  if (typeof v === 'string') {
    const n = parseDigits(v);
    return n >= 0 && n <= max ? n : null;
  }
  return null;
}

/** A signed integer within [min, max] from a number or text, else null. */
export function int(v: unknown, min: number, max: number): number | null {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const neg = v.charCodeAt(0) === 45;
    const d = parseDigits(neg ? v.slice(1) : v);
    if (d < 0) return null;
    n = neg ? -d : d;
  } else return null;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** A finite number from a number or decimal text (e.g. `0.001`, `-1`), else null. */
export function float(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.length > 0 && v.length < 40) {
    const c = v.charCodeAt(0);
    if (!((c >= 48 && c <= 57) || c === 45 || c === 46)) return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Four dotted decimal octets 0-255; leading zeros accepted (anonymised exports write `010.001.002.003`). */
export function isIpv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let octets = 0;
  let digitsInOctet = 0;
  let value = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : s.charCodeAt(i);
    if (c === 46) {
      if (digitsInOctet === 0 || value > 255) return false;
      octets++;
      digitsInOctet = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digitsInOctet > 3) return false;
      value = value * 10 + (c - 48);
    } else return false;
  }
  return octets === 4;
}

/** IPv6 text (with optional embedded IPv4 tail and zone id). */
export function isIpv6(s: string): boolean {
  if (s.length < 2 || s.length > 64 || s.indexOf(':') < 0) return false;
  const zone = s.indexOf('%');
  const addr = zone >= 0 ? s.slice(0, zone) : s;
  const double = addr.indexOf('::');
  if (double >= 0 && addr.indexOf('::', double + 1) >= 0) return false;
  const parts = addr.split(':');
  let groups = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '') continue;
    if (i === parts.length - 1 && p.indexOf('.') >= 0) {
      if (!isIpv4(p)) return false;
      groups += 2;
      continue;
    }
    if (p.length > 4 || !/^[0-9A-Fa-f]+$/.test(p)) return false;
    groups++;
  }
  if (double >= 0) return groups < 8;
  // Without '::', empty parts are only allowed nowhere.
  return groups === 8 && !parts.includes('');
}

export function isIp(s: string): boolean {
  return isIpv4(s) || isIpv6(s);
}

/** `010.001.002.003` → `10.1.2.3`; other text unchanged. */
export function canonicalIp(s: string): string {
  if (isIpv4(s) && /(^|\.)0\d/.test(s)) return s.split('.').map((o) => String(Number(o))).join('.');
  return s;
}

/** Truncates text kept in a ParseProblem. */
export function clip(s: string, max = 2048): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Reads a nested member: `at(o, 'a', 'b')` = o?.a?.b when each step is a plain object. */
export function at(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
