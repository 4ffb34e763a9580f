/**
 * Runs a Logs Insights query against the engine: parse, check, resolve SOURCE, compile, run the
 * SQL (with max_execution_time, ENGINE.md rule 5), format the rows, compute the statistics.
 *
 * Statistics: recordsScanned = events of the queried groups in the time range; bytesScanned = the
 * sum of their message sizes; recordsMatched = events that passed the query's filters up to its
 * first aggregating command (stats/pattern), or, without one, the rows entering the final
 * sort/limit/dedup.
 *
 * Event queries ordered by @timestamp are read in time slices, newest first, publishing partial results
 * and stopping once the limit is filled (runSliced); their answer equals the one-piece run.
 */
import type { Engine } from '../../store/engine.js';
import { EVENTS_TABLE } from '../../store/schema.js';
import type { InsightsRequest, InsightsResult, QueryLogGroup, ResultField } from './contract.js';
import type { Command, Query, SourceCmd } from './ast.js';
import { parseQuery } from './parser.js';
import { malformed, InsightsCancelledError, InsightsTimeoutError } from './errors.js';
import { checkCommands, compilePatternInput, compilePipeline, splitAtPattern, type CompileRequest, type CompiledQuery, type RowSource } from './compiler.js';
import { formatValue } from './format.js';
import { clusterTexts, detectAnomalies, diffPatterns, type PatternInput } from './patterns.js';
import { MalformedQueryError } from './contract.js';
import { dictionaryTokens, markIndexed, partsOf, type TokenFilter } from './text-search.js';
import { eventSource } from './compiler.js';
import { sliceDirection, timeSlices, type SliceDirection, type TimeSlice } from './time-slices.js';

/** Engine time limit per query (AWS: 60 minutes, fact sheet §1.8). */
export const QUERY_TIMEOUT_SECONDS = 3600;
/** Events sampled for pattern/diff/anomaly. */
export const PATTERN_SAMPLE = 20_000;
const MAX_SOURCE_GROUPS = 10_000;
const IA_UNSUPPORTED = new Set(['pattern', 'diff', 'anomaly', 'unmask']);

interface Target { groups: QueryLogGroup[]; startMs: number; endMs: number }

/** Applies SOURCE (log groups by prefix and class, START/END) or takes the request's groups. */
export function resolveTarget(q: Query, req: InsightsRequest): Target {
  const src = q.commands[0]?.kind === 'source' ? (q.commands[0] as SourceCmd) : null;
  if (!src) return { groups: req.groups, startMs: req.startMs, endMs: req.endMs };
  if (req.groups.length) throw malformed(q.text, src, 'SOURCE cannot be used when the request names log groups');
  if (src.namePrefix.length > 5) throw malformed(q.text, src.namePrefix[5].span, 'SOURCE accepts at most 5 name prefixes');
  if (src.accountIdentifiers.length > 20) throw malformed(q.text, src.accountIdentifiers[20].span, 'SOURCE accepts at most 20 account identifiers');
  for (const c of src.classes) {
    if (c.value !== 'STANDARD' && c.value !== 'INFREQUENT_ACCESS') throw malformed(q.text, c.span, `Unknown log group class '${c.value}' (STANDARD or INFREQUENT_ACCESS)`);
  }
  const classes = src.classes.length ? src.classes.map((c) => c.value) : ['STANDARD'];
  const accountOk = !src.accountIdentifiers.length || src.accountIdentifiers.some((a) => a.value === req.accountId);
  const groups = accountOk
    ? req.allGroups().filter((g) => classes.includes(g.logGroupClass || 'STANDARD') && (!src.namePrefix.length || src.namePrefix.some((p) => g.name.startsWith(p.value))))
    : [];
  if (groups.length > MAX_SOURCE_GROUPS) throw malformed(q.text, src, `SOURCE matches ${groups.length} log groups; at most ${MAX_SOURCE_GROUPS} can be queried`);
  const abs = (t: SourceCmd['startTime'], dflt: number) => (!t ? dflt : 'relativeMs' in t ? req.now + t.relativeMs : t.absoluteMs);
  return { groups, startMs: abs(src.startTime, req.startMs), endMs: abs(src.endTime, req.endMs) };
}

