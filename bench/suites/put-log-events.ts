/**
 * Suite 1: PutLogEvents through the real protocol. The server runs as its own process; this
 * process signs (SigV4) and sends batches as large as the limits allow to several streams
 * with several requests in flight, and counts acknowledged (durable) events.
 */
import type { Context } from '../lib/context.js';
import { BenchServer, type RunDelta } from '../lib/server.js';
import { RawAwsClient, sdkClient } from '../lib/aws.js';
import { drive, type Job } from '../lib/load.js';
import { PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Lines } from '../lib/data.js';
import { median } from '../lib/stats.js';

const MAX_BATCH_BYTES = 1_048_576;
const MAX_BATCH_EVENTS = 10_000;
const STREAMS = 8;
const CONCURRENCY = 8;

/** Contiguous [start, end) slices of the pool, each as large as PutLogEvents allows. */
function batchRanges(lines: Lines, maxEvents = MAX_BATCH_EVENTS): [number, number][] {
  const out: [number, number][] = [];
  let start = 0, bytes = 0;
  for (let i = 0; i < lines.lines.length; i++) {
    const size = Buffer.byteLength(lines.lines[i]) + 26;
    if (i > start && (bytes + size > MAX_BATCH_BYTES || i - start >= maxEvents)) { out.push([start, i]); start = i; bytes = 0; }
    bytes += size;
  }
  if (start < lines.lines.length) out.push([start, lines.lines.length]);
  return out;
}

interface Workload { label: string; lines: Lines; ranges: [number, number][]; joined: Map<number, string>; objects: Map<number, { timestamp: number; message: string }[]> }

function workload(label: string, lines: Lines, ranges: [number, number][]): Workload {
  return { label, lines, ranges, joined: new Map(), objects: new Map() };
}

/** The logEvents array of batch b, serialized once and reused (streams/groups differ per request). */
function eventsJson(w: Workload, b: number): string {
  let s = w.joined.get(b);
  if (s === undefined) {
    const [a, e] = w.ranges[b];
    const parts: string[] = new Array(e - a);
    for (let i = a; i < e; i++) parts[i - a] = `{"timestamp":${w.lines.ts[i]},"message":${JSON.stringify(w.lines.lines[i])}}`;
    s = parts.join(',');
    w.joined.set(b, s);
  }
  return s;
}

function eventObjects(w: Workload, b: number): { timestamp: number; message: string }[] {
  let o = w.objects.get(b);
  if (!o) {
    const [a, e] = w.ranges[b];
    o = [];
    for (let i = a; i < e; i++) o.push({ timestamp: w.lines.ts[i], message: w.lines.lines[i] });
    w.objects.set(b, o);
  }
  return o;
}

function bytesOf(w: Workload, b: number): number {
  const [a, e] = w.ranges[b];
  let n = 0;
  for (let i = a; i < e; i++) n += w.lines.lines[i].length;
  return n;
}

async function setup(client: RawAwsClient, group: string): Promise<string[]> {
  await client.call('CreateLogGroup', { logGroupName: group });
  const streams = Array.from({ length: STREAMS }, (_, i) => `app-${i}`);
  for (const s of streams) await client.call('CreateLogStream', { logGroupName: group, logStreamName: s });
  return streams;
}

/** Request k goes to stream k % S with batch ⌊k / S⌋: every (stream, batch) pair is new, so no batch is a dedup'd retry. */
function jobs(w: Workload, group: string, streams: string[], send: (stream: string, b: number) => Promise<void>): () => Job | null {
  let k = 0;
  const cap = streams.length * w.ranges.length;
  const bytes = new Map<number, number>();
  return () => {
    if (k >= cap) return null;
    const stream = streams[k % streams.length];
    const b = Math.floor(k / streams.length);
    k++;
    return async () => {
      await send(stream, b);
      const [a, e] = w.ranges[b];
      let n = bytes.get(b);
      if (n === undefined) { n = bytesOf(w, b); bytes.set(b, n); }
      return { events: e - a, bytes: n };
    };
  };
}

function rawSender(client: RawAwsClient, w: Workload, group: string): (stream: string, b: number) => Promise<void> {
  const head = `{"logGroupName":${JSON.stringify(group)},"logStreamName":`;
  return async (stream, b) => {
    const body = Buffer.from(`${head}${JSON.stringify(stream)},"logEvents":[${eventsJson(w, b)}]}`);
    const out = await client.callRaw<{ rejectedLogEventsInfo?: unknown }>('PutLogEvents', body);
    if (out.rejectedLogEventsInfo) throw new Error(`events rejected: ${JSON.stringify(out.rejectedLogEventsInfo)}`);
  };
}

function sdkSender(sdk: ReturnType<typeof sdkClient>, w: Workload, group: string): (stream: string, b: number) => Promise<void> {
  return async (stream, b) => {
    const out = await sdk.client.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: eventObjects(w, b) }));
    if (out.rejectedLogEventsInfo) throw new Error(`events rejected: ${JSON.stringify(out.rejectedLogEventsInfo)}`);
  };
}

