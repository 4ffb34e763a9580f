/**
 * Planner and SQL compiler: a parsed pipeline → one ClickHouse SELECT (nested where the order of
 * commands requires it).
 *
 * Stage model. The pipeline runs over a chain of stages; each stage is one SELECT over the
 * previous one. The scan stage reads `log_events` restricted first by `group_id IN (…)` and the
 * time range (the primary key), defines every event field the query uses once in a WITH clause,
 * and takes every filter that comes before anything that needs a new stage. Ephemeral fields are
 * expressions inlined where they are used (ClickHouse computes a repeated expression once per
 * row); when a new stage starts (after `limit`, before `unnest`, after `stats` …) they are
 * materialized as columns. The row order is metadata (natural-sort keys) applied where a limit,
 * dedup or the end of the query needs it.
 */
import type { Command, Expr, FieldRef, Projection, Query, Span, StatsCmd } from './ast.js';
import { malformed } from './errors.js';
import { EventFieldResolver, type FieldResolver } from './fields.js';
import { ExprCompiler, checkRegex, compileAggregate, type CompileEnv } from './expressions.js';
import { dedupeOrder, sortItems, renderOrder, type OrderItem } from './sorting.js';
import { Params, asBool, asStr, jsonToStrSql, NULL_EXPR, type SqlExpr, type VType } from './types.js';
import { EVENTS_TABLE } from '../../store/schema.js';
import { POINTER_SQL } from './pointer.js';
import { conjuncts, isVerbatimLiteral, literalNeedle, piecesOf, tokensOf, type TokenFilter } from './text-search.js';

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

/** FROM for the scan stage: one table, or merge() over several (each keeps its primary key and text index). */
export function eventSource(tables: string[] | undefined): string {
  const list = (tables?.length ? tables : [EVENTS_TABLE]).filter((t, i, a) => a.indexOf(t) === i);
  for (const t of list) if (!TABLE_NAME.test(t)) throw new Error(`invalid event table name ${t}`);
  return list.length === 1 ? list[0] : `merge(currentDatabase(), '^(${list.join('|')})$')`;
}

export const DEFAULT_LIMIT = 10_000;

export interface CompileRequest {
  groupIds: number[];
  /** Names of the queried groups (Lambda groups read embedded JSON). */
  groupNames?: string[];
  /** Event tables holding the queried groups (default: the generic table). */
  tables?: string[];
  startMs: number;
  endMs: number;
  accountId: string;
  now: number;
  /** StartQuery's limit parameter, when given. */
  limit?: number;
  /** Typed columns every queried group shares (QueryLogGroup.typedFields); absent when they differ. */
  typedFields?: Record<string, string>;
  /** Typed columns with no NULL in the queried rows: read as they are, without the message fallback. */
  typedNonNull?: string[];
  /** Field resolution for event fields (default: EventFieldResolver). */
  resolver?: (params: Params, accountId: string, groupNames: string[], typedFields?: Record<string, string>, typedNonNull?: string[]) => FieldResolver;
}

export interface OutputColumn { name: string; alias: string; type: VType }

/** Rows produced in JS (pattern/diff/anomaly) that the rest of the pipeline reads as a table. */
export interface RowSource { columns: { name: string; type: VType }[]; rows: (string | number | null)[][] }

export interface CompiledQuery {
  sql: string;
  params: Record<string, unknown>;
  columns: OutputColumn[];
  /** Rows are events: each carries `@ptr` (column `__ptr`). */
  eventRows: boolean;
  /** For aggregated results: the column holding the number of events that entered the first stats. */
  matchedColumn?: string;
  /** Counts the rows entering the final sort/limit/dedup (recordsMatched of event queries). */
  countSql?: string;
  /** Counts the rows entering the first stats (recordsMatched when an aggregated result is empty). */
  statsCountSql?: string;
  /** The final stage deduplicates, so fewer rows than the limit does not mean nothing was cut. */
  dedup: boolean;
  limit: number;
  /** Dictionary-assisted text conditions whose markers the executor replaces (text-search.ts). */
  tokenFilters: TokenFilter[];
  /** The first stats saw every scanned event: recordsScanned/bytesScanned are these columns of any row. */
  scanColumns?: { n: string; bytes: string };
  /** An event query without filters: recordsMatched = recordsScanned (no count query). */
  matchedIsScanned: boolean;
  /** Typed columns read with a fallback to the message (the executor may learn they hold no NULLs and recompile). */
  typedColumns: string[];
}

