/**
 * Expression compiler: Insights expressions → ClickHouse SQL with a static value type
 * (types.ts). Comparison coercion (our documented semantics, fact sheet §1.2 UNCONFIRMED):
 *   - a number on either side → numeric comparison (`status = 200` matches JSON 200 and "200");
 *   - a string literal against a field → string comparison;
 *   - two fields → numeric when both values read as numbers, else string;
 *   - a missing value makes a comparison false (so `not (x = 1)` is true for a missing x).
 * Every function of fact sheet §1.5 is here; an unknown function is a MalformedQueryException
 * at its name.
 */
import type { Call, DurationLit, Expr, FieldRef, Span } from './ast.js';
import { malformed } from './errors.js';
import { asBool, asNum, asStr, asTs, jsonToStrSql, numLiteral, unify, type Params, type SqlExpr, type VType } from './types.js';
import { naturalTupleSql, NUMBER_RE } from './sorting.js';

export interface CompileEnv {
  text: string;
  params: Params;
  /** Query start time (epoch ms) and the queried range. */
  now: number;
  startMs: number;
  endMs: number;
}

export type FieldLookup = (ref: FieldRef) => SqlExpr;
export type AggregateHook = (call: Call) => SqlExpr;

const AGGREGATES = new Set(['avg', 'count', 'count_distinct', 'max', 'min', 'sum', 'stddev', 'pct', 'earliest', 'latest', 'sortsfirst', 'sortslast']);
export function isAggregateName(name: string): boolean { return AGGREGATES.has(name.toLowerCase()); }

export function periodOf(env: CompileEnv, d: Expr, capped: boolean, what: string): { kind: 'fixed'; ms: number } | { kind: 'week'; ms: number } | { kind: 'month'; months: number } {
  if (d.kind !== 'duration') throw malformed(env.text, d, `${what} expects a time period such as 5m or 1h`);
  const dur = d as DurationLit;
  let n = dur.value;
  if (!Number.isInteger(n) || n <= 0) throw malformed(env.text, d, `The time period '${dur.text}' must be a whole number greater than 0`);
  if (capped) {
    // Fact sheet §1.4: larger values are reduced to the cap (bin(300s) behaves as 60 s).
    const cap: Record<string, number> = { ms: 1000, s: 60, m: 60, h: 24 };
    if (cap[dur.unit] !== undefined && n > cap[dur.unit]) n = cap[dur.unit];
  }
  switch (dur.unit) {
    case 'ms': return { kind: 'fixed', ms: n };
    case 's': return { kind: 'fixed', ms: n * 1000 };
    case 'm': return { kind: 'fixed', ms: n * 60_000 };
    case 'h': return { kind: 'fixed', ms: n * 3_600_000 };
    case 'd': return { kind: 'fixed', ms: n * 86_400_000 };
    case 'w': return { kind: 'week', ms: n * 7 * 86_400_000 };
    case 'mo': return { kind: 'month', months: n };
    case 'q': return { kind: 'month', months: 3 * n };
    default: return { kind: 'month', months: 12 * n };
  }
}

/** Start of the period containing ts (UTC; weeks start on Monday; months/quarters/years on calendar boundaries). */
export function floorSql(ts: string, p: ReturnType<typeof periodOf>): string {
  switch (p.kind) {
    case 'fixed': return `(${ts} - positiveModulo(${ts}, ${p.ms}))`;
    case 'week': return `(${ts} - positiveModulo(${ts} - 345600000, ${p.ms}))`;
    case 'month': return `toUnixTimestamp64Milli(toDateTime64(toStartOfInterval(toDateTime(intDiv(${ts}, 1000), 'UTC'), INTERVAL ${p.months} MONTH), 3, 'UTC'))`;
  }
}

export function ceilSql(ts: string, p: ReturnType<typeof periodOf>): string {
  const f = floorSql(ts, p);
  switch (p.kind) {
    case 'fixed': case 'week': return `if(${f} = ${ts}, ${ts}, ${f} + ${p.ms})`;
    case 'month': return `if(${f} = ${ts}, ${ts}, toUnixTimestamp64Milli(toDateTime64(toStartOfInterval(toDateTime(intDiv(${ts}, 1000), 'UTC'), INTERVAL ${p.months} MONTH) + INTERVAL ${p.months} MONTH, 3, 'UTC')))`;
  }
}

/**
 * Text no JSON number or boolean renders as: a typed column alone then decides `field = text` exactly (a
 * NULL column means the value is absent or not a string, and then it cannot equal this text).
 */
function notScalarText(v: string): boolean {
  return !/^[-+0-9.eE]*$/.test(v) && !/^(true|false|null)$/i.test(v);
}

const CMP_SQL: Record<string, string> = { '=': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

const IPV4_PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const IPV6_PRIVATE = ['fc00::/7'];
const IPV4_RESERVED = ['0.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '192.0.0.0/24', '192.0.2.0/24', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'];
const IPV6_RESERVED = ['::/128', '::1/128', 'fe80::/10', 'ff00::/8', '2001:db8::/32'];

function isCidr(s: string, v: 4 | 6 | 0): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const bits = Number(m[2]);
  const v4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(m[1]);
  const v6 = !v4 && /^[0-9a-fA-F:.]+$/.test(m[1]) && m[1].includes(':');
  if (v === 4 && !v4) return false;
  if (v === 6 && !v6) return false;
  if (!v4 && !v6) return false;
  return bits <= (v4 ? 32 : 128);
}

