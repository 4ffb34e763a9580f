/**
 * Timestamp readers for the forms AWS logs use. Hand-written (no Date.parse, no regex) because they run
 * once per event on the ingest path; each returns NaN for anything it does not recognise.
 */

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * ISO-8601 / RFC 3339 as AWS writes it, to epoch **microseconds**:
 * `2014-03-06T21:22:54Z`, `2018-07-02T22:23:00.186641Z`, `2017-03-16T19:20:25.177+01:00`, a space instead of
 * `T`, any number of fraction digits (nanoseconds are truncated), no zone (read as UTC), and the basic form
 * `20131102T010628Z`.
 */
export function parseIsoMicros(s: string): number {
  if (typeof s !== 'string') return NaN;
  const n = s.length;
  let year: number, month: number, day: number, hour: number, minute: number, second: number;
  let i: number;
  if (n >= 16 && s.charCodeAt(4) === 45 /* - */) {
    // Extended form: YYYY-MM-DD[T ]hh:mm[:ss]
    if (n < 16 || s.charCodeAt(7) !== 45) return NaN;
    const sep = s.charCodeAt(10);
    if (sep !== 84 && sep !== 32 && sep !== 116) return NaN;
    year = digits(s, 0, 4);
    month = digits(s, 5, 2);
    day = digits(s, 8, 2);
    hour = digits(s, 11, 2);
    if (s.charCodeAt(13) !== 58) return NaN;
    minute = digits(s, 14, 2);
    i = 16;
    second = 0;
    if (i < n && s.charCodeAt(i) === 58) {
      second = digits(s, i + 1, 2);
      i += 3;
    }
  } else if (n >= 15 && (s.charCodeAt(8) === 84 || s.charCodeAt(8) === 116)) {
    // Basic form: YYYYMMDDThhmmss
    year = digits(s, 0, 4);
    month = digits(s, 4, 2);
    day = digits(s, 6, 2);
    hour = digits(s, 9, 2);
    minute = digits(s, 11, 2);
    second = digits(s, 13, 2);
    i = 15;
  } else {
    return NaN;
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return NaN;
  }
  let micros = 0;
  if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
    i++;
    let scale = 100000;
    let any = false;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      micros += c * scale;
      scale = Math.floor(scale / 10);
      any = true;
      i++;
    }
    if (!any) return NaN;
  }
  let offsetMinutes = 0;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 90 || c === 122) {
      i++;
    } else if (c === 43 || c === 45) {
      const oh = digits(s, i + 1, 2);
      let om: number;
      if (s.charCodeAt(i + 3) === 58) {
        om = digits(s, i + 4, 2);
        i += 6;
      } else if (i + 5 <= n) {
        om = digits(s, i + 3, 2);
        i += 5;
      } else {
        om = 0;
        i += 3;
      }
      if (oh < 0 || om < 0) return NaN;
      offsetMinutes = (oh * 60 + om) * (c === 45 ? -1 : 1);
    }
    if (i !== n) return NaN;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  return ms * 1000 + micros;
}

/** Same forms as parseIsoMicros, to epoch milliseconds (fraction truncated). */
export function parseIsoMillis(s: string): number {
  const us = parseIsoMicros(s);
  return Number.isNaN(us) ? NaN : Math.floor(us / 1000);
}

/** S3 server access log time, `06/Feb/2019:00:00:38 +0000` (brackets already removed), to epoch ms. */
export function parseClfMillis(s: string): number {
  if (typeof s !== 'string' || s.length < 20) return NaN;
  const day = digits(s, 0, 2);
  const month = MONTHS[s.slice(3, 6)];
  const year = digits(s, 7, 4);
  const hour = digits(s, 12, 2);
  const minute = digits(s, 15, 2);
  const second = digits(s, 18, 2);
  if (month === undefined || day < 1 || year < 0 || hour < 0 || minute < 0 || second < 0) return NaN;
  let offset = 0;
  if (s.length >= 26) {
    const sign = s.charCodeAt(21);
    const oh = digits(s, 22, 2);
    const om = digits(s, 24, 2);
    if ((sign === 43 || sign === 45) && oh >= 0 && om >= 0) offset = (oh * 60 + om) * (sign === 45 ? -1 : 1);
  }
  return Date.UTC(year, month, day, hour, minute, second) - offset * 60_000;
}

/** Epoch ms to `2014-03-06T21:22:54.000Z`. */
export function isoFromMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** A time is usable as an event timestamp when it is finite and within years 1970-2261 (what a DateTime64 column holds). */
export function isPlausibleMillis(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms < 9_214_646_400_000;
}
