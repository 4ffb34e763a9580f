/**
 * What a monitoring pack is: the resources it wants to exist, written in the AWS API's own input
 * shapes (PutMetricFilter, PutMetricAlarm, PutDashboard), so a pack installs through the public
 * API against any Trailwatch server, local or remote.
 */

/** PutMetricFilter input (CloudWatch Logs, AWS JSON 1.1). */
export interface MetricFilterInput {
  logGroupName: string;
  filterName: string;
  filterPattern: string;
  metricTransformations: [{ metricName: string; metricNamespace: string; metricValue: string; unit?: string }];
}

/** PutMetricAlarm input (CloudWatch), limited to the single-metric form packs use. */
export interface MetricAlarmInput {
  AlarmName: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  AlarmActions: string[];
  OKActions: string[];
  InsufficientDataActions: string[];
  Namespace: string;
  MetricName: string;
  Dimensions: Array<{ Name: string; Value: string }>;
  Statistic: 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount';
  Period: number;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  Threshold: number;
  ComparisonOperator: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
  TreatMissingData: 'missing' | 'notBreaching' | 'breaching' | 'ignore';
  Unit?: string;
}

/** PutDashboard input; the body is kept as an object and serialized when sent. */
export interface DashboardInput {
  DashboardName: string;
  DashboardBody: DashboardBody;
}

export interface DashboardBody {
  start?: string;
  periodOverride?: 'auto' | 'inherit';
  widgets: Widget[];
}

export interface Widget {
  type: 'metric' | 'alarm' | 'text';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

/** Everything one installation of a pack wants to exist. */
export interface PackResources {
  metricFilters: MetricFilterInput[];
  alarms: MetricAlarmInput[];
  /** Built once the alarms exist, because alarm widgets name alarms by ARN. */
  dashboard?: (alarmArns: Map<string, string>) => DashboardInput;
}

/** One entry of a pack's contents, for `pack show`. */
export interface PackItem {
  /** The benchmark's own id, e.g. `4.3` (CIS 1.4+ numbering). */
  id: string;
  title: string;
  /** Cross-references (older benchmark numbers, Security Hub control ids). */
  refs: string[];
  filterName: string;
  filterPattern: string;
  metricName: string;
  alarmName: string;
}

export interface PackOptions {
  logGroupName: string;
  topicArn: string;
  namespace?: string;
  region: string;
}

export interface Pack {
  name: string;
  title: string;
  description: string;
  /** The namespace metrics go to when `--namespace` is not given. */
  defaultNamespace: string;
  dashboardName: string;
  items(): PackItem[];
  resources(o: PackOptions): PackResources;
}
