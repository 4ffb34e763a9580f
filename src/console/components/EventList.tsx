import { useMemo, useState } from 'preact/hooks';
import type { LogEvent } from '../lib/api';
import { formatTime, utcOffsetLabel } from '../lib/format';
import { jsonTokens, prettyJson, splitMatches } from '../lib/json';
import { href } from '../lib/router';

interface Props {
  events: LogEvent[];
  /** The group the events belong to (for links to their streams). */
  group: string;
  /** Shows a stream column (events of a whole group). */
  showStream?: boolean;
  /** Terms to mark in messages. */
  highlight?: string[];
}

function eventKey(e: LogEvent, i: number): string {
  return e.eventId ?? `${e.timestamp}:${e.ingestionTime ?? ''}:${i}`;
}

/** Log events, one line each; a click (or Enter/Space) expands one to its full, pretty-printed message. */
export function EventList({ events, group, showStream = false, highlight = [] }: Props) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (k: string) => setOpen((prev) => {
    const next = new Set(prev);
    if (next.has(k)) next.delete(k); else next.add(k);
    return next;
  });
  const offset = useMemo(() => utcOffsetLabel(), []);

  return (
    <div class={`events${showStream ? ' events-with-stream' : ''}`} data-testid="events-list">
      <div class="event-head" aria-hidden="true">
        <span />
        <span>Time ({offset})</span>
        {showStream && <span>Stream</span>}
        <span>Message</span>
      </div>
      <ol class="event-rows">
        {events.map((e, i) => {
          const k = eventKey(e, i);
          return <EventRow key={k} event={e} expanded={open.has(k)} onToggle={() => toggle(k)} group={group} showStream={showStream} highlight={highlight} />;
        })}
      </ol>
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

function Highlighted({ text, terms }: { text: string; terms: string[] }) {
  const parts = useMemo(() => splitMatches(text, terms), [text, terms]);
  return <>{parts.map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : p.text))}</>;
}

function EventRow({ event: e, expanded, onToggle, group, showStream, highlight }: { event: LogEvent; expanded: boolean; onToggle: () => void; group: string; showStream: boolean; highlight: string[] }) {
  const firstLine = e.message.length > 2000 ? `${e.message.slice(0, 2000)}…` : e.message;
  return (
    <li class={`event${expanded ? ' event-open' : ''}`} data-testid="event-row">
      <button type="button" class="event-summary" aria-expanded={expanded} onClick={onToggle}>
        <Chevron />
        <time class="ev-time" dateTime={new Date(e.timestamp).toISOString()}>{formatTime(e.timestamp)}</time>
        {showStream && <span class="ev-stream" title={e.logStreamName}>{e.logStreamName}</span>}
        <span class="ev-message" data-testid="event-message"><Highlighted text={firstLine} terms={highlight} /></span>
      </button>
      {expanded && <EventDetail event={e} group={group} showStream={showStream} />}
    </li>
  );
}

function EventDetail({ event: e, group, showStream }: { event: LogEvent; group: string; showStream: boolean }) {
  const pretty = useMemo(() => prettyJson(e.message), [e.message]);
  return (
    <div class="event-detail" data-testid="event-detail">
      <dl class="event-meta">
        <div><dt>Time</dt><dd>{formatTime(e.timestamp)} <span class="muted">({new Date(e.timestamp).toISOString()})</span></dd></div>
        {e.ingestionTime !== undefined && <div><dt>Ingested</dt><dd>{formatTime(e.ingestionTime)}</dd></div>}
        {showStream && e.logStreamName && <div><dt>Stream</dt><dd><a href={href.stream(group, e.logStreamName)}>{e.logStreamName}</a></dd></div>}
      </dl>
      {pretty !== null ? (
        <pre class="message-full json" data-testid="event-json">
          {jsonTokens(pretty).map((t, i) => (t.kind ? <span key={i} class={`j-${t.kind}`}>{t.text}</span> : t.text))}
        </pre>
      ) : (
        <pre class="message-full">{e.message}</pre>
      )}
    </div>
  );
}
