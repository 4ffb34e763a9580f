/**
 * The anomaly detection model behind ANOMALY_DETECTION_BAND (docs/anomaly-detection.md).
 *
 * AWS does not publish its algorithm; this one is documented and deterministic:
 * - training data: the metric's datapoints at the requested period over (up to) the last two
 *   weeks, minus the detector's ExcludedTimeRanges;
 * - baseline = level + trend + seasonality, fitted with medians so that anomalies in the
 *   history barely move it. Seasonality is chosen by which fits the history best:
 *   none (a level), hour-of-day (`daily`, needs 36 hours of history) or hour-of-day plus a
 *   day-of-week offset (`weekly`, needs 6 days covering all 7 weekdays); a richer shape must lower the residual spread
 *   by 5% to be kept. The trend is a Theil–Sen slope over daily medians (3 days or more);
 * - spread = a robust standard deviation of the residuals (1.4826 × MAD), per local hour of day
 *   shrunk toward the global value, so busier hours can have wider bands;
 * - band = baseline ± k × spread (k = ANOMALY_DETECTION_BAND's second argument);
 * - Configuration.OutlierFilteringStrength: training points further than 8 (MINIMAL), 5
 *   (MODERATE, default) or 3 (STRICT) spreads from a first fit are dropped and the model refitted;
 * - Configuration.AdaptationSpeed: the level is moved to the median residual of the last day
 *   (FAST), the last 3 days (NORMAL, default) or not at all (SLOW), so a sustained shift is
 *   followed sooner or later;
 * - MetricCharacteristics.PeriodicSpikes: slots (same time of day, or of week) whose residuals
 *   are high on most days lift the upper bound by that recurring amount, so spikes that repeat
 *   on schedule are not anomalies.
 * Fewer than MIN_TRAINING_POINTS datapoints: no model (TRAINED_INSUFFICIENT_DATA, empty band).
 */
import { dayOf, hourFracOf, hourOf, localClock, weekdayOf, type LocalClock } from './local-time.js';

const DAY = 86_400_000;
export const TRAINING_WINDOW_MS = 14 * DAY;
export const MIN_TRAINING_POINTS = 12;
/** MAD → standard deviation for normally distributed residuals. */
const MAD_TO_SD = 1.4826;
/** Pseudo-count of the shrinkage of per-hour spreads toward the global spread. */
const SHRINK = 200;
/** A richer seasonality must reduce the residual spread by this fraction to win. */
const MIN_GAIN = 0.05;

export type Seasonality = 'level' | 'daily' | 'weekly';

export interface TrainingOptions {
  periodSec: number;
  /** [start, end) ranges (ms) left out of training. */
  excluded?: ReadonlyArray<{ start: number; end: number }>;
  /** IANA time zone of the seasonal slots (default UTC). */
  timezone?: string;
  periodicSpikes?: boolean;
  /** Configuration.AdaptationSpeed (default NORMAL). */
  adaptationSpeed?: AdaptationSpeed;
  /** Configuration.OutlierFilteringStrength (default MODERATE). */
  outlierFiltering?: OutlierFiltering;
}

export type AdaptationSpeed = 'FAST' | 'NORMAL' | 'SLOW';
export type OutlierFiltering = 'MINIMAL' | 'MODERATE' | 'STRICT';
/** Training points further than this many spreads from the first fit are dropped before refitting. */
export const OUTLIER_CUT: Record<OutlierFiltering, number> = { MINIMAL: 8, MODERATE: 5, STRICT: 3 };
/** The level follows the median residual of this most recent stretch of history (SLOW: none). */
export const ADAPTATION_WINDOW_MS: Record<AdaptationSpeed, number> = { FAST: DAY, NORMAL: 3 * DAY, SLOW: 0 };

export interface Model {
  seasonality: Seasonality;
  /** Datapoints trained on. */
  points: number;
  level: number;
  /** Trend per ms, around tRef. */
  slope: number;
  tRef: number;
  hourOfDay: number[] | null;
  dayOfWeek: number[] | null;
  sdHour: number[];
  sd: number;
  periodSec: number;
  timezone?: string;
  /** PeriodicSpikes: upper-bound lift by period-of-day slot and by period-of-week slot. */
  spikeDay?: Map<number, number>;
  spikeWeek?: Map<number, number>;
}

