/**
 * Evaluates metric math over time series. A series is a grid of period-spaced timestamps with a
 * value or NaN (missing) at each; series with different grids are aligned on the union of their
 * timestamps. Semantics follow AWS's metric math documentation:
 * - arithmetic and comparisons between two series treat a value missing in one of them as 0
 *   (missing in both stays missing); with a scalar, missing stays missing; a division by zero
 *   drops the datapoint; comparisons and AND/OR give 1 or 0;
 * - AVG/SUM/MIN/MAX/STDDEV of one series give a scalar, of an array a series (SUM and AVG count a
 *   missing value as 0, MIN/MAX/STDDEV ignore it); STDDEV is the population standard deviation;
 * - IF follows the documented table (a true condition with the true-branch series missing gives 0;
 *   a false one with the false branch missing or omitted drops the datapoint);
 * - FILL(x, value | series | REPEAT | LINEAR) fills inside the grid (REPEAT: last earlier real
 *   value; LINEAR: interpolation between the real values around a gap; neither fills a leading gap);
 * - RATE, DIFF, DIFF_TIME and RUNNING_SUM work on consecutive real datapoints;
 * - MINUTE/HOUR/DAY (1 = Monday … 7 = Sunday)/DATE/MONTH/YEAR/EPOCH are UTC and non-sparse;
 * - ANOMALY_DETECTION_BAND(id, k = 2) takes the id of a metric or expression and k >= 0; the band
 *   comes from the trained model the environment provides (`MathEnv.band`, see
 *   src/metrics/anomaly/), as [upper, lower] so that LAST(...) is the lower bound, as AWS documents.
 */
import { MathError } from './lexer.js';
import { parseExpression, type Node } from './parser.js';

export interface Series {
  label: string;
  /** Grid timestamps (ms), ascending. */
  timestamps: readonly number[];
  /** One value per timestamp; NaN = missing. */
  values: Float64Array;
  /** Period in seconds. */
  period: number;
  /** The MetricDataQuery id the series came from (METRICS() filters on it). */
  id?: string;
}

export type Value =
  | { t: 'scalar'; v: number }
  | { t: 'ts'; s: Series }
  | { t: 'arr'; s: Series[] }
  | { t: 'str'; v: string }
  | { t: 'kw'; v: string };

export interface MathEnv {
  /** The value of another query's id (a metric or an expression); throws when unknown. */
  ref(id: string, pos: number): Value;
  /** The MetricStat results of the request, in request order (METRICS()). */
  metrics(): Series[];
  /** Results of a SEARCH, fetched before evaluation. */
  search?(query: string, stat: string, period: number): Series[];
  /** The grid used when an expression has no series input (TIME_SERIES(5)). */
  grid(): { timestamps: number[]; period: number };
  /**
   * ANOMALY_DETECTION_BAND: [upper, lower] of the model of query `inputId` at the input's
   * timestamps, k standard deviations wide. Absent: the function is refused.
   */
  band?(inputId: string, input: Series, k: number): Series[];
}

/**
 * Periods of history a query range must include before its first datapoint for the band to be
 * computed there: none, since the model trains on the metric's own two-week history (kept for
 * src/alarms/compile.ts, which sizes its lookback with it).
 */
export const BAND_WINDOW = 0;

const err = (m: string, pos = -1) => new MathError(m, pos);

function describe(v: Value): string {
  return v.t === 'scalar' ? 'a number' : v.t === 'ts' ? 'a time series' : v.t === 'arr' ? 'an array of time series' : v.t === 'str' ? 'a string' : `keyword ${v.v}`;
}

function mkSeries(like: { timestamps: readonly number[]; period: number }, values: Float64Array, label = '', id?: string): Series {
  return { label, timestamps: like.timestamps, values, period: like.period, id };
}

