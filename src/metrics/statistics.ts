/**
 * Statistic strings (fact sheet 4.5) and their computation over one period's data.
 *
 * Classic statistics come from count/sum/min/max. Every other statistic needs the raw values:
 * - `pNN`: nearest-rank percentile over the weighted values (the smallest value v such that at
 *   least NN% of the observations are <= v); p0 is the minimum, p100 the maximum.
 * - `TM/TC/TS/WM(a%:b%)`: the observations ranked in (a%, b%] of the total weight (fractional
 *   weights are split at the boundaries); `tmNN` = `TM(:NN%)`, `IQM` = `TM(25%:75%)`.
 * - `TM/TC/TS/WM(lo:hi)` and `PR(lo:hi)`: observations with lo < value <= hi (either side optional).
 * - WM clamps values outside the range to the smallest/largest value inside it and averages all observations.
 * As AWS documents, percentile-type statistics are unavailable for a period holding statistic sets
 * that are not single values, or negative values (percentiles only).
 */

export type Classic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';
export const CLASSIC_STATS: Classic[] = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

export type StatSpec =
  | { kind: 'classic'; name: Classic }
  | { kind: 'p'; p: number }
  | { kind: 'tm' | 'tc' | 'ts' | 'wm'; bounds: 'percent' | 'value'; lo?: number; hi?: number }
  | { kind: 'pr'; lo?: number; hi?: number };

const NUM = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
const SHORT = new RegExp(String.raw`^(p|tc|tm|ts|wm)(100(?:\.0+)?|\d{1,2}(?:\.\d{1,10})?)$`);
const RANGE = new RegExp(String.raw`^(TM|TC|TS|WM|PR)\((-?${NUM}%?)?:(-?${NUM}%?)?\)$`);

/** Parses a Stat string; undefined when it is not one CloudWatch knows. */
export function parseStat(stat: string): StatSpec | undefined {
  if ((CLASSIC_STATS as string[]).includes(stat)) return { kind: 'classic', name: stat as Classic };
  if (stat === 'IQM') return { kind: 'tm', bounds: 'percent', lo: 25, hi: 75 };
  let m = SHORT.exec(stat);
  if (m) {
    const n = Number(m[2]);
    if (n > 100) return undefined;
    if (m[1] === 'p') return { kind: 'p', p: n };
    return { kind: m[1] as 'tm' | 'tc' | 'ts' | 'wm', bounds: 'percent', hi: n };
  }
  m = RANGE.exec(stat);
  if (!m) return undefined;
  const [lo, hi] = [m[2], m[3]];
  if (lo === undefined && hi === undefined) return undefined;
  const pct = [lo, hi].filter((x) => x !== undefined).map((x) => x!.endsWith('%'));
  if (pct.length === 2 && pct[0] !== pct[1]) return undefined;
  const percent = pct[0];
  const num = (x: string | undefined) => (x === undefined ? undefined : Number(x.replace('%', '')));
  const [l, h] = [num(lo), num(hi)];
  if (m[1] === 'PR') return percent ? undefined : { kind: 'pr', lo: l, hi: h };
  if (percent && ((l !== undefined && (l < 0 || l > 100)) || (h !== undefined && (h < 0 || h > 100)))) return undefined;
  if (l !== undefined && h !== undefined && l > h) return undefined;
  return { kind: m[1].toLowerCase() as 'tm' | 'tc' | 'ts' | 'wm', bounds: percent ? 'percent' : 'value', lo: l, hi: h };
}

/** Whether a spec needs the period's raw (value, weight) pairs rather than engine aggregates. */
export function needsRawValues(s: StatSpec): boolean {
  return s.kind === 'tm' || s.kind === 'tc' || s.kind === 'ts' || s.kind === 'wm' || s.kind === 'pr';
}

/** One period's aggregate, as the store returns it. */
export interface PeriodAggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Observations that came as statistic sets (not usable for percentiles). */
  nonSample: number;
  /** Percentile level (0–100) → value, for the levels requested. */
  percentiles?: Map<number, number>;
  /** Sorted distinct values with their total weight (only when raw values were requested). */
  values?: Array<[number, number]>;
}

