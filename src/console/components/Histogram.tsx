import { useMemo, useRef, useState } from 'preact/hooks';
import { formatCount } from '../lib/format';
import { formatTick, formatWhen, niceTicks, timeTicks, useWidth } from '../lib/chart';

export interface Bucket { t: number; count: number }

interface Props {
  /** Non-empty bins from the server; empty ones are filled in. */
  buckets: Bucket[];
  periodMs: number;
  periodText: string;
  /** The queried window, ms (inclusive). */
  from: number;
  to: number;
  /** A bar was chosen: narrow the time range to it. */
  onSelect: (from: number, to: number) => void;
}

const H = 132;
const M = { top: 10, right: 24, bottom: 24, left: 48 };

/**
 * Matching events over time as bars. Hover or ←/→ shows a bar's count; a click or Enter narrows
 * the time range to that bar.
 */
export function Histogram({ buckets, periodMs, periodText, from, to, onSelect }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [active, setActive] = useState<number | null>(null);

  const bars = useMemo(() => {
    const counts = new Map(buckets.map((b) => [b.t, b.count]));
    const out: Bucket[] = [];
    const first = Math.floor(from / periodMs) * periodMs;
    for (let t = first; t <= to && out.length < 2000; t += periodMs) out.push({ t, count: counts.get(t) ?? 0 });
    return out;
  }, [buckets, periodMs, from, to]);

  const total = bars.reduce((n, b) => n + b.count, 0);
  const max = Math.max(0, ...bars.map((b) => b.count));
  const yTicks = niceTicks(max, 3, true);
  const yMax = yTicks[yTicks.length - 1];
  const x0 = bars.length ? bars[0].t : from;
  const x1 = bars.length ? bars[bars.length - 1].t + periodMs : to;
  const plotW = Math.max(10, width - M.left - M.right);
  const plotH = H - M.top - M.bottom;
  const x = (t: number) => M.left + ((t - x0) / (x1 - x0)) * plotW;
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const xTicks = timeTicks(x0, x1, Math.max(2, Math.floor(plotW / 90)));
  const bw = Math.max(1, plotW / Math.max(1, bars.length) - (plotW / bars.length > 4 ? 1 : 0));

  const cur = active !== null ? bars[active] : null;
  const describe = (b: Bucket) => `${formatWhen(b.t)} – ${formatWhen(b.t + periodMs)}: ${formatCount(b.count)} ${b.count === 1 ? 'event' : 'events'}`;

  function onKeyDown(e: KeyboardEvent) {
    const n = bars.length;
    if (!n) return;
    const i = active ?? -1;
    if (e.key === 'ArrowRight') { e.preventDefault(); setActive(Math.min(n - 1, i + 1)); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); setActive(Math.max(0, i < 0 ? n - 1 : i - 1)); }
    else if (e.key === 'Home') { e.preventDefault(); setActive(0); }
    else if (e.key === 'End') { e.preventDefault(); setActive(n - 1); }
    else if ((e.key === 'Enter' || e.key === ' ') && cur) { e.preventDefault(); onSelect(cur.t, cur.t + periodMs - 1); }
  }

  return (
    <div class="histogram" ref={box} data-testid="histogram" data-total={total}>
      <svg
        width={width} height={H} class="chart-svg" tabIndex={0} role="group"
        aria-label={`Matching events over time, ${periodText} bars. Use the left and right arrow keys to move between bars and Enter to narrow the time range to one.`}
        aria-describedby="histogram-active"
        onKeyDown={onKeyDown}
        onMouseLeave={() => setActive(null)}
        onBlur={() => setActive(null)}
      >
        {yTicks.map((v) => (
          <g key={v}>
            <line x1={M.left} x2={M.left + plotW} y1={y(v)} y2={y(v)} class="grid" />
            <text x={M.left - 6} y={y(v)} class="axis-label" text-anchor="end" dominant-baseline="middle">{formatTick(v)}</text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={t.t} x={x(t.t)} y={H - 6} class="axis-label" text-anchor="middle">{t.label}</text>
        ))}
        {bars.map((b, i) => (
          <g key={b.t} onMouseEnter={() => setActive(i)} onClick={() => onSelect(b.t, b.t + periodMs - 1)} class="hbar-hit">
            <rect x={x(b.t)} y={M.top} width={Math.max(bw, 2)} height={plotH} fill="transparent" />
            {b.count > 0 && (
              <rect
                x={x(b.t)} y={y(b.count)} width={bw} height={Math.max(1, M.top + plotH - y(b.count))}
                class={`hbar${i === active ? ' hbar-active' : ''}`} data-testid="histogram-bar" data-start={b.t} data-count={b.count}
              />
            )}
          </g>
        ))}
        <line x1={M.left} x2={M.left + plotW} y1={M.top + plotH} y2={M.top + plotH} class="axis" />
      </svg>
      {cur && (
        <div class="chart-tip" style={{ left: `${Math.max(0, Math.min(x(cur.t) - 90, width - 250))}px`, top: '0px' }} aria-hidden="true">
          <strong>{formatCount(cur.count)}</strong> {cur.count === 1 ? 'event' : 'events'}
          <span class="muted">{formatWhen(cur.t)}</span>
        </div>
      )}
      <div id="histogram-active" class="visually-hidden" aria-live="polite">{cur ? describe(cur) : ''}</div>
    </div>
  );
}
