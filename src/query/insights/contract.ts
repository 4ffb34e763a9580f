/**
 * The contract between the Logs Insights language (parser, planner, SQL compiler, executor) and
 * its callers (StartQuery/GetQueryResults, the CLI, the console). Callers depend only on this file.
 */
import type { Engine } from '../../store/engine.js';

export interface QueryLogGroup {
  id: number;
  name: string;
  logGroupClass: string;
  /**
   * The event table holding the group's events (LogStore.tableOf). Optional: when any queried group
   * lacks it, the engine reads every event table (log_events and events_*) through merge().
   */
  table?: string;
  /**
   * Insights field name → a column of `table` that holds the field's value exactly whenever the event's
   * value is a JSON string, and NULL otherwise (src/sources: ColumnDef.exactText). Set only when every row
   * of the group carries its typed columns; the compiler then reads the column instead of parsing the
   * message, and falls back to the message where the column is NULL.
   */
  typedFields?: Record<string, string>;
}

export interface InsightsRequest {
  queryString: string;
  /** Groups named by the API call; empty when the query starts with SOURCE. */
  groups: QueryLogGroup[];
  /** Every group, for SOURCE logGroups(namePrefix: …) resolution. */
  allGroups: () => QueryLogGroup[];
  /** Inclusive range in epoch milliseconds (StartQuery sends seconds; the API converts). */
  startMs: number;
  endMs: number;
  /** StartQuery's `limit` parameter (1–10,000), when given. */
  limit?: number;
  accountId: string;
  /** Query start time (for now(), queryStartTime()). */
  now: number;
  signal?: AbortSignal;
  /** Receives partial results while running (optional). */
  onProgress?: (partial: InsightsResult) => void;
}

export interface ResultField { field: string; value: string }

export interface InsightsStatistics {
  recordsMatched: number;
  recordsScanned: number;
  bytesScanned: number;
  estimatedRecordsSkipped?: number;
  estimatedBytesSkipped?: number;
  logGroupsScanned?: number;
}

export interface InsightsResult {
  /** Column order for display. */
  fields: string[];
  /** GetQueryResults rows: all values are strings, null values omitted; `@ptr` on non-aggregated rows. */
  rows: ResultField[][];
  statistics: InsightsStatistics;
}

/** A compile error, answered as MalformedQueryException with queryCompileError.location. */
export class MalformedQueryError extends Error {
  constructor(message: string, readonly location: { start: number; end: number; line?: number; column?: number }) {
    super(message);
  }
}

export type RunInsightsQuery = (engine: Engine, req: InsightsRequest) => Promise<InsightsResult>;
