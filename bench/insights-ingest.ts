/**
 * Suite `insights-ingest`: does a long Logs Insights query stall ingestion? One server process,
 * preloaded through native ingest with N app events (default 2 M × --scale; TW_BENCH_PRELOAD_EVENTS)
 * in 8 streams over 3 days, then per run:
 *   A. native NDJSON ingest alone for D seconds                         → events/s
 *   B. the same ingest while Q clients (default 2; TW_BENCH_QUERY_CLIENTS) loop heavy Insights
 *      queries over the preloaded group through the signed AWS API (StartQuery, then
 *      GetQueryResults every 100 ms until Complete); clients start queries for D seconds and
 *      ingest runs until the last one ends                            → events/s, queries, latency
 *   C. the queries alone, started for D seconds, all awaited             → latency
 * D = 20 s × --scale (TW_BENCH_PHASE_S overrides). Phases A/B/C alternate within each run so drift
 * (background merges, other work on the machine) falls on all three alike. Live ingest goes into
 * its own group per phase and run (same table as the preload), so the queries' input is the same
 * in B and C. Every completed query's answer is checked against counts taken while generating the
 * preload. Prints a table with the ratio B/A; no thresholds here (BENCHMARKS.md judges targets).
 */
import { performance } from 'node:perf_hooks';
import type { Context } from './lib/context.js';
import { BenchServer, type RunDelta } from './lib/server.js';
import { NativeClient } from './lib/native.js';
import { RawAwsClient } from './lib/aws.js';
import { drive, type Job, type LoadResult } from './lib/load.js';
import { appLines, ndjsonBodies } from './lib/data.js';
import { fmt, median, percentile, sleep, table } from './lib/stats.js';
import { BODY_BYTES } from './suites/native-ingest.js';

const STREAMS = 8;
const INGEST_CONCURRENCY = 4;
const PRELOAD_CHUNK = 40_000;
const PRELOAD_DAYS = 3;
const POLL_MS = 100;
const PRELOAD_GROUP = '/bench/insights-ingest/preload';

/** What the preload holds, counted while generating it: the oracle for every query answer. */
interface Expect { total: number; timeout: number; errors: number }

type Row = { field: string; value: string }[];
interface QueryDef { name: string; query: string; check: (rows: Row[], e: Expect) => string | null }

const num = (r: Row, f: string) => Number(r.find((c) => c.field === f)?.value ?? NaN);
const sum = (rows: Row[], f: string) => rows.reduce((s, r) => s + num(r, f), 0);
const expectSum = (f: string, want: (e: Expect) => number) => (rows: Row[], e: Expect) => (sum(rows, f) === want(e) ? null : `sum of ${f} is ${sum(rows, f)}, expected ${want(e)}`);

/** Heavy queries of the kinds people leave running: a full-range histogram, text search, JSON-field aggregation. */
const QUERIES: QueryDef[] = [
  { name: 'stats count(*) by bin(5m), level', query: 'stats count(*) by bin(5m), level', check: expectSum('count(*)', (e) => e.total) },
  { name: 'filter @message like /timeout/ | stats count(*) by service', query: 'filter @message like /timeout/ | stats count(*) by service', check: expectSum('count(*)', (e) => e.timeout) },
  {
    name: 'filter @message like /timeout/ | fields @timestamp, @message | limit 1000', query: 'filter @message like /timeout/ | fields @timestamp, @message | limit 1000',
    check: (rows, e) => (rows.length === Math.min(1000, e.timeout) ? null : `${rows.length} rows, expected ${Math.min(1000, e.timeout)}`),
  },
  {
    name: 'filter level = "error" | stats count(*), avg(http.duration_ms), pct(http.duration_ms, 95) by service', query: 'filter level = "error" | stats count(*) as n, avg(http.duration_ms) as avg_ms, pct(http.duration_ms, 95) as p95 by service',
    check: expectSum('n', (e) => e.errors),
  },
];

interface QueryRun { name: string; ms: number; endedAt: number }

