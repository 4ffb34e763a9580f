/** The alarm model: metric and composite alarm definitions, their state and history items (fact sheet 4.1, 4.3). */
import type { Dimension } from '../metrics/model.js';

export type StateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export const STATE_VALUES: readonly StateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export type AlarmType = 'MetricAlarm' | 'CompositeAlarm';

export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';
export const TREAT_MISSING: readonly TreatMissingData[] = ['breaching', 'notBreaching', 'ignore', 'missing'];

export const STATIC_OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'] as const;
export const BAND_OPERATORS = ['LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'] as const;
export type ComparisonOperator = typeof STATIC_OPERATORS[number] | typeof BAND_OPERATORS[number];
export const isBandOperator = (op: string): boolean => (BAND_OPERATORS as readonly string[]).includes(op);

export interface Tag { Key: string; Value: string }

export interface AlarmStateInfo {
  value: StateValue;
  reason: string;
  /** JSON text, as DescribeAlarms returns it. */
  reasonData?: string;
  /** Last change of the value or the reason (ms). */
  updated: number;
  /** Last change of the value (ms). */
  transitioned: number;
}

/** One entry of an alarm's `Metrics`, kept in the API's shape (DescribeAlarms returns it unchanged). */
export interface MetricQuerySpec {
  Id: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: Dimension[] }; Period: number; Stat: string; Unit?: string };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
  AccountId?: string;
}

interface AlarmCommon {
  name: string;
  arn: string;
  description?: string;
  actionsEnabled: boolean;
  okActions: string[];
  alarmActions: string[];
  insufficientDataActions: string[];
  configUpdated: number;
  tags: Tag[];
  state: AlarmStateInfo;
}

export interface MetricAlarm extends AlarmCommon {
  type: 'MetricAlarm';
  metricName?: string;
  namespace?: string;
  statistic?: string;
  extendedStatistic?: string;
  dimensions?: Dimension[];
  period?: number;
  unit?: string;
  evaluationPeriods: number;
  /** As given (DescribeAlarms omits it when it was not); M defaults to N. */
  datapointsToAlarm?: number;
  threshold?: number;
  comparisonOperator: ComparisonOperator;
  treatMissingData?: TreatMissingData;
  evaluateLowSampleCountPercentile?: 'evaluate' | 'ignore';
  metrics?: MetricQuerySpec[];
  thresholdMetricId?: string;
}

export interface CompositeAlarm extends AlarmCommon {
  type: 'CompositeAlarm';
  alarmRule: string;
  actionsSuppressor?: string;
  actionsSuppressorWaitPeriod?: number;
  actionsSuppressorExtensionPeriod?: number;
  /** 'None' | 'WaitPeriod' | 'ExtensionPeriod' | 'Alarm' (set once the composite has had actions to run). */
  actionsSuppressedBy?: string;
  actionsSuppressedReason?: string;
}

export type Alarm = MetricAlarm | CompositeAlarm;

export type HistoryItemType = 'ConfigurationUpdate' | 'StateUpdate' | 'Action';

export interface HistoryItem {
  alarmName: string;
  alarmType: AlarmType;
  timestamp: number;
  type: HistoryItemType;
  summary: string;
  /** JSON text. */
  data: string;
}

/** AWS limits (fact sheet 3.2, 4.1, 4.3). */
export const ALARM_LIMITS = {
  nameMax: 255,
  descriptionMax: 1024,
  actionsMax: 5,
  metricsMax: 10,
  /** Period × EvaluationPeriods for periods under an hour… */
  rangeShortMax: 86_400,
  /** …and for periods of an hour or more. */
  rangeLongMax: 604_800,
  ruleMax: 10_240,
  ruleChildrenMax: 100,
  reasonMax: 1023,
  reasonDataMax: 4000,
  describeNamesMax: 100,
  tagsMax: 50,
  /** History is kept two weeks. */
  historyMs: 14 * 86_400_000,
} as const;

export function alarmArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
}
