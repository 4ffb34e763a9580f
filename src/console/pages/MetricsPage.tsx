import { useMemo } from 'preact/hooks';
import { allPages, cloudwatch, type Metric } from '../lib/api';
import { dashRangeFromQuery, dashRangeToQuery, DASH_PRESETS, defaultLabel, effectivePeriod, resolveDashRange, type DashRange } from '../lib/dashboard-model';
import { formatTime } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { PALETTE } from '../lib/chart';
import { ErrorBanner } from '../components/ErrorBanner';
import { MetricChart } from '../components/MetricChart';

export const STATS = ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount', 'p50', 'p90', 'p95', 'p99'];
export const PERIODS: { label: string; sec: number }[] = [
  { label: 'Auto', sec: 0 }, { label: '10 seconds', sec: 10 }, { label: '1 minute', sec: 60 }, { label: '5 minutes', sec: 300 },
  { label: '15 minutes', sec: 900 }, { label: '1 hour', sec: 3600 }, { label: '6 hours', sec: 21_600 }, { label: '1 day', sec: 86_400 },
];
const MAX_GRAPHED = 10;

/** A dimension set's key in the address: the sorted names as a JSON array (`[]` for none). */
const dimKey = (m: Metric) => JSON.stringify((m.Dimensions ?? []).map((d) => d.Name).sort());
const dimNamesOf = (key: string): string[] => { try { const a = JSON.parse(key) as unknown; return Array.isArray(a) ? a.map(String) : []; } catch { return []; } };
const metricId = (m: Metric) => JSON.stringify([m.Namespace, m.MetricName, ...(m.Dimensions ?? []).flatMap((d) => [d.Name, d.Value])]);
function metricFromId(s: string): Metric | null {
  try {
    const a = JSON.parse(s) as unknown;
    if (!Array.isArray(a) || a.length < 2 || !a.every((x) => typeof x === 'string')) return null;
    const dims = [];
    for (let i = 2; i + 1 < a.length; i += 2) dims.push({ Name: a[i] as string, Value: a[i + 1] as string });
    return { Namespace: a[0] as string, MetricName: a[1] as string, Dimensions: dims };
  } catch { return null; }
}

