/**
 * Text-index assistance (ENGINE.md rule 7). Every event table has a `text` index `message_tokens`
 * with the splitByNonAlpha tokenizer: a token is a maximal run of bytes that are not ASCII
 * punctuation/space (ASCII letters, digits and every non-ASCII byte). Insights `like "x"` is a
 * substring test, not a token test, so the index is only used through conditions that are
 * provably implied by the query's own condition:
 *
 *  - `f = "lit"` / `f in ["a","b"]` on a field read verbatim from the message (JSON string leaves,
 *    VPC Flow Logs and Route 53 columns): the message contains every token of the literal as a whole
 *    token → `hasAllTokens(message, tokens)` is added before the exact comparison. Only for literals of
 *    printable ASCII that JSON encoders never escape and that do not look like numbers (a JSON number
 *    is compared in its normalized form).
 *  - `@message like "needle"` (or a literal /regex/, with or without (?i)): the needle is cut at
 *    separators into pieces. A piece bounded by separators on both sides within the needle is a whole
 *    token of the message (`hasAllTokens`). A piece open on one or both sides is part of a token that
 *    ends with / starts with / contains it: the tokens that qualify are read from the index dictionary
 *    (`mergeTreeTextIndex`) of the parts the query reads, and `hasAnyTokens(message, those)` is added.
 *    When the needle is a single run of token characters, "some token contains it" IS the substring
 *    test, so the exact `position()` check is dropped and the query is answered from the index.
 *    Dictionary lookups are cached per part (parts are immutable). A needle matching more than
 *    MAX_TOKENS dictionary tokens falls back to the plain scan.
 *
 * Parts whose text index is not built yet (the store builds it in background merges) keep the exact
 * scan: the condition becomes `(part indexed AND hasAnyTokens(…)) OR (part not indexed AND exact)`.
 *
 * Events inserted while a query is being planned may be missed by a dictionary-based search (their
 * part was not in the dictionary snapshot); everything stored before the query started is found.
 */
import type { Engine } from '../../store/engine.js';
import type { Expr, RegexLit, StringLit } from './ast.js';

export const MAX_TOKENS = 1000;

export type PieceKind = 'whole' | 'prefix' | 'suffix' | 'infix';
export interface Piece { text: string; kind: PieceKind }

/** A dictionary-assisted condition, resolved by the executor. */
export interface TokenFilter {
  /** Identifier placed in the SQL where the condition goes. */
  marker: string;
  pieces: Piece[];
  ci: boolean;
  /** The pieces' condition is the whole test (no exact check needed). */
  exact: boolean;
  /** The exact SQL condition (used alone when the dictionary cannot help). */
  fallback: string;
}

const isTokenChar = (c: string): boolean => c.charCodeAt(0) > 127 || /[A-Za-z0-9]/.test(c);

/** Tokens of a literal, as splitByNonAlpha cuts them. */
export function tokensOf(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const c of s) {
    if (isTokenChar(c)) cur += c;
    else if (cur) { out.push(cur); cur = ''; }
  }
  if (cur) out.push(cur);
  return out;
}

/** Literals whose tokens appear verbatim in any JSON encoding of them. */
export function isVerbatimLiteral(s: string): boolean {
  return s.length > 0 && /^[\x20-\x7e]*$/.test(s) && !/["\\<>&']/.test(s) && !/^[-+0-9.eE]*$/.test(s) && tokensOf(s).length > 0;
}

/** The plain text a string or literal regex searches for, or null when the regex is not a literal. */
export function literalNeedle(p: StringLit | RegexLit): { text: string; ci: boolean } | null {
  if (p.kind === 'string') return p.value ? { text: p.value, ci: false } : null;
  let re = p.pattern;
  let ci = false;
  if (re.startsWith('(?i)')) { ci = true; re = re.slice(4); }
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const n = re[i + 1];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) return null;
      out += n;
      i++;
      continue;
    }
    if ('.^$*+?()[]{}|'.includes(c)) return null;
    out += c;
  }
  return out ? { text: out, ci } : null;
}

/** Cuts a needle at separators; each piece says on which sides the needle bounds it. */
export function piecesOf(needle: string): Piece[] {
  const chars = [...needle];
  const pieces: Piece[] = [];
  let i = 0;
  while (i < chars.length) {
    if (!isTokenChar(chars[i])) { i++; continue; }
    const start = i;
    while (i < chars.length && isTokenChar(chars[i])) i++;
    const left = start > 0;
    const right = i < chars.length;
    const kind: PieceKind = left && right ? 'whole' : left ? 'prefix' : right ? 'suffix' : 'infix';
    pieces.push({ text: chars.slice(start, i).join(''), kind });
  }
  return pieces;
}

