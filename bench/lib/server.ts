/**
 * A Trailwatch server for a suite: its own process (spawnServer, as the tests do) on a fresh
 * data directory, with the bench probe loaded (WAL group commit and engine insert counters),
 * optional V8 CPU profiles, a memory sampler over the server and its engine child, and
 * cleanup registered so it is stopped and its data removed even when the bench fails.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { spawnServer, type ServerProcess } from '../../test/helpers/server.js';
import { benchTempDir, killChild, killPid, onCleanup } from './cleanup.js';
import { MemorySampler, ProcTree, type CpuTimes } from './procs.js';

const PROBE = pathToFileURL(fileURLToPath(new URL('./probe.mjs', import.meta.url))).href;

export interface ServerProbe { pid: number; role: 'server' | 'engine'; walWrites?: number; walRecords?: number; walEvents?: number; walBytes?: number; syncs?: number; syncRecords?: number; syncMs?: number; syncMaxMs?: number; eluIdle?: number; eluActive?: number; inserts?: number; insertBytes?: number; insertRows?: number; insertMs?: number; insertMaxMs?: number }

export interface Snapshot { at: number; cpu: CpuTimes; server: ServerProbe | null; engine: ServerProbe | null; clientCpu: NodeJS.CpuUsage }

export interface RunDelta {
  wallS: number;
  /** Events acknowledged in the run (set by the suite): the denominator of CPU per event. */
  events?: number;
  serverCpuS: number;
  engineCpuS: number;
  /** CPU of the main (JavaScript) thread of each process; the rest is libuv/engine threads. */
  serverMainCpuS: number;
  engineMainCpuS: number;
  /** Time our threads were runnable but waited for a CPU (other work on the machine, or each other). */
  serverWaitS: number;
  engineWaitS: number;
  clientCpuS: number;
  serverElu: number;
  syncs: number;
  walRecords: number;
  walBytes: number;
  syncMsAvg: number;
  engineInserts: number;
  engineInsertRows: number;
  engineInsertBytes: number;
  engineInsertMs: number;
}

export class BenchServer {
  readonly sampler: MemorySampler;
  readonly tree: ProcTree;
  private constructor(readonly proc: ServerProcess, readonly name: string, private readonly probeDir: string, private readonly stopFn: () => Promise<void>) {
    this.tree = new ProcTree(proc.child.pid!, proc.enginePid);
    this.sampler = new MemorySampler(this.tree);
    this.sampler.start();
  }

  get url(): string { return this.proc.url; }
  get pid(): number { return this.proc.child.pid!; }

  static async start(name: string, o: { profileDir?: string } = {}): Promise<BenchServer> {
    const tmp = benchTempDir(`tw-bench-${name}-`);
    const dataDir = join(tmp.dir, 'data');
    const probeDir = join(tmp.dir, 'probe');
    mkdirSync(probeDir);
    const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--import=${PROBE}`];
    const env: Record<string, string> = { TW_BENCH_PROBE_DIR: probeDir };
    if (o.profileDir) {
      const dir = join(o.profileDir, name);
      mkdirSync(dir, { recursive: true });
      env.TW_BENCH_CPU_PROF_DIR = dir;
    }
    let proc: ServerProcess;
    try {
      proc = await spawnServer(dataDir, ['--log-level', 'warn'], { NODE_OPTIONS: nodeOptions.join(' ').trim(), ...env });
    } catch (e) {
      await tmp.remove();
      throw e;
    }
    let engine = proc.enginePid;
    const stopFn = onCleanup(async () => {
      engine = new ProcTree(proc.child.pid!, proc.enginePid).enginePid() ?? engine;
      await killChild(proc.child, 30_000);
      // The engine exits with its server; if the server was killed, make sure our engine goes too.
      await new Promise((r) => setTimeout(r, 200));
      try { process.kill(engine!, 0); killPid(engine); } catch { /* gone */ }
      await tmp.remove();
    });
    return new BenchServer(proc, name, probeDir, stopFn);
  }

  readProbes(): { server: ServerProbe | null; engine: ServerProbe | null } {
    let server: ServerProbe | null = null, engine: ServerProbe | null = null;
    const epid = this.tree.enginePid();
    for (const f of readdirSync(this.probeDir)) {
      if (!f.endsWith('.json')) continue;
      try {
        const p = JSON.parse(readFileSync(join(this.probeDir, f), 'utf8')) as ServerProbe;
        if (p.pid === this.pid) server = p;
        else if (p.pid === epid) engine = p;
      } catch { /* being replaced */ }
    }
    return { server, engine };
  }

  /** Figures at a point in time; the probe files are refreshed every 250 ms, so wait for one. */
  async snapshot(kind: 'start' | 'end'): Promise<Snapshot> {
    if (kind === 'start') {
      await new Promise((r) => setTimeout(r, 300));
      const probes = this.readProbes();
      return { at: performance.now(), cpu: this.tree.cpu(), ...probes, clientCpu: process.cpuUsage() };
    }
    const at = performance.now(), cpu = this.tree.cpu(), clientCpu = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 300));
    return { at, cpu, ...this.readProbes(), clientCpu };
  }

  static delta(a: Snapshot, b: Snapshot, wallS?: number, events?: number): RunDelta {
    const d = (k: keyof ServerProbe, which: 'server' | 'engine') => Number(b[which]?.[k] ?? 0) - Number(a[which]?.[k] ?? 0);
    const eluActive = d('eluActive', 'server'), eluIdle = d('eluIdle', 'server');
    const syncs = d('syncs', 'server');
    return {
      wallS: wallS ?? (b.at - a.at) / 1000,
      events,
      serverCpuS: b.cpu.server - a.cpu.server,
      engineCpuS: b.cpu.engine - a.cpu.engine,
      serverMainCpuS: b.cpu.serverMain - a.cpu.serverMain,
      engineMainCpuS: b.cpu.engineMain - a.cpu.engineMain,
      serverWaitS: b.cpu.serverWait - a.cpu.serverWait,
      engineWaitS: b.cpu.engineWait - a.cpu.engineWait,
      clientCpuS: (b.clientCpu.user - a.clientCpu.user + b.clientCpu.system - a.clientCpu.system) / 1e6,
      serverElu: eluActive + eluIdle > 0 ? eluActive / (eluActive + eluIdle) : NaN,
      syncs,
      walRecords: d('syncRecords', 'server'),
      walBytes: d('walBytes', 'server'),
      syncMsAvg: syncs ? d('syncMs', 'server') / syncs : NaN,
      engineInserts: d('inserts', 'engine'),
      // RowBinary file loads do not report rows: the WAL records' event counts stand in for them.
      engineInsertRows: d('insertRows', 'engine') || d('walEvents', 'server'),
      engineInsertBytes: d('insertBytes', 'engine'),
      engineInsertMs: d('insertMs', 'engine'),
    };
  }

  async stop(): Promise<void> {
    this.sampler.stop();
    await this.stopFn();
  }
}

export function removeDir(dir: string): void { rmSync(dir, { recursive: true, force: true }); }
