import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  ApiError, compileErrorOf, insights, isAbort, logs, toApiError,
  type CompileError, type QueryDefinition, type QueryInfo, type QueryStatistics, type QueryStatus,
} from '../lib/api';
import { autoPeriod, chartModel, formatWhen } from '../lib/chart';
import { formatBytes, formatCount } from '../lib/format';
import { histogramQuery, isAggregation, statsKeyCount, usesSource } from '../lib/insights-lang';
import { INTERNAL_MARK, poll, TERMINAL } from '../lib/query-runner';
import { columnsOf, discoverFields, download, parseResultTime, sortRows, toCsv, toJson, toRows, type Row } from '../lib/results';
import { href, navigate } from '../lib/router';
import { PRESETS, rangeFromQuery, rangeToQuery, type TimeRange } from '../lib/time-range';
import { ErrorBanner } from '../components/ErrorBanner';
import { Histogram, type Bucket } from '../components/Histogram';
import { LogGroupPicker } from '../components/LogGroupPicker';
import { QueriesPanel } from '../components/QueriesPanel';
import { QueryEditor, type EditorApi } from '../components/QueryEditor';
import { ResultsTable, type SortState } from '../components/ResultsTable';
import { TimeRangePicker } from '../components/TimeRangePicker';
import { TimeSeriesChart } from '../components/TimeSeriesChart';

export const DEFAULT_QUERY = 'fields @timestamp, @message, @logStream, @log\n| sort @timestamp desc\n| limit 100';

const EXAMPLES = [
  { title: 'Latest events', query: DEFAULT_QUERY },
  { title: 'Errors per hour', query: 'filter @message like /(?i)error/\n| stats count(*) as errors by bin(1h)' },
  { title: 'Top CloudTrail calls', query: 'stats count(*) as calls by eventSource, eventName\n| sort calls desc\n| limit 20' },
];

const IDENT = /^[A-Za-z_@][A-Za-z0-9_.@]*$/;

interface RunState {
  text: string;
  groups: string[];
  queryId?: string;
  status: QueryStatus | 'Starting';
  results: { field: string; value: string }[][];
  stats: QueryStatistics | null;
  startedAt: number;
  elapsedMs: number;
  window: { from: number; to: number };
  cancelling?: boolean;
}

interface HistState {
  status: 'running' | 'done' | 'none' | 'failed';
  buckets: Bucket[];
  period: { text: string; ms: number };
  reason?: string;
}

