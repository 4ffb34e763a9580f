/**
 * `*` wildcards in filter-pattern values: `*` stands for any run of characters (possibly empty)
 * and the value must match the whole text. A glob is kept as the literal pieces between the stars.
 */

/** JS matcher for a glob (pieces.length >= 2: there is at least one star). */
export function globMatcher(pieces: string[]): (s: string) => boolean {
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0);
  const min = pieces.reduce((n, p) => n + p.length, 0);
  if (middle.length === 0) {
    if (!first && !last) return () => true;
    if (!last) return (s) => s.startsWith(first);
    if (!first) return (s) => s.endsWith(last);
    return (s) => s.length >= min && s.startsWith(first) && s.endsWith(last);
  }
  return (s) => {
    if (s.length < min || !s.startsWith(first) || !s.endsWith(last)) return false;
    // Leftmost placement of each middle piece is optimal for `*` globs.
    let at = first.length;
    const end = s.length - last.length;
    for (const p of middle) {
      const k = s.indexOf(p, at);
      if (k < 0 || k + p.length > end) return false;
      at = k + p.length;
    }
    return true;
  };
}

/** The same glob as a ClickHouse LIKE pattern (`%` for `*`; `\`, `%`, `_` escaped). */
export function globToLike(pieces: string[]): string {
  return pieces.map((p) => p.replace(/[\\%_]/g, (c) => `\\${c}`)).join('%');
}

/** Whether a glob can match `s` (compile-time use). */
export function globMatches(pieces: string[], s: string): boolean {
  return pieces.length === 1 ? pieces[0] === s : globMatcher(pieces)(s);
}