/** Top-level conjuncts of a filter expression. */
export function conjuncts(e: Expr): Expr[] {
  if (e.kind === 'binary' && e.op === 'and') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

// ---- dictionary lookups (executor side) ----

export interface PartInfo { table: string; name: string; key: string; indexed?: boolean }

/** Per engine: tokens matching a predicate in one part (null = more than MAX_TOKENS). */
const caches = new WeakMap<object, Map<string, string[] | null>>();
const CACHE_ENTRIES = 50_000;

function cacheOf(engine: Engine): Map<string, string[] | null> {
  let c = caches.get(engine);
  if (!c) { c = new Map(); caches.set(engine, c); }
  return c;
}

function predicate(p: Piece, ci: boolean): string {
  const t = ci ? 'lowerUTF8(token)' : 'token';
  const n = ci ? 'lowerUTF8({n:String})' : '{n:String}';
  switch (p.kind) {
    case 'whole': return `${t} = ${n}`;
    case 'prefix': return `startsWith(${t}, ${n})`;
    case 'suffix': return `endsWith(${t}, ${n})`;
    default: return ci ? `positionCaseInsensitiveUTF8(token, {n:String}) > 0` : 'position(token, {n:String}) > 0';
  }
}

export type RunSql = <T>(sql: string, params: Record<string, unknown>) => Promise<T[]>;

/** The active parts of the tables that hold events of the groups in the range. */
export async function partsOf(run: RunSql, tables: string[], groupIds: number[], startMs: number, endMs: number): Promise<PartInfo[]> {
  const out: PartInfo[] = [];
  for (const table of tables) {
    const rows = await run<{ name: string; m: string; r: string; b: string }>(
      `SELECT name, toString(modification_time) AS m, toString(rows) AS r, toString(bytes_on_disk) AS b FROM system.parts
       WHERE active AND database = currentDatabase() AND table = {t:String}
         AND name IN (SELECT DISTINCT _part FROM ${table} WHERE group_id IN {g:Array(UInt64)} AND timestamp >= {s:Int64} AND timestamp <= {e:Int64})`,
      { t: table, g: groupIds, s: startMs, e: endMs });
    for (const r of rows) out.push({ table, name: r.name, key: `${table}\u0000${r.name}\u0000${r.m}\u0000${r.r}\u0000${r.b}` });
  }
  return out;
}

/**
 * Marks which parts have their text index built. The store builds text indexes in background merges
 * (not on insert), so recent parts have none: a dictionary says nothing about them, and conditions
 * on them must stay exact. A part whose dictionary is empty counts as unindexed (safe: exact scan).
 */
export async function markIndexed(engine: Engine, run: RunSql, parts: PartInfo[]): Promise<void> {
  const cache = cacheOf(engine);
  const unknown = new Map<string, PartInfo[]>();
  for (const p of parts) {
    const hit = cache.get(`${p.key}\u0000indexed`);
    if (hit !== undefined) p.indexed = hit !== null && hit.length > 0;
    else (unknown.get(p.table) ?? unknown.set(p.table, []).get(p.table)!).push(p);
  }
  for (const [table, list] of unknown) {
    const rows = await run<{ p: string }>(
      `SELECT part_name AS p FROM mergeTreeTextIndex(currentDatabase(), ${table}, message_tokens) WHERE part_name IN {parts:Array(String)} LIMIT 1 BY part_name`,
      { parts: list.map((p) => p.name) });
    const have = new Set(rows.map((r) => r.p));
    for (const p of list) {
      p.indexed = have.has(p.name);
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(`${p.key}\u0000indexed`, p.indexed ? ['1'] : []);
    }
  }
}

/** Dictionary tokens (across the parts) that satisfy a piece; null when more than MAX_TOKENS. */
export async function dictionaryTokens(engine: Engine, run: RunSql, parts: PartInfo[], piece: Piece, ci: boolean): Promise<string[] | null> {
  const cache = cacheOf(engine);
  const pkey = `${piece.kind}\u0000${ci ? 1 : 0}\u0000${piece.text}`;
  const union = new Set<string>();
  const missing = new Map<string, PartInfo[]>();
  for (const p of parts) {
    const hit = cache.get(`${p.key}\u0000${pkey}`);
    if (hit === null) return null;
    if (hit) { for (const t of hit) union.add(t); continue; }
    (missing.get(p.table) ?? missing.set(p.table, []).get(p.table)!).push(p);
  }
  for (const [table, list] of missing) {
    const rows = await run<{ p: string; t: string[] }>(
      `SELECT part_name AS p, groupUniqArray(${MAX_TOKENS + 1})(token) AS t FROM mergeTreeTextIndex(currentDatabase(), ${table}, message_tokens)
       WHERE part_name IN {parts:Array(String)} AND ${predicate(piece, ci)} GROUP BY part_name`,
      { parts: list.map((p) => p.name), n: piece.text });
    const byPart = new Map(rows.map((r) => [r.p, r.t]));
    for (const p of list) {
      const toks = byPart.get(p.name) ?? [];
      const v = toks.length > MAX_TOKENS ? null : toks;
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(`${p.key}\u0000${pkey}`, v);
      if (v === null) return null;
      for (const t of v) union.add(t);
    }
  }
  return union.size > MAX_TOKENS ? null : [...union].sort();
}
