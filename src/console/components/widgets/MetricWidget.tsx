import { useMemo } from 'preact/hooks';
import { cloudwatch, type MetricDataResult } from '../../lib/api';
import { effectivePeriod, metricQueries, rangeOf, resolveDashRange, type SeriesPlan, type Widget } from '../../lib/dashboard-model';
import { formatValue, PALETTE } from '../../lib/chart';
import { useLoad } from '../../lib/use-load';
import { MetricChart, type ChartSeries } from '../MetricChart';
import { WidgetFrame, WidgetMessage } from './WidgetFrame';

/** Grid row height and gap (px), shared with styles.css `.dash-grid`. */
export const ROW_PX = 40;
export const GAP_PX = 10;
export const widgetPixels = (units: number) => units * ROW_PX + (units - 1) * GAP_PX;

interface Props {
  widget: Widget;
  range: { from: number; to: number };
  periodOverride: 'auto' | 'inherit';
  nonce: number;
  onZoom: (from: number, to: number) => void;
}

interface Drawn { plan: SeriesPlan; result?: MetricDataResult; times: number[]; values: number[] }

/** A metric widget: GetMetricData for its rows, drawn as its `view` says. */
export function MetricWidget({ widget, range, periodOverride, nonce, onZoom }: Props) {
  const p = widget.properties;
  const view = typeof p.view === 'string' ? p.view : 'timeSeries';
  const title = typeof p.title === 'string' ? p.title : undefined;
  // A widget's own start/end win over the dashboard's range.
  const own = rangeOf(typeof p.start === 'string' ? p.start : undefined, typeof p.end === 'string' ? p.end : undefined);
  const { from, to } = own ? resolveDashRange(own) : range;
  const wholeRange = p.setPeriodToTimeRange === true && view !== 'timeSeries';
  const plan = useMemo(() => metricQueries(p, (ownPeriod) => (wholeRange ? Math.ceil((to - from) / 60_000) * 60 : effectivePeriod(to - from, ownPeriod, periodOverride))), [p, from, to, periodOverride, wholeRange]);

  const loaded = useLoad(async (signal) => {
    if (!plan.queries.length) return [] as MetricDataResult[];
    const results: MetricDataResult[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await cloudwatch.getMetricData({ MetricDataQueries: plan.queries, StartTime: from, EndTime: to, ScanBy: 'TimestampAscending', NextToken: token }, signal);
      for (const x of r.MetricDataResults ?? []) {
        // An expression returning an array (ANOMALY_DETECTION_BAND, SEARCH) answers several results under one Id, told apart by label.
        const had = results.find((y) => y.Id === x.Id && y.Label === x.Label);
        if (had) { had.Timestamps.push(...x.Timestamps); had.Values.push(...x.Values); } else results.push({ ...x, Timestamps: [...x.Timestamps], Values: [...x.Values] });
      }
      token = r.NextToken;
      if (!token) break;
    }
    return results;
  }, [plan, from, to, nonce]);

  const drawn: Drawn[] = useMemo(() => plan.series.flatMap((s): Drawn[] => {
    const results = loaded.data?.filter((r) => r.Id === s.id) ?? [];
    if (!results.length) return [{ plan: s, times: [], values: [] }];
    // One series per result: an array expression's members keep their own labels and colours.
    return results.map((result, k) => {
      const pairs = result.Timestamps.map((t, i) => [t * 1000, result.Values[i]] as const).sort((a, b) => a[0] - b[0]);
      const member = results.length > 1 ? { ...s, id: `${s.id}#${k}`, label: result.Label ?? `${s.label} ${k + 1}`, color: k === 0 ? s.color : undefined } : s;
      return { plan: member, result, times: pairs.map((x) => x[0]), values: pairs.map((x) => x[1]) };
    });
  }), [loaded.data, plan]);

  const chartH = Math.max(120, widgetPixels(widget.height) - (title ? 44 : 18));
  const legendHidden = (p.legend as { position?: unknown } | undefined)?.position === 'hidden';
  const axes = useMemo(() => axesOf(p), [p]);
  // Memoised: a new series array makes the chart rebuild its canvas.
  const series: ChartSeries[] = useMemo(() => drawn.map((d, i) => ({ label: d.plan.label, color: d.plan.color ?? PALETTE[i % PALETTE.length], times: d.times, values: d.values, yAxis: d.plan.yAxis })), [drawn]);
  const failed = drawn.filter((d) => d.result?.StatusCode && d.result.StatusCode !== 'Complete' && d.result.StatusCode !== 'PartialData');

  let body;
  if (loaded.error) body = <WidgetMessage error>{loaded.error.code}: {loaded.error.message}</WidgetMessage>;
  else if (!plan.queries.length) body = <WidgetMessage>No metrics in this widget.</WidgetMessage>;
  else if (!loaded.data) body = <WidgetMessage>Loading…</WidgetMessage>;
  else if (view === 'singleValue') body = <SingleValues drawn={drawn} />;
  else if (view === 'gauge') body = <Gauge drawn={drawn} props={p} />;
  else if (view === 'bar' || view === 'pie') body = <Bars drawn={drawn} pie={view === 'pie'} />;
  else if (view === 'table') body = <SummaryTable drawn={drawn} />;
  else {
    body = <MetricChart series={series} from={from} to={to} height={chartH} stacked={p.stacked === true} noLegend={legendHidden} lines={axes.lines} yLeft={axes.left} yRight={axes.right} onZoom={onZoom} label={title ?? 'Metric graph'} testId="widget-chart" />;
  }

  return (
    <WidgetFrame widget={widget} title={title} busy={loaded.loading}>
      <div class="metric-widget" data-view={view}>
        {body}
        {failed.map((d) => <WidgetMessage key={d.plan.id} error>{d.plan.label}: {d.result!.Messages?.map((m) => m.Value).join(' ') || d.result!.StatusCode}</WidgetMessage>)}
      </div>
    </WidgetFrame>
  );
}

