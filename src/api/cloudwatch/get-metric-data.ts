/**
 * GetMetricData: MetricStat queries and metric math expressions (with SEARCH), dynamic labels,
 * ScanBy, MaxDatapoints paging (NextToken) and per-result StatusCode.
 *
 * Paging: a page holds whole timestamps in ScanBy order until adding the next timestamp would
 * exceed MaxDatapoints (a page always holds at least one). NextToken carries the last timestamp
 * served, a hash of the request (so it only continues the same request) and the id of the result
 * snapshot the first page computed: later pages are cut from that snapshot (kept a few minutes,
 * bounded in size; see `snapshots` below) and fall back to recomputing when it is gone. Results of
 * a page that is not the last have StatusCode PartialData.
 */
import { createHash, randomBytes } from 'node:crypto';
import { evaluateQueries, MetricDataError } from '../../metrics/metric-data.js';
import { DEFAULT_MAX_DATAPOINTS, MAX_QUERIES, readQuery } from './metric-data-query.js';
import type { Handler } from '../context.js';
import { callsOf } from '../../metrics/math/parser.js';
import { MAX_GRID_CELLS, type PropSeries } from '../../metrics/query.js';
import { parseTimezone, renderLabel } from '../../metrics/labels.js';
import { periodCount, roundStart } from '../../metrics/periods.js';
import { parseStat } from '../../metrics/statistics.js';
import { combination, invalid, invalidNextToken, invalidValue } from './errors.js';
import { integer, list, struct, text, timestamp, type Input } from './params.js';

function requestHash(input: Input): string {
  const { NextToken: _t, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(rest, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v))).digest('base64url').slice(0, 16);
}

/** One result series: ascending timestamps (ms) with finite values. */
interface Result { id: string; label: string; ts: number[]; vs: number[] }

/** Everything a request's pages are cut from: its results and their distinct timestamps (ascending) with point counts. */
interface Snapshot { hash: string; results: Result[]; times: number[]; counts: number[]; points: number; at: number; dates?: Date[] }

function datesOf(s: Snapshot): Date[] {
  return (s.dates ??= s.times.map((t) => new Date(t)));
}

/**
 * Snapshots of paged requests, by the id their NextToken carries. Bounded by age and by the
 * datapoints held (a 500-metric day at one minute is 720,000), oldest dropped first.
 */
const SNAPSHOT_TTL_MS = 5 * 60_000;
const SNAPSHOT_MAX_POINTS = 5_000_000;
const snapshots = new Map<string, Snapshot>();
let snapshotPoints = 0;

function keepSnapshot(s: Snapshot): string {
  const now = Date.now();
  for (const [k, v] of snapshots) {
    if (now - v.at <= SNAPSHOT_TTL_MS && snapshotPoints + s.points <= SNAPSHOT_MAX_POINTS) break;
    snapshots.delete(k);
    snapshotPoints -= v.points;
  }
  const id = randomBytes(9).toString('base64url');
  if (s.points <= SNAPSHOT_MAX_POINTS) { snapshots.set(id, s); snapshotPoints += s.points; }
  return id;
}

function findSnapshot(id: unknown, hash: string): Snapshot | undefined {
  const s = typeof id === 'string' ? snapshots.get(id) : undefined;
  return s && s.hash === hash && Date.now() - s.at <= SNAPSHOT_TTL_MS ? s : undefined;
}

