/**
 * PutMetricAlarm: a static-threshold alarm on one metric (Statistic or ExtendedStatistic), on a
 * metric math expression (`Metrics`), or on an anomaly detection band (`ThresholdMetricId`), with
 * AWS's rules and messages (fact sheet 3.2, 4.1, 4.4, 4.6).
 */
import type { Handler } from '../../context.js';
import { validPeriod } from '../../../metrics/periods.js';
import { CLASSIC_STATS, parseStat } from '../../../metrics/statistics.js';
import { callsOf, type Node } from '../../../metrics/math/parser.js';
import { ALARM_LIMITS, BAND_OPERATORS, STATIC_OPERATORS, TREAT_MISSING, isBandOperator, type ComparisonOperator, type MetricQuerySpec, type TreatMissingData } from '../../../alarms/model.js';
import { readQuery } from '../metric-data-query.js';
import { combination, invalid, invalidValue } from '../errors.js';
import { dimensions, integer, list, namespace, text, unit, type Input } from '../params.js';
import { actions, alarmName, call, optionalBool, tags, validation } from './common.js';
import type { Query } from '../../../metrics/metric-data.js';

/** Alarm periods: 10, 20, 30 (high resolution) or a multiple of 60. */
const alarmPeriodOk = (p: number) => validPeriod(p) && p >= 10 && p !== 5;

function enumValue<T extends string>(o: Input, name: string, values: readonly T[], required = false): T | undefined {
  const v = text(o, name, name, { required });
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw invalid(`The value ${v} for parameter ${name} is invalid. Valid values: ${values.join(', ')}.`);
  return v as T;
}

function checkRange(period: number, n: number): void {
  const max = period >= 3600 ? ALARM_LIMITS.rangeLongMax : ALARM_LIMITS.rangeShortMax;
  if (period * n > max) {
    throw validation(period >= 3600
      ? `Metrics cannot be checked across more than 7 days (EvaluationPeriods * Period must be <= ${max})`
      : `Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= ${max})`);
  }
}

const SINGLE_ONLY = ['MetricName', 'Namespace', 'Statistic', 'ExtendedStatistic', 'Dimensions', 'Period', 'Unit'] as const;

/** Reads `Metrics` (metric math / anomaly band) and returns it in the API's shape, validated. */
function readMetrics(input: Input, accountId: string, thresholdMetricId: string | undefined): { specs: MetricQuerySpec[]; period: number } {
  const raw = list<Input>(input, 'Metrics', 'Metrics', { min: 1 })!;
  const seen = new Set<string>();
  const queries: Query[] = raw.map((q, i) => readQuery(q, i, seen, 'Metrics'));
  const stats = queries.filter((q) => q.kind === 'stat');
  if (stats.length > ALARM_LIMITS.metricsMax) throw validation(`Alarms on math expressions cannot contain more than ${ALARM_LIMITS.metricsMax} individual metrics`);
  const returning = queries.filter((q) => q.returnData && q.id !== thresholdMetricId);
  if (returning.length !== 1) throw validation('Exactly one element of the metrics list should return data.');
  raw.forEach((q, i) => {
    const acct = q.AccountId;
    if (acct !== undefined && acct !== null && acct !== accountId) throw validation(`Metrics.member.${i + 1}.AccountId ${String(acct)} is not this account: cross-account alarms are not supported by this server.`);
  });
  const periods = new Set<number>();
  for (const q of queries) {
    if (q.kind === 'stat') periods.add(q.period);
    else if (q.period !== undefined) periods.add(q.period);
    if (q.kind === 'expr') {
      for (const fn of ['SEARCH', 'INSIGHT_RULE_METRIC', 'SERVICE_QUOTA']) {
        if (callsOf(q.ast, fn).length) throw validation(`Error in expression ${q.id}: ${fn} is not supported in alarms.`);
      }
    }
  }
  if (periods.size > 1) throw validation('All metrics in an alarm must have the same period.');
  const period = [...periods][0] ?? 60;
  if (!alarmPeriodOk(period)) throw validation(`The period ${period} of the metrics is invalid: it must be 10, 20, 30, or a multiple of 60.`);
  if (thresholdMetricId !== undefined) {
    const band = queries.find((q) => q.id === thresholdMetricId);
    if (!band) throw validation(`ThresholdMetricId ${thresholdMetricId} does not match the Id of any element of the metrics list.`);
    const ast: Node | undefined = band.kind === 'expr' ? band.ast : undefined;
    if (!ast || ast.k !== 'call' || ast.name !== 'ANOMALY_DETECTION_BAND') throw validation(`ThresholdMetricId ${thresholdMetricId} must be the Id of an ANOMALY_DETECTION_BAND expression.`);
  }
  const specs: MetricQuerySpec[] = queries.map((q, i) => {
    const r = raw[i];
    const spec: MetricQuerySpec = { Id: q.id };
    if (q.kind === 'stat') spec.MetricStat = { Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: q.dimensions }, Period: q.period, Stat: q.stat, ...(q.unit !== undefined ? { Unit: q.unit } : {}) };
    else spec.Expression = q.expression;
    if (q.label !== undefined) spec.Label = q.label;
    spec.ReturnData = q.returnData;
    if (q.kind === 'expr' && q.period !== undefined) spec.Period = q.period;
    if (typeof r.AccountId === 'string') spec.AccountId = r.AccountId;
    return spec;
  });
  return { specs, period };
}

