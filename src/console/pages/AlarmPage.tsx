import { useMemo } from 'preact/hooks';
import { cloudwatch, type MetricAlarm, type MetricDataQuery, type MetricDataResult } from '../lib/api';
import { dashRangeFromQuery, dashRangeToQuery, DASH_PRESETS, defaultLabel, resolveDashRange, type DashRange } from '../lib/dashboard-model';
import { formatTime } from '../lib/format';
import { formatValue } from '../lib/chart';
import { href, navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { ErrorBanner } from '../components/ErrorBanner';
import { AlarmStateChip } from '../components/AlarmStateChip';
import { MetricChart, type ChartSeries } from '../components/MetricChart';

const OPS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '>=', GreaterThanThreshold: '>', LessThanThreshold: '<', LessThanOrEqualToThreshold: '<=',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band', LessThanLowerThreshold: 'below the band', GreaterThanUpperThreshold: 'above the band',
};

const periodText = (s: number) => (s % 86_400 === 0 ? `${s / 86_400} d` : s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);

/** "CPUUtilization > 80 for 3 datapoints within 15 min". */
export function conditionOf(a: MetricAlarm): string {
  const what = a.MetricName ?? (a.Metrics?.find((m) => m.ReturnData !== false)?.Label ?? a.Metrics?.find((m) => m.ReturnData !== false)?.Id ?? 'expression');
  const op = OPS[a.ComparisonOperator ?? ''] ?? a.ComparisonOperator ?? '';
  const thr = a.Threshold !== undefined ? ` ${formatValue(a.Threshold)}` : a.ThresholdMetricId ? ` ${a.ThresholdMetricId}` : '';
  const n = a.DatapointsToAlarm ?? a.EvaluationPeriods ?? 1;
  const period = a.Period ?? a.Metrics?.find((m) => m.MetricStat)?.MetricStat?.Period;
  const within = a.EvaluationPeriods && period ? ` within ${periodText(a.EvaluationPeriods * period)}` : '';
  return `${what} ${op}${thr} for ${n} ${n === 1 ? 'datapoint' : 'datapoints'}${within}`;
}

/** Whether a datapoint breaches: against the static threshold, or against the band's bounds at its time. */
function breaches(op: string | undefined, v: number, t: { threshold?: number; upper?: number; lower?: number }): boolean {
  const { threshold: x, upper, lower } = t;
  switch (op) {
    case 'GreaterThanOrEqualToThreshold': return x !== undefined && v >= x;
    case 'GreaterThanThreshold': return x !== undefined && v > x;
    case 'LessThanThreshold': return x !== undefined && v < x;
    case 'LessThanOrEqualToThreshold': return x !== undefined && v <= x;
    case 'LessThanLowerOrGreaterThanUpperThreshold': return (lower !== undefined && v < lower) || (upper !== undefined && v > upper);
    case 'LessThanLowerThreshold': return lower !== undefined && v < lower;
    case 'GreaterThanUpperThreshold': return upper !== undefined && v > upper;
    default: return false;
  }
}

/** The band's two series are drawn right after the metric: its upper (index 1) and lower (2) bound. */
const BAND: [number, number] = [1, 2];

interface AlarmPlan { queries: MetricDataQuery[]; id: string; bandId?: string }

/**
 * The queries that reproduce an alarm's metric: its single metric, or its metric math with the
 * returned series, plus the ANOMALY_DETECTION_BAND of an anomaly detection alarm (ThresholdMetricId).
 */
