import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, isAbort, logs, toApiError, type LogGroup } from '../lib/api';
import { formatBytes, formatCount, formatRetention, formatTime } from '../lib/format';
import { href, navigate } from '../lib/router';
import { ErrorBanner } from '../components/ErrorBanner';

const PAGE = 50;
const NAME_CHARS = /^[.\-_/#A-Za-z0-9]*$/;

/** One page of groups; with a name pattern the server answers names only, so details are fetched by name. */
async function fetchGroups(pattern: string, nextToken: string | undefined, signal: AbortSignal): Promise<{ groups: LogGroup[]; nextToken?: string }> {
  const r = await logs.describeLogGroups({ logGroupNamePattern: pattern || undefined, nextToken, limit: PAGE }, signal);
  let groups = r.logGroups;
  if (pattern && groups.length) {
    try {
      const d = await logs.describeLogGroups({ logGroupIdentifiers: groups.map((g) => g.logGroupName), limit: PAGE }, signal);
      const byName = new Map(d.logGroups.map((g) => [g.logGroupName, g]));
      groups = groups.map((g) => byName.get(g.logGroupName) ?? g);
    } catch (e) {
      if (isAbort(e)) throw e;
      // The names are enough to go on.
    }
  }
  return { groups, nextToken: r.nextToken };
}

export function GroupsPage({ query }: { query: URLSearchParams }) {
  const pattern = query.get('q') ?? '';
  const [draft, setDraft] = useState(pattern);
  const [groups, setGroups] = useState<LogGroup[] | null>(null);
  const [nextToken, setNextToken] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [nonce, setNonce] = useState(0);
  const ctl = useRef<AbortController | null>(null);
  const patternOk = NAME_CHARS.test(draft.trim());

  const pushed = useRef(pattern);

  // The address changed elsewhere (back button, a link): show its filter.
  useEffect(() => { if (pattern !== pushed.current) { pushed.current = pattern; setDraft(pattern); } }, [pattern]);

  // The filter box updates the address (so it survives reloads) a moment after typing stops.
  useEffect(() => {
    const want = draft.trim();
    if (want === pattern || !NAME_CHARS.test(want)) return;
    const t = setTimeout(() => { pushed.current = want; navigate(href.groups({ q: want }), true); }, 250);
    return () => clearTimeout(t);
  }, [draft]);

  function load(more: boolean) {
    ctl.current?.abort();
    const c = ctl.current = new AbortController();
    setLoading(true);
    setError(null);
    fetchGroups(pattern, more ? nextToken : undefined, c.signal).then((r) => {
      setGroups((prev) => (more && prev ? [...prev, ...r.groups] : r.groups));
      setNextToken(r.nextToken);
      setLoading(false);
    }, (e: unknown) => {
      if (isAbort(e)) return;
      setError(toApiError(e));
      setLoading(false);
    });
  }

  useEffect(() => {
    load(false);
    return () => ctl.current?.abort();
  }, [pattern, nonce]);

  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <div>
          <h1 id="page-title" tabIndex={-1}>Log groups</h1>
          <p class="muted page-sub">
            {groups === null ? 'Loading…' : `${formatCount(groups.length)}${nextToken ? '+' : ''} ${groups.length === 1 ? 'group' : 'groups'}${pattern ? ` matching “${pattern}”` : ''}`}
          </p>
        </div>
        <button type="button" class="btn" onClick={() => setNonce((n) => n + 1)} disabled={loading} data-testid="groups-refresh">Refresh</button>
      </header>

      <div class="toolbar">
        <label class="search">
          <span class="visually-hidden">Filter log groups by name</span>
          <SearchIcon />
          <input
            type="search" placeholder="Filter log groups by name" value={draft} spellcheck={false} autoCapitalize="off"
            aria-invalid={!patternOk} aria-describedby={patternOk ? undefined : 'groups-filter-hint'}
            onInput={(e) => setDraft(e.currentTarget.value)} data-testid="groups-filter"
          />
        </label>
        {!patternOk && <span id="groups-filter-hint" class="field-error">Log group names contain only letters, digits and . - _ / #</span>}
      </div>

      <ErrorBanner error={error} onDismiss={() => setError(null)} />

      <div class="panel table-wrap" aria-busy={loading}>
        <table class="table" data-testid="groups-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Retention</th>
              <th scope="col" class="num">Stored</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {groups?.map((g) => (
              <tr key={g.logGroupName} data-testid="group-row" data-group-name={g.logGroupName}>
                <th scope="row" class="cell-name"><a href={href.group(g.logGroupName)} data-testid="group-link">{g.logGroupName}</a></th>
                <td data-label="Retention">{g.retentionInDays || g.storedBytes !== undefined ? formatRetention(g.retentionInDays) : '—'}</td>
                <td class="num" data-label="Stored" title={g.storedBytes !== undefined ? `${g.storedBytes.toLocaleString()} bytes` : undefined}>{formatBytes(g.storedBytes)}</td>
                <td data-label="Created"><time dateTime={g.creationTime ? new Date(g.creationTime).toISOString() : undefined}>{formatTime(g.creationTime, false)}</time></td>
              </tr>
            ))}
          </tbody>
        </table>
        {groups !== null && groups.length === 0 && !loading && (
          <div class="empty" data-testid="groups-empty">
            {pattern ? <>No log groups match “{pattern}”.</> : <>No log groups yet. Send logs with the AWS CLI, an SDK or <code>POST /api/v1/ingest/&lt;group&gt;</code>.</>}
          </div>
        )}
        {groups === null && loading && <div class="empty muted">Loading log groups…</div>}
      </div>

      {nextToken && (
        <div class="more">
          <button type="button" class="btn" onClick={() => load(true)} disabled={loading} data-testid="groups-load-more">
            {loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}

export function SearchIcon() {
  return (
    <svg class="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <circle cx="7" cy="7" r="4.75" fill="none" stroke="currentColor" stroke-width="1.5" />
      <path d="M10.5 10.5 14 14" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
    </svg>
  );
}