interface PhaseResult {
  delta: RunDelta;
  ingest?: { eventsPerS: number; mbps: number; p50Ms: number; p99Ms: number; maxMs: number; longestGapMs: number };
  queries: QueryRun[];
}

function envNumber(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${v}'`);
  return n;
}

const countLines = (b: Buffer) => { let n = 0; for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++; return n; };

export async function insightsIngestSuite(ctx: Context): Promise<void> {
  const preloadN = Math.round(envNumber('TW_BENCH_PRELOAD_EVENTS', 2_000_000) * ctx.o.scale);
  const clients = Math.round(envNumber('TW_BENCH_QUERY_CLIENTS', 2));
  const phaseMs = process.env.TW_BENCH_PHASE_S ? envNumber('TW_BENCH_PHASE_S', 20) * 1000 : ctx.scaled(20_000);
  const app = ctx.app();
  const bodies = ndjsonBodies(app.lines, BODY_BYTES);
  const lineCounts = bodies.map(countLines);
  const msgBytes = bodies.map((b, i) => b.length - lineCounts[i]);

  const server = await BenchServer.start('insights-ingest', { profileDir: ctx.o.profileDir });
  const native = new NativeClient(server.url, INGEST_CONCURRENCY * 2);
  const aws = new RawAwsClient(server.url, clients * 2);
  try {
    server.sampler.phase('insights-ingest preload');
    const { expect, range } = await preload(ctx, native, preloadN);
    const runQuery = async (q: QueryDef): Promise<number> => {
      const t0 = performance.now();
      const { queryId } = await aws.call<{ queryId: string }>('StartQuery', { logGroupName: PRELOAD_GROUP, startTime: range.startS, endTime: range.endS, queryString: q.query });
      for (;;) {
        await sleep(POLL_MS);
        const r = await aws.call<{ status: string; results: Row[] }>('GetQueryResults', { queryId });
        if (r.status === 'Complete') {
          const ms = performance.now() - t0;
          const wrong = q.check(r.results, expect);
          if (wrong) throw new Error(`query '${q.name}' answered wrongly: ${wrong}`);
          return ms;
        }
        if (r.status !== 'Scheduled' && r.status !== 'Running') throw new Error(`query '${q.name}' ended ${r.status}`);
      }
    };
    // The preload is acknowledged once durable; wait until the engine shows all of it to queries.
    const waitT0 = performance.now();
    for (;;) {
      try { await runQuery({ ...QUERIES[0], check: expectSum('count(*)', (e) => e.total) }); break; } catch (e) {
        if (performance.now() - waitT0 > 120_000) throw e;
        await sleep(1000);
      }
    }
    // One warm-up of each query (not counted): first-run costs (query code load, dictionary caches).
    for (const q of QUERIES) await runQuery(q);
    ctx.log(`  preload queryable after ${((performance.now() - waitT0) / 1000).toFixed(1)} s (warm-up included)`);

    // The clients take queries in turn from one rotation that carries on across phases and runs, so
    // every query gets measured in both B and C even when a phase has room for only a few.
    let turn = 0;
    /** Loops queries on `clients` clients until `stop()`. */
    const queryLoops = (stop: () => boolean, out: QueryRun[]) => Array.from({ length: clients }, async () => {
      while (!stop()) {
        const q = QUERIES[turn++ % QUERIES.length];
        const ms = await runQuery(q);
        out.push({ name: q.name, ms, endedAt: performance.now() });
      }
    });

    /**
     * Ingest alone for D seconds, or ingest for as long as the query clients run (they start queries
     * for D seconds, then finish the one in hand), so every counted query ran wholly during ingest.
     */
    const ingestPhase = async (group: string, withQueries: boolean): Promise<PhaseResult> => {
      let k = 0;
      let stopped = false;
      const acks: number[] = [];
      const next = (): Job | null => {
        if (stopped) return null;
        // Request k: stream k % S, body ⌊k / S⌋, never the same content twice in a stream (a retry
        // would be stored once); past the last body, the bodies go round again into new streams.
        const b = Math.floor(k / STREAMS), round = Math.floor(b / bodies.length), body = b % bodies.length;
        const stream = `app-${k % STREAMS}-r${round}`;
        k++;
        return async () => {
          await native.ingest(group, stream, bodies[body], { expectLines: lineCounts[body] });
          acks.push(performance.now());
          return { events: lineCounts[body], bytes: msgBytes[body] };
        };
      };
      const queries: QueryRun[] = [];
      const a = await server.snapshot('start');
      const t0 = performance.now();
      const loops = withQueries ? Promise.allSettled(queryLoops(() => performance.now() - t0 >= phaseMs, queries)).finally(() => { stopped = true; }) : undefined;
      let r: LoadResult | undefined, failure: unknown;
      try { r = await drive({ concurrency: INGEST_CONCURRENCY, durationMs: withQueries ? undefined : phaseMs, next }); } catch (e) { failure = e; }
      stopped = true;
      for (const s of (await loops) ?? []) if (s.status === 'rejected') failure ??= s.reason;
      if (failure !== undefined || !r) throw failure;
      const delta = BenchServer.delta(a, await server.snapshot('end'), r.elapsedS);
      return {
        delta,
        ingest: {
          eventsPerS: r.events / r.elapsedS, mbps: r.bytes / 1e6 / r.elapsedS,
          p50Ms: median(r.latenciesMs), p99Ms: percentile(r.latenciesMs, 99), maxMs: Math.max(...r.latenciesMs),
          longestGapMs: longestGap(acks, t0),
        },
        queries,
      };
    };

    const queriesAlone = async (): Promise<PhaseResult> => {
      const queries: QueryRun[] = [];
      const a = await server.snapshot('start');
      const t0 = performance.now();
      const settled = await Promise.allSettled(queryLoops(() => performance.now() - t0 >= phaseMs, queries));
      const delta = BenchServer.delta(a, await server.snapshot('end'), (performance.now() - t0) / 1000);
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      return { delta, queries };
    };

    const runs: { a: PhaseResult; b: PhaseResult; c: PhaseResult }[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      server.sampler.phase('insights-ingest A: ingest alone');
      const a = await ingestPhase(`/bench/insights-ingest/alone-${rep}`, false);
      await sleep(1000);
      server.sampler.phase('insights-ingest B: ingest + queries');
      const b = await ingestPhase(`/bench/insights-ingest/with-queries-${rep}`, true);
      await sleep(1000);
      server.sampler.phase('insights-ingest C: queries alone');
      const c = await queriesAlone();
      await sleep(1000);
      runs.push({ a, b, c });
      const ql = (p: PhaseResult) => `${p.queries.length} queries, p50 ${fmt(median(p.queries.map((q) => q.ms)))} ms`;
      ctx.log(`  run ${rep + 1}: A ${fmt(a.ingest!.eventsPerS)} events/s; B ${fmt(b.ingest!.eventsPerS)} events/s (×${(b.ingest!.eventsPerS / a.ingest!.eventsPerS).toFixed(2)}), ${ql(b)}; C ${ql(c)}`);
    }
    const out = render(runs, { preloadN, clients, phaseMs, reps: ctx.reps });
    process.stdout.write('\n' + out.text + '\n');

    const how = `one server preloaded with ${fmt(preloadN)} app events (native ingest, ${STREAMS} streams, ${PRELOAD_DAYS} days); native ingest of 4 MiB bodies, ${INGEST_CONCURRENCY} in flight, ${STREAMS} streams, ${phaseMs / 1000} s per phase`;
    const qhow = `${clients} clients looping ${QUERIES.length} Insights queries over the preloaded group (StartQuery + GetQueryResults every ${POLL_MS} ms, SigV4); latency = StartQuery sent → Complete seen`;
    ctx.report.add({ suite: 'insights-ingest', name: 'A: native ingest alone', unit: 'events/s', values: runs.map((r) => r.a.ingest!.eventsPerS), mbps: runs.map((r) => r.a.ingest!.mbps), deltas: runs.map((r) => r.a.delta), vsBaseline: true, how });
    ctx.report.add({ suite: 'insights-ingest', name: `B: native ingest while ${clients} clients run Insights queries`, unit: 'events/s', values: runs.map((r) => r.b.ingest!.eventsPerS), mbps: runs.map((r) => r.b.ingest!.mbps), deltas: runs.map((r) => r.b.delta), vsBaseline: true, how: `${how}; ingest runs until the last query ends; ${qhow}` });
    ctx.report.add({ suite: 'insights-ingest', name: 'B: Insights query latency during ingest (median of all queries)', unit: 'ms', values: runs.map((r) => median(r.b.queries.map((q) => q.ms))), how: qhow });
    ctx.report.add({ suite: 'insights-ingest', name: 'C: Insights query latency alone (median of all queries)', unit: 'ms', values: runs.map((r) => median(r.c.queries.map((q) => q.ms))), how: qhow });
    ctx.report.notes.push(`insights-ingest: ingest during queries ÷ ingest alone = ${out.ratio.toFixed(2)} (runs ${out.ratios.map((x) => x.toFixed(2)).join(', ')}); query latency during ingest ÷ alone = ${fmt(out.latencyRatio, 2)} (geometric mean over queries)`);
  } finally {
    native.close();
    aws.close();
    ctx.report.addMemory(server.sampler);
    await server.stop();
  }
}