/** A pipeline that contains pattern/diff/anomaly: the input query, then the rest over JS-built rows. */
export interface PatternPlan {
  /** SELECT of the pattern input (`__v` text, `__ts` ms) over the commands before `pattern`. */
  inputSql: string;
  countSql: string;
  params: Record<string, unknown>;
  patternCmd: Extract<Command, { kind: 'pattern' }> | null;
  /** diff/anomaly commands that directly follow the pattern stage. */
  post: Command[];
  /** Commands after the pattern stage, compiled later over the pattern rows. */
  rest: Command[];
  tokenFilters: TokenFilter[];
}

interface Stage {
  base: boolean;
  from: Stage | null;
  withDefs?: () => string[];
  where: string[];
  groupBy: string[] | null;
  /** Explicit select list (aggregate stages; the final stage); null means `*` plus extras. */
  select: { sql: string; alias: string }[] | null;
  extras: { sql: string; alias: string }[];
  arrayJoin: { sql: string; alias: string } | null;
  orderBy: OrderItem[] | null;
  limitBy: { by: string[] } | null;
  limit: number | null;
  /** A source built from rows in JS. */
  rowSource?: string;
  /** The event table(s) the scan stage reads. */
  table?: string;
}

/** The column name of a projection: its alias, a field's own name, or the expression as written. */
function nameOf(p: Projection): string {
  return p.alias ?? (p.expr.kind === 'field' ? p.expr.name : p.text);
}

function newStage(from: Stage | null): Stage {
  return { base: false, from, where: [], groupBy: null, select: null, extras: [], arrayJoin: null, orderBy: null, limitBy: null, limit: null };
}

const SIMPLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BASE_COLUMNS = ['group_id', 'stream_id', 'log_group', 'log_stream', 'timestamp', 'ingestion_time', 'seq', 'idx', 'message'];

function renderStage(s: Stage, resolver: FieldResolver | null): string {
  let sql = '';
  if (s.base && s.withDefs) {
    const defs = s.withDefs();
    if (defs.length) sql += `WITH ${defs.join(', ')} `;
  }
  let select: string;
  if (s.select) select = s.select.map((c) => (c.sql === c.alias ? c.sql : `${c.sql} AS ${c.alias}`)).join(', ');
  else {
    const parts = [s.base ? BASE_COLUMNS.join(', ') : '*'];
    if (s.base && resolver) parts.push(...resolver.derivedColumns());
    // `*` does not include the ARRAY JOIN alias.
    if (s.arrayJoin) parts.push(s.arrayJoin.alias);
    for (const e of s.extras) parts.push(`${e.sql} AS ${e.alias}`);
    select = parts.join(', ');
  }
  sql += `SELECT ${select} FROM `;
  if (s.rowSource) sql += s.rowSource;
  else if (s.base) sql += s.table ?? EVENTS_TABLE;
  else sql += `(${renderStage(s.from!, resolver)})`;
  if (s.arrayJoin) sql += ` ARRAY JOIN ${s.arrayJoin.sql} AS ${s.arrayJoin.alias}`;
  if (s.where.length) sql += ` WHERE ${s.where.map((w) => (s.where.length > 1 ? `(${w})` : w)).join(' AND ')}`;
  if (s.groupBy && s.groupBy.length) sql += ` GROUP BY ${s.groupBy.join(', ')}`;
  if (s.orderBy && s.orderBy.length) sql += ` ORDER BY ${renderOrder(s.orderBy)}`;
  if (s.limitBy) sql += ` LIMIT 1 BY ${s.limitBy.by.join(', ')}`;
  if (s.limit !== null) sql += ` LIMIT ${s.limit}`;
  return sql;
}

type Mode = 'events' | 'aggregated' | 'rows';

class Pipeline {
  readonly params: Params;
  readonly resolver: FieldResolver;
  readonly env: CompileEnv;
  stage: Stage;
  fields = new Map<string, SqlExpr>();
  outputs = new Map<string, SqlExpr>();
  display: Map<string, SqlExpr> | null = null;
  order: OrderItem[] = [];
  mode: Mode = 'events';
  statsCount = 0;
  sawFields = false;
  limitAny = false;
  matchedColumn: string | undefined;
  statsInput: Stage | null = null;
  /** Column with the scanned bytes when the first stats saw every scanned event. */
  bytesColumn: string | undefined;
  readonly tokenFilters: TokenFilter[] = [];
  private inBaseFilter = false;
  private n = 0;

