/** Collects figures from the suites and prints them as tables and as ratios to the same-run baseline. */
import { fmt, fmtBytes, median, table } from './stats.js';
import type { RunDelta } from './server.js';
import type { MemPeak, MemorySampler } from './procs.js';

export interface Target { op: '>=' | '<='; value: number }

export interface Figure {
  suite: string;
  name: string;
  unit: 'events/s' | 'ms';
  /** One value per run. */
  values: number[];
  /** MB/s (10^6 bytes of event messages per second) per run, for throughput figures. */
  mbps?: number[];
  target?: Target;
  /** Included in the "× baseline" column (ingest throughput figures). */
  vsBaseline?: boolean;
  how: string;
  /** Process CPU and store counters per run (throughput figures). */
  deltas?: RunDelta[];
  isBaseline?: boolean;
}

export interface MemoryRow { suite: string; peak: MemPeak }

export class Report {
  readonly figures: Figure[] = [];
  readonly memory: MemoryRow[] = [];
  readonly notes: string[] = [];

  add(f: Figure): Figure { this.figures.push(f); return f; }

  /** One memory row per phase the sampler saw (server start-up is folded into the first). */
  addMemory(s: MemorySampler): void {
    const idle = s.peaks.get('idle');
    for (const [phase, p] of s.peaks) {
      if (phase === 'idle') continue;
      const peak = { ...p };
      if (idle && !this.memory.some((r) => r.suite === phase)) for (const k of Object.keys(peak) as (keyof MemPeak)[]) peak[k] = Math.max(peak[k], idle[k]);
      this.memory.push({ suite: phase, peak });
    }
  }

  baseline(): number | undefined {
    const b = this.figures.find((f) => f.isBaseline);
    return b ? median(b.values) : undefined;
  }

  private met(f: Figure): string {
    if (!f.target) return '';
    const m = median(f.values);
    const ok = f.target.op === '>=' ? m >= f.target.value : m <= f.target.value;
    return ok ? 'yes' : 'NO';
  }

