/**
 * Suite `metrics`: the CloudWatch-metrics performance targets.
 *
 * 1. Metric filters on the ingest path: PutLogEvents (300 B app JSON lines, 3,096 per batch) into a
 *    group with 50 JSON metric filters against a group with none, alternating runs on one server;
 *    the figure is the filtered throughput ÷ the unfiltered one (target ≥ 0.80).
 * 2. PutMetricData through the real HTTP API: 1,000 datums per request, 8 requests in flight,
 *    SigV4-signed, AWS JSON 1.0 (what the SDK for JS and botocore send) and RPC v2 CBOR (the Go,
 *    Java, … SDKs); acknowledged datapoints per second (target ≥ 100,000).
 * 3. GetMetricData over 1,000 metrics × 1 day at a 1-minute period (1.44 M datapoints, loaded
 *    through PutMetricData): the 500-query maximum × 2 requests, sequential, every page fetched
 *    (MaxDatapoints default 100,800 → the answer is paged); total wall time (target ≤ 1 s).
 * `TW_BENCH_METRICS=filters,put,get` selects parts (default all).
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Encoder } from 'cbor-x';
import type { Context } from '../lib/context.js';
import { BenchServer, type RunDelta } from '../lib/server.js';
import { HttpClient } from '../lib/http.js';
import { RawAwsClient } from '../lib/aws.js';
import { drive, type Job } from '../lib/load.js';
import { median } from '../lib/stats.js';
import { TEST_KEY } from '../../test/helpers/server.js';
import { NodeSha256 } from '../../src/auth/node-sha256.js';
import type { Lines } from '../lib/data.js';

const SVC = 'GraniteServiceVersion20100801';
const cborEncoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

type Protocol = 'json10' | 'cbor';

/** A CloudWatch (metrics) client: node:http keep-alive + SigV4 (`monitoring`), JSON 1.0 or CBOR bodies. */
class CloudWatchRaw {
  readonly http: HttpClient;
  private readonly signer = new SignatureV4({ credentials: { accessKeyId: TEST_KEY.accessKeyId, secretAccessKey: TEST_KEY.secretAccessKey }, region: 'us-east-1', service: 'monitoring', sha256: NodeSha256, applyChecksum: false });
  constructor(url: string, maxSockets = 16) { this.http = new HttpClient(url, maxSockets); }

  encode(protocol: Protocol, input: unknown): Buffer {
    return protocol === 'json10' ? Buffer.from(JSON.stringify(input)) : Buffer.from(cborEncoder.encode(input));
  }

