/**
 * Unstructured filter patterns (terms, "quoted phrases", -exclusions, ?alternatives) with two
 * back ends: a JS predicate for streams and an SQL predicate for stored events. JSON `{}`,
 * space-delimited `[]` and regex `%%` patterns are refused with InvalidParameterException
 * until the full grammar lands, never matched-all.
 */
export class FilterPatternError extends Error {}

export interface TermPattern {
  /** Every one of these must occur. */
  all: string[];
  /** None of these may occur. */
  none: string[];
  /** At least one of these must occur (when non-empty). */
  any: string[];
}

export function parseTermPattern(pattern: string): TermPattern {
  const p: TermPattern = { all: [], none: [], any: [] };
  const text = pattern.trim();
  if (!text) return p;
  if (text[0] === '{' || text[0] === '[' || text[0] === '%') {
    throw new FilterPatternError(`Invalid filter pattern: ${text[0] === '{' ? 'JSON' : text[0] === '[' ? 'space-delimited' : 'regular expression'} filter patterns are not supported by this server yet`);
  }
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) break;
    let mode: 'all' | 'none' | 'any' = 'all';
    if (text[i] === '-') { mode = 'none'; i++; } else if (text[i] === '?') { mode = 'any'; i++; }
    let term = '';
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new FilterPatternError('Invalid filter pattern: unterminated quoted term');
      term = text.slice(i + 1, end);
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && text[i] !== ' ' && text[i] !== '\t') i++;
      term = text.slice(start, i);
      if (/["{}[\]%]/.test(term)) throw new FilterPatternError(`Invalid filter pattern: unexpected character in term '${term}'`);
    }
    // A quoted blank (" ") matches everything, as AWS documents.
    if (term.trim() === '') continue;
    p[mode].push(term);
  }
  return p;
}

export function compileTermPatternJs(p: TermPattern): (message: string) => boolean {
  return (m) => p.all.every((t) => m.includes(t)) && !p.none.some((t) => m.includes(t)) && (p.any.length === 0 || p.any.some((t) => m.includes(t)));
}

/** SQL over column `message`, with bound parameters (terms never enter the SQL text). */
export function compileTermPatternSql(p: TermPattern, prefix = 'fp'): { sql: string; params: Record<string, string> } | null {
  const parts: string[] = [];
  const params: Record<string, string> = {};
  let n = 0;
  const bind = (t: string) => { const k = `${prefix}${n++}`; params[k] = t; return `{${k}:String}`; };
  for (const t of p.all) parts.push(`position(message, ${bind(t)}) > 0`);
  for (const t of p.none) parts.push(`position(message, ${bind(t)}) = 0`);
  if (p.any.length) parts.push(`(${p.any.map((t) => `position(message, ${bind(t)}) > 0`).join(' OR ')})`);
  return parts.length ? { sql: parts.join(' AND '), params } : null;
}
