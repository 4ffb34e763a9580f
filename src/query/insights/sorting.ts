/**
 * Natural sort (AWS `sort` doc): ascending puts every non-number before every number; numbers
 * (values made only of a number) compare by value, ties by text ("0" < "01" < "1"); other values
 * compare chunk by chunk, digit runs by length then value, everything else by Unicode code point.
 *
 * SQL form: ORDER BY a tuple of keys. The chunk rule is encoded into one string key: each digit
 * run becomes its two-digit length followed by the digits. The first byte of an encoded run is
 * still a digit, so a digit run still compares with a non-digit chunk as its first digit would.
 * Missing values sort last in both directions (our documented semantics).
 */
import type { SqlExpr } from './types.js';

export interface OrderItem { sql: string; dir: 'ASC' | 'DESC' }

/** Stored columns that are never NULL (no nulls-last key needed). */
const NOT_NULL_COLUMNS = new Set(['timestamp', 'ingestion_time', 'message', 'log_stream', 'log_group']);

/** Drops later items that repeat an earlier key (they cannot change the order). */
export function dedupeOrder(items: OrderItem[]): OrderItem[] {
  const seen = new Set<string>();
  return items.filter((o) => (seen.has(o.sql) ? false : (seen.add(o.sql), true)));
}

export const NUMBER_RE = '^[-+]?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$';

export function naturalKeySql(v: string): string {
  return `arrayStringConcat(arrayMap(c -> if(match(c, '^[0-9]'), concat(leftPad(toString(least(length(c), 99)), 2, '0'), c), c), extractAll(ifNull(${v}, ''), '[0-9]+|[^0-9]+')))`;
}

/** The ORDER BY items for one sort key. */
export function sortItems(e: SqlExpr, dir: 'asc' | 'desc'): OrderItem[] {
  const d = dir === 'asc' ? 'ASC' : 'DESC';
  const nullsLast: OrderItem = { sql: `isNull(${e.sql})`, dir: 'ASC' };
  if (NOT_NULL_COLUMNS.has(e.sql)) return [{ sql: e.sql, dir: d }];
  // A constant orders nothing (and a bare number would be read as a column position).
  if (e.constant !== undefined || /^[-+\d().e]+$/.test(e.sql)) return [];
  switch (e.type) {
    case 'num': case 'ts': case 'bool':
      return [nullsLast, { sql: e.sql, dir: d }];
    case 'null':
      return [];
    default: {
      const isNum = `match(ifNull(${e.sql}, ''), '${NUMBER_RE.replace(/\\/g, '\\\\')}')`;
      return [
        nullsLast,
        { sql: isNum, dir: d },
        { sql: `if(${isNum}, toFloat64OrNull(${e.sql}), 0)`, dir: d },
        { sql: `if(${isNum}, '', ${naturalKeySql(e.sql)})`, dir: d },
        { sql: `ifNull(${e.sql}, '')`, dir: d },
      ];
    }
  }
}

/** A tuple that orders values naturally (ascending), for argMin/argMax (sortsFirst/sortsLast, min/max of text). */
export function naturalTupleSql(v: string): string {
  const isNum = `match(ifNull(${v}, ''), '${NUMBER_RE.replace(/\\/g, '\\\\')}')`;
  return `tuple(${isNum}, if(${isNum}, ifNull(toFloat64OrNull(${v}), 0), 0), if(${isNum}, '', ${naturalKeySql(v)}), ifNull(${v}, ''))`;
}

export function renderOrder(items: OrderItem[]): string {
  return items.map((o) => `${o.sql} ${o.dir}`).join(', ');
}
