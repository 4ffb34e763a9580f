/**
 * Process figures from /proc: resident memory (VmRSS, VmHWM), CPU time, and the process tree
 * under a pid (the server and its engine child).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clkTck = 100;
try { clkTck = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { /* default */ }

export interface ProcMem { rssKiB: number; hwmKiB: number }

export function readMem(pid: number): ProcMem | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)\\s+kB`, 'm').exec(s)?.[1] ?? 0);
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
  } catch { return null; }
}

/** User + system CPU seconds the process (or, with `tid`, one of its threads) has used so far. */
export function readCpuSeconds(pid: number, tid?: number): number | null {
  try {
    const s = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after ")": state(3) ... utime(14) stime(15) -> indexes 11, 12 here
    return (Number(f[11]) + Number(f[12])) / clkTck;
  } catch { return null; }
}

/** Seconds the process's threads spent runnable but waiting for a CPU (schedstat of every thread in /proc/<pid>/task). */
export function readRunqueueWaitSeconds(pid: number): number {
  let ns = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[1]); } catch { /* thread gone */ }
    }
  } catch { /* process gone */ }
  return ns / 1e9;
}

export function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try {
        for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/)) if (c) out.push(Number(c));
      } catch { /* thread gone */ }
    }
  } catch { /* process gone */ }
  return out;
}

export function descendants(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) {
    for (const c of children(todo.pop()!)) { out.push(c); todo.push(c); }
  }
  return out;
}

export interface CpuTimes { server: number; engine: number; serverMain: number; engineMain: number; serverWait: number; engineWait: number }

export interface TreeSample { at: number; server: ProcMem | null; engine: ProcMem | null; totalRssKiB: number }

/** The server process and everything under it (the engine child, and anything it spawns). */
export class ProcTree {
  constructor(readonly serverPid: number, private readonly enginePidHint?: number) {}

  enginePid(): number | undefined {
    const kids = children(this.serverPid);
    if (this.enginePidHint && kids.includes(this.enginePidHint)) return this.enginePidHint;
    return kids[0];
  }

  sample(): TreeSample {
    const server = readMem(this.serverPid);
    const epid = this.enginePid();
    const engine = epid ? readMem(epid) : null;
    let total = server?.rssKiB ?? 0;
    for (const d of descendants(this.serverPid)) total += readMem(d)?.rssKiB ?? 0;
    return { at: Date.now(), server, engine, totalRssKiB: total };
  }

  /** CPU seconds of each process, and of each one's main (JavaScript) thread. */
  cpu(): CpuTimes {
    const epid = this.enginePid();
    return {
      server: readCpuSeconds(this.serverPid) ?? 0,
      engine: epid ? readCpuSeconds(epid) ?? 0 : 0,
      serverMain: readCpuSeconds(this.serverPid, this.serverPid) ?? 0,
      engineMain: epid ? readCpuSeconds(epid, epid) ?? 0 : 0,
      serverWait: readRunqueueWaitSeconds(this.serverPid),
      engineWait: epid ? readRunqueueWaitSeconds(epid) : 0,
    };
  }
}

export interface MemPeak { serverRssKiB: number; engineRssKiB: number; totalRssKiB: number; serverHwmKiB: number; engineHwmKiB: number }

/** Samples a process tree every `intervalMs`, keeping peaks per named phase. */
export class MemorySampler {
  private timer: NodeJS.Timeout | null = null;
  private current = 'idle';
  readonly peaks = new Map<string, MemPeak>();

  constructor(private readonly tree: ProcTree, private readonly intervalMs = 200) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  phase(name: string): void { this.tick(); this.current = name; this.tick(); }

  private tick(): void {
    const s = this.tree.sample();
    const p = this.peaks.get(this.current) ?? { serverRssKiB: 0, engineRssKiB: 0, totalRssKiB: 0, serverHwmKiB: 0, engineHwmKiB: 0 };
    p.serverRssKiB = Math.max(p.serverRssKiB, s.server?.rssKiB ?? 0);
    p.engineRssKiB = Math.max(p.engineRssKiB, s.engine?.rssKiB ?? 0);
    p.totalRssKiB = Math.max(p.totalRssKiB, s.totalRssKiB);
    p.serverHwmKiB = Math.max(p.serverHwmKiB, s.server?.hwmKiB ?? 0);
    p.engineHwmKiB = Math.max(p.engineHwmKiB, s.engine?.hwmKiB ?? 0);
    this.peaks.set(this.current, p);
  }

  stop(): void {
    this.tick();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Peak over every phase (the lifetime high-water marks included). */
  overall(): MemPeak {
    const o: MemPeak = { serverRssKiB: 0, engineRssKiB: 0, totalRssKiB: 0, serverHwmKiB: 0, engineHwmKiB: 0 };
    for (const p of this.peaks.values()) for (const k of Object.keys(o) as (keyof MemPeak)[]) o[k] = Math.max(o[k], p[k]);
    return o;
  }
}
