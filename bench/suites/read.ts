/**
 * Suite 6, the read check: 1M stored app events (4 streams of one group, loaded through native
 * ingest), then GetLogEvents and FilterLogEvents through the signed AWS API; median latency.
 */
import { performance } from 'node:perf_hooks';
import type { Context } from '../lib/context.js';
import { BenchServer } from '../lib/server.js';
import { NativeClient } from '../lib/native.js';
import { RawAwsClient } from '../lib/aws.js';
import { ndjsonBodies } from '../lib/data.js';
import { BODY_BYTES } from './native-ingest.js';
import { fmt, median } from '../lib/stats.js';

const STREAMS = 4;
const RUNS = 7;

interface Query { name: string; op: 'GetLogEvents' | 'FilterLogEvents'; input: Record<string, unknown>; check: (out: { events?: unknown[] }) => string }

export async function readSuite(ctx: Context): Promise<void> {
  const app = ctx.app();
  const bodies = ndjsonBodies(app.lines, BODY_BYTES);
  const server = await BenchServer.start('read', { profileDir: ctx.o.profileDir });
  server.sampler.phase('read-load');
  const native = new NativeClient(server.url, 8);
  const aws = new RawAwsClient(server.url, 4);
  const group = '/bench/read';
  try {
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < bodies.length) { const b = next++; await native.ingest(group, `app-${b % STREAMS}`, bodies[b]); }
    }));
    const loadS = (performance.now() - t0) / 1000;
    ctx.log(`  read: loaded ${app.lines.length.toLocaleString()} events in ${loadS.toFixed(1)} s = ${Math.round(app.lines.length / loadS).toLocaleString()} events/s`);
    ctx.report.add({
      suite: 'read', name: `native ingest of the 1M read-check events (one run)`, unit: 'events/s', values: [app.lines.length / loadS], mbps: [app.bytes / 1e6 / loadS], vsBaseline: true,
      how: `all ${bodies.length} 4 MiB bodies once, 4 in flight, 4 streams: a longer ingest run than suite 2's, reported for its length`,
    });
    server.sampler.phase('read-queries');
    // A needle: the trace id of one line in the middle.
    const needleLine = app.lines[Math.floor(app.lines.length / 2) + 7];
    const needle = /"trace_id":"([0-9a-f]+)"/.exec(needleLine)![1];
    const expectTimeout = app.lines.filter((l) => l.includes('timeout')).length;
    const count = (o: { events?: unknown[] }) => `${o.events?.length ?? 0} events`;
    const queries: Query[] = [
      { name: 'GetLogEvents, newest page of a 250k-event stream (limit 10,000)', op: 'GetLogEvents', input: { logGroupName: group, logStreamName: 'app-0' }, check: count },
      { name: 'GetLogEvents, startFromHead, limit 100', op: 'GetLogEvents', input: { logGroupName: group, logStreamName: 'app-1', startFromHead: true, limit: 100 }, check: count },
      { name: `FilterLogEvents "timeout" over the group (${expectTimeout.toLocaleString()} matches; first page)`, op: 'FilterLogEvents', input: { logGroupName: group, filterPattern: 'timeout' }, check: count },
      { name: 'FilterLogEvents "timeout payments", limit 100', op: 'FilterLogEvents', input: { logGroupName: group, filterPattern: 'timeout payments', limit: 100 }, check: count },
      { name: 'FilterLogEvents needle (one trace id, 1 match)', op: 'FilterLogEvents', input: { logGroupName: group, filterPattern: needle }, check: (o) => { if (o.events?.length !== 1) throw new Error(`needle found ${o.events?.length} times`); return '1 event'; } },
    ];
    for (const q of queries) {
      const ms: number[] = [];
      let info = '';
      await aws.call(q.op, q.input); // warm-up (not counted)
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        const out = await aws.call<{ events?: unknown[] }>(q.op, q.input);
        ms.push(performance.now() - t);
        info = q.check(out);
      }
      ctx.log(`  ${q.name}: median ${fmt(median(ms), 1)} ms (${ms.map((x) => x.toFixed(0)).join(' ')}) -> ${info}`);
      ctx.report.add({ suite: 'read', name: q.name, unit: 'ms', values: ms, how: `1M events in 4 streams of one group; signed AWS JSON request from the bench process; ${RUNS} runs after one warm-up; returned ${info}` });
    }
  } finally {
    native.close();
    aws.close();
    ctx.report.addMemory(server.sampler);
    await server.stop();
  }
}
