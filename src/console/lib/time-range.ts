/** Time ranges of the events viewer: a relative preset ending now, or absolute from/to. */
export const PRESETS = [
  { key: '5m', label: '5m', title: 'Last 5 minutes', ms: 5 * 60_000 },
  { key: '15m', label: '15m', title: 'Last 15 minutes', ms: 15 * 60_000 },
  { key: '1h', label: '1h', title: 'Last hour', ms: 3600_000 },
  { key: '12h', label: '12h', title: 'Last 12 hours', ms: 12 * 3600_000 },
  { key: '1d', label: '1d', title: 'Last day', ms: 24 * 3600_000 },
  { key: '1w', label: '1w', title: 'Last week', ms: 7 * 24 * 3600_000 },
] as const;

export type PresetKey = (typeof PRESETS)[number]['key'];
export type TimeRange = { kind: 'relative'; key: PresetKey } | { kind: 'absolute'; from: number; to: number };

export const DEFAULT_RANGE: TimeRange = { kind: 'relative', key: '1h' };

/** Reads `range=1h` or `from=<ISO>&to=<ISO>` from a query. */
export function rangeFromQuery(q: URLSearchParams): TimeRange {
  const from = Date.parse(q.get('from') ?? '');
  const to = Date.parse(q.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to) && from < to) return { kind: 'absolute', from, to };
  const p = PRESETS.find((x) => x.key === q.get('range'));
  return p ? { kind: 'relative', key: p.key } : DEFAULT_RANGE;
}

export function rangeToQuery(r: TimeRange): Record<string, string> {
  return r.kind === 'relative' ? { range: r.key } : { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() };
}

/**
 * The startTime/endTime of a query run now. A relative range has no end, so events stamped a
 * little in the future (clock skew) still show.
 */
export function resolveRange(r: TimeRange, now = Date.now()): { startTime: number; endTime?: number } {
  if (r.kind === 'absolute') return { startTime: r.from, endTime: r.to };
  const p = PRESETS.find((x) => x.key === r.key)!;
  return { startTime: now - p.ms };
}

export function describeRange(r: TimeRange): string {
  return r.kind === 'relative' ? `the ${PRESETS.find((x) => x.key === r.key)!.title.toLowerCase()}` : 'the selected time range';
}
