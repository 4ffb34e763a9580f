import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useWidth } from '../lib/chart';
import { insights, isAbort, toApiError, type ApiError } from '../lib/api';
import { formatTime } from '../lib/format';
import { jsonTokens, prettyJson } from '../lib/json';
import { parseResultTime, sortRows, type Row } from '../lib/results';

const PAGE = 250;

export interface SortState { column: string; dir: 'asc' | 'desc' }

interface Props {
  /** Visible columns, in the order returned (`@ptr` already left out). */
  columns: string[];
  rows: Row[];
  sort: SortState | null;
  onSort: (s: SortState | null) => void;
  /** Field names seen in an expanded record (for completion). */
  onDiscover?: (fields: string[]) => void;
}


/** Results as a table: headers sort (natural order), rows expand to the whole record. */
export function ResultsTable({ columns, rows, sort, onSort, onDiscover }: Props) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const [shown, setShown] = useState(PAGE);
  const wrap = useRef<HTMLDivElement>(null);
  // An expanded record stays in view (as wide as the box) when the table scrolls sideways.
  const detailWidth = useWidth(wrap);
  const indexed = useMemo(() => rows.map((r, i) => ({ ...r, '\u0000i': String(i) })), [rows]);
  const sorted = useMemo(() => (sort ? sortRows(indexed, sort.column, sort.dir) : indexed), [indexed, sort?.column, sort?.dir]);

  useEffect(() => { setOpen(new Set()); setShown(PAGE); }, [rows]);

  const toggle = (i: number) => setOpen((prev) => {
    const next = new Set(prev);
    if (next.has(i)) next.delete(i); else next.add(i);
    return next;
  });

  function clickHeader(c: string) {
    if (!sort || sort.column !== c) onSort({ column: c, dir: 'asc' });
    else if (sort.dir === 'asc') onSort({ column: c, dir: 'desc' });
    else onSort(null);
  }

  return (
    <div class="results" data-testid="results">
      <div class="table-wrap results-wrap" ref={wrap}>
        <table class="results-table" data-testid="results-table">
          <thead>
            <tr>
              <th scope="col" class="col-expand"><span class="visually-hidden">Details</span></th>
              {columns.map((c) => {
                const dir = sort?.column === c ? sort.dir : null;
                return (
                  <th key={c} scope="col" aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined} data-testid="results-header" data-column={c}>
                    <button type="button" class="sort-button" onClick={() => clickHeader(c)} title={`Sort by ${c}${dir === 'asc' ? ' (descending next)' : dir === 'desc' ? ' (original order next)' : ''}`}>
                      <span class="col-name">{c}</span>
                      <span class={`sort-mark${dir ? ' sort-on' : ''}`} aria-hidden="true">{dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.slice(0, shown).map((r) => {
              const i = Number(r['\u0000i']);
              const expanded = open.has(i);
              return (
                <ResultRow key={i} row={r} columns={columns} expanded={expanded} onToggle={() => toggle(i)} onDiscover={onDiscover} detailWidth={detailWidth} />
              );
            })}
          </tbody>
        </table>
      </div>
      {sorted.length > shown && (
        <div class="more">
          <span class="muted">Showing {shown.toLocaleString()} of {sorted.length.toLocaleString()} rows</span>
          <button type="button" class="btn btn-small" onClick={() => setShown((n) => n + PAGE * 4)} data-testid="results-more">Show more rows</button>
        </div>
      )}
    </div>
  );
}

function Chevron() {
  return (
    <svg class="ev-chevron" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <path d="M4.5 2.5 8 6l-3.5 3.5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

function Cell({ column, value }: { column: string; value: string | undefined }) {
  if (value === undefined) return <td class="cell-missing" data-column={column}><span class="muted">—</span></td>;
  const ts = parseResultTime(value);
  const isTime = Number.isFinite(ts);
  const mono = isTime || column === '@message' || column === '@logStream' || column === '@log';
  return (
    <td class={`${mono ? 'mono ' : ''}${column === '@message' ? 'cell-message' : 'cell-value'}`} data-column={column} title={isTime ? `${formatTime(ts)} local time (${value} UTC)` : value.length > 80 ? value.slice(0, 2000) : undefined}>
      {value.length > 1000 ? `${value.slice(0, 1000)}…` : value}
    </td>
  );
}

function ResultRow({ row, columns, expanded, onToggle, onDiscover, detailWidth }: { row: Row; columns: string[]; expanded: boolean; onToggle: () => void; onDiscover?: (f: string[]) => void; detailWidth: number }) {
  return (
    <>
      <tr class={`result-row${expanded ? ' result-open' : ''}`} data-testid="result-row" onClick={(e) => { if (!window.getSelection()?.toString() && !(e.target as HTMLElement).closest('button')) onToggle(); }}>
        <td class="col-expand">
          <button type="button" class="expand-button" aria-expanded={expanded} aria-label={expanded ? 'Hide details' : 'Show details'} onClick={onToggle} data-testid="result-expand">
            <Chevron />
          </button>
        </td>
        {columns.map((c) => <Cell key={c} column={c} value={row[c]} />)}
      </tr>
      {expanded && (
        <tr class="result-detail-row">
          <td colSpan={columns.length + 1}>
            <div class="record-sticky" style={{ width: `${detailWidth}px` }}>
              <RecordDetail row={row} onDiscover={onDiscover} />
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

/** The whole record: for an event row (with @ptr), every field GetLogRecord returns; otherwise the row's fields. */
function RecordDetail({ row, onDiscover }: { row: Row; onDiscover?: (f: string[]) => void }) {
  const ptr = row['@ptr'];
  const [record, setRecord] = useState<Record<string, string> | null>(ptr ? null : rowFields(row));
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!ptr) return;
    const c = new AbortController();
    const found = (r: Record<string, string>) => { setRecord(r); onDiscover?.(Object.keys(r)); };
    (async () => {
      try {
        found((await insights.getLogRecord(ptr, c.signal)).logRecord);
      } catch (e) {
        if (!isAbort(e)) setError(toApiError(e));
      }
    })();
    return () => c.abort();
  }, [ptr]);

  const message = record?.['@message'];
  const pretty = useMemo(() => (message !== undefined ? prettyJson(message) : null), [message]);

  if (error) return <div class="record-detail" data-testid="record-detail"><p class="field-error">{error.code}: {error.message}</p></div>;
  if (!record) return <div class="record-detail" data-testid="record-detail"><p class="muted">Loading the log record…</p></div>;
  const names = Object.keys(record).filter((k) => k !== '@message').sort(fieldOrder);
  return (
    <div class="record-detail" data-testid="record-detail">
      <table class="kv" data-testid="record-fields">
        <tbody>
          {names.map((k) => (
            <tr key={k} data-testid="record-field" data-field={k}>
              <th scope="row">{k}</th>
              <td>{recordValue(k, record[k])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {message !== undefined && (
        <div class="record-message">
          <div class="record-message-label muted">@message</div>
          {pretty !== null ? (
            <pre class="message-full json" data-testid="record-json">
              {jsonTokens(pretty).map((t, i) => (t.kind ? <span key={i} class={`j-${t.kind}`}>{t.text}</span> : t.text))}
            </pre>
          ) : <pre class="message-full">{message}</pre>}
        </div>
      )}
    </div>
  );
}

function rowFields(row: Row): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) if (k !== '\u0000i' && k !== '@ptr') o[k] = v;
  return o;
}

/** GetLogRecord's @timestamp/@ingestionTime are epoch ms: shown as times too. */
function recordValue(k: string, v: string): string {
  if ((k === '@timestamp' || k === '@ingestionTime') && /^\d{12,}$/.test(v)) return `${formatTime(Number(v))} (${new Date(Number(v)).toISOString()})`;
  return v;
}

function fieldOrder(a: string, b: string): number {
  const sa = a.startsWith('@') ? 0 : 1;
  const sb = b.startsWith('@') ? 0 : 1;
  if (sa !== sb) return sa - sb;
  return a < b ? -1 : a > b ? 1 : 0;
}
