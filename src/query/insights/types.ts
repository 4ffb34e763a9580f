/**
 * The value model of compiled expressions. Insights values are dynamic: a field discovered in
 * JSON, a parse capture or a VPC column is text that acts as a number in numeric contexts.
 * Each compiled expression carries a static type that says how its SQL value is represented:
 *
 *   str   Nullable(String)   dynamic text (JSON leaves, parse captures, string functions)
 *   num   Nullable(Float64) or an integer type
 *   bool  UInt8 0/1 (comparisons, ispresent, isValidIp …); rendered "1"/"0"
 *   ts    Int64 epoch milliseconds (@timestamp, bin(), fromMillis …); rendered yyyy-MM-dd HH:mm:ss.SSS UTC
 *   json  Nullable(String) holding JSON text of a map or list (jsonParse, split, unnest)
 *   null  the constant NULL (a field that cannot exist here)
 */
export type VType = 'str' | 'num' | 'bool' | 'ts' | 'json' | 'null';

export interface SqlExpr {
  sql: string;
  type: VType;
  /** Contains an aggregate function (stats context). */
  agg?: boolean;
  /** A constant value known at compile time (literals). */
  constant?: string | number;
  /** Text that may hold a JSON map or list (unnest elements): `x.key` reads into it. */
  jsonText?: boolean;
  /** The value is read verbatim from the message (JSON leaf, VPC/Route 53 column): its tokens are message tokens. */
  fromMessage?: boolean;
  /**
   * An event field with an exactText typed column (scan stage): the column holds the field's value when it
   * is a JSON string. `field = "text"` may then test the column alone when "text" cannot be the text of a
   * JSON number or boolean (see Expressions.binary).
   */
  typedColumn?: string;
}

/** Bound parameters: every user string goes to the engine as a `{name:Type}` parameter, never as SQL text. */
export class Params {
  readonly values: Record<string, unknown> = {};
  private n = 0;
  private readonly strings = new Map<string, string>();

  str(v: string): string {
    const existing = this.strings.get(v);
    if (existing) return existing;
    const name = `p${this.n++}`;
    this.values[name] = v;
    const ref = `{${name}:String}`;
    this.strings.set(v, ref);
    return ref;
  }

  strArray(v: string[]): string {
    const name = `p${this.n++}`;
    this.values[name] = v;
    return `{${name}:Array(String)}`;
  }

  u64Array(v: number[]): string {
    const name = `p${this.n++}`;
    this.values[name] = v;
    return `{${name}:Array(UInt64)}`;
  }

  i64(v: number): string {
    const name = `p${this.n++}`;
    this.values[name] = Math.trunc(v);
    return `{${name}:Int64}`;
  }
}

/** A numeric literal rendered from its parsed value (never the user's text). */
export function numLiteral(n: number): string {
  if (!Number.isFinite(n)) return 'NULL';
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 53) return n < 0 ? `(${n})` : String(n);
  return `toFloat64(${JSON.stringify(n)})`;
}

export const NULL_EXPR: SqlExpr = { sql: 'NULL', type: 'null' };

/** JSON text → display text: strings unquoted, null → NULL, maps/lists/numbers as written. */
export function jsonToStrSql(sql: string): string {
  return `multiIf(${sql} IS NULL, NULL, JSONType(${sql}) = 'String', JSONExtractString(${sql}), JSONType(${sql}) = 'Null', NULL, ${sql})`;
}

export function asNum(e: SqlExpr): string {
  switch (e.type) {
    case 'num': case 'bool': case 'ts': return e.sql;
    case 'str': return `toFloat64OrNull(${e.sql})`;
    case 'json': return `toFloat64OrNull(${jsonToStrSql(e.sql)})`;
    default: return 'CAST(NULL AS Nullable(Float64))';
  }
}

export function asStr(e: SqlExpr): string {
  switch (e.type) {
    case 'str': return e.sql;
    case 'num': return `toString(${e.sql})`;
    case 'bool': return `toString(${e.sql})`;
    case 'ts': return `toString(fromUnixTimestamp64Milli(toInt64(${e.sql}), 'UTC'))`;
    case 'json': return jsonToStrSql(e.sql);
    default: return 'CAST(NULL AS Nullable(String))';
  }
}

/** Truthiness of a value used as a condition (`filter x`, `if(x, …)`). */
export function asBool(e: SqlExpr): string {
  switch (e.type) {
    case 'bool': return `ifNull(${e.sql}, 0)`;
    case 'num': return `ifNull(${e.sql} != 0, 0)`;
    case 'ts': return `isNotNull(${e.sql})`;
    case 'str': return `ifNull(${e.sql} NOT IN ('', '0', 'false'), 0)`;
    case 'json': return `isNotNull(${e.sql})`;
    default: return '0';
  }
}

/** Timestamps in ms: ts as is, numbers taken as epoch milliseconds, text parsed best-effort. */
export function asTs(e: SqlExpr): string {
  switch (e.type) {
    case 'ts': return e.sql;
    case 'num': case 'bool': return `toInt64OrNull(toString(floor(${e.sql})))`;
    case 'str': return `multiIf(match(${e.sql}, '^-?[0-9]+$'), toInt64OrNull(${e.sql}), toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(${e.sql}, 3, 'UTC')))`;
    default: return 'CAST(NULL AS Nullable(Int64))';
  }
}

/** The SQL type name used to CAST a value of this type (for if/coalesce branches). */
export function sqlTypeOf(t: VType): string {
  switch (t) {
    case 'num': return 'Nullable(Float64)';
    case 'bool': return 'Nullable(UInt8)';
    case 'ts': return 'Nullable(Int64)';
    default: return 'Nullable(String)';
  }
}

/** Brings values to one common type (for coalesce/if/case/greatest…). */
export function unify(exprs: SqlExpr[]): { type: VType; sqls: string[] } {
  const types = new Set(exprs.map((e) => e.type).filter((t) => t !== 'null'));
  let type: VType;
  if (types.size === 0) type = 'null';
  else if (types.size === 1) type = [...types][0];
  else if ([...types].every((t) => t === 'num' || t === 'bool')) type = 'num';
  else type = 'str';
  if (type === 'null') return { type: 'str', sqls: exprs.map(() => 'CAST(NULL AS Nullable(String))') };
  const conv = (e: SqlExpr): string => {
    if (e.type === 'null') return `CAST(NULL AS ${sqlTypeOf(type)})`;
    switch (type) {
      case 'num': return `CAST(${asNum(e)} AS Nullable(Float64))`;
      case 'bool': return `CAST(${e.sql} AS Nullable(UInt8))`;
      case 'ts': return `CAST(${e.sql} AS Nullable(Int64))`;
      case 'json': return `CAST(${e.sql} AS Nullable(String))`;
      default: return `CAST(${asStr(e)} AS Nullable(String))`;
    }
  };
  return { type, sqls: exprs.map(conv) };
}
