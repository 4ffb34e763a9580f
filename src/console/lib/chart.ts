/** What the hand-drawn SVG charts share: sizes, ticks, labels, and the model of a `stats … by bin()` result. */
import { useLayoutEffect, useState } from 'preact/hooks';
import { isNumeric, parseResultTime, type Row } from './results';

/** The width of an element, kept up to date (measured before the first paint). */
export function useWidth(ref: { current: HTMLElement | null }, fallback = 320): number {
  const [w, setW] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setW(el.clientWidth || fallback);
    const ro = new ResizeObserver(() => setW(el.clientWidth || fallback));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return w;
}

/** 0…max in about `count` round steps (1, 2, 5 × 10^k); whole steps for counts. */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.ceil(step));
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < max) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });
export const formatTick = (v: number) => (Math.abs(v) >= 10_000 ? compact.format(v) : plain.format(v));
export const formatValue = (v: number) => plain.format(v);

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEPS = [SEC, 5 * SEC, 10 * SEC, 30 * SEC, MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 3 * DAY, 7 * DAY, 30 * DAY];

const hm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const hms = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const md = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Time ticks in local time for [t0, t1], at most `count`, with short labels (a date at midnight). */
export function timeTicks(t0: number, t1: number, count: number): { t: number; label: string }[] {
  const span = Math.max(1, t1 - t0);
  const step = STEPS.find((s) => span / s <= Math.max(1, count)) ?? STEPS[STEPS.length - 1];
  const off = -new Date(t0).getTimezoneOffset() * MIN;
  const out: { t: number; label: string }[] = [];
  for (let t = Math.ceil((t0 + off) / step) * step - off; t <= t1 && out.length < 200; t += step) {
    const d = new Date(t);
    const midnight = d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0;
    out.push({ t, label: step >= DAY || midnight ? md.format(d) : step < MIN ? hms.format(d) : hm.format(d) });
  }
  return out;
}

const full = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
export const formatWhen = (t: number) => full.format(new Date(t));

/** A period for about ≤ 100 histogram bars over a span, as a `bin()` argument and in ms. */
export function autoPeriod(spanMs: number): { text: string; ms: number } {
  const options: [string, number][] = [
    ['1s', SEC], ['5s', 5 * SEC], ['10s', 10 * SEC], ['30s', 30 * SEC], ['1m', MIN], ['5m', 5 * MIN], ['10m', 10 * MIN],
    ['15m', 15 * MIN], ['30m', 30 * MIN], ['1h', HOUR], ['3h', 3 * HOUR], ['6h', 6 * HOUR], ['12h', 12 * HOUR], ['1d', DAY],
  ];
  for (const [text, ms] of options) if (spanMs / ms <= 100) return { text, ms };
  // Longer than 100 days: whole days, still about 100 bars.
  const days = Math.ceil(spanMs / DAY / 100);
  return { text: `${days}d`, ms: days * DAY };
}

export const PALETTE = ['#1f4fbf', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#0b7285', '#e67700', '#5c7cfa', '#495057', '#a61e4d'];

export interface Series { name: string; values: (number | null)[] }
export interface ChartModel {
  timeColumn: string;
  times: number[];
  series: Series[];
  /** Group values left out (beyond the top N). */
  dropped: number;
}

const TOP_GROUPS = 8;
const MAX_SERIES = 10;

/**
 * The chart of a `stats … by bin(…)` result: time from the `by` key whose values are timestamps;
 * one series per numeric aggregate column, and per value of the other `by` keys (the top 8 by the
 * first aggregate's total). Null when the result is not a time series.
 */
export function chartModel(columns: string[], rows: Row[], keyCount: number): ChartModel | null {
  if (!rows.length || keyCount < 1) return null;
  const keys = columns.slice(0, keyCount);
  const aggs = columns.slice(keyCount);
  const timeColumn = keys.find((k) => rows.some((r) => r[k] !== undefined) && rows.every((r) => r[k] === undefined || Number.isFinite(parseResultTime(r[k]))));
  if (!timeColumn) return null;
  const numeric = aggs.filter((c) => rows.some((r) => r[c] !== undefined) && rows.every((r) => r[c] === undefined || isNumeric(r[c])));
  if (!numeric.length) return null;
  const groupKeys = keys.filter((k) => k !== timeColumn);
  const groupOf = (r: Row) => groupKeys.map((k) => r[k] ?? '(missing)').join(' · ');

  const totals = new Map<string, number>();
  for (const r of rows) {
    const g = groupOf(r);
    totals.set(g, (totals.get(g) ?? 0) + Math.abs(Number(r[numeric[0]] ?? 0)));
  }
  const groups = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([g]) => g);
  const keptGroups = groups.slice(0, Math.max(1, Math.floor(Math.min(TOP_GROUPS, MAX_SERIES / numeric.length))));

  const times = [...new Set(rows.map((r) => parseResultTime(r[timeColumn])).filter(Number.isFinite))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const series: Series[] = [];
  const byName = new Map<string, Series>();
  for (const c of numeric) {
    for (const g of keptGroups) {
      const name = groupKeys.length === 0 ? c : numeric.length === 1 ? g : `${c} · ${g}`;
      const s = { name, values: times.map(() => null as number | null) };
      series.push(s);
      byName.set(`${c}\n${g}`, s);
    }
  }
  for (const r of rows) {
    const t = parseResultTime(r[timeColumn]);
    const i = index.get(t);
    if (i === undefined) continue;
    const g = groupOf(r);
    for (const c of numeric) {
      const s = byName.get(`${c}\n${g}`);
      if (s && r[c] !== undefined) s.values[i] = (s.values[i] ?? 0) + Number(r[c]);
    }
  }
  return { timeColumn, times, series, dropped: groups.length - keptGroups.length };
}
