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
import type { Handler } from '../context.js';
import { MathError } from '../../metrics/math/lexer.js';
import { callsOf, parseExpression, type Node } from '../../metrics/math/parser.js';
import { evaluate, type MathEnv, type Series, type Value } from '../../metrics/math/evaluator.js';
import { MAX_GRID_CELLS, grid, metricStatSeries, searchSeries, type PropSeries } from '../../metrics/query.js';
import { parseTimezone, renderLabel } from '../../metrics/labels.js';
import { periodCount, roundStart, validPeriod } from '../../metrics/periods.js';
import { parseStat } from '../../metrics/statistics.js';
import type { Dimension } from '../../metrics/model.js';
import { combination, invalid, invalidNextToken, invalidValue, missing } from './errors.js';
import { dimensions, integer, list, namespace, struct, text, timestamp, unit, type Input } from './params.js';

export const MAX_QUERIES = 500;
export const DEFAULT_MAX_DATAPOINTS = 100_800;
const ID = /^[a-z][a-zA-Z0-9_]*$/;

interface StatQuery { kind: 'stat'; id: string; label?: string; returnData: boolean; namespace: string; metricName: string; dimensions: Dimension[]; period: number; stat: string; unit?: string }
interface ExprQuery { kind: 'expr'; id: string; label?: string; returnData: boolean; expression: string; ast: Node; period?: number }
type Query = StatQuery | ExprQuery;

function readQuery(raw: unknown, i: number, seen: Set<string>): Query {
  const p = `MetricDataQueries.member.${i + 1}`;
  const q = struct(raw, p);
  const id = text(q, 'Id', `${p}.Id`, { required: true, min: 1, max: 255 })!;
  if (!ID.test(id)) throw invalid(`The value ${id} for parameter ${p}.Id is invalid. It must start with a lowercase letter and contain only letters, numbers and underscores.`);
  if (seen.has(id)) throw invalid(`The value ${id} for parameter ${p}.Id is used more than once.`);
  seen.add(id);
  const label = text(q, 'Label', `${p}.Label`);
  const returnData = q.ReturnData === undefined || q.ReturnData === null ? true : q.ReturnData === true;
  const period = integer(q, 'Period', `${p}.Period`, { min: 1 });
  const hasStat = q.MetricStat !== undefined && q.MetricStat !== null;
  const hasExpr = q.Expression !== undefined && q.Expression !== null;
  if (hasStat && hasExpr) throw combination(`The parameters ${p}.MetricStat and ${p}.Expression are mutually exclusive and you have specified both.`);
  if (!hasStat && !hasExpr) throw missing(`${p}.MetricStat or ${p}.Expression`);
  if (hasExpr) {
    const expression = text(q, 'Expression', `${p}.Expression`, { min: 1, max: 2048 })!;
    let ast: Node;
    try { ast = parseExpression(expression); } catch (e) {
      if (e instanceof MathError) throw invalid(`Error in expression ${id}: ${e.message}`);
      throw e;
    }
    return { kind: 'expr', id, label, returnData, expression, ast, period };
  }
  const sp = `${p}.MetricStat`;
  const ms = struct(q.MetricStat, sp);
  if (ms.Metric === undefined || ms.Metric === null) throw missing(`${sp}.Metric`);
  const m = struct(ms.Metric, `${sp}.Metric`);
  const ns = namespace(m, `${sp}.Metric.Namespace`, { required: true })!;
  const metricName = text(m, 'MetricName', `${sp}.Metric.MetricName`, { required: true, min: 1, max: 255 })!;
  const dims = dimensions(m, `${sp}.Metric.Dimensions`);
  const statPeriod = integer(ms, 'Period', `${sp}.Period`, { required: true })!;
  if (!validPeriod(statPeriod)) throw invalid(`The parameter ${sp}.Period must be 1, 5, 10, 20, 30, or a multiple of 60.`);
  const stat = text(ms, 'Stat', `${sp}.Stat`, { required: true, min: 1 })!;
  if (!parseStat(stat)) throw invalidValue(stat, `${sp}.Stat`);
  return { kind: 'stat', id, label, returnData, namespace: ns, metricName, dimensions: dims, period: statPeriod, stat, unit: unit(ms, `${sp}.Unit`) };
}

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
  const byId = new Map(queries.map((q) => [q.id, q]));
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

  // MetricStat series first (METRICS() and the default grid need them).
  const stats = new Map<string, PropSeries>();
  for (const q of queries) {
    if (q.kind === 'stat') stats.set(q.id, await metricStatSeries(ctx.metrics, q, start, end, now, q.label, q.id));
  }
  // SEARCH calls are fetched before evaluation (the evaluator is synchronous).
  const searches = new Map<string, PropSeries[]>();
  for (const q of queries) {
    if (q.kind !== 'expr') continue;
    for (const c of callsOf(q.ast, 'SEARCH')) {
      const [expr, stat] = [(c.args[0] as { v: string }).v, (c.args[1] as { v: string }).v];
      const period = c.args[2] ? (c.args[2] as { v: number }).v : q.period ?? 300;
      const key = `${expr}\u0000${stat}\u0000${period}`;
      if (searches.has(key)) continue;
      if (!validPeriod(period)) throw invalid(`Error in expression ${q.id}: invalid SEARCH period ${period}`);
      try {
        searches.set(key, await searchSeries(ctx.metrics, expr, stat, period, start, end, now));
      } catch (e) {
        if (e instanceof MathError) throw invalid(`Error in expression ${q.id}: ${e.message}`);
        throw e;
      }
    }
  }
  const values = evaluateAll(queries, byId, stats, searches, start, end, now);

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

function evaluateAll(queries: Query[], byId: Map<string, Query>, stats: Map<string, PropSeries>, searches: Map<string, PropSeries[]>, start: number, end: number, now: number): Map<string, Value> {
  const values = new Map<string, Value>();
  const active = new Set<string>();
  const metricSeries = queries.filter((q) => q.kind === 'stat').map((q) => stats.get(q.id)!);
  const defaultGrid = (period?: number) => {
    if (metricSeries.length) {
      const g = metricSeries[0];
      return { timestamps: [...g.timestamps], period: g.period };
    }
    const p = period ?? 60;
    return { timestamps: grid(start, end, p, now), period: p };
  };
  function valueOf(id: string, from: string, pos: number): Value {
    const done = values.get(id);
    if (done) return done;
    const q = byId.get(id);
    if (!q) throw new MathError(`Unknown id ${id}${pos >= 0 ? ` at position ${pos + 1}` : ''}`, pos);
    if (q.kind === 'stat') { const v: Value = { t: 'ts', s: stats.get(id)! }; values.set(id, v); return v; }
    if (active.has(id)) throw new MathError(`Circular reference between expressions ${from} and ${id}`);
    active.add(id);
    try {
      const env: MathEnv = {
        ref: (rid, rpos) => valueOf(rid, id, rpos),
        metrics: () => metricSeries as Series[],
        search: (expr, stat, period) => searches.get(`${expr}\u0000${stat}\u0000${period}`) ?? [],
        grid: () => defaultGrid(q.period),
      };
      const v = evaluate(q.ast, env);
      values.set(id, v);
      return v;
    } finally {
      active.delete(id);
    }
  }
  for (const q of queries) {
    try { valueOf(q.id, q.id, -1); } catch (e) {
      if (e instanceof MathError) throw invalid(`Error in expression ${q.id}: ${e.message}`);
      throw e;
    }
  }
  return values;
}

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