export const GetMetricData: Handler = async (input, ctx) => {
  const rawQueries = list(input, 'MetricDataQueries', 'MetricDataQueries', { required: true, max: MAX_QUERIES })!;
  const start = timestamp(input, 'StartTime', 'StartTime', true)!;
  const end = timestamp(input, 'EndTime', 'EndTime', true)!;
  const scanBy = text(input, 'ScanBy', 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') throw invalidValue(scanBy, 'ScanBy');
  const maxDatapoints = integer(input, 'MaxDatapoints', 'MaxDatapoints', { min: 1 }) ?? DEFAULT_MAX_DATAPOINTS;
  const tz = input.LabelOptions ? text(struct(input.LabelOptions, 'LabelOptions'), 'Timezone', 'LabelOptions.Timezone') : undefined;
  const offset = tz === undefined ? 0 : parseTimezone(tz);
  if (offset === undefined) throw invalidValue(tz, 'LabelOptions.Timezone');
  const token = text(input, 'NextToken', 'NextToken');
  const seen = new Set<string>();
  const queries = rawQueries.map((q, i) => readQuery(q, i, seen));
  if (end <= start) throw invalid('The parameter EndTime must be greater than StartTime.');
  const hash = requestHash(input);
  let boundary: number | undefined;
  let cached: Snapshot | undefined;
  let cachedId: string | undefined;
  if (token !== undefined) {
    let t: { b?: unknown; h?: unknown; c?: unknown } | undefined;
    try { t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { b?: unknown; h?: unknown; c?: unknown }; } catch { t = undefined; }
    if (!t || typeof t.b !== 'number' || !Number.isSafeInteger(t.b) || t.h !== hash) throw invalidNextToken();
    boundary = t.b;
    cached = findSnapshot(t.c, hash);
    if (cached) cachedId = t.c as string;
  }
  if (cached) return page(cached, scanBy === 'TimestampAscending', maxDatapoints, boundary, undefined, cachedId);
  const now = Date.now();
  for (const q of queries) {
    if (q.kind !== 'expr') continue;
    for (const call of callsOf(q.ast, 'SEARCH')) {
      if (call.args[0]?.k !== 'str' || call.args[1]?.k !== 'str' || (call.args[2] && call.args[2].k !== 'num')) {
        throw invalid(`Error in expression ${q.id}: SEARCH takes a quoted search expression, a quoted statistic and a period`);
      }
      if (!parseStat(call.args[1].v)) throw invalid(`Error in expression ${q.id}: invalid statistic ${call.args[1].v}`);
    }
  }
  const cells = queries.reduce((n, q) => n + (q.kind === 'stat' ? periodCount(roundStart(start, q.period, now), end, q.period) : 0), 0);
  if (cells > MAX_GRID_CELLS) throw combination('The requested time range and periods produce too many datapoints.');

  let values;
  try {
    values = await evaluateQueries(ctx.metrics, queries, start, end, now, { anomalyDetectors: ctx.anomalyDetectors });
  } catch (e) {
    if (e instanceof MetricDataError) throw invalid(e.message);
    throw e;
  }

  const results: Result[] = [];
  for (const q of queries) {
    if (!q.returnData) continue;
    const v = values.get(q.id)!;
    if (v.t !== 'ts' && v.t !== 'arr') throw invalid(`Error in expression ${q.id}: the expression must produce a time series or an array of time series`);
    for (const s of (v.t === 'ts' ? [v.s] : v.s) as PropSeries[]) {
      let label: string;
      if (q.kind === 'stat') label = renderLabel(q.label ?? q.metricName, s, q.metricName, offset);
      else if (v.t === 'ts') label = renderLabel(q.label ?? q.id, s, q.id, offset);
      // An array's results are labelled "<expression label> <series label>" (a dynamic label alone replaces both).
      else label = renderLabel(q.label === undefined || q.label === '' ? s.label : q.label.includes('${') ? q.label : `${q.label} ${s.label}`, s, s.label, offset);
      const ts: number[] = [], vs: number[] = [];
      for (let i = 0; i < s.timestamps.length; i++) if (Number.isFinite(s.values[i])) { ts.push(s.timestamps[i]); vs.push(s.values[i]); }
      // Expression results are on ascending grids; sort defensively should one not be.
      if (!ascendingTimes(ts)) sortPairs(ts, vs);
      results.push({ id: q.id, label, ts, vs });
    }
  }
  return page(snapshotOf(results, hash), scanBy === 'TimestampAscending', maxDatapoints, boundary, hash);
};

function ascendingTimes(ts: number[]): boolean {
  for (let i = 1; i < ts.length; i++) if (ts[i] <= ts[i - 1]) return false;
  return true;
}

function sortPairs(ts: number[], vs: number[]): void {
  const order = ts.map((_, i) => i).sort((a, b) => ts[a] - ts[b]);
  const t2 = order.map((i) => ts[i]), v2 = order.map((i) => vs[i]);
  ts.splice(0, ts.length, ...t2);
  vs.splice(0, vs.length, ...v2);
}

function sameTimes(a: number[], b: number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

function snapshotOf(results: Result[], hash: string): Snapshot {
  // Series of one request mostly have the same timestamps: count each distinct run of them once.
  const runs: Array<{ ts: number[]; n: number }> = [];
  let points = 0;
  for (const r of results) {
    points += r.ts.length;
    const last = runs[runs.length - 1];
    if (last && sameTimes(last.ts, r.ts)) last.n++;
    else runs.push({ ts: r.ts, n: 1 });
  }
  const counts = new Map<number, number>();
  for (const { ts, n } of runs) for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + n);
  const times = [...counts.keys()].sort((a, b) => a - b);
  return { hash, results, times, counts: times.map((t) => counts.get(t)!), points, at: Date.now() };
}

/** First index with a[i] >= x (a ascending). */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (a[m] < x) lo = m + 1; else hi = m; }
  return lo;
}

