import { useMemo, useRef, useState } from 'preact/hooks';
import { formatTick, formatValue, formatWhen, niceTicks, PALETTE, timeTicks, useWidth, type ChartModel } from '../lib/chart';

const H = 300;
const M = { top: 14, right: 24, bottom: 28, left: 56 };

/**
 * A `stats … by bin()` result as a line or bar chart: time on X, one series per numeric column
 * (and group), a legend that shows/hides series, and a tooltip for the time under the pointer
 * (or chosen with ←/→ when the chart has focus).
 */
export function TimeSeriesChart({ model }: { model: ChartModel }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [kind, setKind] = useState<'line' | 'bar'>('line');
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [active, setActive] = useState<number | null>(null);

  const shown = model.series.map((s, i) => ({ ...s, color: PALETTE[i % PALETTE.length] })).filter((s) => !hidden.has(s.name));
  const { times } = model;
  const max = useMemo(() => Math.max(0, ...shown.flatMap((s) => s.values.filter((v): v is number => v !== null))), [shown]);
  const min = useMemo(() => Math.min(0, ...shown.flatMap((s) => s.values.filter((v): v is number => v !== null))), [shown]);
  const yTicks = niceTicks(max - min, 4).map((v) => v + (min < 0 ? Math.floor(min) : 0));
  const yMin = Math.min(0, yTicks[0]);
  const yMax = Math.max(yTicks[yTicks.length - 1], yMin + 1);

  // The step between points: bars are that wide, and the X domain is padded by half a step.
  const step = times.length > 1 ? Math.min(...times.slice(1).map((t, i) => t - times[i])) : 3600_000;
  const x0 = times[0] - (kind === 'bar' ? step / 2 : 0);
  const x1 = times[times.length - 1] + (kind === 'bar' ? step / 2 : 0) + (times.length === 1 ? step : 0);
  const plotW = Math.max(10, width - M.left - M.right);
  const plotH = H - M.top - M.bottom;
  const x = (t: number) => M.left + ((t - x0) / Math.max(1, x1 - x0)) * plotW;
  const y = (v: number) => M.top + plotH - ((v - yMin) / (yMax - yMin)) * plotH;
  const xTicks = timeTicks(x0, x1, Math.max(2, Math.floor(plotW / 100)));

  const slot = (step / Math.max(1, x1 - x0)) * plotW;
  const barW = Math.max(1, (slot * 0.8) / Math.max(1, shown.length));

  function pathOf(values: (number | null)[]): string {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(times[i]).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  }

  function pick(clientX: number) {
    const svg = box.current?.querySelector('svg');
    if (!svg || !times.length) return;
    const px = clientX - svg.getBoundingClientRect().left;
    const t = x0 + ((px - M.left) / plotW) * (x1 - x0);
    let best = 0;
    for (let i = 1; i < times.length; i++) if (Math.abs(times[i] - t) < Math.abs(times[best] - t)) best = i;
    setActive(best);
  }

  function onKeyDown(e: KeyboardEvent) {
    const n = times.length;
    const i = active ?? -1;
    if (e.key === 'ArrowRight') { e.preventDefault(); setActive(Math.min(n - 1, i + 1)); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); setActive(Math.max(0, i < 0 ? n - 1 : i - 1)); }
    else if (e.key === 'Home') { e.preventDefault(); setActive(0); }
    else if (e.key === 'End') { e.preventDefault(); setActive(n - 1); }
    else if (e.key === 'Escape') setActive(null);
  }

  const tip = active !== null ? shown.map((s) => ({ name: s.name, color: s.color, v: s.values[active] })).filter((r) => r.v !== null).sort((a, b) => (b.v ?? 0) - (a.v ?? 0)) : [];
  const tipX = active !== null ? x(times[active]) : 0;
  const tipW = Math.min(260, width);
  const describe = active !== null ? `${formatWhen(times[active])}: ${tip.map((r) => `${r.name} ${formatValue(r.v!)}`).join(', ') || 'no values'}` : '';

  return (
    <div class="tschart" data-testid="chart" data-series={model.series.length} data-points={times.length}>
      <div class="chart-tools">
        <div class="segmented" role="group" aria-label="Chart type">
          <button type="button" class={kind === 'line' ? 'active' : ''} aria-pressed={kind === 'line'} onClick={() => setKind('line')} data-testid="chart-line">Line</button>
          <button type="button" class={kind === 'bar' ? 'active' : ''} aria-pressed={kind === 'bar'} onClick={() => setKind('bar')} data-testid="chart-bar">Bar</button>
        </div>
        <span class="muted">{model.timeColumn} · {times.length.toLocaleString()} {times.length === 1 ? 'point' : 'points'}{model.dropped ? ` · top series shown, ${model.dropped} more left out` : ''}</span>
      </div>
      <div class="chart-box" ref={box}>
        <svg
          width={width} height={H} class="chart-svg" tabIndex={0} role="group"
          aria-label={`Chart of ${model.series.map((s) => s.name).join(', ')} over ${model.timeColumn}. Use the left and right arrow keys to read values.`}
          aria-describedby="chart-active"
          onMouseMove={(e) => pick(e.clientX)} onMouseLeave={() => setActive(null)} onKeyDown={onKeyDown} onBlur={() => setActive(null)}
        >
          {yTicks.map((v) => (
            <g key={v}>
              <line x1={M.left} x2={M.left + plotW} y1={y(v)} y2={y(v)} class="grid" />
              <text x={M.left - 6} y={y(v)} class="axis-label" text-anchor="end" dominant-baseline="middle">{formatTick(v)}</text>
            </g>
          ))}
          {xTicks.map((t) => (
            <g key={t.t}>
              <line x1={x(t.t)} x2={x(t.t)} y1={M.top + plotH} y2={M.top + plotH + 4} class="axis" />
              <text x={x(t.t)} y={H - 8} class="axis-label" text-anchor="middle">{t.label}</text>
            </g>
          ))}
          <line x1={M.left} x2={M.left + plotW} y1={y(0)} y2={y(0)} class="axis" />
          {kind === 'line' && shown.map((s) => (
            <g key={s.name} data-testid="chart-series" data-name={s.name}>
              <path d={pathOf(s.values)} fill="none" stroke={s.color} stroke-width="2" stroke-linejoin="round" stroke-linecap="round" />
              {times.length <= 60 && s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(times[i])} cy={y(v)} r="2.5" fill={s.color} />))}
            </g>
          ))}
          {kind === 'bar' && shown.map((s, si) => (
            <g key={s.name} data-testid="chart-series" data-name={s.name} fill={s.color}>
              {s.values.map((v, i) => {
                if (v === null) return null;
                const left = x(times[i]) - (barW * shown.length) / 2 + si * barW;
                const top = Math.min(y(v), y(0));
                return <rect key={i} x={left} y={top} width={Math.max(1, barW - (barW > 3 ? 0.5 : 0))} height={Math.max(1, Math.abs(y(v) - y(0)))} />;
              })}
            </g>
          ))}
          {active !== null && (
            <g class="chart-guide">
              <line x1={tipX} x2={tipX} y1={M.top} y2={M.top + plotH} />
              {kind === 'line' && shown.map((s) => (s.values[active] === null ? null : <circle key={s.name} cx={tipX} cy={y(s.values[active]!)} r="4" fill="#fff" stroke={s.color} stroke-width="2" />))}
            </g>
          )}
        </svg>
        {active !== null && (
          <div class="chart-tip" data-testid="chart-tooltip" aria-hidden="true" style={{ left: `${tipX > width / 2 ? Math.max(0, tipX - tipW - 12) : Math.max(0, Math.min(tipX + 12, width - tipW))}px`, top: `${M.top}px`, maxWidth: `${tipW}px` }}>
            <div class="chart-tip-time">{formatWhen(times[active])}</div>
            {tip.length === 0 && <div class="muted">No values</div>}
            {tip.slice(0, 10).map((r) => (
              <div key={r.name} class="chart-tip-row"><span class="swatch" style={{ background: r.color }} /><span class="chart-tip-name">{r.name}</span><strong>{formatValue(r.v!)}</strong></div>
            ))}
          </div>
        )}
        <div id="chart-active" class="visually-hidden" aria-live="polite">{describe}</div>
      </div>
      <ul class="legend" aria-label="Series" data-testid="chart-legend">
        {model.series.map((s, i) => {
          const off = hidden.has(s.name);
          return (
            <li key={s.name}>
              <button
                type="button" class={`legend-item${off ? ' legend-off' : ''}`} aria-pressed={!off} title={off ? 'Show this series' : 'Hide this series'}
                onClick={() => setHidden((h) => { const n = new Set(h); if (n.has(s.name)) n.delete(s.name); else n.add(s.name); return n; })}
              >
                <span class="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />{s.name}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