export class ExprCompiler {
  constructor(readonly env: CompileEnv, readonly lookup: FieldLookup, readonly aggregate?: AggregateHook) {}

  private err(span: Span, msg: string): Error { return malformed(this.env.text, span, msg); }

  compile(e: Expr): SqlExpr {
    switch (e.kind) {
      case 'field': return this.lookup(e);
      case 'string': return { sql: this.env.params.str(e.value), type: 'str', constant: e.value };
      case 'number': return { sql: numLiteral(e.value), type: 'num', constant: e.value };
      case 'regex': throw this.err(e, 'A regular expression can only be used with like, =~, parse or regexReplace');
      case 'duration': throw this.err(e, `A time period such as '${e.text}' can only be used as an argument of bin, datefloor or dateceil`);
      case 'list': throw this.err(e, "A list can only be used after 'in'");
      case 'star': throw this.err(e, "'*' can only be used in count(*)");
      case 'unary': {
        if (e.op === 'not') return { sql: `NOT ${asBool(this.compile(e.operand))}`, type: 'bool', agg: this.compile(e.operand).agg };
        const v = this.compile(e.operand);
        return { sql: e.op === '-' ? `negate(${asNum(v)})` : asNum(v), type: 'num', agg: v.agg };
      }
      case 'binary': return this.binary(e.op, this.compile(e.left), this.compile(e.right), e.left, e.right);
      case 'like': {
        const s = this.compile(e.subject);
        const subj = asStr(s);
        const test = e.pattern.kind === 'string'
          ? `position(${subj}, ${this.env.params.str(e.pattern.value)}) > 0`
          : `match(${subj}, ${this.env.params.str(checkRegex(this.env.text, e.pattern))})`;
        const sql = `ifNull(${test}, 0)`;
        return { sql: e.negated ? `NOT ${sql}` : sql, type: 'bool', agg: s.agg };
      }
      case 'in': {
        const s = this.compile(e.subject);
        const nums: string[] = [];
        const strs: string[] = [];
        const others: string[] = [];
        for (const item of e.list.items) {
          if (item.kind === 'number') nums.push(numLiteral(item.value));
          else if (item.kind === 'string') strs.push(this.env.params.str(item.value));
          else others.push(this.binary('=', s, this.compile(item), e.subject, item).sql);
        }
        const parts: string[] = [];
        if (nums.length) parts.push(`ifNull(${asNum(s)} IN (${nums.join(', ')}), 0)`);
        const typedOnly = s.typedColumn && e.list.items.every((i) => i.kind !== 'string' || notScalarText(i.value));
        if (strs.length) parts.push(`ifNull(${typedOnly ? s.typedColumn : asStr(s)} IN (${strs.join(', ')}), 0)`);
        parts.push(...others);
        const sql = parts.length ? `(${parts.join(' OR ')})` : '0';
        return { sql: e.negated ? `NOT ${sql}` : sql, type: 'bool', agg: s.agg };
      }
      case 'index': {
        const t = this.compile(e.target);
        const i = this.compile(e.index);
        if (t.type !== 'json') return { sql: 'CAST(NULL AS Nullable(String))', type: 'null' };
        const idx = `toInt64OrNull(toString(${asNum(i)}))`;
        return { sql: `nullIf(if(JSONType(${t.sql}) = 'Array' AND ${idx} >= 0, JSONExtractRaw(${t.sql}, ${idx} + 1), ''), '')`, type: 'json', agg: t.agg || i.agg };
      }
      case 'member': {
        const t = this.compile(e.target);
        if (t.type !== 'json') return { sql: 'CAST(NULL AS Nullable(String))', type: 'null' };
        const k = this.env.params.str(e.key);
        const cur = `ifNull(${t.sql}, '')`;
        const sql = /^(0|[1-9][0-9]*)$/.test(e.key)
          ? `if(JSONType(${cur}) = 'Array', JSONExtractRaw(${cur}, ${Number(e.key) + 1}), JSONExtractRaw(${cur}, ${k}))`
          : `JSONExtractRaw(${cur}, ${k})`;
        return { sql: `nullIf(${sql}, '')`, type: 'json', agg: t.agg };
      }
      case 'call': return this.call(e);
    }
  }