  constructor(readonly query: Query, readonly req: CompileRequest, params?: Params) {
    this.params = params ?? new Params();
    this.resolver = (req.resolver ?? ((p, a, g, t, nn) => new EventFieldResolver(p, a, g, t, nn)))(this.params, req.accountId, req.groupNames ?? [], req.typedFields, req.typedNonNull);
    this.env = { text: query.text, params: this.params, now: req.now, startMs: req.startMs, endMs: req.endMs };
    const base = newStage(null);
    base.base = true;
    base.withDefs = () => this.resolver.withDefinitions();
    base.table = eventSource(req.tables);
    base.where.push(`group_id IN ${this.params.u64Array(req.groupIds)}`);
    base.where.push(`timestamp >= ${this.params.i64(req.startMs)} AND timestamp <= ${this.params.i64(req.endMs)}`);
    this.stage = base;
    this.order = [{ sql: 'timestamp', dir: 'DESC' }, { sql: 'seq', dir: 'DESC' }, { sql: 'idx', dir: 'DESC' }];
  }

  /** Starts a pipeline over rows built in JS (after pattern). */
  static overRows(query: Query, req: CompileRequest, src: RowSource): Pipeline {
    const p = new Pipeline(query, req);
    const types = src.columns.map((c) => `${c.type === 'num' ? 'Nullable(Float64)' : 'Nullable(String)'}`).concat('UInt32');
    const json = JSON.stringify(src.rows.map((r, i) => [...r, i]));
    const st = newStage(null);
    const cols = src.columns.map((c, i) => `tupleElement(__t, ${i + 1}) AS __r${i}`).concat(`tupleElement(__t, ${src.columns.length + 1}) AS __rn`).join(', ');
    st.rowSource = `(SELECT ${cols} FROM (SELECT arrayJoin(JSONExtract(${p.params.str(json)}, ${p.params.str(`Array(Tuple(${types.join(', ')}))`)})) AS __t))`;
    st.base = false;
    p.stage = st;
    p.mode = 'rows';
    p.order = [{ sql: '__rn', dir: 'ASC' }];
    src.columns.forEach((c, i) => {
      const e: SqlExpr = { sql: `__r${i}`, type: c.type };
      p.fields.set(c.name, e);
      p.outputs.set(c.name, e);
    });
    return p;
  }

  private err(span: Span, msg: string): Error { return malformed(this.query.text, span, msg); }

  alias(prefix: string): string { return `__${prefix}${this.n++}`; }

  // ---- names ----

  lookup = (ref: FieldRef): SqlExpr => {
    const hit = this.fields.get(ref.name);
    if (hit) return hit;
    // `m.a.b` on an ephemeral map/list field: a path into its JSON.
    const segs = ref.segments ?? ref.name.split('.');
    for (let i = segs.length - 1; i > 0; i--) {
      const prefix = segs.slice(0, i).join('.');
      const m = this.fields.get(prefix);
      if (m && (m.type === 'json' || m.jsonText)) return this.jsonPath(m, segs.slice(i));
    }
    if (this.mode !== 'events') return NULL_EXPR;
    return this.resolver.resolveField(ref.name, ref.segments, { filter: this.inBaseFilter });
  };

  private jsonPath(m: SqlExpr, path: string[]): SqlExpr {
    let cur = m.sql;
    for (const seg of path) {
      const k = this.params.str(seg);
      cur = /^(0|[1-9][0-9]*)$/.test(seg)
        ? `if(JSONType(ifNull(${cur}, '')) = 'Array', JSONExtractRaw(ifNull(${cur}, ''), ${Number(seg) + 1}), JSONExtractRaw(ifNull(${cur}, ''), ${k}))`
        : `JSONExtractRaw(ifNull(${cur}, ''), ${k})`;
    }
    return { sql: `nullIf(${cur}, '')`, type: 'json' };
  }

  rowCompiler(): ExprCompiler {
    return new ExprCompiler(this.env, this.lookup);
  }

  compileRow(e: Expr): SqlExpr {
    return this.rowCompiler().compile(e);
  }

  // ---- stage handling ----

  /** Ends the current stage: later commands read its output as a table. */
  wrap(): void {
    const old = this.stage;
    const mats = new Map<string, string>();
    const mat = (sql: string): string => {
      if (SIMPLE.test(sql) || /^-?\d+$/.test(sql)) return sql;
      let a = mats.get(sql);
      if (!a) { a = this.alias('e'); mats.set(sql, a); }
      return a;
    };
    const matExpr = (e: SqlExpr): SqlExpr => ({ ...e, sql: mat(e.sql) });
    for (const [k, v] of this.fields) this.fields.set(k, matExpr(v));
    for (const [k, v] of this.outputs) this.outputs.set(k, matExpr(v));
    if (this.display) for (const [k, v] of this.display) this.display.set(k, matExpr(v));
    this.order = this.order.map((o) => ({ ...o, sql: mat(o.sql) }));
    const extras = [...mats].map(([sql, alias]) => ({ sql, alias }));
    if (old.select) old.select.push(...extras);
    else old.extras.push(...extras);
    if (old.limit !== null && !old.orderBy && !this.limitAny) old.orderBy = this.order;
    this.stage = newStage(old);
  }

