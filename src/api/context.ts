/** What every API handler receives: the stores and who is calling from where. */
import type { Logger } from 'pino';
import type { LogStore } from '../store/log-store.js';
import type { QueryManager } from '../query/query-manager.js';
import type { SavedQueries } from '../store/saved-queries.js';
import type { MetricStore } from '../metrics/store.js';
import type { MetricFilterStore } from '../metrics/metric-filters.js';
import type { NotificationService } from '../notify/service.js';
import type { AlarmService } from '../alarms/service.js';
import type { AnomalyDetectorService } from '../metrics/anomaly/service.js';
import type { DashboardService } from '../dashboards/service.js';

export interface ServiceContext {
  store: LogStore;
  queries: QueryManager;
  savedQueries: SavedQueries;
  /** CloudWatch metrics (PutMetricData, GetMetricStatistics, ListMetrics, GetMetricData). */
  metrics: MetricStore;
  /** Metric filters on log groups (PutMetricFilter), applied to every durable batch. */
  metricFilters: MetricFilterStore;
  /** SNS-compatible topics and the delivery outbox. */
  notifications: NotificationService;
  /** Metric and composite alarms and their evaluation. */
  alarms: AlarmService;
  anomalyDetectors: AnomalyDetectorService;
  dashboards: DashboardService;
  accountId: string;
  log: Logger;
}

export interface CallContext extends ServiceContext {
  region: string;
  principal: string;
}

export type Handler = (input: Record<string, unknown>, ctx: CallContext) => Promise<Record<string, unknown>>;
