/**
 * JS back end: compiles a parsed filter pattern into a predicate over the raw message, generated as
 * straight-line code (`new Function`): for JSON patterns the message is parsed once, each referenced
 * field is extracted once into a local, then the comparisons run (DESIGN §8: ~6x faster than
 * closures or AST walking). Pattern text never becomes code: strings enter as JSON literals,
 * matchers and regexes as bound constants.
 *
 * JSON patterns first run a pre-check when one is sound: a boolean formula over "the message
 * contains literal L", derived from the pattern, that every matching message satisfies. It is only
 * trusted when the message has no `\u` escape (with one, any character of a string could be
 * escaped) and literals avoid characters JSON may escape (`"`, `\`, `/`, control characters).
 * A text comparison contributes a literal only when no number or boolean text could satisfy it
 * (a number's text is canonical, not what the message spells: `4.04e2` has text "404").
 */
import type { FieldExpr, FilterPattern, JsonCondition, JsonExpr, JsonPattern, DelimitedPattern, SelectorStep, TermsPattern, Value } from './ast.js';
import { globMatcher } from './glob.js';
import { bestCommonSubstring, bestNeedle, charCost } from './needles.js';
import { parseJsonMessage } from './json-validity.js';
import { fieldNumber, globCanMatchBool, globCanMatchNumber, isNumberText, scanFields, stripField, textOf } from './semantics.js';

export type Matcher = (message: string) => boolean;

/**
 * A JSON pattern's predicate over a message already parsed with `parseJsonMessage` (undefined when
 * it is not a JSON object): the same generated code minus the pre-check and the parse, for callers
 * that test one message against many patterns (metric filters) and parse it once.
 */
export type ParsedMatcher = (message: string, parsed: Record<string, unknown> | undefined) => boolean;

export function compileJsParsed(p: JsonPattern): ParsedMatcher {
  return new JsonGen(p).build(true) as unknown as ParsedMatcher;
}

export function compileJs(p: FilterPattern): Matcher {
  switch (p.kind) {
    case 'all': return () => true;
    case 'terms': return termsMatcher(p);
    case 'regex': { const re = new RegExp(p.regex.js, 'u'); return (m) => re.test(m); }
    case 'json': return new JsonGen(p).build();
    case 'delimited': return delimitedMatcher(p);
  }
}

/** Collects bound constants and emits the factory that returns `match(m)`. */
class Code {
  private readonly consts: unknown[] = [];
  private n = 0;
  readonly prelude: string[] = [];

  constant(v: unknown): string {
    let i = this.consts.indexOf(v);
    if (i < 0) { i = this.consts.length; this.consts.push(v); }
    return `k${i}`;
  }

  fresh(prefix: string): string { return `${prefix}${this.n++}`; }

  build(body: string, params = 'm'): Matcher {
    const names = this.consts.map((_, i) => `k${i}`);
    const src = `"use strict";\n${this.prelude.join('\n')}\nreturn function match(${params}) {\n${body}\n};`;
    return new Function(...names, src)(...this.consts) as Matcher;
  }
}

const lit = (s: string): string => JSON.stringify(s);

function termsMatcher(p: TermsPattern): Matcher {
  const parts: string[] = [];
  for (const t of p.include) parts.push(`m.includes(${lit(t.text)})`);
  for (const t of p.exclude) parts.push(`!m.includes(${lit(t.text)})`);
  if (p.any.length) parts.push(`(${p.any.map((t) => `m.includes(${lit(t.text)})`).join(' || ')})`);
  return new Code().build(`return ${parts.join(' && ')};`);
}

// ---- JSON ------------------------------------------------------------------------------------

const PROTO_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const SCALAR = (x: string): string => `(typeof ${x} === 'string' || typeof ${x} === 'number' || typeof ${x} === 'boolean')`;
const num = (n: number): string => (Object.is(n, -0) ? '0' : String(n));

