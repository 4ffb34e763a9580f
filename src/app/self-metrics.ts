/**
 * Trailwatch's own pipeline metrics, published every minute (configurable) into the metric store
 * in namespace `Trailwatch` (docs/self-metrics.md), plus the default health alarms and the
 * `Trailwatch-health` dashboard, created at start through the CloudWatch API operations when absent.
 *
 * Sources, all read without reaching into other components: a post-append processor (events,
 * bytes, ingest latency), the query manager's records (query durations), and optional probes and
 * `record*` hooks for what other components have to report themselves (rejections, queue depth,
 * delivery failures). A metric is published only once it has a source, so a graph never shows a
 * made-up zero.
 */
import type { Logger } from 'pino';
import type { LogStore } from '../store/log-store.js';
import type { MetricStore } from '../metrics/store.js';
import type { Datum, Sample } from '../metrics/model.js';
import type { QueryManager } from '../query/query-manager.js';
import type { CallContext } from '../api/context.js';
import { registerProcessor, type IngestedBatch } from '../ingest/processors.js';
import { installResources } from '../packs/install.js';
import { inProcessApi } from './in-process-api.js';
import { HEALTH_NAMESPACE, SELF_METRICS, healthResources, type SelfMetricName } from '../packs/trailwatch-health.js';

export const DEFAULT_SELF_METRICS_INTERVAL_MS = 60_000;

/** What the notification service counts (src/notify/service.ts `counters()`). */
export interface NotificationCounterSource { failedAttempts: number; deadLettered: number; outboxDepth: number }
/** Distinct values kept per interval for a distribution; beyond it a statistic set is published. */
const MAX_DISTINCT_SAMPLES = 150;

export interface SelfMetricsOptions {
  store: LogStore;
  metrics: MetricStore;
  log: Logger;
  queries?: QueryManager;
  /** How often to publish (ms). */
  intervalMs?: number;
  /** The notification service: its `counters()` (since start) are read at each publication. */
  notifications?: { counters?: () => NotificationCounterSource };
  /** Gauges other components expose, read at each publication. */
  probes?: {
    /** Bytes waiting for the engine (a gauge). */
    storeQueueBytes?: () => number;
  };
  /** Metrics whose `record*` hook a component calls (published, and alarmed on, from the start). */
  hooked?: Array<'RejectedEvents'>;
  /** The API context to create the default alarms and dashboard with; absent: no defaults. */
  api?: CallContext;
}

/** Values observed during one interval: weighted samples by value. */
class Distribution {
  private readonly m = new Map<number, number>();
  add(value: number, count = 1): void { this.m.set(value, (this.m.get(value) ?? 0) + count); }
  get size(): number { return this.m.size; }
  take(): Pick<Datum, 'samples' | 'stats'> | undefined {
    if (!this.m.size) return undefined;
    const samples: Sample[] = [...this.m].map(([value, count]) => ({ value, count }));
    this.m.clear();
    if (samples.length <= MAX_DISTINCT_SAMPLES) return { samples };
    let sampleCount = 0, sum = 0, min = Infinity, max = -Infinity;
    for (const s of samples) { sampleCount += s.count; sum += s.value * s.count; if (s.value < min) min = s.value; if (s.value > max) max = s.value; }
    return { stats: { sampleCount, sum, min, max } };
  }
}

export class SelfMetrics {
  private readonly counters = new Map<SelfMetricName, number>();
  private readonly distributions = new Map<SelfMetricName, Distribution>();
  /** Metrics with a source: only these are published. */
  private readonly sourced = new Set<SelfMetricName>();
  /** Last reading of each cumulative counter, to publish differences. */
  private readonly lastTotals = new Map<SelfMetricName, number>();
  private lastQueryScan = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private unregister: (() => void) | undefined;

  private constructor(private readonly o: SelfMetricsOptions) {}

