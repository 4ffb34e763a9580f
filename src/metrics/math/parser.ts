/**
 * Recursive-descent parser for metric math. Precedence, loosest first:
 * `OR ||` < `AND &&` < comparisons < `+ -` < `* /` < unary `-` < `^` (right-associative).
 * UPPERCASE names followed by `(` are calls; alone they are keywords (`REPEAT`, `LINEAR`, `ASC`,
 * `DESC`, and `SUM`/`AVG`/`MIN`/`MAX` as SORT's function argument).
 */
import { MathError, tokenize, type Token } from './lexer.js';

export type Node =
  | { k: 'num'; v: number; pos: number }
  | { k: 'str'; v: string; pos: number }
  | { k: 'ref'; id: string; pos: number }
  | { k: 'kw'; name: string; pos: number }
  | { k: 'call'; name: string; args: Node[]; pos: number }
  | { k: 'array'; items: Node[]; pos: number }
  | { k: 'neg'; arg: Node; pos: number }
  | { k: 'bin'; op: string; left: Node; right: Node; pos: number };

const COMPARISONS = ['==', '!=', '<', '<=', '>', '>='];

export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Token => toks[i];
  const next = (): Token => toks[i++];
  const isOp = (...ops: string[]) => peek().kind === 'op' && ops.includes(peek().text);
  const isName = (...names: string[]) => peek().kind === 'name' && names.includes(peek().text);
  const expect = (op: string): Token => {
    const t = next();
    if (t.kind !== 'op' || t.text !== op) throw unexpected(t, `'${op}'`);
    return t;
  };
  function unexpected(t: Token, wanted?: string): MathError {
    const what = t.kind === 'eof' ? 'end of expression' : `'${t.kind === 'str' ? JSON.stringify(t.text) : t.text}' at position ${t.pos + 1}`;
    return new MathError(`Unexpected ${what}${wanted ? `, expected ${wanted}` : ''}`, t.pos);
  }

  function or(): Node {
    let left = and();
    while (isOp('||') || isName('OR')) {
      const t = next();
      left = { k: 'bin', op: 'OR', left, right: and(), pos: t.pos };
    }
    return left;
  }
  function and(): Node {
    let left = comparison();
    while (isOp('&&') || isName('AND')) {
      const t = next();
      left = { k: 'bin', op: 'AND', left, right: comparison(), pos: t.pos };
    }
    return left;
  }
  function comparison(): Node {
    let left = additive();
    while (isOp(...COMPARISONS)) {
      const t = next();
      left = { k: 'bin', op: t.text, left, right: additive(), pos: t.pos };
    }
    return left;
  }
  function additive(): Node {
    let left = multiplicative();
    while (isOp('+', '-')) {
      const t = next();
      left = { k: 'bin', op: t.text, left, right: multiplicative(), pos: t.pos };
    }
    return left;
  }
  function multiplicative(): Node {
    let left = unary();
    while (isOp('*', '/')) {
      const t = next();
      left = { k: 'bin', op: t.text, left, right: unary(), pos: t.pos };
    }
    return left;
  }
  function unary(): Node {
    if (isOp('-')) { const t = next(); return { k: 'neg', arg: unary(), pos: t.pos }; }
    if (isOp('+')) { next(); return unary(); }
    return power();
  }
  function power(): Node {
    const base = primary();
    if (isOp('^')) {
      const t = next();
      return { k: 'bin', op: '^', left: base, right: unary(), pos: t.pos };
    }
    return base;
  }
  function primary(): Node {
    const t = next();
    switch (t.kind) {
      case 'num': return { k: 'num', v: t.value!, pos: t.pos };
      case 'str': return { k: 'str', v: t.text, pos: t.pos };
      case 'id': return { k: 'ref', id: t.text, pos: t.pos };
      case 'name': {
        if (isOp('(')) {
          next();
          const args: Node[] = [];
          if (!isOp(')')) {
            args.push(or());
            while (isOp(',')) { next(); args.push(or()); }
          }
          expect(')');
          return { k: 'call', name: t.text, args, pos: t.pos };
        }
        return { k: 'kw', name: t.text, pos: t.pos };
      }
      case 'op':
        if (t.text === '(') { const e = or(); expect(')'); return e; }
        if (t.text === '[') {
          const items: Node[] = [];
          if (!isOp(']')) {
            items.push(or());
            while (isOp(',')) { next(); items.push(or()); }
          }
          expect(']');
          return { k: 'array', items, pos: t.pos };
        }
        throw unexpected(t);
      default:
        throw unexpected(t);
    }
  }

  const root = or();
  if (peek().kind !== 'eof') throw unexpected(peek());
  return root;
}

/** Every id an expression refers to. */
export function references(n: Node, out = new Set<string>()): Set<string> {
  switch (n.k) {
    case 'ref': out.add(n.id); break;
    case 'call': n.args.forEach((a) => references(a, out)); break;
    case 'array': n.items.forEach((a) => references(a, out)); break;
    case 'neg': references(n.arg, out); break;
    case 'bin': references(n.left, out); references(n.right, out); break;
    default: break;
  }
  return out;
}

/** Calls of a given function anywhere in the expression (e.g. SEARCH, METRICS). */
export function callsOf(n: Node, name: string, out: Array<Extract<Node, { k: 'call' }>> = []): Array<Extract<Node, { k: 'call' }>> {
  switch (n.k) {
    case 'call': if (n.name === name) out.push(n); n.args.forEach((a) => callsOf(a, name, out)); break;
    case 'array': n.items.forEach((a) => callsOf(a, name, out)); break;
    case 'neg': callsOf(n.arg, name, out); break;
    case 'bin': callsOf(n.left, name, out); callsOf(n.right, name, out); break;
    default: break;
  }
  return out;
}
