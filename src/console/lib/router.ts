/**
 * A hash router: `#/groups`, `#/groups/<group>`, `#/groups/<group>/streams/<stream>`, `#/explore`,
 * `#/dashboards`, `#/dashboards/<name>`, `#/metrics`, `#/alarms`, `#/alarms/<name>`;
 * names are URI-encoded path segments (group names contain slashes). The group page keeps its
 * time range and filter in the hash query, the explorer its groups, range and query, so links,
 * reloads and the back button work.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'groups'; query: URLSearchParams }
  | { name: 'group'; group: string; query: URLSearchParams }
  | { name: 'stream'; group: string; stream: string; query: URLSearchParams }
  | { name: 'explore'; query: URLSearchParams }
  | { name: 'dashboards'; query: URLSearchParams }
  | { name: 'dashboard'; dashboard: string; query: URLSearchParams }
  | { name: 'metrics'; query: URLSearchParams }
  | { name: 'alarms'; query: URLSearchParams }
  | { name: 'alarm'; alarm: string; query: URLSearchParams }
  | { name: 'notFound'; path: string };

function decode(segment: string): string | null {
  try { return decodeURIComponent(segment); } catch { return null; }
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const parts = path.split('/').filter((p) => p !== '').map(decode);
  if (parts.some((p) => p === null)) return { name: 'notFound', path };
  const [a, group, c, stream] = parts as string[];
  if (parts.length === 0 || (parts.length === 1 && a === 'groups')) return { name: 'groups', query };
  if (a === 'explore' && parts.length === 1) return { name: 'explore', query };
  if (a === 'dashboards' && parts.length === 1) return { name: 'dashboards', query };
  if (a === 'dashboards' && parts.length === 2) return { name: 'dashboard', dashboard: parts[1]!, query };
  if (a === 'metrics' && parts.length === 1) return { name: 'metrics', query };
  if (a === 'alarms' && parts.length === 1) return { name: 'alarms', query };
  if (a === 'alarms' && parts.length === 2) return { name: 'alarm', alarm: parts[1]!, query };
  if (a === 'groups' && parts.length === 2) return { name: 'group', group, query };
  if (a === 'groups' && parts.length === 4 && c === 'streams') return { name: 'stream', group, stream, query };
  return { name: 'notFound', path };
}

type Query = Record<string, string | readonly string[] | undefined>;

function withQuery(path: string, query?: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (typeof v === 'string') { if (v !== '') q.set(k, v); } else if (v) for (const x of v) q.append(k, x);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const href = {
  groups: (query?: Query) => withQuery('#/groups', query),
  group: (group: string, query?: Query) => withQuery(`#/groups/${encodeURIComponent(group)}`, query),
  stream: (group: string, stream: string) => `#/groups/${encodeURIComponent(group)}/streams/${encodeURIComponent(stream)}`,
  /** The log explorer: `group` (repeated), `range` or `from`/`to`, and the query `q` (which runs it). */
  explore: (query?: Query) => withQuery('#/explore', query),
  dashboards: (query?: Query) => withQuery('#/dashboards', query),
  /** A dashboard: `range` or `from`/`to` override the body's time range. */
  dashboard: (name: string, query?: Query) => withQuery(`#/dashboards/${encodeURIComponent(name)}`, query),
  /** The metrics browser: `ns`, `dims` (dimension names, comma-separated), `metric` (a JSON metric), `stat`, `period`, `range`. */
  metrics: (query?: Query) => withQuery('#/metrics', query),
  alarms: (query?: Query) => withQuery('#/alarms', query),
  alarm: (name: string, query?: Query) => withQuery(`#/alarms/${encodeURIComponent(name)}`, query),
};

export function navigate(to: string, replace = false): void {
  if (replace) {
    history.replaceState(history.state, '', to);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = to;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
