import { cloudwatch, type AlarmState } from '../../lib/api';
import { alarmNameOf, type Widget } from '../../lib/dashboard-model';
import { href } from '../../lib/router';
import { useLoad } from '../../lib/use-load';
import { AlarmStateChip, STATE_ORDER } from '../AlarmStateChip';
import { WidgetFrame, WidgetMessage } from './WidgetFrame';

interface Row { name: string; state: AlarmState | 'MISSING'; updated?: number }

/** An alarm status widget: each listed alarm's state (DescribeAlarms), optionally filtered by `states` and sorted by `sortBy`. */
export function AlarmWidget({ widget, nonce }: { widget: Widget; nonce: number }) {
  const p = widget.properties;
  const title = typeof p.title === 'string' ? p.title : 'Alarm status';
  const names = (Array.isArray(p.alarms) ? p.alarms : []).filter((a): a is string => typeof a === 'string').map(alarmNameOf);
  const states = Array.isArray(p.states) ? p.states.filter((s): s is string => typeof s === 'string') : [];

  const loaded = useLoad(async (signal) => {
    const rows: Row[] = [];
    // DescribeAlarms takes at most 100 names; a widget lists at most 100.
    const r = await cloudwatch.describeAlarms({ AlarmNames: names.slice(0, 100), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 }, signal);
    const found = new Map<string, Row>();
    for (const a of [...(r.MetricAlarms ?? []), ...(r.CompositeAlarms ?? [])]) found.set(a.AlarmName, { name: a.AlarmName, state: a.StateValue, updated: a.StateUpdatedTimestamp });
    for (const n of names) rows.push(found.get(n) ?? { name: n, state: 'MISSING' });
    return rows;
  }, [names.join('\n'), nonce]);

  let rows = loaded.data ?? [];
  if (states.length) rows = rows.filter((r) => states.includes(r.state));
  if (p.sortBy === 'stateUpdatedTimestamp') rows = [...rows].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || (b.updated ?? 0) - (a.updated ?? 0));
  else rows = [...rows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  return (
    <WidgetFrame widget={widget} title={title} busy={loaded.loading}>
      {loaded.error ? <WidgetMessage error>{loaded.error.code}: {loaded.error.message}</WidgetMessage>
        : !loaded.data ? <WidgetMessage>Loading…</WidgetMessage>
        : !rows.length ? <WidgetMessage>No alarms in the selected states.</WidgetMessage>
        : (
          <ul class="alarm-tiles">
            {rows.map((r) => (
              <li key={r.name} class={`alarm-tile alarm-${r.state.toLowerCase()}`} data-testid="alarm-tile" data-state={r.state}>
                <AlarmStateChip state={r.state} />
                {r.state === 'MISSING' ? <span class="alarm-tile-name" title="No alarm with this name exists">{r.name}</span> : <a class="alarm-tile-name" href={href.alarm(r.name)}>{r.name}</a>}
              </li>
            ))}
          </ul>
        )}
    </WidgetFrame>
  );
}