function checkClasses(q: Query, groups: QueryLogGroup[]): void {
  if (!groups.some((g) => g.logGroupClass === 'INFREQUENT_ACCESS')) return;
  for (const c of q.commands) {
    if (IA_UNSUPPORTED.has(c.kind) || (c.kind === 'filter' && c.keyword === 'filterIndex')) {
      throw malformed(q.text, c, `${c.kind === 'filter' ? 'filterIndex' : c.kind} is not supported for log groups in the INFREQUENT_ACCESS class`);
    }
  }
}

function abortError(signal: AbortSignal): Error {
  const r = signal.reason;
  return r instanceof Error && r.name !== 'AbortError' ? r : new InsightsCancelledError();
}

async function runSql<T = Record<string, unknown>>(engine: Engine, sql: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<T[]> {
  if (signal?.aborted) throw abortError(signal);
  const p = engine.query({ query: sql, query_params: params, format: 'JSONEachRow', clickhouse_settings: { max_execution_time: QUERY_TIMEOUT_SECONDS } })
    .then((rs) => rs.json<T>())
    .catch((e: unknown) => { throw mapEngineError(e); });
  if (!signal) return p;
  return new Promise<T[]>((resolve, reject) => {
    // The engine query keeps running until it ends or hits max_execution_time; the caller is released now.
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => { signal.removeEventListener('abort', onAbort); resolve(v); }, (e) => { signal.removeEventListener('abort', onAbort); reject(e); });
  });
}

function mapEngineError(e: unknown): Error {
  const err = e as { message?: string; code?: number };
  const msg = String(err.message ?? e);
  if (err.code === 159 || /TIMEOUT_EXCEEDED|Timeout exceeded/.test(msg)) return new InsightsTimeoutError();
  if (err.code === 427 || /CANNOT_COMPILE_REGEXP|cannot compile re2/i.test(msg)) {
    return new MalformedQueryError(`Invalid regular expression: ${msg.split('\n')[0]}`, { start: 0, end: 0 });
  }
  return e instanceof Error ? e : new Error(msg);
}

function formatRows(rows: Record<string, unknown>[], cq: CompiledQuery): ResultField[][] {
  const ptrShown = cq.columns.some((c) => c.name === '@ptr');
  return rows.map((r) => {
    const out: ResultField[] = [];
    for (const c of cq.columns) {
      const v = formatValue(r[c.alias], c.type);
      if (v !== null) out.push({ field: c.name, value: v });
    }
    if (cq.eventRows && !ptrShown && typeof r.__ptr === 'string') out.push({ field: '@ptr', value: r.__ptr });
    return out;
  });
}

async function scanStatistics(engine: Engine, creq: CompileRequest, signal?: AbortSignal): Promise<{ n: number; bytes: number }> {
  // message.size reads only the string offsets, not the compressed text.
  const rows = await runSql<{ n: string; b: string }>(engine,
    `SELECT count() AS n, sum(message.size) AS b FROM ${eventSource(creq.tables)} WHERE group_id IN {g:Array(UInt64)} AND timestamp >= {s:Int64} AND timestamp <= {e:Int64}`,
    { g: creq.groupIds, s: creq.startMs, e: creq.endMs }, signal);
  return { n: Number(rows[0]?.n ?? 0), bytes: Number(rows[0]?.b ?? 0) };
}

const EVENT_TABLE_RE = '^(log_events|events_[a-z0-9_]+)$';

/** The event tables to read: the groups' own tables when the caller says, else every event table. */
async function tablesFor(engine: Engine, groups: QueryLogGroup[], signal?: AbortSignal): Promise<string[]> {
  if (groups.length && groups.every((g) => g.table)) return [...new Set(groups.map((g) => g.table!))].sort();
  const rows = await runSql<{ name: string }>(engine, 'SELECT name FROM system.tables WHERE database = currentDatabase() AND match(name, {re:String}) ORDER BY name', { re: EVENT_TABLE_RE }, signal);
  return rows.length ? rows.map((r) => r.name) : [EVENTS_TABLE];
}