  private needsWrapForRows(): boolean {
    return this.stage.limit !== null || this.stage.limitBy !== null || this.stage.groupBy !== null;
  }

  define(name: string, e: SqlExpr): SqlExpr {
    // Deeply nested inlined definitions are materialized to keep the SQL linear in the query size.
    if (e.sql.length > 4000) {
      this.fields.set(name, e);
      this.wrap();
      return this.fields.get(name)!;
    }
    this.fields.set(name, e);
    return e;
  }

  // ---- commands ----

  run(cmd: Command): void {
    switch (cmd.kind) {
      case 'fields': {
        this.sawFields = true;
        for (const p of cmd.items) {
          const v = this.compileRow(p.expr);
          const name = nameOf(p);
          const d = this.define(name, v);
          this.outputs.delete(name);
          this.outputs.set(name, d);
        }
        return;
      }
      case 'display': {
        const m = new Map<string, SqlExpr>();
        for (const p of cmd.items) {
          const v = this.compileRow(p.expr);
          const name = nameOf(p);
          m.set(name, v);
          if (p.alias) this.fields.set(p.alias, v);
        }
        this.display = m;
        return;
      }
      case 'filter': {
        if (this.needsWrapForRows()) this.wrap();
        const c = this.rowCompiler();
        if (this.stage.base && this.mode === 'events') {
          // Filters of the scan stage: fields extracted on their own (evaluated first), index prefilters.
          this.inBaseFilter = true;
          try {
            for (const conj of conjuncts(cmd.expr)) {
              const v = c.compile(conj);
              this.stage.where.push(this.tokenAssist(conj, v.type === 'bool' ? v.sql : asBool(v)));
            }
          } finally {
            this.inBaseFilter = false;
          }
          return;
        }
        const v = c.compile(cmd.expr);
        this.stage.where.push(v.type === 'bool' ? v.sql : asBool(v));
        return;
      }
      case 'parse': return this.parse(cmd);
      case 'sort': {
        if (this.needsWrapForRows()) this.wrap();
        const items: OrderItem[] = [];
        for (const k of cmd.keys) {
          const v = this.compileRow(k.expr);
          if (v.type === 'json') throw this.err(k.expr, 'Maps and lists cannot be used in sort');
          items.push(...sortItems(v, k.dir));
        }
        this.order = dedupeOrder([...items, ...this.order]);
        this.limitAny = false;
        return;
      }
      case 'limit': {
        if (this.stage.limit !== null && !this.stage.limitBy) {
          if (cmd.n === 'any') return;
          // `limit a | limit b` without anything between: the smaller wins.
          this.stage.limit = Math.min(this.stage.limit, cmd.n);
          return;
        }
        if (this.stage.groupBy) this.wrap();
        if (cmd.n === 'any') {
          this.limitAny = true;
          return;
        }
        this.stage.orderBy = this.limitAny ? [] : this.order;
        this.stage.limit = cmd.n;
        return;
      }
      case 'dedup': {
        if (this.needsWrapForRows()) this.wrap();
        const by: string[] = [];
        const nulls: string[] = [];
        for (const f of cmd.fields) {
          const v = this.lookup(f);
          if (v.type === 'json') throw this.err(f, 'Maps and lists cannot be used in dedup');
          by.push(v.sql);
          nulls.push(`isNull(${v.sql})`);
        }
        // Rows where a dedup field is missing are all kept (fact sheet §1.3).
        by.push(`if(${nulls.join(' OR ')}, rowNumberInAllBlocks(), 0)`);
        this.stage.orderBy = this.order;
        this.stage.limitBy = { by };
        return;
      }
      case 'stats': return this.stats(cmd);
      case 'unnest': {
        const src = this.compileRow(cmd.field);
        this.fields.set('\u0000unnest', src);
        this.wrap();
        const s = this.fields.get('\u0000unnest')!;
        this.fields.delete('\u0000unnest');
        const a = this.alias('u');
        let arr: string;
        let type: VType;
        let jsonText = false;
        if (s.type === 'json') {
          const j = `ifNull(${s.sql}, '')`;
          // Elements as text: strings unquoted, maps and lists as JSON text (readable with item.key).
          arr = `if(${s.sql} IS NULL, [CAST(NULL AS Nullable(String))], if(JSONType(${j}) = 'Array', arrayMap(x -> CAST(${jsonToStrSql('x')} AS Nullable(String)), JSONExtractArrayRaw(${j})), [CAST(${jsonToStrSql(j)} AS Nullable(String))]))`;
          type = 'str';
          jsonText = true;
        } else {
          arr = `[CAST(${s.type === 'null' ? 'NULL' : s.sql} AS Nullable(${s.type === 'num' ? 'Float64' : s.type === 'ts' ? 'Int64' : s.type === 'bool' ? 'UInt8' : 'String'}))]`;
          type = s.type === 'null' ? 'str' : s.type;
        }
        this.stage.arrayJoin = { sql: arr, alias: a };
        const e: SqlExpr = { sql: a, type, jsonText };
        this.fields.set(cmd.into, e);
        this.outputs.delete(cmd.into);
        this.outputs.set(cmd.into, e);
        return;
      }
      case 'unmask':
        // No data-protection masking exists yet: values are returned as stored.
        return;
      case 'source':
        return;
      default:
        throw this.err(cmd, `The command '${cmd.kind}' cannot be used here`);
    }
  }

