/**
 * Import bench: `trailwatch import` of local AWS log files, end to end (CLI process → server process →
 * engine process), for CloudTrail `.json.gz` trail files and VPC Flow Logs `.log.gz` files; and, for the
 * ratio, the engine's own bulk load (`INSERT … SELECT FROM file()`, a fresh chDB session in its own process)
 * of the same rows as the store writes them (typed columns included). Peak RSS is sampled from /proc for the
 * server, its engine child and the CLI.
 *
 *   node --import tsx bench/import.ts            (or `run()` from bench/run.ts)
 * Sizes: BENCH_IMPORT_CT_FILES (default 120) trail files of BENCH_IMPORT_CT_RECORDS (1000) records;
 * BENCH_IMPORT_VPC_FILES (4) flow files of BENCH_IMPORT_VPC_LINES (100000) lines; BENCH_IMPORT_CONCURRENCY (4).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readMem, descendants } from './lib/procs.js';
import { ACCOUNTS, REGIONS, cloudTrailFile, vpcFlowFile, writeFiles, type LogFile } from '../test/fixtures/import/aws-logs.js';
import { spawnServer, awsEnv, REPO_ROOT } from '../test/helpers/server.js';
import { getFormat } from '../src/sources/registry.js';
import { createTableSql } from '../src/store/schema.js';
import { formatTableSpecs } from '../src/sources/import/importer.js';

const HERE = fileURLToPath(import.meta.url);
const env = (k: string, d: number) => Number(process.env[k] ?? d);

interface Peak { serverKiB: number; cliKiB: number; totalKiB: number }

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}

/** Runs the CLI import, sampling memory of the server tree and the CLI; returns its summary and the peak. */
async function importRun(url: string, serverPid: number, dir: string, concurrency: number): Promise<{ summary: { events: { received: number; stored: number }; objects: { imported: number; failed: number } }; seconds: number; peak: Peak }> {
  const peak: Peak = { serverKiB: 0, cliKiB: 0, totalKiB: 0 };
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), '--endpoint', url, '--json', 'import', dir, '--concurrency', String(concurrency)], { env: awsEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const timer = setInterval(() => {
    const server = [serverPid, ...descendants(serverPid)].reduce((n, p) => n + (readMem(p)?.rssKiB ?? 0), 0);
    const cli = child.pid ? [child.pid, ...descendants(child.pid)].reduce((n, p) => n + (readMem(p)?.rssKiB ?? 0), 0) : 0;
    peak.serverKiB = Math.max(peak.serverKiB, server);
    peak.cliKiB = Math.max(peak.cliKiB, cli);
    peak.totalKiB = Math.max(peak.totalKiB, server + cli);
  }, 100);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`import exited ${code}: ${out}`);
  return { summary: JSON.parse(out.trim().split('\n').pop()!), seconds, peak };
}

/** The rows the store writes for these files (JSONEachRow, typed columns), into one NDJSON file. */
function storeRows(files: string[], formatId: string, path: string): number {
  const f = getFormat(formatId)!;
  const fd = openSync(path, 'w');
  let n = 0;
  const parts: string[] = [];
  for (const file of files) {
    const out = f.parse(gunzipSync(readFileSync(file)).toString('utf8'), file, { keepRecord: false });
    for (const e of out.events) {
      parts.push(JSON.stringify({ group_id: 1, stream_id: 2, log_group: '/bench', log_stream: 's', ingestion_time: Date.now(), seq: 1, idx: n++, timestamp: e.timestamp, message: e.message, ...e.columns }));
    }
    writeSync(fd, parts.join('\n') + '\n');
    parts.length = 0;
  }
  closeSync(fd);
  return n;
}

