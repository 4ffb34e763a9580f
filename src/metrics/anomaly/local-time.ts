/**
 * Calendar positions of timestamps in a time zone (UTC or an IANA name such as `Europe/Paris`),
 * for the model's hour-of-day and day-of-week slots. An IANA zone follows daylight saving time,
 * which is what AnomalyDetectorConfiguration.MetricTimezone is for.
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Whether `tz` is a time zone name this runtime knows. */
export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface LocalClock {
  /** Local time as if it were UTC (ms): t + the zone's offset at t. */
  local(t: number): number;
}

/** UTC offsets change only at whole hours in practice, so one lookup per hour is enough. */
export function localClock(tz?: string): LocalClock {
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return { local: (t) => t };
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const cache = new Map<number, number>();
  const offsetAt = (hourStart: number): number => {
    let off = cache.get(hourStart);
    if (off === undefined) {
      const p: Record<string, number> = {};
      for (const x of fmt.formatToParts(new Date(hourStart))) if (x.type !== 'literal') p[x.type] = Number(x.value);
      off = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - hourStart;
      if (cache.size > 100_000) cache.clear();
      cache.set(hourStart, off);
    }
    return off;
  };
  return { local: (t) => t + offsetAt(Math.floor(t / HOUR) * HOUR) };
}

/** Hour of day 0–23 of a local time. */
export const hourOf = (local: number): number => Math.floor((((local % DAY) + DAY) % DAY) / HOUR);
/** Fractional hour of day [0, 24) of a local time. */
export const hourFracOf = (local: number): number => ((((local % DAY) + DAY) % DAY) / HOUR);
/** Day of week of a local time, 0 = Monday … 6 = Sunday. */
export const weekdayOf = (local: number): number => (((Math.floor(local / DAY) + 3) % 7) + 7) % 7;
/** Days since the epoch of a local time. */
export const dayOf = (local: number): number => Math.floor(local / DAY);
