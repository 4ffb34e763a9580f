import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatValue, PALETTE } from '../lib/chart';

export interface ChartSeries {
  label: string;
  color?: string;
  /** Epoch ms, ascending. */
  times: number[];
  values: number[];
  yAxis?: 'left' | 'right';
  /** Drawn dashed, without points (an anomaly detection band's edges). */
  dash?: boolean;
}

export interface MetricChartProps {
  series: ChartSeries[];
  /** The X domain (epoch ms): the time range asked for, not just where data is. */
  from: number;
  to: number;
  /** The whole box (plot, axes and legend) in px. */
  height: number;
  stacked?: boolean;
  /** Hide the legend (a widget's `legend.position: hidden`). */
  noLegend?: boolean;
  /** Called with the range dragged over the plot (drag-to-zoom). */
  onZoom?: (from: number, to: number) => void;
  /** An alarm threshold, drawn as a dashed line. */
  threshold?: number;
  /** Horizontal annotations (a widget's `annotations.horizontal`), drawn as dashed lines. */
  lines?: { value: number; label: string; color?: string }[];
  /** Fixed Y bounds (a widget's `yAxis.left` / `yAxis.right` min and max). */
  yLeft?: { min?: number; max?: number };
  yRight?: { min?: number; max?: number };
  /** Indices in `series` of an upper and a lower bound whose gap is shaded (an anomaly detection band). */
  band?: [number, number];
  /** Datapoints to mark (an alarm's breaching points). */
  marks?: { t: number; v: number }[];
  label: string;
  yLabel?: string;
  testId?: string;
}

/**
 * Metric time series on uPlot (canvas; fast with many points, built-in cursor and legend).
 * Series are aligned on the union of their timestamps; a missing point is a gap. Dragging across
 * the plot selects a time range and hands it to `onZoom` rather than zooming locally, so a
 * dashboard can move every widget to it (as the CloudWatch console does).
 */
