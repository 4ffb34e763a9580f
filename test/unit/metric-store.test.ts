/**
 * The metric store on the real embedded engine, with an injected clock: exact statistics from raw
 * points, 5-minute and hourly rollups (recomputed for late data), the high-resolution fold,
 * retention per tier, and restart (catalog and fold state survive).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { MetricStore, type AggregateQuery } from '../../src/metrics/store.js';
import type { Datum } from '../../src/metrics/model.js';
import { tempDir } from '../helpers/server.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

let dir: string;
let engine: EmbeddedEngine;
let clock = NOW;
let store: MetricStore;

before(async () => {
  dir = tempDir('tw-metrics-');
  engine = new EmbeddedEngine({ dataDir: join(dir, 'engine') });
  store = new MetricStore(join(dir, 'metrics'), engine, { now: () => clock });
  await store.init();
});
after(async () => {
  await store?.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

function datum(metricName: string, timestamp: number, values: number[], o: Partial<Datum> = {}): Datum {
  return { namespace: 'Test', metricName, dimensions: [{ Name: 'Host', Value: 'h1' }], timestamp, unit: 'Count', resolution: 60, samples: values.map((value) => ({ value, count: 1 })), ...o };
}
const idOf = (name: string) => store.findSeries('Test', name, [{ Name: 'Host', Value: 'h1' }])!.id;
const q = (name: string, start: number, end: number, periodSec: number, extra: Partial<AggregateQuery> = {}) =>
  store.aggregate({ seriesIds: [idOf(name)], start, end, periodSec, ...extra });

describe('metric store', () => {
  it('answers exact classic statistics and nearest-rank percentiles from raw points', async () => {
    const t = NOW - 10 * MIN;
    await store.put([
      datum('raw', t, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      datum('raw', t + 30_000, [], { samples: undefined, stats: { sampleCount: 2, sum: 10, min: 5, max: 5 } }),
      datum('raw', t + MIN, [100], { unit: 'Seconds' }),
    ]);
    const rows = await q('raw', t, t + 2 * MIN, 60, { byUnit: true, percentiles: [50, 90] });
    assert.deepEqual(rows.map((r) => [r.timestamp - t, r.unit, r.count, r.sum, r.min, r.max]), [[0, 'Count', 12, 65, 1, 10], [MIN, 'Seconds', 1, 100, 100, 100]]);
    // The statistic set (2 × 5) is a single value repeated: it counts for percentiles.
    assert.deepEqual([...rows[0].percentiles!.entries()], [[50, 5], [90, 9]]);
    const merged = await q('raw', t, t + 2 * MIN, 120, { unit: 'Count' });
    assert.equal(merged.length, 1);
    assert.equal(merged[0].count, 12);
  });

  it('lists metrics with their dimensions and last datapoint', () => {
    const all = store.listSeries({ namespace: 'Test' });
    assert.ok(all.some((s) => s.metricName === 'raw' && s.dimensions[0].Value === 'h1'));
    assert.equal(store.listSeries({ namespace: 'Test', dimensions: [{ Name: 'Host', Value: 'nope' }] }).length, 0);
    assert.equal(store.listSeries({ namespace: 'Test', dimensions: [{ Name: 'Host' }] }).length, all.length);
  });

  it('serves periods older than 15 days from 5-minute rollups, recomputed for late data', async () => {
    const t = NOW - 13 * DAY;
    await store.put([datum('old', t, [1, 2, 3]), datum('old', t + MIN, [10])]);
    await store.maintain();
    // Late data for the same 5-minute bucket (PutMetricData accepts timestamps two weeks back).
    await store.put([datum('old', t + 2 * MIN, [100])]);
    await store.maintain();
    // Three days later the raw points are gone (15 days); the rollup holds all five values once.
    clock = NOW + 3 * DAY;
    await store.maintain();
    try {
      const rows = await q('old', t, t + 10 * MIN, 300, { percentiles: [50] });
      assert.deepEqual(rows.map((r) => [r.timestamp - t, r.count, r.sum, r.min, r.max]), [[0, 5, 116, 1, 100]]);
      assert.equal(rows[0].percentiles!.get(50), 3, 'percentiles come from the rollup t-digest');
      // 60-second periods are no longer available that far back, nor unaligned 5-minute ones.
      assert.deepEqual(await q('old', t, t + 10 * MIN, 60), []);
      assert.deepEqual(await q('old', t + MIN, t + 10 * MIN, 300), []);
      assert.deepEqual((await q('old', t, t + HOUR, 3600)).map((r) => r.count), [5], 'hourly periods from 5-minute rollups');
    } finally {
      clock = NOW;
    }
  });

  it('keeps only hourly rollups after 63 days and deletes raw points after 15', async () => {
    const t = NOW - 70 * DAY;
    await store.put([datum('ancient', t, [4]), datum('ancient', t + 10 * MIN, [6])]);
    await store.maintain();
    const counts = await store.counts();
    assert.ok(!(await q('ancient', t - 10 * MIN, t + HOUR, 60)).length);
    assert.deepEqual(await q('ancient', t, t + HOUR, 300), []);
    const rows = await q('ancient', t, t + HOUR, 3600);
    assert.deepEqual(rows.map((r) => [r.count, r.sum, r.min, r.max]), [[2, 10, 4, 6]]);
    assert.ok(counts['rollup.3600'] >= 1);
    // Older than 455 days: gone from every tier.
    clock = NOW + 400 * DAY;
    await store.maintain();
    assert.deepEqual(await q('ancient', t, t + HOUR, 3600), []);
    clock = NOW;
  });

  it('folds 1-second data older than 3 hours into per-minute rows without changing statistics', async () => {
    const old = NOW - 4 * HOUR;
    const recent = NOW - HOUR;
    const hr = (ts: number, v: number) => datum('hires', ts, [v], { resolution: 1 });
    await store.put([hr(old, 1), hr(old + 1000, 2), hr(old + 2000, 2), hr(old + 61_000, 7), hr(recent, 5), hr(recent + 1000, 6)]);
    const before = await q('hires', old, old + 2 * MIN, 60, { percentiles: [50, 100] });
    const before1s = await q('hires', recent, recent + MIN, 1);
    assert.equal(before1s.length, 2, 'second-level periods within the last 3 hours');
    await store.maintain();
    const after = await q('hires', old, old + 2 * MIN, 60, { percentiles: [50, 100] });
    assert.deepEqual(after, before);
    assert.deepEqual(await q('hires', recent, recent + MIN, 1), before1s, 'recent high-resolution data is not folded');
    assert.deepEqual(await q('hires', old, old + MIN, 1), [], 'periods under 60 s are not served beyond 3 hours');
    const counts = await store.counts();
    assert.equal(counts['points.res1'], 2, 'only the recent 1-second rows remain');
  });

  it('keeps its catalog and fold state across a restart', async () => {
    await store.close();
    store = new MetricStore(join(dir, 'metrics'), engine, { now: () => clock });
    await store.init();
    assert.ok(store.findSeries('Test', 'hires', [{ Name: 'Host', Value: 'h1' }]));
    const rows = await q('hires', NOW - 4 * HOUR, NOW - 4 * HOUR + 2 * MIN, 60);
    assert.deepEqual(rows.map((r) => [r.count, r.sum]), [[3, 5], [1, 7]]);
    // A datum arriving after the restart gets a batch id above every earlier one.
    await store.put([datum('raw', NOW - 5 * MIN, [1])]);
    assert.equal((await q('raw', NOW - 5 * MIN, NOW, 60)).length, 1);
  });
});

describe('metric store: batched reads and binary rows', () => {
  const names = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5'];
  const T0 = NOW - 2 * HOUR;

  it('stores the same values through RowBinary and JSONEachRow rows', async () => {
    // Edge values: -0, tiny and huge magnitudes, fractional counts, a statistic set, a non-default unit.
    const mk = (name: string): Datum[] => [
      datum(name, T0, [-0, 1e-300, 2 ** 300, 3.25]),
      datum(name, T0 + 5_000, [], { samples: [{ value: 7, count: 0.5 }, { value: 7, count: 2 }, { value: -1, count: 3 }] }),
      datum(name, T0 + MIN, [], { samples: undefined, stats: { sampleCount: 4, sum: 10, min: 1, max: 4 } }),
      datum(name, T0 + 2 * MIN, [42], { unit: 'Bytes/Second', resolution: 1 }),
    ];
    assert.equal(engine.rowBinaryInserts, true);
    await store.put(mk('rowbinary'));
    Object.defineProperty(engine, 'rowBinaryInserts', { value: false, configurable: true });
    try { await store.put(mk('jsonrows')); } finally { Object.defineProperty(engine, 'rowBinaryInserts', { value: true, configurable: true }); }
    const read = async (name: string) => (await q(name, T0, T0 + 3 * MIN, 60, { byUnit: true, percentiles: [0, 50, 100] }))
      .map((r) => ({ ...r, percentiles: [...r.percentiles!] }));
    assert.deepEqual(await read('rowbinary'), await read('jsonrows'));
    assert.equal((await read('rowbinary')).length, 3);
  });

  it('fetches many MetricStats together exactly as one by one (classic, percentile and trimmed statistics)', async () => {
    // Six metrics with uneven data: several rows per period, gaps, a statistic set, two units.
    const data: Datum[] = [];
    names.forEach((name, k) => {
      for (let m = 0; m < 30; m++) {
        if ((m + k) % 7 === 0) continue;
        data.push(datum(name, T0 + m * MIN + 1000, [m + k, (m * k) % 11, 0.5 * m]));
        if (m % 5 === k % 5) data.push(datum(name, T0 + m * MIN + 2000, [], { samples: undefined, stats: { sampleCount: 3, sum: 9, min: 1, max: 5 } }));
        if (m % 9 === 0) data.push(datum(name, T0 + m * MIN + 3000, [1000 + m], { unit: 'Seconds' }));
      }
    });
    await store.put(data);
    const { metricStatSeries, metricStatSeriesMany } = await import('../../src/metrics/query.js');
    const specs = names.flatMap((metricName) => ['Average', 'Sum', 'SampleCount', 'Minimum', 'Maximum', 'p90', 'TM(10%:90%)'].flatMap((stat) =>
      [60, 300].flatMap((period) => [undefined, 'Count'].map((unit) => ({ namespace: 'Test', metricName, dimensions: [{ Name: 'Host', Value: 'h1' }], period, stat, unit })))));
    // A metric that never received data, and the same query twice.
    specs.push({ namespace: 'Test', metricName: 'never', dimensions: [], period: 60, stat: 'Sum', unit: undefined }, specs[0]);
    const start = T0 - 3 * MIN, end = T0 + 40 * MIN;
    const many = await metricStatSeriesMany(store, specs, start, end, clock);
    for (let i = 0; i < specs.length; i++) {
      const one = await metricStatSeries(store, specs[i], start, end, clock);
      assert.deepEqual(many[i].timestamps, one.timestamps, `timestamps of ${JSON.stringify(specs[i])}`);
      assert.deepEqual([...many[i].values], [...one.values], `values of ${JSON.stringify(specs[i])}`);
    }
    assert.notEqual(many[0].values, many[many.length - 1].values, 'a repeated query gets its own values');
    assert.ok(many.some((s) => s.values.some((v) => !Number.isNaN(v))));
  });

  it('answers periods older than 15 days from rollups in the batched read too', async () => {
    const old = NOW - 20 * DAY;
    await store.put(names.map((name, k) => datum(name, old + 3 * MIN, [k + 1, 10])));
    await store.rollup();
    const { metricStatSeries, metricStatSeriesMany } = await import('../../src/metrics/query.js');
    const specs = names.map((metricName) => ({ namespace: 'Test', metricName, dimensions: [{ Name: 'Host', Value: 'h1' }], period: 3600, stat: 'Average' }));
    const start = old - 2 * HOUR, end = old + 2 * HOUR;
    const many = await metricStatSeriesMany(store, specs, start, end, clock);
    for (let i = 0; i < specs.length; i++) {
      const one = await metricStatSeries(store, specs[i], start, end, clock);
      assert.deepEqual([...many[i].values], [...one.values]);
      assert.equal(many[i].values.filter((v) => !Number.isNaN(v)).length, 1);
    }
  });
});
