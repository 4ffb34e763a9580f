/**
 * The metric store: CloudWatch metrics on the engine.
 *
 * Tables (created by `init()`):
 * - `metric_series`: the catalog (namespace, name, dimensions, last datapoint time), one row per
 *   metric (ReplacingMergeTree on the last time). Loaded into memory at start for ListMetrics.
 * - `metric_points`: every datum as received, exact (weighted samples or statistic sets), at its
 *   storage resolution (1 s or 60 s). Kept 15 days (+1 h margin). Source of everything else.
 * - `metric_rollups`: 300 s (kept 63 days) and 3600 s (kept 455 days) aggregates: count, sum,
 *   min, max and a mergeable t-digest for percentiles. ReplacingMergeTree keyed by
 *   (tier, series, bucket, unit) with a version, so a bucket is *recomputed* from the points
 *   whenever new data touches it (late data included: PutMetricData accepts timestamps up to two
 *   weeks old, and points outlive that window), and re-running a rollup is idempotent.
 *
 * Durability: PutMetricData is acknowledged after a synchronous engine insert into tables with
 * `fsync_after_insert = 1` (concurrent puts share one insert: group commit). See docs/metrics.md.
 *
 * Background maintenance (`maintain()`, every minute by default):
 * 1. rollups for every (series, bucket) touched by batches since the last run (batch watermark);
 * 2. the high-resolution fold: 1-second rows older than 3 h become per-minute rows (exact: values
 *    are kept with summed weights) — inserted with a new fold id, committed in the state file,
 *    then the originals are deleted; queries see exactly one of the two at any time;
 * 3. retention: points older than 15 days (once rolled up), 5-minute rollups older than 63 days,
 *    hourly rollups older than 455 days.
 * Queries answer each period from the finest tier that still holds it (see `aggregate`).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { replaceFileDurably } from '../store/durable-file.js';
import { join } from 'node:path';
import type { Engine } from '../store/engine.js';
import { rows } from '../store/engine.js';
import { canonicalDimensions, floorToResolution, seriesHash, seriesKey, type Datum, type Dimension } from './model.js';
export { DERIVED_METRICS_LINGER_MS } from './model.js';
import type { Classic, PeriodAggregate } from './statistics.js';
import { POINT_ROW_COLUMNS, pointRows } from './point-rows.js';

export const SERIES_TABLE = 'metric_series';
export const POINTS_TABLE = 'metric_points';
export const ROLLUPS_TABLE = 'metric_rollups';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** AWS's documented retention per resolution. */
export const RETENTION = {
  /** Periods under 60 s are answered for the last 3 hours. */
  highResMs: 3 * HOUR,
  /** 60-second data: 15 days. */
  minuteMs: 15 * DAY,
  /** 300-second data: 63 days. */
  fiveMinuteMs: 63 * DAY,
  /** 3600-second data: 455 days. */
  hourMs: 455 * DAY,
} as const;

const TIERS = [300, 3600] as const;
const POINTS_MARGIN_MS = HOUR;
const FOLD_MARGIN_MS = 5 * MINUTE;

const TABLE_SETTINGS = 'SETTINGS fsync_after_insert = 1, fsync_part_directory = 1';

const DDL = [
  `CREATE TABLE IF NOT EXISTS ${SERIES_TABLE} (
    series_id UInt64,
    namespace String,
    metric_name String,
    dims String,
    last_ts Int64
  ) ENGINE = ReplacingMergeTree(last_ts) ORDER BY series_id ${TABLE_SETTINGS}`,
  `CREATE TABLE IF NOT EXISTS ${POINTS_TABLE} (
    series_id UInt64,
    ts Int64,
    res UInt8,
    unit LowCardinality(String),
    count Float64,
    sum Float64,
    min Float64,
    max Float64,
    value Float64,
    pct UInt8,
    batch UInt64,
    fold UInt64,
    INDEX batch_range batch TYPE minmax GRANULARITY 1
  ) ENGINE = MergeTree
  PARTITION BY toDate(fromUnixTimestamp64Milli(ts))
  ORDER BY (series_id, ts) ${TABLE_SETTINGS}`,
  `CREATE TABLE IF NOT EXISTS ${ROLLUPS_TABLE} (
    tier UInt32,
    series_id UInt64,
    ts Int64,
    unit LowCardinality(String),
    count Float64,
    sum Float64,
    min Float64,
    max Float64,
    np Float64,
    digest AggregateFunction(quantileTDigestWeighted, Float64, UInt64),
    version UInt64
  ) ENGINE = ReplacingMergeTree(version)
  PARTITION BY (tier, toYYYYMM(fromUnixTimestamp64Milli(ts)))
  ORDER BY (tier, series_id, ts, unit) ${TABLE_SETTINGS}`,
];

