/**
 * Suite 3: bulk file ingest of app logs. The path `trailwatch ingest FILE --group G` uses: read
 * the file (gunzip'ing .gz), cut it into ≤ 4 MiB bodies at line ends, several bodies in flight
 * to the native ingest endpoint. Timed from opening the file to the last acknowledgement.
 * When the real CLI exists (src/cli/ingest*.ts), it is timed on the same files too.
 */
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Context } from '../lib/context.js';
import { BenchServer, type RunDelta } from '../lib/server.js';
import { NativeClient } from '../lib/native.js';
import { BODY_BYTES } from './native-ingest.js';
import { awsEnv, REPO_ROOT } from '../../test/helpers/server.js';
import { onCleanup } from '../lib/cleanup.js';

const CONCURRENCY = 4;
/** Lines in the file: 200k (~62 MB) keeps 3 runs × 2 files + the CLI inside the time budget. */
export const FILE_LINES = 200_000;

function countLines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** ≤ maxBytes bodies cut at line ends, streamed from disk. */
export async function* fileBodies(path: string, maxBytes: number): AsyncGenerator<Buffer> {
  const src = createReadStream(path, { highWaterMark: 1 << 20 });
  const input = path.endsWith('.gz') ? src.pipe(createGunzip({ chunkSize: 1 << 20 })) : src;
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    parts.push(chunk);
    size += chunk.length;
    while (size >= maxBytes) {
      const all = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
      const cut = all.lastIndexOf(10, maxBytes - 1) + 1 || maxBytes;
      yield all.subarray(0, cut);
      const rest = all.subarray(cut);
      parts = rest.length ? [rest] : [];
      size = rest.length;
    }
  }
  if (size) {
    const last = Buffer.concat(parts, size);
    yield last[last.length - 1] === 10 ? last : Buffer.concat([last, Buffer.from('\n')]);
  }
}

async function sendFile(client: NativeClient, path: string, group: string): Promise<{ events: number; bytes: number; elapsedS: number }> {
  const t0 = performance.now();
  const it = fileBodies(path, BODY_BYTES)[Symbol.asyncIterator]();
  let events = 0, bytes = 0;
  const stream = basename(path).replace(/\.gz$/, '');
  const worker = async () => {
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const lines = countLines(r.value);
      await client.ingest(group, stream, r.value, { expectLines: lines });
      events += lines;
      bytes += r.value.length - lines;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { events, bytes, elapsedS: (performance.now() - t0) / 1000 };
}

function cliEntry(): string | null {
  const dir = join(REPO_ROOT, 'src/cli');
  return readdirSync(dir).some((f) => /^ingest.*\.ts$/.test(f)) && existsSync(join(dir, 'main.ts')) ? join(dir, 'main.ts') : null;
}

function runCli(main: string, url: string, file: string, group: string): Promise<{ elapsedS: number; out: Record<string, unknown> }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', main, '--endpoint', url, 'ingest', file, '--group', group, '--create', '--json'], { cwd: REPO_ROOT, env: awsEnv(), maxBuffer: 64 << 20, timeout: 300_000 }, (err, stdout, stderr) => {
      stop();
      const elapsedS = (performance.now() - t0) / 1000;
      if (err) { reject(new Error(`CLI failed: ${err.message}\n${stderr.slice(0, 1000)}`)); return; }
      const last = stdout.trim().split('\n').pop() ?? '{}';
      try { resolve({ elapsedS, out: JSON.parse(last) as Record<string, unknown> }); } catch { reject(new Error(`CLI printed no JSON: ${stdout.slice(0, 500)}`)); }
    });
    const stop = onCleanup(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  });
}

export async function fileSuite(ctx: Context): Promise<void> {
  const lines = Math.min(ctx.scaled(FILE_LINES), ctx.app().lines.length);
  const plain = await ctx.appFile(lines);
  const gz = await ctx.appGzFile(lines);
  let msgBytes = 0;
  for (let i = 0; i < lines; i++) msgBytes += ctx.app().lines[i].length;
  const msgMB = msgBytes / 1e6;
  const server = await BenchServer.start('file', { profileDir: ctx.o.profileDir });
  server.sampler.phase('file');
  const client = new NativeClient(server.url, CONCURRENCY * 2);
  try {
    for (const [label, path] of [['plain', plain], ['gzip', gz]] as const) {
      const vals: number[] = [], mbps: number[] = [], deltas: RunDelta[] = [];
      for (let rep = 0; rep < ctx.reps; rep++) {
        const group = `/bench/file/${label}-${rep}`;
        const a = await server.snapshot('start');
        const r = await sendFile(client, path, group);
        const d = BenchServer.delta(a, await server.snapshot('end'), r.elapsedS, r.events);
        if (r.events !== lines) throw new Error(`file ingest sent ${r.events} lines, file has ${lines}`);
        ctx.log(`  file ${label} #${rep + 1}: ${r.events.toLocaleString()} lines in ${r.elapsedS.toFixed(1)} s = ${Math.round(r.events / r.elapsedS).toLocaleString()} events/s; cores server ${(d.serverCpuS / d.wallS).toFixed(2)} (JS ${(d.serverMainCpuS / d.wallS).toFixed(2)}) engine ${(d.engineCpuS / d.wallS).toFixed(2)} (JS ${(d.engineMainCpuS / d.wallS).toFixed(2)}); waiting for CPU ${((d.serverWaitS + d.engineWaitS) / d.wallS).toFixed(2)} s/s client ${(d.clientCpuS / d.wallS).toFixed(2)}`);
        vals.push(r.events / r.elapsedS); mbps.push(r.bytes / 1e6 / r.elapsedS); deltas.push(d);
      }
      ctx.report.add({
        suite: 'file', name: `bulk file ingest, ${label} NDJSON file`, unit: 'events/s', values: vals, mbps, deltas, vsBaseline: true,
        target: { op: '>=', value: 150_000 },
        how: `${lines.toLocaleString()} app lines (${msgMB.toFixed(0)} MB${label === 'gzip' ? ', gzip -6, gunzip in the client' : ''}) read from disk, cut into ≤ 4 MiB bodies at line ends, ${CONCURRENCY} in flight to the native ingest endpoint, one stream; file open to last ack`,
      });
    }
    const main = cliEntry();
    if (main) {
      for (const [label, path] of [['plain', plain], ['gzip', gz]] as const) {
        const vals: number[] = [];
        for (let rep = 0; rep < (label === 'plain' ? Math.min(2, ctx.reps) : 1); rep++) {
          const r = await runCli(main, server.url, path, `/bench/cli/${label}-${rep}`);
          const n = Number(r.out.ingested ?? r.out.events ?? r.out.received ?? lines);
          ctx.log(`  CLI ${label} #${rep + 1}: ${n.toLocaleString()} lines in ${r.elapsedS.toFixed(1)} s = ${Math.round(n / r.elapsedS).toLocaleString()} events/s (${JSON.stringify(r.out).slice(0, 200)})`);
          vals.push(n / r.elapsedS);
        }
        ctx.report.add({ suite: 'file', name: `trailwatch ingest CLI, ${label} file`, unit: 'events/s', values: vals, vsBaseline: true, target: { op: '>=', value: 150_000 }, how: 'node --import tsx src/cli/main.ts --endpoint URL ingest FILE --group G --create --json, wall time including process start' });
      }
    } else {
      ctx.report.notes.push('trailwatch ingest CLI (src/cli/ingest*.ts) does not exist yet: only the path it will use was measured');
    }
  } finally {
    client.close();
    ctx.report.addMemory(server.sampler);
    await server.stop();
  }
}
