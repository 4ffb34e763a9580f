/**
 * Assembles a running Trailwatch: engine (embedded child process or remote ClickHouse), log
 * store, credentials, HTTP API and console, background retention, self-logging, demo data.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { pino, multistream, type Logger } from 'pino';
import { EmbeddedEngine } from '../store/embedded-engine.js';
import { RemoteEngine } from '../store/remote-engine.js';
import type { Engine } from '../store/engine.js';
import { LogStore } from '../store/log-store.js';
import { AccessKeyStore, type AccessKey } from '../auth/access-keys.js';
import { createApiServer } from '../api/server.js';
import { SelfLogSink } from './self-log.js';
import { loadDemoData } from './demo-loader.js';
import { demoMonitoring } from './demo-monitoring.js';
import { QueryManager } from '../query/query-manager.js';
import { SavedQueries } from '../store/saved-queries.js';
import { ImportService, formatTableSpecs } from '../sources/import/importer.js';
import { loadImportConfig } from '../sources/import/config.js';
import { DERIVED_METRICS_LINGER_MS, MetricStore } from '../metrics/store.js';
import { emfProcessor } from '../metrics/emf.js';
import { onRejected, registerProcessor } from '../ingest/processors.js';
import { MetricFilterStore } from '../metrics/metric-filters.js';
import type { AppDeps } from './deps.js';
import { NotificationService } from '../notify/service.js';
import { AnomalyDetectorService } from '../metrics/anomaly/service.js';
import { AlarmService } from '../alarms/service.js';
import { DashboardService } from '../dashboards/service.js';
import { SelfMetrics } from './self-metrics.js';

export interface ServeOptions {
  dataDir: string;
  port?: number;
  host?: string;
  demo?: boolean;
  /** A ClickHouse server URL; when absent the embedded engine is used. */
  engineUrl?: string;
  accountId?: string;
  region?: string;
  logLevel?: string;
  /** Memory cap of the embedded engine process. */
  engineMemoryBytes?: number;
  quiet?: boolean;
  retentionIntervalMs?: number;
  /** Import configuration file (default `<data>/import.json`, or TRAILWATCH_IMPORT_CONFIG). */
  importConfig?: string;
  /** How often Trailwatch publishes its own metrics (namespace `Trailwatch`, docs/self-metrics.md); default 60 s. */
  selfMetricsIntervalMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  store: LogStore;
  keys: AccessKeyStore;
  adminKey: AccessKey;
  generatedKey: AccessKey | null;
  log: Logger;
  /** CloudWatch metrics (docs/metrics.md). */
  metrics: MetricStore;
  /** Alarms (docs/alarms.md): tests drive `alarms.evaluateAll(now)` themselves. */
  alarms: AlarmService;
  enginePid?: number;
  close(): Promise<void>;
}