export function classicValue(name: Classic, a: PeriodAggregate): number | undefined {
  if (!(a.count > 0)) return undefined;
  switch (name) {
    case 'SampleCount': return a.count;
    case 'Sum': return a.sum;
    case 'Average': return a.sum / a.count;
    case 'Minimum': return a.min;
    case 'Maximum': return a.max;
  }
}

/** Nearest-rank weighted percentile over sorted (value, weight) pairs. */
export function weightedPercentile(values: ReadonlyArray<[number, number]>, p: number): number | undefined {
  let total = 0;
  for (const [, w] of values) total += w;
  if (!(total > 0)) return undefined;
  if (p <= 0) return values[0][0];
  const target = (p / 100) * total;
  let acc = 0;
  for (const [v, w] of values) {
    acc += w;
    if (acc >= target - 1e-9 * total) return v;
  }
  return values[values.length - 1][0];
}

/** The observations (with the part of their weight) ranked in (lo%, hi%] of the total weight. */
function rankRange(values: ReadonlyArray<[number, number]>, loPct: number, hiPct: number): { parts: Array<[number, number]>; total: number } {
  let total = 0;
  for (const [, w] of values) total += w;
  const a = (loPct / 100) * total;
  const b = (hiPct / 100) * total;
  const parts: Array<[number, number]> = [];
  let acc = 0;
  for (const [v, w] of values) {
    const s = acc, e = acc + w;
    acc = e;
    const portion = Math.min(e, b) - Math.max(s, a);
    if (portion > 1e-12 * total) parts.push([v, portion]);
  }
  return { parts, total };
}

/** Computes one statistic for one period; undefined when it cannot be computed from the data. */
export function computeStat(spec: StatSpec, a: PeriodAggregate): number | undefined {
  if (!(a.count > 0)) return undefined;
  if (spec.kind === 'classic') return classicValue(spec.name, a);
  if (a.nonSample > 0) return undefined;
  if (spec.kind === 'p') {
    if (a.min < 0) return undefined;
    const fromEngine = a.percentiles?.get(spec.p);
    if (fromEngine !== undefined) return fromEngine;
    return a.values ? weightedPercentile(a.values, spec.p) : undefined;
  }
  const values = a.values;
  if (!values || !values.length) return undefined;
  if (spec.kind === 'pr') {
    let total = 0, inside = 0;
    for (const [v, w] of values) {
      total += w;
      if ((spec.lo === undefined || v > spec.lo) && (spec.hi === undefined || v <= spec.hi)) inside += w;
    }
    return total > 0 ? (inside / total) * 100 : undefined;
  }
  let parts: Array<[number, number]>;
  let loV: number, hiV: number;
  if (spec.bounds === 'percent') {
    const lo = spec.lo ?? 0, hi = spec.hi ?? 100;
    parts = rankRange(values, lo, hi).parts;
    // Winsorizing clamps to the smallest and largest values kept in the range.
    loV = parts.length ? parts[0][0] : values[0][0];
    hiV = parts.length ? parts[parts.length - 1][0] : values[values.length - 1][0];
  } else {
    parts = values.filter(([v]) => (spec.lo === undefined || v > spec.lo) && (spec.hi === undefined || v <= spec.hi));
    loV = spec.lo ?? -Infinity;
    hiV = spec.hi ?? Infinity;
  }
  let w = 0, s = 0;
  for (const [v, x] of parts) { w += x; s += v * x; }
  switch (spec.kind) {
    case 'tc': return w;
    case 'ts': return s;
    case 'tm': return w > 0 ? s / w : undefined;
    case 'wm': {
      let tw = 0, ts = 0;
      for (const [v, x] of values) { tw += x; ts += Math.min(Math.max(v, loV), hiV) * x; }
      return tw > 0 ? ts / tw : undefined;
    }
  }
}
