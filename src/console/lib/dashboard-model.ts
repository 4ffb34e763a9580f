/**
 * Reading a CloudWatch dashboard body for display ("Dashboard Body Structure and Syntax"): the
 * widgets and their grid places, the dashboard time range, and each metric widget's rows turned
 * into GetMetricData queries (`.` and `...` repeat the row above, a last object renders it).
 */
import type { Dimension, MetricDataQuery } from './api';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Widget {
  index: number;
  type: string;
  x?: number;
  y?: number;
  width: number;
  height: number;
  properties: Obj;
}

export interface DashboardModel {
  widgets: Widget[];
  start?: string;
  end?: string;
  periodOverride: 'auto' | 'inherit';
}

export function parseDashboard(body: string): DashboardModel {
  const b = JSON.parse(body) as Obj;
  const widgets = (Array.isArray(b.widgets) ? b.widgets : []).filter(isObj).map((w, index): Widget => ({
    index,
    type: typeof w.type === 'string' ? w.type : 'unknown',
    x: typeof w.x === 'number' ? w.x : undefined,
    y: typeof w.y === 'number' ? w.y : undefined,
    // AWS's defaults: 6 × 6 grid units.
    width: typeof w.width === 'number' ? Math.min(24, Math.max(1, w.width)) : 6,
    height: typeof w.height === 'number' ? Math.max(1, w.height) : 6,
    properties: isObj(w.properties) ? w.properties : {},
  }));
  return {
    widgets,
    start: typeof b.start === 'string' ? b.start : undefined,
    end: typeof b.end === 'string' ? b.end : undefined,
    periodOverride: b.periodOverride === 'inherit' ? 'inherit' : 'auto',
  };
}

// ---- Time ----

const DURATION = /^-?P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** `-PT3H` → 3 h in ms (months as 30 days, years as 365); NaN when not a duration. */
export function durationMs(iso: string): number {
  const m = DURATION.exec(iso.trim());
  if (!m) return NaN;
  const n = (i: number) => Number(m[i] ?? 0);
  const days = n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4);
  return ((days * 24 + n(5)) * 60 + n(6)) * 60_000 + n(7) * 1000;
}

/** A dashboard's time range: relative to now, or absolute. */
export type DashRange = { kind: 'relative'; ms: number } | { kind: 'absolute'; from: number; to: number };

export const DEFAULT_DASH_RANGE: DashRange = { kind: 'relative', ms: 3 * 3600_000 };

export const DASH_PRESETS: { label: string; iso: string; ms: number }[] = [
  { label: '1h', iso: '-PT1H', ms: 3600_000 },
  { label: '3h', iso: '-PT3H', ms: 3 * 3600_000 },
  { label: '12h', iso: '-PT12H', ms: 12 * 3600_000 },
  { label: '1d', iso: '-P1D', ms: 86_400_000 },
  { label: '3d', iso: '-P3D', ms: 3 * 86_400_000 },
  { label: '1w', iso: '-P7D', ms: 7 * 86_400_000 },
];

/** A `start`/`end` pair (body or widget) as a range; undefined when `start` is absent or unreadable. */
export function rangeOf(start: string | undefined, end: string | undefined, now = Date.now()): DashRange | undefined {
  if (!start) return undefined;
  const rel = durationMs(start);
  if (start.trim().startsWith('-') && Number.isFinite(rel) && rel > 0) return { kind: 'relative', ms: rel };
  const from = Date.parse(start);
  if (!Number.isFinite(from)) return undefined;
  const to = end ? Date.parse(end) : now;
  return Number.isFinite(to) && to > from ? { kind: 'absolute', from, to } : undefined;
}

export function resolveDashRange(r: DashRange, now = Date.now()): { from: number; to: number } {
  return r.kind === 'absolute' ? { from: r.from, to: r.to } : { from: now - r.ms, to: now };
}

/** `range=-PT3H` or `from`/`to` (ISO) in the address. */
export function dashRangeFromQuery(q: URLSearchParams): DashRange | undefined {
  const from = Date.parse(q.get('from') ?? '');
  const to = Date.parse(q.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to) && from < to) return { kind: 'absolute', from, to };
  const ms = durationMs(q.get('range') ?? '');
  return Number.isFinite(ms) && ms > 0 ? { kind: 'relative', ms } : undefined;
}

export function dashRangeToQuery(r: DashRange): Record<string, string> {
  if (r.kind === 'absolute') return { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() };
  const preset = DASH_PRESETS.find((p) => p.ms === r.ms);
  return { range: preset ? preset.iso : `-PT${Math.round(r.ms / 60_000)}M` };
}

const PERIODS = [60, 300, 900, 3600, 6 * 3600, 86_400];

/**
 * The period of a graph: with `periodOverride: auto` (the default) it grows with the time range
 * (at most ~360 points per series); with `inherit` the widget's own period is kept, raised only
 * when it would ask for more than GetMetricData's 1,440 points per series a chart can show.
 */