function consoleDir(): string | undefined {
  // dist/app/start.js -> dist/console ; src/app/start.ts -> dist/console
  const here = fileURLToPath(new URL('.', import.meta.url));
  // Only a built console counts (src/console holds the Vite sources, whose index.html is not servable).
  for (const c of [join(here, '..', 'console'), join(here, '..', '..', 'dist', 'console')]) {
    if (existsSync(join(c, 'index.html')) && existsSync(join(c, 'assets'))) return c;
  }
  return undefined;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sink = new SelfLogSink();
  const streams = [{ stream: sink, level: (o.logLevel ?? 'info') as pino.Level }];
  if (!o.quiet) streams.push({ stream: process.stdout as unknown as SelfLogSink, level: (o.logLevel ?? 'info') as pino.Level });
  const log = pino({ level: o.logLevel ?? 'info', base: { service: 'trailwatch' }, redact: ['*.secretAccessKey', '*.authorization', 'secretAccessKey'] }, multistream(streams));

  let engine: Engine;
  let embedded: EmbeddedEngine | undefined;
  if (o.engineUrl) engine = new RemoteEngine(o.engineUrl);
  else engine = embedded = new EmbeddedEngine({ dataDir: join(dataDir, 'engine'), memoryBytes: o.engineMemoryBytes });
  // Every log format's table (src/sources/registry.ts), so imported events get their typed columns.
  const store = new LogStore(join(dataDir, 'store'), engine, formatTableSpecs());
  await store.open();
  embedded?.on('restart', (err: Error) => {
    log.error({ err: err.message }, 'engine process died; restarted, replaying the write-ahead log');
    store.recoverAfterEngineRestart().then(() => log.info('engine recovery complete'), (e: unknown) => log.error({ err: String(e) }, 'engine recovery failed'));
  });

  // CloudWatch metrics on the same engine, with a background rollup/retention job (docs/metrics.md);
  // EMF log events become metrics through a post-append processor.
  const metrics = new MetricStore(join(dataDir, 'metrics'), engine, { log });
  await metrics.init();
  metrics.startBackground();
  const metricFilters = new MetricFilterStore(join(dataDir, 'metrics'));
  registerProcessor(store, async (batch) => {
    const datums = metricFilters.evaluate(batch.group.name, batch.events);
    if (datums.length) await metrics.put(datums, { lingerMs: DERIVED_METRICS_LINGER_MS });
  }, { name: 'metric-filters', onError: (e) => log.warn({ err: String(e) }, 'metric filter evaluation failed') });
  registerProcessor(store, emfProcessor(metrics), { name: 'emf', onError: (e) => log.warn({ err: String(e) }, 'EMF metric extraction failed') });

  const keys = new AccessKeyStore(dataDir);
  const accountId = o.accountId ?? process.env.TRAILWATCH_ACCOUNT_ID ?? '000000000000';
  const region = o.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const queries = new QueryManager(engine, async () => (await import('../query/insights/index.js')).runInsightsQuery);
  const savedQueries = new SavedQueries(join(dataDir, 'store'));
  // Notifications, anomaly models, alarms and dashboards: each keeps its own files under dataDir.
  const deps: AppDeps = { dataDir, engine, store, metrics, metricFilters, log, accountId, region };
  const notifications = await NotificationService.open(deps);
  const anomalyDetectors = await AnomalyDetectorService.open(deps);
  const alarms = await AlarmService.open({ ...deps, notifications, anomalyDetectors });
  const dashboards = await DashboardService.open(deps);
  const importer = new ImportService(store, { dataDir, accountId, region, log, config: loadImportConfig(dataDir, o.importConfig) });
  const server = createApiServer({ store, queries, savedQueries, metrics, metricFilters, notifications, alarms, anomalyDetectors, dashboards, accountId, log, keys, consoleDir: consoleDir(), defaultRegion: region, importer });
  // Pipeline self-metrics, and the health alarms and dashboard created through the CloudWatch operations when absent.
  const selfMetrics = await SelfMetrics.start({
    store, metrics, queries, notifications, log, intervalMs: o.selfMetricsIntervalMs,
    probes: { storeQueueBytes: () => store.queueBytes }, hooked: ['RejectedEvents'],
    api: { store, queries, savedQueries, metrics, metricFilters, notifications, alarms, anomalyDetectors, dashboards, accountId, log, region, principal: 'trailwatch' },
  });
  onRejected(store, (n) => selfMetrics.recordRejected(n));
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(o.port ?? 4566, host, () => res()); });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  notifications.setPublicUrl(url);

  sink.attach(store);
  const retention = setInterval(() => {
    store.enforceRetention().catch((e: unknown) => log.warn({ err: String(e) }, 'retention sweep failed'));
  }, o.retentionIntervalMs ?? 10 * 60_000);
  retention.unref();

  if (o.demo && store.meta.groups.size === 0) {
    const started = Date.now();
    const ctx = { store, queries, savedQueries, metrics, metricFilters, notifications, alarms, anomalyDetectors, dashboards, accountId, log, region, principal: 'trailwatch' };
    const n = await loadDemoData(store, { prepareGroup: demoMonitoring(ctx, log) });
    log.info({ events: n, ms: Date.now() - started }, 'demo dataset loaded');
  }
  log.info({ url, dataDir, engine: o.engineUrl ? 'remote' : 'embedded' }, 'trailwatch listening');

  return {
    url, port, store, keys, adminKey: keys.first(), generatedKey: keys.generated, log, metrics, alarms, enginePid: embedded?.pid,
    async close() {
      clearInterval(retention);
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
      await queries.close();
      await sink.detach();
      await importer.close();
      await alarms.close();
      await dashboards.close();
      await anomalyDetectors.close();
      await notifications.close();
      await selfMetrics.close();
      await metrics.close();
      await store.close();
    },
  };
}
