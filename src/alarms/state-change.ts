/**
 * The one place a state change becomes output (fact sheet 4.8): the SNS notification (subject and
 * JSON message, as alarm actions publish it) and the EventBridge `CloudWatch Alarm State Change`
 * event (source aws.cloudwatch) handed to `onStateChange` listeners.
 */
import { randomUUID } from 'node:crypto';
import type { Alarm, AlarmStateInfo, MetricAlarm, StateValue } from './model.js';
import { awsJsonDate, javaJson, Int } from './reason.js';

export interface StateChange {
  alarm: Alarm;
  previous: AlarmStateInfo;
  current: AlarmStateInfo;
  region: string;
  accountId: string;
}

export interface AlarmStateChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'CloudWatch Alarm State Change';
  source: 'aws.cloudwatch';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)', 'us-east-2': 'US East (Ohio)', 'us-west-1': 'US West (N. California)', 'us-west-2': 'US West (Oregon)',
  'af-south-1': 'Africa (Cape Town)', 'ap-east-1': 'Asia Pacific (Hong Kong)', 'ap-south-1': 'Asia Pacific (Mumbai)', 'ap-south-2': 'Asia Pacific (Hyderabad)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)', 'ap-northeast-2': 'Asia Pacific (Seoul)', 'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ap-southeast-1': 'Asia Pacific (Singapore)', 'ap-southeast-2': 'Asia Pacific (Sydney)', 'ap-southeast-3': 'Asia Pacific (Jakarta)', 'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ca-central-1': 'Canada (Central)', 'ca-west-1': 'Canada West (Calgary)', 'eu-central-1': 'EU (Frankfurt)', 'eu-central-2': 'EU (Zurich)',
  'eu-west-1': 'EU (Ireland)', 'eu-west-2': 'EU (London)', 'eu-west-3': 'EU (Paris)', 'eu-north-1': 'EU (Stockholm)', 'eu-south-1': 'EU (Milan)', 'eu-south-2': 'EU (Spain)',
  'il-central-1': 'Israel (Tel Aviv)', 'me-south-1': 'Middle East (Bahrain)', 'me-central-1': 'Middle East (UAE)', 'sa-east-1': 'South America (Sao Paulo)',
};

/** AWS's long region name ("US East (N. Virginia)"); unknown regions print as their code. */
export function regionLongName(region: string): string {
  return REGION_NAMES[region] ?? region;
}

/** The actions a transition into `state` runs. */
export function actionsFor(alarm: Alarm, state: StateValue): string[] {
  return state === 'ALARM' ? alarm.alarmActions : state === 'OK' ? alarm.okActions : alarm.insufficientDataActions;
}

/** `ALARM: "HighCPU" in US East (N. Virginia)`, cut to SNS's 100-character subject limit. */
export function snsSubject(c: StateChange): string {
  const s = `${c.current.value}: "${c.alarm.name}" in ${regionLongName(c.region)}`;
  return s.length > 100 ? s.slice(0, 100) : s;
}

const dims = (d: MetricAlarm['dimensions']) => (d ?? []).map((x) => ({ value: x.Value, name: x.Name }));

function trigger(a: MetricAlarm): Record<string, unknown> {
  const common = {
    Period: a.period !== undefined ? new Int(a.period) : undefined,
    EvaluationPeriods: new Int(a.evaluationPeriods),
    DatapointsToAlarm: a.datapointsToAlarm !== undefined ? new Int(a.datapointsToAlarm) : undefined,
    ComparisonOperator: a.comparisonOperator,
    Threshold: a.threshold,
    ThresholdMetricId: a.thresholdMetricId,
    TreatMissingData: a.treatMissingData ?? 'missing',
    EvaluateLowSampleCountPercentile: a.evaluateLowSampleCountPercentile ?? '',
  };
  if (a.metrics) {
    return {
      Metrics: a.metrics.map((m) => ({
        Id: m.Id,
        Expression: m.Expression,
        MetricStat: m.MetricStat && {
          Metric: { Dimensions: dims(m.MetricStat.Metric.Dimensions), MetricName: m.MetricStat.Metric.MetricName, Namespace: m.MetricStat.Metric.Namespace },
          Period: new Int(m.MetricStat.Period), Stat: m.MetricStat.Stat, Unit: m.MetricStat.Unit,
        },
        Label: m.Label,
        ReturnData: m.ReturnData !== false,
      })),
      ...common,
      Period: undefined,
    };
  }
  return {
    MetricName: a.metricName, Namespace: a.namespace,
    StatisticType: a.statistic !== undefined ? 'Statistic' : 'ExtendedStatistic',
    Statistic: a.statistic !== undefined ? a.statistic.toUpperCase() : a.extendedStatistic,
    Unit: a.unit ?? null, Dimensions: dims(a.dimensions), ...common,
  };
}