function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function quantile(xs: number[], q: number): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * s.length)))];
}

/** Robust standard deviation: 1.4826 × MAD, or the mean absolute deviation when most residuals tie. */
function robustSd(res: number[]): number {
  if (!res.length) return 0;
  const m = median(res);
  const dev = res.map((r) => Math.abs(r - m));
  const mad = median(dev);
  if (mad > 0) return MAD_TO_SD * mad;
  return 1.2533 * (dev.reduce((a, b) => a + b, 0) / dev.length);
}

/** Theil–Sen slope of (x, y) pairs. */
function theilSen(xs: number[], ys: number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
  return slopes.length ? median(slopes) : 0;
}

interface Prepared { t: number[]; v: number[]; hour: number[]; hourFrac: number[]; wd: number[]; day: number[]; local: number[] }

function prepare(ts: ArrayLike<number>, vs: ArrayLike<number>, o: TrainingOptions, clock: LocalClock): Prepared {
  const p: Prepared = { t: [], v: [], hour: [], hourFrac: [], wd: [], day: [], local: [] };
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i], v = vs[i];
    if (!Number.isFinite(v)) continue;
    if (o.excluded?.some((r) => t >= r.start && t < r.end)) continue;
    const l = clock.local(t);
    p.t.push(t); p.v.push(v); p.local.push(l);
    p.hour.push(hourOf(l)); p.hourFrac.push(hourFracOf(l)); p.wd.push(weekdayOf(l)); p.day.push(dayOf(l));
  }
  return p;
}

interface Fit { seasonality: Seasonality; level: number; slope: number; tRef: number; hourOfDay: number[] | null; dayOfWeek: number[] | null; residuals: number[]; sd: number }

/**
 * The hour-of-day profile between hour centres is interpolated linearly (cyclically), so a
 * smooth daily cycle is not turned into steps whose edges would widen the residuals.
 */
function profileAt(hod: number[], hourFrac: number): number {
  const x = hourFrac - 0.5;
  const i = Math.floor(x);
  const w = x - i;
  return hod[(i + 24) % 24] * (1 - w) + hod[(i + 25) % 24] * w;
}

function seasonalAt(f: Pick<Fit, 'hourOfDay' | 'dayOfWeek'>, hourFrac: number, wd: number): number {
  return (f.hourOfDay ? profileAt(f.hourOfDay, hourFrac) : 0) + (f.dayOfWeek ? f.dayOfWeek[wd] : 0);
}

/** Medians of `ys` grouped by key (0..n-1); empty groups give 0. */
function groupMedians(keys: number[], ys: number[], n: number): number[] {
  const groups: number[][] = Array.from({ length: n }, () => []);
  keys.forEach((k, i) => groups[k].push(ys[i]));
  return groups.map((g) => (g.length ? median(g) : 0));
}

/** Theil–Sen slope over the medians of each local day holding at least half a day of data. */
function dailySlope(p: Prepared, ys: number[], periodSec: number): number {
  const byDay = new Map<number, { t: number[]; y: number[] }>();
  p.day.forEach((d, i) => {
    const g = byDay.get(d) ?? { t: [], y: [] };
    g.t.push(p.t[i]); g.y.push(ys[i]);
    byDay.set(d, g);
  });
  const perDay = DAY / 1000 / periodSec;
  const xs: number[] = [], meds: number[] = [];
  for (const g of byDay.values()) {
    if (g.y.length < Math.max(1, perDay / 2)) continue;
    xs.push(median(g.t)); meds.push(median(g.y));
  }
  return xs.length >= 3 ? theilSen(xs, meds) : 0;
}

