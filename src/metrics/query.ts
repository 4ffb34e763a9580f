/**
 * Time series for metric math: a MetricStat (one metric, one statistic, one period) or a SEARCH
 * (every matching metric) as grids of period-spaced timestamps over [start, end). Shared by
 * GetMetricData and (later) alarms.
 */
import type { Dimension } from './model.js';
import { roundStart, periodCount } from './periods.js';
import { computeStat, needsRawValues, parseStat, type StatSpec } from './statistics.js';
import type { MetricStore, SeriesInfo } from './store.js';
import type { Series } from './math/evaluator.js';
import { matchesSearch, parseSearch } from './math/search.js';
import { MathError } from './math/lexer.js';

/** Largest grid (periods × series) one request may build. */
export const MAX_GRID_CELLS = 20_000_000;

export interface MetricStatSpec {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  period: number;
  stat: string;
  unit?: string;
}

/** The labels' `${PROP(...)}` sources for a series. */
export type SeriesProps = Record<string, string>;

export interface PropSeries extends Series { props?: SeriesProps }

export function grid(start: number, end: number, periodSec: number, now: number): number[] {
  const from = roundStart(start, periodSec, now);
  const n = periodCount(from, end, periodSec);
  if (n > MAX_GRID_CELLS) throw new MathError('The requested time range and period produce too many datapoints');
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = from + i * periodSec * 1000;
  return out;
}

function propsOf(s: { namespace: string; metricName: string; dimensions: readonly Dimension[] }, stat: string, period: number): SeriesProps {
  const p: SeriesProps = { Namespace: s.namespace, MetricName: s.metricName, Stat: stat, Period: String(period) };
  for (const d of s.dimensions) p[`Dim.${d.Name}`] = d.Value;
  return p;
}

async function seriesValues(store: MetricStore, ids: number[], spec: StatSpec, timestamps: number[], periodSec: number, end: number, unit: string | undefined): Promise<Float64Array> {
  const values = new Float64Array(timestamps.length).fill(NaN);
  if (!ids.length || !timestamps.length) return values;
  const rows = await store.aggregate({
    seriesIds: ids, start: timestamps[0], end, periodSec, unit,
    percentiles: spec.kind === 'p' ? [spec.p] : [],
    rawValues: needsRawValues(spec),
  });
  const P = periodSec * 1000;
  for (const r of rows) {
    const i = Math.round((r.timestamp - timestamps[0]) / P);
    if (i < 0 || i >= values.length) continue;
    const v = computeStat(spec, r);
    if (v !== undefined && Number.isFinite(v)) values[i] = v;
  }
  return values;
}

/** One MetricStat as a series (no datapoints when the metric has never received data). */
export async function metricStatSeries(store: MetricStore, m: MetricStatSpec, start: number, end: number, now: number, label?: string, id?: string): Promise<PropSeries> {
  const spec = parseStat(m.stat);
  if (!spec) throw new Error(`invalid statistic ${m.stat}`);
  const timestamps = grid(start, end, m.period, now);
  const found = store.findSeries(m.namespace, m.metricName, m.dimensions);
  const values = await seriesValues(store, found ? [found.id] : [], spec, timestamps, m.period, end, m.unit);
  return { label: label ?? m.metricName, timestamps, values, period: m.period, id, props: propsOf(m, m.stat, m.period) };
}

/** One series' statistic to fetch: its id (undefined: no data ever), period, statistic and unit filter. */
interface Want { seriesId: number | undefined; period: number; stat: string; spec: StatSpec; unit?: string }

/**
 * The values of many (series, statistic) pairs on their period grids over [start, end), with one
 * engine query per group that shares a period, unit filter and kind of statistic, instead of one
 * per series: GetMetricData's 500 MetricStats and a SEARCH's 500 matches are one or a few scans.
 * Values are exactly what `seriesValues` gives series by series.
 */
