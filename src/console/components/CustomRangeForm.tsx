import { useEffect, useRef, useState } from 'preact/hooks';
import { fromDateTimeLocal, toDateTimeLocal } from '../lib/format';

/**
 * A custom absolute time range (datetime-local inputs, local time), shared by the log pages' and the
 * dashboards' range pickers. It starts from the range on screen and focuses its first input.
 */
export function CustomRangeForm({ from: initialFrom, to: initialTo, onApply, onCancel, testIdPrefix }: {
  from: number; to: number; onApply: (from: number, to: number) => void; onCancel: () => void; testIdPrefix: string;
}) {
  const [from, setFrom] = useState(() => toDateTimeLocal(initialFrom));
  const [to, setTo] = useState(() => toDateTimeLocal(initialTo));
  const [invalid, setInvalid] = useState<string | null>(null);
  const fromRef = useRef<HTMLInputElement>(null);
  useEffect(() => { fromRef.current?.focus(); }, []);

  function apply(e: Event) {
    e.preventDefault();
    const f = fromDateTimeLocal(from);
    const t = fromDateTimeLocal(to);
    if (!Number.isFinite(f) || !Number.isFinite(t)) { setInvalid('Enter both a start and an end time.'); return; }
    if (f >= t) { setInvalid('The start must be before the end.'); return; }
    setInvalid(null);
    // datetime-local has minute precision: the end minute is included whole.
    onApply(f, t + 59_999);
  }

  return (
    <form class="range-custom" onSubmit={apply} aria-label="Custom time range">
      <label class="field-inline">
        <span>From</span>
        <input ref={fromRef} type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} data-testid={`${testIdPrefix}-from`} required />
      </label>
      <label class="field-inline">
        <span>To</span>
        <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} data-testid={`${testIdPrefix}-to`} required />
      </label>
      <button type="submit" class="btn btn-primary" data-testid={`${testIdPrefix}-apply`}>Apply</button>
      <button type="button" class="btn" onClick={onCancel}>Cancel</button>
      {invalid && <span class="field-error" role="alert">{invalid}</span>}
    </form>
  );
}