/** Browse metrics (ListMetrics) by namespace → dimension set → metric, and graph the chosen ones (GetMetricData). */
export function MetricsPage({ query }: { query: URLSearchParams }) {
  const ns = query.get('ns') ?? '';
  const dims = query.get('dims');
  const chosen = query.getAll('m').map(metricFromId).filter((m): m is Metric => m !== null).slice(0, MAX_GRAPHED);
  const stat = query.get('stat') ?? 'Average';
  const period = Number(query.get('period') ?? 0) || 0;
  const range: DashRange = dashRangeFromQuery(query) ?? { kind: 'relative', ms: 3 * 3600_000 };

  const go = (changes: Record<string, string | string[] | undefined>) => {
    const q: Record<string, string | string[] | undefined> = {
      ns, dims: dims ?? undefined, m: chosen.map(metricId), stat: stat === 'Average' ? undefined : stat, period: period ? String(period) : undefined, ...dashRangeToQuery(range), ...changes,
    };
    if ('range' in changes) { q.from = undefined; q.to = undefined; }
    navigate(href.metrics(q), true);
  };

  const all = useLoad((signal) => allPages<Metric, Awaited<ReturnType<typeof cloudwatch.listMetrics>>>((t) => cloudwatch.listMetrics({ NextToken: t }, signal), (r) => r.Metrics), []);
  const namespaces = useMemo(() => {
    const m = new Map<string, number>();
    for (const x of all.data ?? []) m.set(x.Namespace, (m.get(x.Namespace) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [all.data]);
  const inNs = useMemo(() => (all.data ?? []).filter((m) => m.Namespace === ns), [all.data, ns]);
  const dimSets = useMemo(() => {
    const m = new Map<string, number>();
    for (const x of inNs) m.set(dimKey(x), (m.get(dimKey(x)) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [inNs]);
  const metrics = useMemo(() => (dims === null ? [] : inNs.filter((m) => dimKey(m) === dims)
    .sort((a, b) => a.MetricName.localeCompare(b.MetricName) || metricId(a).localeCompare(metricId(b)))), [inNs, dims]);
  const dimNames = dims ? dimNamesOf(dims) : [];
  const isChosen = (m: Metric) => chosen.some((c) => metricId(c) === metricId(m));
  const toggle = (m: Metric) => go({ m: isChosen(m) ? chosen.filter((c) => metricId(c) !== metricId(m)).map(metricId) : [...chosen, m].slice(-MAX_GRAPHED).map(metricId) });

  return (
    <section class="page page-wide" aria-labelledby="page-title">
      <header class="page-header">
        <div>
          <h1 id="page-title" tabIndex={-1}>Metrics</h1>
          <p class="muted page-sub">{all.data === null ? 'Loading…' : `${all.data.length} metrics with data in the last two weeks, in ${namespaces.length} ${namespaces.length === 1 ? 'namespace' : 'namespaces'}`}</p>
        </div>
      </header>
      <ErrorBanner error={all.error} />
      <MetricGraph metrics={chosen} onRemove={toggle} stat={stat} period={period} range={range} onRange={(r) => go(dashRangeToQuery(r))} onStat={(s) => go({ stat: s === 'Average' ? undefined : s })} onPeriod={(p) => go({ period: p ? String(p) : undefined })} />
      <div class="metrics-browser">
        <nav class="panel browse-col" aria-label="Namespaces">
          <h2 class="browse-title">Namespaces</h2>
          <ul class="browse-list" data-testid="namespace-list">
            {namespaces.map(([n, count]) => (
              <li key={n}><button type="button" class={`browse-item${n === ns ? ' active' : ''}`} aria-pressed={n === ns} data-testid="namespace" data-name={n} onClick={() => go({ ns: n, dims: undefined })}><span>{n}</span><span class="count">{count}</span></button></li>
            ))}
            {all.data !== null && !namespaces.length && <li class="muted browse-empty">No metrics yet. Send some with <code>aws cloudwatch put-metric-data</code>.</li>}
          </ul>
        </nav>
        <nav class="panel browse-col" aria-label="Dimension sets">
          <h2 class="browse-title">{ns ? `${ns}: dimensions` : 'Dimensions'}</h2>
          <ul class="browse-list" data-testid="dimension-sets">
            {dimSets.map(([k, count]) => (
              <li key={k}><button type="button" class={`browse-item${k === dims ? ' active' : ''}`} aria-pressed={k === dims} data-testid="dimension-set" data-name={k} onClick={() => go({ dims: k })}><span>{dimNamesOf(k).join(', ') || 'Metrics with no dimensions'}</span><span class="count">{count}</span></button></li>
            ))}
            {!ns && <li class="muted browse-empty">Choose a namespace.</li>}
          </ul>
        </nav>
        <div class="panel browse-metrics">
          <table class="table" data-testid="metric-table">
            <caption class="visually-hidden">Metrics</caption>
            <thead><tr><th scope="col" class="col-check"><span class="visually-hidden">Graph</span></th>{dimNames.map((d) => <th key={d} scope="col">{d}</th>)}<th scope="col">Metric name</th></tr></thead>
            <tbody>
              {metrics.map((m) => {
                const id = metricId(m);
                const label = `Graph ${defaultLabel(m)}`;
                return (
                  <tr key={id} data-testid="metric-row" data-metric={m.MetricName}>
                    <td class="col-check"><input type="checkbox" checked={isChosen(m)} onChange={() => toggle(m)} aria-label={label} data-testid="metric-check" /></td>
                    {dimNames.map((d) => <td key={d}>{m.Dimensions?.find((x) => x.Name === d)?.Value}</td>)}
                    <td>{m.MetricName}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {dims === null && <div class="empty muted">{ns ? 'Choose a dimension set.' : 'Choose a namespace, then a dimension set.'}</div>}
        </div>
      </div>
    </section>
  );
}

function MetricGraph({ metrics, onRemove, stat, period, range, onRange, onStat, onPeriod }: {
  metrics: Metric[]; onRemove: (m: Metric) => void; stat: string; period: number; range: DashRange;
  onRange: (r: DashRange) => void; onStat: (s: string) => void; onPeriod: (p: number) => void;
}) {
  const rangeKey = JSON.stringify(range);
  const { from, to } = useMemo(() => resolveDashRange(range), [rangeKey, metrics.length]);
  const p = period || effectivePeriod(to - from, undefined, 'auto');
  const key = metrics.map(metricId).join('\n');
  const data = useLoad(async (signal) => {
    if (!metrics.length) return [];
    const r = await cloudwatch.getMetricData({
      MetricDataQueries: metrics.map((m, i) => ({ Id: `m${i}`, MetricStat: { Metric: m, Period: p, Stat: stat }, Label: defaultLabel(m) })),
      StartTime: from, EndTime: to, ScanBy: 'TimestampAscending',
    }, signal);
    return r.MetricDataResults ?? [];
  }, [key, stat, p, from, to]);
  const series = useMemo(() => metrics.map((m, i) => {
    const r = data.data?.find((x) => x.Id === `m${i}`);
    const pts = (r?.Timestamps ?? []).map((t, j) => [t * 1000, r!.Values[j]] as const).sort((a, b) => a[0] - b[0]);
    return { label: defaultLabel(m), color: PALETTE[i % PALETTE.length], times: pts.map((x) => x[0]), values: pts.map((x) => x[1]) };
  }), [data.data]);

  return (
    <div class="panel metric-graph" data-testid="metric-graph" aria-busy={data.loading}>
      <div class="panel-header graph-tools">
        <div class="segmented" role="group" aria-label="Time range">
          {DASH_PRESETS.map((x) => {
            const active = range.kind === 'relative' && range.ms === x.ms;
            return <button key={x.iso} type="button" class={active ? 'active' : ''} aria-pressed={active} onClick={() => onRange({ kind: 'relative', ms: x.ms })}>{x.label}</button>;
          })}
        </div>
        {range.kind === 'absolute' && <span class="muted">{formatTime(range.from, false)} → {formatTime(range.to, false)}</span>}
        <label class="field-inline"><span>Statistic</span>
          <select value={stat} onChange={(e) => onStat(e.currentTarget.value)} data-testid="graph-stat">{STATS.map((s) => <option key={s} value={s}>{s}</option>)}</select>
        </label>
        <label class="field-inline"><span>Period</span>
          <select value={period} onChange={(e) => onPeriod(Number(e.currentTarget.value))} data-testid="graph-period">{PERIODS.map((x) => <option key={x.sec} value={x.sec}>{x.sec === 0 ? `Auto (${p < 3600 ? `${p / 60} min` : `${p / 3600} h`})` : x.label}</option>)}</select>
        </label>
      </div>
      <ErrorBanner error={data.error} />
      {metrics.length
        ? <MetricChart series={series} from={from} to={to} height={330} label="Graphed metrics" onZoom={(a, b) => onRange({ kind: 'absolute', from: a, to: b })} testId="graph-chart" />
        : <div class="empty muted">Tick metrics below to graph them (up to {MAX_GRAPHED}).</div>}
      {metrics.length > 0 && (
        <ul class="graphed" aria-label="Graphed metrics" data-testid="graphed">
          {metrics.map((m, i) => (
            <li key={metricId(m)} class="graphed-chip">
              <span class="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />
              <span title={`${m.Namespace} · ${defaultLabel(m)}`}>{m.Namespace} · {defaultLabel(m)}</span>
              <button type="button" aria-label={`Remove ${defaultLabel(m)} from the graph`} onClick={() => onRemove(m)}>×</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
