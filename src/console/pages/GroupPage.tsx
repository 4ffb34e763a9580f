import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, isAbort, logs, toApiError, type LogEvent, type LogGroup, type LogStream } from '../lib/api';
import { formatAgo, formatBytes, formatCount, formatRetention, formatTime } from '../lib/format';
import { highlightTerms } from '../lib/json';
import { href, navigate } from '../lib/router';
import { describeRange, rangeFromQuery, rangeToQuery, resolveRange, type TimeRange } from '../lib/time-range';
import { ErrorBanner } from '../components/ErrorBanner';
import { EventList } from '../components/EventList';
import { TimeRangePicker } from '../components/TimeRangePicker';
import { SearchIcon } from './GroupsPage';

const EVENTS_PAGE = 200;
const STREAMS_PAGE = 50;

export function GroupPage({ group, query }: { group: string; query: URLSearchParams }) {
  const [info, setInfo] = useState<LogGroup | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    const c = new AbortController();
    setInfo(null);
    setError(null);
    logs.describeLogGroups({ logGroupIdentifiers: [group] }, c.signal).then((r) => {
      const g = r.logGroups.find((x) => x.logGroupName === group);
      if (g) setInfo(g);
      else setError(new ApiError('ResourceNotFoundException', `The log group “${group}” does not exist.`, 400));
    }, (e: unknown) => { if (!isAbort(e)) setError(toApiError(e)); });
    return () => c.abort();
  }, [group]);

  return (
    <section class="page" aria-labelledby="page-title">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href={href.groups()}>Log groups</a>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{group}</span>
      </nav>
      <header class="page-header">
        <div class="title-block">
          <h1 id="page-title" tabIndex={-1} data-testid="group-title">{group}</h1>
          {info && (
            <dl class="facts">
              <div><dt>Retention</dt><dd>{formatRetention(info.retentionInDays)}</dd></div>
              <div><dt>Stored</dt><dd title={`${(info.storedBytes ?? 0).toLocaleString()} bytes`}>{formatBytes(info.storedBytes)}</dd></div>
              <div><dt>Created</dt><dd>{formatTime(info.creationTime, false)}</dd></div>
            </dl>
          )}
        </div>
        <a class="btn" href={href.explore({ group: [group], ...rangeToQuery(rangeFromQuery(query)) })} data-testid="query-group">Query this group</a>
      </header>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <div class="split">
        <StreamsPanel group={group} />
        <EventsPanel group={group} query={query} />
      </div>
    </section>
  );
}