function sameGrid(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function unionGrid(grids: ReadonlyArray<readonly number[]>): number[] {
  const all = new Set<number>();
  for (const g of grids) for (const t of g) all.add(t);
  return [...all].sort((x, y) => x - y);
}

/** A series' values looked up at other timestamps (NaN where it has none). */
function valuesAt(s: Series, grid: readonly number[]): Float64Array {
  if (sameGrid(s.timestamps, grid)) return s.values;
  const idx = new Map<number, number>();
  s.timestamps.forEach((t, i) => idx.set(t, i));
  const out = new Float64Array(grid.length).fill(NaN);
  grid.forEach((t, i) => { const j = idx.get(t); if (j !== undefined) out[i] = s.values[j]; });
  return out;
}

function clean(x: number): number { return Number.isFinite(x) ? x : NaN; }

function applyOp(op: string, x: number, y: number): number {
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return y === 0 ? NaN : x / y;
    case '^': return clean(Math.pow(x, y));
    case '==': return x === y ? 1 : 0;
    case '!=': return x !== y ? 1 : 0;
    case '<': return x < y ? 1 : 0;
    case '<=': return x <= y ? 1 : 0;
    case '>': return x > y ? 1 : 0;
    case '>=': return x >= y ? 1 : 0;
    case 'AND': return x !== 0 && y !== 0 ? 1 : 0;
    case 'OR': return x !== 0 || y !== 0 ? 1 : 0;
    default: throw err(`Unknown operator ${op}`);
  }
}

function seriesOp(op: string, a: Series, b: Series): Series {
  const grid = sameGrid(a.timestamps, b.timestamps) ? a.timestamps : unionGrid([a.timestamps, b.timestamps]);
  const va = valuesAt(a, grid), vb = valuesAt(b, grid);
  const out = new Float64Array(grid.length);
  for (let i = 0; i < grid.length; i++) {
    const x = va[i], y = vb[i];
    if (Number.isNaN(x) && Number.isNaN(y)) { out[i] = NaN; continue; }
    out[i] = clean(applyOp(op, Number.isNaN(x) ? 0 : x, Number.isNaN(y) ? 0 : y));
  }
  return { label: a.label, timestamps: grid, values: out, period: Math.min(a.period, b.period), id: a.id };
}

function scalarOp(op: string, s: Series, k: number, scalarLeft: boolean): Series {
  const out = new Float64Array(s.values.length);
  for (let i = 0; i < out.length; i++) {
    const x = s.values[i];
    out[i] = Number.isNaN(x) ? NaN : clean(scalarLeft ? applyOp(op, k, x) : applyOp(op, x, k));
  }
  return { ...s, values: out };
}

function binary(op: string, l: Value, r: Value, pos: number): Value {
  if (l.t === 'scalar' && r.t === 'scalar') return { t: 'scalar', v: clean(applyOp(op, l.v, r.v)) };
  if (l.t === 'ts' && r.t === 'ts') return { t: 'ts', s: seriesOp(op, l.s, r.s) };
  if (l.t === 'ts' && r.t === 'scalar') return { t: 'ts', s: scalarOp(op, l.s, r.v, false) };
  if (l.t === 'scalar' && r.t === 'ts') return { t: 'ts', s: scalarOp(op, r.s, l.v, true) };
  if (l.t === 'arr' && (r.t === 'ts' || r.t === 'scalar')) return { t: 'arr', s: l.s.map((x) => (binary(op, { t: 'ts', s: x }, r, pos) as { s: Series }).s) };
  if (r.t === 'arr' && (l.t === 'ts' || l.t === 'scalar')) return { t: 'arr', s: r.s.map((x) => (binary(op, l, { t: 'ts', s: x }, pos) as { s: Series }).s) };
  throw err(`Operator ${op} cannot be applied to ${describe(l)} and ${describe(r)}`, pos);
}

/** Applies a per-series transformation to a series or each series of an array. */
function lift(v: Value, name: string, pos: number, f: (s: Series) => Series, scalar?: (x: number) => number): Value {
  if (v.t === 'ts') return { t: 'ts', s: f(v.s) };
  if (v.t === 'arr') return { t: 'arr', s: v.s.map(f) };
  if (v.t === 'scalar' && scalar) return { t: 'scalar', v: clean(scalar(v.v)) };
  throw err(`${name} expects a time series or an array of time series, not ${describe(v)}`, pos);
}