/**
 * Loads `n` app events through native ingest: chunks of generated lines over the last 3 days
 * (made as they are needed, so memory stays bounded), 4 MiB bodies spread over the streams.
 */
async function preload(ctx: Context, native: NativeClient, n: number): Promise<{ expect: Expect; range: { startS: number; endS: number } }> {
  const endMs = ctx.now - 3_600_000;
  const startMs = endMs - PRELOAD_DAYS * 86_400_000;
  const chunks = Math.ceil(n / PRELOAD_CHUNK);
  const span = (endMs - startMs) / chunks;
  const expect: Expect = { total: 0, timeout: 0, errors: 0 };
  const queue: { stream: string; body: Buffer; lines: number }[] = [];
  let chunk = 0, body = 0;
  const next = (): Job | null => {
    if (!queue.length) {
      if (chunk >= chunks) return null;
      const count = Math.min(PRELOAD_CHUNK, n - chunk * PRELOAD_CHUNK);
      const { lines } = appLines(count, Math.floor(startMs + chunk * span), Math.floor(startMs + (chunk + 1) * span), 1000 + chunk);
      for (const l of lines) {
        if (l.includes('timeout')) expect.timeout++;
        if (l.includes('"level":"error"')) expect.errors++;
      }
      expect.total += lines.length;
      for (const b of ndjsonBodies(lines, BODY_BYTES)) queue.push({ stream: `app-${body++ % STREAMS}`, body: b, lines: countLines(b) });
      chunk++;
    }
    const j = queue.shift()!;
    return async () => { await native.ingest(PRELOAD_GROUP, j.stream, j.body, { expectLines: j.lines }); return { events: j.lines, bytes: j.body.length - j.lines }; };
  };
  const r = await drive({ concurrency: INGEST_CONCURRENCY, next });
  ctx.log(`  preloaded ${fmt(r.events)} events (${(r.bytes / 1e6).toFixed(0)} MB of messages; ${fmt(expect.timeout)} contain "timeout", ${fmt(expect.errors)} errors) in ${r.elapsedS.toFixed(1)} s = ${fmt(r.events / r.elapsedS)} events/s (generation included)`);
  return { expect, range: { startS: Math.floor(startMs / 1000), endS: Math.ceil(endMs / 1000) } };
}

