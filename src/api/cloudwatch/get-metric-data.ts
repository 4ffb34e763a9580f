/**
 * GetMetricData: MetricStat queries and metric math expressions (with SEARCH), dynamic labels,
 * ScanBy, MaxDatapoints paging (NextToken) and per-result StatusCode.
 *
 * Paging: the results are computed in full on every call; a page holds whole timestamps in ScanBy
 * order until adding the next timestamp would exceed MaxDatapoints (a page always holds at least
 * one). NextToken carries the last timestamp served and a hash of the request, so it only
 * continues the same request. Results of a page that is not the last have StatusCode PartialData.
 */
import { createHash } from 'node:crypto';
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

interface Result { id: string; label: string; points: Array<[number, number]> }

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
  if (token !== undefined) {
    let t: { b?: unknown; h?: unknown } | undefined;
    try { t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { b?: unknown; h?: unknown }; } catch { t = undefined; }
    if (!t || typeof t.b !== 'number' || !Number.isSafeInteger(t.b) || t.h !== hash) throw invalidNextToken();
    boundary = t.b;
  }
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
      const points: Array<[number, number]> = [];
      for (let i = 0; i < s.timestamps.length; i++) if (Number.isFinite(s.values[i])) points.push([s.timestamps[i], s.values[i]]);
      results.push({ id: q.id, label, points });
    }
  }
  return page(results, scanBy === 'TimestampAscending', maxDatapoints, boundary, hash);
};

function page(results: Result[], ascending: boolean, max: number, boundary: number | undefined, hash: string): Record<string, unknown> {
  const counts = new Map<number, number>();
  for (const r of results) for (const [t] of r.points) counts.set(t, (counts.get(t) ?? 0) + 1);
  let times = [...counts.keys()].sort((a, b) => (ascending ? a - b : b - a));
  if (boundary !== undefined) times = times.filter((t) => (ascending ? t > boundary : t < boundary));
  let used = 0;
  let n = 0;
  for (; n < times.length; n++) {
    const c = counts.get(times[n])!;
    if (n > 0 && used + c > max) break;
    used += c;
  }
  const served = new Set(times.slice(0, n));
  const more = n < times.length;
  const out: Record<string, unknown> = {
    MetricDataResults: results.map((r) => {
      const pts = r.points.filter(([t]) => served.has(t)).sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]));
      return { Id: r.id, Label: r.label, Timestamps: pts.map(([t]) => new Date(t)), Values: pts.map(([, v]) => v), StatusCode: more ? 'PartialData' : 'Complete' };
    }),
    Messages: [],
  };
  if (more) out.NextToken = Buffer.from(JSON.stringify({ b: times[n - 1], h: hash })).toString('base64url');
  return out;
}
