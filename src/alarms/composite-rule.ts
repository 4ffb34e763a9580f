/**
 * Composite AlarmRule (fact sheet 4.3): a hand-written recursive-descent parser and evaluator.
 *
 *   rule    := or
 *   or      := and ("OR" and)*
 *   and     := not ("AND" not)*
 *   not     := "NOT" not | primary
 *   primary := "(" rule ")" | ("ALARM" | "OK" | "INSUFFICIENT_DATA") "(" ref ")" | "TRUE" | "FALSE"
 *   ref     := alarm name or ARN, optionally in double quotes
 *
 * Keywords are upper case (as AWS writes them); NOT binds tighter than AND, AND tighter than OR.
 */
import type { StateValue } from './model.js';

export type RuleNode =
  | { k: 'state'; fn: StateValue; ref: string }
  | { k: 'and' | 'or'; a: RuleNode; b: RuleNode }
  | { k: 'not'; a: RuleNode }
  | { k: 'const'; v: boolean };

export class RuleError extends Error {
  constructor(message: string, readonly position: number) { super(message); }
}

const FUNCS = new Set(['ALARM', 'OK', 'INSUFFICIENT_DATA']);

export function parseRule(src: string): RuleNode {
  let i = 0;
  const ws = () => { while (i < src.length && /\s/.test(src[i])) i++; };
  const word = (): string => {
    ws();
    const m = /^[A-Z_]+/.exec(src.slice(i));
    return m ? m[0] : '';
  };
  const expect = (c: string) => {
    ws();
    if (src[i] !== c) throw new RuleError(`expected '${c}' at position ${i + 1}`, i);
    i++;
  };
  // A keyword only counts when it is a whole word.
  const isKeyword = (w: string) => {
    const at = i;
    ws();
    const ok = src.startsWith(w, i) && !/[A-Za-z0-9_]/.test(src[i + w.length] ?? '');
    i = at;
    return ok;
  };
  const take = (w: string) => { ws(); i += w.length; };

  function ref(): string {
    ws();
    if (src[i] === '"') {
      const end = src.indexOf('"', i + 1);
      if (end < 0) throw new RuleError(`unterminated quoted alarm name at position ${i + 1}`, i);
      const r = src.slice(i + 1, end);
      i = end + 1;
      if (!r) throw new RuleError(`empty alarm name at position ${i}`, i);
      return r;
    }
    const start = i;
    while (i < src.length && src[i] !== ')') i++;
    const r = src.slice(start, i).trim();
    if (!r) throw new RuleError(`missing alarm name at position ${start + 1}`, start);
    return r;
  }

  function primary(): RuleNode {
    ws();
    if (src[i] === '(') {
      i++;
      const r = or();
      expect(')');
      return r;
    }
    const w = word();
    if (w === 'TRUE' || w === 'FALSE') { take(w); return { k: 'const', v: w === 'TRUE' }; }
    if (FUNCS.has(w)) {
      take(w);
      expect('(');
      const r = ref();
      expect(')');
      return { k: 'state', fn: w as StateValue, ref: r };
    }
    if (i >= src.length) throw new RuleError('unexpected end of the rule', i);
    throw new RuleError(`unexpected '${src.slice(i, i + 20)}' at position ${i + 1}`, i);
  }
  function not(): RuleNode {
    if (isKeyword('NOT')) { take('NOT'); return { k: 'not', a: not() }; }
    return primary();
  }
  function and(): RuleNode {
    let a = not();
    while (isKeyword('AND')) { take('AND'); a = { k: 'and', a, b: not() }; }
    return a;
  }
  function or(): RuleNode {
    let a = and();
    while (isKeyword('OR')) { take('OR'); a = { k: 'or', a, b: and() }; }
    return a;
  }
  const r = or();
  ws();
  if (i < src.length) throw new RuleError(`unexpected '${src.slice(i, i + 20)}' at position ${i + 1}`, i);
  return r;
}

/** Every alarm reference in the rule, as written. */
export function ruleRefs(n: RuleNode, out: string[] = []): string[] {
  if (n.k === 'state') out.push(n.ref);
  else if (n.k === 'not') ruleRefs(n.a, out);
  else if (n.k === 'and' || n.k === 'or') { ruleRefs(n.a, out); ruleRefs(n.b, out); }
  return out;
}

/** Evaluates the rule against the children's current states (`stateOf` takes a reference as written). */
export function evaluateRule(n: RuleNode, stateOf: (ref: string) => StateValue | undefined): boolean {
  switch (n.k) {
    case 'const': return n.v;
    case 'state': return stateOf(n.ref) === n.fn;
    case 'not': return !evaluateRule(n.a, stateOf);
    case 'and': return evaluateRule(n.a, stateOf) && evaluateRule(n.b, stateOf);
    case 'or': return evaluateRule(n.a, stateOf) || evaluateRule(n.b, stateOf);
  }
}

/** The alarm name a reference means: the name itself, or the name inside an alarm ARN of this account and region. */
export function refName(ref: string, region: string, accountId: string): string | undefined {
  if (!ref.startsWith('arn:')) return ref;
  const prefix = `arn:aws:cloudwatch:${region}:${accountId}:alarm:`;
  return ref.startsWith(prefix) && ref.length > prefix.length ? ref.slice(prefix.length) : undefined;
}
