/**
 * Finding documents as AWS hands them out: one finding, an array of findings, an API response
 * (`{"findings":[…]}` / `{"Findings":[…]}`), EventBridge events (the finding in `detail`, or a list in
 * `detail.findings`), one per line or pretty-printed. Shared by the GuardDuty and Security Hub formats.
 */
import type { ParseOptions, ParseOutput, ParseProblem, ParsedEvent } from './contract.js';
import { fallbackTime, parseAwsLogFileName } from './file-names.js';
import { errorText, readJsonDocuments } from './json-reader.js';
import { isPlausibleMillis, parseIsoMillis } from './time.js';
import { clip, isObject, type ColumnValue } from './values.js';

/** An ISO-8601 time of a finding field in epoch ms, or null when absent or implausible. */
export function findingTime(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const t = parseIsoMillis(v);
  return isPlausibleMillis(t) ? t : null;
}

export interface FindingDoc {
  finding: Record<string, unknown>;
  /** The finding's own text when it was a whole line (kept as the message); otherwise the message is re-serialized. */
  text?: string;
  line: number;
  /** EventBridge `time`, when the finding came in an event. */
  eventTime?: string;
}

export interface FindingShape {
  /** What the documents are called in problems, e.g. `GuardDuty finding`. */
  what: string;
  looksLike(o: Record<string, unknown>): boolean;
}

export function collectFindings(text: string, problems: ParseProblem[], shape: FindingShape): FindingDoc[] {
  const out: FindingDoc[] = [];
  const visit = (v: unknown, line: number, own: string | undefined, eventTime: string | undefined, depth: number): void => {
    if (depth > 4) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, line, undefined, eventTime, depth + 1);
      return;
    }
    if (!isObject(v)) {
      problems.push({ line, reason: `not a ${shape.what} (expected a JSON object)`, text: clip(own ?? JSON.stringify(v) ?? '') });
      return;
    }
    if (shape.looksLike(v)) {
      out.push({ finding: v, text: own, line, eventTime });
      return;
    }
    if (isObject(v.detail) && (typeof v['detail-type'] === 'string' || typeof v.source === 'string')) {
      const t = typeof v.time === 'string' ? v.time : undefined;
      const d = v.detail;
      if (Array.isArray(d.findings)) visit(d.findings, line, undefined, t, depth + 1);
      else if (Array.isArray(d.Findings)) visit(d.Findings, line, undefined, t, depth + 1);
      else visit(d, line, undefined, t, depth + 1);
      return;
    }
    const list = Array.isArray(v.findings) ? v.findings : Array.isArray(v.Findings) ? v.Findings : undefined;
    if (list) {
      visit(list, line, undefined, eventTime, depth + 1);
      return;
    }
    problems.push({ line, reason: `not a ${shape.what}`, text: clip(own ?? JSON.stringify(v)) });
  };
  for (const doc of readJsonDocuments(text, problems)) visit(doc.value, doc.line, doc.wholeLine || doc.compact ? doc.text : undefined, undefined, 0);
  return out;
}

export interface FindingFormat extends FindingShape {
  columns(f: Record<string, unknown>): Record<string, ColumnValue>;
  /** The event time from a finding's columns, or null (the EventBridge event time is tried next). */
  timestamp(columns: Record<string, ColumnValue>): number | null;
  /** The time fields' names, for the warning when none is readable, e.g. `updatedAt/createdAt`. */
  timeFields: string;
}

/** Parses a file of findings into events: the finding's own text as the message, its typed columns. */
export function parseFindings(text: string, fileName: string | undefined, options: ParseOptions, format: FindingFormat): ParseOutput {
  const info = parseAwsLogFileName(fileName);
  const out: ParseOutput = { events: [], problems: [], warnings: [], kind: 'events' };
  if (info) out.fileInfo = info;
  try {
    const fallback = fallbackTime(options.fallbackTimestamp, info);
    const keep = options.keepRecord !== false;
    for (const doc of collectFindings(text, out.problems, format)) {
      const columns = format.columns(doc.finding);
      let ts = format.timestamp(columns) ?? findingTime(doc.eventTime);
      const message = doc.text ?? JSON.stringify(doc.finding);
      if (ts === null) {
        ts = fallback;
        out.warnings!.push({ line: doc.line, reason: `${format.timeFields} unreadable; timestamp set to ${new Date(fallback).toISOString()}`, text: clip(message, 256) });
      }
      const ev: ParsedEvent = { timestamp: ts, message, columns };
      if (keep) ev.record = doc.finding;
      out.events.push(ev);
    }
  } catch (err) {
    out.problems.push({ line: 0, reason: `parser error: ${errorText(err)}`, text: '' });
  }
  return out;
}
