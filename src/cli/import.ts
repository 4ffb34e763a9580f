/**
 * `trailwatch import`: AWS log files into Trailwatch, parsed by the server (docs/import.md).
 *   trailwatch import <dir | file | s3://bucket/prefix>... [--since 7d] [--account A] [--region R] [--concurrency N] [--endpoint-url URL]
 *   trailwatch import --sqs-queue-url URL [--sqs-endpoint-url URL] [--visibility-timeout S] [--max-receives N]
 *   trailwatch import s3://bucket/prefix --poll [--interval 5m]
 * Re-running is safe: the server's ledger skips objects (bucket, key, ETag) already imported, so an
 * interrupted import is resumed by running it again.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ImportClient } from '../sources/import/client.js';
import { listS3, makeS3Client, parseS3Url, walkLocal, type ListFilter, type SourceObject } from '../sources/import/objects.js';
import { importObjects, newTotals, type RunTotals } from '../sources/import/runner.js';
import { consumeSqs, type SqsTotals } from '../sources/import/sqs.js';
import { profileFiles, profileRegion, resolveCredentials } from './credentials.js';
import { globalOptions } from './context.js';
import { CliError, usageError } from './errors.js';
import { formatBytes, formatCount, out, outJson, parseDuration, parsePositiveInt, parseTime } from './format.js';

interface ImportCliOptions {
  since?: string;
  until?: string;
  account?: string[];
  region?: string[];
  concurrency: number;
  endpointUrl?: string;
  s3Region?: string;
  s3Profile?: string;
  sourceBucket?: string;
  format?: string;
  group?: string;
  stream?: string;
  sqsQueueUrl?: string;
  sqsEndpointUrl?: string;
  visibilityTimeout: number;
  waitTime: number;
  maxReceives: number;
  idleExit?: string;
  poll?: boolean;
  interval: string;
  maxPolls?: number;
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/**
 * `--region` after `import` filters by region, but commander hands it to the program's global `--region`
 * (the request-signing region, which import's bearer-authenticated requests do not use): read it from argv.
 */
function regionFilter(argv: string[]): string[] {
  const at = argv.indexOf('import');
  const out: string[] = [];
  for (let i = at + 1; at >= 0 && i < argv.length; i++) {
    if (argv[i] === '--') break;
    if (argv[i] === '--region' && i + 1 < argv.length) out.push(...collect(argv[++i]));
    else if (argv[i].startsWith('--region=')) out.push(...collect(argv[i].slice(9)));
  }
  return out;
}

function root(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

function makeImportClient(cmd: Command, maxSockets: number): ImportClient {
  const env = process.env;
  const g = globalOptions(cmd);
  const program = root(cmd);
  const explicitProfile = program.getOptionValueSource('profile') === 'cli' ? program.opts<{ profile?: string }>().profile : undefined;
  const credentials = resolveCredentials({ explicitProfile, env });
  let endpoint: string;
  try { endpoint = new URL(program.opts<{ endpoint: string }>().endpoint ?? g.endpoint).toString(); } catch { throw new CliError('InvalidArgument', `Invalid endpoint URL: ${g.endpoint}`); }
  return new ImportClient(endpoint, credentials, { maxSockets });
}

function s3RegionFor(o: ImportCliOptions): string | undefined {
  return o.s3Region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (o.s3Profile ? profileRegion(o.s3Profile, profileFiles(process.env)) : undefined);
}

async function* sourcesOf(inputs: string[], filter: ListFilter, o: ImportCliOptions): AsyncGenerator<SourceObject> {
  let s3: ReturnType<typeof makeS3Client> | undefined;
  for (const input of inputs) {
    const u = parseS3Url(input);
    if (u) {
      s3 ??= makeS3Client({ endpoint: o.endpointUrl, region: s3RegionFor(o), profile: o.s3Profile });
      yield* listS3(s3, u.bucket, u.prefix, filter);
    } else {
      try {
        yield* walkLocal(input, filter, o.sourceBucket);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'ENOENT') throw new CliError('FileNotFound', `No such file or directory: ${input}`);
        throw e;
      }
    }
  }
}

function summaryOf(mode: string, inputs: string[], t: RunTotals | SqsTotals, seconds: number): Record<string, unknown> {
  const base: Record<string, unknown> = {
    mode,
    sources: inputs,
    objects: { listed: t.listed, imported: t.imported, skipped: t.skipped, keptAside: t.keptAside, unrecognized: t.unrecognized, failed: t.failed, resumed: t.resumedObjects },
    bytes: t.bytesDone,
    events: { received: t.received, stored: t.stored, suppressed: Object.values(t.suppressed).reduce((a, b) => a + b, 0), diverted: t.diverted, problems: t.problems },
    suppressed: t.suppressed,
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSecond: seconds > 0 ? Math.round(t.received / seconds) : t.received,
    failures: t.failures,
  };
  if ('messages' in t) base.sqs = { messages: t.messages, deleted: t.deleted, ignored: t.ignored, deadLettered: t.deadLettered, visibilityExtensions: t.visibilityExtensions, retried: t.retried };
  return base;
}