/** Integer weight for the engine's weighted quantile functions (counts may be fractional). */
const WEIGHT = 'toUInt64(least(round(count * 1000), 1e18))';

export interface SeriesInfo {
  id: number;
  key: string;
  namespace: string;
  metricName: string;
  /** Canonical (name-sorted) dimensions. */
  dimensions: Dimension[];
  /** Latest datapoint timestamp (ms) known. */
  lastTs: number;
  persistedLastTs: number;
  persisted: boolean;
}

export interface MetricFilter {
  namespace?: string;
  metricName?: string;
  dimensions?: Array<{ Name: string; Value?: string }>;
  /** Only metrics with datapoints at or after this time (ms). */
  activeSince?: number;
}

export interface AggregateQuery {
  seriesIds: number[];
  /** Start of the first period (ms, already rounded by the caller). */
  start: number;
  /** Exclusive end (ms). */
  end: number;
  periodSec: number;
  unit?: string;
  /** One row per (period, unit) instead of merging units. */
  byUnit?: boolean;
  /** One row per (series, period) instead of merging the series (alarms fetch many metrics in one query). */
  bySeries?: boolean;
  /** Percentile levels (0–100) to compute. */
  percentiles?: number[];
  /** Also fetch the raw (value, weight) pairs of each period (points tier only). */
  rawValues?: boolean;
}

/** One classic statistic of each of many series per period (`classicBySeries`). */
export interface ClassicQuery {
  seriesIds: number[];
  /** Start of the first period (ms, already rounded by the caller). */
  start: number;
  /** Exclusive end (ms). */
  end: number;
  periodSec: number;
  unit?: string;
  stat: Classic;
}

/** The row column each classic statistic folds per period, and how (Average divides the summed sums by the summed counts). */
const add = (a: number, b: number) => a + b;
const CLASSIC_FOLD: Record<Classic, [string, (acc: number, x: number) => number]> = {
  SampleCount: ['count', add],
  Sum: ['sum', add],
  Average: ['sum', add],
  Minimum: ['min', Math.min],
  Maximum: ['max', Math.max],
};

export interface AggregateRow extends PeriodAggregate {
  /** Period start (ms). */
  timestamp: number;
  unit?: string;
  /** With `bySeries`. */
  seriesId?: number;
}

interface FoldState { id: number; cut: number; hi: number; done: boolean }
interface StoreState { rollupWatermark: number; fold: FoldState }

interface PendingInsert { body: Buffer; done: (e?: Error) => void; /** Not inserted before this time (ms) unless the queue is flushed by another put. */ due: number }

/** One table's pending payloads; `wake` ends a linger early. */
interface InsertQueue { items: PendingInsert[]; running: boolean; wake?: () => void }

export interface PutOptions {
  /**
   * May wait up to this long (ms) to share its engine insert with other puts. Every insert costs
   * the engine a new part (5-15 ms of CPU however few rows it holds), so metrics derived on the
   * ingest path (metric filters, EMF: one small put per log batch) linger to be batched; API puts
   * do not wait (and flush whatever is lingering).
   */
  lingerMs?: number;
}

export interface MetricStoreOptions {
  log?: { warn(o: object, m: string): void; info?(o: object, m: string): void };
  /** Clock, for tests. */
  now?: () => number;
}