type Bounds = { min?: number; max?: number };
/** `yAxis.left/right` min and max, and `annotations.horizontal` lines (single values; bands are drawn as their two edges). */
function axesOf(p: Record<string, unknown>): { left?: Bounds; right?: Bounds; lines: { value: number; label: string; color?: string }[] } {
  const y = (p.yAxis ?? {}) as { left?: Bounds; right?: Bounds };
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const bounds = (b?: Bounds) => (b ? { min: num(b.min), max: num(b.max) } : undefined);
  const lines: { value: number; label: string; color?: string }[] = [];
  const horizontal = ((p.annotations ?? {}) as { horizontal?: unknown }).horizontal;
  for (const a of Array.isArray(horizontal) ? horizontal.flat() : []) {
    const x = a as { value?: unknown; label?: unknown; color?: unknown; visible?: unknown };
    if (typeof x.value !== 'number' || x.visible === false) continue;
    lines.push({ value: x.value, label: typeof x.label === 'string' ? x.label : String(x.value), color: typeof x.color === 'string' ? x.color : undefined });
  }
  return { left: bounds(y.left), right: bounds(y.right), lines };
}

const latest = (d: Drawn): number | undefined => (d.values.length ? d.values[d.values.length - 1] : undefined);

function SingleValues({ drawn }: { drawn: Drawn[] }) {
  return (
    <div class="single-values">
      {drawn.map((d, i) => {
        const v = latest(d);
        return (
          <div class="single-value" key={d.plan.id} data-testid="single-value">
            <div class="single-value-label"><span class="swatch" style={{ background: d.plan.color ?? PALETTE[i % PALETTE.length] }} />{d.plan.label}</div>
            <div class="single-value-number" data-testid="single-value-number">{v === undefined ? '—' : formatValue(v)}</div>
          </div>
        );
      })}
    </div>
  );
}

