/**
 * Compile errors with a position. Every refusal of the language goes through `malformed`, so
 * the answer is always MalformedQueryException with `queryCompileError.location` = {start, end}
 * (character offsets, end exclusive) plus a 1-based line and column for humans.
 */
import { MalformedQueryError } from './contract.js';
import type { Span } from './ast.js';

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1 };
}

export function malformed(text: string, span: Span, message: string): MalformedQueryError {
  const start = Math.max(0, Math.min(span.start, text.length));
  const end = Math.max(start, Math.min(span.end, text.length));
  const { line, column } = lineColumn(text, start);
  return new MalformedQueryError(`${message} at line ${line}, column ${column}`, { start, end, line, column });
}

/** Thrown when a query exceeds the engine time limit (max_execution_time): the API answers status Timeout. */
export class InsightsTimeoutError extends Error {
  constructor(message = 'Query timed out') { super(message); this.name = 'InsightsTimeoutError'; }
}

/** Thrown when `req.signal` aborts the query: the API answers status Cancelled. */
export class InsightsCancelledError extends Error {
  constructor(message = 'Query was cancelled') { super(message); this.name = 'InsightsCancelledError'; }
}