const mapValues = (fn: (x: number) => number) => (s: Series): Series => {
  const out = new Float64Array(s.values.length);
  for (let i = 0; i < out.length; i++) out[i] = Number.isNaN(s.values[i]) ? NaN : clean(fn(s.values[i]));
  return { ...s, values: out };
};

/** Over consecutive real datapoints: f(value, previous value, dt seconds). */
const consecutive = (fn: (v: number, prev: number, dt: number) => number) => (s: Series): Series => {
  const out = new Float64Array(s.values.length).fill(NaN);
  let prevI = -1;
  for (let i = 0; i < out.length; i++) {
    const v = s.values[i];
    if (Number.isNaN(v)) continue;
    if (prevI >= 0) out[i] = clean(fn(v, s.values[prevI], (s.timestamps[i] - s.timestamps[prevI]) / 1000));
    prevI = i;
  }
  return { ...s, values: out };
};

function realValues(s: Series): number[] {
  const out: number[] = [];
  for (const v of s.values) if (!Number.isNaN(v)) out.push(v);
  return out;
}

type Agg = 'AVG' | 'SUM' | 'MIN' | 'MAX' | 'STDDEV';

function aggregateNumbers(kind: Agg, xs: number[]): number {
  if (!xs.length) return NaN;
  switch (kind) {
    case 'SUM': return xs.reduce((a, b) => a + b, 0);
    case 'AVG': return xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'MIN': return Math.min(...xs);
    case 'MAX': return Math.max(...xs);
    case 'STDDEV': {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    }
  }
}

function aggregateArray(kind: Agg, arr: Series[], env: MathEnv, label: string): Series {
  if (!arr.length) { const g = env.grid(); return mkSeries(g, new Float64Array(g.timestamps.length).fill(NaN), label); }
  const grid = unionGrid(arr.map((s) => s.timestamps));
  const cols = arr.map((s) => valuesAt(s, grid));
  const out = new Float64Array(grid.length);
  for (let i = 0; i < grid.length; i++) {
    const present = cols.map((c) => c[i]).filter((x) => !Number.isNaN(x));
    if (!present.length) { out[i] = NaN; continue; }
    // SUM and AVG count a missing value as 0 (AWS documents this for arrays).
    const xs = kind === 'SUM' || kind === 'AVG' ? cols.map((c) => (Number.isNaN(c[i]) ? 0 : c[i])) : present;
    out[i] = clean(aggregateNumbers(kind, xs));
  }
  return { label, timestamps: grid, values: out, period: Math.min(...arr.map((s) => s.period)) };
}

function asArray(v: Value, name: string, pos: number): Series[] {
  if (v.t === 'arr') return v.s;
  if (v.t === 'ts') return [v.s];
  throw err(`${name} expects an array of time series, not ${describe(v)}`, pos);
}

function asScalar(v: Value, name: string, pos: number): number {
  if (v.t !== 'scalar') throw err(`${name} expects a number, not ${describe(v)}`, pos);
  return v.v;
}

function asString(v: Value, name: string, pos: number): string {
  if (v.t !== 'str') throw err(`${name} expects a string, not ${describe(v)}`, pos);
  return v.v;
}

function fill(s: Series, how: Value, pos: number): Series {
  const out = Float64Array.from(s.values);
  if (how.t === 'scalar') {
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = how.v;
  } else if (how.t === 'ts') {
    const other = valuesAt(how.s, s.timestamps);
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = other[i];
  } else if (how.t === 'kw' && how.v === 'REPEAT') {
    let last = NaN;
    for (let i = 0; i < out.length; i++) { if (Number.isNaN(out[i])) out[i] = last; else last = out[i]; }
  } else if (how.t === 'kw' && how.v === 'LINEAR') {
    let prev = -1;
    for (let i = 0; i < out.length; i++) {
      if (Number.isNaN(s.values[i])) continue;
      if (prev >= 0 && i - prev > 1) {
        const [t0, v0, t1, v1] = [s.timestamps[prev], s.values[prev], s.timestamps[i], s.values[i]];
        for (let j = prev + 1; j < i; j++) out[j] = v0 + ((v1 - v0) * (s.timestamps[j] - t0)) / (t1 - t0);
      }
      prev = i;
    }
  } else {
    throw err(`FILL expects a number, a time series, REPEAT or LINEAR as its second argument, not ${describe(how)}`, pos);
  }
  return { ...s, values: out };
}

