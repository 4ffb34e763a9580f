/** The CloudWatch Logs operations served on AWS JSON 1.1 (`X-Amz-Target: Logs_20140328.<Op>`). */
import type { Handler } from '../context.js';
import * as groups from './groups.js';
import * as streams from './streams.js';
import * as events from './events.js';
import * as queries from './queries.js';
import * as metricFilterTest from './metric-filter-test.js';
import * as metricFilters from './metric-filters.js';

export const LOGS_TARGET_PREFIX = 'Logs_20140328';

const { RETENTION_DAYS: _retention, ...groupOps } = groups;

export const logsOperations: Record<string, Handler> = {
  ...groupOps,
  ...streams,
  ...events,
  ...queries,
  ...metricFilterTest,
  ...metricFilters,
};