export const PutMetricAlarm: Handler = async (input, ctx) => {
  const name = alarmName(input)!;
  const description = text(input, 'AlarmDescription', 'AlarmDescription', { max: ALARM_LIMITS.descriptionMax });
  const actionsEnabled = optionalBool(input, 'ActionsEnabled') ?? true;
  const okActions = actions(input, 'OKActions');
  const alarmActions = actions(input, 'AlarmActions');
  const insufficientDataActions = actions(input, 'InsufficientDataActions');
  const evaluationPeriods = integer(input, 'EvaluationPeriods', 'EvaluationPeriods', { required: true, min: 1 })!;
  const comparisonOperator = enumValue<ComparisonOperator>(input, 'ComparisonOperator', [...STATIC_OPERATORS, ...BAND_OPERATORS], true)!;
  const datapointsToAlarm = integer(input, 'DatapointsToAlarm', 'DatapointsToAlarm', { min: 1 });
  if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) throw validation('DatapointsToAlarm must be less than or equal to EvaluationPeriods');
  const treatMissingData = enumValue<TreatMissingData>(input, 'TreatMissingData', TREAT_MISSING);
  const lowSample = enumValue(input, 'EvaluateLowSampleCountPercentile', ['evaluate', 'ignore'] as const);
  const thresholdMetricId = text(input, 'ThresholdMetricId', 'ThresholdMetricId', { min: 1, max: 255 });
  const threshold = input.Threshold;
  if (threshold !== undefined && threshold !== null && (typeof threshold !== 'number' || !Number.isFinite(threshold))) throw invalidValue(threshold, 'Threshold');
  const alarmTags = tags(input);
  if (input.EvaluationCriteria !== undefined && input.EvaluationCriteria !== null) throw invalid('The parameter EvaluationCriteria (PromQL alarms) is not supported by this server.');
  if (input.EvaluationInterval !== undefined && input.EvaluationInterval !== null) throw combination('The parameter EvaluationInterval can only be used with EvaluationCriteria.');

  // Threshold kinds: a static Threshold, or an anomaly band named by ThresholdMetricId.
  if (isBandOperator(comparisonOperator)) {
    if (thresholdMetricId === undefined) throw validation(`ThresholdMetricId must be set when ComparisonOperator is ${comparisonOperator}.`);
  } else if (thresholdMetricId !== undefined) {
    throw validation(`ComparisonOperator ${comparisonOperator} cannot be used with ThresholdMetricId; use LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold or GreaterThanUpperThreshold.`);
  }
  if (thresholdMetricId !== undefined && typeof threshold === 'number') throw combination('The parameters Threshold and ThresholdMetricId are mutually exclusive and you have specified both.');
  if (thresholdMetricId === undefined && typeof threshold !== 'number') throw validation('Threshold must not be null');

  const hasMetrics = input.Metrics !== undefined && input.Metrics !== null;
  const common = {
    name, description, actionsEnabled, okActions, alarmActions, insufficientDataActions, tags: alarmTags,
    evaluationPeriods, datapointsToAlarm, comparisonOperator, treatMissingData, evaluateLowSampleCountPercentile: lowSample,
    threshold: typeof threshold === 'number' ? threshold : undefined, thresholdMetricId,
  };
  if (hasMetrics) {
    for (const p of SINGLE_ONLY) if (input[p] !== undefined && input[p] !== null) throw validation(`${p} should not be set if list of Metrics is set.`);
    const { specs, period } = readMetrics(input, ctx.accountId, thresholdMetricId);
    checkRange(period, evaluationPeriods);
    await call(() => ctx.alarms.putMetricAlarm({ ...common, metrics: specs }));
    return {};
  }
  if (thresholdMetricId !== undefined) throw validation('ThresholdMetricId can only be used with a list of Metrics holding an ANOMALY_DETECTION_BAND expression.');
  const metricName = text(input, 'MetricName', 'MetricName', { min: 1, max: 255 });
  if (metricName === undefined) throw validation('MetricName must not be null');
  const ns = namespace(input, 'Namespace');
  if (ns === undefined) throw validation('Namespace must not be null');
  const statistic = text(input, 'Statistic', 'Statistic');
  const extendedStatistic = text(input, 'ExtendedStatistic', 'ExtendedStatistic');
  if (statistic !== undefined && extendedStatistic !== undefined) throw combination('The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both.');
  if (statistic === undefined && extendedStatistic === undefined) throw combination('Exactly one of the parameters Statistic and ExtendedStatistic must be specified.');
  if (statistic !== undefined && !(CLASSIC_STATS as string[]).includes(statistic)) throw invalid(`The value ${statistic} for parameter Statistic is invalid. Valid values: ${CLASSIC_STATS.join(', ')}.`);
  if (extendedStatistic !== undefined) {
    const spec = parseStat(extendedStatistic);
    if (!spec || spec.kind === 'classic') throw invalidValue(extendedStatistic, 'ExtendedStatistic');
  }
  const period = integer(input, 'Period', 'Period', { min: 1 });
  if (period === undefined) throw validation('Period must not be null');
  if (!alarmPeriodOk(period)) throw invalid('The parameter Period must be 10, 20, 30, or a multiple of 60.');
  checkRange(period, evaluationPeriods);
  const dims = dimensions(input, 'Dimensions');
  await call(() => ctx.alarms.putMetricAlarm({
    ...common, metricName, namespace: ns, statistic, extendedStatistic, dimensions: dims, period, unit: unit(input, 'Unit'),
  }));
  return {};
};