  binary(op: string, l: SqlExpr, r: SqlExpr, le?: Expr, re?: Expr): SqlExpr {
    const agg = l.agg || r.agg;
    switch (op) {
      case 'and': return { sql: `(${asBool(l)} AND ${asBool(r)})`, type: 'bool', agg };
      case 'or': return { sql: `(${asBool(l)} OR ${asBool(r)})`, type: 'bool', agg };
      case '+': return { sql: `(${asNum(l)} + ${asNum(r)})`, type: 'num', agg };
      case '-': return { sql: `(${asNum(l)} - ${asNum(r)})`, type: 'num', agg };
      case '*': return { sql: `(${asNum(l)} * ${asNum(r)})`, type: 'num', agg };
      case '/': return { sql: `(${asNum(l)} / nullIf(${asNum(r)}, 0))`, type: 'num', agg };
      case '%': return { sql: `(${asNum(l)} % nullIf(${asNum(r)}, 0))`, type: 'num', agg };
      case '^': return { sql: `pow(${asNum(l)}, ${asNum(r)})`, type: 'num', agg };
    }
    const cmp = CMP_SQL[op];
    if (!cmp) throw this.err(le ?? { start: 0, end: 0 }, `Unsupported operator ${op}`);
    const numeric = (t: VType) => t === 'num' || t === 'bool';
    let sql: string;
    if (l.type === 'null' || r.type === 'null') sql = '0';
    else if (numeric(l.type) || numeric(r.type) || (l.type === 'ts' && r.type === 'ts')) {
      sql = `ifNull(${asNum(l)} ${cmp} ${asNum(r)}, 0)`;
    } else if (l.type === 'ts' || r.type === 'ts') {
      sql = `ifNull(${asStr(l)} ${cmp} ${asStr(r)}, 0)`;
    } else if (op === '=' && l.typedColumn && re?.kind === 'string' && notScalarText(re.value)) {
      sql = `ifNull(${l.typedColumn} = ${r.sql}, 0)`;
    } else if (op === '=' && r.typedColumn && le?.kind === 'string' && notScalarText(le.value)) {
      sql = `ifNull(${l.sql} = ${r.typedColumn}, 0)`;
    } else if (l.constant !== undefined || r.constant !== undefined || re?.kind === 'string' || le?.kind === 'string') {
      sql = `ifNull(${asStr(l)} ${cmp} ${asStr(r)}, 0)`;
    } else {
      const ln = asNum(l);
      const rn = asNum(r);
      sql = `ifNull(if(isNotNull(${ln}) AND isNotNull(${rn}), ${ln} ${cmp} ${rn}, ${asStr(l)} ${cmp} ${asStr(r)}), 0)`;
    }
    return { sql, type: 'bool', agg };
  }

  private call(c: Call): SqlExpr {
    const name = c.name.toLowerCase();
    if (isAggregateName(name)) {
      if (!this.aggregate) throw this.err(c.nameSpan, `The aggregate function ${c.name} can only be used in stats`);
      return this.aggregate(c);
    }
    const f = FUNCTIONS[name];
    if (!f) throw this.err(c.nameSpan, `Unrecognized function name: ${c.name}`);
    const [min, max] = f.arity;
    if (c.args.length < min || c.args.length > max) {
      const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw this.err(c, `${c.name} expects ${want} argument${min === 1 && max === 1 ? '' : 's'}, got ${c.args.length}`);
    }
    for (const a of c.args) if (a.kind === 'star') throw this.err(a, `'*' is not an argument of ${c.name}`);
    return f.compile(this, c);
  }

  /** Compiles the i-th argument. */
  arg(c: Call, i: number): SqlExpr { return this.compile(c.args[i]); }

  /** The i-th argument as an IANA time zone name, or an error at it. */
  timeZone(c: Call, i: number): string {
    const tz = this.literalString(c, i, 'time zone');
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch {
      throw this.err(c.args[i], `Unknown time zone '${tz}'`);
    }
    return tz;
  }

  /** The i-th argument as a string literal (bound), or an error at it. */
  literalString(c: Call, i: number, what: string): string {
    const a = c.args[i];
    if (a.kind !== 'string') throw this.err(a, `The ${what} argument of ${c.name} must be a quoted string`);
    return a.value;
  }
}

/** C strftime conversions → ClickHouse formatDateTime (which follows MySQL for %M, %i, %B …). */
const STRFTIME: Record<string, string> = { M: '%i', B: '%M', h: '%b', P: '%p' };
function strftimeToClickHouse(fmt: string): string {
  return fmt.replace(/%(.)/g, (m, c: string) => STRFTIME[c] ?? m);
}

interface FnDef { arity: [number, number]; compile: (x: ExprCompiler, c: Call) => SqlExpr }

