/**
 * The Logs Insights language as the console needs it: names to highlight and complete, a
 * tolerant tokenizer for highlighting (it never throws: a half-typed query still colors), and
 * the few structural questions the explorer asks (where the commands are, how many `by` keys the
 * last `stats` has, the query behind the histogram).
 *
 * The names mirror the server's parser and function table (`src/query/insights/parser.ts`,
 * `expressions.ts`); they are duplicated here so the browser bundle does not pull in server code.
 */

export interface NameInfo { name: string; detail: string }

/** Commands the server runs, as the docs spell them. */
export const COMMANDS: readonly NameInfo[] = [
  { name: 'fields', detail: 'fields expr [as alias], … — compute and show fields' },
  { name: 'display', detail: 'display field, … — only these columns' },
  { name: 'filter', detail: 'filter condition — keep matching events' },
  { name: 'where', detail: 'where condition — same as filter' },
  { name: 'filterIndex', detail: 'filterIndex field = "value" — filter on an indexed field' },
  { name: 'stats', detail: 'stats agg(…) [as alias], … [by key, …] — aggregate' },
  { name: 'sort', detail: 'sort field [asc|desc], … — natural sort' },
  { name: 'limit', detail: 'limit N — at most N rows (1…10,000)' },
  { name: 'parse', detail: 'parse field "glob * pattern" as a, b — or /(?<name>regex)/' },
  { name: 'dedup', detail: 'dedup field, … — first row per value' },
  { name: 'unmask', detail: 'unmask — show masked values' },
  { name: 'unnest', detail: 'unnest list into field — one row per element' },
  { name: 'pattern', detail: 'pattern @message — cluster into patterns' },
  { name: 'diff', detail: 'diff [previousDay|previousWeek|previousMonth] — compare patterns' },
  { name: 'anomaly', detail: 'anomaly — anomalous patterns (after pattern)' },
  { name: 'SOURCE', detail: 'SOURCE logGroups(namePrefix: […]) — pick groups in the query' },
];

/** Aggregate functions (`stats` only). */
export const AGGREGATES: readonly NameInfo[] = [
  { name: 'count', detail: 'count(*) events, count(f) events with f' },
  { name: 'count_distinct', detail: 'count_distinct(f)' },
  { name: 'sum', detail: 'sum(n)' },
  { name: 'avg', detail: 'avg(n)' },
  { name: 'min', detail: 'min(x)' },
  { name: 'max', detail: 'max(x)' },
  { name: 'stddev', detail: 'stddev(n) — sample standard deviation' },
  { name: 'pct', detail: 'pct(n, p) — percentile p (0…100)' },
  { name: 'earliest', detail: 'earliest(f) — from the earliest event' },
  { name: 'latest', detail: 'latest(f) — from the latest event' },
  { name: 'sortsFirst', detail: 'sortsFirst(f)' },
  { name: 'sortsLast', detail: 'sortsLast(f)' },
];

