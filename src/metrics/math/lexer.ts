/**
 * Tokens of CloudWatch metric math: numbers, ids (`m1`, `errorRate`: a lowercase letter then
 * letters, digits, `_`), UPPERCASE names (functions and keywords such as `REPEAT`, `DESC`, `AND`),
 * strings in single or double quotes (also typographic quotes, as in AWS's own examples), and
 * operators `+ - * / ^ == != < <= > >= && || ( ) [ ] ,`.
 */

export class MathError extends Error {
  constructor(message: string, readonly pos = -1) { super(message); }
}

export type TokenKind = 'num' | 'id' | 'name' | 'str' | 'op' | 'eof';
export interface Token { kind: TokenKind; text: string; value?: number; pos: number }

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '+', '-', '*', '/', '^', '<', '>', '(', ')', '[', ']', ','];
const OPEN_QUOTES: Record<string, string> = { "'": "'", '"': '"', '\u201c': '\u201d', '\u2018': '\u2019' };

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new MathError(`Unexpected character '${c}' at position ${i + 1}`, i);
      out.push({ kind: 'num', text: m[0], value: Number(m[0]), pos: start });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      const text = m[0];
      // Ids start with a lowercase letter; everything else is a function or keyword name.
      out.push({ kind: /^[a-z]/.test(text) ? 'id' : 'name', text, pos: start });
      i += text.length;
      continue;
    }
    if (OPEN_QUOTES[c]) {
      const close = OPEN_QUOTES[c];
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new MathError(`Unterminated string starting at position ${start + 1}`, start);
        const ch = src[i];
        if (ch === '\\' && i + 1 < src.length) { s += src[i + 1]; i += 2; continue; }
        if (ch === close) { i++; break; }
        s += ch;
        i++;
      }
      out.push({ kind: 'str', text: s, pos: start });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new MathError(`Unexpected character '${c}' at position ${i + 1}`, i);
    out.push({ kind: 'op', text: op, pos: start });
    i += op.length;
  }
  out.push({ kind: 'eof', text: '', pos: src.length });
  return out;
}
