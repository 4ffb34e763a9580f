/**
 * Hand-written recursive-descent parser for CloudWatch Logs filter patterns. The kind is chosen by
 * the first non-blank character: `{` JSON, `[` space-delimited, `%` regex, anything else terms.
 * Every refusal is a FilterPatternError with the position of the offending character.
 * docs/filter-patterns.md has the accepted grammar and the semantics chosen where AWS is silent.
 */
import {
  FilterPatternError, type CompareOp, type FieldExpr, type FilterPattern, type JsonCondition, type JsonExpr,
  type Selector, type SelectorStep, type Slot, type Term, type Value,
} from './ast.js';
import { parseRegex } from './regex.js';

/** AWS: at most two regular expressions per filter pattern. */
export const MAX_REGEXES = 2;
/** Wildcard selectors (`[*]`, `.*`): one per selector, three per pattern (aws-facts §2.3; exact numbers UNCONFIRMED). */
export const MAX_WILDCARDS_PER_SELECTOR = 1;
export const MAX_WILDCARDS_PER_PATTERN = 3;

/** A bare numeric literal: optional sign, digits with optional fraction (or a leading dot), optional exponent. */
export const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const WS = new Set([' ', '\t', '\n', '\r']);
const BARE_VALUE = /[A-Za-z0-9_.*+\-:/@]/;
const NAME = /[A-Za-z0-9_-]/;
const OPS: CompareOp[] = ['!=', '<=', '>=', '=', '<', '>'];

export function parse(pattern: string): FilterPattern {
  return new Parser(pattern).parse();
}

/** A lone JSON selector such as a metric filter's `metricValue` `$.latency`. */
export function parseSelector(text: string): Selector {
  return new Parser(text).lone();
}

class Parser {
  private i = 0;
  private regexes = 0;
  private wildcards = 0;

  constructor(private readonly s: string) {}