/** Other functions. */
export const FUNCTIONS: readonly NameInfo[] = [
  // Numeric
  { name: 'abs', detail: 'abs(n)' }, { name: 'ceil', detail: 'ceil(n)' }, { name: 'floor', detail: 'floor(n)' },
  { name: 'log', detail: 'log(n) — natural logarithm' }, { name: 'sqrt', detail: 'sqrt(n)' },
  { name: 'greatest', detail: 'greatest(a, …)' }, { name: 'least', detail: 'least(a, …)' },
  { name: 'round', detail: 'round(n[, digits])' }, { name: 'haversine', detail: 'haversine(lat1, lon1, lat2, lon2) — km' },
  { name: 'toNumber', detail: 'toNumber(x)' }, { name: 'toDouble', detail: 'toDouble(x)' }, { name: 'toInt', detail: 'toInt(x)' }, { name: 'toLong', detail: 'toLong(x)' },
  // Date and time
  { name: 'bin', detail: 'bin(period) — @timestamp rounded down, e.g. bin(5m)' },
  { name: 'datefloor', detail: 'datefloor(ts, period)' }, { name: 'dateceil', detail: 'dateceil(ts, period)' },
  { name: 'fromMillis', detail: 'fromMillis(n) → timestamp' }, { name: 'toMillis', detail: 'toMillis(ts) → epoch ms' },
  { name: 'now', detail: 'now() — epoch seconds at query start' },
  { name: 'queryStartTime', detail: 'queryStartTime() — epoch ms' }, { name: 'queryEndTime', detail: 'queryEndTime() — epoch ms' },
  { name: 'queryTimeRange', detail: 'queryTimeRange() — ms' },
  { name: 'parseDate', detail: 'parseDate(s, pattern[, tz]) → epoch ms' }, { name: 'formatDate', detail: 'formatDate(ts, pattern[, tz])' },
  { name: 'strftime', detail: 'strftime(ts, "%Y-%m-%d"[, tz])' },
  // General
  { name: 'ispresent', detail: 'ispresent(f)' }, { name: 'coalesce', detail: 'coalesce(a, b, …)' },
  { name: 'if', detail: 'if(cond, then[, else])' }, { name: 'case', detail: 'case(c1, v1, …, [default])' },
  { name: 'isNumeric', detail: 'isNumeric(x)' }, { name: 'messageSize', detail: 'messageSize(@message) — bytes' },
  // JSON
  { name: 'jsonParse', detail: 'jsonParse(s) → map or list' }, { name: 'jsonStringify', detail: 'jsonStringify(x)' },
  { name: 'jsonArraySize', detail: 'jsonArraySize(l)' }, { name: 'jsonArrayContains', detail: 'jsonArrayContains(l, v)' },
  // IP
  { name: 'isValidIp', detail: 'isValidIp(s)' }, { name: 'isValidIpV4', detail: 'isValidIpV4(s)' }, { name: 'isValidIpV6', detail: 'isValidIpV6(s)' },
  { name: 'isIpInSubnet', detail: 'isIpInSubnet(ip, "10.0.0.0/8")' }, { name: 'isIpv4InSubnet', detail: 'isIpv4InSubnet(ip, cidr)' },
  { name: 'isIpv6InSubnet', detail: 'isIpv6InSubnet(ip, cidr)' }, { name: 'ipv4ToNumber', detail: 'ipv4ToNumber(ip)' },
  { name: 'isPrivateIP', detail: 'isPrivateIP(ip)' }, { name: 'isReservedIP', detail: 'isReservedIP(ip)' }, { name: 'isPublicIP', detail: 'isPublicIP(ip)' },
  // String
  { name: 'isempty', detail: 'isempty(s)' }, { name: 'isblank', detail: 'isblank(s)' }, { name: 'concat', detail: 'concat(a, b, …)' },
  { name: 'ltrim', detail: 'ltrim(s[, chars])' }, { name: 'rtrim', detail: 'rtrim(s[, chars])' }, { name: 'trim', detail: 'trim(s[, chars])' },
  { name: 'strlen', detail: 'strlen(s)' }, { name: 'toupper', detail: 'toupper(s)' }, { name: 'tolower', detail: 'tolower(s)' },
  { name: 'substr', detail: 'substr(s, start[, length]) — 0-based' }, { name: 'replace', detail: 'replace(s, find, with)' },
  { name: 'strcontains', detail: 'strcontains(s, v[, caseInsensitive]) → 1/0' },
  { name: 'regexReplace', detail: 'regexReplace(s, /re/, with)' }, { name: 'startsWith', detail: 'startsWith(s, prefix)' },
  { name: 'endsWith', detail: 'endsWith(s, suffix)' }, { name: 'urlencode', detail: 'urlencode(s)' }, { name: 'urldecode', detail: 'urldecode(s)' },
  { name: 'base64encode', detail: 'base64encode(s)' }, { name: 'base64decode', detail: 'base64decode(s)' },
  { name: 'split', detail: 'split(s, delimiter) → list' }, { name: 'hexToAscii', detail: 'hexToAscii(s)' },
  { name: 'hexToDec', detail: 'hexToDec(s)' }, { name: 'decToHex', detail: 'decToHex(n)' },
];

