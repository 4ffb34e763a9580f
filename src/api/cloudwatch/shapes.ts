/** Smithy shapes of the CloudWatch metric operations (from the 2010-08-01 model), as the protocols need them. */
import { bool, dbl, int, list, map, str, struct, ts } from '../protocols/types.js';

// Shared by the metric, alarm and anomaly-detector operations.
export const Dimension = struct({ Name: str, Value: str });
export const Dimensions = list(Dimension);
export const Metric = struct({ Namespace: str, MetricName: str, Dimensions });
const StatisticSet = struct({ SampleCount: dbl, Sum: dbl, Minimum: dbl, Maximum: dbl });
const MetricDatum = struct({
  MetricName: str, Dimensions, Timestamp: ts, Value: dbl, StatisticValues: StatisticSet,
  Values: list(dbl), Counts: list(dbl), Unit: str, StorageResolution: int,
});
const MetricData = list(MetricDatum);
const Entity = struct({ KeyAttributes: map(str), Attributes: map(str) });
export const MetricStat = struct({ Metric, Period: int, Stat: str, Unit: str });
export const MetricDataQuery = struct({ Id: str, MetricStat, Expression: str, Label: str, ReturnData: bool, Period: int, AccountId: str });
const MessageData = struct({ Code: str, Value: str });

export const PutMetricDataInput = struct({
  Namespace: str,
  MetricData,
  EntityMetricData: list(struct({ Entity, MetricData })),
  StrictEntityValidation: bool,
});

export const GetMetricStatisticsInput = struct({
  Namespace: str, MetricName: str, Dimensions, StartTime: ts, EndTime: ts, Period: int,
  Statistics: list(str), ExtendedStatistics: list(str), Unit: str,
});
export const GetMetricStatisticsOutput = struct({
  Label: str,
  Datapoints: list(struct({
    Timestamp: ts, SampleCount: dbl, Average: dbl, Sum: dbl, Minimum: dbl, Maximum: dbl, Unit: str,
    ExtendedStatistics: map(dbl),
  })),
});

export const ListMetricsInput = struct({
  Namespace: str, MetricName: str, Dimensions: list(struct({ Name: str, Value: str })), NextToken: str,
  RecentlyActive: str, IncludeLinkedAccounts: bool, OwningAccount: str,
});
export const ListMetricsOutput = struct({ Metrics: list(Metric), NextToken: str, OwningAccounts: list(str) });

export const GetMetricDataInput = struct({
  MetricDataQueries: list(MetricDataQuery),
  StartTime: ts, EndTime: ts, NextToken: str, ScanBy: str, MaxDatapoints: int,
  LabelOptions: struct({ Timezone: str }),
});
export const GetMetricDataOutput = struct({
  MetricDataResults: list(struct({ Id: str, Label: str, Timestamps: list(ts), Values: list(dbl), StatusCode: str, Messages: list(MessageData) })),
  NextToken: str,
  Messages: list(MessageData),
});
