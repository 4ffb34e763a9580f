/**
 * Metric and composite alarms: definitions, the evaluation loop, state history and actions
 * (docs/alarms.md).
 *
 * - Definitions and state live in memory and in an fsync'ed journal (journal.ts); every change
 *   is durable before the API answers, and every evaluation cycle's state changes are written
 *   (one fsync) before any action runs.
 * - `evaluateAll(now)` is one evaluation cycle: metric alarms (data fetched in batches, see
 *   prefetch.ts, decided by evaluate-datapoints.ts), then composite alarms in dependency order,
 *   then actions. The server calls it every minute (high-resolution alarms every 10 seconds);
 *   tests call it with their own clock.
 * - Every state change goes out through state-change.ts (SNS actions and `onStateChange` events).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppDeps } from '../app/deps.js';
import type { NotificationService } from '../notify/service.js';
import type { AnomalyDetectorService } from '../metrics/anomaly/service.js';
import { evaluateQueries } from '../metrics/metric-data.js';
import type { Series } from '../metrics/math/evaluator.js';
import { Journal } from './journal.js';
import { AlarmHistory, type HistoryQuery } from './history.js';
import { compileAlarm, type CompiledAlarm } from './compile.js';
import { decide, lowSampleCount, nextState, type Decision } from './evaluate-datapoints.js';
import { awsJsonDate, Int, javaJson, longDate, metricReason } from './reason.js';
import { evaluateRule, parseRule, refName, ruleRefs, type RuleNode } from './composite-rule.js';
import { compositeCycles, compositeOrder, cycleReason, CYCLE_REASON_PREFIX } from './composite-graph.js';
import { PrefetchedMetrics } from './prefetch.js';
import { actionsFor, snsMessage, snsSubject, stateChangeEvent, type AlarmStateChangeEvent, type StateChange } from './state-change.js';
import { alarmView, historyJson } from './views.js';
import { ALARM_LIMITS, type Alarm, type AlarmStateInfo, type CompositeAlarm, type HistoryItem, type MetricAlarm, type StateValue, type Tag } from './model.js';

export interface AlarmDeps extends AppDeps {
  notifications: NotificationService;
  anomalyDetectors: AnomalyDetectorService;
}

/** A refusal in AWS's terms (the API maps `code` to the error shape). */
export class AlarmError extends Error {
  constructor(readonly code: 'ResourceNotFound' | 'ValidationError' | 'InvalidParameterValueException' | 'LimitExceededFault', message: string) { super(message); }
}

type JournalRecord =
  | { op: 'put'; alarm: Alarm }
  | { op: 'del'; names: string[] }
  | { op: 'state'; name: string; state: AlarmStateInfo; by?: string; byReason?: string };

interface PendingActions { alarm: string; change: StateChange; until: number }

export interface CycleResult { evaluated: number; changed: number; engineQueries: number }


const MINUTE = 60_000;