  /**
   * Adds text-index conditions implied by a scan-stage filter conjunct (text-search.ts) and returns
   * the SQL for the conjunct itself (a marker the executor resolves, when the dictionary can answer it).
   */
  private tokenAssist(e: Expr, sql: string): string {
    const where = this.stage.where;
    const fieldOf = (x: Expr): SqlExpr | null => (x.kind === 'field' ? this.lookup(x) : null);
    if (e.kind === 'like' && !e.negated && e.subject.kind === 'field' && fieldOf(e.subject)?.sql === 'message') {
      const needle = literalNeedle(e.pattern);
      if (!needle) return sql;
      const pieces = piecesOf(needle.text);
      if (!pieces.length) return sql;
      const wholes = needle.ci ? [] : pieces.filter((p) => p.kind === 'whole').map((p) => p.text);
      if (wholes.length) where.push(`hasAllTokens(message, ${this.params.strArray(wholes)})`);
      const dict = needle.ci ? pieces : pieces.filter((p) => p.kind !== 'whole');
      if (!dict.length) return sql;
      const marker = `__tk${this.tokenFilters.length}__`;
      this.tokenFilters.push({ marker, pieces: dict, ci: needle.ci, exact: pieces.length === 1 && pieces[0].kind === 'infix', fallback: sql });
      return marker;
    }
    if (e.kind === 'binary' && e.op === '=') {
      const [f, lit] = e.left.kind === 'string' ? [e.right, e.left] : [e.left, e.right];
      if (lit.kind === 'string' && fieldOf(f)?.fromMessage && isVerbatimLiteral(lit.value)) {
        where.push(`hasAllTokens(message, ${this.params.strArray(tokensOf(lit.value))})`);
      }
      return sql;
    }
    if (e.kind === 'in' && !e.negated && fieldOf(e.subject)?.fromMessage && e.list.items.length > 0
      && e.list.items.every((i) => i.kind === 'string' && isVerbatimLiteral(i.value))) {
      const alts = e.list.items.map((i) => `hasAllTokens(message, ${this.params.strArray(tokensOf((i as { value: string }).value))})`);
      where.push(alts.length === 1 ? alts[0] : `(${alts.join(' OR ')})`);
    }
    return sql;
  }