function alarmQueries(a: MetricAlarm): AlarmPlan | null {
  if (a.Metrics?.length) {
    const bandId = a.ThresholdMetricId;
    const shown = a.Metrics.find((m) => m.Id !== bandId && m.ReturnData !== false) ?? a.Metrics.find((m) => m.Id !== bandId) ?? a.Metrics[0];
    return { queries: a.Metrics.map((m) => ({ ...m, ReturnData: m.Id === shown.Id || m.Id === bandId })), id: shown.Id, bandId };
  }
  if (!a.MetricName || !a.Namespace || !a.Period) return null;
  const stat = a.ExtendedStatistic ?? a.Statistic ?? 'Average';
  return { queries: [{ Id: 'm1', MetricStat: { Metric: { Namespace: a.Namespace, MetricName: a.MetricName, Dimensions: a.Dimensions ?? [] }, Period: a.Period, Stat: stat, Unit: a.Unit }, ReturnData: true }], id: 'm1' };
}

function sortedPoints(r: MetricDataResult): { times: number[]; values: number[] } {
  const pts = r.Timestamps.map((t, i) => [t * 1000, r.Values[i]] as const).sort((a, b) => a[0] - b[0]);
  return { times: pts.map((x) => x[0]), values: pts.map((x) => x[1]) };
}