/** First non-blank character (after an optional byte-order mark) is `{`. */
function looksLikeObject(m: string): boolean {
  const n = m.length;
  for (let i = m.charCodeAt(0) === 0xfeff ? 1 : 0; i < n; i++) {
    const c = m.charCodeAt(i);
    if (c === 0x7b) return true;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
}

function stepExpr(p: string, s: SelectorStep, parentIsRoot: boolean): string {
  if (s.kind === 'index') return `(Array.isArray(${p}) ? ${p}[${s.index}] : undefined)`;
  if (s.kind !== 'key') throw new Error('wildcard step in a plain path');
  const k = lit(s.name);
  const get = PROTO_NAMES.has(s.name) ? `(Object.hasOwn(${p}, ${k}) ? ${p}[${k}] : undefined)` : `${p}[${k}]`;
  return parentIsRoot ? get : `((${p} !== null && typeof ${p} === 'object' && !Array.isArray(${p})) ? ${get} : undefined)`;
}

/** A necessary condition on the raw message: literal, all-of, any-of, or none known (true). */
type Need = true | Known;
type Known = { lit: string } | { and: Known[] } | { or: Known[] };

/** Literals the pre-check may look for: no characters JSON could write as an escape. */
const usableLiteral = (s: string): boolean => s.length >= 2 && !/["\\/\u0000-\u001f]/.test(s);

function needOf(e: JsonExpr): Need {
  if (e.type === 'and') {
    const items = e.items.map(needOf).filter((n): n is Known => n !== true);
    return items.length === 0 ? true : items.length === 1 ? items[0] : { and: items };
  }
  if (e.type === 'or') {
    const items = e.items.map(needOf);
    if (items.some((n) => n === true)) return true;
    return { or: items as Known[] };
  }
  if (e.type !== 'compare' || e.op !== '=') return true;
  const v = e.value;
  if (v.kind === 'text') {
    if (isNumberText(v.text) || v.text === 'true' || v.text === 'false' || !usableLiteral(v.text)) return true;
    return { lit: v.text };
  }
  if (v.kind === 'glob') {
    if (globCanMatchNumber(v.pieces) || globCanMatchBool(v.pieces)) return true;
    const best = v.pieces.filter(usableLiteral).sort((a, b) => b.length - a.length)[0];
    return best ? { lit: best } : true;
  }
  return true;
}

const escapeRegex = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** Rough cost of evaluating a pre-check node: how common the first searched character is. */
function needCost(n: Known): number {
  if ('lit' in n) return charCost(bestNeedle(n.lit)[0]);
  if ('and' in n) return Math.min(...n.and.map(needCost));
  const lits = n.or.filter((x): x is { lit: string } => 'lit' in x).map((x) => x.lit);
  const common = lits.length > 1 ? bestCommonSubstring(lits) : '';
  return common ? charCost(common[0]) : Math.max(...n.or.map(needCost));
}

/**
 * Code for a pre-check formula over `m`, constants bound in `code`. A literal is looked for by its
 * cheapest needle first, then confirmed whole (the second scan only runs when the first succeeds);
 * many alternatives get one scan for what they share, then one regex scan; cheap checks go first.
 */
function emitNeed(n: Known, code: Code): string {
  if ('lit' in n) {
    const needle = bestNeedle(n.lit);
    return needle === n.lit ? `m.includes(${lit(n.lit)})` : `(m.includes(${lit(needle)}) && m.includes(${lit(n.lit)}))`;
  }
  if ('and' in n) return `(${[...n.and].sort((x, y) => needCost(x) - needCost(y)).map((x) => emitNeed(x, code)).join(' && ')})`;
  const lits = [...new Set(n.or.filter((x): x is { lit: string } => 'lit' in x).map((x) => x.lit))];
  const parts: string[] = [];
  if (lits.length === 1) parts.push(emitNeed({ lit: lits[0] }, code));
  else if (lits.length > 1) {
    if (lits.length <= 4) parts.push(...lits.map((l) => emitNeed({ lit: l }, code)));
    else {
      // Guard: what all alternatives share, or else their few distinct needles; then one regex scan.
      const common = bestCommonSubstring(lits);
      const needles = [...new Set(lits.map(bestNeedle))];
      const guard = common ? `m.includes(${lit(common)})` : needles.length <= 4 ? `(${needles.map((x) => `m.includes(${lit(x)})`).join(' || ')})` : '';
      const re = `${code.constant(new RegExp(lits.map(escapeRegex).join('|')))}.test(m)`;
      parts.push(guard ? `(${guard} && ${re})` : re);
    }
  }
  parts.push(...n.or.filter((x) => !('lit' in x)).map((x) => emitNeed(x, code)));
  return `(${parts.join(' || ')})`;
}

class JsonGen {
  private readonly code = new Code();
  private readonly lines: string[] = [];
  private readonly paths = new Map<string, string>();

  constructor(private readonly p: JsonPattern) {}

  /** `parsed`: the message comes with its parse as `o` (see compileJsParsed); the pre-check only saves a parse, so it goes. */
  build(parsed = false): Matcher {
    const c = this.code;
    const looks = c.constant(looksLikeObject);
    const parse = c.constant(parseJsonMessage);
    const expr = this.expr(this.p.expr);
    const need = needOf(this.p.expr);
    const pre = need === true || parsed ? '' : emitNeed(need, c);
    const body = [
      ...(parsed ? [] : [`if (!${looks}(m)) return false;`]),
      ...(pre ? [`if (!(${pre}) && m.indexOf('\\\\u') < 0) return false;`] : []),
      ...(parsed ? [] : [`const o = ${parse}(m);`]),
      'if (o === undefined) return false;',
      ...this.lines,
      `return ${expr};`,
    ];
    return c.build(body.join('\n'), parsed ? 'm, o' : 'm');
  }

  /** The local holding the value at a wildcard-free path from the root object `o`. */
  private pathVar(steps: SelectorStep[]): string {
    if (!steps.length) return 'o';
    const key = JSON.stringify(steps);
    const known = this.paths.get(key);
    if (known) return known;
    const parent = this.pathVar(steps.slice(0, -1));
    const v = this.code.fresh('v');
    this.lines.push(`const ${v} = ${stepExpr(parent, steps[steps.length - 1], parent === 'o')};`);
    this.paths.set(key, v);
    return v;
  }

  private expr(e: JsonExpr): string {
    if (e.type === 'and') return `(${e.items.map((x) => this.expr(x)).join(' && ')})`;
    if (e.type === 'or') return `(${this.orItems(e.items).join(' || ')})`;
    return this.condition(e);
  }

  /** OR items, with many `$.x = "literal"` on one selector folded into one Set lookup. */
  private orItems(items: JsonExpr[]): string[] {
    const groups = new Map<string, string[]>();
    const out: string[] = [];
    for (const it of items) {
      if (it.type === 'compare' && it.op === '=' && it.value.kind === 'text' && !it.selector.steps.some((s) => s.kind === 'anyIndex' || s.kind === 'anyKey')
        && !isNumberText(it.value.text) && it.value.text !== 'true' && it.value.text !== 'false') {
        const k = JSON.stringify(it.selector.steps);
        const g = groups.get(k) ?? [];
        g.push(it.value.text);
        groups.set(k, g);
      }
    }
    const folded = new Set<string>();
    for (const it of items) {
      if (it.type === 'compare') {
        const k = JSON.stringify(it.selector.steps);
        const g = groups.get(k);
        if (g && g.length >= 6 && it.op === '=' && it.value.kind === 'text' && g.includes(it.value.text)) {
          if (!folded.has(k)) {
            folded.add(k);
            out.push(`${this.code.constant(new Set(g))}.has(${this.pathVar(it.selector.steps)})`);
          }
          continue;
        }
      }
      out.push(this.expr(it));
    }
    return out;
  }

  private condition(c: JsonCondition): string {
    const steps = c.selector.steps;
    const w = steps.findIndex((s) => s.kind === 'anyIndex' || s.kind === 'anyKey');
    if (w < 0) return this.leaf(this.pathVar(steps), c);
    // Wildcard: a helper that tries every element (or member value) of the container.
    const container = this.pathVar(steps.slice(0, w));
    const fn = this.code.fresh('w');
    const body: string[] = [];
    let x = 'e';
    for (const s of steps.slice(w + 1)) {
      const v = this.code.fresh('r');
      body.push(`const ${v} = ${stepExpr(x, s, false)};`);
      x = v;
    }
    const test = c.type === 'notExists' ? `${x} !== undefined` : this.leaf(x, c);
    const loop = steps[w].kind === 'anyIndex'
      ? `if (Array.isArray(c)) for (let i = 0; i < c.length; i++) { const e = c[i];\n${body.join('\n')}\nif (${test}) return true; }`
      : `if (c !== null && typeof c === 'object' && !Array.isArray(c)) for (const key in c) { const e = c[key];\n${body.join('\n')}\nif (${test}) return true; }`;
    this.code.prelude.push(`function ${fn}(c) {\n${loop}\nreturn false;\n}`);
    return c.type === 'notExists' ? `!${fn}(${container})` : `${fn}(${container})`;
  }

  private leaf(x: string, c: JsonCondition): string {
    if (c.type === 'notExists') return `${x} === undefined`;
    if (c.type === 'is') return `${x} === ${c.what}`;
    if (c.op === '=') return this.eq(x, c.value);
    if (c.op === '!=') return `(${SCALAR(x)} && !${this.eq(x, c.value)})`;
    if (c.value.kind !== 'number') throw new Error('relational comparison without a number');
    return `(typeof ${x} === 'number' && ${x} ${c.op} ${num(c.value.value)})`;
  }

  private eq(x: string, v: Value): string {
    switch (v.kind) {
      case 'number': return `(${x} === ${num(v.value)})`;
      case 'text': {
        const parts = [`${x} === ${lit(v.text)}`];
        if (isNumberText(v.text)) parts.push(`${x} === ${v.text}`);
        if (v.text === 'true' || v.text === 'false') parts.push(`${x} === ${v.text}`);
        return `(${parts.join(' || ')})`;
      }
      case 'glob': {
        const g = globMatcher(v.pieces);
        if (!globCanMatchNumber(v.pieces) && !globCanMatchBool(v.pieces)) return `(typeof ${x} === 'string' && ${this.code.constant(g)}(${x}))`;
        const f = (y: unknown): boolean => { const t = textOf(y); return t !== undefined && g(t); };
        return `${this.code.constant(f)}(${x})`;
      }
      case 'regex': {
        const re = new RegExp(v.regex.js, 'u');
        const f = (y: unknown): boolean => { const t = textOf(y); return t !== undefined && re.test(t); };
        return `${this.code.constant(f)}(${x})`;
      }
    }
  }
}

// ---- space-delimited -------------------------------------------------------------------------

/** A named field: token `pos` from the start, or (after the ellipsis) `pos` from the end (n - pos). */
export interface FieldPlan { name: string; slot: number; pos: number; fromEnd: boolean }

/** Where each named field sits among the event's fields, and how many fields the event must have. */
export function fieldPlan(p: DelimitedPattern): { fields: FieldPlan[]; count: number; ellipsis: boolean } {
  const e = p.slots.findIndex((s) => s.kind === 'ellipsis');
  const count = p.slots.filter((s) => s.kind === 'field').length;
  const fields: FieldPlan[] = [];
  let j = 0;
  p.slots.forEach((s, slot) => {
    if (s.kind !== 'field') return;
    const k = j++;
    if (e < 0 || slot < e) fields.push({ name: s.name, slot, pos: k, fromEnd: false });
    else fields.push({ name: s.name, slot, pos: count - k, fromEnd: true });
  });
  return { fields, count, ellipsis: e >= 0 };
}

/** A sound pre-check for a field condition: literals the message must contain (fields are substrings of it). */
function fieldNeed(e: FieldExpr): Need {
  if (e.type === 'and') {
    const items = e.items.map(fieldNeed).filter((n): n is Known => n !== true);
    return items.length === 0 ? true : items.length === 1 ? items[0] : { and: items };
  }
  if (e.type === 'or') {
    const items = e.items.map(fieldNeed);
    return items.some((n) => n === true) ? true : { or: items as Known[] };
  }
  if (e.op !== '=') return true;
  if (e.value.kind === 'text') return e.value.text.length >= 2 ? { lit: e.value.text } : true;
  if (e.value.kind === 'glob') {
    const best = e.value.pieces.filter((x) => x.length >= 2).sort((x, y) => y.length - x.length)[0];
    return best ? { lit: best } : true;
  }
  return true;
}

function delimitedMatcher(p: DelimitedPattern): Matcher {
  const code = new Code();
  const plan = fieldPlan(p);
  const scan = code.constant(scanFields);
  const bounds = code.constant({ b: new Int32Array(64) });
  const strip = code.constant(stripField);
  const numOf = code.constant(fieldNumber);
  const needs = plan.fields.flatMap((f) => { const s = p.slots[f.slot]; return s.kind === 'field' && s.condition ? [fieldNeed(s.condition)] : []; })
    .filter((n): n is Known => n !== true);
  const pre = needs.length ? emitNeed(needs.length === 1 ? needs[0] : { and: needs }, code) : '';
  const body: string[] = [];
  if (pre) body.push(`if (!${pre}) return false;`);
  body.push(`const n = ${scan}(m, ${bounds});`, `const b = ${bounds}.b;`);
  body.push(plan.ellipsis ? `if (n < ${plan.count}) return false;` : `if (n !== ${plan.count}) return false;`);
  const conds: string[] = [];
  let k = 0;
  for (const f of plan.fields) {
    const slot = p.slots[f.slot];
    if (slot.kind !== 'field' || !slot.condition) continue;
    const v = `f${k}`;
    const nv = `n${k++}`;
    const idx = f.fromEnd ? `(n - ${f.pos})` : String(f.pos);
    body.push(`const ${v} = ${strip}(m.slice(b[2 * ${idx}], b[2 * ${idx} + 1]));`);
    let usesNum = false;
    const gen = (e: FieldExpr): string => {
      if (e.type === 'and') return `(${e.items.map(gen).join(' && ')})`;
      if (e.type === 'or') return `(${e.items.map(gen).join(' || ')})`;
      const val = e.value;
      if (val.kind === 'number') {
        usesNum = true;
        return e.op === '=' ? `(${nv} === ${num(val.value)})` : e.op === '!=' ? `!(${nv} === ${num(val.value)})` : `(${nv} ${e.op} ${num(val.value)})`;
      }
      const eq = val.kind === 'text' ? `(${v} === ${lit(val.text)})`
        : val.kind === 'glob' ? `${code.constant(globMatcher(val.pieces))}(${v})`
        : `${code.constant(new RegExp(val.regex.js, 'u'))}.test(${v})`;
      return e.op === '!=' ? `!${eq}` : eq;
    };
    const expr = gen(slot.condition);
    if (usesNum) body.push(`const ${nv} = ${numOf}(${v});`);
    conds.push(expr);
  }
  body.push(`return ${conds.length ? conds.join(' && ') : 'true'};`);
  return code.build(body.join('\n'));
}
