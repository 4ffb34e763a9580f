/**
 * SQL back end: a ClickHouse predicate over the column `message String`, with every value from the
 * pattern bound as a `{name:Type}` parameter (never spliced into SQL text). It implements the same
 * semantics as compile-js.ts (see semantics.ts); the differential test runs both over random events.
 *
 * ClickHouse facts it relies on (measured on chDB 3.4 / ClickHouse 26.7, default settings):
 *  - JSON functions parse `message` with simdjson; an invalid document yields defaults
 *    (JSONType 'Null', JSONHas 0, empty arrays), so every positive test needs a type check;
 *  - JSONType is 'Null' for a missing path too, so null needs JSONHas;
 *  - an integer index also addresses the n-th member of an *object*, so index steps are guarded
 *    by JSONType(...) = 'Array';
 *  - JSONExtractString returns the raw text of non-strings, so it is always guarded by type;
 *  - toString(Float64) writes the same digits as JS Number#toString, except `e21` for `e+21`;
 *  - toFloat64OrNull/OrZero return inf (not NULL) for an overflowing numeral such as "1e999";
 *  - LIKE's `%` spans newlines; `match` is RE2 in UTF-8 mode with dot matching newline (the regex
 *    translation never emits a bare dot).
 */
import type { FieldExpr, FilterPattern, JsonCondition, JsonExpr, SelectorStep, Value } from './ast.js';
import { fieldPlan } from './compile-js.js';
import { globToLike } from './glob.js';
import { FIELD_NUMBER_RE2, FIELD_TOKEN_SOURCE, globCanMatchBool, globCanMatchNumber, isNumberText } from './semantics.js';

export interface SqlPredicate { sql: string; params: Record<string, unknown> }

const NUMERIC = "('Int64', 'UInt64', 'Double')";
const SCALARS = "('String', 'Bool', 'Int64', 'UInt64', 'Double')";
const num = (n: number): string => (Object.is(n, -0) ? '0' : String(n));
const and = (xs: string[]): string => (xs.length === 0 ? '1' : xs.length === 1 ? xs[0] : `(${xs.join(' AND ')})`);
const or = (xs: string[]): string => (xs.length === 1 ? xs[0] : `(${xs.join(' OR ')})`);
const isWild = (s: SelectorStep): boolean => s.kind === 'anyIndex' || s.kind === 'anyKey';

/** Bound parameters, one per distinct (type, value). */
class Params {
  readonly params: Record<string, unknown> = {};
  private readonly seen = new Map<string, string>();
  constructor(private readonly prefix: string) {}

  private bind(type: string, value: unknown): string {
    const key = `${type}\u0000${JSON.stringify(value)}`;
    let name = this.seen.get(key);
    if (!name) {
      name = `${this.prefix}${this.seen.size}`;
      this.seen.set(key, name);
      this.params[name] = value;
    }
    return `{${name}:${type}}`;
  }

  str(s: string): string { return this.bind('String', s); }
  /** Doubles travel as their shortest round-trip text (exact, and safe for any magnitude). */
  f64(n: number): string { return this.bind('Float64', num(n)); }
  i64(n: number): string { return this.bind('Int64', n); }
  strs(a: string[]): string { return this.bind('Array(String)', a); }
}

export function compileSql(p: FilterPattern, paramPrefix = 'fp'): SqlPredicate {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(paramPrefix)) throw new TypeError(`bad parameter prefix '${paramPrefix}'`);
  const P = new Params(paramPrefix);
  let sql: string;
  switch (p.kind) {
    case 'all': sql = '1'; break;
    case 'terms': {
      const parts = [
        ...p.include.map((t) => `position(message, ${P.str(t.text)}) > 0`),
        ...p.exclude.map((t) => `position(message, ${P.str(t.text)}) = 0`),
      ];
      if (p.any.length) parts.push(or(p.any.map((t) => `position(message, ${P.str(t.text)}) > 0`)));
      sql = and(parts);
      break;
    }
    case 'regex': sql = `match(message, ${P.str(p.regex.re2)})`; break;
    case 'json': sql = new JsonSql(P, paramPrefix).root(p.expr); break;
    case 'delimited': sql = delimitedSql(p, P, paramPrefix); break;
  }
  return { sql, params: P.params };
}

// ---- JSON ------------------------------------------------------------------------------------

/** Could the expression be true for a message with no fields at all (not JSON, or `{}`)? */
function trueWhenEmpty(e: JsonExpr): boolean {
  if (e.type === 'and') return e.items.every(trueWhenEmpty);
  if (e.type === 'or') return e.items.some(trueWhenEmpty);
  return e.type === 'notExists';
}

interface Path { args: string; guards: string[] }

class JsonSql {
  private lambdas = 0;
  constructor(private readonly P: Params, private readonly prefix: string) {}

