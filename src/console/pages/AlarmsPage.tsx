import { useEffect, useState } from 'preact/hooks';
import { allPages, cloudwatch, type AlarmState, type CompositeAlarm, type MetricAlarm } from '../lib/api';
import { formatAgo, formatTime } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { ErrorBanner } from '../components/ErrorBanner';
import { AlarmStateChip, STATE_ORDER } from '../components/AlarmStateChip';
import { SearchIcon } from './GroupsPage';
import { conditionOf } from './AlarmPage';

type Any = (MetricAlarm & { kind: 'Metric' }) | (CompositeAlarm & { kind: 'Composite' });
const FILTERS: { key: string; label: string; state?: AlarmState }[] = [
  { key: 'all', label: 'All' }, { key: 'ALARM', label: 'In alarm', state: 'ALARM' },
  { key: 'INSUFFICIENT_DATA', label: 'Insufficient data', state: 'INSUFFICIENT_DATA' }, { key: 'OK', label: 'OK', state: 'OK' },
];

/** Metric and composite alarms (DescribeAlarms, every page) with their state, filterable by state and name prefix. */
export function AlarmsPage({ query }: { query: URLSearchParams }) {
  const prefix = query.get('q') ?? '';
  const state = FILTERS.find((f) => f.key === query.get('state'))?.state;
  const [draft, setDraft] = useState(prefix);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (draft.trim() === prefix) return;
    const t = setTimeout(() => navigate(href.alarms({ q: draft.trim(), state }), true), 250);
    return () => clearTimeout(t);
  }, [draft]);

  const loaded = useLoad((signal) => allPages<Any, Awaited<ReturnType<typeof cloudwatch.describeAlarms>>>(
    (t) => cloudwatch.describeAlarms({ AlarmNamePrefix: prefix || undefined, StateValue: state, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100, NextToken: t }, signal),
    (r) => [...(r.MetricAlarms ?? []).map((a) => ({ ...a, kind: 'Metric' as const })), ...(r.CompositeAlarms ?? []).map((a) => ({ ...a, kind: 'Composite' as const }))]), [prefix, state, nonce]);
  const alarms = loaded.data ? [...loaded.data].sort((a, b) => STATE_ORDER[a.StateValue] - STATE_ORDER[b.StateValue] || a.AlarmName.localeCompare(b.AlarmName)) : null;
  const counts = (s: AlarmState) => alarms?.filter((a) => a.StateValue === s).length ?? 0;

  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <div>
          <h1 id="page-title" tabIndex={-1}>Alarms</h1>
          <p class="muted page-sub" data-testid="alarms-summary">{alarms === null ? 'Loading…' : `${alarms.length} ${alarms.length === 1 ? 'alarm' : 'alarms'}${state ? '' : ` · ${counts('ALARM')} in alarm · ${counts('INSUFFICIENT_DATA')} insufficient data · ${counts('OK')} OK`}`}</p>
        </div>
        <button type="button" class="btn" onClick={() => setNonce((n) => n + 1)} disabled={loaded.loading} data-testid="alarms-refresh">Refresh</button>
      </header>
      <div class="toolbar toolbar-wide">
        <label class="search">
          <span class="visually-hidden">Filter alarms by name prefix</span>
          <SearchIcon />
          <input type="search" placeholder="Filter alarms by name prefix" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} data-testid="alarms-filter" />
        </label>
        <div class="segmented" role="group" aria-label="State">
          {FILTERS.map((f) => <button key={f.key} type="button" class={f.state === state ? 'active' : ''} aria-pressed={f.state === state} data-testid={`alarms-state-${f.key}`} onClick={() => navigate(href.alarms({ q: prefix, state: f.state }), true)}>{f.label}</button>)}
        </div>
      </div>
      <ErrorBanner error={loaded.error} />
      <div class="panel table-wrap" aria-busy={loaded.loading}>
        <table class="table" data-testid="alarms-table">
          <thead><tr><th scope="col">State</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Condition</th><th scope="col">Last state update</th></tr></thead>
          <tbody>
            {alarms?.map((a) => (
              <tr key={a.AlarmName} data-testid="alarm-row" data-name={a.AlarmName} data-state={a.StateValue}>
                <td><AlarmStateChip state={a.StateValue} /></td>
                <th scope="row" class="cell-name"><a href={href.alarm(a.AlarmName)}>{a.AlarmName}</a></th>
                <td>{a.kind}</td>
                <td class="cell-wrap">{a.kind === 'Metric' ? conditionOf(a) : <code>{a.AlarmRule}</code>}</td>
                <td title={formatTime(a.StateUpdatedTimestamp !== undefined ? a.StateUpdatedTimestamp * 1000 : undefined, false)}>{formatAgo(a.StateUpdatedTimestamp !== undefined ? a.StateUpdatedTimestamp * 1000 : undefined)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {alarms !== null && !alarms.length && <div class="empty" data-testid="alarms-empty">{prefix || state ? 'No alarms match.' : <>No alarms yet. Create one with <code>aws cloudwatch put-metric-alarm</code>.</>}</div>}
      </div>
    </section>
  );
}
