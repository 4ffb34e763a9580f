/**
 * Anomaly detectors (PutAnomalyDetector) and the models behind ANOMALY_DETECTION_BAND
 * (docs/anomaly-detection.md).
 *
 * - Definitions are durable (./detectors.ts). Models are kept in memory, one per detector and
 *   period, trained on first use and retrained when older than `modelMaxAgeMs`; a background
 *   pass (every `retrainIntervalMs`) trains detectors still PENDING_TRAINING and refreshes
 *   recently used models. After a restart models are simply retrained.
 * - Using ANOMALY_DETECTION_BAND on a metric or expression without a detector creates one, as
 *   AWS does for alarms ("the model is generated when you are done creating the alarm"; a deleted
 *   model is recreated by its alarm).
 * - StateValue: PENDING_TRAINING until the first training; then TRAINED, or
 *   TRAINED_INSUFFICIENT_DATA when the latest training found too few datapoints.
 */
import { join } from 'node:path';
import type { AppDeps } from '../../app/deps.js';
import { callsOf, parseExpression, references } from '../math/parser.js';
import { MathError } from '../math/lexer.js';
import { evaluateQueries, MetricDataError, type ExprQuery, type Query, type StatQuery } from '../metric-data.js';
import { metricStatSeries } from '../query.js';
import type { Series } from '../math/evaluator.js';
import { DetectorStore, MAX_DETECTORS, UNSUPPORTED_IN_MATH_DETECTOR, detectorKey, storedQuery, type Detector, type DetectorState, type StoredQuery } from './detectors.js';
import { TRAINING_WINDOW_MS, modelBand, trainModel, type Model } from './model.js';

export const DEFAULT_TRAINING_PERIOD = 300;
/** Longest grid a training fetch builds (two weeks at one minute). */
const MAX_TRAINING_POINTS = 20_160;
/** Models kept in memory at most (least recently used dropped first); a dropped model is retrained on its next use. */
export const MAX_CACHED_MODELS = 2_000;

export class AnomalyLimitError extends Error {}

export interface AnomalyServiceOptions {
  now?: () => number;
  /** Background training pass interval (default 10 minutes). */
  retrainIntervalMs?: number;
  /** A model older than this is retrained on its next use (default 1 hour). */
  modelMaxAgeMs?: number;
  /** Models kept in memory at most (default MAX_CACHED_MODELS). */
  maxModels?: number;
}

interface CachedModel { model: Model | undefined; trainedAt: number; usedAt: number; detectorKey: string; period?: number }

/** What `evaluateQueries` gets: a band function per input query id. */
export type BandFunction = (input: Series, k: number) => Series[];

export type DetectorInput = Pick<Detector, 'type' | 'single' | 'queries' | 'config' | 'periodicSpikes'>;

export class AnomalyDetectorService {
  private readonly store: DetectorStore;
  private readonly cache = new Map<string, CachedModel>();
  private readonly inflight = new Map<string, Promise<Model | undefined>>();
  /** Per detector, the configuration epoch its cached models belong to (only detectors changed since start). */
  private readonly generation = new Map<string, number>();
  private epoch = 0;
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** A StateValue changed since the file was last written (written once per batch of trainings). */
  private stateDirty = false;
  private readonly now: () => number;
  private readonly maxAge: number;
  private readonly maxModels: number;

  private constructor(private readonly deps: AppDeps, private readonly opts: AnomalyServiceOptions) {
    this.store = new DetectorStore(join(deps.dataDir, 'anomaly'));
    this.now = opts.now ?? Date.now;
    this.maxAge = opts.modelMaxAgeMs ?? 3_600_000;
    this.maxModels = opts.maxModels ?? MAX_CACHED_MODELS;
  }

  static async open(deps: AppDeps, opts: AnomalyServiceOptions = {}): Promise<AnomalyDetectorService> {
    const s = new AnomalyDetectorService(deps, opts);
    s.timer = setInterval(() => s.kick(), opts.retrainIntervalMs ?? 600_000);
    s.timer.unref();
    s.kick();
    return s;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass?.catch(() => {});
    await Promise.allSettled([...this.inflight.values()]);
  }

  // ------------------------------------------------------------------ definitions

  /** Creates or replaces a detector (durable on return); its models retrain. */
  put(d: DetectorInput): void {
    const key = detectorKey(d);
    const prev = this.store.get(key);
    if (!prev && this.store.size >= MAX_DETECTORS) throw new AnomalyLimitError(`The maximum number of anomaly detectors (${MAX_DETECTORS}) has been reached.`);
    this.store.put({ ...d, state: 'PENDING_TRAINING', createdAt: prev?.createdAt ?? this.now() });
    this.dropModels(key);
    this.kick();
  }