  private parse(cmd: Extract<Command, { kind: 'parse' }>): void {
    const src = this.compileRow(cmd.source);
    const s = asStr(src);
    let re: string;
    let names: { name: string; index: number }[];
    if (cmd.pattern.kind === 'string') {
      const parts = cmd.pattern.value.split('*');
      const stars = parts.length - 1;
      if (stars === 0) throw this.err(cmd.pattern, "A glob pattern needs at least one '*'");
      if (cmd.names.length !== stars) {
        const span = cmd.names.length ? { start: cmd.names[0].span.start, end: cmd.names[cmd.names.length - 1].span.end } : cmd.pattern;
        throw this.err(span, `The glob pattern has ${stars} '*' but ${cmd.names.length} field name${cmd.names.length === 1 ? '' : 's'} follow${cmd.names.length === 1 ? 's' : ''} 'as'`);
      }
      // Every `*` but the last matches as little as possible; the last takes the rest.
      re = '(?s)' + parts.map((p, i) => escapeRe(p) + (i < stars ? (i === stars - 1 ? '(.*)' : '(.*?)') : '')).join('');
      names = cmd.names.map((n, i) => ({ name: n.name, index: i + 1 }));
    } else {
      re = checkRegex(this.query.text, cmd.pattern);
      const groups = captureGroups(re);
      names = groups.filter((g) => g.name).map((g) => ({ name: g.name!, index: g.index }));
      if (!names.length) throw this.err(cmd.pattern, 'A parse regular expression needs at least one named capture group (?<name>…)');
      re = re.replace(/\(\?<([A-Za-z_@][A-Za-z0-9_.@]*)>/g, '(?P<$1>');
    }
    const g = `extractGroups(ifNull(${s}, ''), ${this.params.str(re)})`;
    for (const n of names) {
      const v: SqlExpr = { sql: `if(empty(${g}), NULL, ${g}[${n.index}])`, type: 'str' };
      this.define(n.name, v);
      this.outputs.delete(n.name);
      this.outputs.set(n.name, this.fields.get(n.name)!);
    }
  }

  private stats(cmd: StatsCmd): void {
    if (this.statsCount >= 2) throw this.err(cmd, 'A query can contain at most 2 stats commands');
    const second = this.mode !== 'events';
    if (this.stage.limit !== null || this.stage.limitBy !== null || this.stage.groupBy !== null) this.wrap();
    const row = this.rowCompiler();
    const keys: { name: string; e: SqlExpr }[] = [];
    const seen = new Set<string>();
    const checkName = (p: Projection, name: string) => {
      if (seen.has(name)) throw this.err(p.aliasSpan ?? p, `The field name '${name}' is used twice in this stats command`);
      seen.add(name);
    };
    for (const p of cmd.by) {
      if (second) this.checkSecondStatsFields(p.expr);
      const v = row.compile(p.expr);
      if (v.agg) throw this.err(p.expr, 'Aggregate functions cannot be used in the by clause');
      if (v.type === 'json') throw this.err(p.expr, 'Maps and lists cannot be used as stats keys');
      const name = nameOf(p);
      checkName(p, name);
      keys.push({ name, e: v });
    }
    const aliases = new Map<string, SqlExpr>();
    for (const k of keys) aliases.set(k.name, k.e);
    const hasTimestamp = this.mode === 'events';
    const aggHook = (c: Parameters<typeof compileAggregate>[1]) => {
      if (second) for (const a of c.args) this.checkSecondStatsFields(a);
      return compileAggregate(row, c, { hasTimestamp });
    };
    const statsLookup = (ref: FieldRef): SqlExpr => {
      const a = aliases.get(ref.name);
      if (a) return a;
      throw this.err(ref, `The field '${ref.name}' must be used inside an aggregate function (or name an earlier result of this stats command)`);
    };
    const sc = new ExprCompiler(this.env, statsLookup, aggHook);
    const items: { name: string; e: SqlExpr }[] = [];
    for (const p of cmd.items) {
      const v = sc.compile(p.expr);
      if (!v.agg) throw this.err(p.expr, 'Each stats expression needs an aggregate function such as count(), sum() or avg()');
      const name = nameOf(p);
      checkName(p, name);
      items.push({ name, e: v });
      aliases.set(name, v);
    }
    // The aggregate stage.
    const st = this.stage;
    if (this.mode === 'events' && !this.statsInput) this.statsInput = { ...st, where: [...st.where], select: [{ sql: '1', alias: '__one' }], orderBy: null, limitBy: null, limit: null, extras: [] };
    const select: { sql: string; alias: string }[] = [];
    const outFields = new Map<string, SqlExpr>();
    const keyAliases: string[] = [];
    for (const k of keys) {
      const a = this.alias('k');
      // materialize(): a constant key would be folded away and its alias lost.
      select.push({ sql: `materialize(${k.e.sql})`, alias: a });
      keyAliases.push(a);
      outFields.set(k.name, { sql: a, type: k.e.type === 'null' ? 'str' : k.e.type });
    }
    for (const it of items) {
      const a = this.alias('a');
      select.push({ sql: it.e.sql, alias: a });
      outFields.set(it.name, { sql: a, type: it.e.type === 'null' ? 'str' : it.e.type });
    }
    if (this.mode === 'events') {
      select.push({ sql: 'sum(count()) OVER ()', alias: '__matched' });
      // Nothing filtered before this stats: every scanned event entered it, so the scan statistics come along.
      if (st.base && st.where.length === 2 && !st.arrayJoin) {
        select.push({ sql: 'sum(sum(message.size)) OVER ()', alias: '__bytes' });
        this.bytesColumn = '__bytes';
      }
    } else if (this.matchedColumn) {
      select.push({ sql: 'max(__matched)', alias: '__matched' });
      if (this.bytesColumn) select.push({ sql: 'max(__bytes)', alias: '__bytes' });
    }
    this.matchedColumn = this.mode === 'events' || this.matchedColumn ? '__matched' : undefined;
    st.select = select;
    st.groupBy = keyAliases;
    st.orderBy = null;
    this.stage = newStage(st);
    this.mode = 'aggregated';
    this.statsCount++;
    this.fields = new Map(outFields);
    this.outputs = new Map(outFields);
    this.display = null;
    this.sawFields = true;
    this.limitAny = false;
    this.order = [];
    for (const k of keys) this.order.push(...sortItems(outFields.get(k.name)!, 'asc'));
  }

  /** The second stats may only use fields produced by the first (fact sheet §1.3). */
  private checkSecondStatsFields(e: Expr): void {
    const visit = (x: Expr): void => {
      switch (x.kind) {
        case 'field':
          if (!this.fields.has(x.name) && !this.lookupPrefixJson(x)) throw this.err(x, `The second stats command can only use fields produced by the first: '${x.name}' is not one of them`);
          return;
        case 'binary': visit(x.left); visit(x.right); return;
        case 'unary': visit(x.operand); return;
        case 'like': visit(x.subject); return;
        case 'in': visit(x.subject); x.list.items.forEach(visit); return;
        case 'index': visit(x.target); visit(x.index); return;
        case 'call':
          if (x.name.toLowerCase() === 'bin') throw this.err(x, 'bin() needs @timestamp, which is not available after stats');
          x.args.forEach(visit);
          return;
        case 'list': x.items.forEach(visit); return;
        default: return;
      }
    };
    visit(e);
  }

  private lookupPrefixJson(ref: FieldRef): boolean {
    const segs = ref.segments ?? ref.name.split('.');
    for (let i = segs.length - 1; i > 0; i--) {
      const f = this.fields.get(segs.slice(0, i).join('.'));
      if (f && (f.type === 'json' || f.jsonText)) return true;
    }
    return false;
  }

  /** The output column list. */
  outputColumns(): Map<string, SqlExpr> {
    if (this.display) return this.display;
    if (this.mode === 'events' && !this.sawFields) {
      const m = new Map<string, SqlExpr>();
      m.set('@timestamp', this.lookup({ kind: 'field', name: '@timestamp', quoted: false, start: 0, end: 0 }));
      m.set('@message', this.lookup({ kind: 'field', name: '@message', quoted: false, start: 0, end: 0 }));
      for (const [k, v] of this.outputs) if (!m.has(k)) m.set(k, v);
      return m;
    }
    return this.outputs;
  }

  finish(): CompiledQuery {
    const st = this.stage;
    const outs = this.outputColumns();
    const columns: OutputColumn[] = [];
    const select: { sql: string; alias: string }[] = [];
    let i = 0;
    for (const [name, e] of outs) {
      const alias = `c${i++}`;
      columns.push({ name, alias, type: e.type === 'json' ? 'str' : e.type });
      select.push({ sql: e.type === 'null' ? 'NULL' : e.type === 'json' ? asStr(e) : e.sql, alias });
    }
    const eventRows = this.mode === 'events';
    if (eventRows) select.push({ sql: POINTER_SQL, alias: '__ptr' });
    if (this.matchedColumn) select.push({ sql: '__matched', alias: '__matched' });
    if (this.matchedColumn && this.bytesColumn) select.push({ sql: this.bytesColumn, alias: '__bytes' });
    const apiLimit = this.req.limit ?? DEFAULT_LIMIT;
    // Count query: the rows entering the final sort/limit/dedup (events only).
    let countSql: string | undefined;
    if (eventRows) {
      const countStage: Stage = { ...st, select: [{ sql: '1', alias: '__one' }], orderBy: null, limitBy: null, limit: null, extras: [] };
      countSql = `SELECT count() AS n FROM (${renderStage(countStage, this.resolver)})`;
    }
    st.select = select;
    if (!st.orderBy && !this.limitAny) st.orderBy = this.order;
    if (this.limitAny && !st.limitBy) st.orderBy = null;
    const limit = Math.min(st.limit ?? apiLimit, apiLimit);
    st.limit = limit;
    return {
      sql: renderStage(st, this.resolver),
      params: this.params.values,
      columns,
      eventRows,
      matchedColumn: this.matchedColumn,
      countSql,
      statsCountSql: this.statsInput ? `SELECT count() AS n FROM (${renderStage(this.statsInput, this.resolver)})` : undefined,
      dedup: st.limitBy !== null,
      limit,
      tokenFilters: this.tokenFilters,
      scanColumns: this.matchedColumn && this.bytesColumn ? { n: '__matched', bytes: '__bytes' } : undefined,
      matchedIsScanned: eventRows && st.base && st.where.length === 2 && !st.arrayJoin && !st.limitBy,
      typedColumns: this.resolver.typedColumnsUsed?.() ?? [],
    };
  }

  /** The SELECT of a pattern input: the text to cluster and its timestamp. */
  patternInput(cmd: Extract<Command, { kind: 'pattern' }> | null): { inputSql: string; countSql: string } {
    if (this.needsWrapForRows()) this.wrap();
    const e = cmd ? this.compileRow(cmd.expr) : this.lookup({ kind: 'field', name: '@message', quoted: false, start: 0, end: 0 });
    if (e.type === 'json') throw this.err(cmd!.expr, 'Maps and lists cannot be used in pattern');
    const st = this.stage;
    const ts = this.mode === 'events' ? 'timestamp' : '0';
    const inputStage: Stage = { ...st, select: [{ sql: asStr(e), alias: '__v' }, { sql: ts, alias: '__ts' }], orderBy: null, limitBy: st.limitBy, limit: st.limit };
    if (st.limitBy) inputStage.orderBy = st.orderBy;
    const countStage: Stage = { ...inputStage, select: [{ sql: '1', alias: '__one' }] };
    return {
      inputSql: renderStage(inputStage, this.resolver),
      countSql: `SELECT count() AS n FROM (${renderStage(countStage, this.resolver)})`,
    };
  }
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, (c) => '\\' + c);
}

