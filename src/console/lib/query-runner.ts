/** Running Logs Insights queries from the browser: StartQuery, then GetQueryResults until the query ends. */
import { insights, type QueryStatus, type ResultField } from './api';

export const TERMINAL: ReadonlySet<QueryStatus> = new Set(['Complete', 'Failed', 'Cancelled', 'Timeout', 'Unknown']);

/** Queries the console runs for itself start with this comment, so the recent-queries list can leave them out. */
export const INTERNAL_MARK = '# trailwatch:';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) { reject(new DOMException('Aborted', 'AbortError')); return; }
    const onAbort = () => { clearTimeout(t); reject(new DOMException('Aborted', 'AbortError')); };
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export type QueryResults = Awaited<ReturnType<typeof insights.getQueryResults>>;

/** Polls GetQueryResults (150 ms, growing to 1 s) until the query ends, reporting every answer. */
export async function poll(queryId: string, signal: AbortSignal, onUpdate: (r: QueryResults) => void = () => {}): Promise<QueryResults> {
  let delay = 150;
  for (;;) {
    await sleep(delay, signal);
    const r = await insights.getQueryResults(queryId, signal);
    onUpdate(r);
    if (TERMINAL.has(r.status)) return r;
    delay = Math.min(1000, Math.round(delay * 1.5));
  }
}

export type { ResultField };