/**
 * One page of a snapshot: whole timestamps after `boundary` in scan order. `hash` is set when the
 * snapshot was just computed (it is then kept for the following pages); a page cut from a kept
 * snapshot passes the snapshot on in its own NextToken.
 */
function page(snap: Snapshot, ascending: boolean, max: number, boundary: number | undefined, hash: string | undefined, snapId?: string): Record<string, unknown> {
  const { times, counts } = snap;
  // Candidate timestamps in scan order: indexes [first, …) ascending or (…, first] descending.
  let i0: number;
  if (ascending) i0 = boundary === undefined ? 0 : lowerBound(times, boundary + 1);
  else i0 = (boundary === undefined ? times.length : lowerBound(times, boundary)) - 1;
  const left = ascending ? times.length - i0 : i0 + 1;
  let used = 0, n = 0;
  for (; n < left; n++) {
    const c = counts[ascending ? i0 + n : i0 - n];
    if (n > 0 && used + c > max) break;
    used += c;
  }
  const more = n < left;
  // Served times form one contiguous range [lo, hi].
  const lo = n === 0 ? Infinity : ascending ? times[i0] : times[i0 - n + 1];
  const hi = n === 0 ? -Infinity : ascending ? times[i0 + n - 1] : times[i0];
  const out: Record<string, unknown> = {
    MetricDataResults: snap.results.map((r) => {
      const a = lowerBound(r.ts, lo), b = lowerBound(r.ts, hi + 1);
      // One Date per distinct timestamp, shared by every series (the protocols take Dates); a
      // series' timestamps are a subset of `times`, walked in step.
      const dates = datesOf(snap);
      const Timestamps = new Array<Date>(b - a), Values = r.vs.slice(a, b);
      for (let i = a, j = a < b ? lowerBound(times, r.ts[a]) : 0; i < b; i++) {
        while (times[j] < r.ts[i]) j++;
        Timestamps[i - a] = dates[j];
      }
      if (!ascending) { Timestamps.reverse(); Values.reverse(); }
      return { Id: r.id, Label: r.label, Timestamps, Values, StatusCode: more ? 'PartialData' : 'Complete' };
    }),
    Messages: [],
  };
  if (more) {
    const c = snapId ?? (hash !== undefined ? keepSnapshot(snap) : undefined);
    out.NextToken = Buffer.from(JSON.stringify({ b: ascending ? hi : lo, h: snap.hash, c })).toString('base64url');
  }
  return out;
}