  parse(): FilterPattern {
    // A lone UTF-16 surrogate cannot be sent as UTF-8 (AWS's wire format, and ClickHouse's strings).
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(this.s);
    if (lone) this.fail('the pattern is not valid Unicode (lone surrogate)', lone.index);
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) return { kind: 'all', source: this.s };
    if (c === '{') return { kind: 'json', source: this.s, expr: this.json() };
    if (c === '[') return { kind: 'delimited', source: this.s, slots: this.delimited() };
    if (c === '%') return this.standaloneRegex();
    return this.terms();
  }

  lone(): Selector {
    if (this.s[0] !== '$') this.fail('a selector starts with $');
    const sel = this.selector();
    if (!this.atEnd()) this.fail(`unexpected ${this.describeHere()} after the selector`);
    return sel;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private fail(what: string, at = this.i): never {
    throw new FilterPatternError(what, at);
  }

  private ws(): void {
    while (this.i < this.s.length && WS.has(this.s[this.i])) this.i++;
  }

  private atEnd(): boolean { return this.i >= this.s.length; }

  private describeHere(): string {
    return this.atEnd() ? 'end of pattern' : `${JSON.stringify(this.s[this.i])}`;
  }

  /**
   * A double-quoted string starting at `"`: `\"`, `\\` and `\*` are escapes (the last one a
   * literal star), any other backslash is kept. Returns the pieces between unescaped stars.
   */
  private quoted(): string[] {
    const start = this.i;
    this.i++;
    const pieces: string[] = [''];
    while (true) {
      if (this.atEnd()) this.fail('unterminated quoted string', start);
      const c = this.s[this.i];
      if (c === '"') { this.i++; return pieces; }
      if (c === '\\' && (this.s[this.i + 1] === '"' || this.s[this.i + 1] === '\\' || this.s[this.i + 1] === '*')) {
        pieces[pieces.length - 1] += this.s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (c === '*') pieces.push('');
      else pieces[pieces.length - 1] += c;
      this.i++;
    }
  }

  private regexLiteral() {
    const start = this.i;
    const end = this.s.indexOf('%', start + 1);
    if (end < 0) this.fail("unterminated regular expression (missing closing '%')", start);
    if (++this.regexes > MAX_REGEXES) this.fail(`more than ${MAX_REGEXES} regular expressions in one pattern`, start);
    const r = parseRegex(this.s.slice(start + 1, end), start + 1, start);
    this.i = end + 1;
    return r;
  }

  // ---- unstructured terms and standalone regex ----------------------------------------------

  private standaloneRegex(): FilterPattern {
    const regex = this.regexLiteral();
    this.ws();
    if (!this.atEnd()) this.fail('a regular expression pattern must be the whole pattern (unexpected text after the closing %)');
    return { kind: 'regex', source: this.s, regex };
  }

  private terms(): FilterPattern {
    const out = { include: [] as Term[], exclude: [] as Term[], any: [] as Term[] };
    while (true) {
      this.ws();
      if (this.atEnd()) break;
      const position = this.i;
      let mode: 'include' | 'exclude' | 'any' = 'include';
      if (this.s[this.i] === '-' || this.s[this.i] === '?') {
        mode = this.s[this.i] === '-' ? 'exclude' : 'any';
        this.i++;
        if (this.atEnd() || WS.has(this.s[this.i])) this.fail(`expected a term after '${this.s[position]}'`);
      }
      let text: string;
      let quoted = false;
      if (this.s[this.i] === '"') {
        const qAt = this.i;
        text = this.quoted().join('*');
        quoted = true;
        if (!this.atEnd() && !WS.has(this.s[this.i])) this.fail('expected a space after the closing quote');
        if (text.trim() === '') {
          // `" "` matches every event (AWS doc); a blank term cannot be excluded or OR-ed.
          if (mode !== 'include') this.fail(`a blank quoted term cannot be used with '${this.s[position]}'`, qAt);
          continue;
        }
      } else {
        const start = this.i;
        while (!this.atEnd() && !WS.has(this.s[this.i])) {
          const c = this.s[this.i];
          if ('"{}[]%'.includes(c)) this.fail(`character ${JSON.stringify(c)} must be inside a quoted term`);
          this.i++;
        }
        text = this.s.slice(start, this.i);
      }
      out[mode].push({ text, quoted, position });
    }
    if (!out.include.length && !out.exclude.length && !out.any.length) return { kind: 'all', source: this.s };
    return { kind: 'terms', source: this.s, ...out };
  }

  // ---- JSON ----------------------------------------------------------------------------------

  private json(): JsonExpr {
    this.i++; // {
    this.ws();
    if (this.s[this.i] === '}') this.fail('empty JSON pattern');
    const expr = this.jsonOr();
    this.ws();
    if (this.s[this.i] !== '}') this.fail(`expected '&&', '||' or '}' but found ${this.describeHere()}`);
    this.i++;
    this.ws();
    if (!this.atEnd()) this.fail("unexpected text after the closing '}'");
    return expr;
  }

  private jsonOr(): JsonExpr {
    const items = [this.jsonAnd()];
    while (true) {
      this.ws();
      if (!this.s.startsWith('||', this.i)) break;
      this.i += 2;
      items.push(this.jsonAnd());
    }
    return items.length === 1 ? items[0] : { type: 'or', items: items.flatMap((e) => (e.type === 'or' ? e.items : [e])) };
  }

  private jsonAnd(): JsonExpr {
    const items = [this.jsonPrimary()];
    while (true) {
      this.ws();
      if (!this.s.startsWith('&&', this.i)) break;
      this.i += 2;
      items.push(this.jsonPrimary());
    }
    return items.length === 1 ? items[0] : { type: 'and', items: items.flatMap((e) => (e.type === 'and' ? e.items : [e])) };
  }

  private jsonPrimary(): JsonExpr {
    this.ws();
    const c = this.s[this.i];
    if (c === '(') {
      this.i++;
      this.ws();
      if (this.s[this.i] === ')') this.fail('empty parentheses');
      const e = this.jsonOr();
      this.ws();
      if (this.s[this.i] !== ')') this.fail(`expected ')' but found ${this.describeHere()}`);
      this.i++;
      return e;
    }
    if (c === '$') return this.jsonCondition();
    if (c === '&' || c === '|') this.fail(`expected a condition before '${c}${c}'`);
    return this.fail(`expected a selector ($.field) or '(' but found ${this.describeHere()}`);
  }

  private keyword(): string {
    const start = this.i;
    while (!this.atEnd() && /[A-Za-z]/.test(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i).toUpperCase();
  }

  private jsonCondition(): JsonCondition {
    const position = this.i;
    const selector = this.selector();
    this.ws();
    const opAt = this.i;
    const op = OPS.find((o) => this.s.startsWith(o, this.i));
    if (op) {
      this.i += op.length;
      const value = this.value(op, 'json');
      return { type: 'compare', selector, op, value, position };
    }
    const word = this.keyword();
    if (word === 'IS') {
      this.ws();
      const wAt = this.i;
      const what = this.keyword();
      if (what === 'NULL' || what === 'TRUE' || what === 'FALSE') return { type: 'is', selector, what: what.toLowerCase() as 'null' | 'true' | 'false', position };
      if (what === 'NOT') this.fail('IS NOT is not supported', opAt);
      this.fail('expected NULL, TRUE or FALSE after IS', wAt);
    }
    if (word === 'NOT') {
      this.ws();
      const wAt = this.i;
      if (this.keyword() !== 'EXISTS') this.fail('expected EXISTS after NOT', wAt);
      return { type: 'notExists', selector, position };
    }
    if (word === 'EXISTS') this.fail('EXISTS is not supported (only NOT EXISTS; use = "*" for presence)', opAt);
    this.i = opAt;
    return this.fail(`expected a comparison operator, IS or NOT EXISTS after the selector but found ${this.describeHere()}`);
  }

  private selector(): Selector {
    const position = this.i;
    this.i++; // $
    const steps: SelectorStep[] = [];
    let wild = 0;
    while (true) {
      const c = this.s[this.i];
      if (c === '.') {
        this.i++;
        const d = this.s[this.i];
        if (d === '*') { this.i++; steps.push({ kind: 'anyKey' }); wild++; continue; }
        if (d === '[') { this.i++; steps.push({ kind: 'key', name: this.bracketKey() }); continue; }
        const start = this.i;
        while (!this.atEnd() && NAME.test(this.s[this.i])) this.i++;
        if (this.i === start) this.fail(`expected a property name after '.' but found ${this.describeHere()}`);
        steps.push({ kind: 'key', name: this.s.slice(start, this.i) });
        continue;
      }
      if (c === '[') {
        const at = this.i;
        this.i++;
        const d = this.s[this.i];
        if (d === '*') {
          this.i++;
          if (this.s[this.i] !== ']') this.fail("expected ']' after '[*'");
          this.i++;
          steps.push({ kind: 'anyIndex' });
          wild++;
        } else if (d === "'" || d === '"') {
          steps.push({ kind: 'key', name: this.bracketKey() });
        } else {
          const start = this.i;
          while (!this.atEnd() && /[0-9]/.test(this.s[this.i])) this.i++;
          if (this.i === start) this.fail('expected an array index, * or a quoted key after \'[\'', at + 1);
          if (this.i - start > 9) this.fail('array index too large', start);
          if (this.s[this.i] !== ']') this.fail(`expected ']' but found ${this.describeHere()}`);
          steps.push({ kind: 'index', index: Number(this.s.slice(start, this.i)) });
          this.i++;
        }
        if (steps.length === 1 && steps[0].kind !== 'key') this.fail('a selector must start with a property ($.name), the event is a JSON object', at);
        continue;
      }
      break;
    }
    if (!steps.length) this.fail('a selector needs at least one property ($.field)', position);
    if (wild > MAX_WILDCARDS_PER_SELECTOR) this.fail(`more than ${MAX_WILDCARDS_PER_SELECTOR} wildcard in one selector`, position);
    this.wildcards += wild;
    if (this.wildcards > MAX_WILDCARDS_PER_PATTERN) this.fail(`more than ${MAX_WILDCARDS_PER_PATTERN} wildcard selectors in one pattern`, position);
    const next = this.s[this.i];
    if (next !== undefined && !WS.has(next) && !'=!<>'.includes(next)) this.fail(`unexpected character ${JSON.stringify(next)} in selector`);
    return { text: this.s.slice(position, this.i), steps, position };
  }

  /** `'key'` or `"key"` followed by `]`; the cursor is on the opening quote. */
  private bracketKey(): string {
    const q = this.s[this.i];
    if (q !== "'" && q !== '"') this.fail("expected a quoted key after '['");
    const start = this.i;
    this.i++;
    let name = '';
    while (true) {
      if (this.atEnd()) this.fail('unterminated quoted key', start);
      const c = this.s[this.i];
      if (c === q) { this.i++; break; }
      if (c === '\\' && (this.s[this.i + 1] === q || this.s[this.i + 1] === '\\')) { name += this.s[this.i + 1]; this.i += 2; continue; }
      name += c;
      this.i++;
    }
    if (this.s[this.i] !== ']') this.fail(`expected ']' after the quoted key but found ${this.describeHere()}`);
    this.i++;
    return name;
  }

  /** A value after a comparison operator. */
  private value(op: CompareOp, ctx: 'json' | 'delimited'): Value {
    this.ws();
    const at = this.i;
    const c = this.s[this.i];
    let v: Value;
    if (c === '"') {
      const pieces = this.quoted();
      v = pieces.length === 1 ? { kind: 'text', text: pieces[0] } : { kind: 'glob', pieces };
    } else if (c === '%') {
      v = { kind: 'regex', regex: this.regexLiteral() };
    } else {
      while (!this.atEnd() && BARE_VALUE.test(this.s[this.i])) this.i++;
      const text = this.s.slice(at, this.i);
      if (!text) this.fail(`expected a value after '${op}' but found ${this.describeHere()}`);
      if (text.includes('*')) v = { kind: 'glob', pieces: text.split('*') };
      else if (NUMBER_RE.test(text)) {
        const value = Number(text);
        if (!Number.isFinite(value)) this.fail('number out of range', at);
        v = { kind: 'number', value, text };
      } else v = { kind: 'text', text };
    }
    const next = this.s[this.i];
    const ends = ctx === 'json' ? ')}&|' : ',]&|';
    if (next !== undefined && !WS.has(next) && !ends.includes(next)) {
      this.fail(`unexpected character ${JSON.stringify(next)} in value (quote values with characters other than letters, digits and _ . * + - : / @)`);
    }
    if (op !== '=' && op !== '!=' && v.kind !== 'number') this.fail(`'${op}' needs a number`, at);
    return v;
  }

  // ---- space-delimited ------------------------------------------------------------------------

  private delimited(): Slot[] {
    const open = this.i;
    this.i++; // [
    const slots: Slot[] = [];
    const names = new Map<string, number>();
    let ellipses = 0;
    while (true) {
      this.ws();
      const position = this.i;
      if (this.s.startsWith('...', this.i)) {
        this.i += 3;
        if (++ellipses > 1) this.fail("only one '...' is supported in a space-delimited pattern", position);
        slots.push({ kind: 'ellipsis', position });
      } else {
        const name = this.fieldName();
        const key = name.toLowerCase();
        if (names.has(key)) this.fail(`duplicate field name '${name}'`, position);
        names.set(key, position);
        this.ws();
        let condition: FieldExpr | undefined;
        if (OPS.some((o) => this.s.startsWith(o, this.i))) condition = this.fieldOr(name);
        slots.push({ kind: 'field', name, condition, position });
      }
      this.ws();
      const c = this.s[this.i];
      if (c === ',') { this.i++; continue; }
      if (c === ']') { this.i++; break; }
      if (c === '(' || c === ')') this.fail('parentheses are not supported in space-delimited patterns');
      if (c === undefined) this.fail("unterminated space-delimited pattern (missing ']')", open);
      this.fail(`expected ',' or ']' but found ${this.describeHere()}`);
    }
    this.ws();
    if (!this.atEnd()) this.fail("unexpected text after the closing ']'");
    return slots;
  }

  private fieldName(): string {
    const start = this.i;
    while (!this.atEnd() && NAME.test(this.s[this.i])) this.i++;
    if (this.i === start) {
      const c = this.s[this.i];
      if (c === ',' || c === ']') this.fail('empty field');
      if (c === '(' || c === ')') this.fail('parentheses are not supported in space-delimited patterns');
      this.fail(`expected a field name or '...' but found ${this.describeHere()}`);
    }
    return this.s.slice(start, this.i);
  }

  /** `op value (('&&'|'||') name op value)*` inside one slot; the slot's name is already read. */
  private fieldOr(name: string): FieldExpr {
    const items = [this.fieldAnd(name, false)];
    while (true) {
      this.ws();
      if (!this.s.startsWith('||', this.i)) break;
      this.i += 2;
      items.push(this.fieldAnd(name, true));
    }
    return items.length === 1 ? items[0] : { type: 'or', items: items.flatMap((e) => (e.type === 'or' ? e.items : [e])) };
  }

  private fieldAnd(name: string, named: boolean): FieldExpr {
    const items = [this.fieldCompare(name, named)];
    while (true) {
      this.ws();
      if (!this.s.startsWith('&&', this.i)) break;
      this.i += 2;
      items.push(this.fieldCompare(name, true));
    }
    return items.length === 1 ? items[0] : { type: 'and', items };
  }

  private fieldCompare(name: string, named: boolean): FieldExpr {
    this.ws();
    const position = this.i;
    if (named) {
      if (this.s[this.i] === '(') this.fail('parentheses are not supported in space-delimited patterns');
      const other = this.fieldName();
      // Field names compare case-insensitively here: AWS's own example writes `w1=ERROR || W1=WARNING`.
      if (other.toLowerCase() !== name.toLowerCase()) this.fail(`a condition in field '${name}' refers to another field '${other}'`, position);
      this.ws();
    }
    const op = OPS.find((o) => this.s.startsWith(o, this.i));
    if (!op) this.fail(`expected a comparison operator but found ${this.describeHere()}`);
    this.i += op!.length;
    const value = this.value(op!, 'delimited');
    return { type: 'compare', op: op!, value, position };
  }
}
