/**
 * Hand-written recursive-descent parser for the Logs Insights query language.
 *
 * query      := command ('|' command)*
 * expr       := or
 * or         := and ('or' and)*
 * and        := not ('and' not)*
 * not        := 'not' not | comparison
 * comparison := additive [ ('='|'!='|'<'|'<='|'>'|'>=') additive
 *                        | ['not'] 'like' (string|regex) | '=~' regex | ['not'] 'in' list ]
 * additive   := mul (('+'|'-') mul)*
 * mul        := unary (('*'|'/'|'%') unary)*
 * unary      := ('-'|'+') unary | power
 * power      := postfix ['^' unary]
 * postfix    := primary ('[' expr ']')*
 * primary    := number | duration | string | regex | list | '(' expr ')' | ident '(' args ')' | field
 *
 * Keywords are case-insensitive. Every node keeps its source span; every refusal is a
 * MalformedQueryError with the offending span.
 */
import type {
  Command, DurationLit, Expr, FieldRef, ListLit, Projection, Query, RegexLit, SortKey, SourceCmd, Span, StringLit, TimeSpec,
} from './ast.js';
import { Lexer, type Token } from './lexer.js';
import { malformed } from './errors.js';

/** Commands of the current AWS command index that this engine refuses (never ignores). */
const UNSUPPORTED_COMMANDS = new Set([
  'join', 'addtotals', 'relevantfields', 'expand', 'autoregress', 'logcompare', 'filldown', 'fillmissing',
  'cidrlookup', 'outlier', 'accum', 'appendcols', 'sessionize', 'countfrequent', 'head', 'tail', 'eval', 'rename',
  'top', 'rare', 'eventstats', 'streamstats', 'timechart', 'chart', 'transaction', 'subquery',
]);

const RESERVED = new Set(['and', 'or', 'not', 'like', 'in', 'as', 'by', 'asc', 'desc', 'into']);

export const MAX_QUERY_LENGTH = 10_000;
export const MAX_LIMIT = 10_000;

export class Parser {
  private readonly lexer: Lexer;
  private tok: Token | null = null;
  private tokRegex = false;

  constructor(readonly text: string) {
    this.lexer = new Lexer(text);
  }

  private err(span: Span, message: string): Error {
    return malformed(this.text, span, message);
  }

  private peek(regexAllowed = false): Token {
    if (this.tok) {
      const sensitive = this.tok.kind === 'regex' || (this.tok.kind === 'op' && this.tok.value === '/');
      if (!sensitive || this.tokRegex === regexAllowed) return this.tok;
      this.lexer.pos = this.tok.start;
    }
    this.tok = this.lexer.next(regexAllowed);
    this.tokRegex = regexAllowed;
    return this.tok;
  }

  private take(regexAllowed = false): Token {
    const t = this.peek(regexAllowed);
    this.tok = null;
    return t;
  }

  private isOp(v: string, regexAllowed = false): boolean {
    const t = this.peek(regexAllowed);
    return t.kind === 'op' && t.value === v;
  }

  private isKeyword(k: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && !t.parts!.some((p) => p.quoted) && t.value.toLowerCase() === k;
  }

  private expectOp(v: string, what?: string): Token {
    const t = this.take();
    if (t.kind !== 'op' || t.value !== v) throw this.err(t, `Expected '${v}'${what ? ` ${what}` : ''} but found ${describe(t)}`);
    return t;
  }

  private slice(span: Span): string {
    return this.text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
  }

