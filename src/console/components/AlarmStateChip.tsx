import type { AlarmState } from '../lib/api';

const TEXT: Record<AlarmState | 'MISSING', string> = { ALARM: 'In alarm', OK: 'OK', INSUFFICIENT_DATA: 'Insufficient data', MISSING: 'Not found' };

/** ALARM first, then INSUFFICIENT_DATA, then OK (the CloudWatch console's state order). */
export const STATE_ORDER: Record<AlarmState | 'MISSING', number> = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2, MISSING: 3 };

/** An alarm state as colour and text (never colour alone). */
export function AlarmStateChip({ state }: { state: AlarmState | 'MISSING' }) {
  return (
    <span class={`alarm-chip alarm-chip-${state.toLowerCase()}`} data-testid="alarm-state" data-state={state}>
      <span class="alarm-chip-dot" aria-hidden="true" />{TEXT[state] ?? state}
    </span>
  );
}
