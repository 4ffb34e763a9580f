import { useState } from 'preact/hooks';
import { formatTime } from '../lib/format';
import { PRESETS, type TimeRange } from '../lib/time-range';
import { CustomRangeForm } from './CustomRangeForm';

/** Relative presets as a segmented control, plus a custom absolute range with datetime-local inputs. */
export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange: (r: TimeRange) => void }) {
  const [custom, setCustom] = useState(false);
  // The custom editor starts from the range on screen.
  const now = Date.now();
  const preset = value.kind === 'relative' ? PRESETS.find((p) => p.key === value.key) : undefined;
  const shown = value.kind === 'absolute' ? { from: value.from, to: value.to } : { from: now - (preset?.ms ?? 0), to: now };

  return (
    <div class="range">
      <div class="segmented" role="group" aria-label="Time range">
        {PRESETS.map((p) => {
          const active = value.kind === 'relative' && value.key === p.key;
          return (
            <button
              key={p.key} type="button" class={active ? 'active' : ''} aria-pressed={active} title={p.title}
              data-testid={`range-${p.key}`}
              onClick={() => { setCustom(false); onChange({ kind: 'relative', key: p.key }); }}
            >
              {p.label}
            </button>
          );
        })}
        <button
          type="button" class={value.kind === 'absolute' || custom ? 'active' : ''} aria-pressed={value.kind === 'absolute'}
          aria-expanded={custom} data-testid="range-custom" onClick={() => setCustom(!custom)}
        >
          Custom
        </button>
      </div>
      {value.kind === 'absolute' && !custom && (
        <span class="range-summary muted">{formatTime(value.from, false)} → {formatTime(value.to, false)}</span>
      )}
      {custom && (
        <CustomRangeForm
          from={shown.from} to={shown.to} testIdPrefix="range" onCancel={() => setCustom(false)}
          onApply={(from, to) => { setCustom(false); onChange({ kind: 'absolute', from, to }); }}
        />
      )}
    </div>
  );
}