  render(): string {
    const out: string[] = [];
    const base = this.baseline();
    const unit = (f: Figure, v: number) => (f.unit === 'ms' ? `${fmt(v, v < 10 ? 1 : 0)} ms` : fmt(v));
    out.push('Figures (median of runs; range in brackets):');
    out.push(table(['suite', 'figure', 'median', 'runs', 'MB/s', 'target', 'met', '× baseline'], this.figures.map((f) => [
      f.suite,
      f.name,
      unit(f, median(f.values)),
      f.values.map((v) => (f.unit === 'ms' ? fmt(v, v < 10 ? 1 : 0) : fmt(v / 1000, 1) + 'k')).join(' '),
      f.mbps ? fmt(median(f.mbps), 1) : '',
      f.target ? `${f.target.op} ${f.unit === 'ms' ? `${fmt(f.target.value)} ms` : fmt(f.target.value)}` : '',
      this.met(f),
      f.vsBaseline && base ? `${(median(f.values) / base).toFixed(2)}×` : f.isBaseline ? '1.00×' : '',
    ])));
    if (base) out.push(`\nBaseline: ${fmt(base)} events/s (engine's own bulk load of the same rows, same table, same run).`);

    const withDeltas = this.figures.filter((f) => f.deltas?.length);
    if (withDeltas.length) {
      out.push('\nWhere the time goes (medians over runs; cores = CPU seconds / wall second; 2 cores in the machine):');
      const m = (f: Figure, k: (d: RunDelta) => number) => median(f.deltas!.map(k));
      out.push(table(['figure', 'server cores (JS thread)', 'engine cores (JS thread)', 'client cores', 'waiting for CPU (server+engine)', 'server ELU', 'WAL recs/fsync', 'fsync ms', 'fsyncs/s', 'engine inserts/s', 'rows/insert', 'engine insert busy', 'server µs/event', 'engine µs/event'], withDeltas.map((f) => {
        const ev = (d: RunDelta) => d.events || d.engineInsertRows || 1;
        return [
          `${f.suite}: ${f.name}`,
          `${fmt(m(f, (d) => d.serverCpuS / d.wallS), 2)} (${fmt(m(f, (d) => d.serverMainCpuS / d.wallS), 2)})`,
          `${fmt(m(f, (d) => d.engineCpuS / d.wallS), 2)} (${fmt(m(f, (d) => d.engineMainCpuS / d.wallS), 2)})`,
          fmt(m(f, (d) => d.clientCpuS / d.wallS), 2),
          `${fmt(m(f, (d) => (d.serverWaitS + d.engineWaitS) / d.wallS), 2)} s/s`,
          Number.isFinite(m(f, (d) => d.serverElu)) ? `${fmt(m(f, (d) => d.serverElu) * 100)}%` : '-',
          fmt(m(f, (d) => (d.syncs ? d.walRecords / d.syncs : NaN)), 1),
          fmt(m(f, (d) => d.syncMsAvg), 1),
          fmt(m(f, (d) => d.syncs / d.wallS), 1),
          fmt(m(f, (d) => d.engineInserts / d.wallS), 1),
          fmt(m(f, (d) => (d.engineInserts ? d.engineInsertRows / d.engineInserts : NaN))),
          `${fmt(m(f, (d) => d.engineInsertMs / 1000 / d.wallS) * 100)}%`,
          fmt(m(f, (d) => (d.serverCpuS * 1e6) / ev(d)), 1),
          fmt(m(f, (d) => (d.engineCpuS * 1e6) / ev(d)), 1),
        ];
      })));
    }
    if (this.memory.length) {
      out.push('\nMemory (server process + engine child; sampled every 200 ms; HWM = kernel high-water mark since the process started):');
      const all = this.memory.map((r) => r.peak);
      const rows = this.memory.map((r) => [r.suite, fmtBytes(r.peak.serverRssKiB * 1024), fmtBytes(r.peak.engineRssKiB * 1024), fmtBytes(r.peak.totalRssKiB * 1024), fmtBytes(r.peak.serverHwmKiB * 1024), fmtBytes(r.peak.engineHwmKiB * 1024), fmtBytes((r.peak.serverHwmKiB + r.peak.engineHwmKiB) * 1024)]);
      const mx = (k: keyof MemPeak) => Math.max(...all.map((p) => p[k]));
      rows.push(['ALL (max)', fmtBytes(mx('serverRssKiB') * 1024), fmtBytes(mx('engineRssKiB') * 1024), fmtBytes(mx('totalRssKiB') * 1024), fmtBytes(mx('serverHwmKiB') * 1024), fmtBytes(mx('engineHwmKiB') * 1024), fmtBytes(Math.max(...all.map((p) => p.serverHwmKiB + p.engineHwmKiB)) * 1024)]);
      out.push(table(['suite', 'server RSS peak', 'engine RSS peak', 'sum peak (same sample)', 'server HWM', 'engine HWM', 'HWM sum'], rows));
      const worst = Math.max(mx('totalRssKiB'), Math.max(...all.map((p) => p.serverHwmKiB + p.engineHwmKiB)));
      out.push(`Memory target <= 2 GiB for all processes: ${worst <= 2 * 1024 * 1024 ? 'met' : 'NOT met'} (worst ${fmtBytes(worst * 1024)} over every phase)`);
      const ingest = this.memory.filter((r) => ['put', 'ingest', 'file'].includes(r.suite)).map((r) => Math.max(r.peak.totalRssKiB, r.peak.serverHwmKiB + r.peak.engineHwmKiB));
      if (ingest.length) out.push(`  during suites 1-3 (put, ingest, file): ${Math.max(...ingest) <= 2 * 1024 * 1024 ? 'met' : 'NOT met'} (worst ${fmtBytes(Math.max(...ingest) * 1024)})`);
    }
    if (this.notes.length) out.push('\nNotes:\n' + this.notes.map((n) => `- ${n}`).join('\n'));
    return out.join('\n');
  }

  json(): unknown {
    return { figures: this.figures.map((f) => ({ ...f, median: median(f.values) })), memory: this.memory, baseline: this.baseline(), notes: this.notes };
  }
}
