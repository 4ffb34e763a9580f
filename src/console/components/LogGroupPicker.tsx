import { useEffect, useRef, useState } from 'preact/hooks';
import { isAbort, logs, toApiError, type ApiError } from '../lib/api';
import { formatBytes } from '../lib/format';

const NAME_CHARS = /^[.\-_/#A-Za-z0-9]*$/;
/** StartQuery takes at most 50 log groups. */
export const MAX_GROUPS = 50;

interface Option { name: string; storedBytes?: number }

/**
 * A multi-select of log groups: chips for the chosen ones, a search box (`logGroupNamePattern`,
 * "contains") with a list to pick from. Keyboard: ↑/↓ move, Enter toggles, Escape closes,
 * Backspace in an empty box removes the last chip.
 */
export function LogGroupPicker({ value, onChange }: { value: string[]; onChange: (groups: string[]) => void }) {
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<Option[] | null>(null);
  const [more, setMore] = useState(false);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const valid = NAME_CHARS.test(search.trim());

  useEffect(() => {
    if (!open || !valid) return;
    const c = new AbortController();
    const t = setTimeout(() => {
      logs.describeLogGroups({ logGroupNamePattern: search.trim() || undefined, limit: 50 }, c.signal).then((r) => {
        setOptions(r.logGroups.map((g) => ({ name: g.logGroupName, storedBytes: g.storedBytes })));
        setMore(!!r.nextToken);
        setActive(0);
        setError(null);
      }, (e: unknown) => { if (!isAbort(e)) setError(toApiError(e)); });
    }, options === null ? 0 : 150);
    return () => { clearTimeout(t); c.abort(); };
  }, [search, open, valid]);

  // Closing the list clears the search (what was picked shows as chips).
  useEffect(() => { if (!open) setSearch(''); }, [open]);

  const selected = new Set(value);
  function toggle(name: string) {
    if (selected.has(name)) onChange(value.filter((g) => g !== name));
    else if (value.length < MAX_GROUPS) onChange([...value, name]);
  }

  function onKeyDown(e: KeyboardEvent) {
    const n = options?.length ?? 0;
    if (e.key === 'ArrowDown') { e.preventDefault(); if (!open) setOpen(true); else if (n) setActive((a) => (a + 1) % n); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); if (n) setActive((a) => (a + n - 1) % n); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      if (open && options?.[active]) toggle(options[active].name);
      else setOpen(true);
    } else if (e.key === 'Escape') {
      if (open) { e.preventDefault(); e.stopPropagation(); setOpen(false); }
    } else if (e.key === 'Backspace' && search === '' && value.length) {
      onChange(value.slice(0, -1));
    }
  }

  const listId = 'group-picker-list';
  const full = value.length >= MAX_GROUPS;
  return (
    <div
      class={`picker${open ? ' picker-open' : ''}`} ref={boxRef} data-testid="group-picker"
      onFocusOut={(e) => { if (!boxRef.current?.contains(e.relatedTarget as Node | null)) setOpen(false); }}
    >
      <div class="picker-box" onClick={(e) => { if (e.target === e.currentTarget) inputRef.current?.focus(); }}>
        {value.map((g) => (
          <span class="picker-chip" key={g} data-testid="group-chip" data-group-name={g}>
            <span class="picker-chip-name" title={g}>{g}</span>
            <button type="button" class="picker-chip-x" aria-label={`Remove ${g}`} title="Remove" onClick={() => toggle(g)}>×</button>
          </span>
        ))}
        <input
          ref={inputRef}
          type="text"
          class="picker-input"
          value={search}
          placeholder={value.length ? 'Add log groups…' : 'Select log groups (up to 50)…'}
          spellcheck={false}
          autoCapitalize="off"
          autoComplete="off"
          role="combobox"
          aria-label="Log groups to query"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && options?.[active] ? `group-opt-${active}` : undefined}
          aria-invalid={!valid}
          data-testid="group-picker-input"
          onInput={(e) => { setSearch(e.currentTarget.value); setOpen(true); }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onKeyDown={onKeyDown}
        />
      </div>
      {open && (
        <div class="picker-pop">
          {!valid && <p class="picker-note field-error">Log group names contain only letters, digits and . - _ / #</p>}
          {error && <p class="picker-note field-error">{error.code}: {error.message}</p>}
          {valid && options === null && !error && <p class="picker-note muted">Loading log groups…</p>}
          {valid && options?.length === 0 && <p class="picker-note muted">No log groups match “{search.trim()}”.</p>}
          {full && <p class="picker-note muted">A query takes at most {MAX_GROUPS} log groups.</p>}
          <ul id={listId} role="listbox" aria-multiselectable="true" aria-label="Log groups" class="picker-list" hidden={!valid || !options?.length}>
            {valid && options?.map((o, i) => {
              const on = selected.has(o.name);
              return (
                <li
                  key={o.name} id={`group-opt-${i}`} role="option" aria-selected={on}
                  class={`${i === active ? 'active' : ''}${on ? ' selected' : ''}`}
                  data-testid="group-option" data-group-name={o.name}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => { toggle(o.name); setActive(i); inputRef.current?.focus(); }}
                  onMouseMove={() => setActive(i)}
                >
                  <span class="picker-check" aria-hidden="true">{on ? '✓' : ''}</span>
                  <span class="picker-name">{o.name}</span>
                  {o.storedBytes !== undefined && <span class="picker-size muted">{formatBytes(o.storedBytes)}</span>}
                </li>
              );
            })}
          </ul>
          {more && valid && <p class="picker-note muted">Showing the first 50: type to narrow.</p>}
        </div>
      )}
    </div>
  );
}
