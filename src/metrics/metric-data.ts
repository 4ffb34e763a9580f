/**
 * Evaluates a set of metric data queries (MetricStat and metric math, with SEARCH) over a time
 * range: what GetMetricData answers and what metric-math alarms evaluate.
 */
import { MathError } from './math/lexer.js';
import { callsOf, type Node } from './math/parser.js';
import { evaluate, type MathEnv, type Series, type Value } from './math/evaluator.js';
import { grid, metricStatSeriesMany, searchSeries, type PropSeries } from './query.js';
import { validPeriod } from './periods.js';
import type { Dimension } from './model.js';
import type { MetricStore } from './store.js';
import type { AnomalyDetectorService, BandFunction } from './anomaly/service.js';

export interface StatQuery { kind: 'stat'; id: string; label?: string; returnData: boolean; namespace: string; metricName: string; dimensions: Dimension[]; period: number; stat: string; unit?: string }
export interface ExprQuery { kind: 'expr'; id: string; label?: string; returnData: boolean; expression: string; ast: Node; period?: number }
export type Query = StatQuery | ExprQuery;

/** A query that cannot be evaluated; the message names the query id (callers turn it into AWS's error). */
export class MetricDataError extends Error {}

export interface EvaluateOptions {
  /** The models behind ANOMALY_DETECTION_BAND (absent: the function is refused). */
  anomalyDetectors?: AnomalyDetectorService;
}

/** Every query's value by id (MetricStat series, expression results). */
export async function evaluateQueries(metrics: MetricStore, queries: Query[], start: number, end: number, now: number, opts: EvaluateOptions = {}): Promise<Map<string, Value>> {
  const byId = new Map(queries.map((q) => [q.id, q]));
  // MetricStat series first (METRICS() and the default grid need them).
  // Fetched together: one engine query per (period, unit, statistic kind) rather than one per query.
  const statQueries = queries.filter((q): q is StatQuery => q.kind === 'stat');
  const fetched = await metricStatSeriesMany(metrics, statQueries, start, end, now);
  const stats = new Map<string, PropSeries>(statQueries.map((q, i) => [q.id, fetched[i]]));
  // SEARCH calls are fetched before evaluation (the evaluator is synchronous).
  const searches = new Map<string, PropSeries[]>();
  for (const q of queries) {
    if (q.kind !== 'expr') continue;
    for (const c of callsOf(q.ast, 'SEARCH')) {
      const [expr, stat] = [(c.args[0] as { v: string }).v, (c.args[1] as { v: string }).v];
      const period = c.args[2] ? (c.args[2] as { v: number }).v : q.period ?? 300;
      const key = `${expr}\u0000${stat}\u0000${period}`;
      if (searches.has(key)) continue;
      if (!validPeriod(period)) throw new MetricDataError(`Error in expression ${q.id}: invalid SEARCH period ${period}`);
      try {
        searches.set(key, await searchSeries(metrics, expr, stat, period, start, end, now));
      } catch (e) {
        if (e instanceof MathError) throw new MetricDataError(`Error in expression ${q.id}: ${e.message}`);
        throw e;
      }
    }
  }
  // Anomaly models are trained (or taken from the cache) before evaluation, like SEARCH results.
  const bands = opts.anomalyDetectors ? await opts.anomalyDetectors.bandsFor(queries, now) : undefined;
  return evaluateAll(queries, byId, stats, searches, start, end, now, bands);
}

function evaluateAll(queries: Query[], byId: Map<string, Query>, stats: Map<string, PropSeries>, searches: Map<string, PropSeries[]>, start: number, end: number, now: number, bands?: Map<string, BandFunction>): Map<string, Value> {
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
        band: bands && ((inputId, input, k) => {
          const f = bands.get(inputId);
          if (!f) throw new MathError(`ANOMALY_DETECTION_BAND has no model for ${inputId}`);
          return f(input, k);
        }),
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
      if (e instanceof MathError) throw new MetricDataError(`Error in expression ${q.id}: ${e.message}`);
      throw e;
    }
  }
  return values;
}

