/**
 * The anomaly detection model (src/metrics/anomaly/model.ts) on deterministic synthetic series:
 * daily and weekly cycles, trend, Gaussian noise and injected anomalies. AWS documents the
 * behaviour, not the algorithm (CloudWatch_Anomaly_Detection.html: "trains on up to two weeks
 * of metric data", "accounts for the seasonality and trend changes", hourly/daily/weekly
 * patterns, excluded time ranges, MetricTimezone for daylight saving time, PeriodicSpikes);
 * these tests hold our model to that with stated precision/recall floors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_TRAINING_POINTS, modelBand, trainModel, type TrainingOptions } from '../../src/metrics/anomaly/model.js';
import { score, syntheticSeries, type SyntheticSpec } from '../../src/metrics/anomaly/synthetic.js';
import { localClock, hourOf, validTimezone } from '../../src/metrics/anomaly/local-time.js';

const DAY = 86_400_000;
const P = 300;
const PER_DAY = 86_400 / P;
const START = Date.UTC(2024, 0, 1); // a Monday

/** Trains on the first `trainDays`, scores the band (k) on the rest. */
function run(spec: Partial<SyntheticSpec>, trainDays: number, evalDays: number, k = 3, opts: Partial<TrainingOptions> = {}) {
  const n = (trainDays + evalDays) * PER_DAY;
  const trainN = trainDays * PER_DAY;
  const s = syntheticSeries({ seed: 1, start: START, periodSec: P, points: n, ...spec });
  const model = trainModel(s.timestamps.slice(0, trainN), s.values.slice(0, trainN), { periodSec: P, ...opts });
  assert.ok(model, 'a model');
  const band = modelBand(model, s.timestamps, k);
  return { s, model, band, trainN };
}

describe('anomaly model: seasonal series with injected anomalies', () => {
  it('daily + weekly cycle + trend + noise: flags the injected anomalies on the following days (k = 3)', () => {
    // 30 anomalies of 6–10 noise widths, all in the two evaluated days.
    const { s, model, band, trainN } = run({ dailyAmplitude: 30, weekendDip: 25, trendPerDay: 2, noiseSd: 3, anomalies: 30, anomaliesFrom: 14 * PER_DAY }, 14, 2);
    assert.equal(model.seasonality, 'weekly');
    assert.ok(Math.abs(model.slope * DAY - 2) < 0.3, `trend ${model.slope * DAY}/day`);
    assert.ok(Math.abs(model.sd - 3) < 0.4, `spread ${model.sd}`);
    const r = score(s.values, band.upper, band.lower, s.anomalies, trainN);
    assert.ok(r.precision >= 0.9, `precision ${r.precision}`);
    assert.ok(r.recall >= 0.95, `recall ${r.recall}`);
    assert.ok(r.normalInside >= 0.99, `normal points inside ${r.normalInside}`);
  });

  it('anomalies inside the training history barely move the model (robust fit)', () => {
    // 60 anomalies spread over the 14 days the model trains on, scored in-sample.
    const { s, band, model } = run({ dailyAmplitude: 30, weekendDip: 25, trendPerDay: 1, noiseSd: 3, anomalies: 60, seed: 11 }, 14, 0);
    assert.ok(Math.abs(model.sd - 3) < 0.4, `spread ${model.sd}`);
    const r = score(s.values, band.upper, band.lower, s.anomalies);
    assert.ok(r.recall >= 0.95, `recall ${r.recall}`);
    assert.ok(r.precision >= 0.7, `precision ${r.precision}`);
    assert.ok(r.normalInside >= 0.99, `normal points inside ${r.normalInside}`);
  });

  it('a wider k gives a wider band and fewer flags', () => {
    const { s, model } = run({ dailyAmplitude: 30, noiseSd: 3, anomalies: 20, anomaliesFrom: 14 * PER_DAY, seed: 5 }, 14, 1);
    const t = s.timestamps.slice(14 * PER_DAY);
    const b2 = modelBand(model, t, 2), b4 = modelBand(model, t, 4);
    for (let i = 0; i < t.length; i++) assert.ok(b4.upper[i] - b4.lower[i] > b2.upper[i] - b2.lower[i]);
  });
});

describe('anomaly model: seasonality chosen by fit', () => {
  it('daily cycle only → daily; flat → level; weekly → weekly', () => {
    assert.equal(run({ dailyAmplitude: 30, noiseSd: 3 }, 14, 0).model.seasonality, 'daily');
    assert.equal(run({ noiseSd: 3 }, 14, 0).model.seasonality, 'level');
    assert.equal(run({ dailyAmplitude: 30, weekendDip: 40, noiseSd: 3 }, 14, 0).model.seasonality, 'weekly');
  });

  it('short history: a trend-free level', () => {
    const { model } = run({ dailyAmplitude: 30, trendPerDay: 10, noiseSd: 3 }, 1, 0);
    assert.equal(model.seasonality, 'level');
    assert.equal(model.slope, 0);
    const r = run({ dailyAmplitude: 30, noiseSd: 3 }, 3, 0).model;
    assert.equal(r.seasonality, 'daily', 'two days are enough for the daily cycle');
  });

  it(`fewer than ${MIN_TRAINING_POINTS} datapoints: no model (TRAINED_INSUFFICIENT_DATA)`, () => {
    const s = syntheticSeries({ seed: 2, start: START, periodSec: P, points: MIN_TRAINING_POINTS - 1 });
    assert.equal(trainModel(s.timestamps, s.values, { periodSec: P }), undefined);
    const gaps = Float64Array.from(s.values.map((v, i) => (i % 2 ? NaN : v)));
    assert.equal(trainModel(s.timestamps, gaps, { periodSec: P }), undefined, 'missing datapoints do not count');
    const more = syntheticSeries({ seed: 2, start: START, periodSec: P, points: MIN_TRAINING_POINTS });
    assert.ok(trainModel(more.timestamps, more.values, { periodSec: P }));
  });
});