function fit(p: Prepared, seasonality: Seasonality, useTrend: boolean, periodSec: number): Fit {
  const n = p.v.length;
  const tRef = median(p.t);
  const f: Fit = { seasonality, level: 0, slope: 0, tRef, hourOfDay: null, dayOfWeek: null, residuals: [], sd: 0 };
  // Trend first from raw daily medians (a full day averages the daily cycle out), then seasonality
  // on the detrended values, then the trend again on the deseasonalized values.
  const passes = useTrend ? 2 : 1;
  if (useTrend) f.slope = dailySlope(p, p.v, periodSec);
  for (let pass = 0; pass < passes; pass++) {
    const y = p.v.map((v, i) => v - f.slope * (p.t[i] - tRef));
    f.level = median(y);
    if (seasonality !== 'level') {
      f.hourOfDay = groupMedians(p.hour, y.map((x) => x - f.level), 24);
    }
    if (seasonality === 'weekly') {
      f.dayOfWeek = groupMedians(p.wd, y.map((x, i) => x - f.level - profileAt(f.hourOfDay!, p.hourFrac[i])), 7);
    }
    if (useTrend && pass + 1 < passes) {
      f.slope = dailySlope(p, p.v.map((v, i) => v - seasonalAt(f, p.hourFrac[i], p.wd[i])), periodSec);
    }
  }
  f.residuals = new Array<number>(n);
  for (let i = 0; i < n; i++) f.residuals[i] = p.v[i] - (f.level + f.slope * (p.t[i] - tRef) + seasonalAt(f, p.hourFrac[i], p.wd[i]));
  f.sd = robustSd(f.residuals);
  return f;
}

/** The best-fitting seasonality for the history (a richer one must lower the spread by MIN_GAIN). */
function select(p: Prepared, periodSec: number): Fit {
  const span = p.t[p.t.length - 1] - p.t[0];
  const useTrend = span >= 3 * DAY;
  let best = fit(p, 'level', useTrend, periodSec);
  if (span >= 1.5 * DAY && new Set(p.hour).size === 24) {
    const daily = fit(p, 'daily', useTrend, periodSec);
    if (daily.sd < best.sd * (1 - MIN_GAIN)) best = daily;
    if (span >= 6 * DAY && new Set(p.wd).size === 7) {
      const weekly = fit(p, 'weekly', useTrend, periodSec);
      if (weekly.sd < best.sd * (1 - MIN_GAIN)) best = weekly;
    }
  }
  return best;
}

function subset(p: Prepared, keep: boolean[]): Prepared {
  const pick = <T>(xs: T[]) => xs.filter((_, i) => keep[i]);
  return { t: pick(p.t), v: pick(p.v), hour: pick(p.hour), hourFrac: pick(p.hourFrac), wd: pick(p.wd), day: pick(p.day), local: pick(p.local) };
}

