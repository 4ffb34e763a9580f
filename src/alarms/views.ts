/** Alarms as DescribeAlarms returns them (MetricAlarm / CompositeAlarm shapes), also written into history documents. */
import type { Alarm, CompositeAlarm, MetricAlarm } from './model.js';

function common(a: Alarm): Record<string, unknown> {
  const o: Record<string, unknown> = {
    AlarmName: a.name,
    AlarmArn: a.arn,
    AlarmDescription: a.description,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configUpdated),
    ActionsEnabled: a.actionsEnabled,
    OKActions: a.okActions,
    AlarmActions: a.alarmActions,
    InsufficientDataActions: a.insufficientDataActions,
    StateValue: a.state.value,
    StateReason: a.state.reason,
    StateReasonData: a.state.reasonData,
    StateUpdatedTimestamp: new Date(a.state.updated),
    StateTransitionedTimestamp: new Date(a.state.transitioned),
  };
  return o;
}

export function metricAlarmView(a: MetricAlarm): Record<string, unknown> {
  return strip({
    ...common(a),
    MetricName: a.metricName,
    Namespace: a.namespace,
    Statistic: a.statistic,
    ExtendedStatistic: a.extendedStatistic,
    Dimensions: a.dimensions ?? [],
    Period: a.period,
    Unit: a.unit,
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    TreatMissingData: a.treatMissingData,
    EvaluateLowSampleCountPercentile: a.evaluateLowSampleCountPercentile,
    Metrics: a.metrics,
    ThresholdMetricId: a.thresholdMetricId,
  });
}

export function compositeAlarmView(a: CompositeAlarm): Record<string, unknown> {
  return strip({
    ...common(a),
    AlarmRule: a.alarmRule,
    ActionsSuppressor: a.actionsSuppressor,
    ActionsSuppressorWaitPeriod: a.actionsSuppressorWaitPeriod,
    ActionsSuppressorExtensionPeriod: a.actionsSuppressorExtensionPeriod,
    ActionsSuppressedBy: a.actionsSuppressedBy ?? 'None',
    ActionsSuppressedReason: a.actionsSuppressedReason,
  });
}

export function alarmView(a: Alarm): Record<string, unknown> {
  return a.type === 'MetricAlarm' ? metricAlarmView(a) : compositeAlarmView(a);
}

function strip(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** JSON for history documents: timestamps in AWS's `+0000` form. */
export function historyJson(v: unknown): string {
  return JSON.stringify(v, function (this: Record<string, unknown>, k: string, x: unknown) {
    const raw = this[k];
    return raw instanceof Date ? raw.toISOString().replace('Z', '+0000') : x;
  });
}