/** Longest time without an ingest acknowledgement (from the phase start): a stall shows here, not in the mean. */
function longestGap(acks: number[], t0: number): number {
  let gap = 0, prev = t0;
  for (const at of acks) { gap = Math.max(gap, at - prev); prev = at; }
  return gap;
}

function render(runs: { a: PhaseResult; b: PhaseResult; c: PhaseResult }[], o: { preloadN: number; clients: number; phaseMs: number; reps: number }): { text: string; ratio: number; ratios: number[]; latencyRatio: number } {
  const m = (f: (r: { a: PhaseResult; b: PhaseResult; c: PhaseResult }) => number) => median(runs.map(f));
  const cores = (p: (r: typeof runs[0]) => PhaseResult, k: (d: RunDelta) => number) => fmt(m((r) => k(p(r).delta) / p(r).delta.wallS), 2);
  const phaseRow = (label: string, p: (r: typeof runs[0]) => PhaseResult, queried: boolean) => {
    const ing = (f: (i: NonNullable<PhaseResult['ingest']>) => number) => (p(runs[0]).ingest ? fmt(m((r) => f(p(r).ingest!))) : '-');
    const all = runs.flatMap((r) => p(r).queries.map((q) => q.ms));
    return [
      label, ing((i) => i.eventsPerS), ing((i) => i.p50Ms), ing((i) => i.p99Ms), ing((i) => i.maxMs), ing((i) => i.longestGapMs),
      queried ? fmt(m((r) => p(r).queries.length)) : '-', all.length ? fmt(median(all)) : '-', all.length ? fmt(percentile(all, 90)) : '-',
      cores(p, (d) => d.serverCpuS), cores(p, (d) => d.engineCpuS), cores(p, (d) => d.clientCpuS), `${cores(p, (d) => d.serverWaitS + d.engineWaitS)} s/s`,
    ];
  };
  const ratios = runs.map((r) => r.b.ingest!.eventsPerS / r.a.ingest!.eventsPerS);
  const ratio = median(ratios);
  // Per query (the mix of queries differs between phases): the geometric mean of p50(B) / p50(C).
  const perQuery = QUERIES.map((q) => {
    const b = runs.flatMap((r) => r.b.queries.filter((x) => x.name === q.name).map((x) => x.ms));
    const c = runs.flatMap((r) => r.c.queries.filter((x) => x.name === q.name).map((x) => x.ms));
    return { q, b, c, ratio: median(b) / median(c) };
  });
  const measured = perQuery.filter((p) => Number.isFinite(p.ratio));
  const latencyRatio = measured.length ? Math.exp(measured.reduce((s, p) => s + Math.log(p.ratio), 0) / measured.length) : NaN;
  const lines: string[] = [];
  lines.push(`Ingest while querying: ${fmt(o.preloadN)} preloaded events, ${o.clients} query clients, ${o.phaseMs / 1000} s per phase, ${o.reps} runs of A, B, C (medians over runs; query latencies pooled over runs)`);
  lines.push(table(
    ['phase', 'ingest events/s', 'ingest p50 ms', 'p99 ms', 'max ms', 'longest ack gap ms', 'queries per run', 'query p50 ms', 'query p90 ms', 'server cores', 'engine cores', 'client cores', 'waiting for CPU'],
    [phaseRow('A: ingest alone', (r) => r.a, false), phaseRow('B: ingest + queries', (r) => r.b, true), phaseRow('C: queries alone', (r) => r.c, true)],
  ));
  lines.push(`longest ack gap: the longest time in a phase with no ingest request acknowledged (a stall); cores: CPU s per wall s of the server, its engine child, the bench client`);
  lines.push(`Ingest during queries ÷ ingest alone (B/A): ${ratio.toFixed(2)}  (runs: ${ratios.map((x) => x.toFixed(2)).join(', ')})`);
  lines.push(`Query latency during ingest ÷ alone (B/C; geometric mean over queries of p50 ratios): ${fmt(latencyRatio, 2)}`);
  lines.push('');
  lines.push(table(['query', 'alone p50 ms', 'during ingest p50 ms', 'B/C', 'n alone', 'n during'], perQuery.map(({ q, b, c, ratio: r }) =>
    [q.name, fmt(median(c)), fmt(median(b)), fmt(r, 2), String(c.length), String(b.length)])));
  return { text: lines.join('\n'), ratio, ratios, latencyRatio };
}