function summaryText(s: Record<string, unknown>): string {
  const o = s.objects as Record<string, number>;
  const e = s.events as Record<string, number>;
  const lines = [
    `objects:   ${formatCount(o.listed)} found, ${formatCount(o.imported)} imported, ${formatCount(o.skipped)} already imported, ${formatCount(o.keptAside)} kept aside, ${formatCount(o.unrecognized)} unrecognized, ${formatCount(o.failed)} failed`,
    `events:    ${formatCount(e.received)} parsed, ${formatCount(e.stored)} stored, ${formatCount(e.suppressed)} suppressed (${formatCount(e.diverted)} kept in …/suppressed groups), ${formatCount(e.problems)} unparseable`,
  ];
  for (const [rule, n] of Object.entries(s.suppressed as Record<string, number>)) lines.push(`  rule ${rule}: ${formatCount(n)}`);
  if (s.sqs) {
    const q = s.sqs as Record<string, number>;
    lines.push(`messages:  ${formatCount(q.messages)} received, ${formatCount(q.deleted)} deleted, ${formatCount(q.deadLettered)} dead-lettered, ${formatCount(q.visibilityExtensions)} visibility extensions`);
  }
  lines.push(`time:      ${(s.seconds as number).toFixed(2)} s (${formatCount(s.eventsPerSecond as number)} events/s, ${formatBytes(s.bytes as number)})`);
  for (const f of (s.failures as { bucket: string; key: string; code: string; message: string }[]).slice(0, 10)) lines.push(`failed:    ${f.bucket}/${f.key}: ${f.code}: ${f.message}`);
  return lines.join('\n') + '\n';
}

