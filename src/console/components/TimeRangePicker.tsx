import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime, fromDateTimeLocal, toDateTimeLocal } from '../lib/format';
import { PRESETS, type TimeRange } from '../lib/time-range';

/** Relative presets as a segmented control, plus a custom absolute range with datetime-local inputs. */
export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange: (r: TimeRange) => void }) {
  const [custom, setCustom] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const fromRef = useRef<HTMLInputElement>(null);

  // Opening the custom editor starts from the range on screen.
  function openCustom() {
    const now = Date.now();
    const preset = value.kind === 'relative' ? PRESETS.find((p) => p.key === value.key)! : null;
    setFrom(toDateTimeLocal(value.kind === 'absolute' ? value.from : now - preset!.ms));
    setTo(toDateTimeLocal(value.kind === 'absolute' ? value.to : now));
    setInvalid(null);
    setCustom(true);
  }
  useEffect(() => { if (custom) fromRef.current?.focus(); }, [custom]);

  function apply(e: Event) {
    e.preventDefault();
    const f = fromDateTimeLocal(from);
    const t = fromDateTimeLocal(to);
    if (!Number.isFinite(f) || !Number.isFinite(t)) { setInvalid('Enter both a start and an end time.'); return; }
    if (f >= t) { setInvalid('The start must be before the end.'); return; }
    setInvalid(null);
    // datetime-local has minute precision: the end minute is included whole.
    onChange({ kind: 'absolute', from: f, to: t + 59_999 });
  }

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
          aria-expanded={custom} data-testid="range-custom" onClick={() => (custom ? setCustom(false) : openCustom())}
        >
          Custom
        </button>
      </div>
      {value.kind === 'absolute' && !custom && (
        <span class="range-summary muted">{formatTime(value.from, false)} → {formatTime(value.to, false)}</span>
      )}
      {custom && (
        <form class="range-custom" onSubmit={apply} aria-label="Custom time range">
          <label class="field-inline">
            <span>From</span>
            <input ref={fromRef} type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} data-testid="range-from" required />
          </label>
          <label class="field-inline">
            <span>To</span>
            <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} data-testid="range-to" required />
          </label>
          <button type="submit" class="btn btn-primary" data-testid="range-apply">Apply</button>
          <button type="button" class="btn" onClick={() => setCustom(false)}>Cancel</button>
          {invalid && <span class="field-error" role="alert">{invalid}</span>}
        </form>
      )}
    </div>
  );
}
