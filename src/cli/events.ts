/** `trailwatch tail` (FilterLogEvents, optionally following) and `trailwatch get-events` (GetLogEvents). */
import type { Command } from 'commander';
import type { LogsClient } from './client.js';
import { CliError, usageError } from './errors.js';
import { withClient } from './context.js';
import { isoTime, out, outJson, parsePositiveInt, parseTime } from './format.js';

interface FilteredEvent { logStreamName: string; timestamp: number; message: string; ingestionTime?: number; eventId: string }
interface FilterPage { events?: FilteredEvent[]; nextToken?: string }
interface OutputEvent { timestamp: number; message: string; ingestionTime?: number }
interface GetPage { events?: OutputEvent[]; nextForwardToken?: string; nextBackwardToken?: string }

/** How late (after its timestamp) an event may become visible and still be printed by --follow. */
const LATE_MS = 10_000;
const POLL_MS = 1000;
/** GetLogEvents and FilterLogEvents return at most this many events per call. */
const MAX_PAGE = 10_000;

function printFiltered(e: FilteredEvent, json: boolean | undefined): void {
  if (json) outJson({ logStreamName: e.logStreamName, timestamp: e.timestamp, ingestionTime: e.ingestionTime, eventId: e.eventId, message: e.message });
  else out(`${isoTime(e.timestamp)} ${e.logStreamName} ${e.message}\n`);
}

/** All events of FilterLogEvents from `startTime`, every page. */
async function* filterAll(client: LogsClient, base: Record<string, unknown>, startTime: number): AsyncGenerator<FilteredEvent> {
  let nextToken: string | undefined;
  do {
    const page = await client.call<FilterPage>('FilterLogEvents', { ...base, startTime, ...(nextToken ? { nextToken } : {}) });
    for (const e of page.events ?? []) yield e;
    nextToken = page.nextToken && page.nextToken !== nextToken ? page.nextToken : undefined;
  } while (nextToken);
}

/** Errors a follower rides out (the server restarting, overload); anything else ends it. */
function transient(e: unknown): boolean {
  return e instanceof CliError && (e.code === 'NetworkingError' || e.code === 'ServiceUnavailableException' || e.code === 'ThrottlingException' || (e.status ?? 0) >= 500);
}

export function registerEvents(program: Command): void {
  program
    .command('tail')
    .description('print recent events of a log group (FilterLogEvents); --follow keeps printing new ones until Ctrl-C')
    .requiredOption('-g, --group <name>', 'log group name')
    .option('-s, --stream <name>', 'only this log stream')
    .option('--since <time>', 'start this long ago (10m, 1h, 2d) or at a time (ISO-8601, epoch ms)', '10m')
    .option('-f, --follow', 'keep polling every second for new events')
    .option('--filter <pattern>', 'CloudWatch Logs filter pattern (terms, "quoted phrases", -excluded, ?optional)')
    .action(async (opts: { group: string; stream?: string; since: string; follow?: boolean; filter?: string }, cmd: Command) => {
      const now = Date.now();
      const since = parseTime(opts.since, now, '--since');
      await withClient(cmd, async (client, g) => {
        const base: Record<string, unknown> = { logGroupName: opts.group };
        if (opts.stream) base.logStreamNames = [opts.stream];
        if (opts.filter) base.filterPattern = opts.filter;
        // Ids already printed, with their timestamps, for events at or after the next poll's start.
        const seen = new Map<string, number>();
        let lastTs: number | undefined;
        // A poll starts at the newest timestamp seen, but no later than LATE_MS ago: an event stamped
        // in the future (allowed up to 2 h ahead) must not hide the ones arriving now, and events that
        // become visible a little after their timestamp (a busy server, a slow shipper) are still caught.
        // The overlap is deduplicated by event id.
        const nextStart = () => (lastTs === undefined ? since : Math.min(lastTs, Math.max(Date.now() - LATE_MS, since)));
        const poll = async () => {
          for await (const e of filterAll(client, base, nextStart())) {
            if (seen.has(e.eventId)) continue;
            seen.set(e.eventId, e.timestamp);
            printFiltered(e, g.json);
            if (lastTs === undefined || e.timestamp > lastTs) lastTs = e.timestamp;
          }
          const start = nextStart();
          for (const [id, ts] of seen) if (ts < start) seen.delete(id);
        };
        await poll();
        if (!opts.follow) return;
        let stop: () => void = () => {};
        let stopping = false;
        process.once('SIGINT', () => { stopping = true; stop(); });
        process.once('SIGTERM', () => { stopping = true; stop(); });
        let warned = false;
        while (!stopping) {
          await new Promise<void>((r) => {
            const timer = setTimeout(r, POLL_MS);
            stop = () => { clearTimeout(timer); r(); };
          });
          if (stopping) break;
          try {
            await poll();
            warned = false;
          } catch (e) {
            if (!transient(e)) throw e;
            if (!warned) process.stderr.write(`trailwatch: ${(e as CliError).code}: ${(e as CliError).message} (still trying)\n`);
            warned = true;
          }
        }
      });
    });

  program
    .command('get-events')
    .description('print the events of one log stream (GetLogEvents): the latest ones, or from the oldest with --head')
    .requiredOption('-g, --group <name>', 'log group name')
    .requiredOption('-s, --stream <name>', 'log stream name')
    .option('--start <time>', 'from this time: ISO-8601, epoch ms, or relative (1h = an hour ago)')
    .option('--end <time>', 'up to this time (exclusive): ISO-8601, epoch ms, or relative')
    .option('--limit <n>', 'at most this many events', (v) => parsePositiveInt(v, '--limit'))
    .option('--head', 'start from the oldest event and page forward until the end')
    .action(async (opts: { group: string; stream: string; start?: string; end?: string; limit?: number; head?: boolean }, cmd: Command) => {
      const now = Date.now();
      const start = opts.start !== undefined ? parseTime(opts.start, now, '--start') : undefined;
      const end = opts.end !== undefined ? parseTime(opts.end, now, '--end') : undefined;
      if (start !== undefined && end !== undefined && end < start) throw usageError('--end is before --start');
      await withClient(cmd, async (client, g) => {
        const print = (e: OutputEvent) => {
          if (g.json) outJson({ logStreamName: opts.stream, timestamp: e.timestamp, ingestionTime: e.ingestionTime, message: e.message });
          else out(`${isoTime(e.timestamp)} ${e.message}\n`);
        };
        const base = { logGroupName: opts.group, logStreamName: opts.stream, ...(start !== undefined ? { startTime: start } : {}), ...(end !== undefined ? { endTime: end } : {}) };
        if (!opts.head) {
          const page = await client.call<GetPage>('GetLogEvents', { ...base, startFromHead: false, ...(opts.limit ? { limit: Math.min(opts.limit, MAX_PAGE) } : {}) });
          for (const e of page.events ?? []) print(e);
          return;
        }
        let remaining = opts.limit ?? Infinity;
        let token: string | undefined;
        while (remaining > 0) {
          const page = await client.call<GetPage>('GetLogEvents', { ...base, startFromHead: true, limit: Math.min(remaining, MAX_PAGE), ...(token ? { nextToken: token } : {}) });
          const events = page.events ?? [];
          for (const e of events.slice(0, remaining)) print(e);
          remaining -= events.length;
          // The end of the stream: the same forward token comes back.
          if (!page.nextForwardToken || page.nextForwardToken === token) break;
          token = page.nextForwardToken;
        }
      });
    });
}
