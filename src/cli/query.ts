/** `trailwatch query`: runs a Logs Insights query (StartQuery, then GetQueryResults until it ends). */
import type { Command } from 'commander';
import { CliError, usageError } from './errors.js';
import { withClient } from './context.js';
import { out, outJson, parsePositiveInt, parseTime, table } from './format.js';

interface ResultField { field: string; value: string }
interface Results { status: string; results?: ResultField[][]; statistics?: { recordsMatched?: number; recordsScanned?: number; bytesScanned?: number } }

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run a Logs Insights query and print the results as a table (or --json)')
    .argument('<query>', "query text, e.g. 'fields @timestamp, @message | filter @message like /ERROR/ | limit 20'")
    .requiredOption('-g, --group <name>', 'log group (repeat for several)', collect, [])
    .option('--since <time>', 'start this long ago (1h, 2d) or at a time (ISO-8601, epoch ms)', '1h')
    .option('--end <time>', 'end time (default now)')
    .option('--limit <n>', 'maximum rows (1-10000)')
    .action(async (query: string, opts: { group: string[]; since: string; end?: string; limit?: string }, cmd: Command) => {
      const now = Date.now();
      const start = parseTime(opts.since, now, '--since');
      const end = opts.end ? parseTime(opts.end, now, '--end') : now;
      if (end < start) throw usageError('--end must not be before --since');
      await withClient(cmd, async (client, g) => {
        const input: Record<string, unknown> = { logGroupNames: opts.group, startTime: Math.floor(start / 1000), endTime: Math.ceil(end / 1000), queryString: query };
        if (opts.limit) input.limit = parsePositiveInt(opts.limit, '--limit');
        const { queryId } = await client.call<{ queryId: string }>('StartQuery', input);
        let r: Results;
        let stopping = false;
        // Ctrl-C stops the query on the server too, not just the waiting.
        const onSigint = () => { stopping = true; void client.call('StopQuery', { queryId }).catch(() => undefined); };
        process.once('SIGINT', onSigint);
        try {
          for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
            r = await client.call<Results>('GetQueryResults', { queryId });
            if (r.status !== 'Running' && r.status !== 'Scheduled') break;
            await new Promise((res) => setTimeout(res, delay));
          }
        } finally {
          process.removeListener('SIGINT', onSigint);
        }
        if (r.status !== 'Complete') throw new CliError(stopping ? 'QueryCancelled' : `Query${r.status}`, `query ${queryId} ended with status ${r.status}`);
        const rows = r.results ?? [];
        if (g.json) {
          outJson({ queryId, status: r.status, statistics: r.statistics, results: rows.map((row) => Object.fromEntries(row.map((f) => [f.field, f.value]))) });
          return;
        }
        const columns: string[] = [];
        for (const row of rows) for (const f of row) if (f.field !== '@ptr' && !columns.includes(f.field)) columns.push(f.field);
        const cells = rows.map((row) => {
          const m = new Map(row.map((f) => [f.field, f.value]));
          return columns.map((c) => (m.get(c) ?? '').replace(/\s+/g, ' ').slice(0, 200));
        });
        if (columns.length) out(table(columns, cells));
        const s = r.statistics ?? {};
        process.stderr.write(`${rows.length} rows; ${s.recordsMatched ?? 0} records matched, ${s.recordsScanned ?? 0} scanned, ${s.bytesScanned ?? 0} bytes\n`);
      });
    });
}
