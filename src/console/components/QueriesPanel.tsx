import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { QueryDefinition, QueryInfo } from '../lib/api';
import { formatAgo, formatTime } from '../lib/format';

interface Props {
  saved: QueryDefinition[] | null;
  recent: QueryInfo[] | null;
  fields: string[];
  loadedId: string | null;
  onLoadSaved: (d: QueryDefinition) => void;
  onDeleteSaved: (d: QueryDefinition) => void;
  onLoadRecent: (q: QueryInfo) => void;
  onInsertField: (f: string) => void;
}

/** A dotted name with line-break opportunities after its dots. */
function breakable(name: string) {
  const parts = name.split('.');
  return parts.map((p, i) => (i < parts.length - 1 ? <Fragment key={i}>{p}.<wbr /></Fragment> : p));
}

/** The explorer's side panel: saved queries, recent queries (DescribeQueries) and discovered fields. */
export function QueriesPanel({ saved, recent, fields, loadedId, onLoadSaved, onDeleteSaved, onLoadRecent, onInsertField }: Props) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [fieldFilter, setFieldFilter] = useState('');
  const now = Date.now();
  const shownFields = fields.filter((f) => f.toLowerCase().includes(fieldFilter.trim().toLowerCase()));

  return (
    <aside class="panel side" aria-label="Queries and fields">
      <details open class="side-section" data-testid="saved-queries">
        <summary><h2>Saved queries</h2>{saved && <span class="count">{saved.length}</span>}</summary>
        {saved === null && <p class="side-empty muted">Loading…</p>}
        {saved?.length === 0 && <p class="side-empty muted">No saved queries yet. <strong>Save</strong> keeps the query and its log groups.</p>}
        <ul class="side-list">
          {saved?.map((d) => (
            <li key={d.queryDefinitionId} class={d.queryDefinitionId === loadedId ? 'current' : ''} data-testid="saved-query" data-name={d.name}>
              <button type="button" class="side-item" onClick={() => onLoadSaved(d)} title={d.queryString} data-testid="saved-query-load">
                <span class="side-name">{d.name}</span>
                <code class="side-code">{d.queryString}</code>
                <span class="side-meta muted">
                  {d.logGroupNames?.length ? `${d.logGroupNames.length} ${d.logGroupNames.length === 1 ? 'group' : 'groups'}` : 'no groups'}
                  {d.lastModified ? ` · ${formatAgo(d.lastModified, now)}` : ''}
                </span>
              </button>
              {confirming === d.queryDefinitionId ? (
                <span class="side-confirm">
                  <button type="button" class="btn btn-small btn-danger" onClick={() => { setConfirming(null); onDeleteSaved(d); }} data-testid="saved-query-confirm-delete">Delete</button>
                  <button type="button" class="btn btn-small" onClick={() => setConfirming(null)}>Keep</button>
                </span>
              ) : (
                <button type="button" class="btn-icon side-x" aria-label={`Delete saved query ${d.name}`} title="Delete" onClick={() => setConfirming(d.queryDefinitionId)} data-testid="saved-query-delete">×</button>
              )}
            </li>
          ))}
        </ul>
      </details>

      <details open class="side-section" data-testid="recent-queries">
        <summary><h2>Recent queries</h2></summary>
        {recent === null && <p class="side-empty muted">Loading…</p>}
        {recent?.length === 0 && <p class="side-empty muted">Queries you run appear here.</p>}
        <ul class="side-list">
          {recent?.map((q) => (
            <li key={q.queryId} data-testid="recent-query">
              <button type="button" class="side-item" onClick={() => onLoadRecent(q)} title={`${q.queryString}\n\n${q.createTime ? formatTime(q.createTime) : ''}`}>
                <code class="side-code">{q.queryString}</code>
                <span class="side-meta muted">
                  <span class={`status-dot status-${q.status.toLowerCase()}`} aria-hidden="true" />
                  {`${q.status}${q.logGroupName ? ` · ${q.logGroupName}` : ''}${q.createTime ? ` · ${formatAgo(q.createTime, now)}` : ''}`}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </details>

      <details open class="side-section" data-testid="fields-panel">
        <summary><h2>Fields</h2><span class="count">{fields.length}</span></summary>
        {fields.length > 12 && (
          <div class="side-filter">
            <input type="search" placeholder="Filter fields" aria-label="Filter fields" value={fieldFilter} onInput={(e) => setFieldFilter(e.currentTarget.value)} spellcheck={false} />
          </div>
        )}
        <p class="side-hint muted">Click a field to insert it at the cursor.</p>
        <ul class="field-list">
          {shownFields.slice(0, 300).map((f) => (
            <li key={f}>
              <button type="button" class={`field-chip${f.startsWith('@') ? ' field-system' : ''}`} onClick={() => onInsertField(f)} data-testid="field-chip">{breakable(f)}</button>
            </li>
          ))}
        </ul>
      </details>
    </aside>
  );
}