  /** Starts collecting and publishing, and creates the default alarms and dashboard when absent. */
  static async start(o: SelfMetricsOptions): Promise<SelfMetrics> {
    const s = new SelfMetrics(o);
    s.sourced.add('IngestedEvents').add('IngestedBytes').add('IngestLatency');
    if (o.queries) s.sourced.add('QueryDuration');
    if (o.probes?.storeQueueBytes) s.sourced.add('StoreQueueBytes');
    if (typeof o.notifications?.counters === 'function') s.sourced.add('NotificationDeliveryFailures').add('NotificationsDeadLettered').add('NotificationOutboxDepth');
    for (const h of o.hooked ?? []) s.sourced.add(h);
    s.unregister = registerProcessor(o.store, (b) => s.onBatch(b), { name: 'self-metrics' });
    const fromEnv = Number(process.env.TRAILWATCH_SELF_METRICS_INTERVAL_MS);
    // At least 1 s: the store keeps standard-resolution data per minute anyway.
    const interval = Math.max(1000, o.intervalMs ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_SELF_METRICS_INTERVAL_MS));
    s.timer = setInterval(() => { void s.flush(); }, interval);
    s.timer.unref();
    if (o.api) await s.ensureDefaults(o.api);
    return s;
  }

  /** Hook: events refused individually by an ingest path (too old, too new, expired, too large). */
  recordRejected(count: number): void { this.count('RejectedEvents', count); }

  private count(name: SelfMetricName, n: number): void {
    this.sourced.add(name);
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }

  /** A cumulative counter read from elsewhere: counts what it grew by since the last reading. */
  private countTotal(name: SelfMetricName, total: number): void {
    if (!Number.isFinite(total)) return;
    const last = this.lastTotals.get(name) ?? 0;
    this.lastTotals.set(name, total);
    this.count(name, Math.max(0, total - last));
  }

  private observe(name: SelfMetricName, value: number, count = 1): void {
    let d = this.distributions.get(name);
    if (!d) this.distributions.set(name, d = new Distribution());
    d.add(value, count);
  }

  private onBatch(b: IngestedBatch): void {
    let bytes = 0;
    for (const e of b.events) bytes += Buffer.byteLength(e.message);
    this.count('IngestedEvents', b.events.length);
    this.count('IngestedBytes', bytes);
    // The store stamps the stream with the batch's acceptance time; processors run once it is
    // durable and after the metric-filter and EMF processors, so now − that is the ingest latency.
    // A concurrent batch on the same stream may have stamped a later time (an underestimate).
    const accepted = b.stream.lastIngestionTime;
    if (typeof accepted === 'number') this.observe('IngestLatency', Math.max(0, Date.now() - accepted));
  }

  /** The datums for the interval ending `now`; resets the counters. */
  collect(now = Date.now()): Datum[] {
    const out: Datum[] = [];
    const datum = (name: SelfMetricName, v: Pick<Datum, 'samples' | 'stats'>): Datum => ({ namespace: HEALTH_NAMESPACE, metricName: name, dimensions: [], timestamp: now, unit: SELF_METRICS[name].unit, resolution: 60, ...v });
    const probes = this.o.probes ?? {};
    if (probes.storeQueueBytes) this.observe('StoreQueueBytes', probes.storeQueueBytes());
    const n = this.o.notifications;
    if (typeof n?.counters === 'function') {
      try {
        const c = n.counters();
        this.countTotal('NotificationDeliveryFailures', c.failedAttempts);
        this.countTotal('NotificationsDeadLettered', c.deadLettered);
        this.observe('NotificationOutboxDepth', c.outboxDepth);
      } catch (e) {
        this.o.log.warn({ err: String(e) }, 'self-metrics: reading the notification counters failed');
      }
    }
    if (this.o.queries) {
      for (const q of this.o.queries.list()) {
        if (q.finishedAt !== undefined && q.finishedAt > this.lastQueryScan && q.finishedAt <= now) this.observe('QueryDuration', Math.max(0, q.finishedAt - q.createTime));
      }
      this.lastQueryScan = now;
    }
    for (const name of this.sourced) {
      if (SELF_METRICS[name].kind !== 'counter') {
        const v = this.distributions.get(name)?.take();
        if (v) out.push(datum(name, v));
      } else {
        // Counters are published every interval, zero included: "nothing happened" is data.
        out.push(datum(name, { samples: [{ value: this.counters.get(name) ?? 0, count: 1 }] }));
        this.counters.set(name, 0);
      }
    }
    return out;
  }

  /** Publishes the current interval now (also run by the timer). */
  flush(now = Date.now()): Promise<void> {
    if (this.flushing) return this.flushing;
    const datums = this.collect(now);
    this.flushing = (async () => {
      try {
        if (datums.length) await this.o.metrics.put(datums);
      } catch (e) {
        this.o.log.warn({ err: String(e) }, 'self-metrics: publishing failed');
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Creates the default health alarms and dashboard through the CloudWatch operations, never overwriting. */
  async ensureDefaults(ctx: CallContext): Promise<void> {
    const api = inProcessApi(ctx);
    try {
      const changes = await installResources(api, healthResources({ region: ctx.region, published: this.sourced }), { createOnly: true });
      const skipped = changes.filter((c) => c.action === 'skipped');
      if (skipped.length) this.o.log.warn({ skipped: skipped.map((c) => `${c.kind} ${c.name}: ${c.reason}`) }, 'self-metrics: some health defaults were not created');
      const created = changes.filter((c) => c.action === 'created').map((c) => c.name);
      if (created.length) this.o.log.info({ created }, 'self-metrics: health alarms and dashboard created');
    } catch (e) {
      this.o.log.warn({ err: String(e) }, 'self-metrics: creating the health alarms and dashboard failed');
    }
  }

  /** Stops the timer and publishes the last partial interval. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unregister?.();
    await this.flushing;
    await this.flush();
  }
}
