/**
 * Anomaly detection model: precision and recall of ANOMALY_DETECTION_BAND on a larger synthetic
 * set, and the CPU time to train one metric's model (`npm run bench -- anomaly --no-baseline`).
 *
 * Each metric: two weeks of training history plus two evaluated days, at 5 minutes (and, for the
 * training-cost figure, at 1 minute: 20,160 datapoints, the largest a model trains on); shapes
 * cycle through flat, daily, daily + weekend dip + trend, and daily with noisy peaks. Anomalies
 * of 4–10 noise widths are injected in the evaluated days only. In-process and CPU-bound: times
 * are process CPU time (process.cpuUsage), not wall clock, so other work on the machine matters less.
 */
import type { Context } from '../lib/context.js';
import { fmt, median, table } from '../lib/stats.js';
import { modelBand, trainModel } from '../../src/metrics/anomaly/model.js';
import { score, syntheticSeries, type SyntheticSpec } from '../../src/metrics/anomaly/synthetic.js';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const SHAPES: Array<[string, Partial<SyntheticSpec>]> = [
  ['flat', { noiseSd: 2 }],
  ['daily', { dailyAmplitude: 30, noiseSd: 3 }],
  ['weekly + trend', { dailyAmplitude: 30, weekendDip: 25, trendPerDay: 2, noiseSd: 3 }],
  ['daily, big cycle', { dailyAmplitude: 200, noiseSd: 5, level: 1000 }],
];
const KS = [2, 3, 4];

const cpuMs = (f: () => void): number => {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};

export async function anomalySuite(ctx: Context): Promise<void> {
  const metrics = ctx.scaled(200);
  const period = 300;
  const perDay = 86_400 / period;
  const trainN = 14 * perDay, evalN = 2 * perDay;
  const byK = new Map(KS.map((k) => [k, { tp: 0, fp: 0, fn: 0, normal: 0, inside: 0 }]));
  const byShape = new Map(SHAPES.map(([name]) => [name, { tp: 0, fp: 0, fn: 0 }]));
  const trainMs: number[] = [];
  const chosen = new Map<string, number>();
  for (let m = 0; m < metrics; m++) {
    const [shape, spec] = SHAPES[m % SHAPES.length];
    const s = syntheticSeries({ seed: 1000 + m, start: START + (m % 7) * DAY, periodSec: period, points: trainN + evalN, anomalies: 20, anomaliesFrom: trainN, minSigmas: 4, maxSigmas: 10, ...spec });
    let model: ReturnType<typeof trainModel>;
    trainMs.push(cpuMs(() => { model = trainModel(s.timestamps.slice(0, trainN), s.values.slice(0, trainN), { periodSec: period }); }));
    chosen.set(`${shape} → ${model!.seasonality}`, (chosen.get(`${shape} → ${model!.seasonality}`) ?? 0) + 1);
    const t = s.timestamps.slice(trainN);
    const v = s.values.slice(trainN);
    const anomalies = new Set([...s.anomalies].map((i) => i - trainN));
    for (const k of KS) {
      const b = modelBand(model!, t, k);
      const r = score(v, b.upper, b.lower, anomalies);
      const tp = Math.round(r.recall * anomalies.size);
      const acc = byK.get(k)!;
      acc.tp += tp; acc.fp += r.flagged - tp; acc.fn += anomalies.size - tp;
      acc.normal += v.length - anomalies.size; acc.inside += Math.round(r.normalInside * (v.length - anomalies.size));
      if (k === 3) { const sh = byShape.get(shape)!; sh.tp += tp; sh.fp += r.flagged - tp; sh.fn += anomalies.size - tp; }
    }
  }
  // The largest training: two weeks at one minute.
  const big = syntheticSeries({ seed: 7, start: START, periodSec: 60, points: 14 * 1440, dailyAmplitude: 30, weekendDip: 20, trendPerDay: 1, noiseSd: 3 });
  const bigMs: number[] = [];
  for (let r = 0; r < Math.max(3, ctx.reps); r++) bigMs.push(cpuMs(() => { trainModel(big.timestamps, big.values, { periodSec: 60, periodicSpikes: true }); }));

  const pr = (x: { tp: number; fp: number; fn: number }) => [fmt(x.tp / Math.max(1, x.tp + x.fp), 3), fmt(x.tp / Math.max(1, x.tp + x.fn), 3)];
  const lines = [
    `Anomaly model: ${metrics} synthetic metrics, 14 days of 5-minute history each, 2 evaluated days with 20 injected anomalies (4–10 noise widths)`,
    table(['k (band width)', 'precision', 'recall', 'normal points inside'], KS.map((k) => {
      const a = byK.get(k)!;
      return [String(k), ...pr(a), fmt(a.inside / a.normal, 4)];
    })),
    table(['shape (k = 3)', 'precision', 'recall'], [...byShape].map(([name, a]) => [name, ...pr(a)])),
    `Seasonality chosen: ${[...chosen].map(([c, n]) => `${c} ×${n}`).join(', ')}`,
    `Training CPU per metric (4,032 points at 5 min): median ${fmt(median(trainMs), 1)} ms; two weeks at 1 min (20,160 points, PeriodicSpikes): median ${fmt(median(bigMs), 1)} ms`,
  ];
  ctx.report.notes.push(...lines);
  ctx.report.add({ suite: 'anomaly', name: 'train one model, 2 weeks at 5 min (CPU)', unit: 'ms', values: [median(trainMs)], how: `process.cpuUsage around trainModel; median over ${metrics} metrics` });
  ctx.report.add({ suite: 'anomaly', name: 'train one model, 2 weeks at 1 min (CPU)', unit: 'ms', values: bigMs, how: 'process.cpuUsage around trainModel' });
}