function timeFunction(name: string, s: Series): Series {
  const out = new Float64Array(s.timestamps.length);
  s.timestamps.forEach((t, i) => {
    const d = new Date(t);
    switch (name) {
      case 'MINUTE': out[i] = d.getUTCMinutes(); break;
      case 'HOUR': out[i] = d.getUTCHours(); break;
      case 'DAY': out[i] = ((d.getUTCDay() + 6) % 7) + 1; break;
      case 'DATE': out[i] = d.getUTCDate(); break;
      case 'MONTH': out[i] = d.getUTCMonth() + 1; break;
      case 'YEAR': out[i] = d.getUTCFullYear(); break;
      case 'EPOCH': out[i] = Math.floor(t / 1000); break;
    }
  });
  return { ...s, values: out };
}

function ifSeries(cond: Series, a: Value, b: Value | undefined, pos: number): Series {
  const grid = cond.timestamps;
  const av = a.t === 'ts' ? valuesAt(a.s, grid) : undefined;
  const bv = b?.t === 'ts' ? valuesAt(b.s, grid) : undefined;
  if (a.t !== 'ts' && a.t !== 'scalar') throw err(`IF expects a number or a time series as its second argument, not ${describe(a)}`, pos);
  if (b && b.t !== 'ts' && b.t !== 'scalar') throw err(`IF expects a number or a time series as its third argument, not ${describe(b)}`, pos);
  const out = new Float64Array(grid.length);
  for (let i = 0; i < grid.length; i++) {
    const c = cond.values[i];
    if (Number.isNaN(c)) { out[i] = NaN; continue; }
    if (c !== 0) out[i] = a.t === 'scalar' ? a.v : Number.isNaN(av![i]) ? 0 : av![i];
    else out[i] = !b ? NaN : b.t === 'scalar' ? b.v : bv![i];
  }
  return { ...cond, label: a.t === 'ts' ? a.s.label : cond.label, values: out };
}

const SORT_FUNCS = new Set(['AVG', 'SUM', 'MIN', 'MAX', 'STDDEV']);