  root(e: JsonExpr): string {
    const body = this.expr(e);
    // Everything but NOT EXISTS needs a field to be present, which an invalid or non-object
    // document never has; NOT EXISTS needs the explicit "this is a JSON object" check.
    return trueWhenEmpty(e) ? `(JSONType(message) = 'Object' AND ${body})` : body;
  }

  /** Arguments addressing `steps` inside document expression `doc`, plus the index-step guards. */
  private path(doc: string, steps: SelectorStep[]): Path {
    let args = '';
    const guards: string[] = [];
    for (const s of steps) {
      if (s.kind === 'index') {
        guards.push(`JSONType(${doc}${args}) = 'Array'`);
        args += `, ${this.P.i64(s.index + 1)}`;
      } else if (s.kind === 'key') {
        args += `, ${this.P.str(s.name)}`;
      } else throw new Error('wildcard step in a plain path');
    }
    return { args, guards };
  }

  private expr(e: JsonExpr): string {
    if (e.type === 'and') return and(e.items.map((x) => this.expr(x)));
    if (e.type === 'or') return or(this.orItems(e.items));
    return this.condition(e);
  }

  /** OR items, with `$.x = "a" || $.x = "b" || …` (string-only literals) folded into one IN. */
  private orItems(items: JsonExpr[]): string[] {
    const foldable = (it: JsonExpr): it is Extract<JsonCondition, { type: 'compare' }> & { value: { kind: 'text'; text: string } } =>
      it.type === 'compare' && it.op === '=' && it.value.kind === 'text' && !it.selector.steps.some(isWild)
      && !isNumberText(it.value.text) && it.value.text !== 'true' && it.value.text !== 'false';
    const groups = new Map<string, string[]>();
    for (const it of items) {
      if (!foldable(it)) continue;
      const k = JSON.stringify(it.selector.steps);
      groups.set(k, [...(groups.get(k) ?? []), it.value.text]);
    }
    const out: string[] = [];
    const done = new Set<string>();
    for (const it of items) {
      if (foldable(it)) {
        const k = JSON.stringify(it.selector.steps);
        const g = groups.get(k)!;
        if (g.length >= 2) {
          if (done.has(k)) continue;
          done.add(k);
          const { args, guards } = this.path('message', it.selector.steps);
          out.push(and([...guards, `JSONType(message${args}) = 'String'`, `JSONExtractString(message${args}) IN ${this.P.strs([...new Set(g)])}`]));
          continue;
        }
      }
      out.push(this.expr(it));
    }
    return out;
  }

  private condition(c: JsonCondition): string {
    const steps = c.selector.steps;
    const w = steps.findIndex(isWild);
    if (w < 0) return this.leaf('message', steps, c);
    const { args, guards } = this.path('message', steps.slice(0, w));
    const v = `${this.prefix}_e${this.lambdas++}`;
    const rest = steps.slice(w + 1);
    const [source, elem] = steps[w].kind === 'anyIndex'
      ? [`JSONExtractArrayRaw(message${args})`, v]
      : [`JSONExtractKeysAndValuesRaw(message${args})`, `tupleElement(${v}, 2)`];
    if (c.type === 'notExists') {
      const inner = this.exists(elem, rest);
      return `NOT ${and([...guards, `arrayExists(${v} -> ${inner}, ${source})`])}`;
    }
    return and([...guards, `arrayExists(${v} -> ${this.leaf(elem, rest, c)}, ${source})`]);
  }

  private exists(doc: string, steps: SelectorStep[]): string {
    if (!steps.length) return '1';
    const { args, guards } = this.path(doc, steps);
    return and([...guards, `JSONHas(${doc}${args})`]);
  }

  private leaf(doc: string, steps: SelectorStep[], c: JsonCondition): string {
    if (c.type === 'notExists') return `NOT ${this.exists(doc, steps)}`;
    const { args, guards } = this.path(doc, steps);
    const T = `JSONType(${doc}${args})`;
    if (c.type === 'is') {
      if (c.what === 'null') return and([...guards, ...(steps.length ? [`JSONHas(${doc}${args})`] : []), `${T} = 'Null'`]);
      return and([...guards, `${T} = 'Bool'`, `JSONExtractBool(${doc}${args}) = ${c.what === 'true' ? 1 : 0}`]);
    }
    if (c.op === '=') return and([...guards, this.eq(doc, args, c.value)]);
    if (c.op === '!=') return and([...guards, `${T} IN ${SCALARS}`, `NOT ${this.eq(doc, args, c.value)}`]);
    if (c.value.kind !== 'number') throw new Error('relational comparison without a number');
    return and([...guards, `${T} IN ${NUMERIC}`, `JSONExtractFloat(${doc}${args}) ${c.op} ${this.P.f64(c.value.value)}`]);
  }