export class AlarmService {
  private readonly alarms = new Map<string, Alarm>();
  private readonly compiled = new Map<string, CompiledAlarm>();
  private readonly rules = new Map<string, RuleNode>();
  private readonly journal: Journal<JournalRecord>;
  readonly history: AlarmHistory;
  private readonly listeners: Array<(e: AlarmStateChangeEvent) => void> = [];
  /** Composite actions waiting out ActionsSuppressorWaitPeriod. */
  private pending: PendingActions[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private lastMinute = 0;
  private ticking = false;

  private constructor(private readonly deps: AlarmDeps) {
    const dir = join(deps.dataDir, 'alarms');
    mkdirSync(dir, { recursive: true });
    this.journal = new Journal<JournalRecord>(join(dir, 'alarms.jsonl'));
    for (const r of this.journal.replay()) this.apply(r);
    if (this.journal.lines > 2 * this.alarms.size + 1000) this.journal.rewrite([...this.alarms.values()].map((alarm) => ({ op: 'put', alarm })));
    this.history = new AlarmHistory(dir, Date.now());
  }

  static async open(deps: AlarmDeps): Promise<AlarmService> {
    const s = new AlarmService(deps);
    s.startLoop();
    return s;
  }

  private apply(r: JournalRecord): void {
    if (r.op === 'put') this.index(r.alarm);
    else if (r.op === 'del') for (const n of r.names) this.unindex(n);
    else {
      const a = this.alarms.get(r.name);
      if (!a) return;
      a.state = r.state;
      if (a.type === 'CompositeAlarm' && r.by !== undefined) { a.actionsSuppressedBy = r.by; a.actionsSuppressedReason = r.byReason; }
    }
  }

  private index(a: Alarm): void {
    this.alarms.set(a.name, a);
    if (a.type === 'MetricAlarm') { this.compiled.set(a.name, compileAlarm(a)); this.rules.delete(a.name); }
    else { this.rules.set(a.name, parseRule(a.alarmRule)); this.compiled.delete(a.name); }
  }

  private unindex(name: string): void {
    this.alarms.delete(name);
    this.compiled.delete(name);
    this.rules.delete(name);
  }

  // ------------------------------------------------------------------ loop

  private startLoop(): void {
    this.lastMinute = Math.floor(Date.now() / MINUTE);
    this.timer = setInterval(() => {
      const now = Date.now();
      const minute = Math.floor(now / MINUTE);
      // A cycle still running (a slow engine) is not queued behind: the next tick catches up.
      if (this.ticking) return;
      const full = minute !== this.lastMinute;
      this.lastMinute = minute;
      this.ticking = true;
      // Standard alarms each minute; 10/20/30-second alarms every 10 seconds, as AWS documents.
      this.evaluateAll(now, { highResolutionOnly: !full })
        .catch((e: unknown) => this.deps.log.warn({ err: String(e) }, 'alarm evaluation failed'))
        .finally(() => { this.ticking = false; });
    }, 10_000);
    this.timer.unref();
  }

  /** Stops the background evaluation (tests drive `evaluateAll` themselves). */
  stopLoop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  onStateChange(listener: (e: AlarmStateChangeEvent) => void): void { this.listeners.push(listener); }

  async close(): Promise<void> {
    this.stopLoop();
    await this.chain.catch(() => {});
    this.journal.close();
    this.history.close();
  }

  /** Runs `f` after every earlier mutation or cycle (one at a time, so cycles never interleave with puts). */
  private serial<T>(f: () => Promise<T> | T): Promise<T> {
    const r = this.chain.then(f, f);
    this.chain = r.catch(() => {});
    return r;
  }

  // ------------------------------------------------------------------ reads

  get(name: string): Alarm | undefined { return this.alarms.get(name); }

  /** Every alarm, by name. */
  list(): Alarm[] {
    return [...this.alarms.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The alarm a composite rule reference means (name or ARN). */
  resolveRef(ref: string): Alarm | undefined {
    const n = refName(ref, this.deps.region, this.deps.accountId);
    return n === undefined ? undefined : this.alarms.get(n);
  }

  /** Names of the alarms a composite's rule references. */
  childrenOf(name: string): string[] {
    const rule = this.rules.get(name);
    if (!rule) return [];
    const out = new Set<string>();
    for (const r of ruleRefs(rule)) { const n = refName(r, this.deps.region, this.deps.accountId); if (n !== undefined && this.alarms.has(n)) out.add(n); }
    return [...out];
  }

  /** Names of the composites whose rule references `name`. */
  parentsOf(name: string): string[] {
    return [...this.rules.keys()].filter((c) => this.childrenOf(c).includes(name));
  }

  queryHistory(q: HistoryQuery): HistoryItem[] { return this.history.query(q, Date.now()); }

  arn(name: string): string { return `arn:aws:cloudwatch:${this.deps.region}:${this.deps.accountId}:alarm:${name}`; }

  // ------------------------------------------------------------------ writes

  /** Creates or replaces a metric alarm (an update keeps the state and the tags). */
  putMetricAlarm(def: Omit<MetricAlarm, 'arn' | 'configUpdated' | 'state' | 'type'>, now = Date.now()): Promise<void> {
    return this.serial(() => {
      const old = this.alarms.get(def.name);
      if (old && old.type !== 'MetricAlarm') throw new AlarmError('ValidationError', `The alarm ${def.name} already exists as a composite alarm.`);
      const alarm: MetricAlarm = { ...def, type: 'MetricAlarm', arn: this.arn(def.name), configUpdated: now, state: old?.state ?? initialState(now), tags: old ? old.tags : def.tags };
      compileAlarm(alarm);
      this.commitPut(alarm, old, now);
    });
  }

  putCompositeAlarm(def: Omit<CompositeAlarm, 'arn' | 'configUpdated' | 'state' | 'type'>, now = Date.now()): Promise<void> {
    return this.serial(async () => {
      const old = this.alarms.get(def.name);
      if (old && old.type !== 'CompositeAlarm') throw new AlarmError('ValidationError', `The alarm ${def.name} already exists as a metric alarm.`);
      const rule = parseRule(def.alarmRule);
      const missing = [...new Set(ruleRefs(rule).filter((r) => !this.resolveRef(r)))];
      if (missing.length) throw new AlarmError('ValidationError', `Could not save the composite alarm as alarms [${missing.join(', ')}] in the alarm rule do not exist`);
      const children = [...new Set(ruleRefs(rule).map((r) => this.resolveRef(r)!.name))];
      if (children.length > ALARM_LIMITS.ruleChildrenMax) throw new AlarmError('ValidationError', `The alarm rule references ${children.length} alarms; at most ${ALARM_LIMITS.ruleChildrenMax} are allowed.`);
      if (def.actionsSuppressor !== undefined && !this.resolveRef(def.actionsSuppressor)) throw new AlarmError('ValidationError', `The ActionsSuppressor alarm ${def.actionsSuppressor} does not exist.`);
      const alarm: CompositeAlarm = { ...def, type: 'CompositeAlarm', arn: this.arn(def.name), configUpdated: now, state: old?.state ?? initialState(now), tags: old ? old.tags : def.tags };
      if (old?.type === 'CompositeAlarm') { alarm.actionsSuppressedBy = old.actionsSuppressedBy; alarm.actionsSuppressedReason = old.actionsSuppressedReason; }
      // AWS accepts a rule that closes a cycle of composites and stops evaluating them: only a
      // rule change can create or break a cycle, so the cycles before the change tell which
      // composites have just entered one (their StateReason then says so).
      const cyclesBefore = this.cycles();
      this.commitPut(alarm, old, now);
      // A composite is evaluated as soon as it exists or changes.
      await this.runCycle(now, { compositesOnly: true, cyclesBefore });
    });
  }

  /** Keeps the journals bounded: state records pile up as alarms change state. */
  private maybeCompact(now: number): void {
    if (this.journal.lines > Math.max(50_000, 10 * this.alarms.size)) this.journal.rewrite([...this.alarms.values()].map((alarm) => ({ op: 'put', alarm })));
    this.history.maybeCompact(now);
  }

  private commitPut(alarm: Alarm, old: Alarm | undefined, now: number): void {
    const view = alarmView(alarm);
    const item: HistoryItem = {
      alarmName: alarm.name, alarmType: alarm.type, timestamp: now, type: 'ConfigurationUpdate',
      summary: `Alarm "${alarm.name}" ${old ? 'updated' : 'created'}`,
      data: historyJson(old ? { version: '1.0', type: 'Update', originalUpdatedAlarm: alarmView(old), updatedAlarm: view } : { version: '1.0', type: 'Create', createdAlarm: view }),
    };
    this.journal.append([{ op: 'put', alarm }]);
    this.index(alarm);
    this.history.add([item]);
  }

  /**
   * DeleteAlarms as AWS documents it: at most one composite alarm per call, and no alarm another
   * composite still depends on (its parents may go in the same call). So an alarm in a cycle of
   * composites can never be deleted until the cycle is broken (a rule changed, e.g. to FALSE).
   * Unknown names do not stop the others: "If you specify any incorrect alarm names, the alarms you
   * specify with correct names are still deleted" (DeleteAlarms API reference); the call then answers
   * ResourceNotFound naming them. The other errors delete nothing.
   */
  deleteAlarms(requested: string[], now = Date.now()): Promise<void> {
    return this.serial(() => {
      const unknown = requested.filter((n) => !this.alarms.has(n));
      const names = requested.filter((n) => this.alarms.has(n));
      const notFound = () => new AlarmError('ResourceNotFound', `${unknown.length} of the alarms you specified do not exist: [${unknown.join(', ')}]`);
      if (!names.length && unknown.length) throw notFound();
      const going = new Set(names);
      const composites = names.filter((n) => this.alarms.get(n)!.type === 'CompositeAlarm');
      if (composites.length > 1) throw new AlarmError('ValidationError', `A DeleteAlarms request can delete at most one composite alarm; it names ${composites.length}: [${composites.join(', ')}].`);
      // A composite referencing itself still depends on itself: it is a cycle like any other.
      const needed = names.filter((n) => this.parentsOf(n).some((p) => !going.has(p) || p === n));
      // AWS's words, e.g. "Cannot delete abc,xyz as there are composite alarm(s) depending on them."
      if (needed.length) throw new AlarmError('ValidationError', `Cannot delete ${needed.join(',')} as there are composite alarm(s) depending on ${needed.length === 1 ? 'it' : 'them'}.`);
      for (const n of names) {
        for (const c of this.list()) if (c.type === 'CompositeAlarm' && !going.has(c.name) && c.actionsSuppressor !== undefined && this.resolveRef(c.actionsSuppressor)?.name === n) {
          throw new AlarmError('ValidationError', `The alarm ${n} cannot be deleted because it is the ActionsSuppressor of the composite alarm ${c.name}.`);
        }
      }
      const items: HistoryItem[] = names.map((n) => {
        const a = this.alarms.get(n)!;
        return { alarmName: n, alarmType: a.type, timestamp: now, type: 'ConfigurationUpdate', summary: `Alarm "${n}" deleted`, data: historyJson({ version: '1.0', type: 'Delete', deletedAlarm: alarmView(a) }) };
      });
      this.journal.append([{ op: 'del', names: [...going] }]);
      for (const n of going) this.unindex(n);
      this.pending = this.pending.filter((p) => !going.has(p.alarm));
      this.history.add(items);
      if (unknown.length) throw notFound();
    });
  }

  setActionsEnabled(names: string[], enabled: boolean, now = Date.now()): Promise<void> {
    return this.serial(() => {
      const changed: Alarm[] = [];
      for (const n of names) {
        const a = this.alarms.get(n);
        if (!a || a.actionsEnabled === enabled) continue;
        changed.push({ ...a, actionsEnabled: enabled, configUpdated: now } as Alarm);
      }
      if (!changed.length) return;
      this.journal.append(changed.map((alarm) => ({ op: 'put', alarm })));
      const items: HistoryItem[] = [];
      for (const a of changed) {
        const old = this.alarms.get(a.name)!;
        this.index(a);
        items.push({ alarmName: a.name, alarmType: a.type, timestamp: now, type: 'ConfigurationUpdate', summary: `Alarm "${a.name}" updated`, data: historyJson({ version: '1.0', type: 'Update', originalUpdatedAlarm: alarmView(old), updatedAlarm: alarmView(a) }) });
      }
      this.history.add(items);
    });
  }

  setTags(name: string, tags: Tag[]): Promise<void> {
    return this.serial(() => {
      const a = this.alarms.get(name);
      if (!a) throw new AlarmError('ResourceNotFound', 'The specified resource does not exist.');
      const next = { ...a, tags } as Alarm;
      this.journal.append([{ op: 'put', alarm: next }]);
      this.index(next);
    });
  }

  /** SetAlarmState: the state holds until the next evaluation decides otherwise; actions run as for any transition. */
  setAlarmState(name: string, value: StateValue, reason: string, reasonData: string | undefined, now = Date.now()): Promise<void> {
    return this.serial(async () => {
      const a = this.alarms.get(name);
      if (!a) throw new AlarmError('ResourceNotFound', `Alarm ${name} not found`);
      if (a.state.value === value) {
        // Same state: only the reason changes (no history item, no actions).
        const state = { ...a.state, reason, reasonData, updated: now };
        this.journal.append([{ op: 'state', name, state }]);
        a.state = state;
        return;
      }
      const changes: StateChange[] = [];
      const records: JournalRecord[] = [];
      const items: HistoryItem[] = [];
      this.transition(a, { value, reason, reasonData, updated: now, transitioned: now }, now, changes, records, items);
      this.journal.append(records);
      this.history.add(items);
      // Composites see the change at once.
      await this.compositeStep(now, changes);
    });
  }

  // ------------------------------------------------------------------ evaluation

  /** One evaluation cycle at `now` (ms). */
  evaluateAll(now: number, opts: { highResolutionOnly?: boolean } = {}): Promise<CycleResult> {
    return this.serial(() => this.runCycle(now, opts));
  }

  private async runCycle(now: number, opts: { highResolutionOnly?: boolean; compositesOnly?: boolean; cyclesBefore?: Map<string, readonly string[]> }): Promise<CycleResult> {
    const changes: StateChange[] = [];
    const records: JournalRecord[] = [];
    const items: HistoryItem[] = [];
    let evaluated = 0;
    let engineQueries = 0;
    if (!opts.compositesOnly) {
      const due: Array<[MetricAlarm, CompiledAlarm]> = [];
      for (const a of this.alarms.values()) {
        if (a.type !== 'MetricAlarm') continue;
        const c = this.compiled.get(a.name)!;
        if (opts.highResolutionOnly && c.period >= 60) continue;
        due.push([a, c]);
      }
      const prefetch = new PrefetchedMetrics(this.deps.metrics);
      for (const [, c] of due) {
        const { start, end } = window(c, now);
        for (const q of c.queries) if (q.kind === 'stat') prefetch.want(q, start, end);
      }
      await prefetch.fetch();
      engineQueries = prefetch.queries;
      const view = prefetch.view();
      for (const [a, c] of due) {
        evaluated++;
        let next: AlarmStateInfo | undefined;
        try {
          next = await this.evaluateMetricAlarm(a, c, view, now);
        } catch (e) {
          this.deps.log.warn({ alarm: a.name, err: String(e) }, 'alarm evaluation failed');
          continue;
        }
        if (next) this.transition(a, next, now, changes, records, items);
      }
      engineQueries += prefetch.misses;
    }
    this.journal.append(records);
    this.history.add(items);
    const composites = await this.compositeStep(now, changes, opts.cyclesBefore);
    if (!opts.compositesOnly) this.maybeCompact(now);
    return { evaluated: evaluated + composites, changed: changes.length, engineQueries };
  }

  private async evaluateMetricAlarm(a: MetricAlarm, c: CompiledAlarm, store: AlarmDeps['metrics'], now: number): Promise<AlarmStateInfo | undefined> {
    const { start, end } = window(c, now);
    const N = a.evaluationPeriods;
    const M = a.datapointsToAlarm ?? N;
    const R = c.range;
    const P = c.period * 1000;
    const values = await evaluateQueries(store, c.queries, start, end, now, { anomalyDetectors: this.deps.anomalyDetectors });
    const slots = Array.from({ length: R }, (_, j) => start + j * P);
    const at = (s: Series | undefined): Array<number | undefined> => slots.map((t) => {
      if (!s || !s.timestamps.length) return undefined;
      const i = Math.round((t - s.timestamps[0]) / P);
      const v = i >= 0 && i < s.values.length && s.timestamps[i] === t ? s.values[i] : NaN;
      return Number.isNaN(v) ? undefined : v;
    });
    const main = values.get(c.valueId);
    if (!main || main.t !== 'ts') throw new Error(`the value of ${c.valueId} is not a single time series`);
    const data = at(main.s);
    let band: { lower: Array<number | undefined>; upper: Array<number | undefined> } | undefined;
    if (c.bandId) {
      const b = values.get(c.bandId);
      const parts = b?.t === 'arr' ? b.s : b?.t === 'ts' ? [b.s] : [];
      const x = at(parts[0]), y = at(parts[1] ?? parts[0]);
      band = {
        lower: x.map((v, i) => (v === undefined || y[i] === undefined ? undefined : Math.min(v, y[i]!))),
        upper: x.map((v, i) => (v === undefined || y[i] === undefined ? undefined : Math.max(v, y[i]!))),
      };
      // A period without a band (model not trained yet) is a missing datapoint: TreatMissingData applies.
      for (let i = 0; i < data.length; i++) if (band.lower[i] === undefined) data[i] = undefined;
    }
    const samples = c.samplesId ? at((values.get(c.samplesId) as { s: Series } | undefined)?.s) : undefined;
    const op = a.comparisonOperator;
    const T = a.threshold ?? 0;
    const breaches = (v: number, i: number): boolean => {
      if (band) {
        const lo = band.lower[i]!, up = band.upper[i]!;
        if (op === 'GreaterThanUpperThreshold') return v > up;
        if (op === 'LessThanLowerThreshold') return v < lo;
        return v < lo || v > up;
      }
      switch (op) {
        case 'GreaterThanThreshold': return v > T;
        case 'GreaterThanOrEqualToThreshold': return v >= T;
        case 'LessThanThreshold': return v < T;
        case 'LessThanOrEqualToThreshold': return v <= T;
        default: return false;
      }
    };
    // EvaluateLowSampleCountPercentile=ignore: a too-small percentile sample leaves the state alone.
    if (c.percentile !== undefined && a.evaluateLowSampleCountPercentile === 'ignore' && samples) {
      for (let j = R - N; j < R; j++) if (data[j] !== undefined && samples[j] !== undefined && lowSampleCount(c.percentile, samples[j]!)) return undefined;
    }
    // AWS/DynamoDB metrics are always evaluated as `ignore`, whatever the alarm says (fact sheet §4.2).
    const tmd = a.namespace === 'AWS/DynamoDB' ? 'ignore' : a.treatMissingData ?? 'missing';
    const decision: Decision = decide({ values: data, evaluationPeriods: N, datapointsToAlarm: M, treatMissingData: tmd, breaches });
    const value = nextState(decision, a.state.value);
    if (value === a.state.value) return undefined;
    const reason = metricReason({ decision, from: a.state.value, comparisonOperator: op, threshold: a.threshold, band, timestamps: slots, evaluationPeriods: N, datapointsToAlarm: M });
    const points = decision.kind === 'threshold' ? decision.points : [];
    const reasonData = javaJson({
      version: '1.0',
      queryDate: awsJsonDate(now),
      startDate: awsJsonDate(points.length ? slots[points[0].index] : slots[R - N]),
      unit: a.unit,
      statistic: a.metrics ? undefined : a.statistic ?? a.extendedStatistic,
      period: new Int(c.period),
      recentDatapoints: points.map((p) => p.value),
      ...(band
        ? { recentLowerThresholds: points.map((p) => band.lower[p.index] ?? null), recentUpperThresholds: points.map((p) => band.upper[p.index] ?? null) }
        : { threshold: a.threshold }),
      evaluatedDatapoints: [...points].reverse().map((p) => ({ timestamp: awsJsonDate(slots[p.index]), sampleCount: samples?.[p.index], value: p.value })),
    });
    return { value, reason, reasonData, updated: now, transitioned: now };
  }

  /** Composite children of a composite (the edges of the composite graph). */
  private compositeChildren = (name: string): string[] => this.childrenOf(name).filter((c) => this.rules.has(c));

  /** Every composite on a cycle, with the members of its cycle (composite-graph.ts). */
  private cycles(): Map<string, readonly string[]> { return compositeCycles(this.rules.keys(), this.compositeChildren); }

  /**
   * Composite alarms, children before parents, then the actions of every change (metric and
   * composite). Composites on a cycle are not evaluated: they keep their state, change nothing and
   * run no actions until the cycle is broken. `cyclesBefore` (given after a PutCompositeAlarm)
   * marks the composites that just entered a cycle: their StateReason says evaluation stopped.
   * Returns how many composites were evaluated.
   */
  private async compositeStep(now: number, changes: StateChange[], cyclesBefore?: Map<string, readonly string[]>): Promise<number> {
    const records: JournalRecord[] = [];
    const items: HistoryItem[] = [];
    const cycles = this.cycles();
    let evaluated = 0;
    for (const name of compositeOrder(this.rules.keys(), this.compositeChildren)) {
      const a = this.alarms.get(name) as CompositeAlarm;
      const cycle = cycles.get(name);
      if (cycle) {
        const reason = cycleReason(cycle);
        const entered = cyclesBefore !== undefined && !cyclesBefore.has(name);
        // The reason follows the cycle while it still says "stopped" (a SetAlarmState reason is left alone).
        if (entered || (a.state.reason.startsWith(CYCLE_REASON_PREFIX) && a.state.reason !== reason)) this.restate(a, reason, undefined, now, records);
        continue;
      }
      evaluated++;
      const rule = this.rules.get(name)!;
      const stateOf = (ref: string) => this.resolveRef(ref)?.state.value;
      const value: StateValue = evaluateRule(rule, stateOf) ? 'ALARM' : 'OK';
      const stopped = a.state.reason.startsWith(CYCLE_REASON_PREFIX);
      if (value === a.state.value && !stopped) continue;
      const { reason, reasonData } = this.compositeReason(rule, value);
      // Out of a cycle in the same state: only the reason changes (no transition, no actions).
      if (value === a.state.value) { this.restate(a, reason, reasonData, now, records); continue; }
      this.transition(a, { value, reason, reasonData, updated: now, transitioned: now }, now, changes, records, items);
    }
    this.journal.append(records);
    this.history.add(items);
    await this.runActions(now, changes, cycles);
    return evaluated;
  }

  /** The StateReason of a composite in AWS's form: the most recently changed triggering child. */
  private compositeReason(rule: RuleNode, value: StateValue): { reason: string; reasonData: string } {
    const refs = [...new Set(ruleRefs(rule))];
    const fnOf = new Map<string, StateValue[]>();
    collectFns(rule, fnOf);
    // Triggering children: those whose state makes their term of the rule true (ALARM) or false (OK).
    const triggering = refs
      .map((r) => this.resolveRef(r)!)
      .filter((c, i) => c && (fnOf.get(refs[i])!.includes(c.state.value) === (value === 'ALARM')))
      .sort((x, y) => y.state.transitioned - x.state.transitioned);
    const t = triggering[0];
    const reason = t ? `${t.arn} transitioned to ${t.state.value} at ${longDate(t.state.transitioned)}` : `The alarm rule evaluated to ${value === 'ALARM' ? 'TRUE' : 'FALSE'}`;
    const reasonData = JSON.stringify({ triggeringAlarms: triggering.slice(0, 10).map((c) => ({ arn: c.arn, state: { value: c.state.value, timestamp: awsJsonDate(c.state.transitioned) } })) });
    return { reason, reasonData };
  }

  /** A new reason for the current state: no transition, so no history item, event or action (as SetAlarmState to the same state). */
  private restate(a: Alarm, reason: string, reasonData: string | undefined, now: number, records: JournalRecord[]): void {
    a.state = { ...a.state, reason, reasonData, updated: now };
    records.push({ op: 'state', name: a.name, state: a.state });
  }

  /** Applies a new state in memory and queues its journal record, history item and change. */
  private transition(a: Alarm, next: AlarmStateInfo, now: number, changes: StateChange[], records: JournalRecord[], items: HistoryItem[]): void {
    const previous = a.state;
    a.state = next;
    records.push({ op: 'state', name: a.name, state: next });
    items.push({
      alarmName: a.name, alarmType: a.type, timestamp: now, type: 'StateUpdate',
      summary: `Alarm updated from ${previous.value} to ${next.value}`,
      data: JSON.stringify({
        version: '1.0',
        oldState: stateDoc(previous),
        newState: stateDoc(next),
      }),
    });
    changes.push({ alarm: a, previous, current: next, region: this.deps.region, accountId: this.deps.accountId });
  }

  // ------------------------------------------------------------------ actions

  private async runActions(now: number, changes: StateChange[], cycles: Map<string, readonly string[]>): Promise<void> {
    const items: HistoryItem[] = [];
    const records: JournalRecord[] = [];
    const run: StateChange[] = [];
    for (const c of changes) {
      const a = c.alarm;
      let runIt = a.actionsEnabled && actionsFor(a, c.current.value).length > 0;
      // Suppression is decided first: the event carries it (detail.state.actionsSuppressedBy).
      if (runIt && a.type === 'CompositeAlarm' && a.actionsSuppressor !== undefined) {
        this.pending = this.pending.filter((p) => p.alarm !== a.name);
        const verdict = this.suppression(a, now);
        this.markSuppressed(a, verdict, records);
        if (verdict === 'WaitPeriod') this.pending.push({ alarm: a.name, change: c, until: now + (a.actionsSuppressorWaitPeriod ?? 0) * 1000 });
        runIt = verdict === 'None';
      }
      for (const l of this.listeners) {
        try { l(stateChangeEvent(c)); } catch (e) { this.deps.log.warn({ err: String(e) }, 'alarm state-change listener failed'); }
      }
      if (runIt) run.push(c);
    }
    // Composite actions whose wait period is over.
    const still: PendingActions[] = [];
    for (const p of this.pending) {
      const a = this.alarms.get(p.alarm) as CompositeAlarm | undefined;
      // A composite that has since entered a cycle runs no actions, not even delayed ones.
      if (!a || a.state.value !== p.change.current.value || cycles.has(a.name)) continue;
      const sup = a.actionsSuppressor !== undefined ? this.resolveRef(a.actionsSuppressor) : undefined;
      if (sup?.state.value === 'ALARM') { this.markSuppressed(a, 'Alarm', records); continue; }
      if (now < p.until) { still.push(p); continue; }
      this.markSuppressed(a, 'None', records);
      run.push(p.change);
    }
    this.pending = still;
    this.journal.append(records);
    for (const c of run) {
      const subject = snsSubject(c);
      const message = snsMessage(c);
      for (const arn of actionsFor(c.alarm, c.current.value)) {
        let ok = true;
        let error = '';
        try {
          await this.deps.notifications.publish({ TopicArn: arn, Subject: subject, Message: message });
        } catch (e) {
          ok = false;
          error = e instanceof Error ? e.message : String(e);
        }
        items.push({
          alarmName: c.alarm.name, alarmType: c.alarm.type, timestamp: now, type: 'Action',
          summary: ok ? `Successfully executed action ${arn}` : `Failed to execute action ${arn}. Received error: "${error}"`,
          data: JSON.stringify(ok
            ? { actionState: 'Succeeded', stateUpdateTimestamp: c.current.transitioned, notificationResource: arn, publishedMessage: message }
            : { actionState: 'Failed', stateUpdateTimestamp: c.current.transitioned, notificationResource: arn, error }),
        });
      }
    }
    this.history.add(items);
  }

  /** Whether a composite's actions are suppressed now ('None' = run them). */
  private suppression(a: CompositeAlarm, now: number): 'None' | 'Alarm' | 'ExtensionPeriod' | 'WaitPeriod' {
    const sup = this.resolveRef(a.actionsSuppressor!);
    if (!sup) return 'None';
    if (sup.state.value === 'ALARM') return 'Alarm';
    const ext = (a.actionsSuppressorExtensionPeriod ?? 0) * 1000;
    // The suppressor left ALARM recently: suppression extends past it.
    if (ext > 0 && sup.state.transitioned <= now && now < sup.state.transitioned + ext && this.leftAlarm(sup)) return 'ExtensionPeriod';
    if ((a.actionsSuppressorWaitPeriod ?? 0) > 0) return 'WaitPeriod';
    return 'None';
  }

  private leftAlarm(sup: Alarm): boolean {
    const last = this.history.query({ alarmName: sup.name, types: [sup.type], itemType: 'StateUpdate', ascending: false }, Date.now())[0];
    if (!last) return false;
    try { return (JSON.parse(last.data) as { oldState?: { stateValue?: string } }).oldState?.stateValue === 'ALARM'; } catch { return false; }
  }

  private markSuppressed(a: CompositeAlarm, by: string, records: JournalRecord[]): void {
    // AWS's wording, e.g. "Actions suppressed by WaitPeriod".
    const reason = by === 'None' ? undefined : `Actions suppressed by ${by}`;
    a.actionsSuppressedBy = by;
    a.actionsSuppressedReason = reason;
    records.push({ op: 'state', name: a.name, state: a.state, by, byReason: reason });
  }
}

function initialState(now: number): AlarmStateInfo {
  return { value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation', updated: now, transitioned: now };
}

function stateDoc(s: AlarmStateInfo): Record<string, unknown> {
  const d: Record<string, unknown> = { stateValue: s.value, stateReason: s.reason };
  if (s.reasonData !== undefined) { try { d.stateReasonData = JSON.parse(s.reasonData) as unknown; } catch { d.stateReasonData = s.reasonData; } }
  return d;
}

function collectFns(n: RuleNode, out: Map<string, StateValue[]>): void {
  if (n.k === 'state') out.set(n.ref, [...(out.get(n.ref) ?? []), n.fn]);
  else if (n.k === 'not') collectFns(n.a, out);
  else if (n.k === 'and' || n.k === 'or') { collectFns(n.a, out); collectFns(n.b, out); }
}

/**
 * The evaluation window at `now`: the newest period ends at the last minute boundary (period
 * boundary for 10/20/30-second alarms), so only complete periods are evaluated; the range is
 * N + 2 periods.
 */
export function window(c: CompiledAlarm, now: number): { start: number; end: number } {
  const P = c.period * 1000;
  const step = c.period < 60 ? P : MINUTE;
  const end = Math.floor(now / step) * step;
  return { start: end - c.range * P, end };
}