/** Replaces each token-filter marker by its index condition (or by the exact condition when the dictionary cannot help). */
async function resolveTokenFilters(engine: Engine, filters: TokenFilter[], creq: CompileRequest, params: Record<string, unknown>, signal?: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!filters.length) return out;
  const run = <T>(sql: string, p: Record<string, unknown>) => runSql<T>(engine, sql, p, signal);
  const tables = creq.tables ?? [EVENTS_TABLE];
  let parts: Awaited<ReturnType<typeof partsOf>>;
  try {
    parts = await partsOf(run, tables, creq.groupIds, creq.startMs, creq.endMs);
    await markIndexed(engine, run, parts);
  } catch (e) {
    if (e instanceof InsightsCancelledError) throw e;
    for (const f of filters) out.set(f.marker, f.fallback);
    return out;
  }
  const indexed = parts.filter((p) => p.indexed);
  const unindexed = parts.filter((p) => !p.indexed);
  // Which rows sit in indexed parts (part names are per table; merge() reads several tables).
  const partRef = tables.length > 1 ? "concat(_table, ':', _part)" : '_part';
  const partNames = (list: typeof parts) => list.map((p) => (tables.length > 1 ? `${p.table}:${p.name}` : p.name));
  let n = 0;
  for (const f of filters) {
    if (!indexed.length) { out.set(f.marker, f.fallback); continue; }
    const conds: string[] = [];
    let usable = true;
    for (const piece of f.pieces) {
      let toks: string[] | null;
      try {
        toks = await dictionaryTokens(engine, run, indexed, piece, f.ci);
      } catch (e) {
        if (e instanceof InsightsCancelledError) throw e;
        toks = null;
      }
      if (toks === null) { usable = false; break; }
      if (!toks.length) { conds.length = 0; conds.push('0'); break; }
      const name = `tk${n++}`;
      params[name] = toks;
      conds.push(`hasAnyTokens(message, {${name}:Array(String)})`);
    }
    if (!usable) { out.set(f.marker, f.fallback); continue; }
    const assisted = f.exact || conds[0] === '0' ? `(${conds.join(' AND ')})` : `(${[...conds, f.fallback].join(' AND ')})`;
    if (!unindexed.length) { out.set(f.marker, assisted); continue; }
    const name = `tp${n++}`;
    params[name] = partNames(unindexed);
    out.set(f.marker, `((${partRef} NOT IN {${name}:Array(String)} AND ${assisted}) OR (${partRef} IN {${name}:Array(String)} AND ${f.fallback}))`);
  }
  return out;
}

function applyMarkers(sql: string | undefined, markers: Map<string, string>): string | undefined {
  if (sql === undefined || !markers.size) return sql;
  return sql.replace(/__tk\d+__/g, (m) => markers.get(m) ?? m);
}