/** Capture groups of a regex in order (1-based), with names for `(?<name>…)` / `(?P<name>…)`. */
export function captureGroups(re: string): { index: number; name?: string }[] {
  const out: { index: number; name?: string }[] = [];
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; if (re[i + 1] === ']') i++; continue; }
    if (c !== '(') continue;
    if (re[i + 1] !== '?') { out.push({ index: out.length + 1 }); continue; }
    const named = /^\(\?P?<([A-Za-z_@][A-Za-z0-9_.@]*)>/.exec(re.slice(i));
    if (named) out.push({ index: out.length + 1, name: named[1] });
  }
  return out;
}

// ---- entry points ----

const PATTERN_KINDS = new Set(['pattern', 'diff', 'anomaly']);

export interface Plan { kind: 'sql'; compiled: CompiledQuery }

/** Semantic checks on the command sequence (order rules, refusals). */
export function checkCommands(q: Query): void {
  const cmds = q.commands;
  let stats = 0;
  let sawPattern = false;
  cmds.forEach((c, i) => {
    if (c.kind === 'source' && i !== 0) throw malformed(q.text, c, 'SOURCE must be the first command of the query');
    if (c.kind === 'stats' && ++stats > 2) throw malformed(q.text, c, 'A query can contain at most 2 stats commands');
    if (c.kind === 'lookup') throw malformed(q.text, c.tableSpan, `Lookup table '${c.table}' does not exist (lookup tables are not supported by this server yet)`);
    if (c.kind === 'anomaly' && !sawPattern) throw malformed(q.text, c, 'anomaly must follow a pattern command');
    if (c.kind === 'pattern') sawPattern = true;
    if (c.kind === 'dedup') {
      for (const n of cmds.slice(i + 1)) if (n.kind !== 'limit') throw malformed(q.text, n, `Only limit can follow dedup; found ${n.kind}`);
    }
  });
}