function anyAgg(xs: SqlExpr[]): boolean { return xs.some((x) => x.agg); }
function num1(fn: (v: string) => string): FnDef {
  return { arity: [1, 1], compile: (x, c) => { const a = x.arg(c, 0); return { sql: fn(asNum(a)), type: 'num', agg: a.agg }; } };
}
function str1(fn: (v: string) => string, type: VType = 'str'): FnDef {
  return { arity: [1, 1], compile: (x, c) => { const a = x.arg(c, 0); return { sql: fn(asStr(a)), type, agg: a.agg }; } };
}
/** A literal IP argument is materialized: ClickHouse's constant folding of isIPAddressInRange mishandles invalid constants. */
function ipArg(a: SqlExpr): string {
  return a.constant !== undefined ? `materialize(${asStr(a)})` : asStr(a);
}
function ipTest(fn: (ip: string) => string): FnDef {
  return { arity: [1, 1], compile: (x, c) => { const a = x.arg(c, 0); return { sql: `ifNull(${fn(ipArg(a))}, 0)`, type: 'bool', agg: a.agg }; } };
}
const validIp = (ip: string) => `(isIPv4String(${ip}) OR isIPv6String(${ip}))`;
/** isIPAddressInRange throws on text that is not an address, even where a guard skips the row: give it '::' instead. */
const safeIp = (ip: string) => `if(${validIp(ip)}, ${ip}, '::')`;
function inRanges(ip: string, cidrs: string[]): string {
  return `(${cidrs.map((r) => `isIPAddressInRange(${safeIp(ip)}, '${r}')`).join(' OR ')})`;
}
function subnet(v: 4 | 6 | 0): FnDef {
  return {
    arity: [2, 2],
    compile: (x, c) => {
      const ip = x.arg(c, 0);
      const cidr = x.literalString(c, 1, 'subnet');
      if (!isCidr(cidr, v)) throw malformed(x.env.text, c.args[1], `'${cidr}' is not a valid ${v === 4 ? 'IPv4 ' : v === 6 ? 'IPv6 ' : ''}CIDR subnet`);
      const s = ipArg(ip);
      const guard = v === 4 ? `isIPv4String(${s})` : v === 6 ? `isIPv6String(${s})` : validIp(s);
      return { sql: `ifNull(if(${guard}, isIPAddressInRange(${safeIp(s)}, ${x.env.params.str(cidr)}), 0), 0)`, type: 'bool', agg: ip.agg };
    },
  };
}
function trimFn(kind: 'Left' | 'Right' | 'Both'): FnDef {
  return {
    arity: [1, 2],
    compile: (x, c) => {
      const a = x.arg(c, 0);
      if (c.args.length === 1) return { sql: `trim${kind}(${asStr(a)})`, type: 'str', agg: a.agg };
      const chars = x.literalString(c, 1, 'characters');
      return { sql: `trim${kind}(${asStr(a)}, ${x.env.params.str(chars)})`, type: 'str', agg: a.agg };
    },
  };
}

