/** The `trailwatch` command. Every command but `serve` talks to a running server through its API. */
import { Command, CommanderError } from 'commander';
import { registerServe } from './serve.js';
import { registerGroups } from './groups.js';
import { registerStreams } from './streams.js';
import { registerIngest } from './ingest.js';
import { registerEvents } from './events.js';
import { registerQuery } from './query.js';
import { registerExport } from './export.js';
import { registerImport } from './import.js';
import { registerPack } from './pack.js';
import { describeError } from './errors.js';

const program = new Command();
program
  .name('trailwatch')
  .description('Self-hosted AWS security logging and monitoring')
  .option('--json', 'machine-readable JSON output')
  .option('--endpoint <url>', 'server endpoint', process.env.TRAILWATCH_ENDPOINT ?? 'http://127.0.0.1:4566')
  .option('--region <region>', 'region to sign requests for', process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1')
  .option('--profile <name>', 'AWS profile to read credentials from', process.env.AWS_PROFILE)
  // Usage errors reach the handler below (subcommands inherit this), so --json can report them as JSON.
  .exitOverride();

registerServe(program);
registerGroups(program);
registerStreams(program);
registerIngest(program);
registerEvents(program);
registerQuery(program);
registerExport(program);
registerImport(program);
registerPack(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Help and version exit 0; commander has already printed usage errors to stderr.
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') process.exit(err.exitCode);
    if (program.opts<{ json?: boolean }>().json) process.stdout.write(JSON.stringify({ error: 'UsageError', message: err.message.replace(/^error: /, '') }) + '\n');
    process.exit(1);
  }
  const { code, message } = describeError(err);
  if (program.opts<{ json?: boolean }>().json) process.stdout.write(JSON.stringify({ error: code, message }) + '\n');
  else process.stderr.write(`trailwatch: ${code}: ${message}\n`);
  process.exit(1);
});
