/**
 * A page loaded on first visit (its own chunk): the dashboards, metrics and alarms pages bring
 * uPlot and markdown-it, which the log pages do not need.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let Loaded: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  return function LazyPage(props: P) {
    const [, setReady] = useState(false);
    const [failed, setFailed] = useState<string | null>(null);
    useEffect(() => {
      if (Loaded) return;
      let live = true;
      pending ??= load().then((c) => { Loaded = c; });
      pending.then(() => {
        if (!live) return;
        setReady(true);
        // The app focuses the heading on navigation; the real heading only exists now.
        requestAnimationFrame(() => document.getElementById('page-title')?.focus({ preventScroll: true }));
      }, (e: unknown) => { pending = null; if (live) setFailed(e instanceof Error ? e.message : String(e)); });
      return () => { live = false; };
    }, []);
    if (Loaded) return <Loaded {...props} />;
    return (
      <section class="page" aria-busy="true">
        <h1 id="page-title" tabIndex={-1} class="visually-hidden">Loading</h1>
        {failed ? <div class="banner banner-error" role="alert">This page could not be loaded ({failed}). Reload to try again.</div> : <p class="muted">Loading…</p>}
      </section>
    );
  };
}
