/**
 * The batched reads of an evaluation cycle (src/alarms/prefetch.ts) give exactly what the real
 * metric store gives query by query: a differential check over many metrics, statistics (classic,
 * percentiles, trimmed means), windows, unit filters and multi-metric (math) reads, on the real
 * embedded engine. Also checks that the plan really saves engine queries.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { MetricStore } from '../../src/metrics/store.js';
import { evaluateQueries, type Query, type StatQuery } from '../../src/metrics/metric-data.js';
import { parseExpression } from '../../src/metrics/math/parser.js';
import type { Datum } from '../../src/metrics/model.js';
import { PrefetchedMetrics } from '../../src/alarms/prefetch.js';
import { tempDir } from '../helpers/server.js';

const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN + 30_000;
const END = Math.floor(NOW / MIN) * MIN;
let dir: string;
let engine: EmbeddedEngine;
let store: MetricStore;

before(async () => {
  dir = tempDir('tw-alarm-prefetch-');
  engine = new EmbeddedEngine({ dataDir: join(dir, 'engine') });
  store = new MetricStore(join(dir, 'metrics'), engine, { now: () => NOW });
  await store.init();
  const data: Datum[] = [];
  for (let h = 0; h < 20; h++) {
    for (let m = 1; m <= 30; m++) {
      if ((h + m) % 7 === 0) continue; // gaps
      const ts = END - m * MIN + (h % 3) * 1000;
      data.push({ namespace: 'P', metricName: 'Lat', dimensions: [{ Name: 'H', Value: `h${h}` }], timestamp: ts, unit: h % 4 ? 'Milliseconds' : 'Seconds', resolution: 60, samples: [1, 2, 3, 5, 8, 13].map((k) => ({ value: k * (h + 1) + m, count: 1 + (k % 2) })) });
      data.push({ namespace: 'P', metricName: 'Req', dimensions: [{ Name: 'H', Value: `h${h}` }], timestamp: ts, unit: 'Count', resolution: 60, samples: [{ value: 100 + h + m, count: 1 }] });
    }
  }
  await store.put(data);
});
after(async () => {
  await store?.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stat = (id: string, metric: string, h: number, s: string, period: number, unit?: string): StatQuery =>
  ({ kind: 'stat', id, returnData: true, namespace: 'P', metricName: metric, dimensions: [{ Name: 'H', Value: `h${h}` }], period, stat: s, unit });

describe('prefetched alarm reads (differential against the metric store)', () => {
  it('every alarm-shaped query set evaluates to the same values', async () => {
    const sets: Array<{ queries: Query[]; start: number }> = [];
    const stats = ['Average', 'Sum', 'Maximum', 'Minimum', 'SampleCount', 'p99', 'p50', 'tm90', 'IQM', 'PR(:50)'];
    for (let h = 0; h < 20; h++) {
      for (const [i, s] of stats.entries()) {
        const period = i % 3 === 0 ? 300 : 60;
        const n = 1 + ((h + i) % 5);
        const unit = i === 4 ? 'Milliseconds' : undefined;
        sets.push({ queries: [stat('m1', 'Lat', h, s, period, unit), { ...stat('samples', 'Lat', h, 'SampleCount', period, unit), returnData: false }], start: END - (n + 2) * period * 1000 });
      }
      // A math alarm: two metrics read together (classicBySeries), and an expression.
      sets.push({ start: END - 5 * MIN, queries: [
        { ...stat('e', 'Lat', h, 'Sum', 60), returnData: false },
        { ...stat('r', 'Req', h, 'Sum', 60), returnData: false },
        { kind: 'expr', id: 'x', returnData: true, expression: 'e / r', ast: parseExpression('e / r') },
      ] });
    }
    const prefetch = new PrefetchedMetrics(store);
    for (const s of sets) for (const q of s.queries) if (q.kind === 'stat') prefetch.want(q, s.start, END);
    await prefetch.fetch();
    const view = prefetch.view();
    let compared = 0;
    for (const s of sets) {
      const direct = await evaluateQueries(store, s.queries, s.start, END, NOW);
      const batched = await evaluateQueries(view, s.queries, s.start, END, NOW);
      for (const q of s.queries) {
        const a = direct.get(q.id)!, b = batched.get(q.id)!;
        assert.equal(a.t, 'ts');
        assert.equal(b.t, 'ts');
        if (a.t !== 'ts' || b.t !== 'ts') continue;
        assert.deepEqual([...b.s.timestamps], [...a.s.timestamps], q.id);
        assert.deepEqual([...b.s.values].map(String), [...a.s.values].map(String), `${q.id} ${q.kind === 'stat' ? q.stat : ''}`);
        compared += a.s.values.filter((v) => !Number.isNaN(v)).length;
      }
    }
    assert.ok(compared > 1000, `compared ${compared} datapoints`);
    assert.equal(prefetch.misses, 0, 'every read was answered from the plan');
    assert.ok(prefetch.queries <= 8, `${prefetch.queries} engine queries for ${sets.length} alarms`);
  });
});