export class MetricStore {
  private readonly byKey = new Map<string, SeriesInfo>();
  private readonly byId = new Map<number, SeriesInfo>();
  private sorted: SeriesInfo[] | null = null;
  private state: StoreState = { rollupWatermark: 0, fold: { id: 0, cut: 0, hi: 0, done: true } };
  private lastBatch = 0;
  private readonly inflight = new Set<number>();
  private readonly queues = new Map<string, InsertQueue>();
  /** In-flight readers by the fold generation they observed (the fold waits for older ones). */
  private readonly readers = new Map<number, number>();
  private maintaining: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly dir: string, readonly engine: Engine, private readonly opts: MetricStoreOptions = {}) {
    mkdirSync(dir, { recursive: true });
    this.now = opts.now ?? Date.now;
  }

  /** Creates the tables, finishes an interrupted fold, and loads the catalog. */
  async init(): Promise<void> {
    for (const ddl of DDL) await this.engine.command({ query: ddl });
    this.state = this.readState();
    await this.recoverFold();
    const [{ b }] = await rows<{ b: number | string }>(this.engine, `SELECT max(batch) AS b FROM ${POINTS_TABLE}`);
    this.lastBatch = Math.max(Number(b) || 0, this.state.rollupWatermark);
    const catalog = await rows<{ id: number | string; ns: string; mn: string; d: string; lt: number | string }>(this.engine,
      `SELECT series_id AS id, argMax(namespace, last_ts) AS ns, argMax(metric_name, last_ts) AS mn, argMax(dims, last_ts) AS d, max(last_ts) AS lt FROM ${SERIES_TABLE} GROUP BY series_id`);
    for (const r of catalog) {
      const dims = (JSON.parse(r.d) as Array<[string, string]>).map(([Name, Value]) => ({ Name, Value }));
      const key = seriesKey(r.ns, r.mn, dims);
      const s: SeriesInfo = { id: Number(r.id), key, namespace: r.ns, metricName: r.mn, dimensions: canonicalDimensions(dims), lastTs: Number(r.lt), persistedLastTs: Number(r.lt), persisted: true };
      this.byKey.set(key, s);
      this.byId.set(s.id, s);
    }
  }

  /** Runs `maintain()` every `intervalMs` until `close()`. */
  startBackground(intervalMs = 60_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.maintain().catch((e: unknown) => this.opts.log?.warn({ err: String(e) }, 'metric maintenance failed'));
    }, intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.maintaining) await this.maintaining.catch(() => {});
    while ([...this.queues.values()].some((q) => q.running || q.items.length) || this.inflight.size) await new Promise((r) => setTimeout(r, 5));
  }

  // ---------------------------------------------------------------- state file

  private readState(): StoreState {
    const p = join(this.dir, 'state.json');
    const base: StoreState = { rollupWatermark: 0, fold: { id: 0, cut: 0, hi: 0, done: true } };
    if (!existsSync(p)) return base;
    try { return { ...base, ...(JSON.parse(readFileSync(p, 'utf8')) as Partial<StoreState>) }; } catch { return base; }
  }

  private writeState(): void {
    replaceFileDurably(join(this.dir, 'state.json'), JSON.stringify(this.state));
  }

  // ---------------------------------------------------------------- catalog

  private seriesFor(d: Datum): SeriesInfo {
    const key = seriesKey(d.namespace, d.metricName, d.dimensions);
    let s = this.byKey.get(key);
    if (s) return s;
    let salt = 0;
    let id = seriesHash(key);
    while (this.byId.has(id)) id = seriesHash(key, ++salt);
    s = { id, key, namespace: d.namespace, metricName: d.metricName, dimensions: canonicalDimensions(d.dimensions), lastTs: -Infinity, persistedLastTs: -Infinity, persisted: false };
    this.byKey.set(key, s);
    this.byId.set(id, s);
    return s;
  }

  /** The metric with exactly these dimensions, if it has ever received data. */
  findSeries(namespace: string, metricName: string, dims: readonly Dimension[]): SeriesInfo | undefined {
    const s = this.byKey.get(seriesKey(namespace, metricName, dims));
    return s && s.lastTs > -Infinity ? s : undefined;
  }

  /** Metrics matching a ListMetrics-style filter, in a stable order (namespace, name, dimensions). */
  listSeries(f: MetricFilter = {}): SeriesInfo[] {
    if (!this.sorted) {
      this.sorted = [...this.byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    return this.sorted.filter((s) => {
      if (s.lastTs === -Infinity) return false;
      if (f.namespace !== undefined && s.namespace !== f.namespace) return false;
      if (f.metricName !== undefined && s.metricName !== f.metricName) return false;
      if (f.activeSince !== undefined && s.lastTs < f.activeSince) return false;
      if (f.dimensions) {
        for (const df of f.dimensions) {
          if (!s.dimensions.some((d) => d.Name === df.Name && (df.Value === undefined || d.Value === df.Value))) return false;
        }
      }
      return true;
    });
  }

  seriesById(id: number): SeriesInfo | undefined { return this.byId.get(id); }

  // ---------------------------------------------------------------- writes

  private beginBatch(): number {
    const b = Math.max(this.lastBatch + 1, this.now() * 1000);
    this.lastBatch = b;
    this.inflight.add(b);
    return b;
  }

  /** Every batch at or below this id is either committed or failed (none still being written). */
  private safeBatch(): number {
    let min = Infinity;
    for (const b of this.inflight) if (b < min) min = b;
    return min === Infinity ? this.lastBatch : min - 1;
  }

  /** Inserts JSONEachRow lines; concurrent calls for the same table share one engine insert. */
  private insert(table: string, lines: string[]): Promise<void> {
    return lines.length ? this.insertBody(table, Buffer.from(lines.join('\n') + '\n')) : Promise.resolve();
  }

  /**
   * Inserts one payload of rows (RowBinary for the points table when the engine takes it, else
   * JSONEachRow); concurrent calls for the same table share one engine insert (group commit).
   */
  private insertBody(table: string, body: Buffer, lingerMs = 0): Promise<void> {
    let q = this.queues.get(table);
    if (!q) { q = { items: [], running: false }; this.queues.set(table, q); }
    const queue = q;
    return new Promise<void>((resolve, reject) => {
      queue.items.push({ body, done: (e) => (e ? reject(e) : resolve()), due: Date.now() + lingerMs });
      if (!queue.running) void this.drain(table, queue);
      else if (lingerMs === 0) queue.wake?.();
    });
  }

  private async drain(table: string, q: InsertQueue): Promise<void> {
    q.running = true;
    try {
      while (q.items.length) {
        // Lingering puts (derived metrics) wait until the earliest is due, or until a put that must not wait arrives.
        let due = Infinity;
        for (const it of q.items) if (it.due < due) due = it.due;
        const wait = due - Date.now();
        if (wait > 0) {
          await new Promise<void>((r) => { const t = setTimeout(r, wait); q.wake = () => { clearTimeout(t); r(); }; });
          q.wake = undefined;
          continue;
        }
        const batch = q.items.splice(0, q.items.length);
        try {
          const values = batch.map((b) => b.body);
          if (table === POINTS_TABLE && this.binaryPoints) await this.engine.insert({ table, values, format: 'RowBinary', columns: POINT_ROW_COLUMNS });
          else await this.engine.insert({ table, values: values.length === 1 ? values[0] : Buffer.concat(values), format: 'JSONEachRow' });
          for (const b of batch) b.done();
        } catch (e) {
          for (const b of batch) b.done(e as Error);
        }
      }
    } finally {
      q.running = false;
    }
  }

  /** Point rows go to the engine as RowBinary when it takes it (live inserts), JSONEachRow otherwise. */
  private get binaryPoints(): boolean { return this.engine.rowBinaryInserts === true; }

  /**
   * Stores validated datums. Resolves once they are durable in the engine; a datum of a metric
   * seen for the first time also adds the metric to the catalog (durably, before its points).
   */
  async put(datums: readonly Datum[], opts: PutOptions = {}): Promise<void> {
    if (!datums.length) return;
    if (this.closed) throw new Error('metric store is closed');
    const batch = this.beginBatch();
    try {
      const points = pointRows(this.binaryPoints, datums.length, batch);
      const touched = new Map<SeriesInfo, number>();
      for (const d of datums) {
        const s = this.seriesFor(d);
        const ts = floorToResolution(d.timestamp, d.resolution);
        if (d.samples) {
          const samples = d.samples;
          if (samples.length === 1) {
            const { value: v, count: c } = samples[0];
            if (c > 0) points.add(s.id, ts, d.resolution, d.unit, c, v * c, v, v, v, 1);
          } else {
            // Identical values within one datum share a row (weights add up).
            const merged = new Map<number, number>();
            for (const x of samples) merged.set(x.value, (merged.get(x.value) ?? 0) + x.count);
            for (const [v, c] of merged) {
              if (!(c > 0)) continue;
              points.add(s.id, ts, d.resolution, d.unit, c, v * c, v, v, v, 1);
            }
          }
        } else if (d.stats) {
          const { sampleCount: n, sum, min, max } = d.stats;
          // AWS: a statistic set yields percentiles only when it is in effect n copies of one value.
          const single = min === max && Math.abs(sum - min * n) <= 1e-9 * Math.max(1, Math.abs(sum));
          points.add(s.id, ts, d.resolution, d.unit, n, sum, min, max, single ? min : 0, single ? 1 : 0);
        }
        const prev = touched.get(s);
        if (prev === undefined || ts > prev) touched.set(s, ts);
      }
      const seriesRows: string[] = [];
      const persist: Array<[SeriesInfo, number]> = [];
      for (const [s, maxTs] of touched) {
        const last = Math.max(s.lastTs, maxTs);
        // The catalog row is refreshed when the metric is new or its last datapoint moved on by an hour.
        if (!s.persisted || last > s.persistedLastTs + HOUR) {
          const dims = JSON.stringify(s.dimensions.map((d) => [d.Name, d.Value]));
          seriesRows.push(`{"series_id":${s.id},"namespace":${JSON.stringify(s.namespace)},"metric_name":${JSON.stringify(s.metricName)},"dims":${JSON.stringify(dims)},"last_ts":${last}}`);
          persist.push([s, last]);
        }
      }
      if (seriesRows.length) {
        await this.insert(SERIES_TABLE, seriesRows);
        for (const [s, last] of persist) { s.persisted = true; s.persistedLastTs = Math.max(s.persistedLastTs, last); }
      }
      if (points.count) await this.insertBody(POINTS_TABLE, points.finish(), opts.lingerMs);
      let added = false;
      for (const [s, maxTs] of touched) {
        if (s.lastTs === -Infinity) added = true;
        if (maxTs > s.lastTs) s.lastTs = maxTs;
      }
      if (added) this.sorted = null;
    } finally {
      this.inflight.delete(batch);
    }
  }

  // ---------------------------------------------------------------- reads

  /** The predicate that hides rows of an uncommitted fold and originals of a committed one. */
  private visibility(): { sql: string; params: Record<string, unknown> } {
    const f = this.state.fold;
    return {
      sql: `fold <= {vf:UInt64} AND NOT (res = 1 AND fold = 0 AND ts < {vcut:Int64} AND batch <= {vhi:UInt64})`,
      params: { vf: f.id, vcut: f.cut, vhi: f.hi },
    };
  }

  private async read<T>(fn: (vis: { sql: string; params: Record<string, unknown> }) => Promise<T>): Promise<T> {
    const gen = this.state.fold.id;
    this.readers.set(gen, (this.readers.get(gen) ?? 0) + 1);
    try {
      return await fn(this.visibility());
    } finally {
      const n = (this.readers.get(gen) ?? 1) - 1;
      if (n <= 0) this.readers.delete(gen); else this.readers.set(gen, n);
    }
  }

  /**
   * Aggregates the given series per period over [start, end). Each period is answered from the
   * finest tier that still holds it, as AWS documents: raw points for periods starting in the last
   * 15 days (periods under 60 s only for the last 3 hours), 5-minute rollups back to 63 days (the
   * period must be a multiple of 300 and aligned), hourly rollups back to 455 days (multiple of
   * 3600, aligned). Periods no tier can answer have no datapoint.
   */
  async aggregate(q: AggregateQuery): Promise<AggregateRow[]> {
    if (!q.seriesIds.length || q.end <= q.start) return [];
    const out: AggregateRow[] = [];
    for (const [tier, from, to] of this.tierPlan(q)) {
      out.push(...await (tier === 0 ? this.aggregatePoints(q, from, to) : this.aggregateRollup(q, tier, from, to)));
    }
    out.sort((a, b) => a.timestamp - b.timestamp || String(a.unit ?? '').localeCompare(String(b.unit ?? '')));
    return out;
  }

  /**
   * Which tier answers which periods of [start, end): `[tier, first period index, end index)`, tier 0
   * being the raw points (see `aggregate` for the rules).
   */
  private tierPlan(q: { start: number; end: number; periodSec: number }): Array<[number, number, number]> {
    const now = this.now();
    const P = q.periodSec * 1000;
    const n = Math.ceil((q.end - q.start) / P);
    const idx = (t: number) => Math.min(n, Math.max(0, Math.ceil((t - q.start) / P)));
    const plan: Array<[number, number, number]> = [];
    let pFrom = idx(now - RETENTION.minuteMs);
    if (P < MINUTE) pFrom = Math.max(pFrom, idx(now - RETENTION.highResMs));
    if (pFrom < n) plan.push([0, pFrom, n]);
    const ranges: Array<[number, number, number]> = [
      [300, idx(now - RETENTION.fiveMinuteMs), idx(now - RETENTION.minuteMs)],
      [3600, idx(now - RETENTION.hourMs), idx(now - RETENTION.fiveMinuteMs)],
    ];
    for (const [tier, from, to] of ranges) {
      const tms = tier * 1000;
      if (from >= to || P % tms !== 0 || q.start % tms !== 0) continue;
      plan.push([tier, from, to]);
    }
    return plan;
  }

  /**
   * One classic statistic (SampleCount, Sum, Average, Minimum, Maximum) of each of many series per
   * period: what `aggregate` + `classicValue` give series by series, for hundreds of series in one
   * engine query per tier. The engine only filters and groups rows by series (a cheap aggregation:
   * one group per series, where grouping by series and period costs it 2-3× more); the per-period
   * fold happens here over the rows' (period, sum, count | min | max) arrays. The result holds, per
   * series, one value per period of [start, end) (NaN: no observations). Every stored row has a
   * count > 0 (PutMetricData, EMF and metric filters never store an empty observation), so a period
   * with a row has observations, as `classicValue` requires.
   */
  async classicBySeries(q: ClassicQuery): Promise<Map<number, Float64Array>> {
    const out = new Map<number, Float64Array>();
    if (!q.seriesIds.length || q.end <= q.start) return out;
    const P = q.periodSec * 1000;
    const n = Math.ceil((q.end - q.start) / P);
    const [col, fold] = CLASSIC_FOLD[q.stat];
    const weights = q.stat === 'Average' ? new Map<number, Float64Array>() : undefined;
    for (const [tier, from, to] of this.tierPlan(q)) {
      const run = async (vis?: { sql: string; params: Record<string, unknown> }) => {
        const params: Record<string, unknown> = { ...vis?.params, ids: q.seriesIds, st: q.start, pm: P, a: q.start + from * P, z: Math.min(q.end, q.start + to * P), t: tier };
        const where = ['series_id IN {ids:Array(UInt64)}', 'ts >= {a:Int64}', 'ts < {z:Int64}'];
        if (vis) where.push(`(${vis.sql})`); else where.unshift('tier = {t:UInt32}');
        if (q.unit !== undefined) { where.push('unit = {u:String}'); params.u = q.unit; }
        // Period indexes as Int32 and Float64 values come back as plain JSON numbers (64-bit integers would be quoted).
        return rows<{ id: string | number; b: number[]; x: number[]; c?: number[] }>(this.engine,
          `SELECT series_id AS id, groupArray(toInt32(intDiv(ts - {st:Int64}, {pm:Int64}))) AS b, groupArray(${col}) AS x${weights ? ', groupArray(count) AS c' : ''}
           FROM ${vis ? POINTS_TABLE : `${ROLLUPS_TABLE} FINAL`} WHERE ${where.join(' AND ')} GROUP BY series_id`, params);
      };
      const r = tier === 0 ? await this.read((vis) => run(vis)) : await run();
      for (const row of r) {
        const id = Number(row.id);
        let acc = out.get(id);
        if (!acc) { acc = new Float64Array(n).fill(NaN); out.set(id, acc); }
        const { b, x } = row;
        for (let i = 0; i < b.length; i++) {
          const k = b[i];
          if (k >= 0 && k < n) acc[k] = Number.isNaN(acc[k]) ? x[i] : fold(acc[k], x[i]);
        }
        if (weights && row.c) {
          let w = weights.get(id);
          if (!w) { w = new Float64Array(n); weights.set(id, w); }
          for (let i = 0; i < b.length; i++) if (b[i] >= 0 && b[i] < n) w[b[i]] += row.c[i];
        }
      }
    }
    // Average = Σ sum / Σ count per period.
    if (weights) for (const [id, acc] of out) { const w = weights.get(id)!; for (let k = 0; k < n; k++) if (!Number.isNaN(acc[k])) acc[k] /= w[k]; }
    return out;
  }

  private levels(q: AggregateQuery): string {
    return (q.percentiles ?? []).map((p) => String(p / 100)).join(', ');
  }

  private async aggregatePoints(q: AggregateQuery, from: number, to: number): Promise<AggregateRow[]> {
    const P = q.periodSec * 1000;
    return this.read(async (vis) => {
      const params: Record<string, unknown> = { ...vis.params, ids: q.seriesIds, st: q.start, pm: P, a: q.start + from * P, z: Math.min(q.end, q.start + to * P) };
      const where = [`series_id IN {ids:Array(UInt64)}`, 'ts >= {a:Int64}', 'ts < {z:Int64}', `(${vis.sql})`];
      if (q.unit !== undefined) { where.push('unit = {u:String}'); params.u = q.unit; }
      const levels = this.levels(q);
      const unitCol = (q.byUnit ? ', unit' : '') + (q.bySeries ? ', series_id' : '');
      const r = await rows<{ b: number; unit?: string; series_id?: number; n: number; s: number; lo: number; hi: number; np: number; q?: number[] }>(this.engine,
        `SELECT intDiv(ts - {st:Int64}, {pm:Int64}) AS b${unitCol}, sum(count) AS n, sum(sum) AS s, min(min) AS lo, max(max) AS hi, sumIf(count, pct = 0) AS np${levels ? `, quantilesExactWeightedIf(${levels})(value, ${WEIGHT}, pct = 1) AS q` : ''}
         FROM ${POINTS_TABLE} WHERE ${where.join(' AND ')} GROUP BY b${unitCol} ORDER BY b`, params);
      const result = r.map((x) => this.toRow(q, x));
      if (q.rawValues && result.length) {
        const raw = await rows<{ b: number; unit?: string; series_id?: number; v: number; w: number }>(this.engine,
          `SELECT intDiv(ts - {st:Int64}, {pm:Int64}) AS b${unitCol}, value AS v, sum(count) AS w
           FROM ${POINTS_TABLE} WHERE ${where.join(' AND ')} AND pct = 1 GROUP BY b${unitCol}, v ORDER BY b, v`, params);
        const byKey = new Map(result.map((x) => [`${x.timestamp}\u0000${x.unit ?? ''}\u0000${x.seriesId ?? ''}`, x]));
        for (const x of raw) {
          const row = byKey.get(`${q.start + Number(x.b) * P}\u0000${x.unit ?? ''}\u0000${x.series_id === undefined ? '' : Number(x.series_id)}`);
          if (row) (row.values ??= []).push([Number(x.v), Number(x.w)]);
        }
      }
      return result;
    });
  }

  private async aggregateRollup(q: AggregateQuery, tier: number, from: number, to: number): Promise<AggregateRow[]> {
    const P = q.periodSec * 1000;
    const params: Record<string, unknown> = { t: tier, ids: q.seriesIds, st: q.start, pm: P, a: q.start + from * P, z: Math.min(q.end, q.start + to * P) };
    const where = ['tier = {t:UInt32}', `series_id IN {ids:Array(UInt64)}`, 'ts >= {a:Int64}', 'ts < {z:Int64}'];
    if (q.unit !== undefined) { where.push('unit = {u:String}'); params.u = q.unit; }
    const levels = this.levels(q);
    const unitCol = (q.byUnit ? ', unit' : '') + (q.bySeries ? ', series_id' : '');
    const r = await rows<{ b: number; unit?: string; series_id?: number; n: number; s: number; lo: number; hi: number; np: number; q?: number[] }>(this.engine,
      `SELECT intDiv(ts - {st:Int64}, {pm:Int64}) AS b${unitCol}, sum(count) AS n, sum(sum) AS s, min(min) AS lo, max(max) AS hi, sum(np) AS np${levels ? `, quantilesTDigestWeightedMerge(${levels})(digest) AS q` : ''}
       FROM ${ROLLUPS_TABLE} FINAL WHERE ${where.join(' AND ')} GROUP BY b${unitCol} ORDER BY b`, params);
    return r.map((x) => this.toRow(q, x));
  }

  private toRow(q: AggregateQuery, x: { b: number; unit?: string; series_id?: number; n: number; s: number; lo: number; hi: number; np: number; q?: number[] }): AggregateRow {
    const row: AggregateRow = { timestamp: q.start + Number(x.b) * q.periodSec * 1000, count: Number(x.n), sum: Number(x.s), min: Number(x.lo), max: Number(x.hi), nonSample: Number(x.np) };
    if (q.byUnit) row.unit = x.unit;
    if (q.bySeries) row.seriesId = Number(x.series_id);
    if (x.q && q.percentiles?.length) row.percentiles = new Map(q.percentiles.map((p, i) => [p, Number(x.q![i])]));
    return row;
  }

  // ---------------------------------------------------------------- maintenance

  /** One maintenance pass: rollups, the high-resolution fold, retention. Never runs twice at once. */
  maintain(now = this.now()): Promise<void> {
    if (!this.maintaining) {
      this.maintaining = (async () => {
        await this.rollup();
        await this.fold(now);
        await this.enforceRetention(now);
      })().finally(() => { this.maintaining = null; });
    }
    return this.maintaining;
  }

  /** Recomputes the 5-minute and hourly rollups of every bucket touched since the watermark. */
  async rollup(): Promise<number> {
    const hi = this.safeBatch();
    const w = this.state.rollupWatermark;
    if (hi <= w) return 0;
    const [{ n }] = await rows<{ n: number }>(this.engine, `SELECT count() AS n FROM ${POINTS_TABLE} WHERE batch > {w:UInt64} AND batch <= {hi:UInt64} AND fold = 0`, { w, hi });
    if (Number(n) > 0) {
      await this.read(async (vis) => {
        for (const tier of TIERS) {
          const ms = tier * 1000;
          await this.engine.command({
            query: `INSERT INTO ${ROLLUPS_TABLE} (tier, series_id, ts, unit, count, sum, min, max, np, digest, version)
              SELECT {tier:UInt32}, series_id, intDiv(ts, {ms:Int64}) * {ms:Int64} AS bts, unit, sum(count), sum(sum), min(min), max(max),
                     sumIf(count, pct = 0), quantileTDigestWeightedStateIf(value, ${WEIGHT}, pct = 1), {hi:UInt64}
              FROM ${POINTS_TABLE}
              WHERE (${vis.sql}) AND (series_id, intDiv(ts, {ms:Int64})) IN (
                SELECT DISTINCT series_id, intDiv(ts, {ms:Int64}) FROM ${POINTS_TABLE} WHERE batch > {w:UInt64} AND batch <= {hi:UInt64} AND fold = 0)
              GROUP BY series_id, bts, unit`,
            query_params: { ...vis.params, tier, ms, w, hi },
          });
        }
      });
    }
    this.state.rollupWatermark = hi;
    this.writeState();
    return Number(n);
  }

  /** Folds 1-second rows older than 3 hours into per-minute rows (see the file comment). */
  async fold(now = this.now()): Promise<number> {
    if (!this.state.fold.done) await this.finishFold();
    const cut = floorToResolution(now - RETENTION.highResMs - FOLD_MARGIN_MS, 60);
    // Only rows the rollups already cover: folded rows never mark a bucket for recomputation.
    const hi = Math.min(this.safeBatch(), this.state.rollupWatermark);
    const [{ n }] = await rows<{ n: number }>(this.engine, `SELECT count() AS n FROM ${POINTS_TABLE} WHERE res = 1 AND fold = 0 AND ts < {cut:Int64} AND batch <= {hi:UInt64}`, { cut, hi });
    if (Number(n) === 0) return 0;
    const id = this.state.fold.id + 1;
    await this.engine.command({
      query: `INSERT INTO ${POINTS_TABLE} (series_id, ts, res, unit, count, sum, min, max, value, pct, batch, fold)
        SELECT series_id, intDiv(ts, 60000) * 60000 AS mts, 60, unit, sum(count), sum(sum), min(min), max(max), any(value), pct, max(batch), {id:UInt64}
        FROM ${POINTS_TABLE} WHERE res = 1 AND fold = 0 AND ts < {cut:Int64} AND batch <= {hi:UInt64}
        GROUP BY series_id, mts, unit, pct, if(pct = 1, value, 0)`,
      query_params: { id, cut, hi },
    });
    // Commit point: from here on readers see the folded rows instead of the originals.
    this.state.fold = { id, cut, hi, done: false };
    this.writeState();
    await this.finishFold();
    return Number(n);
  }

  private async finishFold(): Promise<void> {
    const f = this.state.fold;
    // Readers that started before the commit still read the originals: let them finish.
    const deadline = Date.now() + 60_000;
    while ([...this.readers.keys()].some((g) => g < f.id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await this.engine.command({ query: `DELETE FROM ${POINTS_TABLE} WHERE res = 1 AND fold = 0 AND ts < {cut:Int64} AND batch <= {hi:UInt64}`, query_params: { cut: f.cut, hi: f.hi } });
    this.state.fold = { ...f, done: true };
    this.writeState();
  }

  /** After a crash: drop rows of a fold that never committed, finish a committed one. */
  private async recoverFold(): Promise<void> {
    const f = this.state.fold;
    const [{ n }] = await rows<{ n: number }>(this.engine, `SELECT count() AS n FROM ${POINTS_TABLE} WHERE fold > {id:UInt64}`, { id: f.id });
    if (Number(n) > 0) await this.engine.command({ query: `DELETE FROM ${POINTS_TABLE} WHERE fold > {id:UInt64}`, query_params: { id: f.id } });
    if (!f.done) await this.finishFold();
  }

  /** Deletes data past each tier's retention (points only once the rollups cover them). */
  async enforceRetention(now = this.now()): Promise<void> {
    const deletes: Array<[string, string, Record<string, unknown>]> = [
      [POINTS_TABLE, 'ts < {c:Int64} AND batch <= {w:UInt64}', { c: now - RETENTION.minuteMs - POINTS_MARGIN_MS, w: this.state.rollupWatermark }],
      [ROLLUPS_TABLE, 'tier = 300 AND ts < {c:Int64}', { c: now - RETENTION.fiveMinuteMs - POINTS_MARGIN_MS }],
      [ROLLUPS_TABLE, 'tier = 3600 AND ts < {c:Int64}', { c: now - RETENTION.hourMs - POINTS_MARGIN_MS }],
    ];
    for (const [table, where, params] of deletes) {
      const [{ n }] = await rows<{ n: number }>(this.engine, `SELECT count() AS n FROM ${table} WHERE ${where}`, params);
      if (Number(n) > 0) await this.engine.command({ query: `DELETE FROM ${table} WHERE ${where}`, query_params: params });
    }
  }

  /** Row counts per table and tier, for tests and diagnostics. */
  async counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of await rows<{ res: number; n: number }>(this.engine, `SELECT res, count() AS n FROM ${POINTS_TABLE} GROUP BY res`)) out[`points.res${r.res}`] = Number(r.n);
    for (const r of await rows<{ tier: number; n: number }>(this.engine, `SELECT tier, count() AS n FROM ${ROLLUPS_TABLE} FINAL GROUP BY tier`)) out[`rollup.${r.tier}`] = Number(r.n);
    return out;
  }
}
