/**
 * Alarms: the CPU cost of one evaluation cycle over 10,000 metric alarms (issue target: every
 * minute within 20 % of one core). A server runs in this process with its loop stopped; the
 * metrics are 2,500 hosts × 4 metrics with 20 minutes of per-minute data (Latency as 5 samples a
 * minute so p99 means something); the alarms mix what real accounts hold:
 *   2,500 CPUUtilization Average > 80, 60 s, 2 of 3 · 2,500 Errors Sum > 10, 60 s, 1 of 1, notBreaching
 *   2,500 Latency p99 > 500, 300 s, 1 of 1 · 2,000 Requests Sum < 1, 60 s, 5 of 5, breaching
 *   500 metric math 100 * Errors / Requests > 5, 60 s, 3 of 3.
 * CPU = this process (process.cpuUsage) + the engine child (/proc/<pid>/stat), per cycle, shown
 * as % of one core for a 60 s cycle. The metric store's rollups are run to completion first, and
 * the engine's idle background rate (merges) is measured and subtracted, so the figure is the
 * cycle's own cost (the raw figure is printed too). Prints its own table.
 */
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Context } from '../lib/context.js';
import { startServer } from '../../src/app/start.js';
import type { Datum } from '../../src/metrics/model.js';

const HOSTS = 2500;
const MINUTES = 20;
const MIN = 60_000;
const CYCLES = 3;

function engineCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 (1-based), in clock ticks (100 per second on Linux).
    return (Number(rest[11]) + Number(rest[12])) * 10;
  } catch { return 0; }
}

