/**
 * CloudWatch search expressions (the first argument of SEARCH): an optional metric schema
 * `{Namespace, DimName, …}` (the namespace, and the exact set of dimension names when any are
 * given) and a search term with
 * partial matches (`count`), exact matches (`"CustomCount1"`), property designators
 * (`MetricName=`, `Namespace=`, `<DimensionName>=`), `AND`/`OR`/`NOT`, parentheses and implicit AND.
 *
 * Tokenization follows AWS's description: non-alphanumerics delimit, camel case and digits start
 * new tokens, tokens are lowercased, and the whole alphanumeric string is a token too (see
 * `partialMatches` for how a search term is compared).
 */
import { MathError } from './lexer.js';

export interface Searchable {
  namespace: string;
  metricName: string;
  dimensions: ReadonlyArray<{ Name: string; Value: string }>;
}

type Term =
  | { k: 'partial'; text: string; prop?: string }
  | { k: 'exact'; text: string; prop?: string }
  | { k: 'and' | 'or'; a: Term; b: Term }
  | { k: 'not'; a: Term }
  | { k: 'all' };

export interface SearchQuery { schema?: { namespace: string; dims: string[] }; term: Term }

/** Splits a name into its case-preserving sub-tokens (camel case, digits, delimiters). */
export function subTokens(s: string): string[] {
  const out: string[] = [];
  for (const word of s.split(/[^A-Za-z0-9]+/)) {
    if (!word) continue;
    const parts = word.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? [];
    out.push(...parts);
  }
  return out;
}

/** The lowercase tokens AWS generates for a name (sub-tokens plus the whole alphanumeric string). */
export function searchTokens(s: string): string[] {
  const subs = subTokens(s).map((t) => t.toLowerCase());
  const whole = s.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return whole && !subs.includes(whole) ? [whole, ...subs] : subs;
}

/**
 * A partial term: words split by non-alphanumerics; a word that is one token matches
 * case-insensitively, a word of several (camel case, digits) is a composite matched case-sensitively
 * (so `CustomCount` finds `CustomCount1` but `customcount` and `count1` do not, while `network/errors`
 * finds `Network-Errors-2`). The whole sequence must appear as consecutive tokens of the target.
 */
function partialMatches(term: string, target: string): boolean {
  const want: Array<{ t: string; exact: boolean }> = [];
  for (const word of term.split(/[^A-Za-z0-9]+/)) {
    if (!word) continue;
    const subs = subTokens(word);
    for (const t of subs) want.push(subs.length > 1 ? { t, exact: true } : { t: t.toLowerCase(), exact: false });
  }
  if (!want.length) return false;
  if (want.length === 1 && !want[0].exact) return searchTokens(target).includes(want[0].t);
  const have = subTokens(target);
  outer: for (let i = 0; i + want.length <= have.length; i++) {
    for (let j = 0; j < want.length; j++) {
      const h = have[i + j];
      if (want[j].exact ? h !== want[j].t : h.toLowerCase() !== want[j].t) continue outer;
    }
    return true;
  }
  return false;
}

function candidates(m: Searchable, prop?: string): string[] {
  if (prop === 'MetricName') return [m.metricName];
  if (prop === 'Namespace') return [m.namespace];
  if (prop !== undefined) return m.dimensions.filter((d) => d.Name === prop).map((d) => d.Value);
  return [m.metricName, m.namespace, ...m.dimensions.flatMap((d) => [d.Name, d.Value])];
}

function evalTerm(t: Term, m: Searchable): boolean {
  switch (t.k) {
    case 'all': return true;
    case 'and': return evalTerm(t.a, m) && evalTerm(t.b, m);
    case 'or': return evalTerm(t.a, m) || evalTerm(t.b, m);
    case 'not': return !evalTerm(t.a, m);
    case 'exact': return candidates(m, t.prop).includes(t.text);
    case 'partial': return candidates(m, t.prop).some((c) => partialMatches(t.text, c));
  }
}