  parseQuery(): Query {
    if (this.text.length > MAX_QUERY_LENGTH) {
      throw this.err({ start: MAX_QUERY_LENGTH, end: this.text.length }, `Query string is longer than ${MAX_QUERY_LENGTH} characters`);
    }
    const commands: Command[] = [];
    if (this.peek().kind === 'eof') throw this.err({ start: 0, end: this.text.length }, 'Query is empty');
    for (;;) {
      commands.push(this.parseCommand());
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'op' && t.value === '|') {
        this.take();
        if (this.peek().kind === 'eof') throw this.err(t, "Expected a command after '|'");
        continue;
      }
      throw this.err(t, `Unexpected ${describe(t)}; expected '|' or the end of the query`);
    }
    return { text: this.text, commands };
  }

  private parseCommand(): Command {
    const t = this.peek();
    if (t.kind !== 'ident' || t.parts!.some((p) => p.quoted)) throw this.err(t, `Expected a command but found ${describe(t)}`);
    const kw = t.value.toLowerCase();
    const start = t.start;
    switch (kw) {
      case 'fields': { this.take(); const items = this.projections(); return { kind: 'fields', items, start, end: items[items.length - 1].end }; }
      case 'display': { this.take(); const items = this.projections(); return { kind: 'display', items, start, end: items[items.length - 1].end }; }
      case 'filter': case 'where': case 'filterindex': {
        this.take();
        const expr = this.expr();
        return { kind: 'filter', keyword: kw === 'filterindex' ? 'filterIndex' : kw, expr, start, end: expr.end };
      }
      case 'stats': return this.stats();
      case 'sort': return this.sort();
      case 'limit': {
        this.take();
        const n = this.take();
        if (n.kind === 'ident' && n.value.toLowerCase() === 'any') return { kind: 'limit', n: 'any', start, end: n.end };
        if (n.kind !== 'number' || !Number.isInteger(n.num)) throw this.err(n, `limit expects a whole number between 1 and ${MAX_LIMIT} or 'any', found ${describe(n)}`);
        if (n.num! < 1 || n.num! > MAX_LIMIT) throw this.err(n, `limit must be between 1 and ${MAX_LIMIT}`);
        return { kind: 'limit', n: n.num!, start, end: n.end };
      }
      case 'parse': return this.parseCmd();
      case 'dedup': {
        this.take();
        const fields: FieldRef[] = [];
        do {
          const e = this.postfix();
          if (e.kind !== 'field') throw this.err(e, 'dedup takes field names');
          fields.push(e);
        } while (this.isOp(',') && this.take());
        return { kind: 'dedup', fields, start, end: fields[fields.length - 1].end };
      }
      case 'unmask': {
        this.take();
        const n = this.peek(true);
        if (n.kind === 'eof' || (n.kind === 'op' && n.value === '|')) return { kind: 'unmask', start, end: t.end };
        const field = this.postfix();
        return { kind: 'unmask', field, start, end: field.end };
      }
      case 'unnest': {
        this.take();
        const field = this.postfix();
        if (!this.isKeyword('into')) throw this.err(this.peek(), `Expected 'into' after the unnest field but found ${describe(this.peek())}`);
        this.take();
        const into = this.take();
        if (into.kind !== 'ident') throw this.err(into, `Expected a field name after 'into' but found ${describe(into)}`);
        return { kind: 'unnest', field, into: into.value, intoSpan: into, start, end: into.end };
      }
      case 'pattern': {
        this.take();
        const expr = this.expr();
        return { kind: 'pattern', expr, text: this.slice(expr), start, end: expr.end };
      }
      case 'diff': {
        this.take();
        const p = this.peek();
        if (p.kind === 'ident') {
          const v = p.value.toLowerCase();
          const period = v === 'previousday' ? 'previousDay' : v === 'previousweek' ? 'previousWeek' : v === 'previousmonth' ? 'previousMonth' : null;
          if (!period) throw this.err(p, `diff takes previousDay, previousWeek or previousMonth, found '${p.value}'`);
          this.take();
          return { kind: 'diff', period, start, end: p.end };
        }
        return { kind: 'diff', period: 'previous', start, end: t.end };
      }
      case 'anomaly': { this.take(); return { kind: 'anomaly', start, end: t.end }; }
      case 'lookup': {
        this.take();
        const table = this.take();
        if (table.kind !== 'ident') throw this.err(table, `Expected a lookup table name but found ${describe(table)}`);
        // Consume the rest of the command so the error names the table, not a later token.
        while (this.peek().kind !== 'eof' && !this.isOp('|')) this.take(true);
        return { kind: 'lookup', table: table.value, tableSpan: table, start, end: table.end };
      }
      case 'source': return this.source();
      default:
        if (UNSUPPORTED_COMMANDS.has(kw)) throw this.err(t, `The command '${t.value}' is not supported by this server`);
        throw this.err(t, `Unrecognized command '${t.value}'`);
    }
  }

  private projections(): Projection[] {
    const items: Projection[] = [];
    do items.push(this.projection()); while (this.isOp(',') && this.take());
    return items;
  }

  private projection(): Projection {
    const expr = this.expr();
    if (this.isKeyword('as')) {
      this.take();
      const a = this.take();
      if (a.kind !== 'ident' || (RESERVED.has(a.value.toLowerCase()) && !a.parts!.some((p) => p.quoted))) throw this.err(a, `Expected an alias after 'as' but found ${describe(a)}`);
      return { expr, alias: a.value, aliasSpan: { start: a.start, end: a.end }, text: this.slice(expr), start: expr.start, end: a.end };
    }
    return { expr, text: this.slice(expr), start: expr.start, end: expr.end };
  }

  private stats(): Command {
    const start = this.take().start;
    const items = this.projections();
    let by: Projection[] = [];
    if (this.isKeyword('by')) {
      this.take();
      by = this.projections();
    }
    const end = (by.length ? by[by.length - 1] : items[items.length - 1]).end;
    return { kind: 'stats', items, by, start, end };
  }

  private sort(): Command {
    const start = this.take().start;
    const keys: SortKey[] = [];
    do {
      const expr = this.expr();
      let dir: 'asc' | 'desc' = 'asc';
      let explicitDir = false;
      let end = expr.end;
      if (this.isKeyword('asc') || this.isKeyword('desc')) {
        const d = this.take();
        dir = d.value.toLowerCase() as 'asc' | 'desc';
        explicitDir = true;
        end = d.end;
      }
      keys.push({ expr, text: this.slice(expr), dir, explicitDir, start: expr.start, end });
    } while (this.isOp(',') && this.take());
    return { kind: 'sort', keys, start, end: keys[keys.length - 1].end };
  }

  private parseCmd(): Command {
    const start = this.take().start;
    let source: Expr;
    const n = this.peek(true);
    if (n.kind === 'string' || n.kind === 'regex') source = { kind: 'field', name: '@message', quoted: false, start: n.start, end: n.start };
    else source = this.postfix();
    const p = this.take(true);
    if (p.kind !== 'string' && p.kind !== 'regex') throw this.err(p, `parse expects a glob string or a /regular expression/ but found ${describe(p)}`);
    const pattern: StringLit | RegexLit = p.kind === 'string' ? { kind: 'string', value: p.value, start: p.start, end: p.end } : { kind: 'regex', pattern: p.value, start: p.start, end: p.end };
    const names: { name: string; span: Span }[] = [];
    let end = p.end;
    if (this.isKeyword('as')) {
      const asTok = this.take();
      if (pattern.kind === 'regex') throw this.err(asTok, "parse with a regular expression names its fields with named capture groups (?<name>…); 'as' is only for glob patterns");
      do {
        const a = this.take();
        if (a.kind !== 'ident') throw this.err(a, `Expected a field name but found ${describe(a)}`);
        names.push({ name: a.value, span: { start: a.start, end: a.end } });
        end = a.end;
      } while (this.isOp(',') && this.take());
    }
    return { kind: 'parse', source, pattern, names, start, end };
  }

  private source(): SourceCmd {
    const kwTok = this.take();
    const fn = this.take();
    if (fn.kind !== 'ident' || fn.value.toLowerCase() !== 'loggroups') throw this.err(fn, `SOURCE expects logGroups(namePrefix: [...]) but found ${describe(fn)}`);
    this.expectOp('(', 'after logGroups');
    const cmd: SourceCmd = { kind: 'source', namePrefix: [], accountIdentifiers: [], classes: [], start: kwTok.start, end: fn.end };
    const seen = new Set<string>();
    while (!this.isOp(')')) {
      const k = this.take();
      if (k.kind !== 'ident') throw this.err(k, `Expected namePrefix, accountIdentifiers or class but found ${describe(k)}`);
      const key = k.value.toLowerCase();
      if (seen.has(key)) throw this.err(k, `Duplicate logGroups parameter '${k.value}'`);
      seen.add(key);
      this.expectOp(':', `after '${k.value}'`);
      const list = this.take();
      if (list.kind !== 'op' || list.value !== '[') throw this.err(list, `Expected a list [...] but found ${describe(list)}`);
      const values: { value: string; span: Span }[] = [];
      while (!this.isOp(']')) {
        const v = this.take();
        if (v.kind !== 'string') throw this.err(v, `Expected a quoted string but found ${describe(v)}`);
        values.push({ value: v.value, span: { start: v.start, end: v.end } });
        if (!this.isOp(']')) this.expectOp(',', 'between list items');
      }
      this.take();
      if (key === 'nameprefix') cmd.namePrefix = values;
      else if (key === 'accountidentifiers') cmd.accountIdentifiers = values;
      else if (key === 'class') cmd.classes = values;
      else throw this.err(k, `Unknown logGroups parameter '${k.value}'`);
      if (!this.isOp(')')) this.expectOp(',', 'between logGroups parameters');
    }
    cmd.end = this.take().end;
    for (;;) {
      const k = this.peek();
      if (k.kind !== 'ident') break;
      const key = k.value.toLowerCase();
      if (key !== 'start' && key !== 'end') break;
      this.take();
      this.expectOp('=', `after ${k.value}`);
      const ts = this.timeSpec();
      if (key === 'start') cmd.startTime = ts; else cmd.endTime = ts;
      cmd.end = ts.end;
    }
    return cmd;
  }

  private timeSpec(): TimeSpec {
    const t = this.take();
    if (t.kind === 'op' && (t.value === '-' || t.value === '+')) {
      const d = this.take();
      if (d.kind !== 'duration') throw this.err(d, `Expected a relative time such as -1h but found ${describe(d)}`);
      const ms = durationMs(d.num!, d.unit!);
      return { relativeMs: t.value === '-' ? -ms : ms, start: t.start, end: d.end };
    }
    if (t.kind === 'duration') return { relativeMs: durationMs(t.num!, t.unit!), start: t.start, end: t.end };
    if (t.kind === 'number') return { absoluteMs: t.num! >= 1e11 ? t.num! : t.num! * 1000, start: t.start, end: t.end };
    if (t.kind === 'string') {
      const ms = Date.parse(t.value);
      if (Number.isNaN(ms)) throw this.err(t, `Cannot read '${t.value}' as a time`);
      return { absoluteMs: ms, start: t.start, end: t.end };
    }
    throw this.err(t, `Expected a time (-1h, epoch seconds or an ISO 8601 string) but found ${describe(t)}`);
  }

  // ---- expressions ----

  expr(): Expr { return this.or(); }

  private or(): Expr {
    let left = this.and();
    while (this.isKeyword('or')) {
      const op = this.take();
      const right = this.and();
      left = { kind: 'binary', op: 'or', left, right, opSpan: op, start: left.start, end: right.end };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isKeyword('and')) {
      const op = this.take();
      const right = this.not();
      left = { kind: 'binary', op: 'and', left, right, opSpan: op, start: left.start, end: right.end };
    }
    return left;
  }

  private not(): Expr {
    if (this.isKeyword('not')) {
      const t = this.take();
      const operand = this.not();
      return { kind: 'unary', op: 'not', operand, start: t.start, end: operand.end };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.value)) {
      this.take();
      const right = this.additive();
      const node: Expr = { kind: 'binary', op: t.value as '=', left, right, opSpan: t, start: left.start, end: right.end };
      this.noChain();
      return node;
    }
    if (t.kind === 'op' && t.value === '=~') {
      this.take();
      const pattern = this.likePattern(true);
      return { kind: 'like', negated: false, subject: left, pattern, op: '=~', start: left.start, end: pattern.end };
    }
    let negated = false;
    if (this.isKeyword('not')) {
      // `a not like …` / `a not in …`
      const save = this.lexer.pos;
      const notTok = this.take();
      if (!this.isKeyword('like') && !this.isKeyword('in')) {
        this.lexer.pos = save;
        this.tok = notTok;
        this.tokRegex = false;
        throw this.err(notTok, "Expected 'like' or 'in' after 'not'");
      }
      negated = true;
    }
    if (this.isKeyword('like')) {
      this.take();
      const pattern = this.likePattern(false);
      return { kind: 'like', negated, subject: left, pattern, op: 'like', start: left.start, end: pattern.end };
    }
    if (this.isKeyword('in')) {
      const inTok = this.take();
      const l = this.peek();
      if (l.kind === 'op' && l.value === '(') throw this.err(l, 'Subqueries (in (SOURCE … | …)) are not supported by this server');
      if (l.kind !== 'op' || l.value !== '[') throw this.err(l.kind === 'eof' ? inTok : l, `Expected a list [...] after 'in' but found ${describe(l)}`);
      const list = this.list();
      return { kind: 'in', negated, subject: left, list, start: left.start, end: list.end };
    }
    return left;
  }

  private noChain(): void {
    const t = this.peek();
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>=', '=~'].includes(t.value)) throw this.err(t, 'Comparisons cannot be chained; use and/or');
  }

  private likePattern(regexOnly: boolean): StringLit | RegexLit {
    const p = this.take(true);
    if (p.kind === 'regex') return { kind: 'regex', pattern: p.value, start: p.start, end: p.end };
    if (p.kind === 'string' && !regexOnly) return { kind: 'string', value: p.value, start: p.start, end: p.end };
    throw this.err(p, `Expected ${regexOnly ? 'a /regular expression/' : 'a string or a /regular expression/'} but found ${describe(p)}`);
  }

  private additive(): Expr {
    let left = this.mul();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.value === '+' || t.value === '-')) {
        this.take();
        const right = this.mul();
        left = { kind: 'binary', op: t.value, left, right, opSpan: t, start: left.start, end: right.end };
      } else return left;
    }
  }

  private mul(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.value === '*' || t.value === '/' || t.value === '%')) {
        this.take();
        const right = this.unary();
        left = { kind: 'binary', op: t.value, left, right, opSpan: t, start: left.start, end: right.end };
      } else return left;
    }
  }

  private unary(): Expr {
    const t = this.peek(true);
    if (t.kind === 'op' && (t.value === '-' || t.value === '+')) {
      this.take(true);
      const operand = this.unary();
      if (t.value === '-' && operand.kind === 'number') return { kind: 'number', value: -operand.value, text: '-' + operand.text, start: t.start, end: operand.end };
      if (t.value === '-' && operand.kind === 'duration') return { ...operand, value: -operand.value, text: '-' + operand.text, start: t.start };
      return { kind: 'unary', op: t.value, operand, start: t.start, end: operand.end };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.postfix();
    if (this.isOp('^')) {
      const op = this.take();
      const exp = this.unary();
      return { kind: 'binary', op: '^', left: base, right: exp, opSpan: op, start: base.start, end: exp.end };
    }
    return base;
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.isOp('[')) {
        this.take();
        const index = this.expr();
        const close = this.expectOp(']', 'after the index');
        e = { kind: 'index', target: e, index, start: e.start, end: close.end };
      } else if (this.isOp('.') && (e.kind === 'call' || e.kind === 'index' || e.kind === 'member')) {
        this.take();
        const k = this.take();
        if (k.kind !== 'ident' && k.kind !== 'number') throw this.err(k, `Expected a key after '.' but found ${describe(k)}`);
        for (const seg of k.kind === 'ident' ? k.parts!.flatMap((p) => (p.quoted ? [p.text] : p.text.split('.'))) : k.value.split('.')) {
          e = { kind: 'member', target: e, key: seg, start: e.start, end: k.end };
        }
      } else return e;
    }
  }

  private list(): ListLit {
    const open = this.take();
    const items: Expr[] = [];
    while (!this.isOp(']', true)) {
      const e = this.expr();
      items.push(e);
      if (this.isOp(']')) break;
      const c = this.take();
      if (c.kind !== 'op' || c.value !== ',') throw this.err(c, `Expected ',' or ']' in the list but found ${describe(c)}`);
    }
    const close = this.take(true);
    return { kind: 'list', items, start: open.start, end: close.end };
  }

  private primary(): Expr {
    const t = this.peek(true);
    switch (t.kind) {
      case 'number': this.take(true); return { kind: 'number', value: t.num!, text: t.value, start: t.start, end: t.end };
      case 'duration': this.take(true); return { kind: 'duration', value: t.num!, unit: t.unit!, text: t.value, start: t.start, end: t.end } as DurationLit;
      case 'string': this.take(true); return { kind: 'string', value: t.value, start: t.start, end: t.end };
      case 'regex': this.take(true); return { kind: 'regex', pattern: t.value, start: t.start, end: t.end };
      case 'op':
        if (t.value === '(') {
          this.take(true);
          const e = this.expr();
          const close = this.expectOp(')', 'to close the parenthesis');
          return widen(e, t.start, close.end);
        }
        if (t.value === '[') return this.list();
        throw this.err(t, `Unexpected ${describe(t)}`);
      case 'ident': {
        const quoted = t.parts!.some((p) => p.quoted);
        const lower = t.value.toLowerCase();
        if (!quoted && RESERVED.has(lower)) throw this.err(t, `Unexpected keyword '${t.value}'`);
        this.take(true);
        if (!quoted && this.isOp('(')) return this.call(t);
        const field: FieldRef = { kind: 'field', name: t.value, quoted, start: t.start, end: t.end };
        if (quoted) field.segments = t.parts!.flatMap((p) => (p.quoted ? [p.text] : p.text.split('.')));
        return field;
      }
      case 'eof': throw this.err(t, 'Unexpected end of query');
      default: throw this.err(t, `Unexpected ${describe(t)}`);
    }
  }

  private call(name: Token): Expr {
    this.take();
    const args: Expr[] = [];
    if (this.isOp('*', true)) {
      const s = this.take(true);
      args.push({ kind: 'star', start: s.start, end: s.end });
    } else {
      while (!this.isOp(')', true)) {
        args.push(this.expr());
        if (this.isOp(')')) break;
        const c = this.take();
        if (c.kind !== 'op' || c.value !== ',') throw this.err(c, `Expected ',' or ')' in the arguments of ${name.value} but found ${describe(c)}`);
      }
    }
    const close = this.expectOp(')', `to close ${name.value}(`);
    return { kind: 'call', name: name.value, nameSpan: { start: name.start, end: name.end }, args, start: name.start, end: close.end };
  }
}

/** Parenthesised expressions keep their node, but their span covers the parentheses. */
function widen(e: Expr, start: number, end: number): Expr {
  return { ...e, start, end };
}

export function durationMs(n: number, unit: string): number {
  switch (unit) {
    case 'ms': return n;
    case 's': return n * 1000;
    case 'm': return n * 60_000;
    case 'h': return n * 3_600_000;
    case 'd': return n * 86_400_000;
    case 'w': return n * 7 * 86_400_000;
    case 'mo': return n * 30 * 86_400_000;
    case 'q': return n * 91 * 86_400_000;
    default: return n * 365 * 86_400_000;
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'the end of the query';
    case 'string': return `string "${t.value}"`;
    case 'regex': return `regular expression /${t.value}/`;
    case 'op': return `'${t.value}'`;
    default: return `'${t.value}'`;
  }
}

/** Parses a query into its AST (syntax only: the planner checks names, functions and command order). */
export function parseQuery(text: string): Query {
  return new Parser(text).parseQuery();
}