export function MetricChart(p: MetricChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(p.onZoom);
  zoom.current = p.onZoom;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // With a threshold, the range's ends are points too, so its line spans the whole chart.
    const lines = [...(p.threshold !== undefined ? [{ value: p.threshold, label: 'Threshold', color: '#b42318' }] : []), ...(p.lines ?? [])];
    const ends = lines.length ? [p.from, p.to] : [];
    const xs = [...new Set([...p.series.flatMap((s) => s.times), ...ends])].sort((a, b) => a - b);
    const index = new Map(xs.map((t, i) => [t, i]));
    const raw = p.series.map((s) => {
      const col: (number | null)[] = xs.map(() => null);
      s.times.forEach((t, i) => { col[index.get(t)!] = s.values[i]; });
      return col;
    });
    // Stacked: each series drawn at the running total, filled, top series first so the lower ones paint over it.
    let drawn = raw;
    if (p.stacked) {
      const acc = xs.map(() => 0);
      drawn = raw.map((col) => col.map((v, i) => (v === null ? null : (acc[i] += v))));
    }
    const order = p.stacked ? raw.map((_, i) => raw.length - 1 - i) : raw.map((_, i) => i);
    const hasRight = p.series.some((s) => s.yAxis === 'right');
    const seriesOpts: uPlot.Series[] = [{ value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleString()) }];
    const data: (number | null)[][] = [xs.map((t) => t / 1000)];
    for (const i of order) {
      const s = p.series[i];
      const color = s.color ?? PALETTE[i % PALETTE.length];
      seriesOpts.push({
        label: s.label, stroke: color, width: 1.5, scale: s.yAxis === 'right' ? 'right' : 'y',
        fill: p.stacked ? `${color}55` : undefined, spanGaps: false, dash: s.dash ? [4, 3] : undefined,
        points: { show: !s.dash && xs.length <= 60, size: 4 },
        value: (_u, _v, _si, idx) => (idx === null || raw[i][idx] === null ? '—' : formatValue(raw[i][idx]!)),
      });
      data.push(drawn[i]);
    }
    for (const l of lines) {
      seriesOpts.push({ label: l.label, stroke: l.color ?? '#868e96', width: 1.5, dash: [6, 4], points: { show: false }, value: () => formatValue(l.value) });
      data.push(xs.map(() => l.value));
    }
    if (p.marks?.length) {
      const at = new Map(p.marks.map((m) => [m.t, m.v]));
      seriesOpts.push({ label: 'Breaching', stroke: '#b42318', paths: () => null, points: { show: true, size: 9, fill: '#b42318', stroke: '#fff', width: 1 } });
      data.push(xs.map((t) => at.get(t) ?? null));
    }
    const width = Math.max(200, el.clientWidth);
    // uPlot numbers series from 1 (0 is time) in drawing order.
    const plotIndex = (i: number) => order.indexOf(i) + 1;
    const bands: uPlot.Band[] = p.band ? [{ series: [plotIndex(p.band[0]), plotIndex(p.band[1])], fill: '#86939e33' }] : [];
    const opts: uPlot.Options = {
      width, height: p.height,
      series: seriesOpts,
      bands,
      scales: {
        x: { time: true, range: () => [p.from / 1000, p.to / 1000] },
        y: { range: (_u, min, max) => yRange(min, max, p.yLeft) },
        right: { range: (_u, min, max) => yRange(min, max, p.yRight) },
      },
      axes: [
        { stroke: '#586173', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#d8dde5' } },
        { stroke: '#586173', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#d8dde5' }, size: 56, label: p.yLabel, values: (_u, vals) => vals.map((v) => formatValue(v)) },
        ...(hasRight ? [{ scale: 'right', side: 1, stroke: '#586173', grid: { show: false }, size: 56, values: (_u: uPlot, vals: number[]) => vals.map((v) => formatValue(v)) } as uPlot.Axis] : []),
      ],
      legend: { show: !p.noLegend, live: true },
      cursor: { drag: { x: true, y: false, setScale: false } },
      hooks: {
        setSelect: [(u) => {
          if (u.select.width < 4) return;
          const a = u.posToVal(u.select.left, 'x') * 1000;
          const b = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          if (b > a) zoom.current?.(Math.round(a), Math.round(b));
        }],
      },
    };
    plot.current?.destroy();
    const u = plot.current = new uPlot(opts, data as uPlot.AlignedData, el);
    // The legend sits below the canvas and may wrap: the plot gets what it leaves of the box.
    const fit = () => {
      const legend = (el.querySelector('.u-legend') as HTMLElement | null)?.offsetHeight ?? 0;
      u.setSize({ width: Math.max(200, el.clientWidth), height: Math.max(60, p.height - legend) });
    };
    fit();
    const ro = new ResizeObserver(() => fit());
    ro.observe(el);
    return () => { ro.disconnect(); plot.current?.destroy(); plot.current = null; };
  }, [p.series, p.from, p.to, p.height, p.stacked, p.threshold, p.marks, p.noLegend, p.lines, p.yLeft, p.yRight, p.band]);

  const points = p.series.reduce((n, s) => n + s.times.length, 0);
  return (
    <div class="metric-chart-wrap">
      <div
        class="metric-chart" ref={box} role="img" data-testid={p.testId ?? 'metric-chart'} data-series={p.series.length} data-points={points}
        aria-label={`${p.label}: ${p.series.map((s) => s.label).join(', ') || 'no series'}, ${points} datapoints. Drag across the chart to zoom in.`}
      />
      {points === 0 && <div class="chart-nodata" data-testid="chart-nodata">No data points in this time range</div>}
    </div>
  );
}

/** From 0 (or below, for negatives) to a little above the top; fixed bounds win. The dashed lines are series, so they count in min/max. */
function yRange(min: number | null, max: number | null, fixed?: { min?: number; max?: number }): [number, number] {
  let lo = Math.min(0, min ?? 0);
  let hi = Math.max(max ?? 1, lo);
  if (hi <= lo) hi = lo + 1;
  const pad = (hi - lo) * 0.08;
  if (lo < 0) lo -= pad;
  hi += pad;
  if (fixed?.min !== undefined) lo = fixed.min;
  if (fixed?.max !== undefined) hi = fixed.max;
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}