async function countOf(engine: Engine, sql: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<number> {
  const r = await runSql<{ n: string }>(engine, sql, params, signal);
  return Number(r[0]?.n ?? 0);
}

/** The typed fields every group has, when all the groups are in one table (columns are per table). */
function sharedTypedFields(groups: QueryLogGroup[]): Record<string, string> | undefined {
  const first = groups[0];
  if (!first?.table || !first.typedFields) return undefined;
  if (!groups.every((g) => g.table === first.table && g.typedFields)) return undefined;
  const out: Record<string, string> = {};
  for (const [field, column] of Object.entries(first.typedFields)) {
    if (groups.every((g) => g.typedFields![field] === column)) out[field] = column;
  }
  return out;
}

/** Parses, checks and compiles the query for a request (no engine access): SQL and everything needed to run it. */
export function prepare(req: InsightsRequest): { q: Query; target: Target; creq: CompileRequest } {
  const q = parseQuery(req.queryString);
  checkCommands(q);
  const target = resolveTarget(q, req);
  checkClasses(q, target.groups);
  const creq: CompileRequest = {
    groupIds: target.groups.map((g) => g.id), groupNames: target.groups.map((g) => g.name),
    tables: target.groups.length && target.groups.every((g) => g.table) ? [...new Set(target.groups.map((g) => g.table!))].sort() : undefined,
    typedFields: sharedTypedFields(target.groups),
    startMs: target.startMs, endMs: target.endMs, accountId: req.accountId, now: req.now, limit: req.limit,
  };
  return { q, target, creq };
}

/**
 * Typed columns the compiled query reads with a message fallback: those without a NULL in the queried rows
 * are read as they are (a recompile), which spares the fallback's cost. One light query over NULL maps.
 */
async function withTypedNonNull(engine: Engine, q: Query, creq: CompileRequest, cq: CompiledQuery, signal?: AbortSignal): Promise<{ creq: CompileRequest; cq: CompiledQuery }> {
  if (!cq.typedColumns.length || creq.tables?.length !== 1) return { creq, cq };
  const cols = cq.typedColumns;
  const sql = `SELECT ${cols.map((c, i) => `countIf(${c} IS NULL) AS n${i}`).join(', ')} FROM ${eventSource(creq.tables)} WHERE group_id IN {g:Array(UInt64)} AND timestamp >= {s:Int64} AND timestamp <= {e:Int64}`;
  const [r] = await runSql<Record<string, string>>(engine, sql, { g: creq.groupIds, s: creq.startMs, e: creq.endMs }, signal);
  const typedNonNull = cols.filter((_, i) => Number(r?.[`n${i}`] ?? 1) === 0);
  if (!typedNonNull.length) return { creq, cq };
  const next: CompileRequest = { ...creq, typedNonNull };
  return { creq: next, cq: compilePipeline(q, next) };
}

export interface RunOptions {
  /** false: run event queries in one piece (the reference the sliced run must equal; tests and benches). */
  slices?: boolean;
}

export async function runInsightsQuery(engine: Engine, req: InsightsRequest, opts: RunOptions = {}): Promise<InsightsResult> {
  const { q, target, creq: prepared } = prepare(req);
  const signal = req.signal;
  let creq: CompileRequest = { ...prepared, tables: prepared.tables ?? await tablesFor(engine, target.groups, signal) };
  const split = splitAtPattern(q);
  let cq = split ? null : compilePipeline(q, creq);
  if (cq) ({ creq, cq } = await withTypedNonNull(engine, q, creq, cq, signal));
  const plan = cq && opts.slices !== false ? slicePlan(q, cq, creq) : null;
  if (cq && plan) {
    const markers = await resolveTokenFilters(engine, cq.tokenFilters, creq, cq.params, signal);
    cq.sql = applyMarkers(cq.sql, markers)!;
    cq.countSql = applyMarkers(cq.countSql, markers);
    return runSliced(engine, cq, creq, plan, req, target.groups.length);
  }
  // The scan statistics come from a light query (count and message sizes, primary key only) run alongside,
  // unless the main query yields them.
  let scanP: Promise<{ n: number; bytes: number }> | null = cq?.scanColumns ? null : scanStatistics(engine, creq, signal);
  scanP?.catch(() => {});
  let result: { fields: string[]; rows: ResultField[][]; matched: number; scan?: { n: number; bytes: number } };
  if (cq) {
    const markers = await resolveTokenFilters(engine, cq.tokenFilters, creq, cq.params, signal);
    cq.sql = applyMarkers(cq.sql, markers)!;
    cq.countSql = applyMarkers(cq.countSql, markers);
    cq.statsCountSql = applyMarkers(cq.statsCountSql, markers);
    result = await runCompiled(engine, cq, signal, scanP);
  } else {
    result = await runPatternPipeline(engine, q, creq, split!, signal);
  }
  if (!result.scan && !scanP) scanP = scanStatistics(engine, creq, signal);
  const scan = result.scan ?? await scanP!;
  return {
    fields: result.fields,
    rows: result.rows,
    statistics: {
      recordsMatched: result.matched,
      recordsScanned: scan.n,
      bytesScanned: scan.bytes,
      estimatedRecordsSkipped: 0,
      estimatedBytesSkipped: 0,
      logGroupsScanned: target.groups.length,
    },
  };
}

/** The SQL a query runs with (token markers resolved against the engine's text index), for benches and debugging. */
export async function resolvedSql(engine: Engine, req: InsightsRequest): Promise<{ sql: string; params: Record<string, unknown> }> {
  const { q, target, creq: prepared } = prepare(req);
  const creq: CompileRequest = { ...prepared, tables: prepared.tables ?? await tablesFor(engine, target.groups, req.signal) };
  const split = splitAtPattern(q);
  if (split) {
    const plan = await compileInput(engine, q, creq, split, req.signal);
    return { sql: plan.inputSql, params: plan.params };
  }
  const typed = await withTypedNonNull(engine, q, creq, compilePipeline(q, creq), req.signal);
  const cq = typed.cq;
  const markers = await resolveTokenFilters(engine, cq.tokenFilters, typed.creq, cq.params, req.signal);
  return { sql: applyMarkers(cq.sql, markers)!, params: cq.params };
}

async function runCompiled(engine: Engine, cq: CompiledQuery, signal?: AbortSignal, scanP?: Promise<{ n: number; bytes: number }> | null): Promise<{ fields: string[]; rows: ResultField[][]; matched: number; scan?: { n: number; bytes: number } }> {
  const raw = await runSql(engine, cq.sql, cq.params, signal);
  let matched: number;
  let scan: { n: number; bytes: number } | undefined;
  if (cq.scanColumns && raw.length) {
    scan = { n: Number(raw[0][cq.scanColumns.n] ?? 0), bytes: Number(raw[0][cq.scanColumns.bytes] ?? 0) };
  }
  if (cq.matchedColumn) {
    matched = raw.length ? Number(raw[0][cq.matchedColumn] ?? 0) : cq.statsCountSql ? await countOf(engine, cq.statsCountSql, cq.params, signal) : 0;
  } else if (cq.eventRows && cq.countSql) {
    if (raw.length < cq.limit && !cq.dedup) matched = raw.length;
    else if (cq.matchedIsScanned && scanP) matched = (await scanP).n;
    else matched = await countOf(engine, cq.countSql, cq.params, signal);
  } else {
    matched = raw.length;
  }
  return { fields: cq.columns.map((c) => c.name), rows: formatRows(raw, cq), matched, scan };
}

async function patternSample(engine: Engine, inputSql: string, countSql: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<{ inputs: PatternInput[]; total: number }> {
  const total = await countOf(engine, countSql, params, signal);
  const sql = total > PATTERN_SAMPLE
    ? `SELECT __v, __ts FROM (${inputSql}) ORDER BY cityHash64(__v, __ts) LIMIT ${PATTERN_SAMPLE}`
    : `SELECT __v, __ts FROM (${inputSql})`;
  const rows = await runSql<{ __v: string | null; __ts: string | number }>(engine, sql, params, signal);
  return { inputs: rows.map((r) => ({ v: r.__v, ts: Number(r.__ts) })), total };
}

function previousRange(kind: string, startMs: number, endMs: number): [number, number] {
  const day = 86_400_000;
  switch (kind) {
    case 'previousDay': return [startMs - day, endMs - day];
    case 'previousWeek': return [startMs - 7 * day, endMs - 7 * day];
    case 'previousMonth': {
      const shift = (ms: number) => { const d = new Date(ms); d.setUTCMonth(d.getUTCMonth() - 1); return d.getTime(); };
      return [shift(startMs), shift(endMs)];
    }
    default: {
      const len = endMs - startMs + 1;
      return [startMs - len, startMs - 1];
    }
  }
}

async function compileInput(engine: Engine, q: Query, creq: CompileRequest, split: NonNullable<ReturnType<typeof splitAtPattern>>, signal?: AbortSignal): Promise<ReturnType<typeof compilePatternInput>> {
  const plan = compilePatternInput(q, creq, split);
  const markers = await resolveTokenFilters(engine, plan.tokenFilters, creq, plan.params, signal);
  return { ...plan, inputSql: applyMarkers(plan.inputSql, markers)!, countSql: applyMarkers(plan.countSql, markers)! };
}

async function runPatternPipeline(engine: Engine, q: Query, creq: CompileRequest, split: NonNullable<ReturnType<typeof splitAtPattern>>, signal?: AbortSignal): Promise<{ fields: string[]; rows: ResultField[][]; matched: number }> {
  const plan = await compileInput(engine, q, creq, split, signal);
  const { inputs, total } = await patternSample(engine, plan.inputSql, plan.countSql, plan.params, signal);
  const texts = inputs.map((x) => x.v);
  const diff = plan.post.find((c): c is Extract<Command, { kind: 'diff' }> => c.kind === 'diff');
  const anomaly = plan.post.some((c) => c.kind === 'anomaly');
  let src: RowSource;
  if (diff) {
    const [ps, pe] = previousRange(diff.period, creq.startMs, creq.endMs);
    const prevPlan = await compileInput(engine, q, { ...creq, startMs: ps, endMs: pe }, split, signal);
    const prev = await patternSample(engine, prevPlan.inputSql, prevPlan.countSql, prevPlan.params, signal);
    const rows = diffPatterns(texts, prev.inputs.map((x) => x.v));
    src = {
      columns: [
        { name: '@pattern', type: 'str' }, { name: '@severityLabel', type: 'str' }, { name: '@sampleCount', type: 'num' }, { name: '@previousSampleCount', type: 'num' },
        { name: '@ratio', type: 'num' }, { name: '@previousRatio', type: 'num' }, { name: '@changeInRatio', type: 'num' }, { name: '@diffType', type: 'str' },
      ],
      rows: rows.map((r) => [r.pattern, r.severity, r.count, r.previousCount, round(r.ratio), round(r.previousRatio), round(r.ratio - r.previousRatio), r.diffType]),
    };
  } else {
    const results = clusterTexts(texts);
    const n = texts.filter((t) => t !== null).length;
    if (anomaly) {
      const rows = detectAnomalies(results, inputs, creq.startMs, creq.endMs);
      src = {
        columns: [
          { name: '@pattern', type: 'str' }, { name: '@ratio', type: 'num' }, { name: '@sampleCount', type: 'num' }, { name: '@severityLabel', type: 'str' },
          { name: '@anomalyType', type: 'str' }, { name: '@description', type: 'str' }, { name: '@priority', type: 'str' },
        ],
        rows: rows.map((r) => [r.pattern, round(r.ratio), r.count, r.severity, r.anomalyType, r.description, r.priority]),
      };
    } else {
      src = {
        columns: [{ name: '@pattern', type: 'str' }, { name: '@ratio', type: 'num' }, { name: '@sampleCount', type: 'num' }, { name: '@severityLabel', type: 'str' }],
        rows: results.map((r) => [r.pattern, round(n ? r.count / n : 0), r.count, r.severity]),
      };
    }
  }
  const cq = compilePipeline(q, creq, plan.rest, src);
  const res = await runCompiled(engine, cq, signal);
  return { ...res, matched: total };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

// ---- event queries read slice by slice (time-slices.ts; docs/insights.md "Partial results and early stop") ----

/**
 * Test hook, awaited before each slice that reads events: lets a test hold a query between two slices (and
 * read its partial results) without timing. Unset in production.
 */
export const sliceHooks: { beforeSlice?: (info: { queryString: string; index: number; slice: TimeSlice }) => Promise<void> | void } = {};

interface SlicePlan { dir: SliceDirection; slices: TimeSlice[]; startParam: string; endParam: string }

/** The scan stage's time condition as the compiler writes it (Params.i64 names). */
const TIME_RANGE_RE = /timestamp >= \{(p\d+):Int64\} AND timestamp <= \{(p\d+):Int64\}/g;

/**
 * How to read a compiled event query slice by slice, or null to run it in one piece. The query is compiled
 * once for the whole range (queryStartTime() and the like keep their meaning); each slice rebinds the two
 * parameters of the scan stage's time condition.
 */
function slicePlan(q: Query, cq: CompiledQuery, creq: CompileRequest): SlicePlan | null {
  const dir = sliceDirection(q);
  if (!dir || !cq.eventRows || cq.dedup || cq.matchedColumn || cq.scanColumns) return null;
  // One stage only: its limit then applies to the filtered events themselves.
  if (cq.sql.includes('FROM (')) return null;
  const found = [...cq.sql.matchAll(TIME_RANGE_RE)];
  if (found.length !== 1) return null;
  const [, startParam, endParam] = found[0];
  if (cq.params[startParam] !== Math.trunc(creq.startMs) || cq.params[endParam] !== Math.trunc(creq.endMs)) return null;
  if (cq.countSql && [...cq.countSql.matchAll(TIME_RANGE_RE)].length !== 1) return null;
  const slices = timeSlices(Math.trunc(creq.startMs), Math.trunc(creq.endMs), dir);
  if (slices.length < 2) return null;
  return { dir, slices, startParam, endParam };
}

/** Events and message bytes per slice, in one light query (primary key and message sizes only). */
async function sliceStatistics(engine: Engine, creq: CompileRequest, plan: SlicePlan, signal?: AbortSignal): Promise<{ n: number; bytes: number }[]> {
  const params: Record<string, unknown> = { g: creq.groupIds, s: creq.startMs, e: creq.endMs };
  // An event's slice is the first one, in reading order, whose near boundary it passes.
  const op = plan.dir === 'desc' ? '>=' : '<=';
  const arms = plan.slices.slice(0, -1).map((sl, i) => {
    params[`b${i}`] = plan.dir === 'desc' ? sl.startMs : sl.endMs;
    return `timestamp ${op} {b${i}:Int64}, ${i}`;
  });
  const rows = await runSql<{ i: string | number; n: string; b: string }>(engine,
    `SELECT multiIf(${arms.join(', ')}, ${arms.length}) AS i, count() AS n, sum(message.size) AS b FROM ${eventSource(creq.tables)} WHERE group_id IN {g:Array(UInt64)} AND timestamp >= {s:Int64} AND timestamp <= {e:Int64} GROUP BY i`,
    params, signal);
  const out = plan.slices.map(() => ({ n: 0, bytes: 0 }));
  for (const r of rows) {
    const k = Number(r.i);
    if (out[k]) out[k] = { n: Number(r.n), bytes: Number(r.b) };
  }
  return out;
}

/**
 * Runs the query slice by slice, publishing the rows found so far after each, and stops once the limit is
 * filled. The answer equals the one-piece run: the same rows in the same order, and statistics over the
 * whole range (recordsScanned/bytesScanned from the slice statistics; recordsMatched from the rows when the
 * limit was not filled, else counted over the part not read to the end).
 */
async function runSliced(engine: Engine, cq: CompiledQuery, creq: CompileRequest, plan: SlicePlan, req: InsightsRequest, groupsScanned: number): Promise<InsightsResult> {
  const signal = req.signal;
  const statsP = sliceStatistics(engine, creq, plan, signal);
  statsP.catch(() => {});
  const fields = cq.columns.map((c) => c.name);
  const statistics = (matched: number, scan: { n: number; bytes: number }) => ({
    recordsMatched: matched, recordsScanned: scan.n, bytesScanned: scan.bytes, estimatedRecordsSkipped: 0, estimatedBytesSkipped: 0, logGroupsScanned: groupsScanned,
  });
  const rows: Record<string, unknown>[] = [];
  const scanned = { n: 0, bytes: 0 };
  let filledAt = -1;
  let before = 0;
  const runSlice = async (i: number) => {
    const slice = plan.slices[i];
    await sliceHooks.beforeSlice?.({ queryString: req.queryString, index: i, slice });
    return runSql(engine, cq.sql, { ...cq.params, [plan.startParam]: slice.startMs, [plan.endParam]: slice.endMs }, signal);
  };
  // The newest (oldest) slice is read alongside the slice statistics: the first rows come without waiting for them.
  const firstP = runSlice(0);
  firstP.catch(() => {});
  const perSlice = await statsP;
  for (let i = 0; i < plan.slices.length; i++) {
    const st = perSlice[i];
    // A slice without events cannot add rows.
    if (st.n === 0 && i > 0) continue;
    if (signal?.aborted) throw abortError(signal);
    const raw = i === 0 ? await firstP : await runSlice(i);
    before = rows.length;
    const need = cq.limit - before;
    rows.push(...raw.slice(0, need));
    scanned.n += st.n;
    scanned.bytes += st.bytes;
    if (raw.length >= need) filledAt = i;
    req.onProgress?.({ fields, rows: formatRows(rows, cq), statistics: statistics(rows.length, scanned) });
    if (filledAt >= 0) break;
  }
  const total = perSlice.reduce((a, s) => ({ n: a.n + s.n, bytes: a.bytes + s.bytes }), { n: 0, bytes: 0 });
  let matched = rows.length;
  if (filledAt >= 0) {
    if (cq.matchedIsScanned) matched = total.n;
    else if (cq.countSql) {
      // Earlier slices returned all their matching events; the rest of the range is counted.
      const s = plan.dir === 'desc' ? creq.startMs : plan.slices[filledAt].startMs;
      const e = plan.dir === 'desc' ? plan.slices[filledAt].endMs : creq.endMs;
      matched = before + await countOf(engine, cq.countSql, { ...cq.params, [plan.startParam]: s, [plan.endParam]: e }, signal);
    }
  }
  return { fields, rows: formatRows(rows, cq), statistics: statistics(matched, total) };
}