export function effectivePeriod(spanMs: number, own: number | undefined, override: 'auto' | 'inherit'): number {
  const spanSec = Math.max(1, spanMs / 1000);
  const fits = (p: number, max: number) => spanSec / p <= max;
  if (override === 'inherit' && own) {
    if (fits(own, 1440)) return own;
    return PERIODS.find((p) => p >= own && fits(p, 1440)) ?? 86_400;
  }
  const auto = PERIODS.find((p) => fits(p, 360)) ?? 86_400;
  return Math.max(auto, own && own >= 60 ? Math.min(own, auto * 4) : auto);
}

// ---- Metric rows ----

export interface RenderOptions {
  id?: string;
  label?: string;
  color?: string;
  stat?: string;
  period?: number;
  visible?: boolean;
  yAxis?: 'left' | 'right';
  expression?: string;
}

export interface MetricRow {
  /** Absent for an expression row. */
  metric?: { Namespace: string; MetricName: string; Dimensions: Dimension[] };
  options: RenderOptions;
}

/** Expands `.` (same as the row above at this position) and `...` (the rest of the row above). */
export function expandMetricRows(rows: unknown[]): MetricRow[] {
  const out: MetricRow[] = [];
  let prev: string[] = [];
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    const last = row[row.length - 1];
    const options = (isObj(last) ? last : {}) as RenderOptions;
    const raw = (isObj(last) ? row.slice(0, -1) : row).filter((v): v is string => typeof v === 'string');
    if (!raw.length) { out.push({ options }); continue; }
    let strings: string[] = [];
    const ell = raw.indexOf('...');
    if (ell >= 0) {
      const before = raw.slice(0, ell);
      const after = raw.slice(ell + 1);
      strings = [...before, ...prev.slice(before.length, Math.max(before.length, prev.length - after.length)), ...after];
    } else {
      strings = raw;
    }
    strings = strings.map((s, i) => (s === '.' ? prev[i] ?? '' : s));
    prev = strings;
    const [Namespace, MetricName, ...rest] = strings;
    const Dimensions: Dimension[] = [];
    for (let i = 0; i + 1 < rest.length; i += 2) Dimensions.push({ Name: rest[i], Value: rest[i + 1] });
    out.push({ metric: { Namespace, MetricName: MetricName ?? '', Dimensions }, options });
  }
  return out;
}

export function defaultLabel(m: { MetricName: string; Dimensions?: Dimension[] }): string {
  return m.Dimensions?.length ? `${m.MetricName} ${m.Dimensions.map((d) => d.Value).join(' ')}` : m.MetricName;
}

export interface SeriesPlan { id: string; label: string; color?: string; yAxis: 'left' | 'right'; visible: boolean }

/** The GetMetricData queries of a metric widget, and how to draw what each returns. */
export function metricQueries(props: Obj, period: (own: number | undefined) => number): { queries: MetricDataQuery[]; series: SeriesPlan[] } {
  const rows = expandMetricRows(Array.isArray(props.metrics) ? props.metrics : []);
  const widgetStat = typeof props.stat === 'string' ? props.stat : 'Average';
  const widgetPeriod = typeof props.period === 'number' ? props.period : 300;
  const queries: MetricDataQuery[] = [];
  const series: SeriesPlan[] = [];
  rows.forEach((r, i) => {
    const o = r.options;
    const id = typeof o.id === 'string' ? o.id : r.metric ? `m${i + 1}` : `e${i + 1}`;
    const visible = o.visible !== false;
    const p = period(typeof o.period === 'number' ? o.period : widgetPeriod);
    if (r.metric) {
      const label = o.label ?? defaultLabel(r.metric);
      queries.push({ Id: id, MetricStat: { Metric: r.metric, Period: p, Stat: o.stat ?? widgetStat }, Label: label, ReturnData: visible });
      if (visible) series.push({ id, label, color: o.color, yAxis: o.yAxis === 'right' ? 'right' : 'left', visible });
    } else if (typeof o.expression === 'string') {
      const label = o.label ?? o.expression;
      queries.push({ Id: id, Expression: o.expression, Label: label, ReturnData: visible, Period: p });
      if (visible) series.push({ id, label, color: o.color, yAxis: o.yAxis === 'right' ? 'right' : 'left', visible });
    }
  });
  return { queries, series };
}

/** A log widget's `SOURCE 'group' | SOURCE 'other' | …` prefix split into groups and the query. */
export function splitLogQuery(query: string): { groups: string[]; query: string } {
  const groups: string[] = [];
  let rest = query;
  const re = /^\s*SOURCE\s+(['"])((?:\\.|(?!\1).)*)\1\s*(\||$)/i;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    groups.push(m[2].replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length);
  }
  return { groups, query: rest.trim() };
}

/** An alarm ARN (`arn:aws:cloudwatch:<region>:<account>:alarm:<name>`) → its name. */
export function alarmNameOf(arn: string): string {
  const i = arn.indexOf(':alarm:');
  return i >= 0 ? arn.slice(i + ':alarm:'.length) : arn;
}
