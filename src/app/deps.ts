/** What every background service is built from (src/app/start.ts builds them in dependency order). */
import type { Logger } from 'pino';
import type { Engine } from '../store/engine.js';
import type { LogStore } from '../store/log-store.js';
import type { MetricStore } from '../metrics/store.js';
import type { MetricFilterStore } from '../metrics/metric-filters.js';

export interface AppDeps {
  /** The server's data directory; each service keeps its files in its own sub-directory. */
  dataDir: string;
  engine: Engine;
  store: LogStore;
  metrics: MetricStore;
  metricFilters: MetricFilterStore;
  log: Logger;
  accountId: string;
  /** The server's default region (ARNs it mints). */
  region: string;
}
