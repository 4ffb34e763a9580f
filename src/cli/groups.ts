/** `trailwatch groups`: the log groups, paging through DescribeLogGroups. */
import type { Command } from 'commander';
import { withClient } from './context.js';
import { formatBytes, isoTime, out, outJson, table } from './format.js';

export interface LogGroup {
  logGroupName: string;
  creationTime?: number;
  retentionInDays?: number;
  storedBytes?: number;
  arn?: string;
  logGroupClass?: string;
  [k: string]: unknown;
}

export function registerGroups(program: Command): void {
  program
    .command('groups')
    .description('list log groups (name, retention, stored bytes, creation time)')
    .option('--prefix <prefix>', 'only groups whose name starts with this')
    .action(async (opts: { prefix?: string }, cmd: Command) => {
      await withClient(cmd, async (client, g) => {
        const groups: LogGroup[] = [];
        let nextToken: string | undefined;
        do {
          const page = await client.call<{ logGroups?: LogGroup[]; nextToken?: string }>('DescribeLogGroups', {
            ...(opts.prefix ? { logGroupNamePrefix: opts.prefix } : {}),
            ...(nextToken ? { nextToken } : {}),
          });
          groups.push(...(page.logGroups ?? []));
          // A server that hands back the token it was given has nothing more.
          nextToken = page.nextToken && page.nextToken !== nextToken ? page.nextToken : undefined;
        } while (nextToken);
        if (g.json) { outJson({ logGroups: groups }); return; }
        out(table(['NAME', 'RETENTION', 'STORED', 'CREATED'], groups.map((x) => [
          x.logGroupName,
          x.retentionInDays ? `${x.retentionInDays}d` : 'never',
          formatBytes(x.storedBytes),
          isoTime(x.creationTime),
        ])));
      });
    });
}