/** Splits a pipeline at its first pattern/diff/anomaly command. */
export function splitAtPattern(q: Query): { before: Command[]; pattern: Extract<Command, { kind: 'pattern' }> | null; post: Command[]; rest: Command[] } | null {
  const i = q.commands.findIndex((c) => PATTERN_KINDS.has(c.kind));
  if (i < 0) return null;
  const before = q.commands.slice(0, i);
  let j = i;
  let pattern: Extract<Command, { kind: 'pattern' }> | null = null;
  if (q.commands[i].kind === 'pattern') { pattern = q.commands[i] as Extract<Command, { kind: 'pattern' }>; j = i + 1; }
  const post: Command[] = [];
  while (j < q.commands.length && (q.commands[j].kind === 'diff' || q.commands[j].kind === 'anomaly')) post.push(q.commands[j++]);
  const rest = q.commands.slice(j);
  for (const c of rest) if (PATTERN_KINDS.has(c.kind)) throw malformed(q.text, c, `${c.kind} can only be used once, right after pattern`);
  return { before, pattern, post, rest };
}

/** Compiles a pattern-free pipeline (or the part after the pattern stage, over its rows). */
export function compilePipeline(q: Query, req: CompileRequest, commands: Command[] = q.commands, rows?: RowSource): CompiledQuery {
  const p = rows ? Pipeline.overRows(q, req, rows) : new Pipeline(q, req);
  if (rows) p.statsCount = 0;
  for (const c of commands) p.run(c);
  return p.finish();
}

/** Compiles the input of a pattern stage. */
export function compilePatternInput(q: Query, req: CompileRequest, split: NonNullable<ReturnType<typeof splitAtPattern>>): PatternPlan {
  const p = new Pipeline(q, req);
  for (const c of split.before) p.run(c);
  const { inputSql, countSql } = p.patternInput(split.pattern);
  return { inputSql, countSql, params: p.params.values, patternCmd: split.pattern, post: split.post, rest: split.rest, tokenFilters: p.tokenFilters };
}