/** The SNS `Message` of an alarm notification (a JSON document). */
export function snsMessage(c: StateChange): string {
  const a = c.alarm;
  const body: Record<string, unknown> = {
    AlarmName: a.name,
    AlarmDescription: a.description ?? null,
    AWSAccountId: c.accountId,
    AlarmConfigurationUpdatedTimestamp: awsJsonDate(a.configUpdated),
    NewStateValue: c.current.value,
    NewStateReason: c.current.reason,
    StateChangeTime: awsJsonDate(c.current.transitioned),
    Region: regionLongName(c.region),
    AlarmArn: a.arn,
    OldStateValue: c.previous.value,
    OKActions: a.okActions,
    AlarmActions: a.alarmActions,
    InsufficientDataActions: a.insufficientDataActions,
  };
  if (a.type === 'MetricAlarm') body.Trigger = trigger(a);
  else body.AlarmRule = a.alarmRule;
  return javaJson(body);
}

function stateDetail(s: AlarmStateInfo): Record<string, unknown> {
  const d: Record<string, unknown> = { value: s.value, reason: s.reason, timestamp: awsJsonDate(s.transitioned) };
  if (s.reasonData !== undefined) d.reasonData = s.reasonData;
  return d;
}

function configuration(a: Alarm): Record<string, unknown> {
  if (a.type === 'CompositeAlarm') {
    return {
      alarmRule: a.alarmRule, description: a.description,
      actionsSuppressor: a.actionsSuppressor, actionsSuppressorWaitPeriod: a.actionsSuppressorWaitPeriod, actionsSuppressorExtensionPeriod: a.actionsSuppressorExtensionPeriod,
    };
  }
  const dimsObj = (d: MetricAlarm['dimensions']) => Object.fromEntries((d ?? []).map((x) => [x.Name, x.Value]));
  const metrics = a.metrics
    ? a.metrics.map((m) => ({
      id: m.Id, label: m.Label, expression: m.Expression, returnData: m.ReturnData !== false,
      metricStat: m.MetricStat && { metric: { namespace: m.MetricStat.Metric.Namespace, name: m.MetricStat.Metric.MetricName, dimensions: dimsObj(m.MetricStat.Metric.Dimensions) }, period: m.MetricStat.Period, stat: m.MetricStat.Stat, unit: m.MetricStat.Unit },
    }))
    : [{ id: randomUUID(), returnData: true, metricStat: { metric: { namespace: a.namespace, name: a.metricName, dimensions: dimsObj(a.dimensions) }, period: a.period, stat: a.statistic ?? a.extendedStatistic, unit: a.unit } }];
  return { description: a.description, metrics };
}

/** The EventBridge event AWS emits for a state change. */
export function stateChangeEvent(c: StateChange): AlarmStateChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: c.accountId,
    time: new Date(c.current.transitioned).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: c.region,
    resources: [c.alarm.arn],
    detail: {
      alarmName: c.alarm.name,
      state: c.alarm.type === 'CompositeAlarm' && c.alarm.actionsSuppressedBy !== undefined && c.alarm.actionsSuppressedBy !== 'None'
        ? { actionsSuppressedBy: c.alarm.actionsSuppressedBy, actionsSuppressedReason: c.alarm.actionsSuppressedReason, ...stateDetail(c.current) }
        : stateDetail(c.current),
      previousState: stateDetail(c.previous),
      configuration: JSON.parse(JSON.stringify(configuration(c.alarm))) as Record<string, unknown>,
    },
  };
}
