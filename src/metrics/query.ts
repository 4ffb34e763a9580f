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
  const timestamps = grid(start, end, periodSec, now);
  const out: PropSeries[] = [];
  for (const s of matches) {
    const values = await seriesValues(store, [s.id], spec, timestamps, periodSec, end, undefined);
    out.push({ label: searchLabel(s), timestamps, values, period: periodSec, props: propsOf(s, stat, periodSec) });
  }
  return out;
}
