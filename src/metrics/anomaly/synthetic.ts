/**
 * Deterministic synthetic metrics with known anomalies, shared by the model's tests and the
 * anomaly benchmark: a level, a linear trend, a daily cycle, a weekend dip, Gaussian noise and
 * injected spikes/dips of several noise widths at seeded positions.
 */
import { mulberry32 } from '../../demo/random.js';

export interface SyntheticSpec {
  seed: number;
  /** First timestamp (ms) and step (s). */
  start: number;
  periodSec: number;
  points: number;
  level?: number;
  /** Change per day. */
  trendPerDay?: number;
  dailyAmplitude?: number;
  /** Subtracted on Saturdays and Sundays (UTC). */
  weekendDip?: number;
  noiseSd?: number;
  /** Number of injected anomalies and their size range in noise widths. */
  anomalies?: number;
  minSigmas?: number;
  maxSigmas?: number;
  /** Anomalies only at indices >= this (e.g. only in the evaluation part). */
  anomaliesFrom?: number;
}

export interface SyntheticSeries { timestamps: number[]; values: Float64Array; anomalies: Set<number> }

export function syntheticSeries(s: SyntheticSpec): SyntheticSeries {
  const rnd = mulberry32(s.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const { level = 100, trendPerDay = 0, dailyAmplitude = 0, weekendDip = 0, noiseSd = 1 } = s;
  const timestamps: number[] = [];
  const values = new Float64Array(s.points);
  for (let i = 0; i < s.points; i++) {
    const t = s.start + i * s.periodSec * 1000;
    const d = new Date(t);
    const dayFrac = (d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds()) / 86_400;
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    timestamps.push(t);
    values[i] = level + trendPerDay * ((t - s.start) / 86_400_000) + dailyAmplitude * Math.sin(2 * Math.PI * (dayFrac - 0.25))
      - (weekend ? weekendDip : 0) + noiseSd * gauss();
  }
  const anomalies = new Set<number>();
  const from = s.anomaliesFrom ?? 0;
  const minS = s.minSigmas ?? 6, maxS = s.maxSigmas ?? 10;
  while (anomalies.size < (s.anomalies ?? 0) && anomalies.size < s.points - from) {
    const i = from + Math.floor(rnd() * (s.points - from));
    if (anomalies.has(i)) continue;
    anomalies.add(i);
    const size = (minS + rnd() * (maxS - minS)) * noiseSd;
    values[i] += rnd() < 0.5 ? size : -size;
  }
  return { timestamps, values, anomalies };
}

/** Precision and recall of "outside the band" against the injected anomalies. */
export function score(values: ArrayLike<number>, upper: ArrayLike<number>, lower: ArrayLike<number>, anomalies: Set<number>, from = 0): { precision: number; recall: number; flagged: number; normalInside: number } {
  let tp = 0, fp = 0, normal = 0, inside = 0;
  for (let i = from; i < values.length; i++) {
    const out = values[i] > upper[i] || values[i] < lower[i];
    if (anomalies.has(i)) { if (out) tp++; continue; }
    normal++;
    if (out) fp++; else inside++;
  }
  const injected = [...anomalies].filter((i) => i >= from).length;
  return { precision: tp + fp ? tp / (tp + fp) : 1, recall: injected ? tp / injected : 1, flagged: tp + fp, normalInside: normal ? inside / normal : 1 };
}