/** The progress bar (stderr, terminals only): objects done of found, events/s, ETA by bytes once listing is complete. */
function progressBar(enabled: boolean): { update(t: RunTotals): void; stop(): void } {
  if (!enabled) return { update() { /* no terminal */ }, stop() { /* nothing */ } };
  const t0 = Date.now();
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 100,
    format: 'import |{bar}| {percentage}% | {objects} objects | {events} events | {rate} events/s | ETA {eta_formatted}',
  }, cliProgress.Presets.shades_classic);
  bar.start(1, 0, { objects: '0/0', events: '0', rate: '0' });
  let last = 0;
  return {
    update(t) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const secs = Math.max((now - t0) / 1000, 0.001);
      const done = t.imported + t.skipped + t.keptAside + t.unrecognized + t.failed;
      // The total grows while listing; the bar and ETA settle once listing is done.
      bar.setTotal(Math.max(t.listedBytes, 1));
      bar.update(Math.min(t.bytesDone, Math.max(t.listedBytes, 1)), { objects: `${formatCount(done)}/${formatCount(t.listed)}${t.listingDone ? '' : '+'}`, events: formatCount(t.received), rate: formatCount(Math.round(t.received / secs)) });
    },
    stop() { bar.stop(); },
  };
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import AWS log files (CloudTrail, VPC Flow Logs, ALB, …) from directories or S3, or continuously from S3 notifications in SQS')
    .argument('[sources...]', 'directories, files, or s3://bucket/prefix')
    .option('--since <time>', 'only objects delivered since (7d, 24h, ISO-8601, epoch ms): bounded backfill')
    .option('--until <time>', 'only objects delivered until')
    .option('--account <ids>', 'only these accounts (comma-separated, repeatable)', collect)
    .option('--region <regions>', 'only these regions (comma-separated, repeatable)', collect)
    .option('--concurrency <n>', 'objects in flight', (v) => parsePositiveInt(v, '--concurrency'), 4)
    .option('--endpoint-url <url>', 'S3-compatible endpoint (default: AWS)')
    .option('--s3-region <region>', 'region of the S3 (and SQS) clients')
    .option('--s3-profile <name>', 'AWS profile for S3 and SQS (Trailwatch credentials come from --profile / the environment)')
    .option('--source-bucket <name>', 'record local files as objects of this bucket (a local mirror of it)')
    .option('--format <id>', 'format of every object instead of detection (cloudtrail, vpcflow, alb, …)')
    .option('--group <name>', 'destination log group instead of the naming convention')
    .option('--stream <name>', 'destination log stream instead of the naming convention')
    .option('--sqs-queue-url <url>', 'consume S3 event notifications from this SQS queue (direct, SNS-wrapped or EventBridge)')
    .option('--sqs-endpoint-url <url>', 'SQS-compatible endpoint (default: the queue URL\'s origin outside AWS)')
    .option('--visibility-timeout <s>', 'SQS visibility timeout and extension, seconds', (v) => parsePositiveInt(v, '--visibility-timeout'), 60)
    .option('--wait-time <s>', 'SQS long-poll wait, seconds (0-20)', (v) => Number(v), 20)
    .option('--max-receives <n>', 'receives after which a failing message becomes a dead letter', (v) => parsePositiveInt(v, '--max-receives'), 5)
    .option('--idle-exit <duration>', 'with --sqs-queue-url or --poll: exit once nothing arrived for this long (30s, 5m)')
    .option('--poll', 'list the sources again every --interval (for buckets without notifications)')
    .option('--interval <duration>', 'with --poll: time between listings', '5m')
    .option('--max-polls <n>', 'with --poll: stop after this many listings', (v) => parsePositiveInt(v, '--max-polls'))
    .action(async (inputs: string[], o: ImportCliOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      const json = program.opts<{ json?: boolean }>().json ?? g.json;
      if (!inputs.length && !o.sqsQueueUrl) throw usageError('give directories, files or s3:// URLs to import, or --sqs-queue-url');
      const now = Date.now();
      const filter: ListFilter = {
        since: o.since ? parseTime(o.since, now, '--since') : undefined,
        until: o.until ? parseTime(o.until, now, '--until') : undefined,
        accounts: o.account?.length ? new Set(o.account) : undefined,
        regions: (() => { const r = [...(o.region ?? []), ...regionFilter(process.argv)]; return r.length ? new Set(r) : undefined; })(),
      };
      const idleExitMs = o.idleExit !== undefined ? parseDuration(o.idleExit) : undefined;
      if (o.idleExit !== undefined && idleExitMs === undefined) throw usageError(`Invalid --idle-exit '${o.idleExit}': use a duration such as 30s or 5m`);
      const client = makeImportClient(cmd, o.concurrency + 4);
      let stopping = false;
      const stop = () => {
        if (stopping) process.exit(130);
        stopping = true;
        if (!json) process.stderr.write('\ntrailwatch: stopping after the objects in flight (Ctrl-C again to quit now; re-run to resume)\n');
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      const bar = progressBar(!json && process.stderr.isTTY === true);
      const started = process.hrtime.bigint();
      const importOpts = { format: o.format, group: o.group, stream: o.stream };
      let totals: RunTotals | SqsTotals;
      let mode: string;
      try {
        if (o.sqsQueueUrl) {
          mode = 'sqs';
          const s3 = makeS3Client({ endpoint: o.endpointUrl, region: s3RegionFor(o), profile: o.s3Profile });
          totals = await consumeSqs(client, s3, {
            ...importOpts,
            queueUrl: o.sqsQueueUrl, endpoint: o.sqsEndpointUrl, region: o.s3Region, profile: o.s3Profile,
            visibilityTimeout: o.visibilityTimeout, waitTime: Math.max(0, Math.min(20, o.waitTime)), maxReceives: o.maxReceives,
            concurrency: o.concurrency, idleExitMs, shouldStop: () => stopping, onProgress: bar.update,
          });
        } else if (o.poll) {
          mode = 'poll';
          const interval = parseDuration(o.interval);
          if (interval === undefined) throw usageError(`Invalid --interval '${o.interval}'`);
          totals = newTotals();
          const seen = new Set<string>();
          let lastNew = Date.now();
          for (let n = 0; !stopping; n++) {
            const before = totals.imported + totals.keptAside + totals.unrecognized;
            await importObjects(client, sourcesOf(inputs, filter, o), { ...importOpts, concurrency: o.concurrency, onProgress: bar.update, shouldStop: () => stopping, seen }, totals);
            if (totals.imported + totals.keptAside + totals.unrecognized > before) lastNew = Date.now();
            if ((o.maxPolls && n + 1 >= o.maxPolls) || (idleExitMs !== undefined && Date.now() - lastNew >= idleExitMs)) break;
            for (const t0 = Date.now(); !stopping && Date.now() - t0 < interval;) await new Promise((r) => setTimeout(r, Math.min(250, interval)));
          }
        } else {
          mode = 'list';
          totals = await importObjects(client, sourcesOf(inputs, filter, o), { ...importOpts, concurrency: o.concurrency, onProgress: bar.update, shouldStop: () => stopping });
        }
      } finally {
        bar.stop();
        client.close();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      const summary = summaryOf(mode, inputs, totals, Number(process.hrtime.bigint() - started) / 1e9);
      if (stopping) summary.interrupted = true;
      if (json) outJson(summary); else out(summaryText(summary));
      // A consumer's failures end as retries or dead letters (in the summary); a listing's failed objects fail the run.
      if (totals.failed > 0 && mode !== 'sqs') process.exitCode = 1;
    });
}
