/**
 * Trailwatch benchmarks. `npm run bench` runs every suite (baseline, put, ingest, file, read;
 * memory is sampled throughout); `npm run bench -- put ingest` runs the named ones (the baseline
 * always runs, unless --no-baseline: every ingest figure is shown as a fraction of it). The
 * diagnostics `transport` (engine pipe) and `engine` (baseline variants) run only when named.
 * Options: --reps N (default 3), --scale F (shrinks durations/data; 0.2 for a smoke run),
 * --profile DIR (V8 CPU profiles of the server processes; summarise with
 * `node --import tsx bench/lib/profile.ts FILE`), --json FILE.
 * Prints tables; appends nothing anywhere (BENCHMARKS.md is written by hand from a run).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { Context } from './lib/context.js';
import { cleanupAll, installSignalHandlers } from './lib/cleanup.js';
import { baselineSuite, engineSuite } from './suites/baseline.js';
import { putSuite } from './suites/put-log-events.js';
import { ingestSuite } from './suites/native-ingest.js';
import { fileSuite } from './suites/file-ingest.js';
import { readSuite } from './suites/read.js';
import { transportSuite } from './suites/transport.js';
import { anomalySuite } from './suites/anomaly.js';
import { alarmsSuite } from './suites/alarms.js';
import { metricsSuite } from './suites/metrics.js';
import { run as runFilterPatterns } from './filter-patterns.js';
import { run as runImport } from './import.js';
import { run as runInsights } from './insights.js';
import { insightsIngestSuite } from './insights-ingest.js';

type Suite = (ctx: Context) => Promise<void>;
const SUITES: Record<string, Suite> = {
  baseline: baselineSuite,
  put: putSuite,
  ingest: ingestSuite,
  file: fileSuite,
  read: readSuite,
  anomaly: anomalySuite,
  alarms: alarmsSuite,
  metrics: metricsSuite,
  // These print their own tables (each with its own same-run baseline).
  patterns: async () => { await runFilterPatterns(); },
  import: async () => { await runImport(); },
  insights: async () => { await runInsights(); },
  'insights-ingest': insightsIngestSuite,
};
/** Diagnostics, run only when named: they explain the figures rather than being targets. */
const EXTRA: Record<string, Suite> = {
  transport: transportSuite,
  engine: engineSuite,
};

function parseArgs(argv: string[]): { names: string[]; reps: number; scale: number; profileDir?: string; json?: string; baseline: boolean } {
  const o = { names: [] as string[], reps: 3, scale: 1, profileDir: undefined as string | undefined, json: undefined as string | undefined, baseline: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reps') o.reps = Number(argv[++i]);
    else if (a === '--scale') o.scale = Number(argv[++i]);
    else if (a === '--profile') o.profileDir = argv[++i];
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--no-baseline') o.baseline = false;
    else if (a === '--help' || a === '-h') { process.stdout.write(`usage: npm run bench -- [${[...Object.keys(SUITES), ...Object.keys(EXTRA)].join('|')} ...] [--reps N] [--scale F] [--profile DIR] [--json FILE] [--no-baseline]\n`); process.exit(0); }
    else if (SUITES[a] || EXTRA[a]) o.names.push(a);
    else throw new Error(`unknown suite or option '${a}' (suites: ${Object.keys(SUITES).join(', ')}; diagnostics: ${Object.keys(EXTRA).join(', ')})`);
  }
  if (!o.names.length) o.names = Object.keys(SUITES);
  if (o.baseline && !o.names.includes('baseline')) o.names.unshift('baseline');
  if (!o.baseline) o.names = o.names.filter((n) => n !== 'baseline');
  return o;
}

async function main(): Promise<void> {
  installSignalHandlers();
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (m: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);
  const ctx = new Context({ reps: args.reps, scale: args.scale, profileDir: args.profileDir, log });
  log(`suites: ${args.names.join(', ')}; ${args.reps} runs each; scale ${args.scale}`);
  const load = () => { try { return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]; } catch { return '?'; } };
  const loads: string[] = [];
  for (const name of args.names) {
    log(`== ${name}`);
    const before = load();
    await (SUITES[name] ?? EXTRA[name])(ctx);
    loads.push(`${name} ${before}→${load()}`);
  }
  ctx.report.notes.push(`1-minute load average before→after each suite (2 cores; other work shares the machine): ${loads.join(', ')}`);
  process.stdout.write(`\n${machine()}\n`);
  process.stdout.write('\n' + ctx.report.render() + '\n');
  process.stdout.write(`\nTotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify(ctx.report.json(), null, 2));
}

function machine(): string {
  let commit = '?', chdb = '?';
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim(); } catch { /* not a checkout */ }
  try { chdb = (JSON.parse(readFileSync('node_modules/chdb/package.json', 'utf8')) as { version: string }).version; } catch { /* missing */ }
  return `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, node ${process.version}, chdb ${chdb}, commit ${commit} (+ working tree), ${new Date().toISOString()}`;
}

main().then(
  () => cleanupAll().then(() => process.exit(0)),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    void cleanupAll().finally(() => process.exit(1));
  },
);
