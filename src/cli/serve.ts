/** `trailwatch serve`: runs the server (API, console, store) until interrupted. */
import type { Command } from 'commander';
import { startServer } from '../app/start.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the Trailwatch server: AWS APIs, console and the embedded store')
    .option('--data <dir>', 'data directory', process.env.TRAILWATCH_DATA ?? './.trailwatch')
    .option('--port <n>', 'port to listen on', (v) => Number(v), Number(process.env.TRAILWATCH_PORT ?? 4566))
    .option('--host <host>', 'address to bind (loopback unless you say otherwise)', process.env.TRAILWATCH_HOST ?? '127.0.0.1')
    .option('--demo', 'load the demo dataset into an empty data directory')
    .option('--engine-url <url>', 'use a ClickHouse server instead of the embedded engine', process.env.TRAILWATCH_ENGINE_URL)
    .option('--log-level <level>', 'log level', process.env.TRAILWATCH_LOG_LEVEL ?? 'info')
    .action(async (opts: { data: string; port: number; host: string; demo?: boolean; engineUrl?: string; logLevel: string }) => {
      const json = program.opts<{ json?: boolean }>().json;
      const srv = await startServer({ dataDir: opts.data, port: opts.port, host: opts.host, demo: opts.demo, engineUrl: opts.engineUrl, logLevel: opts.logLevel, quiet: json });
      if (json) {
        process.stdout.write(JSON.stringify({ url: srv.url, pid: process.pid, enginePid: srv.enginePid, accessKeyId: srv.adminKey.accessKeyId, ...(srv.generatedKey ? { secretAccessKey: srv.generatedKey.secretAccessKey } : {}) }) + '\n');
      } else {
        const lines = [`Trailwatch is running at ${srv.url}  (console: ${srv.url}/)`, `  access key id:     ${srv.adminKey.accessKeyId}`];
        // The generated secret is shown once, on the start that created it.
        if (srv.generatedKey) lines.push(`  secret access key: ${srv.generatedKey.secretAccessKey}   (shown once; saved in ${opts.data}/credentials.json, mode 0600)`);
        lines.push(`  try: AWS_ACCESS_KEY_ID=${srv.adminKey.accessKeyId} AWS_SECRET_ACCESS_KEY=... aws --endpoint-url ${srv.url} --region us-east-1 logs describe-log-groups`);
        process.stderr.write(lines.join('\n') + '\n');
      }
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await srv.close();
        process.exit(0);
      };
      process.on('SIGINT', () => { void stop(); });
      process.on('SIGTERM', () => { void stop(); });
    });
}