/** Trains a model; undefined when there are too few datapoints (TRAINED_INSUFFICIENT_DATA). */
export function trainModel(ts: ArrayLike<number>, vs: ArrayLike<number>, o: TrainingOptions): Model | undefined {
  const clock = localClock(o.timezone);
  const all = prepare(ts, vs, o, clock);
  if (all.v.length < MIN_TRAINING_POINTS) return undefined;
  let p = all;
  let best = select(p, o.periodSec);
  // Outlier filtering: refit without the points far outside the first fit.
  const cut = OUTLIER_CUT[o.outlierFiltering ?? 'MODERATE'] * best.sd;
  if (best.sd > 0) {
    const keep = best.residuals.map((r) => Math.abs(r) <= cut);
    if (keep.some((k) => !k) && keep.filter(Boolean).length >= MIN_TRAINING_POINTS) {
      p = subset(p, keep);
      best = select(p, o.periodSec);
    }
  }
  // Adaptation: the level moves to where the most recent stretch of history sits (all of its
  // points, filtered or not: a sustained shift is not an outlier).
  const recent = ADAPTATION_WINDOW_MS[o.adaptationSpeed ?? 'NORMAL'];
  if (recent > 0) {
    const from = all.t[all.t.length - 1] - recent;
    const last: number[] = [];
    for (let i = 0; i < all.t.length; i++) {
      if (all.t[i] > from) last.push(all.v[i] - (best.level + best.slope * (all.t[i] - best.tRef) + seasonalAt(best, all.hourFrac[i], all.wd[i])));
    }
    if (last.length >= MIN_TRAINING_POINTS) {
      const shift = median(last);
      best.level += shift;
      best.residuals = best.residuals.map((r) => r - shift);
    }
  }
  // A floor keeps a flat metric's band from collapsing to a line that any jitter crosses.
  const floor = 1e-9 * Math.max(1, Math.abs(best.level));
  const sd = Math.max(best.sd, floor);
  const byHour: number[][] = Array.from({ length: 24 }, () => []);
  p.hour.forEach((h, i) => byHour[h].push(best.residuals[i]));
  const sdHour = byHour.map((r) => {
    if (best.seasonality === 'level' || r.length < 2) return sd;
    const s = robustSd(r);
    return Math.max(floor, Math.sqrt((r.length * s * s + SHRINK * sd * sd) / (r.length + SHRINK)));
  });
  const model: Model = {
    seasonality: best.seasonality, points: p.v.length, level: best.level, slope: best.slope, tRef: best.tRef,
    hourOfDay: best.hourOfDay, dayOfWeek: best.dayOfWeek, sdHour, sd, periodSec: o.periodSec, timezone: o.timezone,
  };
  // Spikes are looked for in all of the history: outlier filtering removed them from the fit.
  if (o.periodicSpikes) addSpikes(model, all, all.v.map((v, i) => v - (best.level + best.slope * (all.t[i] - best.tRef) + seasonalAt(best, all.hourFrac[i], all.wd[i]))));
  return model;
}

/** Slot of a local time within a day or a week, at the model's period. */
function slotOf(local: number, periodSec: number, span: number): number {
  const step = Math.max(periodSec, 60) * 1000;
  return Math.floor((((local % span) + span) % span) / step);
}

function addSpikes(m: Model, p: Prepared, res: number[]): void {
  const days = new Map<number, number[]>(), weeks = new Map<number, number[]>();
  p.local.forEach((l, i) => {
    const d = slotOf(l, m.periodSec, DAY), w = slotOf(l + 3 * DAY, m.periodSec, 7 * DAY);
    (days.get(d) ?? days.set(d, []).get(d)!).push(res[i]);
    (weeks.get(w) ?? weeks.set(w, []).get(w)!).push(res[i]);
  });
  // A daily spike: the slot is high on at least 40% of the days it was seen.
  m.spikeDay = new Map();
  for (const [slot, r] of days) {
    if (r.length < 3) continue;
    const lift = quantile(r, 0.6);
    if (lift > 3 * m.sd) m.spikeDay.set(slot, lift);
  }
  // A weekly spike: the slot was high every week it was seen (at least twice).
  m.spikeWeek = new Map();
  for (const [slot, r] of weeks) {
    if (r.length < 2) continue;
    const lift = Math.min(...r);
    if (lift > 3 * m.sd) m.spikeWeek.set(slot, lift);
  }
}

export interface Band { upper: Float64Array; lower: Float64Array }

/** The band at each timestamp: baseline ± k × spread (plus any periodic-spike lift above). */
export function modelBand(m: Model, timestamps: readonly number[], k: number): Band {
  const clock = localClock(m.timezone);
  const upper = new Float64Array(timestamps.length);
  const lower = new Float64Array(timestamps.length);
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    const l = clock.local(t);
    const h = hourOf(l);
    const center = m.level + m.slope * (t - m.tRef) + seasonalAt(m, hourFracOf(l), weekdayOf(l));
    const w = k * m.sdHour[h];
    let lift = 0;
    if (m.spikeDay) lift = Math.max(lift, m.spikeDay.get(slotOf(l, m.periodSec, DAY)) ?? 0);
    if (m.spikeWeek) lift = Math.max(lift, m.spikeWeek.get(slotOf(l + 3 * DAY, m.periodSec, 7 * DAY)) ?? 0);
    upper[i] = center + lift + w;
    lower[i] = center - w;
  }
  return { upper, lower };
}