  /** `= value` on the value at (doc, args), never NULL. */
  private eq(doc: string, args: string, v: Value): string {
    const T = `JSONType(${doc}${args})`;
    const S = `JSONExtractString(${doc}${args})`;
    const F = `JSONExtractFloat(${doc}${args})`;
    switch (v.kind) {
      case 'number': return `(${T} IN ${NUMERIC} AND ${F} = ${this.P.f64(v.value)})`;
      case 'text': {
        const parts = [`(${S} = ${this.P.str(v.text)} AND ${T} = 'String')`];
        if (isNumberText(v.text)) parts.push(`(${T} IN ${NUMERIC} AND ${F} = ${this.P.f64(Number(v.text))})`);
        if (v.text === 'true' || v.text === 'false') parts.push(`(${T} = 'Bool' AND JSONExtractBool(${doc}${args}) = ${v.text === 'true' ? 1 : 0})`);
        return or(parts);
      }
      case 'glob': {
        const pat = this.P.str(globToLike(v.pieces));
        if (!globCanMatchNumber(v.pieces) && !globCanMatchBool(v.pieces)) return `(${T} = 'String' AND like(${S}, ${pat}))`;
        return `ifNull(like(${this.text(doc, args)}, ${pat}), 0)`;
      }
      case 'regex': return `ifNull(match(${this.text(doc, args)}, ${this.P.str(v.regex.re2)}), 0)`;
    }
  }

  /** The value's text (semantics.ts textOf) or NULL. */
  private text(doc: string, args: string): string {
    const T = `JSONType(${doc}${args})`;
    const F = `JSONExtractFloat(${doc}${args})`;
    const S = `toString(${F})`;
    const numText = `if(${F} = 0, '0', if(position(${S}, 'e-') > 0, ${S}, replaceOne(${S}, 'e', 'e+')))`;
    return `multiIf(${T} = 'String', JSONExtractString(${doc}${args}), ${T} = 'Bool', if(JSONExtractBool(${doc}${args}) = 1, 'true', 'false'), ${T} IN ${NUMERIC}, ${numText}, NULL)`;
  }
}

// ---- space-delimited -------------------------------------------------------------------------

/**
 * The fields are computed once, as an array bound to a lambda parameter (`arrayExists` over a
 * one-element array), so that each condition refers to a short `F[k]`: repeating the tokenizer per
 * condition made a 1 KB pattern exceed ClickHouse's 256 KB max_query_size.
 */
function delimitedSql(p: Extract<FilterPattern, { kind: 'delimited' }>, P: Params, prefix: string): string {
  const plan = fieldPlan(p);
  const F = `${prefix}_f`;
  const x = `${prefix}_x`;
  const strip = `if(length(${x}) >= 2 AND ((startsWith(${x}, '"') AND endsWith(${x}, '"')) OR (startsWith(${x}, '[') AND endsWith(${x}, ']'))), substring(${x}, 2, length(${x}) - 2), ${x})`;
  const fields = `arrayMap(${x} -> ${strip}, extractAll(message, ${P.str(FIELD_TOKEN_SOURCE)}))`;
  const parts = [plan.ellipsis ? `length(${F}) >= ${plan.count}` : `length(${F}) = ${plan.count}`];
  for (const f of plan.fields) {
    const slot = p.slots[f.slot];
    if (slot.kind !== 'field' || !slot.condition) continue;
    const S = `${F}[${f.fromEnd ? -f.pos : f.pos + 1}]`;
    const gen = (e: FieldExpr): string => {
      if (e.type === 'and') return and(e.items.map(gen));
      if (e.type === 'or') return or(e.items.map(gen));
      const v = e.value;
      if (v.kind === 'number') {
        // toFloat64OrZero gives inf for overflow ("1e999"), which JS's fieldNumber refuses: isFinite.
        const cmp = (op: string): string => `(match(${S}, ${P.str(FIELD_NUMBER_RE2)}) AND isFinite(toFloat64OrZero(${S})) AND toFloat64OrZero(${S}) ${op} ${P.f64(v.value)})`;
        return e.op === '=' ? cmp('=') : e.op === '!=' ? `NOT ${cmp('=')}` : cmp(e.op);
      }
      const eq = v.kind === 'text' ? `(${S} = ${P.str(v.text)})`
        : v.kind === 'glob' ? `like(${S}, ${P.str(globToLike(v.pieces))})`
        : `match(${S}, ${P.str(v.regex.re2)})`;
      return e.op === '!=' ? `NOT ${eq}` : eq;
    };
    parts.push(gen(slot.condition));
  }
  return `arrayExists(${F} -> ${and(parts)}, [${fields}])`;
}
