import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, isAbort, logs, toApiError, type LogEvent, type LogStream } from '../lib/api';
import { formatAgo, formatCount, formatTime } from '../lib/format';
import { href } from '../lib/router';
import { ErrorBanner } from '../components/ErrorBanner';
import { EventList } from '../components/EventList';

const PAGE = 200;
/** A GetLogEvents page holds at most 1 MB; an event is at most 256 KB (+26 bytes of overhead). */
const PAGE_BYTES = 1_048_576;
const MAX_EVENT_BYTES = 262_144;

/** GetLogEvents has no event ids: number the events as they arrive, so rows keep their identity across pages. */
let received = 0;
const withIds = (events: LogEvent[]): LogEvent[] => events.map((e) => ({ ...e, eventId: `s${received++}` }));

const encoder = new TextEncoder();
function pageBytes(events: LogEvent[]): number {
  let n = 0;
  for (const e of events) n += encoder.encode(e.message).length + 26;
  return n;
}

/**
 * Whether a page is provably the last in its direction: fewer events than asked for, with room
 * left for one more of any size, means the server ran out rather than hit the size budget.
 */
function exhausted(events: LogEvent[]): boolean {
  return events.length < PAGE && pageBytes(events) + MAX_EVENT_BYTES + 26 <= PAGE_BYTES;
}

interface View {
  events: LogEvent[];
  backToken?: string;
  forwardToken?: string;
  olderDone: boolean;
}

export function StreamPage({ group, stream }: { group: string; stream: string }) {
  const [meta, setMeta] = useState<LogStream | null>(null);
  const [view, setView] = useState<View | null>(null);
  const [loading, setLoading] = useState<'first' | 'older' | 'newer' | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [nonce, setNonce] = useState(0);
  const ctl = useRef<AbortController | null>(null);

  useEffect(() => {
    const c = new AbortController();
    setMeta(null);
    logs.describeLogStreams({ logGroupName: group, logStreamNamePrefix: stream, limit: 1 }, c.signal).then((r) => {
      setMeta(r.logStreams.find((s) => s.logStreamName === stream) ?? null);
    }, () => { /* the events request reports problems */ });
    return () => c.abort();
  }, [group, stream, nonce]);

  function load(kind: 'first' | 'older' | 'newer') {
    ctl.current?.abort();
    const c = ctl.current = new AbortController();
    setLoading(kind);
    setError(null);
    setNote(null);
    if (kind === 'first') setView(null);
    const nextToken = kind === 'older' ? view?.backToken : kind === 'newer' ? view?.forwardToken : undefined;
    logs.getLogEvents({ logGroupName: group, logStreamName: stream, startFromHead: false, limit: PAGE, nextToken }, c.signal).then((res) => {
      const r = { ...res, events: withIds(res.events) };
      setLoading(null);
      if (kind === 'first') {
        setView({ events: r.events, backToken: r.nextBackwardToken, forwardToken: r.nextForwardToken, olderDone: r.events.length === 0 || exhausted(r.events) });
        return;
      }
      setView((prev) => {
        if (!prev) return prev;
        if (kind === 'older') {
          return { ...prev, events: [...r.events, ...prev.events], backToken: r.nextBackwardToken ?? prev.backToken, olderDone: r.events.length === 0 || exhausted(r.events) };
        }
        return { ...prev, events: [...prev.events, ...r.events], forwardToken: r.nextForwardToken ?? prev.forwardToken };
      });
      if (kind === 'newer') setNote(r.events.length ? `${formatCount(r.events.length)} newer ${r.events.length === 1 ? 'event' : 'events'} loaded.` : 'No newer events yet.');
    }, (e: unknown) => {
      if (isAbort(e)) return;
      setError(toApiError(e));
      setLoading(null);
    });
  }

  useEffect(() => {
    load('first');
    return () => ctl.current?.abort();
  }, [group, stream, nonce]);

  const n = view?.events.length ?? 0;
  return (
    <section class="page" aria-labelledby="page-title">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href={href.groups()}>Log groups</a>
        <span aria-hidden="true">/</span>
        <a href={href.group(group)}>{group}</a>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{stream}</span>
      </nav>
      <header class="page-header">
        <div class="title-block">
          <h1 id="page-title" tabIndex={-1} data-testid="stream-title">{stream}</h1>
          {meta && (
            <dl class="facts">
              <div><dt>First event</dt><dd>{formatTime(meta.firstEventTimestamp, false)}</dd></div>
              <div><dt>Last event</dt><dd title={formatTime(meta.lastEventTimestamp)}>{meta.lastEventTimestamp ? formatAgo(meta.lastEventTimestamp) : '—'}</dd></div>
              <div><dt>Created</dt><dd>{formatTime(meta.creationTime, false)}</dd></div>
            </dl>
          )}
        </div>
        <button type="button" class="btn" onClick={() => setNonce((x) => x + 1)} disabled={loading !== null} data-testid="stream-refresh">Refresh</button>
      </header>

      <ErrorBanner error={error} onDismiss={() => setError(null)} />

      <div class="panel events-panel">
        <div class="panel-header">
          <h2>Latest events</h2>
          <div class="panel-tools">
            <span class="muted" role="status" data-testid="events-status">
              {loading === 'first' ? 'Loading…' : view ? `${formatCount(n)} ${n === 1 ? 'event' : 'events'} shown` : ''}
            </span>
            {n > 20 && (
              <button type="button" class="btn btn-small" onClick={() => {
                const end = document.getElementById('stream-end');
                end?.scrollIntoView({ block: 'end' });
                end?.querySelector('button')?.focus({ preventScroll: true });
              }}>
                Jump to newest
              </button>
            )}
          </div>
        </div>
        {view && n > 0 && (
          <div class="more more-top">
            {view.olderDone ? <span class="muted" data-testid="events-start">Beginning of the stream</span> : (
              <button type="button" class="btn btn-small" onClick={() => load('older')} disabled={loading !== null} data-testid="events-load-older">
                {loading === 'older' ? 'Loading…' : 'Load older events'}
              </button>
            )}
          </div>
        )}
        {view && n === 0 && !error && <p class="empty muted">This stream has no events.</p>}
        {view && n > 0 && <EventList events={view.events} group={group} />}
        {view && (
          <div class="more" id="stream-end">
            <button type="button" class="btn btn-small" onClick={() => load('newer')} disabled={loading !== null} data-testid="events-load-newer">
              {loading === 'newer' ? 'Loading…' : 'Load newer events'}
            </button>
            {note && <span class="muted" role="status">{note}</span>}
          </div>
        )}
      </div>
    </section>
  );
}
