/**
 * The Logs Insights query language engine: `runInsightsQuery` runs a query; `parseQuery` gives
 * its AST; `validateQuery` checks it without running (MalformedQueryError with a location);
 * `compileQuery` returns the ClickHouse SQL it runs.
 */
import type { InsightsRequest, RunInsightsQuery } from './contract.js';
import { runInsightsQuery as run, prepare, resolvedSql } from './executor.js';
import { compilePatternInput, compilePipeline, splitAtPattern, type CompiledQuery, type PatternPlan } from './compiler.js';
import { parseQuery as parse } from './parser.js';
import { checkCommands } from './compiler.js';
import type { Query } from './ast.js';

export { MalformedQueryError } from './contract.js';
export type { InsightsRequest, InsightsResult, RunInsightsQuery, QueryLogGroup, ResultField, InsightsStatistics } from './contract.js';
export { InsightsTimeoutError, InsightsCancelledError } from './errors.js';
export type { CompiledQuery, PatternPlan } from './compiler.js';
export type { Query, Command, Expr } from './ast.js';

export const runInsightsQuery: RunInsightsQuery = run;

/** The SQL a query runs with on this engine (text-index markers resolved). */
export const explainQuery = resolvedSql;

/** The AST of a query (syntax only). Throws MalformedQueryError. */
export function parseQuery(text: string): Query {
  return parse(text);
}

const DUMMY_REQUEST: Omit<InsightsRequest, 'queryString'> = {
  groups: [{ id: 1, name: '/validate', logGroupClass: 'STANDARD' }],
  allGroups: () => [{ id: 1, name: '/validate', logGroupClass: 'STANDARD' }],
  startMs: 0,
  endMs: 3_600_000,
  accountId: '000000000000',
  now: 3_600_000,
};

/**
 * Checks a query completely (syntax, names, functions, command order) without running it.
 * Throws MalformedQueryError with location {start, end, line, column}.
 */
export function validateQuery(text: string, req?: Partial<InsightsRequest>): void {
  const q = parse(text);
  checkCommands(q);
  const hasSource = q.commands[0]?.kind === 'source';
  compileQuery(text, { ...DUMMY_REQUEST, ...(hasSource ? { groups: [] } : {}), ...req, queryString: text });
}

/**
 * The SQL a query compiles to for a request. For a pattern/diff/anomaly query this is the SQL of
 * the pattern input (the rest runs over the clustered rows).
 */
export function compileQuery(text: string, req: InsightsRequest): { sql: string; params: Record<string, unknown>; compiled?: CompiledQuery; pattern?: PatternPlan } {
  const { q, creq } = prepare({ ...req, queryString: text });
  const split = splitAtPattern(q);
  if (split) {
    const plan = compilePatternInput(q, creq, split);
    // Compile the rest over an empty row source too, so its errors surface here.
    compilePipeline(q, creq, plan.rest, { columns: [{ name: '@pattern', type: 'str' }, { name: '@ratio', type: 'num' }, { name: '@sampleCount', type: 'num' }, { name: '@severityLabel', type: 'str' }], rows: [] });
    return { sql: withFallbacks(plan.inputSql, plan.tokenFilters), params: plan.params, pattern: plan };
  }
  const compiled = compilePipeline(q, creq);
  return { sql: withFallbacks(compiled.sql, compiled.tokenFilters), params: compiled.params, compiled };
}

/** Without an engine, text-index markers become their exact conditions (the SQL stays runnable). */
function withFallbacks(sql: string, filters: { marker: string; fallback: string }[]): string {
  for (const f of filters) sql = sql.split(f.marker).join(f.fallback);
  return sql;
}
