/** Pretty-printing of JSON log messages, split into tokens for highlighting (no innerHTML). */

export interface Token { text: string; kind?: 'key' | 'string' | 'number' | 'literal' }

/** The message re-indented when it is a JSON object or array, else null. */
export function prettyJson(message: string): string | null {
  const t = message.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return null;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return null;
  }
}

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

export function jsonTokens(pretty: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of pretty.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ text: pretty.slice(last, at) });
    if (m[1] !== undefined) {
      out.push({ text: m[1], kind: m[2] ? 'key' : 'string' });
      if (m[2]) out.push({ text: m[2] });
    } else if (m[3] !== undefined) {
      out.push({ text: m[3], kind: 'literal' });
    } else {
      out.push({ text: m[0], kind: 'number' });
    }
    last = at + m[0].length;
  }
  if (last < pretty.length) out.push({ text: pretty.slice(last) });
  return out;
}

/** Terms of a filter pattern worth highlighting: plain and ?optional terms, not -exclusions. */
export function highlightTerms(pattern: string): string[] {
  const terms: string[] = [];
  const re = /([-?]?)(?:"([^"]*)"|(\S+))/g;
  for (const m of pattern.matchAll(re)) {
    if (m[1] === '-') continue;
    const term = (m[2] ?? m[3] ?? '').trim();
    if (term) terms.push(term);
  }
  return terms;
}

/** Splits text into [plain, match, plain, match, ...] pieces for the given terms (case-sensitive, as the filter is). */
export function splitMatches(text: string, terms: string[]): { text: string; match: boolean }[] {
  if (!terms.length) return [{ text, match: false }];
  const escaped = [...terms].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(escaped.join('|'), 'g');
  const out: { text: string; match: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (m[0] === '') continue;
    if (at > last) out.push({ text: text.slice(last, at), match: false });
    out.push({ text: m[0], match: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), match: false });
  return out;
}
