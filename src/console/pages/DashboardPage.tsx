import { useEffect, useMemo, useState } from 'preact/hooks';
import { cloudwatch } from '../lib/api';
import {
  DASH_PRESETS, DEFAULT_DASH_RANGE, dashRangeFromQuery, dashRangeToQuery, parseDashboard, rangeOf, resolveDashRange, type DashRange, type Widget,
} from '../lib/dashboard-model';
import { formatTime } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { ErrorBanner } from '../components/ErrorBanner';
import { CustomRangeForm } from '../components/CustomRangeForm';
import { MetricWidget } from '../components/widgets/MetricWidget';
import { LogWidget } from '../components/widgets/LogWidget';
import { AlarmWidget } from '../components/widgets/AlarmWidget';
import { TextWidget } from '../components/widgets/TextWidget';
import { WidgetFrame, WidgetMessage } from '../components/widgets/WidgetFrame';

const AUTO_REFRESH = [{ label: 'Off', ms: 0 }, { label: '10 seconds', ms: 10_000 }, { label: '1 minute', ms: 60_000 }, { label: '2 minutes', ms: 120_000 }, { label: '5 minutes', ms: 300_000 }, { label: '15 minutes', ms: 900_000 }];

/** One dashboard: its widgets on the 24-column grid, its time range (the body's, or the address's), refresh and auto-refresh. */
export function DashboardPage({ name, query }: { name: string; query: URLSearchParams }) {
  const [nonce, setNonce] = useState(0);
  const loaded = useLoad((signal) => cloudwatch.getDashboard(name, signal), [name]);
  const model = useMemo(() => {
    if (!loaded.data) return null;
    try { return parseDashboard(loaded.data.DashboardBody); } catch { return null; }
  }, [loaded.data]);

  const range: DashRange = dashRangeFromQuery(query) ?? (model && rangeOf(model.start, model.end)) ?? DEFAULT_DASH_RANGE;
  const rangeKey = JSON.stringify(range);
  // A relative range is resolved against now on every refresh.
  const resolved = useMemo(() => resolveDashRange(range), [rangeKey, nonce]);
  const [every, setEvery] = useState(0);
  useEffect(() => {
    if (!every) return;
    const t = setInterval(() => setNonce((n) => n + 1), every);
    return () => clearInterval(t);
  }, [every]);

  const setRange = (r: DashRange) => navigate(href.dashboard(name, dashRangeToQuery(r)));
  const onZoom = (from: number, to: number) => setRange({ kind: 'absolute', from, to });

  return (
    <section class="page page-wide" aria-labelledby="page-title">
      <header class="page-header">
        <div class="title-block">
          <nav class="breadcrumb" aria-label="Breadcrumb"><a href={href.dashboards()}>Dashboards</a><span aria-hidden="true">/</span></nav>
          <h1 id="page-title" tabIndex={-1}>{name}</h1>
          <p class="muted page-sub" data-testid="dashboard-range">
            {formatTime(resolved.from, false)} → {formatTime(resolved.to, false)}
            {model && <> · {model.widgets.length} {model.widgets.length === 1 ? 'widget' : 'widgets'} · period {model.periodOverride}</>}
          </p>
        </div>
        <div class="dash-actions">
          <button type="button" class="btn" onClick={() => setNonce((n) => n + 1)} data-testid="dashboard-refresh">Refresh</button>
          <label class="field-inline">
            <span>Auto-refresh</span>
            <select value={every} onChange={(e) => setEvery(Number(e.currentTarget.value))} data-testid="dashboard-autorefresh">
              {AUTO_REFRESH.map((o) => <option key={o.ms} value={o.ms}>{o.label}</option>)}
            </select>
          </label>
        </div>
      </header>
      <DashRangePicker value={range} onChange={setRange} />
      <ErrorBanner error={loaded.error} />
      {loaded.data && !model && <div class="banner banner-error" role="alert">The dashboard body is not valid JSON.</div>}
      {model && !model.widgets.length && <div class="empty panel" data-testid="dashboard-empty">This dashboard has no widgets.</div>}
      {model && (
        <div class="dash-grid" data-testid="dashboard-grid">
          {model.widgets.map((w) => <WidgetView key={w.index} widget={w} range={resolved} periodOverride={model.periodOverride} nonce={nonce} onZoom={onZoom} />)}
        </div>
      )}
    </section>
  );
}

function WidgetView(p: { widget: Widget; range: { from: number; to: number }; periodOverride: 'auto' | 'inherit'; nonce: number; onZoom: (from: number, to: number) => void }) {
  switch (p.widget.type) {
    case 'metric': return <MetricWidget {...p} />;
    case 'log': return <LogWidget widget={p.widget} range={p.range} nonce={p.nonce} onZoom={p.onZoom} />;
    case 'alarm': return <AlarmWidget widget={p.widget} nonce={p.nonce} />;
    case 'text': return <TextWidget widget={p.widget} />;
    default: {
      const title = typeof p.widget.properties.title === 'string' ? p.widget.properties.title : undefined;
      const why = p.widget.type === 'custom' ? 'Custom widgets call a Lambda function, which Trailwatch cannot run.'
        : p.widget.type === 'explorer' ? 'Metrics explorer widgets select metrics by resource tags, which Trailwatch does not keep.'
        : `Trailwatch does not know the widget type “${p.widget.type}”.`;
      return <WidgetFrame widget={p.widget} title={title}><WidgetMessage>{why}</WidgetMessage></WidgetFrame>;
    }
  }
}

/** `6 hours`, `90 minutes`, `2 days`. */
function describeSpan(ms: number): string {
  const min = Math.round(ms / 60_000);
  const [n, unit] = min % 1440 === 0 ? [min / 1440, 'day'] : min % 60 === 0 ? [min / 60, 'hour'] : [min, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Relative presets, plus a custom absolute range (datetime-local, local time). */
function DashRangePicker({ value, onChange }: { value: DashRange; onChange: (r: DashRange) => void }) {
  const [custom, setCustom] = useState(false);
  const shown = resolveDashRange(value);
  return (
    <div class="range dash-range">
      <div class="segmented" role="group" aria-label="Time range">
        {DASH_PRESETS.map((p) => {
          const active = value.kind === 'relative' && value.ms === p.ms;
          return <button key={p.iso} type="button" class={active ? 'active' : ''} aria-pressed={active} data-testid={`dash-range-${p.label}`} onClick={() => { setCustom(false); onChange({ kind: 'relative', ms: p.ms }); }}>{p.label}</button>;
        })}
        <button type="button" class={value.kind === 'absolute' || custom ? 'active' : ''} aria-pressed={value.kind === 'absolute'} aria-expanded={custom} data-testid="dash-range-custom" onClick={() => setCustom(!custom)}>Custom</button>
      </div>
      {value.kind === 'relative' && !DASH_PRESETS.some((p) => p.ms === value.ms) && <span class="range-summary muted" data-testid="dash-range-summary">Last {describeSpan(value.ms)}</span>}
      {custom && (
        <CustomRangeForm
          from={shown.from} to={shown.to} testIdPrefix="dash-range" onCancel={() => setCustom(false)}
          onApply={(from, to) => { setCustom(false); onChange({ kind: 'absolute', from, to }); }}
        />
      )}
    </div>
  );
}