  async call(protocol: Protocol, op: string, body: Buffer): Promise<Buffer> {
    const path = protocol === 'json10' ? '/' : `/service/${SVC}/operation/${op}`;
    const headers: Record<string, string> = protocol === 'json10'
      ? { host: this.http.hostHeader, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${SVC}.${op}`, 'x-amzn-query-mode': 'true' }
      : { host: this.http.hostHeader, 'content-type': 'application/cbor', accept: 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', 'x-amzn-query-mode': 'true' };
    const signed = await this.signer.sign(new HttpRequest({ method: 'POST', protocol: 'http:', hostname: this.http.host, port: this.http.port, path, headers, body }));
    const res = await this.http.post(path, signed.headers as Record<string, string>, body);
    if (res.status !== 200) throw new Error(`${op} answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
    return res.body;
  }

  async json<T>(op: string, input: unknown): Promise<T> {
    const b = await this.call('json10', op, this.encode('json10', input));
    return JSON.parse(b.toString('utf8')) as T;
  }

  close(): void { this.http.close(); }
}

// ------------------------------------------------------------------ 2. PutMetricData

const DATUMS_PER_PUT = 1000;
const PUT_CONCURRENCY = 8;
const SERVICES = ['checkout-api', 'payments', 'inventory', 'auth', 'search-svc', 'notification-worker', 'gateway', 'orders'];

/**
 * Request bodies of 1,000 datums (prepared before timing): 1,000 distinct metrics (10 names × 100
 * hosts, 2 dimensions), single values, timestamps in the last hour. Timestamps are protocol
 * timestamps (epoch seconds in JSON, Date / tag 1 in CBOR).
 */
function putBodies(client: CloudWatchRaw, protocol: Protocol, count: number, now: number): Buffer[] {
  const out: Buffer[] = [];
  for (let r = 0; r < count; r++) {
    const MetricData = [];
    for (let i = 0; i < DATUMS_PER_PUT; i++) {
      const ts = now - 60_000 - ((r * 7 + i) % 3000) * 1000;
      MetricData.push({
        MetricName: `Latency${i % 10}`,
        Dimensions: [{ Name: 'Service', Value: SERVICES[i % SERVICES.length] }, { Name: 'Host', Value: `ip-10-0-${Math.floor(i / 10) % 100}` }],
        Timestamp: protocol === 'json10' ? ts / 1000 : new Date(ts),
        Value: ((r * 131 + i * 17) % 5000) / 10,
        Unit: 'Milliseconds',
      });
    }
    out.push(client.encode(protocol, { Namespace: 'Bench/Put', MetricData }));
  }
  return out;
}

async function putMetricDataFigures(ctx: Context, server: BenchServer, client: CloudWatchRaw): Promise<void> {
  const durationMs = ctx.scaled(10_000);
  for (const protocol of ['json10', 'cbor'] as const) {
    const bodies = putBodies(client, protocol, 64, Date.now());
    const vals: number[] = [], deltas: RunDelta[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      let k = 0;
      const next = (): Job => {
        const body = bodies[k++ % bodies.length];
        return async () => { await client.call(protocol, 'PutMetricData', body); return { events: DATUMS_PER_PUT, bytes: body.length }; };
      };
      const a = await server.snapshot('start');
      const r = await drive({ concurrency: PUT_CONCURRENCY, durationMs, next });
      const d = BenchServer.delta(a, await server.snapshot('end'), r.elapsedS);
      const dps = r.events / r.elapsedS;
      ctx.log(`  PutMetricData ${protocol} #${rep + 1}: ${r.events.toLocaleString()} datapoints in ${r.requests} requests, ${r.elapsedS.toFixed(1)} s = ${Math.round(dps).toLocaleString()} datapoints/s; p50 ${median(r.latenciesMs).toFixed(0)} ms; CPU µs/datapoint server ${(d.serverCpuS * 1e6 / r.events).toFixed(2)} engine ${(d.engineCpuS * 1e6 / r.events).toFixed(2)}; waiting for CPU ${((d.serverWaitS + d.engineWaitS) / d.wallS).toFixed(2)} s/s; ${d.engineInserts} engine inserts`);
      vals.push(dps); deltas.push({ ...d, engineInsertRows: r.events });
    }
    ctx.report.add({
      suite: 'metrics', name: `PutMetricData, ${protocol === 'json10' ? 'AWS JSON 1.0' : 'RPC v2 CBOR'}, 1,000 datums/request (datapoints/s)`, unit: 'events/s', values: vals, deltas,
      target: { op: '>=', value: 100_000 },
      how: `SigV4 node:http client in the bench process, ${PUT_CONCURRENCY} requests in flight, ${durationMs / 1000} s per run, 1,000 metrics, acknowledged (durable) datapoints only`,
    });
  }
}

// ------------------------------------------------------------------ 3. GetMetricData

const GMD_METRICS = 1000;
const GMD_MINUTES = 1440;

/** Loads 1,000 metrics × 1,440 minutes: request r carries minute r of every metric. */
async function loadDay(ctx: Context, client: CloudWatchRaw, dayStart: number): Promise<void> {
  let r = 0;
  const t0 = performance.now();
  const res = await drive({
    concurrency: PUT_CONCURRENCY,
    next: () => {
      if (r >= GMD_MINUTES) return null;
      const minute = r++;
      return async () => {
        const ts = (dayStart + minute * 60_000) / 1000;
        const MetricData = [];
        for (let m = 0; m < GMD_METRICS; m++) MetricData.push({ MetricName: 'Requests', Dimensions: [{ Name: 'Host', Value: `host-${m}` }], Timestamp: ts, Value: (m + minute) % 97 });
        await client.call('json10', 'PutMetricData', client.encode('json10', { Namespace: 'Bench/Day', MetricData }));
        return { events: GMD_METRICS, bytes: 0 };
      };
    },
  });
  ctx.log(`  loaded ${res.events.toLocaleString()} datapoints (1,000 metrics × 1 day) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

interface GmdAnswer { MetricDataResults: Array<{ Id: string; Timestamps: number[]; Values: number[]; StatusCode: string }>; NextToken?: string }

/** Every page of one GetMetricData request; returns datapoints and pages. */
async function getAllPages(client: CloudWatchRaw, input: Record<string, unknown>): Promise<{ points: number; pages: number; firstMs: number }> {
  let points = 0, pages = 0, firstMs = 0, token: string | undefined;
  const t0 = performance.now();
  do {
    const a = await client.json<GmdAnswer>('GetMetricData', token ? { ...input, NextToken: token } : input);
    if (pages === 0) firstMs = performance.now() - t0;
    pages++;
    for (const r of a.MetricDataResults) points += r.Values.length;
    token = a.NextToken;
  } while (token);
  return { points, pages, firstMs };
}

async function getMetricDataFigures(ctx: Context, server: BenchServer, client: CloudWatchRaw): Promise<void> {
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const dayStart = end - GMD_MINUTES * 60_000;
  await loadDay(ctx, client, dayStart);
  const request = (half: number) => ({
    StartTime: dayStart / 1000, EndTime: end / 1000,
    MetricDataQueries: Array.from({ length: 500 }, (_, i) => ({
      Id: `m${half * 500 + i}`,
      MetricStat: { Metric: { Namespace: 'Bench/Day', MetricName: 'Requests', Dimensions: [{ Name: 'Host', Value: `host-${half * 500 + i}` }] }, Period: 60, Stat: 'Average' },
    })),
  });
  const vals: number[] = [], firsts: number[] = [];
  let pagesSeen = 0;
  const cpu: Array<{ server: number; engine: number }> = [];
  for (let rep = -1; rep < ctx.reps; rep++) {
    const a = await server.snapshot('start');
    const t0 = performance.now();
    const r0 = await getAllPages(client, request(0));
    const r1 = await getAllPages(client, request(1));
    const ms = performance.now() - t0;
    const d = BenchServer.delta(a, await server.snapshot('end'), ms / 1000);
    const points = r0.points + r1.points;
    if (points !== GMD_METRICS * GMD_MINUTES) throw new Error(`GetMetricData returned ${points} datapoints, expected ${GMD_METRICS * GMD_MINUTES}`);
    ctx.log(`  GetMetricData ${rep < 0 ? 'warm-up' : `#${rep + 1}`}: 2 × 500 queries, ${r0.pages + r1.pages} pages, ${points.toLocaleString()} datapoints in ${ms.toFixed(0)} ms (first page ${r0.firstMs.toFixed(0)} ms); CPU server ${(d.serverCpuS * 1000).toFixed(0)} ms engine ${(d.engineCpuS * 1000).toFixed(0)} ms`);
    if (rep < 0) continue;
    vals.push(ms); firsts.push(r0.firstMs); pagesSeen = r0.pages + r1.pages;
    cpu.push({ server: d.serverCpuS * 1000, engine: d.engineCpuS * 1000 });
  }
  ctx.report.add({
    suite: 'metrics', name: 'GetMetricData, 1,000 metrics × 1 day, 60 s period (2 × 500 queries, all pages)', unit: 'ms', values: vals,
    target: { op: '<=', value: 1000 },
    how: `AWS JSON 1.0, two requests of 500 MetricStat (Average) queries one after the other, every page (${pagesSeen} pages of ≤ 100,800 datapoints), 1.44 M datapoints checked; after a warm-up`,
  });
  ctx.report.add({ suite: 'metrics', name: 'GetMetricData, first page of 500 queries', unit: 'ms', values: firsts, how: 'the first page of the first request' });
  ctx.report.notes.push(`GetMetricData 1,000 × 1 day: CPU per run (median) server ${median(cpu.map((c) => c.server)).toFixed(0)} ms, engine ${median(cpu.map((c) => c.engine)).toFixed(0)} ms`);
}

// ------------------------------------------------------------------ 1. Metric filters on ingest

/** 50 JSON metric filters over the bench's app lines: equality, numeric comparisons, values, dimensions. */
export function benchFilters(): Array<{ name: string; pattern: string; value: string; dims?: Record<string, string>; unit?: string }> {
  const f: Array<{ name: string; pattern: string; value: string; dims?: Record<string, string>; unit?: string }> = [];
  for (const s of SERVICES) {
    f.push({ name: `requests-${s}`, pattern: `{ $.service = "${s}" }`, value: '1' });
    f.push({ name: `errors-${s}`, pattern: `{ ($.service = "${s}") && ($.level = "error") }`, value: '1' });
    f.push({ name: `latency-${s}`, pattern: `{ ($.service = "${s}") && ($.http.duration_ms >= 0) }`, value: '$.http.duration_ms', unit: 'Milliseconds' });
  }
  for (const m of ['GET', 'POST', 'PUT', 'DELETE']) f.push({ name: `method-${m}`, pattern: `{ $.http.method = "${m}" }`, value: '1' });
  f.push({ name: 'status-5xx', pattern: '{ $.http.status >= 500 }', value: '1' });
  f.push({ name: 'status-404', pattern: '{ $.http.status = 404 }', value: '1' });
  f.push({ name: 'status-429', pattern: '{ $.http.status = 429 }', value: '1' });
  f.push({ name: 'status-2xx', pattern: '{ ($.http.status >= 200) && ($.http.status < 300) }', value: '1' });
  f.push({ name: 'status-304', pattern: '{ $.http.status = 304 }', value: '1' });
  for (const k of ['UpstreamTimeout', 'ECONNRESET', 'DeadlockError', 'ValidationError', 'RedisTimeout']) f.push({ name: `error-${k}`, pattern: `{ $.error.kind = "${k}" }`, value: '1' });
  f.push({ name: 'retryable', pattern: '{ $.error.retryable IS TRUE }', value: '1' });
  f.push({ name: 'errors-by-service', pattern: '{ $.level = "error" }', value: '1', dims: { Service: '$.service' } });
  f.push({ name: 'slow-by-service-method', pattern: '{ $.http.duration_ms > 1000 }', value: '$.http.duration_ms', dims: { Service: '$.service', Method: '$.http.method' }, unit: 'Milliseconds' });
  f.push({ name: 'status-by-service', pattern: '{ $.http.status = * }', value: '1', dims: { Service: '$.service', Status: '$.http.status' } });
  f.push({ name: 'bytes', pattern: '{ $.bytes > 0 }', value: '$.bytes', unit: 'Bytes' });
  f.push({ name: 'slow-100', pattern: '{ $.http.duration_ms > 100 }', value: '1' });
  f.push({ name: 'slow-250', pattern: '{ $.http.duration_ms > 250 }', value: '1' });
  f.push({ name: 'warnings', pattern: '{ $.level = "warn" }', value: '1' });
  f.push({ name: 'curl', pattern: '{ $.user_agent = "curl*" }', value: '1' });
  f.push({ name: 'health-checks', pattern: '{ $.http.path = "/health" }', value: '1' });
  f.push({ name: 'debug', pattern: '{ $.level = "debug" }', value: '1' });
  f.push({ name: 'spans', pattern: '{ $.span_id = * }', value: '1' });
  if (f.length !== 50) throw new Error(`expected 50 bench filters, have ${f.length}`);
  return f;
}

const MAX_BATCH_BYTES = 1_048_576;
const LOG_STREAMS = 8;
const LOG_CONCURRENCY = 8;

/** PutLogEvents bodies' event arrays (serialized once), batches as large as the limits allow. */
function logBatches(lines: Lines): string[] {
  const out: string[] = [];
  let parts: string[] = [], bytes = 0;
  for (let i = 0; i < lines.lines.length; i++) {
    const size = Buffer.byteLength(lines.lines[i]) + 26;
    if (parts.length && (bytes + size > MAX_BATCH_BYTES || parts.length >= 10_000)) { out.push(parts.join(',')); parts = []; bytes = 0; }
    parts.push(`{"timestamp":${lines.ts[i]},"message":${JSON.stringify(lines.lines[i])}}`);
    bytes += size;
  }
  if (parts.length) out.push(parts.join(','));
  return out;
}

/** Creates the group's streams (and the group unless it exists) and sends batches for `durationMs`. */
async function ingestRun(client: RawAwsClient, group: string, createGroup: boolean, batches: string[], counts: number[], durationMs: number): Promise<{ events: number; elapsedS: number }> {
  if (createGroup) await client.call('CreateLogGroup', { logGroupName: group });
  const streams = Array.from({ length: LOG_STREAMS }, (_, i) => `app-${i}`);
  for (const s of streams) await client.call('CreateLogStream', { logGroupName: group, logStreamName: s });
  let k = 0;
  const head = `{"logGroupName":${JSON.stringify(group)},"logStreamName":`;
  const r = await drive({
    concurrency: LOG_CONCURRENCY, durationMs,
    next: () => {
      const b = Math.floor(k / LOG_STREAMS);
      if (b >= batches.length) return null;
      const stream = streams[k++ % LOG_STREAMS];
      return async () => {
        const out = await client.callRaw<{ rejectedLogEventsInfo?: unknown }>('PutLogEvents', Buffer.from(`${head}${JSON.stringify(stream)},"logEvents":[${batches[b]}]}`));
        if (out.rejectedLogEventsInfo) throw new Error(`events rejected: ${JSON.stringify(out.rejectedLogEventsInfo)}`);
        return { events: counts[b], bytes: 0 };
      };
    },
  });
  return { events: r.events, elapsedS: r.elapsedS };
}

async function metricFilterFigures(ctx: Context): Promise<void> {
  const app = ctx.app();
  const batches = logBatches(app);
  const counts = batches.map((b) => { let n = 0; for (let i = b.indexOf('{"timestamp"'); i >= 0; i = b.indexOf('{"timestamp"', i + 1)) n++; return n; });
  const server = await BenchServer.start('metric-filters', { profileDir: ctx.o.profileDir });
  server.sampler.phase('metric-filters');
  const client = new RawAwsClient(server.url, LOG_CONCURRENCY * 2);
  const cw = new CloudWatchRaw(server.url, 4);
  try {
    const durationMs = ctx.scaled(12_000);
    const filters = benchFilters();
    const addFilters = async (group: string) => {
      await client.call('CreateLogGroup', { logGroupName: group });
      for (const f of filters) {
        await client.call('PutMetricFilter', { logGroupName: group, filterName: f.name, filterPattern: f.pattern, metricTransformations: [{ metricName: f.name, metricNamespace: 'Bench/Filters', metricValue: f.value, ...(f.dims ? { dimensions: f.dims } : {}), ...(f.unit ? { unit: f.unit } : {}) }] });
      }
    };
    // Warm-up of both paths (JIT, and the metrics' first datapoints, which add them to the catalog once):
    // the figures are steady-state ingest.
    await ingestRun(client, '/bench/metric-filters/warm-plain', true, batches, counts, ctx.scaled(3000));
    await addFilters('/bench/metric-filters/warm-filtered');
    await ingestRun(client, '/bench/metric-filters/warm-filtered', false, batches, counts, ctx.scaled(3000));
    // The filters must produce metrics (otherwise the comparison means nothing).
    const lm = await cw.json<{ Metrics: unknown[] }>('ListMetrics', { Namespace: 'Bench/Filters' });
    if (lm.Metrics.length < 50) throw new Error(`only ${lm.Metrics.length} metrics from the 50 filters`);
    const plain: number[] = [], filtered: number[] = [], ratios: number[] = [];
    const dPlain: RunDelta[] = [], dFiltered: RunDelta[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      // Alternate the order so a drift in machine load does not favour one side.
      const order = rep % 2 ? ['filtered', 'plain'] : ['plain', 'filtered'];
      const got: Record<string, number> = {};
      for (const kind of order) {
        const group = `/bench/metric-filters/${kind}-${rep}`;
        if (kind === 'filtered') await addFilters(group);
        const a = await server.snapshot('start');
        const r = await ingestRun(client, group, kind === 'plain', batches, counts, durationMs);
        const d = BenchServer.delta(a, await server.snapshot('end'), r.elapsedS);
        const evs = r.events / r.elapsedS;
        got[kind] = evs;
        (kind === 'plain' ? plain : filtered).push(evs);
        (kind === 'plain' ? dPlain : dFiltered).push({ ...d, engineInsertRows: r.events });
        ctx.log(`  PutLogEvents ${kind} #${rep + 1}: ${r.events.toLocaleString()} events, ${r.elapsedS.toFixed(1)} s = ${Math.round(evs).toLocaleString()} events/s; CPU µs/event server ${(d.serverCpuS * 1e6 / r.events).toFixed(2)} (JS ${(d.serverMainCpuS * 1e6 / r.events).toFixed(2)}) engine ${(d.engineCpuS * 1e6 / r.events).toFixed(2)}; waiting for CPU ${((d.serverWaitS + d.engineWaitS) / d.wallS).toFixed(2)} s/s`);
      }
      ratios.push(got.filtered / got.plain);
    }
    ctx.report.add({ suite: 'metrics', name: 'PutLogEvents 300 B, no metric filters', unit: 'events/s', values: plain, deltas: dPlain, how: `${LOG_STREAMS} streams, ${LOG_CONCURRENCY} in flight, ${durationMs / 1000} s per run` });
    ctx.report.add({ suite: 'metrics', name: 'PutLogEvents 300 B, 50 JSON metric filters', unit: 'events/s', values: filtered, deltas: dFiltered, how: 'same, alternating with the run above on the same server' });
    const m = median(ratios);
    ctx.report.notes.push(`Metric filters: throughput with 50 JSON filters ÷ without, per run ${ratios.map((x) => x.toFixed(2)).join(' ')}, median ${m.toFixed(2)} (target ≥ 0.80: ${m >= 0.8 ? 'met' : 'NOT met'}); server CPU µs/event without ${median(dPlain.map((d) => d.serverCpuS * 1e6 / d.engineInsertRows)).toFixed(2)}, with ${median(dFiltered.map((d) => d.serverCpuS * 1e6 / d.engineInsertRows)).toFixed(2)}`);
  } finally {
    client.close();
    cw.close();
    ctx.report.addMemory(server.sampler);
    await server.stop();
  }
}

/** `TW_BENCH_METRICS=filters,put,get` runs only those parts (default: all three). */
export async function metricsSuite(ctx: Context): Promise<void> {
  const parts = new Set((process.env.TW_BENCH_METRICS ?? 'filters,put,get').split(',').map((x) => x.trim()));
  if (parts.has('filters')) await metricFilterFigures(ctx);
  if (!parts.has('put') && !parts.has('get')) return;
  const server = await BenchServer.start('metrics', { profileDir: ctx.o.profileDir });
  server.sampler.phase('metrics');
  const client = new CloudWatchRaw(server.url, PUT_CONCURRENCY * 2);
  try {
    if (parts.has('put')) await putMetricDataFigures(ctx, server, client);
    if (parts.has('get')) await getMetricDataFigures(ctx, server, client);
  } finally {
    client.close();
    ctx.report.addMemory(server.sampler);
    await server.stop();
  }
}