export const KEYWORDS: readonly string[] = ['and', 'or', 'not', 'like', 'in', 'as', 'by', 'asc', 'desc', 'into', 'any'];

/** Fields every event has. */
export const SYSTEM_FIELDS: readonly string[] = ['@timestamp', '@message', '@logStream', '@log', '@ingestionTime', '@ptr'];

const lower = (xs: readonly NameInfo[]) => new Set(xs.map((x) => x.name.toLowerCase()));
const COMMAND_SET = lower(COMMANDS);
const FUNCTION_SET = new Set([...lower(FUNCTIONS), ...lower(AGGREGATES)]);
const KEYWORD_SET = new Set(KEYWORDS);

export type TokenKind =
  | 'command' | 'keyword' | 'function' | 'field' | 'system' | 'string' | 'regex' | 'number'
  | 'comment' | 'pipe' | 'op' | 'space' | 'text';

export interface LangToken { kind: TokenKind; start: number; end: number }

const isIdentStart = (c: string) => /[A-Za-z_@]/.test(c);
const isIdentChar = (c: string) => /[A-Za-z0-9_.@]/.test(c);

/**
 * Splits a query into tokens covering every character. Like the server's lexer, `/` starts a
 * regex only where an operand is expected (after an operator, `(`, `,`, a keyword, or `parse <field>`).
 */
export function tokenize(text: string): LangToken[] {
  const out: LangToken[] = [];
  let i = 0;
  /** The last significant tokens (not space/comment), to decide command position and regexes. */
  const sig: { kind: TokenKind; text: string }[] = [];
  const push = (kind: TokenKind, start: number, end: number) => {
    out.push({ kind, start, end });
    if (kind !== 'space' && kind !== 'comment') sig.push({ kind, text: text.slice(start, end) });
  };
  const prev = (n = 1) => sig[sig.length - n];
  const atCommand = () => { const p = prev(); return !p || p.kind === 'pipe'; };
  const operandExpected = () => {
    const p = prev();
    if (!p) return true;
    if (p.kind === 'pipe') return true;
    if (p.kind === 'op') return p.text !== ')' && p.text !== ']';
    if (p.kind === 'keyword') return true;
    if (p.kind === 'command') return true;
    // parse <field> /regex/
    const pp = prev(2);
    if ((p.kind === 'field' || p.kind === 'system') && pp?.kind === 'command' && pp.text.toLowerCase() === 'parse') return true;
    return false;
  };

  while (i < text.length) {
    const c = text[i];
    const start = i;
    if (/\s/.test(c)) {
      while (i < text.length && /\s/.test(text[i])) i++;
      push('space', start, i);
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      push('comment', start, i);
    } else if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i = Math.min(i + 1, text.length);
      push('string', start, i);
    } else if (c === '/' && operandExpected()) {
      i++;
      let inClass = false;
      while (i < text.length) {
        const d = text[i];
        if (d === '\\') { i += 2; continue; }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        else if (d === '\n') break;
        i++;
      }
      if (text[i] === '/') i++;
      i = Math.min(i, text.length);
      push('regex', start, i);
    } else if (c === '`' || isIdentStart(c)) {
      const cmd = atCommand();
      while (i < text.length) {
        if (text[i] === '`') {
          const close = text.indexOf('`', i + 1);
          i = close < 0 ? text.length : close + 1;
        } else if (isIdentChar(text[i])) {
          i++;
        } else break;
      }
      const word = text.slice(start, i);
      const lw = word.toLowerCase();
      let j = i;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
      let kind: TokenKind;
      if (cmd && COMMAND_SET.has(lw)) kind = 'command';
      else if (text[j] === '(' && FUNCTION_SET.has(lw)) kind = 'function';
      else if (KEYWORD_SET.has(lw)) kind = 'keyword';
      else if (word.startsWith('@')) kind = 'system';
      else kind = 'field';
      push(kind, start, i);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      while (i < text.length && /[0-9.]/.test(text[i])) i++;
      // A duration (5m, 1h, 100ms) is one token.
      while (i < text.length && /[A-Za-z]/.test(text[i])) i++;
      push('number', start, i);
    } else if (c === '|') {
      i++;
      push('pipe', start, i);
    } else {
      const two = text.slice(i, i + 2);
      i += ['!=', '<=', '>=', '=~', '=='].includes(two) ? 2 : 1;
      push(/[=<>!+\-*/%^()[\],:.]/.test(c) ? 'op' : 'text', start, i);
    }
  }
  return out;
}