/** A half-circle gauge per series; the scale is `yAxis.left.min`/`max` (AWS asks for both), else 0–100. */
function Gauge({ drawn, props }: { drawn: Drawn[]; props: Record<string, unknown> }) {
  const left = ((props.yAxis as Record<string, unknown> | undefined)?.left ?? {}) as { min?: number; max?: number };
  const min = typeof left.min === 'number' ? left.min : 0;
  const max = typeof left.max === 'number' && left.max > min ? left.max : 100;
  return (
    <div class="gauges">
      {drawn.map((d, i) => {
        const v = latest(d);
        const f = v === undefined ? 0 : Math.min(1, Math.max(0, (v - min) / (max - min)));
        const a = Math.PI * (1 - f);
        const color = d.plan.color ?? PALETTE[i % PALETTE.length];
        return (
          <figure class="gauge" key={d.plan.id} data-testid="gauge" data-value={v ?? ''}>
            <svg viewBox="0 0 120 70" role="img" aria-label={`${d.plan.label}: ${v === undefined ? 'no data' : formatValue(v)} on a scale of ${min} to ${max}`}>
              <path d="M10,62 A50,50 0 0 1 110,62" fill="none" stroke="#e6e9ef" stroke-width="12" />
              {v !== undefined && f > 0 && <path d={`M10,62 A50,50 0 0 1 ${(60 + 50 * Math.cos(a)).toFixed(2)},${(62 - 50 * Math.sin(a)).toFixed(2)}`} fill="none" stroke={color} stroke-width="12" />}
              <text x="60" y="58" text-anchor="middle" class="gauge-value">{v === undefined ? '—' : formatValue(v)}</text>
              <text x="10" y="69" text-anchor="middle" class="gauge-end">{min}</text>
              <text x="110" y="69" text-anchor="middle" class="gauge-end">{max}</text>
            </svg>
            <figcaption>{d.plan.label}</figcaption>
          </figure>
        );
      })}
    </div>
  );
}

/** Bar (and pie, drawn as shares) of each series' latest value. */
function Bars({ drawn, pie }: { drawn: Drawn[]; pie: boolean }) {
  const vals = drawn.map((d) => latest(d) ?? 0);
  const max = Math.max(...vals.map(Math.abs), 1e-9);
  const total = vals.reduce((a, b) => a + Math.abs(b), 0) || 1;
  return (
    <ul class="bars" aria-label={pie ? 'Share of each metric' : 'Latest value of each metric'}>
      {drawn.map((d, i) => (
        <li key={d.plan.id} class="bar-row" data-testid="bar">
          <span class="bar-label" title={d.plan.label}>{d.plan.label}</span>
          <span class="bar-track"><span class="bar-fill" style={{ width: `${(Math.abs(vals[i]) / (pie ? total : max)) * 100}%`, background: d.plan.color ?? PALETTE[i % PALETTE.length] }} /></span>
          <span class="bar-value">{latest(d) === undefined ? '—' : pie ? `${((Math.abs(vals[i]) / total) * 100).toFixed(1)}%` : formatValue(vals[i])}</span>
        </li>
      ))}
    </ul>
  );
}

function SummaryTable({ drawn }: { drawn: Drawn[] }) {
  const stat = (d: Drawn, f: (v: number[]) => number) => (d.values.length ? formatValue(f(d.values)) : '—');
  return (
    <table class="table widget-table">
      <thead><tr><th scope="col">Metric</th><th scope="col" class="num">Latest</th><th scope="col" class="num">Min</th><th scope="col" class="num">Max</th><th scope="col" class="num">Points</th></tr></thead>
      <tbody>
        {drawn.map((d) => (
          <tr key={d.plan.id}>
            <th scope="row">{d.plan.label}</th>
            <td class="num">{stat(d, (v) => v[v.length - 1])}</td>
            <td class="num">{stat(d, (v) => Math.min(...v))}</td>
            <td class="num">{stat(d, (v) => Math.max(...v))}</td>
            <td class="num">{d.values.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
