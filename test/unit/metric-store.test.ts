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
