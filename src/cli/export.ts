/** `trailwatch export ocsf`: OCSF 1.1.0 Parquet in the Security Lake layout, written by the server. */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { withClient } from './context.js';
import { out, outJson, parseTime } from './format.js';
import type { OcsfExportResult } from '../sources/export/ocsf-export.js';

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerExport(program: Command): void {
  const exp = program.command('export').description('export stored events');
  exp
    .command('ocsf')
    .description('write OCSF 1.1.0 Parquet (Security Lake layout ext/<source>/region=/accountId=/eventDay=) into a directory on the server machine')
    .requiredOption('--out <dir>', 'output directory (made absolute; the server writes it)')
    .option('-g, --group <name>', 'log group (repeat; default: every group with a known AWS format)', collect, [])
    .option('--since <time>', 'start this long ago (7d, 12h) or at a time (ISO-8601, epoch ms)', '7d')
    .option('--end <time>', 'end time (default now)')
    .action(async (opts: { out: string; group: string[]; since: string; end?: string }, cmd: Command) => {
      const now = Date.now();
      const input = {
        outDir: resolve(opts.out),
        startTime: parseTime(opts.since, now, '--since'),
        endTime: opts.end ? parseTime(opts.end, now, '--end') : now,
        ...(opts.group.length ? { logGroupNames: opts.group } : {}),
      };
      await withClient(cmd, async (client, g) => {
        const r = await client.native<OcsfExportResult>('/api/v1/export/ocsf', input);
        if (g.json) { outJson(r); return; }
        out(`${r.events} events in ${r.files.length} Parquet files under ${input.outDir}\n`);
        for (const f of r.files) out(`  ${f.path}  (${f.events})\n`);
        for (const s of r.skipped) out(`  skipped ${s.events} events of ${s.logGroupName}: ${s.reason}\n`);
      });
    });
}