describe('anomaly model: configuration', () => {
  it('ExcludedTimeRanges leave a deployment out of training', () => {
    const n = 4 * PER_DAY;
    const s = syntheticSeries({ seed: 3, start: START, periodSec: P, points: n, noiseSd: 2 });
    // Days 1–3: a bad deployment raised the metric by 20 for most of the history.
    const from = START + DAY, to = START + 4 * DAY;
    s.timestamps.forEach((t, i) => { if (t >= from && t < to) s.values[i] += 20; });
    const next = [START + n * P * 1000];
    const centre = (excluded: TrainingOptions['excluded']) => {
      const m = trainModel(s.timestamps, s.values, { periodSec: P, excluded, adaptationSpeed: 'SLOW' })!;
      const b = modelBand(m, next, 1);
      return { points: m.points, centre: (b.upper[0] + b.lower[0]) / 2 };
    };
    const plain = centre(undefined), excl = centre([{ start: from, end: to }]);
    assert.equal(excl.points, n - 3 * PER_DAY);
    assert.ok(Math.abs(excl.centre - 100) < 2, `centre without the deployment ${excl.centre}`);
    assert.ok(plain.centre > 110, `the deployment pulls an unexcluded model (${plain.centre})`);
  });

  it('MetricTimezone: a cycle that follows local time across a DST change fits better in that zone', () => {
    assert.ok(validTimezone('America/New_York'));
    assert.ok(!validTimezone('Mars/Olympus_Mons'));
    // 2024-11-03: New York leaves daylight saving time; the cycle peaks at 14:00 local every day.
    const start = Date.UTC(2024, 9, 24);
    const clock = localClock('America/New_York');
    const ts: number[] = [], vs: number[] = [];
    for (let i = 0; i < 14 * PER_DAY; i++) {
      const t = start + i * P * 1000;
      const h = hourOf(clock.local(t)) + (((clock.local(t) % 3_600_000) + 3_600_000) % 3_600_000) / 3_600_000;
      ts.push(t); vs.push(100 + 40 * Math.cos(((h - 14) / 24) * 2 * Math.PI) + ((i * 7919) % 13) / 13);
    }
    const utc = trainModel(ts, vs, { periodSec: P })!;
    const ny = trainModel(ts, vs, { periodSec: P, timezone: 'America/New_York' })!;
    assert.ok(ny.sd < utc.sd / 2, `local-time spread ${ny.sd} vs UTC ${utc.sd}`);
  });

  it('PeriodicSpikes: a spike that recurs at the same time every day is expected; others are still flagged', () => {
    const n = 15 * PER_DAY;
    const s = syntheticSeries({ seed: 4, start: START, periodSec: P, points: n, noiseSd: 2 });
    const spikeSlot = (2 * 3600) / P; // 02:00 every day
    for (let d = 0; d < 15; d++) s.values[d * PER_DAY + spikeSlot] += 60;
    const odd = 14 * PER_DAY + 150; // 12:30 on the last day
    s.values[odd] += 60;
    const trainN = 14 * PER_DAY;
    const lastDay = s.timestamps.slice(trainN);
    const check = (periodicSpikes: boolean) => {
      const m = trainModel(s.timestamps.slice(0, trainN), s.values.slice(0, trainN), { periodSec: P, periodicSpikes })!;
      const b = modelBand(m, lastDay, 3);
      const out = (i: number) => s.values[i] > b.upper[i - trainN] || s.values[i] < b.lower[i - trainN];
      return { spike: out(trainN + spikeSlot), odd: out(odd) };
    };
    assert.deepEqual(check(false), { spike: true, odd: true });
    assert.deepEqual(check(true), { spike: false, odd: true });
  });

  it('AdaptationSpeed: FAST follows a sustained shift of the last day, SLOW does not', () => {
    const n = 10 * PER_DAY;
    const s = syntheticSeries({ seed: 6, start: START, periodSec: P, points: n, noiseSd: 2 });
    for (let i = 9 * PER_DAY; i < n; i++) s.values[i] += 30;
    const next = [START + n * P * 1000];
    const center = (adaptationSpeed: 'FAST' | 'SLOW') => {
      const m = trainModel(s.timestamps, s.values, { periodSec: P, adaptationSpeed })!;
      const b = modelBand(m, next, 1);
      return (b.upper[0] + b.lower[0]) / 2;
    };
    assert.ok(Math.abs(center('FAST') - 130) < 3, `FAST centre ${center('FAST')}`);
    assert.ok(Math.abs(center('SLOW') - 100) < 5, `SLOW centre ${center('SLOW')}`);
  });

  it('OutlierFilteringStrength: STRICT drops more of the training history than MINIMAL', () => {
    const s = syntheticSeries({ seed: 8, start: START, periodSec: P, points: 7 * PER_DAY, noiseSd: 2, anomalies: 40, minSigmas: 4, maxSigmas: 7 });
    const strict = trainModel(s.timestamps, s.values, { periodSec: P, outlierFiltering: 'STRICT' })!;
    const minimal = trainModel(s.timestamps, s.values, { periodSec: P, outlierFiltering: 'MINIMAL' })!;
    assert.ok(strict.points < minimal.points, `${strict.points} < ${minimal.points}`);
    assert.ok(minimal.points >= s.timestamps.length - 40);
  });
});
