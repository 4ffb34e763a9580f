/**
 * The metric alarm decision (src/alarms/evaluate-datapoints.ts) against AWS's TreatMissingData
 * tables, row by row. Oracle: fact sheet /work/shared/reference/aws-facts.md §4.2 (from AWS
 * "How alarm state is evaluated when data is missing"): evaluation range 5, newest on the right,
 * `0` good, `X` breaching, `-` missing; "retain" = the current state is kept.
 * Also the low-sample percentile rule (§4.2) and the reason text (§4.8).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, lowSampleCount, nextState, evaluationRange } from '../../src/alarms/evaluate-datapoints.js';
import { javaDouble, metricReason, reasonDate, javaJson, Int, longDate } from '../../src/alarms/reason.js';
import type { StateValue, TreatMissingData } from '../../src/alarms/model.js';

const THRESHOLD = 3;
/** `0 - X - X` → values: good = 1, breaching = 5, missing = undefined. */
const parse = (row: string) => row.split(' ').map((c) => (c === '0' ? 1 : c === 'X' ? 5 : undefined));

function outcome(row: string, n: number, m: number, tmd: TreatMissingData, current: StateValue): StateValue | 'retain' {
  const d = decide({ values: parse(row), evaluationPeriods: n, datapointsToAlarm: m, treatMissingData: tmd, breaches: (v) => v > THRESHOLD });
  if (d.kind === 'retain') return 'retain';
  return nextState(d, current);
}

type Row = [string, StateValue | 'retain', StateValue | 'retain', StateValue | 'retain', StateValue | 'retain'];

// §4.2, N=3, M=3: data | missing | ignore | breaching | notBreaching
const N3M3: Row[] = [
  ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - X - -', 'ALARM', 'retain', 'ALARM', 'OK'],
];
// §4.2, N=3, M=2
const N3M2: Row[] = [
  ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - X -', 'ALARM', 'retain', 'ALARM', 'OK'],
];
const COLUMNS: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

describe('TreatMissingData tables (fact sheet §4.2)', () => {
  it('the evaluation range is 5 datapoints for N = 3, as in the tables', () => assert.equal(evaluationRange(3), 5));
  for (const [title, rows, n, m] of [['N=3, M=3', N3M3, 3, 3], ['N=3, M=2', N3M2, 3, 2]] as const) {
    for (const row of rows) {
      for (let c = 0; c < COLUMNS.length; c++) {
        it(`${title} ${row[0]} ${COLUMNS[c]} → ${row[c + 1]}`, () => {
          // "retain" rows are checked from two different current states.
          for (const current of ['OK', 'ALARM'] as StateValue[]) {
            const got = outcome(row[0], n, m, COLUMNS[c], current);
            assert.equal(got, row[c + 1], `from ${current}`);
          }
        });
      }
    }
  }
  it('the premature-alarm rule waits for the oldest breaching datapoint to be M periods old (M=N=3)', () => {
    assert.equal(outcome('- - - - X', 3, 3, 'missing', 'OK'), 'retain');
    assert.equal(outcome('- - - X -', 3, 3, 'missing', 'OK'), 'retain');
    assert.equal(outcome('- - X - -', 3, 3, 'missing', 'OK'), 'ALARM');
  });
  it('the breaching fill of "0 - - - -" (M=N=3) uses two filled points: OK now', () => {
    const d = decide({ values: parse('0 - - - -'), evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'breaching', breaches: (v) => v > THRESHOLD });
    assert.equal(d.kind, 'threshold');
    if (d.kind === 'threshold') { assert.equal(d.filled, 2); assert.equal(d.state, 'OK'); }
  });
  it('complete data: M of the last N datapoints breaching', () => {
    assert.equal(outcome('0 0 X 0 X', 3, 3, 'missing', 'OK'), 'OK');
    assert.equal(outcome('0 0 X X X', 3, 3, 'missing', 'OK'), 'ALARM');
    assert.equal(outcome('X X 0 X X', 3, 2, 'missing', 'OK'), 'ALARM');
  });
});

describe('EvaluateLowSampleCountPercentile thresholds (fact sheet §4.2)', () => {
  it('p99 needs 1000 samples, p95 200, p1 1000, p50 20', () => {
    assert.equal(lowSampleCount(99, 999), true);
    assert.equal(lowSampleCount(99, 1000), false);
    assert.equal(lowSampleCount(95, 199), true);
    assert.equal(lowSampleCount(95, 200), false);
    assert.equal(lowSampleCount(1, 999), true);
    assert.equal(lowSampleCount(1, 1000), false);
    assert.equal(lowSampleCount(50, 19), true);
    assert.equal(lowSampleCount(50, 20), false);
  });
});

