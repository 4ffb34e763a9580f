/** Period rules shared by GetMetricStatistics, GetMetricData and alarms. */

const DAY = 86_400_000;

/** AWS accepts 1, 5, 10, 20, 30 (high-resolution metrics) and any multiple of 60 seconds. */
export function validPeriod(p: number): boolean {
  return Number.isInteger(p) && p >= 1 && ([1, 5, 10, 20, 30].includes(p) || p % 60 === 0);
}

/**
 * Rounds a query's start time down as CloudWatch documents: to the period for sub-minute
 * periods; otherwise to the minute (start less than 15 days ago), 5 minutes (15–63 days) or the
 * hour (older). Periods then start at the rounded time.
 */
export function roundStart(start: number, periodSec: number, now: number): number {
  const step = periodSec < 60 ? periodSec * 1000 : now - start < 15 * DAY ? 60_000 : now - start < 63 * DAY ? 300_000 : 3_600_000;
  return Math.floor(start / step) * step;
}

/** Number of periods in [start, end). */
export function periodCount(start: number, end: number, periodSec: number): number {
  return end <= start ? 0 : Math.ceil((end - start) / (periodSec * 1000));
}
