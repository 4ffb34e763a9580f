/**
 * Suite 2: native NDJSON ingest. 4 MiB bodies of ~300 B app lines, bearer auth, a few requests
 * in flight, several streams; counts acknowledged (durable) lines.
 */
import type { Context } from '../lib/context.js';
import { BenchServer, type RunDelta } from '../lib/server.js';
import { NativeClient } from '../lib/native.js';
import { drive, type Job } from '../lib/load.js';
import { ndjsonBodies } from '../lib/data.js';
import { median } from '../lib/stats.js';

export const BODY_BYTES = 4 * 1024 * 1024;
const STREAMS = 8;
const CONCURRENCY = 4;

export async function ingestSuite(ctx: Context): Promise<void> {
  const app = ctx.app();
  const bodies = ndjsonBodies(app.lines, BODY_BYTES);
  const lineCounts = bodies.map((b) => { let n = 0; for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++; return n; });
  const msgBytes = bodies.map((b, i) => b.length - lineCounts[i]);
  ctx.log(`ingest: ${bodies.length} bodies of ~${Math.round(app.lines.length / bodies.length).toLocaleString()} lines (${(bodies[0].length / 1048576).toFixed(2)} MiB)`);
  const server = await BenchServer.start('ingest', { profileDir: ctx.o.profileDir });
  server.sampler.phase('ingest');
  const client = new NativeClient(server.url, CONCURRENCY * 2);
  try {
    const durationMs = ctx.scaled(15_000);
    const vals: number[] = [], mbps: number[] = [], deltas: RunDelta[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      const group = `/bench/ingest/run-${rep}`;
      // Request k: stream k % S, body ⌊k / S⌋ — never the same content twice in a stream.
      let k = 0;
      const next = (): Job | null => {
        const b = Math.floor(k / STREAMS);
        if (b >= bodies.length) return null;
        const stream = `app-${k % STREAMS}`;
        k++;
        return async () => { await client.ingest(group, stream, bodies[b], { expectLines: lineCounts[b] }); return { events: lineCounts[b], bytes: msgBytes[b] }; };
      };
      const a = await server.snapshot('start');
      const r = await drive({ concurrency: CONCURRENCY, durationMs, next });
      const d = BenchServer.delta(a, await server.snapshot('end'), r.elapsedS, r.events);
      const evs = r.events / r.elapsedS;
      ctx.log(`  native ingest #${rep + 1}: ${r.events.toLocaleString()} lines in ${r.requests} bodies, ${r.elapsedS.toFixed(1)} s = ${Math.round(evs).toLocaleString()} events/s, ${(r.bytes / 1e6 / r.elapsedS).toFixed(1)} MB/s; p50 latency ${median(r.latenciesMs).toFixed(0)} ms; cores server ${(d.serverCpuS / d.wallS).toFixed(2)} (JS ${(d.serverMainCpuS / d.wallS).toFixed(2)}) engine ${(d.engineCpuS / d.wallS).toFixed(2)} (JS ${(d.engineMainCpuS / d.wallS).toFixed(2)}); waiting for CPU ${((d.serverWaitS + d.engineWaitS) / d.wallS).toFixed(2)} s/s; ${d.engineInserts} engine inserts of ${Math.round(d.engineInsertRows / Math.max(1, d.engineInserts)).toLocaleString()} rows`);
      vals.push(evs); mbps.push(r.bytes / 1e6 / r.elapsedS); deltas.push(d);
    }
    ctx.report.add({
      suite: 'ingest', name: 'native NDJSON ingest, 4 MiB bodies, ~300 B lines', unit: 'events/s', values: vals, mbps, deltas, vsBaseline: true,
      target: { op: '>=', value: 80_000 },
      how: `POST /api/v1/ingest/<group>?stream=…&create=true, bearer auth, ${STREAMS} streams, ${CONCURRENCY} bodies in flight, ${durationMs / 1000} s per run; bodies prepared before timing`,
    });
  } finally {
    client.close();
    ctx.report.addMemory(server.sampler);
    await server.stop();
  }
}
