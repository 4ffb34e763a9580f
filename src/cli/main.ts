/** The `trailwatch` command. Every command but `serve` talks to a running server through its API. */
import { Command } from 'commander';
import { registerServe } from './serve.js';

const program = new Command();
program
  .name('trailwatch')
  .description('Self-hosted AWS security logging and monitoring')
  .option('--json', 'machine-readable JSON output')
  .option('--endpoint <url>', 'server endpoint', process.env.TRAILWATCH_ENDPOINT ?? 'http://127.0.0.1:4566')
  .option('--region <region>', 'region to sign requests for', process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1')
  .option('--profile <name>', 'AWS profile to read credentials from', process.env.AWS_PROFILE);

registerServe(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as { name?: string; message?: string };
  if (program.opts<{ json?: boolean }>().json) process.stdout.write(JSON.stringify({ error: e.name ?? 'Error', message: e.message ?? String(err) }) + '\n');
  else process.stderr.write(`trailwatch: ${e.message ?? String(err)}\n`);
  process.exit(1);
});
