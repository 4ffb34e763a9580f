/** Loads data for a component: aborts the previous load when the inputs change or the component goes away. */
import { useEffect, useState } from 'preact/hooks';
import { isAbort, toApiError, type ApiError } from './api';

export interface Loaded<T> { data: T | null; error: ApiError | null; loading: boolean }

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: true });
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(ctl.signal).then(
      (data) => { if (!ctl.signal.aborted) setState({ data, error: null, loading: false }); },
      (e: unknown) => { if (!isAbort(e) && !ctl.signal.aborted) setState({ data: null, error: toApiError(e), loading: false }); },
    );
    return () => ctl.abort();
  }, deps);
  return state;
}