export async function alarmsSuite(ctx: Context): Promise<void> {
  const scale = Math.max(0.01, Math.min(1, ctx.o.scale ?? 1));
  const hosts = Math.max(10, Math.round(HOSTS * scale));
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-alarms-'));
  process.env.TRAILWATCH_ACCESS_KEY_ID ??= 'AKIABENCHALARMS00001';
  process.env.TRAILWATCH_SECRET_ACCESS_KEY ??= 'bench/secret/key/for/alarms/000000000001';
  const srv = await startServer({ port: 0, quiet: true, logLevel: 'warn', dataDir });
  srv.alarms.stopLoop();
  try {
    const now = Math.floor(Date.now() / MIN) * MIN + 30_000;
    const ns = 'Bench/Fleet';
    const t0 = performance.now();
    let batch: Datum[] = [];
    const flush = async () => { if (batch.length) await srv.metrics.put(batch); batch = []; };
    for (let h = 0; h < hosts; h++) {
      const dims = [{ Name: 'Host', Value: `h-${h}` }];
      for (let m = 1; m <= MINUTES; m++) {
        const ts = Math.floor(now / MIN) * MIN - m * MIN;
        const wave = (h * 7 + m * 13) % 100;
        batch.push({ namespace: ns, metricName: 'CPUUtilization', dimensions: dims, timestamp: ts, unit: 'Percent', resolution: 60, samples: [{ value: wave, count: 1 }] });
        batch.push({ namespace: ns, metricName: 'Errors', dimensions: dims, timestamp: ts, unit: 'Count', resolution: 60, samples: [{ value: wave % 15, count: 1 }] });
        batch.push({ namespace: ns, metricName: 'Requests', dimensions: dims, timestamp: ts, unit: 'Count', resolution: 60, samples: [{ value: 100 + wave, count: 1 }] });
        batch.push({ namespace: ns, metricName: 'Latency', dimensions: dims, timestamp: ts, unit: 'Milliseconds', resolution: 60, samples: [0, 1, 2, 3, 4].map((k) => ({ value: 50 + ((wave * (k + 3)) % 600), count: 1 })) });
      }
      if (batch.length >= 8000) await flush();
    }
    await flush();
    await srv.metrics.maintain();
    ctx.log(`  alarms: ${hosts * 4} metrics × ${MINUTES} minutes stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const t1 = performance.now();
    const base = { actionsEnabled: true, okActions: [], alarmActions: [], insufficientDataActions: [], tags: [] };
    const alarms: Array<Parameters<typeof srv.alarms.putMetricAlarm>[0]> = [];
    for (let h = 0; h < hosts; h++) {
      const dims = [{ Name: 'Host', Value: `h-${h}` }];
      const one = { ...base, namespace: ns, dimensions: dims };
      alarms.push({ ...one, name: `cpu-${h}`, metricName: 'CPUUtilization', statistic: 'Average', period: 60, evaluationPeriods: 3, datapointsToAlarm: 2, threshold: 80, comparisonOperator: 'GreaterThanThreshold' });
      alarms.push({ ...one, name: `errors-${h}`, metricName: 'Errors', statistic: 'Sum', period: 60, evaluationPeriods: 1, threshold: 10, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching' });
      alarms.push({ ...one, name: `latency-${h}`, metricName: 'Latency', extendedStatistic: 'p99', period: 300, evaluationPeriods: 1, threshold: 500, comparisonOperator: 'GreaterThanThreshold' });
      if (h % 5 === 0) {
        alarms.push({
          ...base, name: `error-rate-${h}`, evaluationPeriods: 3, threshold: 5, comparisonOperator: 'GreaterThanThreshold',
          metrics: [
            { Id: 'e', MetricStat: { Metric: { Namespace: ns, MetricName: 'Errors', Dimensions: dims }, Period: 60, Stat: 'Sum' }, ReturnData: false },
            { Id: 'r', MetricStat: { Metric: { Namespace: ns, MetricName: 'Requests', Dimensions: dims }, Period: 60, Stat: 'Sum' }, ReturnData: false },
            { Id: 'rate', Expression: '100 * e / r', ReturnData: true },
          ],
        });
      } else {
        alarms.push({ ...one, name: `requests-${h}`, metricName: 'Requests', statistic: 'Sum', period: 60, evaluationPeriods: 5, threshold: 1, comparisonOperator: 'LessThanThreshold', treatMissingData: 'breaching' });
      }
    }
    for (const a of alarms) await srv.alarms.putMetricAlarm(a, now - MIN);
    ctx.log(`  alarms: ${alarms.length.toLocaleString()} alarms created in ${((performance.now() - t1) / 1000).toFixed(1)} s (one fsync each)`);

    // Warm-up: the first cycle moves every alarm out of INSUFFICIENT_DATA (history, journal).
    const warm = await srv.alarms.evaluateAll(now);
    ctx.log(`  alarms: warm-up cycle: ${warm.changed} transitions, ${warm.engineQueries} engine queries`);
    // The engine's background rate (part merges after the bulk load), to subtract from each cycle.
    await new Promise((r) => setTimeout(r, 5000));
    const i0 = engineCpuMs(srv.enginePid);
    const iw = performance.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const idlePerMs = (engineCpuMs(srv.enginePid) - i0) / (performance.now() - iw);
    const rows: Array<{ cpu: number; raw: number; server: number; engine: number; wall: number; queries: number; changed: number }> = [];
    for (let i = 1; i <= CYCLES; i++) {
      const c0 = process.cpuUsage();
      const e0 = engineCpuMs(srv.enginePid);
      const w0 = performance.now();
      const r = await srv.alarms.evaluateAll(now + i * MIN);
      const wall = performance.now() - w0;
      const c = process.cpuUsage(c0);
      const server = (c.user + c.system) / 1000;
      const rawEngine = engineCpuMs(srv.enginePid) - e0;
      const engine = Math.max(0, rawEngine - idlePerMs * wall);
      rows.push({ cpu: server + engine, raw: server + rawEngine, server, engine, wall, queries: r.engineQueries, changed: r.changed });
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cpu = med(rows.map((r) => r.cpu));
    const pct = (cpu / 60_000) * 100;
    const lines = [
      `Alarm evaluation: ${alarms.length.toLocaleString()} alarms, one cycle (median of ${CYCLES}; data shifts a minute per cycle)`,
      `(engine idle background ${(idlePerMs * 1000).toFixed(0)} ms CPU per s, subtracted from the engine column; raw = without subtraction)`,
      '| cycle | CPU ms (server + engine) | raw CPU ms | server ms | engine ms | wall ms | engine queries | transitions |',
      '|---|---|---|---|---|---|---|---|',
      ...rows.map((r, i) => `| ${i + 1} | ${r.cpu.toFixed(0)} | ${r.raw.toFixed(0)} | ${r.server.toFixed(0)} | ${r.engine.toFixed(0)} | ${r.wall.toFixed(0)} | ${r.queries} | ${r.changed} |`),
      `CPU per 60 s cycle: ${cpu.toFixed(0)} ms = ${pct.toFixed(2)} % of one core (target ≤ 20 %): ${pct <= 20 ? 'met' : 'NOT met'}; raw ${med(rows.map((r) => r.raw)).toFixed(0)} ms = ${((med(rows.map((r) => r.raw)) / 60_000) * 100).toFixed(2)} %`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n`);
    ctx.report.notes.push(`alarms: ${alarms.length} alarms, one evaluation cycle = ${cpu.toFixed(0)} ms CPU (server + engine) = ${pct.toFixed(2)} % of one core per minute (target ≤ 20 %)`);
  } finally {
    await srv.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