  /** Deletes a detector; false when there is none with this identity. */
  delete(d: Pick<Detector, 'type' | 'single' | 'queries'>): boolean {
    const key = detectorKey(d);
    const had = this.store.delete(key);
    if (had) {
      this.dropModels(key);
      // A detector recreated later gets a new epoch from its Put, or 0 from a band: either way not this one.
      this.generation.delete(key);
    }
    return had;
  }

  list(): Detector[] { return this.store.entries().map(([, d]) => d); }
  listWithKeys(): Array<[string, Detector]> { return this.store.entries(); }

  private dropModels(key: string): void {
    this.generation.set(key, ++this.epoch);
    for (const [k, c] of this.cache) if (c.detectorKey === key) this.cache.delete(k);
  }

  /** Caches a model as the most recently used; beyond `maxModels` the least recently used goes. */
  private remember(ck: string, entry: CachedModel): void {
    this.cache.delete(ck);
    this.cache.set(ck, entry);
    while (this.cache.size > this.maxModels) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Models in memory now (for tests and self-metrics). */
  get cachedModels(): number { return this.cache.size; }

  // ------------------------------------------------------------------ bands

  /**
   * The band functions a set of queries needs, by the id of each ANOMALY_DETECTION_BAND input.
   * Trains (or reuses) the models first, creating missing detectors.
   */
  async bandsFor(queries: Query[], now = this.now()): Promise<Map<string, BandFunction>> {
    const out = new Map<string, BandFunction>();
    const byId = new Map(queries.map((q) => [q.id, q]));
    for (const q of queries) {
      if (q.kind !== 'expr') continue;
      for (const call of callsOf(q.ast, 'ANOMALY_DETECTION_BAND')) {
        const arg = call.args[0];
        // Anything but a query id is refused by the evaluator with a positioned message.
        if (arg?.k !== 'ref' || out.has(arg.id)) continue;
        const input = byId.get(arg.id);
        if (!input) continue;
        const def = input.kind === 'stat' ? singleFor(input) : mathFor(input, byId, q.id);
        const key = detectorKey(def);
        if (!this.store.get(key) && this.store.size < MAX_DETECTORS) {
          this.store.put({ ...def, config: { excluded: [] }, state: 'PENDING_TRAINING', createdAt: now });
        }
        const model = await this.modelFor(key, def, input.kind === 'stat' ? input.period : undefined, now);
        out.set(arg.id, (s, k) => bandSeries(model, s, k));
      }
    }
    this.flushState();
    return out;
  }

  /** Writes changed StateValues (derived data: a crash before this only shows an older state). */
  private flushState(): void {
    if (!this.stateDirty) return;
    this.stateDirty = false;
    try { this.store.touch(); } catch (e) { this.deps.log.warn({ err: String(e) }, 'could not save anomaly detector states'); }
  }

  private async modelFor(key: string, def: DetectorInput, period: number | undefined, now: number): Promise<Model | undefined> {
    // The generation changes with each Put, so a training started under the old configuration is not reused.
    const ck = `${key}\u0003${period ?? ''}\u0003${this.generation.get(key) ?? 0}`;
    const c = this.cache.get(ck);
    if (c && now - c.trainedAt < this.maxAge) { c.usedAt = now; this.remember(ck, c); return c.model; }
    let p = this.inflight.get(ck);
    if (!p) {
      p = this.train(key, def, period, now).then((model) => {
        this.remember(ck, { model, trainedAt: now, usedAt: now, detectorKey: key, period });
        return model;
      }).finally(() => this.inflight.delete(ck));
      this.inflight.set(ck, p);
    }
    return p;
  }

  private async train(key: string, def: DetectorInput, period: number | undefined, now: number): Promise<Model | undefined> {
    const stored = this.store.get(key);
    const cfg = stored ?? def;
    let series: { timestamps: readonly number[]; values: Float64Array; period: number };
    if (def.type === 'SINGLE_METRIC') {
      const p = period ?? DEFAULT_TRAINING_PERIOD;
      const window = Math.min(TRAINING_WINDOW_MS, p * 1000 * MAX_TRAINING_POINTS);
      series = await metricStatSeries(this.deps.metrics, { ...def.single!, period: p }, now - window, now, now);
    } else {
      series = await this.mathSeries(def.queries!, now);
    }
    const model = trainModel(series.timestamps, series.values, {
      periodSec: series.period, excluded: cfg.config?.excluded, timezone: cfg.config?.timezone, periodicSpikes: cfg.periodicSpikes,
      adaptationSpeed: cfg.config?.adaptationSpeed, outlierFiltering: cfg.config?.outlierFiltering,
    });
    const current = this.store.get(key);
    if (current) {
      const state: DetectorState = model ? 'TRAINED' : 'TRAINED_INSUFFICIENT_DATA';
      if (current.state !== state) this.stateDirty = true;
      current.state = state;
      current.trainedAt = now;
    }
    return model;
  }

  /** A math detector's input series over the training window. */
  private async mathSeries(stored: StoredQuery[], now: number): Promise<Series> {
    const queries = stored.map(toQuery);
    const target = queries.find((q) => q.returnData);
    const periods = queries.map((q) => q.period).filter((p): p is number => p !== undefined);
    const minPeriod = periods.length ? Math.min(...periods) : 60;
    const window = Math.min(TRAINING_WINDOW_MS, minPeriod * 1000 * MAX_TRAINING_POINTS);
    const values = await evaluateQueries(this.deps.metrics, queries, now - window, now, now);
    const v = target ? values.get(target.id) : undefined;
    if (!v || v.t !== 'ts') throw new MetricDataError(`The anomaly detector's expression ${target?.id ?? ''} must return a single time series`);
    return v.s;
  }

  // ------------------------------------------------------------------ background training

  private kick(): void {
    if (this.closed) return;
    // A detector put during a pass may already have been passed over: run once more after it.
    if (this.pass) { this.again = true; return; }
    this.pass = new Promise<void>((r) => setImmediate(r)).then(() => this.trainPass())
      .catch((e: unknown) => this.deps.log.warn({ err: String(e) }, 'anomaly model training failed'))
      .finally(() => {
        this.flushState();
        this.pass = null;
        if (this.again) { this.again = false; this.kick(); }
      });
  }

  /** Trains pending detectors and refreshes stale models used in the last day. */
  private async trainPass(): Promise<void> {
    const now = this.now();
    let trained = 0;
    for (const [key, d] of this.store.entries()) {
      if (this.closed) return;
      if (d.state !== 'PENDING_TRAINING') continue;
      // Save progress now and then during a long pass.
      if (++trained % 50 === 0) this.flushState();
      try { await this.modelFor(key, d, d.type === 'SINGLE_METRIC' ? DEFAULT_TRAINING_PERIOD : undefined, now); } catch (e) {
        this.deps.log.warn({ err: String(e) }, 'anomaly detector training failed');
      }
    }
    for (const [ck, c] of [...this.cache]) {
      if (this.closed) return;
      if (now - c.usedAt > 86_400_000) { this.cache.delete(ck); continue; }
      if (now - c.trainedAt < this.maxAge) continue;
      const d = this.store.get(c.detectorKey);
      if (!d) { this.cache.delete(ck); continue; }
      this.cache.delete(ck);
      try { await this.modelFor(c.detectorKey, d, c.period, now); } catch { /* retried on use */ }
    }
  }
}

function singleFor(q: StatQuery): DetectorInput {
  return { type: 'SINGLE_METRIC', single: { namespace: q.namespace, metricName: q.metricName, dimensions: q.dimensions, stat: q.stat }, config: { excluded: [] } };
}

/** The metric math detector of an expression: the queries it depends on, itself returning data. */
function mathFor(input: ExprQuery, byId: Map<string, Query>, bandId: string): DetectorInput {
  const need = new Set<string>();
  const visit = (q: Query) => {
    if (need.has(q.id)) return;
    need.add(q.id);
    if (q.kind !== 'expr') return;
    for (const name of UNSUPPORTED_IN_MATH_DETECTOR) {
      if (callsOf(q.ast, name).length) throw new MetricDataError(`Error in expression ${bandId}: ANOMALY_DETECTION_BAND cannot model an expression that uses ${name}`);
    }
    // METRICS() reads every MetricStat of the request.
    if (callsOf(q.ast, 'METRICS').length) for (const o of byId.values()) if (o.kind === 'stat') visit(o);
    for (const r of references(q.ast)) { const o = byId.get(r); if (o) visit(o); }
  };
  visit(input);
  const queries = [...byId.values()].filter((q) => need.has(q.id)).map((q) => ({ ...storedQuery(q), returnData: q.id === input.id }));
  return { type: 'METRIC_MATH', queries, config: { excluded: [] } };
}

/** A stored query back in evaluable form. */
export function toQuery(q: StoredQuery): Query {
  if (q.kind === 'stat') return q;
  try {
    return { ...q, ast: parseExpression(q.expression) };
  } catch (e) {
    if (e instanceof MathError) throw new MetricDataError(`Error in expression ${q.id}: ${e.message}`);
    throw e;
  }
}

/** [upper, lower] at the input's timestamps that hold a value (no model: no datapoints). */
function bandSeries(model: Model | undefined, s: Series, k: number): Series[] {
  const upper = new Float64Array(s.values.length).fill(NaN);
  const lower = new Float64Array(s.values.length).fill(NaN);
  if (model) {
    const idx: number[] = [];
    for (let i = 0; i < s.values.length; i++) if (!Number.isNaN(s.values[i])) idx.push(i);
    const b = modelBand(model, idx.map((i) => s.timestamps[i]), k);
    idx.forEach((i, j) => { upper[i] = b.upper[j]; lower[i] = b.lower[j]; });
  }
  return [
    { ...s, label: `${s.label} Upper Bound`.trim(), values: upper },
    { ...s, label: `${s.label} Lower Bound`.trim(), values: lower },
  ];
}
