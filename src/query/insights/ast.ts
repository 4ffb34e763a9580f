/**
 * The Logs Insights AST. Every node carries its source span as character offsets
 * (`start` inclusive, `end` exclusive) into the query string, so that the planner and the
 * compiler can report MalformedQueryException at the exact place.
 */

export interface Span { start: number; end: number }

/** A field reference. `name` is the field's name as Insights shows it (backticks removed). */
export interface FieldRef extends Span {
  kind: 'field';
  name: string;
  /** Path segments when the name was written with backtick segments (`` m.`a.b` ``): the split is explicit. */
  segments?: string[];
  quoted: boolean;
}

export interface StringLit extends Span { kind: 'string'; value: string }
export interface NumberLit extends Span { kind: 'number'; value: number; text: string }
export interface RegexLit extends Span { kind: 'regex'; pattern: string }
export type TimeUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'mo' | 'q' | 'y';
export interface DurationLit extends Span { kind: 'duration'; value: number; unit: TimeUnit; text: string }
export interface ListLit extends Span { kind: 'list'; items: Expr[] }
export interface Star extends Span { kind: 'star' }

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';
export interface Binary extends Span { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; opSpan: Span }
export interface Unary extends Span { kind: 'unary'; op: 'not' | '-' | '+'; operand: Expr }
/** `a like "s"`, `a like /re/`, `a =~ /re/`, `a not like …`. */
export interface Like extends Span { kind: 'like'; negated: boolean; subject: Expr; pattern: StringLit | RegexLit; op: 'like' | '=~' }
export interface In extends Span { kind: 'in'; negated: boolean; subject: Expr; list: ListLit }
export interface Call extends Span { kind: 'call'; name: string; nameSpan: Span; args: Expr[] }
/** `l[1]` on a list value. */
export interface Index extends Span { kind: 'index'; target: Expr; index: Expr }
/** `jsonParse(x).a` on a map value. */
export interface Member extends Span { kind: 'member'; target: Expr; key: string }

export type Expr = FieldRef | StringLit | NumberLit | RegexLit | DurationLit | ListLit | Star | Binary | Unary | Like | In | Call | Index | Member;

/** `expr [as alias]`, with the source text of the expression (the default column name). */
export interface Projection extends Span { expr: Expr; alias?: string; aliasSpan?: Span; text: string }

export interface SortKey extends Span { expr: Expr; text: string; dir: 'asc' | 'desc'; explicitDir: boolean }

export interface FieldsCmd extends Span { kind: 'fields'; items: Projection[] }
export interface DisplayCmd extends Span { kind: 'display'; items: Projection[] }
export interface FilterCmd extends Span { kind: 'filter'; keyword: 'filter' | 'where' | 'filterIndex'; expr: Expr }
export interface StatsCmd extends Span { kind: 'stats'; items: Projection[]; by: Projection[] }
export interface SortCmd extends Span { kind: 'sort'; keys: SortKey[] }
export interface LimitCmd extends Span { kind: 'limit'; n: number | 'any' }
export interface ParseCmd extends Span {
  kind: 'parse';
  source: Expr;
  pattern: StringLit | RegexLit;
  /** Glob captures get these names; regex captures are named by their groups. */
  names: { name: string; span: Span }[];
}
export interface DedupCmd extends Span { kind: 'dedup'; fields: FieldRef[] }
export interface UnmaskCmd extends Span { kind: 'unmask'; field?: Expr }
export interface UnnestCmd extends Span { kind: 'unnest'; field: Expr; into: string; intoSpan: Span }
export interface PatternCmd extends Span { kind: 'pattern'; expr: Expr; text: string }
export interface DiffCmd extends Span { kind: 'diff'; period: 'previous' | 'previousDay' | 'previousWeek' | 'previousMonth' }
export interface AnomalyCmd extends Span { kind: 'anomaly' }
export interface LookupCmd extends Span { kind: 'lookup'; table: string; tableSpan: Span }
export interface SourceCmd extends Span {
  kind: 'source';
  namePrefix: { value: string; span: Span }[];
  accountIdentifiers: { value: string; span: Span }[];
  classes: { value: string; span: Span }[];
  startTime?: TimeSpec;
  endTime?: TimeSpec;
}
/** SOURCE START=/END=: relative to the query's start (`-1h`, `0s`) or absolute epoch/ISO time. */
export type TimeSpec = Span & ({ relativeMs: number } | { absoluteMs: number });

export type Command = FieldsCmd | DisplayCmd | FilterCmd | StatsCmd | SortCmd | LimitCmd | ParseCmd | DedupCmd
  | UnmaskCmd | UnnestCmd | PatternCmd | DiffCmd | AnomalyCmd | LookupCmd | SourceCmd;

export interface Query { text: string; commands: Command[] }