/** The engine's own load of the rows, in a fresh process (one chDB data path per process). */
async function engineLoad(table: string, ndjson: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-engine-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', HERE, '--engine-load', dir, table, ndjson], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    if (code !== 0) throw new Error(`engine load exited ${code}`);
    return (JSON.parse(out.trim()) as { ms: number }).ms / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function engineLoadChild(dir: string, table: string, ndjson: string): Promise<void> {
  const { Session } = await import('chdb');
  const s = new Session(dir);
  await s.queryAsync(`SET max_memory_usage = ${4 * 1024 ** 3}`);
  await s.queryAsync('SET max_insert_threads = 1');
  await s.queryAsync('SET max_threads = 2');
  const spec = formatTableSpecs().find((t) => t.name === table)!;
  await s.queryAsync(createTableSql(spec));
  const t0 = performance.now();
  await s.queryAsync(`INSERT INTO ${table} SELECT * FROM file('${ndjson.replace(/'/g, "\\'")}', 'JSONEachRow')`);
  const ms = performance.now() - t0;
  s.close();
  process.stdout.write(JSON.stringify({ ms }) + '\n');
}

function fmt(n: number): string { return Math.round(n).toLocaleString('en-US'); }

export async function run(): Promise<void> {
  const ctFiles = env('BENCH_IMPORT_CT_FILES', 120);
  const ctRecords = env('BENCH_IMPORT_CT_RECORDS', 1000);
  const vpcFiles = env('BENCH_IMPORT_VPC_FILES', 4);
  const vpcLines = env('BENCH_IMPORT_VPC_LINES', 100_000);
  const concurrency = env('BENCH_IMPORT_CONCURRENCY', 4);
  const root = mkdtempSync(join(tmpdir(), 'tw-bench-import-'));
  const log = (m: string) => process.stderr.write(`[import bench] ${m}\n`);
  try {
    const now = Date.now();
    const ct: LogFile[] = [];
    for (let i = 0; i < ctFiles; i++) ct.push(cloudTrailFile(ACCOUNTS[i % ACCOUNTS.length], REGIONS[i % REGIONS.length], now - Math.floor(i / 6) * 300_000, ctRecords, 'bench'));
    const vpc: LogFile[] = [];
    for (let i = 0; i < vpcFiles; i++) vpc.push(vpcFlowFile(ACCOUNTS[i % ACCOUNTS.length], REGIONS[i % REGIONS.length], now - i * 300_000, vpcLines, 'bench'));
    writeFiles(join(root, 'ct'), ct);
    writeFiles(join(root, 'vpc'), vpc);
    const size = (fs: LogFile[]) => fs.reduce((n, f) => n + f.body.length, 0);
    const inflated = (dir: string) => walk(dir).reduce((n, p) => n + gunzipSync(readFileSync(p)).length, 0);
    log(`CloudTrail: ${ctFiles} files × ${ctRecords} records (${(size(ct) / 1e6).toFixed(1)} MB gz, ${(inflated(join(root, 'ct')) / 1e6).toFixed(0)} MB); VPC: ${vpcFiles} files × ${vpcLines} lines (${(size(vpc) / 1e6).toFixed(1)} MB gz)`);

    const results: { name: string; events: number; seconds: number; engineSeconds: number; peak: Peak; target: number }[] = [];
    for (const [name, sub, formatId, table, target] of [['CloudTrail .json.gz', 'ct', 'cloudtrail', 'events_cloudtrail', 40_000], ['VPC Flow .log.gz', 'vpc', 'vpcflow', 'events_vpcflow', 150_000]] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-import-data-'));
      const srv = await spawnServer(dataDir, ['--log-level', 'warn']);
      try {
        log(`${name}: importing…`);
        const r = await importRun(srv.url, srv.child.pid!, join(root, sub), concurrency);
        if (r.summary.objects.failed) throw new Error(`${r.summary.objects.failed} objects failed`);
        const ndjson = join(root, `${sub}.ndjson`);
        const rows = storeRows(walk(join(root, sub)), formatId, ndjson);
        log(`${name}: ${fmt(r.summary.events.received)} events in ${r.seconds.toFixed(1)} s; engine bulk load of ${fmt(rows)} rows (${(statSync(ndjson).size / 1e6).toFixed(0)} MB NDJSON)…`);
        const engineSeconds = await engineLoad(table, ndjson);
        results.push({ name, events: r.summary.events.received, seconds: r.seconds, engineSeconds: engineSeconds * (r.summary.events.received / Math.max(rows, 1)), peak: r.peak, target });
      } finally {
        await srv.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    const lines = [
      '',
      'Import, end to end (trailwatch import <dir> → server → engine), 2-core machine',
      '| source | events | seconds | events/s | target | engine bulk load events/s | ratio | peak RSS server+engine | peak RSS CLI |',
      '|---|---|---|---|---|---|---|---|---|',
      ...results.map((x) => `| ${x.name} | ${fmt(x.events)} | ${x.seconds.toFixed(1)} | ${fmt(x.events / x.seconds)} | ${fmt(x.target)} | ${fmt(x.events / x.engineSeconds)} | ${((x.events / x.seconds) / (x.events / x.engineSeconds)).toFixed(2)} | ${(x.peak.serverKiB / 1024).toFixed(0)} MiB | ${(x.peak.cliKiB / 1024).toFixed(0)} MiB |`),
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
    writeFileSync(join(tmpdir(), 'tw-bench-import.json'), JSON.stringify(results, null, 2));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === HERE) {
  if (process.argv[2] === '--engine-load') {
    await engineLoadChild(process.argv[3], process.argv[4], process.argv[5]);
  } else {
    await run();
  }
}