function StreamsPanel({ group }: { group: string }) {
  const [streams, setStreams] = useState<LogStream[] | null>(null);
  const [nextToken, setNextToken] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const ctl = useRef<AbortController | null>(null);

  function load(more: boolean) {
    ctl.current?.abort();
    const c = ctl.current = new AbortController();
    setLoading(true);
    setError(null);
    logs.describeLogStreams({ logGroupName: group, orderBy: 'LastEventTime', descending: true, limit: STREAMS_PAGE, nextToken: more ? nextToken : undefined }, c.signal).then((r) => {
      setStreams((prev) => (more && prev ? [...prev, ...r.logStreams] : r.logStreams));
      setNextToken(r.nextToken);
      setLoading(false);
    }, (e: unknown) => {
      if (isAbort(e)) return;
      setError(toApiError(e));
      setLoading(false);
    });
  }
  useEffect(() => {
    setStreams(null);
    load(false);
    return () => ctl.current?.abort();
  }, [group]);

  const now = Date.now();
  return (
    <aside class="panel streams" aria-labelledby="streams-title">
      <div class="panel-header">
        <h2 id="streams-title">Log streams</h2>
        {streams && <span class="count">{formatCount(streams.length)}{nextToken ? '+' : ''}</span>}
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {streams === null && loading && <p class="empty muted">Loading streams…</p>}
      {streams?.length === 0 && <p class="empty muted">This group has no streams.</p>}
      {streams && streams.length > 0 && (
        <ul class="stream-list" data-testid="streams-list">
          {streams.map((s) => (
            <li key={s.logStreamName}>
              <a href={href.stream(group, s.logStreamName)} data-testid="stream-link" data-stream-name={s.logStreamName}>
                <span class="stream-name">{s.logStreamName}</span>
                <span class="stream-when muted" title={s.lastEventTimestamp ? `Last event ${formatTime(s.lastEventTimestamp)}` : undefined}>
                  {s.lastEventTimestamp ? `Last event ${formatAgo(s.lastEventTimestamp, now)}` : 'No events'}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {nextToken && (
        <div class="more">
          <button type="button" class="btn btn-small" onClick={() => load(true)} disabled={loading} data-testid="streams-load-more">
            {loading ? 'Loading…' : 'More streams'}
          </button>
        </div>
      )}
    </aside>
  );
}

interface Results {
  events: LogEvent[];
  nextToken?: string;
  /** The window the results were asked for (a relative range is fixed when the query runs). */
  window: { startTime: number; endTime?: number };
}

function EventsPanel({ group, query }: { group: string; query: URLSearchParams }) {
  const range = rangeFromQuery(query);
  const rangeKey = JSON.stringify(rangeToQuery(range));
  const filter = query.get('filter') ?? '';
  const [draft, setDraft] = useState(filter);
  const [results, setResults] = useState<Results | null>(null);
  const [loading, setLoading] = useState<'first' | 'more' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [nonce, setNonce] = useState(0);
  const ctl = useRef<AbortController | null>(null);
  const terms = useMemo(() => highlightTerms(filter), [filter]);

  useEffect(() => { setDraft(filter); }, [filter]);

  function run(more: boolean) {
    ctl.current?.abort();
    const c = ctl.current = new AbortController();
    const win = more && results ? results.window : resolveRange(range);
    setLoading(more ? 'more' : 'first');
    setError(null);
    if (!more) setResults(null);
    logs.filterLogEvents({
      logGroupName: group, ...win, filterPattern: filter || undefined, limit: EVENTS_PAGE, nextToken: more ? results?.nextToken : undefined,
    }, c.signal).then((r) => {
      setResults((prev) => ({ events: more && prev ? [...prev.events, ...r.events] : r.events, nextToken: r.nextToken, window: win }));
      setLoading(null);
    }, (e: unknown) => {
      if (isAbort(e)) return;
      setError(toApiError(e));
      setLoading(null);
    });
  }

  useEffect(() => {
    run(false);
    return () => ctl.current?.abort();
  }, [group, rangeKey, filter, nonce]);

  /** Changes the address; the same address again just runs the query again. */
  function go(r: TimeRange, f: string) {
    const to = href.group(group, { ...rangeToQuery(r), filter: f || undefined });
    if (to === location.hash) setNonce((n) => n + 1);
    else navigate(to);
  }

  const n = results?.events.length ?? 0;
  return (
    <section class="panel events-panel" aria-labelledby="events-title">
      <div class="panel-header">
        <h2 id="events-title">Log events</h2>
        <button type="button" class="btn btn-small" onClick={() => setNonce((x) => x + 1)} disabled={loading !== null} data-testid="events-refresh">Refresh</button>
      </div>
      <div class="events-toolbar">
        <TimeRangePicker value={range} onChange={(r) => go(r, draft.trim())} />
        <form class="filter-form" role="search" onSubmit={(e) => { e.preventDefault(); go(range, draft.trim()); }}>
          <label class="search">
            <span class="visually-hidden">Filter pattern</span>
            <SearchIcon />
            <input
              type="search" value={draft} placeholder="Filter events, e.g. ERROR -timeout"
              title={'CloudWatch Logs filter pattern: terms must all occur ("quoted phrase", -term excludes, ?term any of); { $.field = "value" } for JSON; [a, b, ...] for space-delimited; %regex%. Case-sensitive.'} spellcheck={false} autoCapitalize="off"
              onInput={(e) => setDraft(e.currentTarget.value)} data-testid="events-filter"
            />
          </label>
          <button type="submit" class="btn btn-primary" data-testid="events-search">Search</button>
        </form>
      </div>

      <ErrorBanner error={error} onDismiss={() => setError(null)} />

      <div class={`events-status muted${error && !results ? ' events-status-idle' : ''}`} role="status" data-testid="events-status">
        {loading === 'first' ? 'Searching…'
          : results && n === 0 ? (filter ? <>No events match “{filter}” in {describeRange(range)}.</> : <>No events in {describeRange(range)}.</>)
            : results ? <>{formatCount(n)} {n === 1 ? 'event' : 'events'}{results.nextToken ? ', more available' : ''}{filter ? <> matching “{filter}”</> : null}</>
              : null}
      </div>

      {results && n > 0 && <EventList events={results.events} group={group} showStream highlight={terms} />}

      {results?.nextToken && (
        <div class="more">
          <button type="button" class="btn" onClick={() => run(true)} disabled={loading !== null} data-testid="events-load-more">
            {loading === 'more' ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}
