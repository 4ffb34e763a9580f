/** `trailwatch streams`: the log streams of a group, paging through DescribeLogStreams. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { withClient } from './context.js';
import { isoTime, out, outJson, table } from './format.js';

export interface LogStream {
  logStreamName: string;
  creationTime?: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  [k: string]: unknown;
}

export function registerStreams(program: Command): void {
  program
    .command('streams')
    .description('list the log streams of a log group (name, first/last event time, last ingestion)')
    .requiredOption('-g, --group <name>', 'log group name')
    .option('--prefix <prefix>', 'only streams whose name starts with this (not with --order time)')
    .addOption(new Option('--order <order>', 'name: by name, ascending; time: most recent event first').choices(['name', 'time']).default('name'))
    .action(async (opts: { group: string; prefix?: string; order: 'name' | 'time' }, cmd: Command) => {
      await withClient(cmd, async (client, g) => {
        const streams: LogStream[] = [];
        let nextToken: string | undefined;
        do {
          const page = await client.call<{ logStreams?: LogStream[]; nextToken?: string }>('DescribeLogStreams', {
            logGroupName: opts.group,
            ...(opts.prefix ? { logStreamNamePrefix: opts.prefix } : {}),
            ...(opts.order === 'time' ? { orderBy: 'LastEventTime', descending: true } : { orderBy: 'LogStreamName' }),
            ...(nextToken ? { nextToken } : {}),
          });
          streams.push(...(page.logStreams ?? []));
          nextToken = page.nextToken && page.nextToken !== nextToken ? page.nextToken : undefined;
        } while (nextToken);
        if (g.json) { outJson({ logGroupName: opts.group, logStreams: streams }); return; }
        out(table(['NAME', 'FIRST EVENT', 'LAST EVENT', 'LAST INGESTION'], streams.map((s) => [
          s.logStreamName,
          isoTime(s.firstEventTimestamp),
          isoTime(s.lastEventTimestamp),
          isoTime(s.lastIngestionTime),
        ])));
      });
    });
}
