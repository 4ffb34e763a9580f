/** Smithy shapes of the CloudWatch alarm operations (2010-08-01 model), as the protocols need them. */
import { bool, dbl, int, list, str, struct, ts } from '../../protocols/types.js';
import { Dimensions, MetricDataQuery } from '../shapes.js';

const Tag = struct({ Key: str, Value: str });
const Names = list(str);

export const PutMetricAlarmInput = struct({
  AlarmName: str, AlarmDescription: str, ActionsEnabled: bool,
  OKActions: Names, AlarmActions: Names, InsufficientDataActions: Names,
  MetricName: str, Namespace: str, Statistic: str, ExtendedStatistic: str, Dimensions, Period: int, Unit: str,
  EvaluationPeriods: int, DatapointsToAlarm: int, Threshold: dbl, ComparisonOperator: str, TreatMissingData: str,
  EvaluateLowSampleCountPercentile: str, Metrics: list(MetricDataQuery), Tags: list(Tag), ThresholdMetricId: str,
  EvaluationCriteria: struct({ PromQLCriteria: struct({ Query: str, PendingPeriod: int, RecoveryPeriod: int }) }),
  EvaluationInterval: int,
});

export const PutCompositeAlarmInput = struct({
  ActionsEnabled: bool, AlarmActions: Names, AlarmDescription: str, AlarmName: str, AlarmRule: str,
  InsufficientDataActions: Names, OKActions: Names, Tags: list(Tag),
  ActionsSuppressor: str, ActionsSuppressorWaitPeriod: int, ActionsSuppressorExtensionPeriod: int,
});

const MetricAlarm = struct({
  AlarmName: str, AlarmArn: str, AlarmDescription: str, AlarmConfigurationUpdatedTimestamp: ts, ActionsEnabled: bool,
  OKActions: Names, AlarmActions: Names, InsufficientDataActions: Names, StateValue: str, StateReason: str, StateReasonData: str,
  StateUpdatedTimestamp: ts, MetricName: str, Namespace: str, Statistic: str, ExtendedStatistic: str, Dimensions, Period: int,
  Unit: str, EvaluationPeriods: int, DatapointsToAlarm: int, Threshold: dbl, ComparisonOperator: str, TreatMissingData: str,
  EvaluateLowSampleCountPercentile: str, Metrics: list(MetricDataQuery), ThresholdMetricId: str, EvaluationState: str,
  StateTransitionedTimestamp: ts, EvaluationInterval: int,
});

const CompositeAlarm = struct({
  ActionsEnabled: bool, AlarmActions: Names, AlarmArn: str, AlarmConfigurationUpdatedTimestamp: ts, AlarmDescription: str,
  AlarmName: str, AlarmRule: str, InsufficientDataActions: Names, OKActions: Names, StateReason: str, StateReasonData: str,
  StateUpdatedTimestamp: ts, StateValue: str, StateTransitionedTimestamp: ts, ActionsSuppressedBy: str, ActionsSuppressedReason: str,
  ActionsSuppressor: str, ActionsSuppressorWaitPeriod: int, ActionsSuppressorExtensionPeriod: int,
});

export const DescribeAlarmsInput = struct({
  AlarmNames: Names, AlarmNamePrefix: str, AlarmTypes: Names, ChildrenOfAlarmName: str, ParentsOfAlarmName: str,
  StateValue: str, ActionPrefix: str, MaxRecords: int, NextToken: str,
});
export const DescribeAlarmsOutput = struct({ CompositeAlarms: list(CompositeAlarm), MetricAlarms: list(MetricAlarm), NextToken: str });

export const DescribeAlarmsForMetricInput = struct({
  MetricName: str, Namespace: str, Statistic: str, ExtendedStatistic: str, Dimensions, Period: int, Unit: str,
});
export const DescribeAlarmsForMetricOutput = struct({ MetricAlarms: list(MetricAlarm) });

export const DeleteAlarmsInput = struct({ AlarmNames: Names });
export const AlarmNamesInput = struct({ AlarmNames: Names });

export const SetAlarmStateInput = struct({ AlarmName: str, StateValue: str, StateReason: str, StateReasonData: str });

export const DescribeAlarmHistoryInput = struct({
  AlarmName: str, AlarmContributorId: str, AlarmTypes: Names, HistoryItemType: str, StartDate: ts, EndDate: ts,
  MaxRecords: int, NextToken: str, ScanBy: str,
});
export const DescribeAlarmHistoryOutput = struct({
  AlarmHistoryItems: list(struct({
    AlarmName: str, AlarmContributorId: str, AlarmType: str, Timestamp: ts, HistoryItemType: str, HistorySummary: str,
    HistoryData: str, AlarmContributorAttributes: list(struct({ Key: str, Value: str })),
  })),
  NextToken: str,
});

export const TagResourceInput = struct({ ResourceARN: str, Tags: list(Tag) });
export const UntagResourceInput = struct({ ResourceARN: str, TagKeys: Names });
export const ListTagsForResourceInput = struct({ ResourceARN: str });
export const ListTagsForResourceOutput = struct({ Tags: list(Tag) });
