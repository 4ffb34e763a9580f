/**
 * Dynamic labels in GetMetricData labels: `${LABEL}`, `${PROP('MetricName'|'Namespace'|'Period'|
 * 'Stat'|'Dim.<name>')}`, `${AVG}`, `${MIN}`, `${MAX}`, `${SUM}`, `${FIRST}`, `${LAST}`,
 * `${DATAPOINT_COUNT}`, and `${FIRST_TIME}`, `${LAST_TIME}`, `${MIN_TIME}`, `${MAX_TIME}` (ISO 8601
 * in LabelOptions.Timezone, e.g. `+0130`, UTC by default). Numbers are shown with at most two
 * decimals. Unknown placeholders are left as they are.
 */

export interface LabelSeries {
  timestamps: readonly number[];
  values: ArrayLike<number>;
  props?: Record<string, string>;
}

/** Parses a `+HHMM`/`-HHMM` timezone into minutes east of UTC; undefined when malformed. */
export function parseTimezone(tz: string): number | undefined {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(tz);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function fmtTime(t: number, offsetMin: number): string {
  const d = new Date(t + offsetMin * 60_000).toISOString().replace(/\.\d{3}Z$/, '');
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${d}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

function fmtNum(x: number): string {
  return String(Math.round(x * 100) / 100);
}

export function renderLabel(label: string, s: LabelSeries, defaultLabel: string, offsetMin = 0): string {
  if (!label.includes('${')) return label;
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < s.timestamps.length; i++) if (!Number.isNaN(s.values[i])) pts.push([s.timestamps[i], s.values[i]]);
  return label.replace(/\$\{([A-Z_]+)(?:\('([^']*)'\))?\}/g, (all, name: string, arg?: string) => {
    if (name === 'LABEL') return defaultLabel;
    if (name === 'PROP') return arg !== undefined && s.props?.[arg] !== undefined ? s.props[arg] : all;
    if (name === 'DATAPOINT_COUNT') return String(pts.length);
    if (!pts.length) return '';
    const vals = pts.map((p) => p[1]);
    switch (name) {
      case 'AVG': return fmtNum(vals.reduce((a, b) => a + b, 0) / vals.length);
      case 'SUM': return fmtNum(vals.reduce((a, b) => a + b, 0));
      case 'MIN': return fmtNum(Math.min(...vals));
      case 'MAX': return fmtNum(Math.max(...vals));
      case 'FIRST': return fmtNum(pts[0][1]);
      case 'LAST': return fmtNum(pts[pts.length - 1][1]);
      case 'FIRST_TIME': return fmtTime(pts[0][0], offsetMin);
      case 'LAST_TIME': return fmtTime(pts[pts.length - 1][0], offsetMin);
      case 'MIN_TIME': return fmtTime(pts.reduce((a, b) => (b[1] < a[1] ? b : a))[0], offsetMin);
      case 'MAX_TIME': return fmtTime(pts.reduce((a, b) => (b[1] > a[1] ? b : a))[0], offsetMin);
      default: return all;
    }
  });
}