describe('reason text (fact sheet §4.8)', () => {
  it('numbers print as Java doubles', () => {
    assert.equal(javaDouble(5), '5.0');
    assert.equal(javaDouble(0.25), '0.25');
    assert.equal(javaDouble(1e7), '1.0E7');
    assert.equal(javaDouble(-3), '-3.0');
    assert.equal(javaJson({ threshold: 3, period: new Int(60), values: [1.5, 2] }), '{"threshold":3.0,"period":60,"values":[1.5,2.0]}');
  });
  it('reproduces the documented OK -> ALARM reason', () => {
    const t = Date.UTC(2026, 10, 21, 10, 0, 0);
    assert.equal(reasonDate(t), '21/11/26 10:00:00');
    const d = decide({ values: [undefined, undefined, 5], evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'missing', breaches: (v) => v > 3 });
    const reason = metricReason({ decision: d, from: 'OK', comparisonOperator: 'GreaterThanThreshold', threshold: 3, timestamps: [t - 120_000, t - 60_000, t], evaluationPeriods: 1, datapointsToAlarm: 1 });
    assert.equal(reason, 'Threshold Crossed: 1 out of the last 1 datapoints [5.0 (21/11/26 10:00:00)] was greater than the threshold (3.0) (minimum 1 datapoint for OK -> ALARM transition).');
  });
  it('ALARM -> OK names the good datapoints and the N − M + 1 minimum', () => {
    const t = Date.UTC(2026, 10, 21, 10, 0, 0);
    const d = decide({ values: [5, 1, 1, 5, 1], evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: 'missing', breaches: (v) => v > 3 });
    const ts = [0, 1, 2, 3, 4].map((i) => t + i * 60_000);
    const reason = metricReason({ decision: d, from: 'ALARM', comparisonOperator: 'GreaterThanOrEqualToThreshold', threshold: 3, timestamps: ts, evaluationPeriods: 3, datapointsToAlarm: 2 });
    assert.equal(reason, 'Threshold Crossed: 2 out of the last 3 datapoints [1.0 (21/11/26 10:04:00), 1.0 (21/11/26 10:02:00)] were not greater than or equal to the threshold (3.0) (minimum 2 datapoints for ALARM -> OK transition).');
  });
  it('all datapoints good: the short form AWS writes (e.g. "1 datapoint [1.0 (18/04/22 14:27:00)] was not greater than or equal to the threshold (5.0).")', () => {
    const t = Date.UTC(2022, 3, 18, 14, 27, 0);
    const d = decide({ values: [undefined, undefined, 1], evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'missing', breaches: (v) => v >= 5 });
    assert.equal(metricReason({ decision: d, from: 'ALARM', comparisonOperator: 'GreaterThanOrEqualToThreshold', threshold: 5, timestamps: [t - 600_000, t - 300_000, t], evaluationPeriods: 1, datapointsToAlarm: 1 }),
      'Threshold Crossed: 1 datapoint [1.0 (18/04/22 14:27:00)] was not greater than or equal to the threshold (5.0).');
    const d3 = decide({ values: [9, 9, 1, 2, 3], evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing', breaches: (v) => v > 5 });
    const ts = [0, 1, 2, 3, 4].map((i) => t + i * 60_000);
    assert.equal(metricReason({ decision: d3, from: 'INSUFFICIENT_DATA', comparisonOperator: 'GreaterThanThreshold', threshold: 5, timestamps: ts, evaluationPeriods: 3, datapointsToAlarm: 3 }),
      'Threshold Crossed: 3 datapoints [3.0 (18/04/22 14:31:00), 2.0 (18/04/22 14:30:00), 1.0 (18/04/22 14:29:00)] were not greater than the threshold (5.0).');
  });
  it('composite reasons use the long date (e.g. "Friday 22 July, 2022 15:57:45 UTC")', () => {
    assert.equal(longDate(Date.UTC(2022, 6, 22, 15, 57, 45, 394)), 'Friday 22 July, 2022 15:57:45 UTC');
    assert.equal(longDate(Date.UTC(2022, 9, 30, 20, 47, 35)), 'Sunday 30 October, 2022 20:47:35 UTC');
  });
  it('insufficient data', () => {
    const d = decide({ values: [undefined, undefined, undefined, undefined, undefined], evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing', breaches: () => true });
    assert.equal(metricReason({ decision: d, from: 'OK', comparisonOperator: 'GreaterThanThreshold', threshold: 1, timestamps: [], evaluationPeriods: 3, datapointsToAlarm: 3 }), 'Insufficient Data: 3 datapoints were unknown.');
  });
});
