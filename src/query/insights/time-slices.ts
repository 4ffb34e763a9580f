/**
 * Time slicing of event queries (docs/insights.md, "Partial results and early stop"): which queries can
 * be answered slice by slice, newest first (or oldest first for `sort @timestamp asc`), and the slices.
 *
 * A query qualifies when its rows are events in an order whose first key is @timestamp and every command
 * is row-local (fields, parse, display, filter, unmask) apart from sort and a trailing limit: then the
 * first N rows of the whole range are the first N rows of the slices taken in order, because a
 * timestamp never spans two slices.
 */
import type { Command, Projection, Query } from './ast.js';

export interface TimeSlice { startMs: number; endMs: number }
export type SliceDirection = 'asc' | 'desc';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Widths of the first slices; after these each slice doubles (day-aligned, like the table's partitions). */
const FIRST_WIDTHS = [HOUR, 3 * HOUR, 12 * HOUR, DAY];
/** More slices than this adds queries without helping: the last one takes the rest of the range. */
export const MAX_SLICES = 40;

function widthOf(i: number): number {
  return i < FIRST_WIDTHS.length ? FIRST_WIDTHS[i] : DAY * 2 ** (i - FIRST_WIDTHS.length + 1);
}

/**
 * Cuts [startMs, endMs] (inclusive) into growing slices, in the order they are read: newest first for
 * `desc`, oldest first for `asc`. Inner boundaries fall on whole hours (slices under a day) or whole UTC
 * days, so a slice reads few table partitions. The slices cover the range exactly, without overlap.
 */
export function timeSlices(startMs: number, endMs: number, dir: SliceDirection): TimeSlice[] {
  const out: TimeSlice[] = [];
  if (endMs < startMs) return out;
  if (dir === 'desc') {
    let hi = endMs;
    for (let i = 0; hi >= startMs; i++) {
      const w = widthOf(i);
      const unit = w < DAY ? HOUR : DAY;
      let lo = Math.floor((hi - w + 1) / unit) * unit;
      if (i === MAX_SLICES - 1 || lo <= startMs) lo = startMs;
      out.push({ startMs: lo, endMs: hi });
      hi = lo - 1;
    }
  } else {
    let lo = startMs;
    for (let i = 0; lo <= endMs; i++) {
      const w = widthOf(i);
      const unit = w < DAY ? HOUR : DAY;
      let hi = Math.ceil((lo + w) / unit) * unit - 1;
      if (i === MAX_SLICES - 1 || hi >= endMs) hi = endMs;
      out.push({ startMs: lo, endMs: hi });
      lo = hi + 1;
    }
  }
  return out;
}

const ROW_LOCAL = new Set<Command['kind']>(['source', 'fields', 'display', 'parse', 'filter', 'unmask']);

function definesTimestamp(c: Command): boolean {
  const redefined = (p: Projection) => (p.alias ?? (p.expr.kind === 'field' ? p.expr.name : p.text)) === '@timestamp'
    && !(p.expr.kind === 'field' && p.expr.name === '@timestamp');
  if (c.kind === 'fields' || c.kind === 'display') return c.items.some(redefined);
  if (c.kind === 'parse') return c.names.some((n) => n.name === '@timestamp');
  return false;
}

/**
 * The direction a query can be sliced in, or null when it must run in one piece: anything that
 * aggregates, deduplicates, multiplies rows or orders by another field first; `limit any`; a filter or
 * sort after a limit (they act on the limited rows); @timestamp redefined by a command.
 */
export function sliceDirection(q: Query): SliceDirection | null {
  let dir: SliceDirection = 'desc';
  let limited = false;
  for (const c of q.commands) {
    if (definesTimestamp(c)) return null;
    if (c.kind === 'limit') {
      if (c.n === 'any') return null;
      limited = true;
      continue;
    }
    if (c.kind === 'sort') {
      const k = c.keys[0];
      if (limited || !k || k.expr.kind !== 'field' || k.expr.name !== '@timestamp') return null;
      dir = k.dir;
      continue;
    }
    if (!ROW_LOCAL.has(c.kind)) return null;
    if (c.kind === 'filter' && limited) return null;
  }
  return dir;
}
