/**
 * Lifecycle of Logs Insights queries behind StartQuery / GetQueryResults / StopQuery /
 * DescribeQueries: Scheduled → Running → Complete | Failed | Cancelled | Timeout, a concurrency
 * cap, a timeout, partial results while running, and results kept for 7 days.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../store/engine.js';
import type { InsightsRequest, InsightsResult, RunInsightsQuery } from './insights/contract.js';

export type QueryStatus = 'Scheduled' | 'Running' | 'Complete' | 'Failed' | 'Cancelled' | 'Timeout';

export interface QueryRecord {
  queryId: string;
  queryString: string;
  logGroupNames: string[];
  createTime: number;
  status: QueryStatus;
  result?: InsightsResult;
  error?: string;
  controller: AbortController;
  finishedAt?: number;
}

export const MAX_CONCURRENT_QUERIES = 30;
export const QUERY_TIMEOUT_MS = 60 * 60 * 1000;
const RESULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
const MAX_KEPT_QUERIES = 2000;

export class QueryLimitError extends Error {}

export class QueryManager {
  private readonly queries = new Map<string, QueryRecord>();
  private running = 0;

  constructor(private readonly engine: Engine, private readonly run: () => Promise<RunInsightsQuery>, private readonly timeoutMs = QUERY_TIMEOUT_MS) {}

  start(req: Omit<InsightsRequest, 'signal' | 'onProgress'>, logGroupNames: string[]): QueryRecord {
    if (this.running >= MAX_CONCURRENT_QUERIES) throw new QueryLimitError(`Account maximum query concurrency limit of [${MAX_CONCURRENT_QUERIES}] reached.`);
    this.prune();
    const rec: QueryRecord = { queryId: randomUUID(), queryString: req.queryString, logGroupNames, createTime: Date.now(), status: 'Scheduled', controller: new AbortController() };
    this.queries.set(rec.queryId, rec);
    this.running++;
    const timer = setTimeout(() => { if (!rec.finishedAt) { rec.status = 'Timeout'; rec.controller.abort(); } }, this.timeoutMs);
    timer.unref();
    void (async () => {
      try {
        const runner = await this.run();
        if (rec.controller.signal.aborted) return;
        rec.status = 'Running';
        // The latest partial result is what GetQueryResults shows while Running, and what a stopped or
        // timed-out query keeps.
        const result = await runner(this.engine, { ...req, signal: rec.controller.signal, onProgress: (partial) => { if (rec.status === 'Running') rec.result = partial; } });
        if (rec.status === 'Running') { rec.result = result; rec.status = 'Complete'; }
      } catch (e) {
        if (rec.status === 'Running' || rec.status === 'Scheduled') {
          // The engine's own time limit (max_execution_time) is a timeout, not a failure.
          if ((e as Error).name === 'InsightsTimeoutError') rec.status = 'Timeout';
          else { rec.status = 'Failed'; rec.result = undefined; }
          rec.error = (e as Error).message;
        }
      } finally {
        clearTimeout(timer);
        rec.finishedAt = Date.now();
        this.running--;
      }
    })();
    return rec;
  }

  get(queryId: string): QueryRecord | undefined { return this.queries.get(queryId); }

  /** Returns false when the query is not running (AWS answers InvalidParameterException). */
  stop(queryId: string): boolean {
    const rec = this.queries.get(queryId);
    if (!rec || (rec.status !== 'Running' && rec.status !== 'Scheduled')) return false;
    rec.status = 'Cancelled';
    rec.controller.abort();
    return true;
  }

  list(): QueryRecord[] {
    this.prune();
    return [...this.queries.values()].sort((a, b) => b.createTime - a.createTime);
  }

  /** Waits for every running query to end (shutdown). */
  async close(): Promise<void> {
    for (const q of this.queries.values()) if (!q.finishedAt) q.controller.abort();
    for (let i = 0; i < 100 && this.running > 0; i++) await new Promise((r) => setTimeout(r, 20));
  }

  private prune(): void {
    const cutoff = Date.now() - RESULT_RETENTION_MS;
    for (const [id, q] of this.queries) if (q.finishedAt && q.finishedAt < cutoff) this.queries.delete(id);
    if (this.queries.size > MAX_KEPT_QUERIES) {
      for (const [id, q] of this.queries) {
        if (this.queries.size <= MAX_KEPT_QUERIES) break;
        if (q.finishedAt) this.queries.delete(id);
      }
    }
  }
}
