/** What every API handler receives: the stores and who is calling from where. */
import type { Logger } from 'pino';
import type { LogStore } from '../store/log-store.js';
import type { QueryManager } from '../query/query-manager.js';
import type { SavedQueries } from '../store/saved-queries.js';
import type { MetricStore } from '../metrics/store.js';
import type { MetricFilterStore } from '../metrics/metric-filters.js';

export interface ServiceContext {
  store: LogStore;
  queries: QueryManager;
  savedQueries: SavedQueries;
  /** CloudWatch metrics (PutMetricData, GetMetricStatistics, ListMetrics, GetMetricData). */
  metrics: MetricStore;
  /** Metric filters on log groups (PutMetricFilter), applied to every durable batch. */
  metricFilters: MetricFilterStore;
  accountId: string;
  log: Logger;
}

export interface CallContext extends ServiceContext {
  region: string;
  principal: string;
}

export type Handler = (input: Record<string, unknown>, ctx: CallContext) => Promise<Record<string, unknown>>;
