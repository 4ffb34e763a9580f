/**
 * Batched metric reads for one evaluation cycle. Every alarm still evaluates through
 * `evaluateQueries` (the GetMetricData path), but against a view of the metric store whose
 * `aggregate` answers single-series reads from rows fetched beforehand: alarms whose MetricStats
 * share a period, window end, unit filter and raw-value need are fetched with ONE engine query
 * grouped by series (the union of their percentile levels, from the earliest start). Anything
 * the plan did not cover falls through to the real store.
 */
import type { AggregateQuery, AggregateRow, ClassicQuery, MetricStore } from '../metrics/store.js';
import { classicValue, needsRawValues, parseStat } from '../metrics/statistics.js';
import type { Dimension } from '../metrics/model.js';

interface Group {
  periodSec: number;
  start: number;
  end: number;
  unit?: string;
  raw: boolean;
  ids: Set<number>;
  levels: Set<number>;
  rows?: Map<number, AggregateRow[]>;
}

export interface StatRead { namespace: string; metricName: string; dimensions: Dimension[]; period: number; stat: string; unit?: string }

const keyOf = (periodSec: number, end: number, unit: string | undefined, raw: boolean) => `${periodSec}\u0000${end}\u0000${unit ?? '\u0001'}\u0000${raw ? 1 : 0}`;

export class PrefetchedMetrics {
  private readonly groups = new Map<string, Group>();
  /** Engine queries the last fetch ran. */
  queries = 0;
  /** Reads the plan did not cover (answered by the real store, one query each). */
  misses = 0;

  constructor(private readonly store: MetricStore) {}

  /** Plans a MetricStat read over [start, end) (start already on the period grid). */
  want(r: StatRead, start: number, end: number): void {
    const series = this.store.findSeries(r.namespace, r.metricName, r.dimensions);
    const spec = parseStat(r.stat);
    if (!series || !spec) return;
    const raw = needsRawValues(spec);
    const key = keyOf(r.period, end, r.unit, raw);
    let g = this.groups.get(key);
    if (!g) { g = { periodSec: r.period, start, end, unit: r.unit, raw, ids: new Set(), levels: new Set() }; this.groups.set(key, g); }
    if (start < g.start) {
      // Keep the group on one grid: extend by whole periods.
      const P = r.period * 1000;
      g.start -= Math.ceil((g.start - start) / P) * P;
    }
    g.ids.add(series.id);
    if (spec.kind === 'p') g.levels.add(spec.p);
  }

  async fetch(): Promise<void> {
    this.queries = 0;
    for (const g of this.groups.values()) {
      const rows = await this.store.aggregate({
        seriesIds: [...g.ids], start: g.start, end: g.end, periodSec: g.periodSec, unit: g.unit,
        percentiles: [...g.levels], rawValues: g.raw, bySeries: true,
      });
      this.queries++;
      const by = new Map<number, AggregateRow[]>();
      for (const row of rows) {
        const list = by.get(row.seriesId!);
        if (list) list.push(row); else by.set(row.seriesId!, [row]);
      }
      g.rows = by;
    }
  }

  private answer(q: AggregateQuery): AggregateRow[] | undefined {
    if (q.seriesIds.length !== 1 || q.byUnit || q.bySeries) return undefined;
    const g = this.groups.get(keyOf(q.periodSec, q.end, q.unit, q.rawValues === true));
    const id = q.seriesIds[0];
    if (!g?.rows || !g.ids.has(id) || q.start < g.start || (q.start - g.start) % (q.periodSec * 1000) !== 0) return undefined;
    if ((q.percentiles ?? []).some((p) => !g.levels.has(p))) return undefined;
    return (g.rows.get(id) ?? []).filter((r) => r.timestamp >= q.start && r.timestamp < q.end);
  }

  /** `classicBySeries` (several metrics of one alarm read together) from the same rows. */
  private answerClassic(q: ClassicQuery): Map<number, Float64Array> | undefined {
    const g = this.groups.get(keyOf(q.periodSec, q.end, q.unit, false));
    const P = q.periodSec * 1000;
    if (!g?.rows || q.start < g.start || (q.start - g.start) % P !== 0 || !q.seriesIds.every((id) => g.ids.has(id))) return undefined;
    const n = Math.ceil((q.end - q.start) / P);
    const out = new Map<number, Float64Array>();
    for (const id of q.seriesIds) {
      let acc: Float64Array | undefined;
      for (const r of g.rows.get(id) ?? []) {
        if (r.timestamp < q.start || r.timestamp >= q.end) continue;
        const v = classicValue(q.stat, r);
        if (v === undefined) continue;
        acc ??= new Float64Array(n).fill(NaN);
        acc[Math.round((r.timestamp - q.start) / P)] = v;
      }
      if (acc) out.set(id, acc);
    }
    return out;
  }

  /** The store as `evaluateQueries` sees it: every method of the real store, with prefetched reads. */
  view(): MetricStore {
    const view = Object.create(this.store) as MetricStore;
    view.aggregate = (q: AggregateQuery) => {
      const hit = this.answer(q);
      if (hit) return Promise.resolve(hit);
      this.misses++;
      return this.store.aggregate(q);
    };
    view.classicBySeries = (q: ClassicQuery) => {
      const hit = this.answerClassic(q);
      if (hit) return Promise.resolve(hit);
      this.misses++;
      return this.store.classicBySeries(q);
    };
    return view;
  }
}
