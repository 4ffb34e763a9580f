/**
 * Suite 5, the baseline: the engine's own bulk load of the same generated rows (store row shape)
 * into the same table, in a fresh chDB Session in a separate process. Every ingest figure is
 * also printed as a fraction of this. The opt-in `engine` suite repeats the load with one
 * table/engine feature changed at a time, to show what bounds the baseline itself.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from '../lib/context.js';
import { benchTempDir, killChild, onCleanup } from '../lib/cleanup.js';
import { MemorySampler, ProcTree, readCpuSeconds } from '../lib/procs.js';
import { REPO_ROOT } from '../../test/helpers/server.js';

const CHILD = fileURLToPath(new URL('./baseline-child.ts', import.meta.url));
/** Rows in the baseline load: the first 500k app lines (3 runs of each method fit the time budget). */
export const BASELINE_ROWS = 500_000;
const CHUNK_BYTES = 32 * 1024 * 1024;

interface ChildRun { mode: string; rep: number; rows: number; ms: number; chunks?: number; cpuS: number }

async function rowsFor(ctx: Context): Promise<{ file: string; n: number; msgBytes: number }> {
  const n = Math.min(ctx.scaled(BASELINE_ROWS), ctx.app().lines.length);
  const file = await ctx.rowsFile(n);
  let msgBytes = 0;
  for (let i = 0; i < n; i++) msgBytes += ctx.app().lines[i].length;
  return { file, n, msgBytes };
}

async function runChild(ctx: Context, label: string, rows: string, env: Record<string, string>): Promise<{ runs: ChildRun[]; peakRssKiB: number }> {
  const tmp = benchTempDir('tw-bench-baseline-');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, join(tmp.dir, 'engine'), rows, String(ctx.reps), String(CHUNK_BYTES)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    const stop = onCleanup(() => killChild(child, 3000));
    const sampler = new MemorySampler(new ProcTree(child.pid!));
    sampler.start();
    const runs: ChildRun[] = [];
    let lastCpu = readCpuSeconds(child.pid!) ?? 0;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const cpu = readCpuSeconds(child.pid!) ?? lastCpu;
      try {
        const r = JSON.parse(l) as Omit<ChildRun, 'cpuS'>;
        runs.push({ ...r, cpuS: cpu - lastCpu });
        ctx.log(`  ${label} ${r.mode} #${r.rep + 1}: ${r.rows.toLocaleString()} rows in ${r.ms.toFixed(0)} ms = ${Math.round(r.rows / (r.ms / 1000)).toLocaleString()} rows/s`);
      } catch { ctx.log(`  ${label}: ${l}`); }
      lastCpu = cpu;
    });
    const code = await exited;
    sampler.stop();
    await stop();
    if (code !== 0) throw new Error(`${label} child exited with code ${code}`);
    return { runs, peakRssKiB: sampler.overall().totalRssKiB };
  } finally {
    await tmp.remove();
  }
}

const cores = (rs: ChildRun[]) => rs.map((r) => (r.cpuS / (r.ms / 1000)).toFixed(2)).join('/');

export async function baselineSuite(ctx: Context): Promise<void> {
  const { file, n, msgBytes } = await rowsFor(ctx);
  const { runs, peakRssKiB } = await runChild(ctx, 'baseline', file, {});
  for (const r of runs) if (r.rows !== n) throw new Error(`baseline ${r.mode} loaded ${r.rows} rows, expected ${n}`);
  const msgMB = msgBytes / 1e6;
  const fileRuns = runs.filter((r) => r.mode === 'file');
  const bufRuns = runs.filter((r) => r.mode === 'buffer');
  const size = statSync(file).size;
  ctx.report.add({
    suite: 'baseline', name: 'chDB INSERT…SELECT FROM file() (JSONEachRow)', unit: 'events/s', isBaseline: true,
    values: fileRuns.map((r) => r.rows / (r.ms / 1000)), mbps: fileRuns.map((r) => msgMB / (r.ms / 1000)),
    how: `fresh chDB Session in a child process, the store's DDL (text index, ZSTD, fsync_after_insert) and engine settings (max_insert_threads=1, max_threads=2); ${n.toLocaleString()} rows, ${(size / 1e6).toFixed(0)} MB file in the store's row shape`,
  });
  ctx.report.add({
    suite: 'baseline', name: 'chDB raw-Buffer inserts, 32 MiB, sequential', unit: 'events/s', vsBaseline: true,
    values: bufRuns.map((r) => r.rows / (r.ms / 1000)), mbps: bufRuns.map((r) => msgMB / (r.ms / 1000)),
    how: `same rows as Session.insert({values: Buffer, format: JSONEachRow}) in ${bufRuns[0]?.chunks ?? '?'} chunks of ≤ 32 MiB (the store's largest insert), one at a time`,
  });
  ctx.report.notes.push(`baseline engine CPU: file() ${cores(fileRuns)} cores, raw-Buffer ${cores(bufRuns)} cores (includes table re-creation); baseline process peak RSS ${(peakRssKiB / 1024).toFixed(0)} MiB (not counted in the 2 GiB target)`);
}

/** Opt-in: the baseline load with one feature changed, to show what bounds the engine's own speed. */
export async function engineSuite(ctx: Context): Promise<void> {
  const { file, n, msgBytes } = await rowsFor(ctx);
  for (const [variant, label] of [['store', 'as the store (text index, fsync, 1 insert thread)'], ['no-text-index', 'without the text index'], ['no-fsync', 'without fsync_after_insert/fsync_part_directory'], ['insert-threads-2', 'max_insert_threads = 2'], ['index-on-merge', 'materialize_skip_indexes_on_insert = 0 (index left to merges)']] as const) {
    const { runs } = await runChild(ctx, `engine ${variant}`, file, { TW_BASELINE_VARIANT: variant, TW_BASELINE_MODES: 'file' });
    for (const r of runs) if (r.rows !== n) throw new Error(`engine ${variant} loaded ${r.rows} rows, expected ${n}`);
    ctx.report.add({
      suite: 'engine', name: `file() load, ${label}`, unit: 'events/s', vsBaseline: true,
      values: runs.map((r) => r.rows / (r.ms / 1000)), mbps: runs.map((r) => msgBytes / 1e6 / (r.ms / 1000)),
      how: `as the baseline, one change; engine CPU ${cores(runs)} cores`,
    });
  }
}