async function measure(ctx: Context, server: BenchServer, label: string, run: () => Promise<{ events: number; bytes: number; elapsedS: number; requests: number; latenciesMs: number[] }>): Promise<{ evs: number; mbps: number; delta: RunDelta; latP50: number; clientCpuS: number }> {
  const a = await server.snapshot('start');
  const r = await run();
  const b = await server.snapshot('end');
  const delta = BenchServer.delta(a, b, r.elapsedS, r.events);
  const evs = r.events / r.elapsedS;
  ctx.log(`  ${label}: ${r.events.toLocaleString()} events in ${r.requests} requests, ${r.elapsedS.toFixed(1)} s = ${Math.round(evs).toLocaleString()} events/s, ${(r.bytes / 1e6 / r.elapsedS).toFixed(1)} MB/s; p50 latency ${median(r.latenciesMs).toFixed(0)} ms; cores server ${(delta.serverCpuS / delta.wallS).toFixed(2)} (JS ${(delta.serverMainCpuS / delta.wallS).toFixed(2)}) engine ${(delta.engineCpuS / delta.wallS).toFixed(2)} (JS ${(delta.engineMainCpuS / delta.wallS).toFixed(2)}); waiting for CPU ${((delta.serverWaitS + delta.engineWaitS) / delta.wallS).toFixed(2)} s/s client ${(delta.clientCpuS / delta.wallS).toFixed(2)}`);
  return { evs, mbps: r.bytes / 1e6 / r.elapsedS, delta, latP50: median(r.latenciesMs), clientCpuS: delta.clientCpuS };
}

export async function putSuite(ctx: Context): Promise<void> {
  const app = ctx.app();
  const big = workload('300 B', app, batchRanges(app));
  const shortPool = ctx.short(ctx.scaled(400_000));
  const small = workload('75 B', shortPool, batchRanges(shortPool, 10_000));
  const avgBig = Math.round(app.lines.length / big.ranges.length);
  ctx.log(`put: ${big.ranges.length} batches of ~${avgBig} events (~${Math.round(app.bytes / app.lines.length)} B); ${small.ranges.length} batches of ${small.ranges[0][1] - small.ranges[0][0]} events (~${Math.round(shortPool.bytes / shortPool.lines.length)} B)`);
  const server = await BenchServer.start('put', { profileDir: ctx.o.profileDir });
  server.sampler.phase('put');
  const client = new RawAwsClient(server.url, CONCURRENCY * 2);
  const sdk = sdkClient(server.url, CONCURRENCY * 2);
  try {
    // Which client costs less? Same load for a few seconds each; compare client CPU per event.
    // Serialize every batch once up front (the raw client reuses it; the SDK serializes per call).
    for (let b = 0; b < big.ranges.length; b++) { eventsJson(big, b); eventObjects(big, b); }
    for (let b = 0; b < small.ranges.length; b++) eventsJson(small, b);
    const cmpMs = ctx.scaled(5000);
    const cost: Record<string, { cpuPerKEvents: number; evs: number }> = {};
    for (const [name, make] of [['raw', (g: string) => rawSender(client, big, g)], ['sdk', (g: string) => sdkSender(sdk, big, g)]] as const) {
      const group = `/bench/put/client-${name}`;
      const streams = await setup(client, group);
      const m = await measure(ctx, server, `client ${name}`, () => drive({ concurrency: CONCURRENCY, durationMs: cmpMs, next: jobs(big, group, streams, make(group)) }));
      cost[name] = { cpuPerKEvents: (m.clientCpuS * 1000) / (m.evs * m.delta.wallS) * 1000, evs: m.evs };
    }
    const useSdk = cost.sdk.cpuPerKEvents < cost.raw.cpuPerKEvents;
    ctx.report.notes.push(`PutLogEvents client cost (client CPU ms per 1,000 events, 300 B events, incl. body build + SigV4): raw node:http + @smithy/signature-v4 ${cost.raw.cpuPerKEvents.toFixed(2)} ms (${Math.round(cost.raw.evs).toLocaleString()} ev/s), @aws-sdk/client-cloudwatch-logs ${cost.sdk.cpuPerKEvents.toFixed(2)} ms (${Math.round(cost.sdk.evs).toLocaleString()} ev/s); the load below uses the ${useSdk ? 'SDK' : 'raw'} client`);
    const sender = (w: Workload, g: string) => (useSdk ? sdkSender(sdk, w, g) : rawSender(client, w, g));

    for (const [w, durationMs, target] of [[big, ctx.scaled(20_000), 50_000], [small, ctx.scaled(10_000), undefined]] as const) {
      const vals: number[] = [], mbps: number[] = [], deltas: RunDelta[] = [];
      for (let rep = 0; rep < ctx.reps; rep++) {
        const group = `/bench/put/${w.label.replace(' ', '')}-${rep}`;
        const streams = await setup(client, group);
        const m = await measure(ctx, server, `PutLogEvents ${w.label} #${rep + 1}`, () => drive({ concurrency: CONCURRENCY, durationMs, next: jobs(w, group, streams, sender(w, group)) }));
        vals.push(m.evs); mbps.push(m.mbps); deltas.push(m.delta);
      }
      const ev = w.ranges[0][1] - w.ranges[0][0];
      ctx.report.add({
        suite: 'put', name: `PutLogEvents, ${w.label} events, ${ev.toLocaleString()}/batch`, unit: 'events/s', values: vals, mbps, deltas, vsBaseline: true,
        target: target ? { op: '>=', value: target } : undefined,
        how: `${useSdk ? 'AWS SDK v3' : 'node:http + SigV4'} client in the bench process, server in its own process; ${STREAMS} streams, ${CONCURRENCY} requests in flight, ${durationMs / 1000} s per run, acknowledged events only`,
      });
    }
  } finally {
    client.close();
    sdk.close();
    ctx.report.addMemory(server.sampler);
    await server.stop();
  }
}