/** The window a run covers, ms; a relative range ends now. */
function windowOf(r: TimeRange, now = Date.now()): { from: number; to: number } {
  if (r.kind === 'absolute') return { from: r.from, to: r.to };
  const p = PRESETS.find((x) => x.key === r.key)!;
  return { from: now - p.ms, to: now };
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function ExplorePage({ query }: { query: URLSearchParams }) {
  const urlGroups = query.getAll('group');
  const urlGroupsKey = urlGroups.join('\n');
  const urlText = query.get('q');
  const range = rangeFromQuery(query);
  const hashKey = query.toString();

  const [groups, setGroups] = useState<string[]>(urlGroups);
  const [text, setText] = useState(urlText ?? DEFAULT_QUERY);
  const [run, setRun] = useState<RunState | null>(null);
  const [hist, setHist] = useState<HistState | null>(null);
  const [compileError, setCompileError] = useState<(CompileError & { text: string }) | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const [sort, setSort] = useState<SortState | null>(null);
  const [tab, setTab] = useState<'table' | 'chart'>('table');
  const [nonce, setNonce] = useState(0);
  const [saved, setSaved] = useState<QueryDefinition[] | null>(null);
  const [recent, setRecent] = useState<QueryInfo[] | null>(null);
  const [loaded, setLoaded] = useState<{ id: string; name: string } | null>(null);
  const [saveOpen, setSaveOpen] = useState(false);
  const [saveName, setSaveName] = useState('');
  const [saveNote, setSaveNote] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [sampleFields, setSampleFields] = useState<string[]>([]);
  const [recordFields, setRecordFields] = useState<string[]>([]);
  const editor = useRef<EditorApi | null>(null);
  const saveInput = useRef<HTMLInputElement>(null);
  const active = useRef<{ ctl: AbortController; ids: string[] } | null>(null);

  // The address changed (back button, a link, a saved query): show what it holds.
  useEffect(() => { setGroups(urlGroups); }, [urlGroupsKey]);
  useEffect(() => { if (urlText !== null) setText(urlText); }, [urlText]);

  // ---- Saved and recent queries ----

  function loadSaved(signal?: AbortSignal) {
    insights.describeQueryDefinitions({ maxResults: 100 }, signal).then((r) => setSaved(r.queryDefinitions), (e: unknown) => { if (!isAbort(e)) setError(toApiError(e)); });
  }
  function loadRecent(signal?: AbortSignal) {
    insights.describeQueries({ maxResults: 100 }, signal).then((r) => {
      const seen = new Set<string>();
      const out: QueryInfo[] = [];
      for (const q of r.queries) {
        if (q.queryString.startsWith(INTERNAL_MARK) || seen.has(q.queryString)) continue;
        seen.add(q.queryString);
        out.push(q);
      }
      setRecent(out.slice(0, 15));
    }, (e: unknown) => { if (!isAbort(e)) setRecent([]); });
  }
  useEffect(() => {
    const c = new AbortController();
    loadSaved(c.signal);
    loadRecent(c.signal);
    return () => c.abort();
  }, []);

  // ---- Field discovery: a few events of each chosen group, flattened here ----

  useEffect(() => {
    if (!groups.length) { setSampleFields([]); return; }
    const c = new AbortController();
    const t = setTimeout(() => {
      Promise.all(groups.slice(0, 5).map((g) => logs.filterLogEvents({ logGroupName: g, limit: 20 }, c.signal).then((r) => r.events.map((e) => e.message), () => [] as string[])))
        .then((lists) => setSampleFields(discoverFields(lists.flat())), () => {});
    }, 300);
    return () => { clearTimeout(t); c.abort(); };
  }, [groups.join('\n')]);

  // ---- Running ----

  function stopActive() {
    const a = active.current;
    if (!a) return;
    a.ctl.abort();
    for (const id of a.ids) insights.stopQuery(id).catch(() => { /* already finished */ });
    active.current = null;
  }
  useEffect(() => () => stopActive(), []);

  async function execute(gs: string[], r: TimeRange, t: string) {
    stopActive();
    setError(null);
    setHint(null);
    setCompileError(null);
    setSaveNote(null);
    const previous = { run, hist, sort };
    setSort(null);
    const source = usesSource(t);
    if (!source && gs.length === 0) {
      setRun(null);
      setHist(null);
      setHint('Select at least one log group to query (or start the query with SOURCE logGroups(…)).');
      return;
    }
    const ctl = new AbortController();
    const me = { ctl, ids: [] as string[] };
    active.current = me;
    const win = windowOf(r);
    const startTime = Math.floor(win.from / 1000);
    const endTime = Math.floor(win.to / 1000);
    const startedAt = Date.now();
    setRun({ text: t, groups: source ? [] : gs, status: 'Starting', results: [], stats: null, startedAt, elapsedMs: 0, window: win });
    const period = autoPeriod(win.to - win.from);
    const hq = histogramQuery(t, period.text);
    setHist(hq ? { status: 'running', buckets: [], period } : { status: 'none', buckets: [], period, reason: isAggregation(t) ? 'aggregation' : undefined });

    let queryId: string;
    try {
      queryId = (await insights.startQuery({ logGroupNames: source ? undefined : gs, startTime, endTime, queryString: t }, ctl.signal)).queryId;
    } catch (e) {
      if (isAbort(e)) return;
      const err = toApiError(e);
      const ce = compileErrorOf(err);
      if (ce) {
        // A query that does not compile never ran: the last results stay on screen.
        setCompileError({ ...ce, text: t });
        setRun(previous.run);
        setHist(previous.hist);
        setSort(previous.sort);
      } else {
        setError(err);
        setRun(null);
        setHist(null);
      }
      if (active.current === me) active.current = null;
      return;
    }
    me.ids.push(queryId);
    setRun((prev) => (prev ? { ...prev, queryId, status: 'Scheduled' } : prev));

    if (hq) void runHistogram(hq, gs, source, startTime, endTime, period, me);

    try {
      const { status } = await poll(queryId, ctl.signal, (res) => {
        setRun((prev) => (prev && prev.queryId === queryId ? { ...prev, status: res.status, results: res.results, stats: res.statistics ?? null, elapsedMs: Date.now() - startedAt } : prev));
      });
      if (status === 'Failed') setError(new ApiError('QueryFailed', 'The query failed on the server. Check the server log for the reason, narrow the time range, or try again.'));
      else if (status === 'Timeout') setError(new ApiError('QueryTimeout', 'The query ran longer than the 60-minute limit and was stopped.'));
    } catch (e) {
      if (!isAbort(e)) setError(toApiError(e));
      return;
    } finally {
      // Nothing left to stop for this query (the histogram keeps its own id until it ends).
      me.ids = me.ids.filter((id) => id !== queryId);
    }
    loadRecent();
  }

  async function runHistogram(hq: string, gs: string[], source: boolean, startTime: number, endTime: number, period: { text: string; ms: number }, me: { ctl: AbortController; ids: string[] }) {
    try {
      const { queryId } = await insights.startQuery({ logGroupNames: source ? undefined : gs, startTime, endTime, queryString: hq }, me.ctl.signal);
      me.ids.push(queryId);
      const res = await poll(queryId, me.ctl.signal);
      me.ids = me.ids.filter((id) => id !== queryId);
      if (res.status !== 'Complete') { setHist((h) => (h ? { ...h, status: 'failed', reason: res.status } : h)); return; }
      const buckets = toRows(res.results).map((row) => ({ t: parseResultTime(row.t), count: Number(row.events ?? 0) })).filter((b) => Number.isFinite(b.t));
      setHist({ status: 'done', buckets, period });
    } catch (e) {
      if (isAbort(e)) return;
      setHist((h) => (h ? { ...h, status: 'failed', reason: toApiError(e).message } : h));
    }
  }

  async function cancel() {
    const id = run?.queryId;
    if (!id || !active.current) return;
    setRun((prev) => (prev ? { ...prev, cancelling: true } : prev));
    const ids = [...active.current.ids];
    await Promise.all(ids.map((q) => insights.stopQuery(q).catch((e: unknown) => {
      // A query that ended meanwhile cannot be stopped: its final status arrives with the next poll.
      const err = toApiError(e);
      if (q === id && err.code !== 'InvalidParameterException') setError(err);
    })));
  }

  useEffect(() => {
    if (urlText === null) return;
    void execute(urlGroups, range, urlText);
  }, [hashKey, nonce]);

  /** Runs (or, with run=false, only records) the drafts: the address holds what ran. */
  function go(opts: { text?: string; range?: TimeRange; run: boolean }) {
    const t = opts.text ?? text;
    const to = href.explore({ group: groups, ...rangeToQuery(opts.range ?? range), q: opts.run ? t : undefined });
    if (to === location.hash) setNonce((n) => n + 1);
    else navigate(to);
  }

  function changeRange(r: TimeRange) {
    go({ range: r, run: urlText !== null });
  }

  // ---- Results ----

  const rows = useMemo<Row[]>(() => (run ? toRows(run.results) : []), [run?.results]);
  const allColumns = useMemo(() => (run ? columnsOf(run.results) : []), [run?.results]);
  const columns = useMemo(() => allColumns.filter((c) => c !== '@ptr'), [allColumns]);
  const model = useMemo(() => (run && !rows.some((r) => r['@ptr']) ? chartModel(allColumns, rows, statsKeyCount(run.text)) : null), [rows, allColumns, run?.text]);
  const hasChart = model !== null;
  useEffect(() => { setTab(hasChart ? 'chart' : 'table'); }, [hasChart, run?.queryId]);

  const fields = useMemo(() => {
    const s = new Set<string>([...sampleFields, ...recordFields, ...columns.filter((c) => IDENT.test(c))]);
    return [...s].sort((a, b) => (a.startsWith('@') === b.startsWith('@') ? (a < b ? -1 : a > b ? 1 : 0) : a.startsWith('@') ? -1 : 1));
  }, [sampleFields, recordFields, columns]);

  function exportAs(kind: 'csv' | 'json') {
    const ordered = sort ? sortRows(rows, sort.column, sort.dir) : rows;
    if (kind === 'csv') download(toCsv(columns, ordered), `trailwatch-results-${stamp()}.csv`, 'text/csv;charset=utf-8');
    else download(toJson(columns, ordered), `trailwatch-results-${stamp()}.json`, 'application/json');
  }

  // ---- Saving ----

  useEffect(() => { if (saveOpen) saveInput.current?.focus(); }, [saveOpen]);

  async function save(e: Event, asNew: boolean) {
    e.preventDefault();
    const name = saveName.trim();
    if (!name) return;
    setSaveError(null);
    try {
      const id = asNew || !loaded ? undefined : loaded.id;
      const r = await insights.putQueryDefinition({ name, queryString: text, logGroupNames: groups, queryDefinitionId: id });
      setLoaded({ id: r.queryDefinitionId, name });
      setSaveOpen(false);
      setSaveNote(`Saved “${name}”.`);
      loadSaved();
    } catch (err) {
      setSaveError(toApiError(err));
    }
  }

  function loadDefinition(d: QueryDefinition) {
    setText(d.queryString);
    if (d.logGroupNames?.length) setGroups(d.logGroupNames);
    setLoaded({ id: d.queryDefinitionId, name: d.name });
    setSaveName(d.name);
    setSaveNote(null);
    setCompileError(null);
    editor.current?.focus();
  }

  async function deleteDefinition(d: QueryDefinition) {
    try {
      await insights.deleteQueryDefinition(d.queryDefinitionId);
      if (loaded?.id === d.queryDefinitionId) setLoaded(null);
      setSaveNote(`Deleted “${d.name}”.`);
      loadSaved();
    } catch (err) {
      setError(toApiError(err));
    }
  }

  function loadRecentQuery(q: QueryInfo) {
    setText(q.queryString);
    if (!groups.length && q.logGroupName) setGroups([q.logGroupName]);
    setLoaded(null);
    setCompileError(null);
    editor.current?.focus();
  }

  const running = run !== null && !TERMINAL.has(run.status as QueryStatus);
  const status = run?.status;
  const n = rows.length;
  const st = run?.stats;

  return (
    <section class="page explore" aria-labelledby="page-title">
      <header class="page-header">
        <div>
          <h1 id="page-title" tabIndex={-1}>Log explorer</h1>
          <p class="muted page-sub">Logs Insights queries over one or more log groups.</p>
        </div>
      </header>

      <div class="explore-layout">
        <div class="explore-main">
          <div class="panel query-panel" role="group" aria-label="Query">
            <div class="query-field">
              <span class="query-label" id="groups-label">Log groups</span>
              <LogGroupPicker value={groups} onChange={(g) => { setGroups(g); setHint(null); }} />
            </div>
            <div class="query-field">
              <span class="query-label">Time range</span>
              <TimeRangePicker value={range} onChange={changeRange} />
            </div>
            <div class="query-field">
              <span class="query-label" id="query-label">Query</span>
              <QueryEditor
                value={text} onChange={setText} onRun={(t) => { setText(t); go({ text: t, run: true }); }}
                fields={fields} error={compileError} errorText={compileError?.text} apiRef={editor}
                labelledBy="query-label" describedBy="query-help"
              />
              <p id="query-help" class="query-help muted">
                <kbd>Ctrl</kbd>+<kbd>Enter</kbd> (<kbd>⌘</kbd>+<kbd>Enter</kbd>) runs · <kbd>Ctrl</kbd>+<kbd>Space</kbd> suggests commands, functions and fields
              </p>
            </div>
            {hint && <p class="field-error" role="alert" data-testid="query-hint">{hint}</p>}
            <div class="query-actions">
              {running ? (
                <>
                  <button type="button" class="btn btn-primary" disabled>
                    <span class="spinner" aria-hidden="true" /> Running…
                  </button>
                  <button type="button" class="btn" onClick={cancel} disabled={!run?.queryId || run?.cancelling} data-testid="query-cancel">
                    {run?.cancelling ? 'Cancelling…' : 'Cancel'}
                  </button>
                </>
              ) : (
                <button type="button" class="btn btn-primary" onClick={() => go({ run: true })} data-testid="query-run">Run query</button>
              )}
              <button type="button" class="btn" aria-expanded={saveOpen} onClick={() => { setSaveOpen((o) => !o); setSaveNote(null); setSaveError(null); if (!saveName && loaded) setSaveName(loaded.name); }} data-testid="query-save">
                Save…
              </button>
              {loaded && <span class="muted loaded-note">Editing saved query <strong>{loaded.name}</strong></span>}
              {saveNote && !saveOpen && <span class="save-note" role="status" data-testid="save-note">{saveNote}</span>}
            </div>
          </div>

          {saveOpen && (
            <form class="panel save-form" onSubmit={(e) => save(e, false)} aria-label="Save the query" data-testid="save-form">
              <label class="field-inline save-name">
                <span>Name</span>
                <input value={saveName} onInput={(e) => setSaveName(e.currentTarget.value)} required maxLength={255} placeholder="e.g. Trail tampering" data-testid="save-name" ref={saveInput} />
              </label>
              <span class="muted save-what">{groups.length ? `${groups.length} log ${groups.length === 1 ? 'group' : 'groups'}` : 'no log groups'} saved with it</span>
              <button type="submit" class="btn btn-primary" data-testid="save-submit">{loaded ? `Update “${loaded.name}”` : 'Save'}</button>
              {loaded && <button type="button" class="btn" onClick={(e) => save(e, true)} data-testid="save-as-new">Save as new</button>}
              <button type="button" class="btn" onClick={() => setSaveOpen(false)}>Cancel</button>
              {saveError && <span class="field-error" role="alert">{saveError.code}: {saveError.message}</span>}
            </form>
          )}

          <ErrorBanner error={error} onDismiss={() => setError(null)} />

          {run === null ? (
            <div class="panel explore-empty" data-testid="explore-empty">
              <h2>Ask your logs a question</h2>
              <p class="muted">Pick log groups and a time range, write a query, then <strong>Run query</strong> (or <kbd>Ctrl</kbd>+<kbd>Enter</kbd>). Start from an example:</p>
              <ul class="examples">
                {EXAMPLES.map((ex) => (
                  <li key={ex.title}>
                    <button type="button" class="side-item" onClick={() => { setText(ex.query); setCompileError(null); editor.current?.focus(); }}>
                      <span class="side-name">{ex.title}</span>
                      <code class="side-code">{ex.query}</code>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <section class="panel results-panel" aria-labelledby="results-title" aria-busy={running}>
              <div class="panel-header results-header">
                <div class="results-status">
                  <h2 id="results-title" class="visually-hidden">Results</h2>
                  <span class={`status-chip status-${String(status).toLowerCase()}`} data-testid="query-status" data-status={status} data-query-id={run.queryId}>
                    {running && <span class="spinner" aria-hidden="true" />}{status === 'Starting' ? 'Starting' : status}
                  </span>
                  <dl class="stats" data-testid="query-stats">
                    <div><dt>Records matched</dt><dd data-testid="stat-matched">{st ? formatCount(st.recordsMatched ?? 0) : '—'}</dd></div>
                    <div><dt>Records scanned</dt><dd data-testid="stat-scanned">{st ? formatCount(st.recordsScanned ?? 0) : '—'}</dd></div>
                    <div><dt>Data scanned</dt><dd data-testid="stat-bytes">{st ? formatBytes(st.bytesScanned ?? 0) : '—'}</dd></div>
                    <div><dt>Elapsed</dt><dd data-testid="stat-elapsed">{(run.elapsedMs / 1000).toFixed(1)} s</dd></div>
                  </dl>
                </div>
                <div class="results-tools">
                  <button type="button" class="btn btn-small" disabled={!n} onClick={() => exportAs('csv')} data-testid="export-csv">Export CSV</button>
                  <button type="button" class="btn btn-small" disabled={!n} onClick={() => exportAs('json')} data-testid="export-json">Export JSON</button>
                </div>
              </div>
              <p class="results-window muted" data-testid="results-summary" role="status">
                {formatCount(n)} {n === 1 ? 'row' : 'rows'}{running ? ' so far' : ''} · {formatWhen(run.window.from)} → {formatWhen(run.window.to)}
              </p>

              {hist && hist.status !== 'none' && (
                <div class="histogram-wrap">
                  <div class="histogram-title muted">
                    Matching events per {hist.period.text}
                    {hist.status === 'running' && ' · counting…'}
                    {hist.status === 'failed' && ` · not available (${hist.reason ?? 'failed'})`}
                    {hist.status === 'done' && ' · click a bar to zoom in'}
                  </div>
                  {hist.status === 'done' && (
                    <Histogram
                      buckets={hist.buckets} periodMs={hist.period.ms} periodText={hist.period.text}
                      from={run.window.from} to={run.window.to}
                      onSelect={(from, to) => go({ range: { kind: 'absolute', from: Math.max(from, run.window.from), to: Math.min(to, run.window.to) }, run: true })}
                    />
                  )}
                </div>
              )}

              {hasChart && (
                <div class="tabs" role="tablist" aria-label="Result views">
                  <button type="button" role="tab" id="tab-chart" aria-selected={tab === 'chart'} aria-controls="panel-chart" class={tab === 'chart' ? 'active' : ''} onClick={() => setTab('chart')} data-testid="tab-chart">Chart</button>
                  <button type="button" role="tab" id="tab-table" aria-selected={tab === 'table'} aria-controls="panel-table" class={tab === 'table' ? 'active' : ''} onClick={() => setTab('table')} data-testid="tab-table">Table</button>
                </div>
              )}
              {hasChart && tab === 'chart' && (
                <div id="panel-chart" role="tabpanel" aria-labelledby="tab-chart" class="chart-panel">
                  <TimeSeriesChart model={model!} />
                </div>
              )}
              {(!hasChart || tab === 'table') && (
                <div id="panel-table" role={hasChart ? 'tabpanel' : undefined} aria-labelledby={hasChart ? 'tab-table' : undefined}>
                  {n > 0 ? (
                    <ResultsTable columns={columns} rows={rows} sort={sort} onSort={setSort} onDiscover={(f) => setRecordFields((prev) => [...new Set([...prev, ...f])])} />
                  ) : (
                    <p class="empty muted" data-testid="results-empty">
                      {running ? 'Waiting for results…' : status === 'Complete' ? 'No results: nothing matched in this time range.' : status === 'Cancelled' ? 'The query was cancelled.' : 'No results.'}
                    </p>
                  )}
                </div>
              )}
            </section>
          )}
        </div>

        <QueriesPanel
          saved={saved} recent={recent} fields={fields} loadedId={loaded?.id ?? null}
          onLoadSaved={loadDefinition} onDeleteSaved={deleteDefinition} onLoadRecent={loadRecentQuery}
          onInsertField={(f) => editor.current?.insert(IDENT.test(f) ? f : `\`${f}\``)}
        />
      </div>
    </section>
  );
}
