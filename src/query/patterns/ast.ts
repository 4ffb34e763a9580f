/**
 * The parsed form of a CloudWatch Logs filter pattern (FilterLogEvents, metric filters,
 * subscription filters, Live Tail). One parser (parser.ts) produces it; two back ends consume it:
 * a generated JS predicate (compile-js.ts) and a ClickHouse SQL predicate (compile-sql.ts).
 * Positions are 0-based offsets into the original pattern string.
 */

/** Raised for any pattern we refuse. `message` starts with AWS's wording "Invalid filter pattern". */
export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
  constructor(readonly reason: string, readonly position: number) {
    super(`Invalid filter pattern: ${reason} at position ${position}`);
  }
}

export type FilterPattern = AllPattern | TermsPattern | RegexPattern | JsonPattern | DelimitedPattern;

/** Empty or blank pattern, or terms that are all blank quoted phrases (`" "`): matches every event. */
export interface AllPattern { kind: 'all'; source: string }

/** Unstructured terms: every `include` term, no `exclude` term, and (if any) at least one `any` term. */
export interface TermsPattern {
  kind: 'terms';
  source: string;
  include: Term[];
  exclude: Term[];
  any: Term[];
}
export interface Term { text: string; quoted: boolean; position: number }

/** A standalone `%regex%` pattern: the regex is searched for anywhere in the message. */
export interface RegexPattern { kind: 'regex'; source: string; regex: RegexLiteral }

/**
 * A `%...%` regular expression restricted to the syntax AWS documents, translated into two
 * equivalent engines' dialects: `js` (for `new RegExp(js, 'u')`) and `re2` (ClickHouse `match`).
 */
export interface RegexLiteral { source: string; js: string; re2: string; position: number }

export interface JsonPattern { kind: 'json'; source: string; expr: JsonExpr }

export type JsonExpr =
  | { type: 'and'; items: JsonExpr[] }
  | { type: 'or'; items: JsonExpr[] }
  | JsonCondition;

export type JsonCondition =
  | { type: 'compare'; selector: Selector; op: CompareOp; value: Value; position: number }
  | { type: 'is'; selector: Selector; what: 'null' | 'true' | 'false'; position: number }
  | { type: 'notExists'; selector: Selector; position: number };

export type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

/** `$.a.b[0]`, `$.a[*].b`, `$.*.b`, `$.['dotted.key']`. */
export interface Selector { text: string; steps: SelectorStep[]; position: number }
export type SelectorStep =
  | { kind: 'key'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'anyIndex' }
  | { kind: 'anyKey' };

/**
 * A comparison value. `number`: an unquoted numeric literal (numeric comparison). `text`: a
 * quoted or bare string without wildcards. `glob`: a string with `*` wildcards, kept as the
 * literal pieces between the stars (`AccessDenied*` → ['AccessDenied', '']). `regex`: `%...%`.
 */
export type Value =
  | { kind: 'number'; value: number; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'glob'; pieces: string[] }
  | { kind: 'regex'; regex: RegexLiteral };

export interface DelimitedPattern { kind: 'delimited'; source: string; slots: Slot[] }

export type Slot =
  | { kind: 'ellipsis'; position: number }
  | { kind: 'field'; name: string; condition?: FieldExpr; position: number };

export type FieldExpr =
  | { type: 'and'; items: FieldExpr[] }
  | { type: 'or'; items: FieldExpr[] }
  | { type: 'compare'; op: CompareOp; value: Value; position: number };