export function matchesSearch(q: SearchQuery, m: Searchable): boolean {
  if (q.schema) {
    if (m.namespace !== q.schema.namespace) return false;
    // A schema with dimension names selects metrics with exactly that set of dimensions.
    if (!q.schema.dims.length) return evalTerm(q.term, m);
    const names = m.dimensions.map((d) => d.Name).sort();
    const want = [...q.schema.dims].sort();
    if (names.length !== want.length || names.some((n, i) => n !== want[i])) return false;
  }
  return evalTerm(q.term, m);
}

type Tok = { k: 'word' | 'quoted' | '(' | ')'; v: string; prop?: string; quotedValue?: boolean };

function readQuoted(s: string, i: number): [string, number] {
  let out = '';
  i++;
  while (i < s.length && s[i] !== '"') {
    if (s[i] === '\\' && i + 1 < s.length) { out += s[i + 1]; i += 2; continue; }
    out += s[i++];
  }
  if (i >= s.length) throw new MathError('Unterminated quoted string in search expression');
  return [out, i + 1];
}

export function parseSearch(src: string): SearchQuery {
  let s = src.trim();
  let schema: SearchQuery['schema'];
  if (s.startsWith('{')) {
    const end = s.indexOf('}');
    if (end < 0) throw new MathError('Unterminated metric schema in search expression');
    const names: string[] = [];
    const body = s.slice(1, end);
    for (let i = 0; i < body.length;) {
      if (/[\s,]/.test(body[i])) { i++; continue; }
      if (body[i] === '"') { const [v, j] = readQuoted(body, i); names.push(v); i = j; continue; }
      let j = i;
      while (j < body.length && body[j] !== ',') j++;
      names.push(body.slice(i, j).trim());
      i = j;
    }
    if (!names.length || !names[0]) throw new MathError('A metric schema must name a namespace');
    schema = { namespace: names[0], dims: names.slice(1) };
    s = s.slice(end + 1).replace(/^\s*,/, '');
  }
  const toks: Tok[] = [];
  for (let i = 0; i < s.length;) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { toks.push({ k: c, v: c }); i++; continue; }
    if (c === '"') { const [v, j] = readQuoted(s, i); toks.push({ k: 'quoted', v }); i = j; continue; }
    let j = i;
    while (j < s.length && !/[\s()"]/.test(s[j])) j++;
    const word = s.slice(i, j);
    const eq = word.indexOf('=');
    if (eq > 0) {
      const prop = word.slice(0, eq);
      if (eq === word.length - 1 && s[j] === '"') {
        const [v, k] = readQuoted(s, j);
        toks.push({ k: 'quoted', v, prop });
        i = k;
        continue;
      }
      toks.push({ k: 'word', v: word.slice(eq + 1), prop });
    } else {
      toks.push({ k: 'word', v: word });
    }
    i = j;
  }
  let p = 0;
  const atWord = (w: string) => toks[p]?.k === 'word' && toks[p].v === w && !toks[p].prop;
  function or(): Term {
    let a = and();
    while (atWord('OR')) { p++; a = { k: 'or', a, b: and() }; }
    return a;
  }
  function and(): Term {
    let a = not();
    for (;;) {
      if (atWord('AND')) { p++; a = { k: 'and', a, b: not() }; continue; }
      if (p < toks.length && toks[p].k !== ')' && !atWord('OR')) { a = { k: 'and', a, b: not() }; continue; }
      return a;
    }
  }
  function not(): Term {
    if (atWord('NOT')) { p++; return { k: 'not', a: not() }; }
    return primary();
  }
  function primary(): Term {
    const t = toks[p++];
    if (!t) throw new MathError('Incomplete search expression');
    if (t.k === '(') {
      const e = or();
      if (toks[p]?.k !== ')') throw new MathError('Missing ) in search expression');
      p++;
      return e;
    }
    if (t.k === ')') throw new MathError('Unexpected ) in search expression');
    return t.k === 'quoted' ? { k: 'exact', text: t.v, prop: t.prop } : { k: 'partial', text: t.v, prop: t.prop };
  }
  const term: Term = toks.length ? or() : { k: 'all' };
  if (p < toks.length) throw new MathError('Unexpected ) in search expression');
  if (!schema && !toks.length) throw new MathError('A search expression needs a metric schema or a search term');
  return { schema, term };
}
