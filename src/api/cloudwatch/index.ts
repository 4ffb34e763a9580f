/**
 * The CloudWatch metrics service (`GraniteServiceVersion20100801`, SigV4 name `monitoring`):
 * one handler set, served by the awsQuery, AWS JSON 1.0 and RPC v2 CBOR protocol modules.
 */
import type { ProtocolService } from '../protocols/types.js';
import { CLOUDWATCH_ERRORS } from './errors.js';
import { PutMetricData } from './put-metric-data.js';
import { GetMetricStatistics } from './get-metric-statistics.js';
import { ListMetrics } from './list-metrics.js';
import { GetMetricData } from './get-metric-data.js';
import * as shapes from './shapes.js';
import { LIMITS } from '../../metrics/model.js';
import { ALARM_ERRORS, ALARM_OPERATIONS } from './alarm-operations.js';
import { ANOMALY_ERRORS, ANOMALY_OPERATIONS } from './anomaly-operations.js';
import { DASHBOARD_ERRORS, DASHBOARD_OPERATIONS } from './dashboard-operations.js';

export const CLOUDWATCH_SERVICE_NAME = 'GraniteServiceVersion20100801';

export const cloudwatchService: ProtocolService = {
  name: CLOUDWATCH_SERVICE_NAME,
  signingName: 'monitoring',
  version: '2010-08-01',
  xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  errors: { ...CLOUDWATCH_ERRORS, ...ALARM_ERRORS, ...ANOMALY_ERRORS, ...DASHBOARD_ERRORS },
  operations: {
    PutMetricData: { input: shapes.PutMetricDataInput, handler: PutMetricData },
    GetMetricStatistics: { input: shapes.GetMetricStatisticsInput, output: shapes.GetMetricStatisticsOutput, handler: GetMetricStatistics },
    ListMetrics: { input: shapes.ListMetricsInput, output: shapes.ListMetricsOutput, handler: ListMetrics },
    GetMetricData: { input: shapes.GetMetricDataInput, output: shapes.GetMetricDataOutput, handler: GetMetricData },
    ...ALARM_OPERATIONS,
    ...ANOMALY_OPERATIONS,
    ...DASHBOARD_OPERATIONS,
  },
};

/** Request size limits (bytes as received) per operation. */
export const CLOUDWATCH_BODY_LIMITS: Record<string, number> = { PutMetricData: LIMITS.maxPutBytes };