function checkRegex(text: string, r: { pattern: string; start: number; end: number }): string {
  const p = r.pattern;
  // RE2 (ClickHouse) has no lookaround or backreferences; Hyperscan (AWS) has neither either.
  const bad = /\(\?<?[=!]|\\[1-9]/.exec(p);
  if (bad) throw malformed(text, { start: r.start + 1 + bad.index, end: r.start + 1 + bad.index + bad[0].length }, 'Lookaround and backreferences are not supported in regular expressions');
  try {
    new RegExp(p.replace(/^\(\?i\)/, '').replace(/\(\?P</g, '(?<').replace(/\(\?[imsU]+\)/g, '').replace(/\(\?[imsU]+:/g, '(?:'), 'u');
  } catch {
    try {
      new RegExp(p.replace(/^\(\?i\)/, '').replace(/\(\?P</g, '(?<').replace(/\(\?[imsU]+\)/g, '').replace(/\(\?[imsU]+:/g, '(?:'));
    } catch (e2) {
      throw malformed(text, r, `Invalid regular expression: ${(e2 as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
  }
  return p;
}
export { checkRegex };

const FUNCTIONS: Record<string, FnDef> = {
  // ---- numeric ----
  abs: num1((v) => `abs(${v})`),
  ceil: num1((v) => `ceil(${v})`),
  floor: num1((v) => `floor(${v})`),
  log: num1((v) => `if(${v} > 0, log(${v}), NULL)`),
  sqrt: num1((v) => `if(${v} >= 0, sqrt(${v}), NULL)`),
  greatest: {
    arity: [1, Infinity],
    compile: (x, c) => {
      const args = c.args.map((a) => x.compile(a));
      const arr = `arrayFilter(v -> isNotNull(v), [${args.map((a) => `CAST(${asNum(a)} AS Nullable(Float64))`).join(', ')}])`;
      return { sql: `if(empty(${arr}), NULL, arrayMax(${arr}))`, type: 'num', agg: anyAgg(args) };
    },
  },
  least: {
    arity: [1, Infinity],
    compile: (x, c) => {
      const args = c.args.map((a) => x.compile(a));
      const arr = `arrayFilter(v -> isNotNull(v), [${args.map((a) => `CAST(${asNum(a)} AS Nullable(Float64))`).join(', ')}])`;
      return { sql: `if(empty(${arr}), NULL, arrayMin(${arr}))`, type: 'num', agg: anyAgg(args) };
    },
  },
  round: {
    arity: [1, 2],
    compile: (x, c) => {
      const a = x.arg(c, 0);
      const d = c.args.length > 1 ? x.arg(c, 1) : { sql: '0', type: 'num' as VType };
      const p = `pow(10, toInt64(ifNull(${asNum(d)}, 0)))`;
      // Half away from zero (our documented semantics; ClickHouse's round() is half-to-even).
      return { sql: `(sign(${asNum(a)}) * floor(abs(${asNum(a)}) * ${p} + 0.5) / ${p})`, type: 'num', agg: a.agg || d.agg };
    },
  },
  haversine: {
    arity: [4, 4],
    compile: (x, c) => {
      const [la1, lo1, la2, lo2] = c.args.map((a) => asNum(x.compile(a)));
      const r = (v: string) => `radians(${v})`;
      return { sql: `(2 * 6371 * asin(sqrt(pow(sin((${r(la2)} - ${r(la1)}) / 2), 2) + cos(${r(la1)}) * cos(${r(la2)}) * pow(sin((${r(lo2)} - ${r(lo1)}) / 2), 2))))`, type: 'num' };
    },
  },
  tonumber: num1((v) => v),
  todouble: num1((v) => v),
  toint: num1((v) => `trunc(${v})`),
  tolong: num1((v) => `trunc(${v})`),

  // ---- datetime ----
  bin: {
    arity: [1, 1],
    compile: (x, c) => {
      const p = periodOf(x.env, c.args[0], true, 'bin()');
      const ts = x.lookup({ kind: 'field', name: '@timestamp', quoted: false, start: c.start, end: c.start });
      if (ts.type === 'null') return { sql: 'CAST(NULL AS Nullable(Int64))', type: 'null' };
      return { sql: floorSql(asTs(ts), p), type: 'ts' };
    },
  },
  datefloor: {
    arity: [2, 2],
    compile: (x, c) => { const t = x.arg(c, 0); return { sql: floorSql(asTs(t), periodOf(x.env, c.args[1], false, 'datefloor()')), type: 'ts', agg: t.agg }; },
  },
  dateceil: {
    arity: [2, 2],
    compile: (x, c) => { const t = x.arg(c, 0); return { sql: ceilSql(asTs(t), periodOf(x.env, c.args[1], false, 'dateceil()')), type: 'ts', agg: t.agg }; },
  },
  frommillis: { arity: [1, 1], compile: (x, c) => { const a = x.arg(c, 0); return { sql: `CAST(floor(${asNum(a)}) AS Nullable(Int64))`, type: 'ts', agg: a.agg }; } },
  tomillis: { arity: [1, 1], compile: (x, c) => { const a = x.arg(c, 0); return { sql: asTs(a), type: 'num', agg: a.agg }; } },
  now: { arity: [0, 0], compile: (x) => ({ sql: numLiteral(Math.floor(x.env.now / 1000)), type: 'num', constant: Math.floor(x.env.now / 1000) }) },
  querystarttime: { arity: [0, 0], compile: (x) => ({ sql: numLiteral(x.env.startMs), type: 'num' }) },
  queryendtime: { arity: [0, 0], compile: (x) => ({ sql: numLiteral(x.env.endMs), type: 'num' }) },
  querytimerange: { arity: [0, 0], compile: (x) => ({ sql: numLiteral(x.env.endMs - x.env.startMs), type: 'num' }) },
  parsedate: {
    arity: [2, 3],
    compile: (x, c) => {
      const s = x.arg(c, 0);
      const fmt = x.literalString(c, 1, 'format');
      const tz = c.args.length > 2 ? x.timeZone(c, 2) : 'UTC';
      return { sql: `toUnixTimestamp64Milli(parseDateTime64InJodaSyntaxOrNull(${asStr(s)}, ${x.env.params.str(fmt)}, ${x.env.params.str(tz)}))`, type: 'num', agg: s.agg };
    },
  },
  formatdate: {
    arity: [2, 3],
    compile: (x, c) => {
      const t = x.arg(c, 0);
      const fmt = x.literalString(c, 1, 'format');
      const tz = c.args.length > 2 ? x.timeZone(c, 2) : 'UTC';
      return { sql: `formatDateTimeInJodaSyntax(fromUnixTimestamp64Milli(toInt64(${asTs(t)}), ${x.env.params.str(tz)}), ${x.env.params.str(fmt)})`, type: 'str', agg: t.agg };
    },
  },
  strftime: {
    arity: [2, 3],
    compile: (x, c) => {
      const t = x.arg(c, 0);
      const fmt = x.literalString(c, 1, 'format');
      const tz = c.args.length > 2 ? x.timeZone(c, 2) : 'UTC';
      return { sql: `formatDateTime(fromUnixTimestamp64Milli(toInt64(${asTs(t)}), ${x.env.params.str(tz)}), ${x.env.params.str(strftimeToClickHouse(fmt))})`, type: 'str', agg: t.agg };
    },
  },

  // ---- general ----
  ispresent: { arity: [1, 1], compile: (x, c) => { const a = x.arg(c, 0); return { sql: `isNotNull(${a.sql})`, type: 'bool', agg: a.agg }; } },
  coalesce: {
    arity: [1, Infinity],
    compile: (x, c) => {
      const args = c.args.map((a) => x.compile(a));
      const u = unify(args);
      return { sql: `coalesce(${u.sqls.join(', ')})`, type: u.type, agg: anyAgg(args) };
    },
  },
  if: {
    arity: [2, 3],
    compile: (x, c) => {
      const cond = x.arg(c, 0);
      const vals = c.args.slice(1).map((a) => x.compile(a));
      const u = unify(vals);
      return { sql: `if(${asBool(cond)}, ${u.sqls[0]}, ${u.sqls[1] ?? 'NULL'})`, type: u.type, agg: cond.agg || anyAgg(vals) };
    },
  },
  case: {
    arity: [2, Infinity],
    compile: (x, c) => {
      const args = c.args.map((a) => x.compile(a));
      const pairs = Math.floor(args.length / 2);
      if (pairs > 10) throw malformed(x.env.text, c.nameSpan, 'case() takes at most 10 condition/value pairs');
      const conds = [];
      const vals = [];
      for (let i = 0; i < pairs; i++) { conds.push(args[2 * i]); vals.push(args[2 * i + 1]); }
      const dflt = args.length % 2 === 1 ? args[args.length - 1] : undefined;
      const u = unify(dflt ? [...vals, dflt] : vals);
      const parts: string[] = [];
      conds.forEach((cnd, i) => parts.push(asBool(cnd), u.sqls[i]));
      parts.push(dflt ? u.sqls[u.sqls.length - 1] : 'NULL');
      return { sql: `multiIf(${parts.join(', ')})`, type: u.type, agg: anyAgg(args) };
    },
  },
  isnumeric: {
    arity: [1, 1],
    compile: (x, c) => {
      const a = x.arg(c, 0);
      const sql = a.type === 'num' || a.type === 'bool' ? `isNotNull(${a.sql})` : `match(ifNull(${asStr(a)}, ''), '${NUMBER_RE.replace(/\\/g, '\\\\')}')`;
      return { sql, type: 'bool', agg: a.agg };
    },
  },
  messagesize: {
    arity: [0, 1],
    compile: (x, c) => {
      const a = c.args.length ? x.arg(c, 0) : x.lookup({ kind: 'field', name: '@message', quoted: false, start: c.start, end: c.start });
      return { sql: `length(${asStr(a)})`, type: 'num', agg: a.agg };
    },
  },
  unmask: { arity: [1, 1], compile: (x, c) => x.arg(c, 0) },

  // ---- JSON, maps and lists ----
  jsonparse: {
    arity: [1, 1],
    compile: (x, c) => {
      const a = x.arg(c, 0);
      const s = a.type === 'json' ? a.sql : asStr(a);
      return { sql: `if(isValidJSON(ifNull(${s}, '')), ${s}, NULL)`, type: 'json', agg: a.agg };
    },
  },
  jsonstringify: {
    arity: [1, 1],
    compile: (x, c) => {
      const a = x.arg(c, 0);
      let sql: string;
      if (a.type === 'json') sql = a.sql;
      else if (a.type === 'num' || a.type === 'bool') sql = `toString(${a.sql})`;
      else sql = `if(${asStr(a)} IS NULL, 'null', toJSONString(${asStr(a)}))`;
      return { sql, type: 'str', agg: a.agg };
    },
  },
  jsonarraysize: {
    arity: [1, 1],
    compile: (x, c) => {
      const a = x.arg(c, 0);
      const j = a.type === 'json' ? a.sql : asStr(a);
      return { sql: `if(JSONType(ifNull(${j}, '')) = 'Array', toFloat64(JSONLength(${j})), NULL)`, type: 'num', agg: a.agg };
    },
  },
  jsonarraycontains: {
    arity: [2, 2],
    compile: (x, c) => {
      const a = x.arg(c, 0);
      const v = x.arg(c, 1);
      const j = a.type === 'json' ? a.sql : asStr(a);
      const elem = jsonToStrSql('e');
      const test = v.type === 'num' || v.type === 'bool'
        ? `arrayExists(e -> toFloat64OrNull(${elem}) = ${asNum(v)}, JSONExtractArrayRaw(ifNull(${j}, '')))`
        : `arrayExists(e -> ${elem} = ${asStr(v)}, JSONExtractArrayRaw(ifNull(${j}, '')))`;
      return { sql: `ifNull(${test}, 0)`, type: 'bool', agg: a.agg || v.agg };
    },
  },

  // ---- IP addresses ----
  isvalidip: ipTest((s) => validIp(s)),
  isvalidipv4: ipTest((s) => `isIPv4String(${s})`),
  isvalidipv6: ipTest((s) => `isIPv6String(${s})`),
  isipinsubnet: subnet(0),
  isipv4insubnet: subnet(4),
  isipv6insubnet: subnet(6),
  ipv4tonumber: { arity: [1, 1], compile: (x, c) => { const a = x.arg(c, 0); return { sql: `toFloat64(toUInt32(IPv4StringToNumOrNull(${asStr(a)})))`, type: 'num', agg: a.agg }; } },
  isprivateip: ipTest((s) => `multiIf(isIPv4String(${s}), ${inRanges(s, IPV4_PRIVATE)}, isIPv6String(${s}), ${inRanges(s, IPV6_PRIVATE)}, 0)`),
  isreservedip: ipTest((s) => `multiIf(isIPv4String(${s}), ${inRanges(s, IPV4_RESERVED)}, isIPv6String(${s}), ${inRanges(s, IPV6_RESERVED)}, 0)`),
  ispublicip: ipTest((s) => `multiIf(isIPv4String(${s}), NOT (${inRanges(s, IPV4_PRIVATE)} OR ${inRanges(s, IPV4_RESERVED)}), isIPv6String(${s}), NOT (${inRanges(s, IPV6_PRIVATE)} OR ${inRanges(s, IPV6_RESERVED)}), 0)`),

  // ---- strings ----
  isempty: str1((s) => `(${s} IS NULL OR ${s} = '')`, 'bool'),
  isblank: str1((s) => `(${s} IS NULL OR match(${s}, '^\\\\s*$'))`, 'bool'),
  concat: {
    arity: [1, Infinity],
    compile: (x, c) => {
      const args = c.args.map((a) => x.compile(a));
      return { sql: args.length === 1 ? asStr(args[0]) : `concat(${args.map((a) => asStr(a)).join(', ')})`, type: 'str', agg: anyAgg(args) };
    },
  },
  ltrim: trimFn('Left'),
  rtrim: trimFn('Right'),
  trim: trimFn('Both'),
  strlen: str1((s) => `toFloat64(lengthUTF8(${s}))`, 'num'),
  toupper: str1((s) => `upperUTF8(${s})`),
  tolower: str1((s) => `lowerUTF8(${s})`),
  substr: {
    arity: [2, 3],
    compile: (x, c) => {
      const s = x.arg(c, 0);
      const st = `toInt64(${asNum(x.arg(c, 1))})`;
      const start = `if(${st} >= 0, ${st} + 1, ${st})`;
      if (c.args.length === 2) return { sql: `substringUTF8(${asStr(s)}, ${start})`, type: 'str', agg: s.agg };
      const len = `toInt64(greatest(${asNum(x.arg(c, 2))}, 0))`;
      return { sql: `substringUTF8(${asStr(s)}, ${start}, ${len})`, type: 'str', agg: s.agg };
    },
  },
  replace: {
    arity: [3, 3],
    compile: (x, c) => {
      const [s, f, r] = [0, 1, 2].map((i) => x.arg(c, i));
      return { sql: `if(${asStr(f)} = '', ${asStr(s)}, replaceAll(${asStr(s)}, ${asStr(f)}, ${asStr(r)}))`, type: 'str', agg: anyAgg([s, f, r]) };
    },
  },
  strcontains: {
    arity: [2, 3],
    compile: (x, c) => {
      const s = x.arg(c, 0);
      const v = x.arg(c, 1);
      const ci = c.args.length > 2 ? asBool(x.arg(c, 2)) : '0';
      return { sql: `(if(${ci}, positionCaseInsensitiveUTF8(${asStr(s)}, ${asStr(v)}), position(${asStr(s)}, ${asStr(v)})) > 0)`, type: 'bool', agg: s.agg || v.agg };
    },
  },
  regexreplace: {
    arity: [3, 3],
    compile: (x, c) => {
      const s = x.arg(c, 0);
      const r = c.args[1];
      let re: string;
      if (r.kind === 'regex') re = checkRegex(x.env.text, r);
      else if (r.kind === 'string') re = checkRegex(x.env.text, { pattern: r.value, start: r.start, end: r.end });
      else throw malformed(x.env.text, r, 'The pattern argument of regexReplace must be a /regular expression/');
      const repl = x.literalString(c, 2, 'replacement').replace(/\$\{?(\d)\}?/g, '\\$1');
      return { sql: `replaceRegexpAll(${asStr(s)}, ${x.env.params.str(re)}, ${x.env.params.str(repl)})`, type: 'str', agg: s.agg };
    },
  },
  startswith: { arity: [2, 2], compile: (x, c) => { const s = x.arg(c, 0); const p = x.arg(c, 1); return { sql: `ifNull(startsWith(${asStr(s)}, ${asStr(p)}), 0)`, type: 'bool', agg: s.agg || p.agg }; } },
  endswith: { arity: [2, 2], compile: (x, c) => { const s = x.arg(c, 0); const p = x.arg(c, 1); return { sql: `ifNull(endsWith(${asStr(s)}, ${asStr(p)}), 0)`, type: 'bool', agg: s.agg || p.agg }; } },
  urlencode: str1((s) => `encodeURLComponent(${s})`),
  urldecode: str1((s) => `decodeURLComponent(${s})`),
  base64encode: str1((s) => `base64Encode(${s})`),
  base64decode: str1((s) => `if(isNull(${s}), NULL, if(tryBase64Decode(${s}) = '' AND ${s} != '', NULL, tryBase64Decode(${s})))`),
  split: {
    arity: [2, 2],
    compile: (x, c) => {
      const s = x.arg(c, 0);
      const d = x.literalString(c, 1, 'delimiter');
      if (!d) throw malformed(x.env.text, c.args[1], 'The delimiter of split must not be empty');
      return { sql: `if(isNull(${asStr(s)}), NULL, toJSONString(splitByString(${x.env.params.str(d)}, assumeNotNull(${asStr(s)}))))`, type: 'json', agg: s.agg };
    },
  },
  hextoascii: str1((s) => `if(match(ifNull(${s}, ''), '^([0-9a-fA-F]{2})*$'), unhex(${s}), NULL)`),
  hextodec: str1((s) => `if(match(ifNull(${s}, ''), '^(0[xX])?[0-9a-fA-F]{1,16}$'), toFloat64(reinterpretAsUInt64(reverse(unhex(leftPad(replaceRegexpOne(${s}, '^0[xX]', ''), 16, '0'))))), NULL)`, 'num'),
  dectohex: {
    arity: [1, 1],
    compile: (x, c) => {
      const a = x.arg(c, 0);
      const v = asNum(a);
      return { sql: `if(${v} >= 0, replaceRegexpOne(lower(hex(toUInt64(${v}))), '^0+(.)', '\\\\1'), NULL)`, type: 'str', agg: a.agg };
    },
  },
};

export const FUNCTION_NAMES = Object.keys(FUNCTIONS);

/** Compiles one aggregate call; its arguments are compiled by `row` (the row-level compiler). */
export function compileAggregate(row: ExprCompiler, c: Call, opts: { hasTimestamp: boolean }): SqlExpr {
  const name = c.name.toLowerCase();
  const env = row.env;
  const err = (span: Span, m: string) => malformed(env.text, span, m);
  // Arguments are row expressions; an aggregate inside an aggregate is refused where it is.
  row = new ExprCompiler(row.env, row.lookup, (inner) => { throw err(inner, 'Aggregate functions cannot be nested'); });
  const one = (): SqlExpr => {
    if (c.args.length !== 1) throw err(c, `${c.name} expects 1 argument, got ${c.args.length}`);
    if (c.args[0].kind === 'star') throw err(c.args[0], `'*' is only allowed in count(*)`);
    const v = row.compile(c.args[0]);
    if (v.agg) throw err(c.args[0], 'Aggregate functions cannot be nested');
    return v;
  };
  const agg = (sql: string, type: VType): SqlExpr => ({ sql, type, agg: true });
  switch (name) {
    case 'count': {
      if (c.args.length === 0 || (c.args.length === 1 && c.args[0].kind === 'star')) return agg('count()', 'num');
      const v = one();
      return agg(`countIf(isNotNull(${v.sql}))`, 'num');
    }
    case 'count_distinct': {
      const v = one();
      return agg(`uniqIf(${asStr(v)}, isNotNull(${v.sql}))`, 'num');
    }
    case 'sum': return agg(`sumOrNull(${asNum(one())})`, 'num');
    case 'avg': return agg(`avgOrNull(${asNum(one())})`, 'num');
    case 'stddev': return agg(`stddevSampOrNull(${asNum(one())})`, 'num');
    case 'pct': {
      if (c.args.length !== 2) throw err(c, `pct expects 2 arguments (field, percentile), got ${c.args.length}`);
      const p = c.args[1];
      if (p.kind !== 'number' || p.value < 0 || p.value > 100) throw err(p, 'The percentile of pct must be a number from 0 to 100');
      const v = row.compile(c.args[0]);
      if (v.agg) throw err(c.args[0], 'Aggregate functions cannot be nested');
      return agg(`quantileExactOrNull(${p.value / 100})(${asNum(v)})`, 'num');
    }
    case 'min': case 'max': {
      const v = one();
      const f = name === 'min' ? 'Min' : 'Max';
      if (v.type === 'num' || v.type === 'ts' || v.type === 'bool') return agg(`${name}OrNull(${v.sql})`, v.type);
      if (v.type === 'null') return agg('CAST(NULL AS Nullable(String))', 'null');
      // Text: numeric values compare as numbers when there are any; otherwise natural order.
      const s = asStr(v);
      const n = `toFloat64OrNull(${s})`;
      return agg(`if(countIf(isNotNull(${n})) > 0, arg${f}If(${s}, ${n}, isNotNull(${n})), arg${f}If(${s}, ${naturalTupleSql(s)}, isNotNull(${s})))`, 'str');
    }
    case 'earliest': case 'latest': {
      const v = one();
      if (!opts.hasTimestamp) throw err(c, `${c.name} needs @timestamp, which is not available after stats`);
      const f = name === 'earliest' ? 'argMinIf' : 'argMaxIf';
      return agg(`${f}(${v.sql}, timestamp, isNotNull(${v.sql}))`, v.type);
    }
    case 'sortsfirst': case 'sortslast': {
      const v = one();
      const f = name === 'sortsfirst' ? 'argMinIf' : 'argMaxIf';
      if (v.type === 'num' || v.type === 'ts' || v.type === 'bool') return agg(`${f}(${v.sql}, ${v.sql}, isNotNull(${v.sql}))`, v.type);
      const s = asStr(v);
      return agg(`${f}(${s}, ${naturalTupleSql(s)}, isNotNull(${s}))`, 'str');
    }
  }
  throw err(c.nameSpan, `Unrecognized aggregate function ${c.name}`);
}

