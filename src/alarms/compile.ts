/**
 * A metric alarm's definition turned into what each evaluation needs: the metric data queries
 * (evaluated by `evaluateQueries`, exactly as GetMetricData would), which result is the alarm's
 * datapoints, which is the anomaly band, and the period.
 */
import { parseExpression } from '../metrics/math/parser.js';
import type { Query, StatQuery } from '../metrics/metric-data.js';
import { parseStat } from '../metrics/statistics.js';
import type { MetricAlarm } from './model.js';
import { evaluationRange } from './evaluate-datapoints.js';

export interface CompiledAlarm {
  queries: Query[];
  /** The id whose series holds the alarm's datapoints. */
  valueId: string;
  /** SampleCount of the alarm's metric (single-metric alarms: StateReasonData and low-sample percentiles). */
  samplesId?: string;
  /** The ANOMALY_DETECTION_BAND expression (ThresholdMetricId). */
  bandId?: string;
  /** Seconds. */
  period: number;
  /** Percentile level of a single-metric percentile alarm. */
  percentile?: number;
  /**
   * Periods in the evaluation range. Anomaly bands need no earlier periods: the detector's model
   * trains on the metric's own history (src/metrics/anomaly/), not on the queried range.
   */
  range: number;
}

export function compileAlarm(a: MetricAlarm): CompiledAlarm {
  if (!a.metrics) {
    const stat = (a.statistic ?? a.extendedStatistic)!;
    const base = { namespace: a.namespace!, metricName: a.metricName!, dimensions: a.dimensions ?? [], period: a.period!, unit: a.unit };
    const value: StatQuery = { kind: 'stat', id: 'm1', returnData: true, stat, ...base };
    const samples: StatQuery = { kind: 'stat', id: 'samples', returnData: false, stat: 'SampleCount', ...base };
    const spec = parseStat(stat);
    return { queries: [value, samples], valueId: 'm1', samplesId: 'samples', period: a.period!, percentile: spec?.kind === 'p' ? spec.p : undefined, range: evaluationRange(a.evaluationPeriods) };
  }
  const queries: Query[] = a.metrics.map((m) => {
    const returnData = m.ReturnData !== false;
    if (m.MetricStat) {
      const s = m.MetricStat;
      return { kind: 'stat', id: m.Id, label: m.Label, returnData, namespace: s.Metric.Namespace, metricName: s.Metric.MetricName, dimensions: s.Metric.Dimensions ?? [], period: s.Period, stat: s.Stat, unit: s.Unit };
    }
    return { kind: 'expr', id: m.Id, label: m.Label, returnData, expression: m.Expression!, ast: parseExpression(m.Expression!), period: m.Period };
  });
  const valueId = queries.find((q) => q.returnData && q.id !== a.thresholdMetricId)!.id;
  const period = alarmPeriod(a);
  return { queries, valueId, bandId: a.thresholdMetricId, period, range: evaluationRange(a.evaluationPeriods) };
}

/** The period of a metric-math alarm: its MetricStats' period, else the expressions' Period. */
export function alarmPeriod(a: MetricAlarm): number {
  if (!a.metrics) return a.period!;
  for (const m of a.metrics) if (m.MetricStat) return m.MetricStat.Period;
  for (const m of a.metrics) if (m.Period !== undefined) return m.Period;
  return 60;
}