function call(name: string, argNodes: Node[], env: MathEnv, pos: number): Value {
  const args = () => argNodes.map((a) => evaluate(a, env));
  const arity = (min: number, max = min) => {
    if (argNodes.length < min || argNodes.length > max) {
      throw err(`${name} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${argNodes.length}`, pos);
    }
  };
  switch (name) {
    case 'ABS': arity(1); return lift(args()[0], name, pos, mapValues(Math.abs), Math.abs);
    case 'CEIL': arity(1); return lift(args()[0], name, pos, mapValues(Math.ceil), Math.ceil);
    case 'FLOOR': arity(1); return lift(args()[0], name, pos, mapValues(Math.floor), Math.floor);
    case 'LOG': arity(1); return lift(args()[0], name, pos, mapValues(Math.log), Math.log);
    case 'LOG10': arity(1); return lift(args()[0], name, pos, mapValues(Math.log10), Math.log10);
    case 'AVG': case 'SUM': case 'MIN': case 'MAX': case 'STDDEV': {
      arity(1);
      const [v] = args();
      if (v.t === 'ts') return { t: 'scalar', v: aggregateNumbers(name, realValues(v.s)) };
      if (v.t === 'arr') return { t: 'ts', s: aggregateArray(name, v.s, env, '') };
      if (v.t === 'scalar') return v;
      throw err(`${name} expects a time series or an array of time series, not ${describe(v)}`, pos);
    }
    case 'DATAPOINT_COUNT': {
      arity(1);
      const [v] = args();
      if (v.t === 'ts') return { t: 'scalar', v: realValues(v.s).length };
      if (v.t === 'arr') {
        const grid = unionGrid(v.s.map((s) => s.timestamps));
        const cols = v.s.map((s) => valuesAt(s, grid));
        const out = new Float64Array(grid.length);
        for (let i = 0; i < grid.length; i++) { const n = cols.filter((c) => !Number.isNaN(c[i])).length; out[i] = n || NaN; }
        return { t: 'ts', s: { label: '', timestamps: grid, values: out, period: Math.min(...v.s.map((s) => s.period)) } };
      }
      throw err(`DATAPOINT_COUNT expects a time series or an array of time series, not ${describe(v)}`, pos);
    }
    case 'METRIC_COUNT': arity(1); return { t: 'scalar', v: asArray(args()[0], name, pos).length };
    case 'DIFF': arity(1); return lift(args()[0], name, pos, consecutive((v, p) => v - p));
    case 'DIFF_TIME': arity(1); return lift(args()[0], name, pos, consecutive((_v, _p, dt) => dt));
    case 'RATE': arity(1); return lift(args()[0], name, pos, consecutive((v, p, dt) => (dt > 0 ? (v - p) / dt : NaN)));
    case 'RUNNING_SUM': arity(1); return lift(args()[0], name, pos, (s) => {
      const out = new Float64Array(s.values.length);
      let acc = 0;
      for (let i = 0; i < out.length; i++) { if (Number.isNaN(s.values[i])) out[i] = NaN; else { acc += s.values[i]; out[i] = acc; } }
      return { ...s, values: out };
    });
    case 'FILL': {
      arity(2);
      const [v, how] = args();
      return lift(v, name, pos, (s) => fill(s, how, argNodes[1].pos));
    }
    case 'FIRST': case 'LAST': {
      arity(1);
      const arr = asArray(args()[0], name, pos);
      if (!arr.length) { const g = env.grid(); return { t: 'ts', s: mkSeries(g, new Float64Array(g.timestamps.length).fill(NaN)) }; }
      return { t: 'ts', s: name === 'FIRST' ? arr[0] : arr[arr.length - 1] };
    }
    case 'IF': {
      arity(2, 3);
      const [c, a, b] = args();
      if (c.t === 'scalar') {
        if (c.v !== 0) return a;
        if (b) return b;
        const g = a.t === 'ts' ? a.s : env.grid();
        return { t: 'ts', s: mkSeries(g, new Float64Array(g.timestamps.length).fill(NaN)) };
      }
      if (c.t !== 'ts') throw err(`IF expects a number or a time series as its condition, not ${describe(c)}`, pos);
      return { t: 'ts', s: ifSeries(c.s, a, b, pos) };
    }
    case 'METRICS': {
      arity(0, 1);
      const filter = argNodes.length ? asString(args()[0], name, pos) : undefined;
      return { t: 'arr', s: env.metrics().filter((s) => filter === undefined || (s.id ?? '').includes(filter)) };
    }
    case 'MINUTE': case 'HOUR': case 'DAY': case 'DATE': case 'MONTH': case 'YEAR': case 'EPOCH': {
      arity(1);
      return lift(args()[0], name, pos, (s) => timeFunction(name, s));
    }
    case 'PERIOD': {
      arity(1);
      const [v] = args();
      if (v.t !== 'ts') throw err(`PERIOD expects a metric, not ${describe(v)}`, pos);
      return { t: 'scalar', v: v.s.period };
    }
    case 'REMOVE_EMPTY': arity(1); return { t: 'arr', s: asArray(args()[0], name, pos).filter((s) => s.values.some((x) => !Number.isNaN(x))) };
    case 'SLICE': {
      arity(2, 3);
      const a = args();
      const arr = asArray(a[0], name, pos);
      const from = Math.trunc(asScalar(a[1], name, pos));
      const to = a[2] ? Math.trunc(asScalar(a[2], name, pos)) : arr.length;
      return { t: 'arr', s: arr.slice(from, to) };
    }
    case 'SORT': {
      arity(3, 4);
      const a = args();
      const arr = asArray(a[0], name, pos);
      const fn = a[1].t === 'kw' ? a[1].v : '';
      const order = a[2].t === 'kw' ? a[2].v : '';
      if (!SORT_FUNCS.has(fn)) throw err(`SORT expects AVG, MIN, MAX, SUM or STDDEV as its second argument`, argNodes[1].pos);
      if (order !== 'ASC' && order !== 'DESC') throw err(`SORT expects ASC or DESC as its third argument`, argNodes[2].pos);
      const limit = a[3] ? Math.trunc(asScalar(a[3], name, pos)) : arr.length;
      const keyed = arr.map((s) => ({ s, k: aggregateNumbers(fn as Agg, realValues(s)) }));
      keyed.sort((x, y) => {
        if (Number.isNaN(x.k) !== Number.isNaN(y.k)) return Number.isNaN(x.k) ? 1 : -1;
        return order === 'ASC' ? x.k - y.k : y.k - x.k;
      });
      return { t: 'arr', s: keyed.slice(0, Math.max(0, limit)).map((x) => x.s) };
    }
    case 'TIME_SERIES': {
      arity(1);
      const k = asScalar(args()[0], name, pos);
      const g = env.grid();
      return { t: 'ts', s: mkSeries(g, new Float64Array(g.timestamps.length).fill(k)) };
    }
    case 'ANOMALY_DETECTION_BAND': {
      arity(1, 2);
      const first = argNodes[0];
      // A model belongs to a metric or an expression of the request, so the input must be an id.
      if (first.k !== 'ref') throw err('ANOMALY_DETECTION_BAND expects the id of a metric or an expression as its first argument', first.pos);
      const a = args();
      if (a[0].t !== 'ts') throw err(`ANOMALY_DETECTION_BAND expects a time series, not ${describe(a[0])}`, first.pos);
      const k = a[1] ? asScalar(a[1], name, argNodes[1].pos) : 2;
      if (!(k >= 0)) throw err('ANOMALY_DETECTION_BAND expects a non-negative number of standard deviations as its second argument', argNodes[1].pos);
      if (!env.band) throw err('ANOMALY_DETECTION_BAND is not available here', pos);
      return { t: 'arr', s: env.band(first.id, a[0].s, k) };
    }
    case 'SEARCH': {
      arity(2, 3);
      const a = args();
      const q = asString(a[0], name, pos);
      const stat = asString(a[1], name, pos);
      const period = a[2] ? asScalar(a[2], name, pos) : env.grid().period;
      if (!env.search) throw err('SEARCH is not available here', pos);
      return { t: 'arr', s: env.search(q, stat, period) };
    }
    case 'INSIGHT_RULE_METRIC':
    case 'SERVICE_QUOTA':
      throw err(`${name} is not supported by this server`, pos);
    default:
      throw err(`Unknown function ${name}`, pos);
  }
}