/** One alarm: state, configuration, its metric with the threshold and the breaching datapoints, and its history. */
export function AlarmPage({ name, query }: { name: string; query: URLSearchParams }) {
  const range: DashRange = dashRangeFromQuery(query) ?? { kind: 'relative', ms: 3 * 3600_000 };
  const rangeKey = JSON.stringify(range);
  const loaded = useLoad((signal) => cloudwatch.describeAlarms({ AlarmNames: [name], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }, signal), [name]);
  const metric = loaded.data?.MetricAlarms?.[0];
  const composite = loaded.data?.CompositeAlarms?.[0];
  const alarm = metric ?? composite;
  const { from, to } = useMemo(() => resolveDashRange(range), [rangeKey, loaded.data]);
  const plan = metric ? alarmQueries(metric) : null;

  const data = useLoad(async (signal) => {
    if (!plan) return null;
    const r = await cloudwatch.getMetricData({ MetricDataQueries: plan.queries, StartTime: from, EndTime: to, ScanBy: 'TimestampAscending' }, signal);
    const results = r.MetricDataResults ?? [];
    // ANOMALY_DETECTION_BAND answers [upper, lower] under its one id.
    return { metric: results.find((x) => x.Id === plan.id) ?? null, band: plan.bandId ? results.filter((x) => x.Id === plan.bandId) : [] };
  }, [metric, from, to]);
  const history = useLoad((signal) => cloudwatch.describeAlarmHistory({ AlarmName: name, MaxRecords: 100, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }, signal), [name, loaded.data]);

  const series = useMemo((): ChartSeries[] => {
    const got = data.data?.metric;
    if (!got || !metric) return [];
    const label = metric.MetricName ? defaultLabel({ MetricName: metric.MetricName, Dimensions: metric.Dimensions }) : got.Label ?? plan?.id ?? 'value';
    const out: ChartSeries[] = [{ label, ...sortedPoints(got) }];
    const [upper, lower] = data.data!.band;
    if (upper && lower) {
      out.push({ label: 'Band upper bound', color: '#86939e', dash: true, ...sortedPoints(upper) });
      out.push({ label: 'Band lower bound', color: '#86939e', dash: true, ...sortedPoints(lower) });
    }
    return out;
  }, [data.data]);
  const marks = useMemo(() => {
    if (!metric || !series[0]) return [];
    const [s, upper, lower] = series;
    const at = (b: ChartSeries | undefined) => new Map(b ? b.times.map((t, i) => [t, b.values[i]]) : []);
    const up = at(upper), lo = at(lower);
    return s.times.map((t, i) => ({ t, v: s.values[i] }))
      .filter((p) => breaches(metric.ComparisonOperator, p.v, { threshold: metric.Threshold, upper: up.get(p.t), lower: lo.get(p.t) }));
  }, [series]);

  const setRange = (r: DashRange) => navigate(href.alarm(name, dashRangeToQuery(r)), true);

  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <div class="title-block">
          <nav class="breadcrumb" aria-label="Breadcrumb"><a href={href.alarms()}>Alarms</a><span aria-hidden="true">/</span></nav>
          <h1 id="page-title" tabIndex={-1}>{name}</h1>
          {alarm && <p class="page-sub alarm-head"><AlarmStateChip state={alarm.StateValue} /> <span class="muted">since {formatTime(alarm.StateUpdatedTimestamp !== undefined ? alarm.StateUpdatedTimestamp * 1000 : undefined, false)}</span></p>}
        </div>
      </header>
      <ErrorBanner error={loaded.error} />
      {loaded.data && !alarm && <div class="banner banner-error" role="alert" data-testid="alarm-missing">No alarm named “{name}” exists.</div>}
      {alarm && (
        <>
          <div class="panel alarm-facts">
            <dl class="alarm-dl" data-testid="alarm-facts">
              {alarm.StateReason && <><dt>Reason</dt><dd data-testid="alarm-reason">{alarm.StateReason}</dd></>}
              {alarm.AlarmDescription && <><dt>Description</dt><dd>{alarm.AlarmDescription}</dd></>}
              {metric && <><dt>Condition</dt><dd data-testid="alarm-condition">{conditionOf(metric)}</dd></>}
              {metric?.Namespace && <><dt>Metric</dt><dd>{metric.Namespace} · {metric.MetricName}{metric.Dimensions?.length ? ` · ${metric.Dimensions.map((d) => `${d.Name}=${d.Value}`).join(', ')}` : ''} · {metric.ExtendedStatistic ?? metric.Statistic} · {periodText(metric.Period ?? 60)}</dd></>}
              {metric?.TreatMissingData && <><dt>Missing data</dt><dd>{metric.TreatMissingData}</dd></>}
              {composite?.AlarmRule && <><dt>Rule</dt><dd><code>{composite.AlarmRule}</code></dd></>}
            </dl>
          </div>
          {metric && (
            <div class="panel metric-graph" data-testid="alarm-graph" aria-busy={data.loading}>
              <div class="panel-header graph-tools">
                <h2>Metric</h2>
                <div class="segmented" role="group" aria-label="Time range">
                  {DASH_PRESETS.map((x) => {
                    const active = range.kind === 'relative' && range.ms === x.ms;
                    return <button key={x.iso} type="button" class={active ? 'active' : ''} aria-pressed={active} onClick={() => setRange({ kind: 'relative', ms: x.ms })}>{x.label}</button>;
                  })}
                </div>
                <span class="muted" data-testid="alarm-breaches">{marks.length} breaching {marks.length === 1 ? 'datapoint' : 'datapoints'}</span>
              </div>
              <ErrorBanner error={data.error} />
              {plan
                ? <MetricChart series={series} from={from} to={to} height={310} threshold={metric.Threshold} band={series.length === 3 ? BAND : undefined} marks={marks} label={`${name} metric`} onZoom={(a, b) => setRange({ kind: 'absolute', from: a, to: b })} testId="alarm-chart" />
                : <div class="empty muted">This alarm has no metric to graph.</div>}
            </div>
          )}
          <div class="panel">
            <div class="panel-header"><h2>History</h2><span class="count">{history.data?.AlarmHistoryItems?.length ?? 0} items</span></div>
            <ErrorBanner error={history.error} />
            <table class="table" data-testid="alarm-history">
              <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Summary</th></tr></thead>
              <tbody>
                {(history.data?.AlarmHistoryItems ?? []).map((h, i) => (
                  <tr key={i} data-testid="history-row" data-type={h.HistoryItemType}>
                    <td>{formatTime(h.Timestamp * 1000, false)}</td>
                    <td>{h.HistoryItemType}</td>
                    <td class="cell-wrap">{h.HistorySummary}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {history.data && !history.data.AlarmHistoryItems?.length && <div class="empty muted">No history in the last two weeks.</div>}
          </div>
        </>
      )}
    </section>
  );
}