export interface Command { name: string; start: number; end: number; tokens: LangToken[] }

/** The query's commands (split at top-level `|`), with their first word lower-cased. */
export function commandsOf(text: string, tokens = tokenize(text)): Command[] {
  const cmds: Command[] = [];
  let cur: LangToken[] = [];
  const flush = () => {
    const sig = cur.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
    if (sig.length) cmds.push({ name: text.slice(sig[0].start, sig[0].end).toLowerCase(), start: sig[0].start, end: sig[sig.length - 1].end, tokens: sig });
    cur = [];
  };
  for (const t of tokens) {
    if (t.kind === 'pipe') flush();
    else cur.push(t);
  }
  flush();
  return cmds;
}

/** True when the query names its log groups itself (`SOURCE logGroups(…)` first). */
export function usesSource(text: string): boolean {
  return commandsOf(text)[0]?.name === 'source';
}

const AGGREGATING = new Set(['stats', 'pattern', 'diff', 'anomaly']);
/** Commands that keep every event (and may define fields later filters use). */
const EVENT_PRESERVING = new Set(['source', 'filter', 'where', 'filterindex', 'parse', 'fields', 'display', 'sort', 'unmask']);
/** Marks the histogram query (see INTERNAL_MARK in query-runner.ts). */
export const HISTOGRAM_MARK = '# trailwatch:histogram';

/** True when the query aggregates (its rows are not events). */
export function isAggregation(text: string): boolean {
  return commandsOf(text).some((c) => AGGREGATING.has(c.name));
}

/**
 * The query behind the histogram: the user's leading `filter`/`where`/`filterIndex` commands
 * with the `parse`/`fields`/`display` they may depend on (and a leading SOURCE), up to the first
 * command that changes the rows (`limit`, `dedup`, `unnest`), then `stats count(*) by bin(P)`.
 * Aggregating queries get no histogram (null): their rows are not events.
 */
export function histogramQuery(text: string, period: string): string | null {
  const cmds = commandsOf(text);
  if (cmds.some((c) => AGGREGATING.has(c.name))) return null;
  const kept: string[] = [];
  for (const c of cmds) {
    if (!EVENT_PRESERVING.has(c.name)) break;
    if (c.name === 'sort') continue;
    kept.push(text.slice(c.start, c.end));
  }
  // Each command on its own line: a comment inside one ends at its line's end.
  return `${HISTOGRAM_MARK}\n${[...kept, `stats count(*) as events by bin(${period}) as t`].join('\n| ')}`;
}

/** The number of `by` keys of the last `stats` (its first columns), 0 without `by`. */
export function statsKeyCount(text: string): number {
  const stats = commandsOf(text).filter((c) => c.name === 'stats').pop();
  if (!stats) return 0;
  let depth = 0;
  let inBy = false;
  let keys = 0;
  for (const t of stats.tokens) {
    const s = text.slice(t.start, t.end);
    if (t.kind === 'op' && (s === '(' || s === '[')) depth++;
    else if (t.kind === 'op' && (s === ')' || s === ']')) depth--;
    else if (depth === 0 && t.kind === 'keyword' && s.toLowerCase() === 'by') { inBy = true; keys = 1; }
    else if (depth === 0 && inBy && t.kind === 'op' && s === ',') keys++;
  }
  return keys;
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

// ---- Completion ----

export type CompletionKind = 'command' | 'function' | 'aggregate' | 'field' | 'keyword';
export interface Completion { label: string; kind: CompletionKind; detail?: string; insert: string; caretBack?: number }

/** The identifier-ish word around the caret: [start, end) and the part before the caret. */
export function wordAt(text: string, caret: number): { start: number; end: number; prefix: string } {
  let s = caret;
  while (s > 0 && isIdentChar(text[s - 1])) s--;
  let e = caret;
  while (e < text.length && isIdentChar(text[e])) e++;
  return { start: s, end: e, prefix: text.slice(s, caret) };
}

const IDENT = /^[A-Za-z_@][A-Za-z0-9_.@]*$/;
const quoteField = (f: string) => (IDENT.test(f) ? f : `\`${f.replace(/`/g, '')}\``);