export function evaluate(n: Node, env: MathEnv): Value {
  switch (n.k) {
    case 'num': return { t: 'scalar', v: n.v };
    case 'str': return { t: 'str', v: n.v };
    case 'kw': return { t: 'kw', v: n.name };
    case 'ref': return env.ref(n.id, n.pos);
    case 'neg': {
      const v = evaluate(n.arg, env);
      if (v.t === 'scalar') return { t: 'scalar', v: -v.v };
      return lift(v, '-', n.pos, mapValues((x) => -x));
    }
    case 'bin': return binary(n.op, evaluate(n.left, env), evaluate(n.right, env), n.pos);
    case 'array': {
      const out: Series[] = [];
      for (const item of n.items) {
        const v = evaluate(item, env);
        if (v.t === 'ts') out.push(v.s);
        else if (v.t === 'arr') out.push(...v.s);
        else throw err(`An array can only hold time series, not ${describe(v)}`, item.pos);
      }
      return { t: 'arr', s: out };
    }
    case 'call': return call(n.name, n.args, env, n.pos);
  }
}

/**
 * Parses and evaluates an expression whose result must be a time series or an array of them
 * (AWS: a scalar is not a valid final result). Returns the series (one for a single series).
 */
export function evaluateExpression(src: string, env: MathEnv): { series: Series[]; array: boolean } {
  const v = evaluate(parseExpression(src), env);
  if (v.t === 'ts') return { series: [v.s], array: false };
  if (v.t === 'arr') return { series: v.s, array: true };
  throw err(`The expression must produce a time series or an array of time series, not ${describe(v)}`);
}