async function valuesOfMany(store: MetricStore, wants: Want[], start: number, end: number, now: number): Promise<Array<{ timestamps: number[]; values: Float64Array }>> {
  const grids = new Map<number, number[]>();
  const out = wants.map((w) => {
    let timestamps = grids.get(w.period);
    if (!timestamps) { timestamps = grid(start, end, w.period, now); grids.set(w.period, timestamps); }
    return { timestamps, values: new Float64Array(timestamps.length).fill(NaN) as Float64Array };
  });
  // Group: classic statistics by name (the engine computes the value), the others by raw-value need.
  const groups = new Map<string, number[]>();
  wants.forEach((w, i) => {
    if (w.seriesId === undefined || !out[i].timestamps.length) return;
    const kind = w.spec.kind === 'classic' ? w.spec.name : needsRawValues(w.spec) ? 'raw' : 'agg';
    const key = `${w.period}\u0000${w.unit ?? '\u0001'}\u0000${kind}`;
    const g = groups.get(key);
    if (g) g.push(i); else groups.set(key, [i]);
  });
  for (const idxs of groups.values()) {
    const first = wants[idxs[0]];
    const timestamps = out[idxs[0]].timestamps;
    const ids = [...new Set(idxs.map((i) => wants[i].seriesId!))];
    if (ids.length === 1) {
      // One metric: the single-series read (which a prefetching view of the store, as alarms use, can answer).
      for (const i of idxs) out[i].values = await seriesValues(store, ids, wants[i].spec, timestamps, first.period, end, first.unit);
      continue;
    }
    const base = { seriesIds: ids, start: timestamps[0], end, periodSec: first.period, unit: first.unit };
    if (first.spec.kind === 'classic') {
      const by = await store.classicBySeries({ ...base, stat: first.spec.name });
      const used = new Set<Float64Array>();
      for (const i of idxs) {
        const got = by.get(wants[i].seriesId!);
        if (!got || got.length !== out[i].values.length) continue;
        // Non-finite results (a sum overflowing to Infinity) are no datapoint, as in `seriesValues`.
        for (let k = 0; k < got.length; k++) if (!Number.isFinite(got[k])) got[k] = NaN;
        // The same metric asked twice gets its own copy (series values are never shared).
        out[i].values = used.has(got) ? got.slice() : got;
        used.add(got);
      }
      continue;
    }
    const levels = [...new Set(idxs.flatMap((i) => { const s = wants[i].spec; return s.kind === 'p' ? [s.p] : []; }))];
    const rows = await store.aggregate({ ...base, percentiles: levels, rawValues: first.spec.kind !== 'p', bySeries: true });
    const bySeries = new Map<number, typeof rows>();
    for (const r of rows) {
      const l = bySeries.get(r.seriesId!);
      if (l) l.push(r); else bySeries.set(r.seriesId!, [r]);
    }
    const P = first.period * 1000;
    for (const i of idxs) {
      const values = out[i].values;
      for (const r of bySeries.get(wants[i].seriesId!) ?? []) {
        const k = Math.round((r.timestamp - timestamps[0]) / P);
        if (k < 0 || k >= values.length) continue;
        const v = computeStat(wants[i].spec, r);
        if (v !== undefined && Number.isFinite(v)) values[k] = v;
      }
    }
  }
  return out;
}

/** Many MetricStats as series (what `metricStatSeries` gives each), fetched together. */
export async function metricStatSeriesMany(store: MetricStore, ms: ReadonlyArray<MetricStatSpec & { label?: string; id?: string }>, start: number, end: number, now: number): Promise<PropSeries[]> {
  const wants = ms.map((m): Want => {
    const spec = parseStat(m.stat);
    if (!spec) throw new Error(`invalid statistic ${m.stat}`);
    return { seriesId: store.findSeries(m.namespace, m.metricName, m.dimensions)?.id, period: m.period, stat: m.stat, spec, unit: m.unit };
  });
  const got = await valuesOfMany(store, wants, start, end, now);
  return ms.map((m, i) => ({ label: m.label ?? m.metricName, timestamps: got[i].timestamps, values: got[i].values, period: m.period, id: m.id, props: propsOf(m, m.stat, m.period) }));
}

/** Default label of a SEARCH result: the metric name followed by its dimension values. */
function searchLabel(s: SeriesInfo): string {
  return [s.metricName, ...s.dimensions.map((d) => d.Value)].join(' ');
}

/** Every metric matching a search expression, as series (at most `limit`, in catalog order). */
export async function searchSeries(store: MetricStore, query: string, stat: string, periodSec: number, start: number, end: number, now: number, limit = 500): Promise<PropSeries[]> {
  const spec = parseStat(stat);
  if (!spec) throw new Error(`invalid statistic ${stat}`);
  const q = parseSearch(query);
  const matches = store.listSeries({ activeSince: now - 14 * 86_400_000 }).filter((s) => matchesSearch(q, s)).slice(0, limit);
  grid(start, end, periodSec, now);
  const got = await valuesOfMany(store, matches.map((s) => ({ seriesId: s.id, period: periodSec, stat, spec })), start, end, now);
  return matches.map((s, i) => ({ label: searchLabel(s), timestamps: got[i].timestamps, values: got[i].values, period: periodSec, props: propsOf(s, stat, periodSec) }));
}