/**
 * What to offer at the caret: commands where a command goes, otherwise fields (system and
 * discovered), functions (aggregates first inside `stats`) and keywords. Null inside a string,
 * regex or comment, or when there is nothing typed and `force` is off.
 */
export function completionsAt(text: string, caret: number, fields: readonly string[], force = false): { start: number; end: number; items: Completion[] } | null {
  const w = wordAt(text, caret);
  const before = tokenize(text.slice(0, w.start));
  const last = before[before.length - 1];
  if (last && (last.kind === 'comment' || ((last.kind === 'string' || last.kind === 'regex') && last.end === w.start && !closed(text, last)))) return null;
  if (!w.prefix && !force) return null;
  // A number is not a word to complete (5m, 200).
  if (/^[0-9]/.test(w.prefix)) return null;
  const sig = before.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const prev = sig[sig.length - 1];
  const p = w.prefix.toLowerCase();
  const match = (name: string) => name.toLowerCase().startsWith(p) && name !== w.prefix;
  let items: Completion[] = [];
  if (!prev || prev.kind === 'pipe') {
    // SOURCE only opens a query.
    items = COMMANDS.filter((c) => match(c.name) && (c.name !== 'SOURCE' || !prev)).map((c) => ({ label: c.name, kind: 'command', detail: c.detail, insert: `${c.name} ` }));
  } else {
    const cmd = commandsOf(text.slice(0, w.start)).pop()?.name;
    const fn = (f: NameInfo, kind: CompletionKind): Completion => ({ label: f.name, kind, detail: f.detail, insert: text[w.end] === '(' ? f.name : `${f.name}()`, caretBack: text[w.end] === '(' ? 0 : 1 });
    const fieldItems: Completion[] = [...new Set([...SYSTEM_FIELDS, ...fields])].filter((f) => match(f)).sort(fieldOrder).map((f) => ({ label: f, kind: 'field', insert: quoteField(f) }));
    const aggs = AGGREGATES.filter((f) => match(f.name)).map((f) => fn(f, 'aggregate'));
    const fns = FUNCTIONS.filter((f) => match(f.name)).map((f) => fn(f, 'function'));
    const kws: Completion[] = KEYWORDS.filter((k) => match(k) && p.length > 0).map((k) => ({ label: k, kind: 'keyword', insert: `${k} ` }));
    items = cmd === 'stats' ? [...aggs, ...fieldItems, ...fns, ...kws] : [...fieldItems, ...fns, ...kws];
    if (w.prefix.startsWith('@')) items = items.filter((i) => i.kind === 'field');
  }
  return items.length ? { start: w.start, end: w.end, items: items.slice(0, 50) } : null;
}

/** System fields first, then shorter names (parents before their leaves), then alphabetical. */
function fieldOrder(a: string, b: string): number {
  const sa = a.startsWith('@') ? 0 : 1;
  const sb = b.startsWith('@') ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const da = a.split('.').length;
  const db = b.split('.').length;
  if (da !== db) return da - db;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a string/regex token is closed (ends with its quote and is longer than the quote). */
function closed(text: string, t: LangToken): boolean {
  const q = text[t.start];
  return t.end - t.start >= 2 && text[t.end - 1] === q;
}
