/**
 * Transport micro-benchmark: how fast insert bodies move from the server process to the engine
 * process over the engine pipes, with no engine at the far end. The store's own frame code
 * (src/store/engine-frames.ts, the child reading fd 3 as engine-child.ts does) against a
 * reference reader that concatenates each frame once. One frame in flight at a time, as the
 * store's insert loop sends them.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Readable, Writable } from 'node:stream';
import type { Context } from '../lib/context.js';
import { readFrames, writeFrame } from '../../src/store/engine-frames.js';
import { killChild, onCleanup } from '../lib/cleanup.js';
import { REPO_ROOT } from '../../test/helpers/server.js';
import { MemorySampler, ProcTree, readCpuSeconds } from '../lib/procs.js';
import { fmt, median } from '../lib/stats.js';

const CHILD = fileURLToPath(new URL('./transport-child.ts', import.meta.url));
const SIZES_MIB = [1, 4, 12, 32];

async function measure(mode: 'store' | 'linear', sizeMiB: number, budgetMs: number, maxBytes: number): Promise<{ mbps: number; frames: number; childCores: number; peakRssMiB: number }> {
  // The receiver runs with the engine child's V8 heap cap (--max-old-space-size=512, as embedded-engine.ts starts it).
  const child = spawn(process.execPath, ['--import', 'tsx', '--max-old-space-size=512', CHILD, mode], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'] });
  const stop = onCleanup(() => killChild(child, 2000));
  const sampler = new MemorySampler(new ProcTree(child.pid!), 50);
  sampler.start();
  try {
    const out = child.stdio[3] as Writable;
    const ignore = () => { /* the pipes reset when the child exits */ };
    out.on('error', ignore);
    (child.stdio[4] as Readable).on('error', ignore);
    const pending = new Map<number, () => void>();
    readFrames(child.stdio[4] as Readable, (h) => { pending.get(h.id)?.(); pending.delete(h.id); });
    const body = Buffer.alloc(sizeMiB * 1024 * 1024, 0x61);
    let id = 1;
    const send = () => new Promise<void>((r) => { const i = id++; pending.set(i, r); writeFrame(out, { id: i, op: 'insert', table: 't' }, body); });
    await send(); // warm-up (child start, JIT)
    const cpu0 = readCpuSeconds(child.pid!) ?? 0;
    const t0 = performance.now();
    let frames = 0;
    while (performance.now() - t0 < budgetMs && frames * body.length < maxBytes) { await send(); frames++; }
    const s = (performance.now() - t0) / 1000;
    const cpu = (readCpuSeconds(child.pid!) ?? 0) - cpu0;
    writeFrame(out, { id: id++, op: 'close' });
    sampler.stop();
    return { mbps: (frames * body.length) / 1e6 / s, frames, childCores: cpu / s, peakRssMiB: Math.max(sampler.overall().serverHwmKiB, sampler.overall().totalRssKiB) / 1024 };
  } finally {
    sampler.stop();
    await stop();
  }
}

export async function transportSuite(ctx: Context): Promise<void> {
  const rows: string[] = [];
  for (const size of SIZES_MIB) {
    for (const mode of ['store', 'linear'] as const) {
      const vals: number[] = [], cores: number[] = [], rss: number[] = [];
      for (let rep = 0; rep < ctx.reps; rep++) {
        const r = await measure(mode, size, ctx.scaled(3000), 256 * 1024 * 1024);
        vals.push(r.mbps);
        cores.push(r.childCores);
        rss.push(r.peakRssMiB);
      }
      const m = median(vals);
      rows.push(`${size} MiB ${mode}: ${fmt(m)} MB/s`);
      ctx.log(`  transport ${size} MiB frames, ${mode === 'store' ? 'engine-frames.ts' : 'reference reader'}: ${vals.map((v) => fmt(v)).join(' / ')} MB/s; receiver ${fmt(median(cores), 2)} cores, peak RSS ${fmt(Math.max(...rss))} MiB`);
      ctx.report.add({
        suite: 'transport', name: `engine pipe, ${size} MiB frames, ${mode === 'store' ? 'store readFrames' : 'reference (concat once)'}`, unit: 'events/s',
        // Expressed as ~300 B events/s (a stored row of an app line is ~470 B) so it lines up with the ingest figures.
        values: vals.map((v) => (v * 1e6) / 470), mbps: vals,
        how: `server→engine frames over the engine pipe with nothing at the far end; ${mode === 'store' ? 'src/store/engine-frames.ts readFrames on createReadStream(fd 3), as engine-child.ts' : 'same wire format, chunks concatenated once per frame'}; one frame in flight; receiver ${fmt(median(cores), 2)} cores, peak RSS ${fmt(Math.max(...rss))} MiB; events/s = MB/s ÷ 470 B per stored row`,
      });
    }
  }
}
