import { useEffect, useState } from 'preact/hooks';
import { allPages, cloudwatch, type DashboardEntry } from '../lib/api';
import { formatBytes, formatTime } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { ErrorBanner } from '../components/ErrorBanner';
import { SearchIcon } from './GroupsPage';

const NAME_CHARS = /^[A-Za-z0-9_-]*$/;

/** The dashboards (ListDashboards, every page), filtered by name prefix. */
export function DashboardsPage({ query }: { query: URLSearchParams }) {
  const prefix = query.get('q') ?? '';
  const [draft, setDraft] = useState(prefix);
  const [nonce, setNonce] = useState(0);
  const ok = NAME_CHARS.test(draft.trim());
  useEffect(() => {
    const want = draft.trim();
    if (want === prefix || !NAME_CHARS.test(want)) return;
    const t = setTimeout(() => navigate(href.dashboards({ q: want }), true), 250);
    return () => clearTimeout(t);
  }, [draft]);

  const loaded = useLoad((signal) => allPages<DashboardEntry, Awaited<ReturnType<typeof cloudwatch.listDashboards>>>(
    (t) => cloudwatch.listDashboards({ DashboardNamePrefix: prefix || undefined, NextToken: t }, signal), (r) => r.DashboardEntries), [prefix, nonce]);
  const list = loaded.data;

  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <div>
          <h1 id="page-title" tabIndex={-1}>Dashboards</h1>
          <p class="muted page-sub">{list === null ? 'Loading…' : `${list.length} ${list.length === 1 ? 'dashboard' : 'dashboards'}${prefix ? ` starting with “${prefix}”` : ''}`}</p>
        </div>
        <button type="button" class="btn" onClick={() => setNonce((n) => n + 1)} disabled={loaded.loading} data-testid="dashboards-refresh">Refresh</button>
      </header>
      <div class="toolbar">
        <label class="search">
          <span class="visually-hidden">Filter dashboards by name prefix</span>
          <SearchIcon />
          <input type="search" placeholder="Filter dashboards by name prefix" value={draft} spellcheck={false} aria-invalid={!ok}
            aria-describedby={ok ? undefined : 'dashboards-filter-error'} onInput={(e) => setDraft(e.currentTarget.value)} data-testid="dashboards-filter" />
        </label>
        {!ok && <span class="field-error" id="dashboards-filter-error">Dashboard names contain only letters, digits, - and _</span>}
      </div>
      <ErrorBanner error={loaded.error} />
      <div class="panel table-wrap" aria-busy={loaded.loading}>
        <table class="table" data-testid="dashboards-table">
          <thead><tr><th scope="col">Name</th><th scope="col" class="num">Size</th><th scope="col">Last modified</th></tr></thead>
          <tbody>
            {list?.map((d) => (
              <tr key={d.DashboardName} data-testid="dashboard-row" data-name={d.DashboardName}>
                <th scope="row" class="cell-name"><a href={href.dashboard(d.DashboardName)}>{d.DashboardName}</a></th>
                <td class="num">{formatBytes(d.Size)}</td>
                <td>{formatTime(d.LastModified !== undefined ? d.LastModified * 1000 : undefined, false)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list !== null && !list.length && (
          <div class="empty" data-testid="dashboards-empty">
            {prefix ? <>No dashboards start with “{prefix}”.</> : <>No dashboards yet. Create one with <code>aws cloudwatch put-dashboard</code>.</>}
          </div>
        )}
      </div>
    </section>
  );
}
