/**
 * Metric math: lexer, parser and evaluator, checked against the cases AWS documents
 * (fact sheet 4.6 and the metric math guide's tables), plus search expressions and statistics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MathError, tokenize } from '../../src/metrics/math/lexer.js';
import { parseExpression, references } from '../../src/metrics/math/parser.js';
import { evaluate, evaluateExpression, type MathEnv, type Series, type Value } from '../../src/metrics/math/evaluator.js';
import { matchesSearch, parseSearch, searchTokens } from '../../src/metrics/math/search.js';
import { computeStat, parseStat, weightedPercentile, type PeriodAggregate } from '../../src/metrics/statistics.js';

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0); // a Monday
const MIN = 60_000;

/** A series on a 60 s grid from T0; `null` = missing. */
function ts(values: Array<number | null>, label = 'm', id?: string, period = 60): Series {
  return { label, id, period, timestamps: values.map((_, i) => T0 + i * period * 1000), values: Float64Array.from(values.map((v) => (v === null ? NaN : v))) };
}

function env(refs: Record<string, Series>, extra: Partial<MathEnv> = {}): MathEnv {
  return {
    ref: (id, pos) => {
      if (!refs[id]) throw new MathError(`Unknown id ${id}`, pos);
      return { t: 'ts', s: refs[id] };
    },
    metrics: () => Object.entries(refs).map(([id, s]) => ({ ...s, id })),
    grid: () => ({ timestamps: [T0, T0 + MIN, T0 + 2 * MIN], period: 60 }),
    ...extra,
  };
}

/** Evaluates and returns a single series' values with missing as null. */
function vals(expr: string, refs: Record<string, Series>, extra?: Partial<MathEnv>): Array<number | null> {
  const r = evaluateExpression(expr, env(refs, extra));
  assert.equal(r.array, false, `${expr} should give one series`);
  return [...r.series[0].values].map((v) => (Number.isNaN(v) ? null : v));
}

function scalar(expr: string, refs: Record<string, Series>): number {
  const v = evaluate(parseExpression(expr), env(refs));
  assert.equal(v.t, 'scalar');
  return (v as Extract<Value, { t: 'scalar' }>).v;
}

describe('lexer and parser', () => {
  it('tokenizes ids, names, numbers, strings and operators', () => {
    const kinds = tokenize(`m1 + METRICS("errors") >= 1.5e2 && 'x'`).map((t) => `${t.kind}:${t.text}`);
    assert.deepEqual(kinds, ['id:m1', 'op:+', 'name:METRICS', 'op:(', 'str:errors', 'op:)', 'op:>=', 'num:1.5e2', 'op:&&', 'str:x', 'eof:']);
  });

  it('accepts the typographic quotes used in AWS examples', () => {
    assert.equal(tokenize('METRICS(\u201c4xx\u201d)')[2].text, '4xx');
  });

  it('follows arithmetic precedence and right-associative ^', () => {
    assert.equal(scalar('1 + 2 * 3', {}), 7);
    assert.equal(scalar('(1 + 2) * 3', {}), 9);
    assert.equal(scalar('2 ^ 3 ^ 2', {}), 512);
    assert.equal(scalar('-2 ^ 2', {}), -4);
    assert.equal(scalar('10 - 4 - 3', {}), 3);
    assert.equal(scalar('PERIOD(m1) / 60', { m1: ts([1], 'm', undefined, 300) }), 5);
  });

  it('binds comparisons tighter than AND and AND tighter than OR', () => {
    assert.equal(scalar('1 < 2 AND 2 < 1 OR 3 == 3', {}), 1);
    assert.equal(scalar('1 < 2 && (2 < 1 || 3 != 3)', {}), 0);
  });

  it('reports syntax errors with positions', () => {
    assert.throws(() => parseExpression('m1 +'), /Unexpected end of expression/);
    assert.throws(() => parseExpression('m1 + * m2'), /Unexpected '\*' at position 6/);
    assert.throws(() => parseExpression('SUM(m1'), /expected '\)'/);
    assert.throws(() => parseExpression('m1 $ 2'), /Unexpected character '\$' at position 4/);
    // Functions are upper case; a lowercase name is an id and cannot be called.
    assert.throws(() => parseExpression('avg(m1)'), /Unexpected '\('/);
  });

  it('collects references', () => {
    assert.deepEqual([...references(parseExpression('SUM([m1, m2]) / AVG(e1) + FILL(m1, 0)'))].sort(), ['e1', 'm1', 'm2']);
  });
});

describe('arithmetic, comparison and logical operators', () => {
  it('treats a value missing in one series as 0 and drops division by zero', () => {
    const m1 = ts([10, null, 6, null]);
    const m2 = ts([2, 4, 0, null]);
    assert.deepEqual(vals('m1 + m2', { m1, m2 }), [12, 4, 6, null]);
    assert.deepEqual(vals('m1 / m2', { m1, m2 }), [5, 0, null, null]);
    assert.deepEqual(vals('m1 * 2', { m1 }), [20, null, 12, null]);
    assert.deepEqual(vals('100 / m2', { m2 }), [50, 25, null, null]);
    assert.deepEqual(vals('-m1', { m1 }), [-10, null, -6, null]);
  });

  it('matches the comparison examples of the AWS guide', () => {
    const metric1 = ts([30, 20, 0, 0]);
    const metric2 = ts([20, null, 20, null]);
    assert.deepEqual(vals('(metric1 < metric2)', { metric1, metric2 }), [0, 0, 1, 0]);
    assert.deepEqual(vals('(metric1 >= 30)', { metric1 }), [1, 0, 0, 0]);
    assert.deepEqual(vals('(metric1 > 15 AND metric2 > 15)', { metric1, metric2 }), [1, 0, 0, 0]);
    assert.deepEqual(vals('metric1 > 15 || metric2 > 15', { metric1, metric2 }), [1, 1, 1, 0]);
  });

  it('subtracts a scalar aggregate from each datapoint (m1 - AVG(m1))', () => {
    assert.deepEqual(vals('m1 - AVG(m1)', { m1: ts([1, 2, null, 5]) }), [1 - 8 / 3, 2 - 8 / 3, null, 5 - 8 / 3]);
  });

  it('applies operators to arrays element by element', () => {
    const r = evaluateExpression('METRICS() * 100', env({ a: ts([1, 2], 'A'), b: ts([3, null], 'B') }));
    assert.equal(r.array, true);
    assert.deepEqual(r.series.map((s) => [...s.values]), [[100, 200], [300, NaN]]);
    assert.deepEqual(r.series.map((s) => s.label), ['A', 'B']);
  });
});

describe('aggregations and arrays', () => {
  const m1 = ts([1, 2, 3]);
  const m2 = ts([10, null, 30]);
  it('gives a scalar for one series and a series for an array', () => {
    assert.equal(scalar('SUM(m1)', { m1 }), 6);
    assert.equal(scalar('AVG(m2)', { m2 }), 20);
    assert.equal(scalar('MIN(m2)', { m2 }), 10);
    assert.equal(scalar('MAX(m1)', { m1 }), 3);
    assert.equal(scalar('STDDEV(m1)', { m1 }), Math.sqrt(2 / 3));
    assert.deepEqual(vals('SUM([m1, m2])', { m1, m2 }), [11, 2, 33]);
    // AVG of an array counts a missing value as 0.
    assert.deepEqual(vals('AVG([m1, m2])', { m1, m2 }), [5.5, 1, 16.5]);
    assert.deepEqual(vals('MAX([m1, m2])', { m1, m2 }), [10, 2, 30]);
    assert.deepEqual(vals('MIN([m1, m2])', { m1, m2 }), [1, 2, 3]);
  });

  it('supports METRICS() with and without an id filter', () => {
    const refs = { errors4xx: ts([1, 1]), errors5xx: ts([2, 2]), requests: ts([10, 20]) };
    assert.deepEqual(vals('SUM(METRICS())', refs), [13, 23]);
    assert.deepEqual(vals('SUM(METRICS("errors"))', refs), [3, 3]);
    assert.deepEqual(vals('SUM([METRICS("4xx"), METRICS("5xx")]) / SUM(METRICS("requests")) * 100', refs), [30, 15]);
    assert.equal(scalar('METRIC_COUNT(METRICS())', refs), 3);
  });

  it('counts datapoints', () => {
    assert.equal(scalar('DATAPOINT_COUNT(m2)', { m2 }), 2);
    assert.deepEqual(vals('DATAPOINT_COUNT([m1, m2])', { m1, m2 }), [2, 1, 2]);
    assert.deepEqual(vals('SUM(m1) / DATAPOINT_COUNT(m1) + m1 * 0', { m1 }), [2, 2, 2]);
  });

  it('sorts, slices, picks and removes empty series', () => {
    const refs = { a: ts([1, 1], 'A'), b: ts([5, 5], 'B'), c: ts([3, 3], 'C'), d: ts([null, null], 'D') };
    const labels = (e: string) => evaluateExpression(e, env(refs)).series.map((s) => s.label);
    assert.deepEqual(labels('SORT(METRICS(), AVG, DESC)'), ['B', 'C', 'A', 'D']);
    assert.deepEqual(labels('SORT(METRICS(), MAX, ASC, 2)'), ['A', 'C']);
    assert.deepEqual(labels('SLICE(SORT(METRICS(), SUM, DESC), 0, 2)'), ['B', 'C']);
    assert.deepEqual(labels('SLICE(SORT(METRICS(), SUM, DESC), 1)'), ['C', 'A', 'D']);
    assert.deepEqual(labels('REMOVE_EMPTY(METRICS())'), ['A', 'B', 'C']);
    assert.deepEqual(vals('FIRST(SORT(METRICS(), AVG, DESC))', refs), [5, 5]);
    assert.deepEqual(vals('IF(FIRST(SORT(METRICS(), AVG, DESC)) > 4, 1, 0)', refs), [1, 1]);
    assert.deepEqual(vals('LAST(REMOVE_EMPTY(METRICS()))', refs), [3, 3]);
  });
});

describe('IF (the three tables of the AWS guide)', () => {
  const metric1 = ts([1, 1, 0, 0, null]);
  const metric2 = ts([30, null, 0, 0, 30]);
  const metric3 = ts([0, 0, 20, null, 20]);
  it('IF(metric1, metric2, metric3)', () => {
    assert.deepEqual(vals('IF(metric1, metric2, metric3)', { metric1, metric2, metric3 }), [30, 0, 20, null, null]);
  });
  it('IF(metric1, scalar2, metric3)', () => {
    assert.deepEqual(vals('IF(metric1, 5, metric3)', { metric1, metric3 }), [5, 5, 20, null, null]);
  });
  it('IF(metric1, metric2, scalar3)', () => {
    assert.deepEqual(vals('IF(metric1, metric2, 5)', { metric1, metric2 }), [30, 0, 5, 5, null]);
  });
  it('filters with a comparison and an omitted false branch', () => {
    assert.deepEqual(vals('IF(m < 400, m)', { m: ts([100, 500, 300]) }), [100, null, 300]);
    assert.deepEqual(vals('IF(m < 400, 10, 2)', { m: ts([100, 500, null]) }), [10, 2, null]);
  });
  it('IF(scalar, ts, ts) picks a whole series, or an empty one', () => {
    assert.deepEqual(vals('IF(1, metric2, metric3)', { metric2, metric3 }), [30, null, 0, 0, 30]);
    assert.deepEqual(vals('IF(0, metric2)', { metric2 }), [null, null, null, null, null]);
  });
});

describe('FILL, RATE, DIFF, DIFF_TIME, RUNNING_SUM', () => {
  const m = ts([null, 2, null, null, 8, null]);
  it('FILL with a value, a series, REPEAT and LINEAR', () => {
    assert.deepEqual(vals('FILL(m, 0)', { m }), [0, 2, 0, 0, 8, 0]);
    assert.deepEqual(vals('FILL(m, REPEAT)', { m }), [null, 2, 2, 2, 8, 8]);
    assert.deepEqual(vals('FILL(m, LINEAR)', { m }), [null, 2, 4, 6, 8, null]);
    assert.deepEqual(vals('FILL(m, o)', { m, o: ts([1, 1, 1, null, 1, 1]) }), [1, 2, 1, null, 8, 1]);
    assert.deepEqual(vals('FILL(m, MIN(m))', { m }), [2, 2, 2, 2, 8, 2]);
    const filled = evaluateExpression('FILL(METRICS(), 0)', env({ a: ts([null, 1]), b: ts([2, null]) }));
    assert.deepEqual(filled.series.map((s) => [...s.values]), [[0, 1], [2, 0]]);
  });
  it('works on consecutive real datapoints', () => {
    assert.deepEqual(vals('DIFF(m)', { m }), [null, null, null, null, 6, null]);
    assert.deepEqual(vals('DIFF_TIME(m)', { m }), [null, null, null, null, 180, null]);
    assert.deepEqual(vals('RATE(m)', { m }), [null, null, null, null, 6 / 180, null]);
    assert.deepEqual(vals('RUNNING_SUM(m)', { m }), [null, 2, null, null, 10, null]);
  });
});

describe('time functions, TIME_SERIES and unary functions', () => {
  it('derives UTC components from each timestamp (non-sparse)', () => {
    const m = { label: 'm', period: 86400, timestamps: [Date.UTC(2024, 3, 5, 13, 45), Date.UTC(2024, 3, 7, 0, 0)], values: Float64Array.from([NaN, 1]) };
    assert.deepEqual(vals('MINUTE(m)', { m }), [45, 0]);
    assert.deepEqual(vals('HOUR(m)', { m }), [13, 0]);
    assert.deepEqual(vals('DAY(m)', { m }), [5, 7]); // Friday, Sunday
    assert.deepEqual(vals('DATE(m)', { m }), [5, 7]);
    assert.deepEqual(vals('MONTH(m)', { m }), [4, 4]);
    assert.deepEqual(vals('YEAR(m)', { m }), [2024, 2024]);
    assert.deepEqual(vals('EPOCH(m)', { m }), [Date.UTC(2024, 3, 5, 13, 45) / 1000, Date.UTC(2024, 3, 7) / 1000]);
    assert.deepEqual(vals('IF(DAY(m) < 6, m)', { m: { ...m, values: Float64Array.from([3, 4]) } }), [3, null]);
    assert.deepEqual(vals('IF(MONTH(m) == 4, m)', { m: { ...m, values: Float64Array.from([3, 4]) } }), [3, 4]);
  });
  it('TIME_SERIES fills the grid with a scalar', () => {
    assert.deepEqual(vals('TIME_SERIES(10)', {}), [10, 10, 10]);
    assert.deepEqual(vals('TIME_SERIES(5 * AVG(m))', { m: ts([1, 3]) }), [10, 10, 10]);
  });
  it('ABS, CEIL, FLOOR, LOG, LOG10', () => {
    const m = ts([-1.5, 100, null]);
    assert.deepEqual(vals('ABS(m)', { m }), [1.5, 100, null]);
    assert.deepEqual(vals('CEIL(m)', { m }), [-1, 100, null]);
    assert.deepEqual(vals('FLOOR(m)', { m }), [-2, 100, null]);
    assert.deepEqual(vals('LOG10(m)', { m }), [null, 2, null]);
    assert.deepEqual(vals('LOG(ABS(m))', { m }), [Math.log(1.5), Math.log(100), null]);
  });
});

describe('ANOMALY_DETECTION_BAND (delegates to the anomaly model)', () => {
  // The model itself is tested in anomaly-model.test.ts; here: arguments and the [upper, lower] order.
  const band = (_id: string, s: Series, k: number): Series[] => [
    { ...s, label: 'up', values: s.values.map((v) => v + k) },
    { ...s, label: 'low', values: s.values.map((v) => v - k) },
  ];
  it('passes the input id and k (default 2) and returns [upper, lower]', () => {
    const m = ts([10, 12]);
    const seen: Array<[string, number]> = [];
    const r = evaluateExpression('ANOMALY_DETECTION_BAND(m, 3)', env({ m }, { band: (id, s, k) => { seen.push([id, k]); return band(id, s, k); } }));
    assert.equal(r.array, true);
    assert.deepEqual(r.series.map((s) => [...s.values]), [[13, 15], [7, 9]]);
    assert.deepEqual(vals('LAST(ANOMALY_DETECTION_BAND(m))', { m }, { band: (id, s, k) => { seen.push([id, k]); return band(id, s, k); } }), [8, 10]);
    assert.deepEqual(seen, [['m', 3], ['m', 2]]);
  });
  it('refuses a non-id input, a negative width, and an environment without models', () => {
    const m = ts([10, 12]);
    assert.throws(() => evaluateExpression('ANOMALY_DETECTION_BAND(m * 2)', env({ m }, { band })), /expects the id of a metric/);
    assert.throws(() => evaluateExpression('ANOMALY_DETECTION_BAND(m, -1)', env({ m }, { band })), /non-negative/);
    assert.throws(() => evaluateExpression('ANOMALY_DETECTION_BAND(m)', env({ m })), /not available/);
  });
});

describe('evaluation errors', () => {
  it('rejects scalars as final results, unknown ids and functions, bad arguments', () => {
    assert.throws(() => evaluateExpression('AVG(m1)', env({ m1: ts([1]) })), /must produce a time series/);
    assert.throws(() => evaluateExpression('m9 + 1', env({})), /Unknown id m9/);
    assert.throws(() => evaluateExpression('NOPE(m1)', env({ m1: ts([1]) })), /Unknown function NOPE/);
    assert.throws(() => evaluateExpression('FILL(m1)', env({ m1: ts([1]) })), /FILL takes 2 arguments/);
    assert.throws(() => evaluateExpression('FILL(m1, SIDEWAYS)', env({ m1: ts([1]) })), /FILL expects/);
    assert.throws(() => evaluateExpression('SORT(METRICS(), AVG, UP)', env({ m1: ts([1]) })), /ASC or DESC/);
    assert.throws(() => evaluateExpression('SERVICE_QUOTA(m1)', env({ m1: ts([1]) })), /not supported/);
  });
});

describe('SEARCH expressions', () => {
  it('tokenizes as AWS documents', () => {
    assert.deepEqual(searchTokens('CustomCount1'), ['customcount1', 'custom', 'count', '1']);
    assert.deepEqual(searchTokens('SDBFailure'), ['sdbfailure', 'sdb', 'failure']);
    assert.deepEqual(searchTokens('Project2-trial333'), ['project2trial333', 'project', '2', 'trial', '333']);
  });

  const metric = { namespace: 'MyNamespace', metricName: 'CustomCount1', dimensions: [{ Name: 'InstanceId', Value: 'i-1234567890123456' }] };
  const found = (q: string, m = metric) => matchesSearch(parseSearch(q), m);
  it('matches partial and composite tokens', () => {
    for (const q of ['count', 'Count', 'COUNT', 'CustomCount', 'Count1']) assert.ok(found(q), q);
    for (const q of ['couNT', 'customcount', 'count1']) assert.ok(!found(q), q);
    const net = { namespace: 'N', metricName: 'Network-Errors-2', dimensions: [] };
    for (const q of ['network/errors', 'network+errors', 'network-errors', 'Network_Errors']) assert.ok(found(q, net), q);
  });
  it('matches exact strings, designators, schemas and boolean operators', () => {
    assert.ok(found('{MyNamespace}, "CustomCount1"'));
    assert.ok(!found('{MyNamespace}, "customcount1"'));
    assert.ok(!found('{MyNamespace}, "Custom"'));
    assert.ok(found('{MyNamespace,InstanceId} MetricName="CustomCount1"'));
    assert.ok(found('{MyNamespace} MetricName="CustomCount1"'), 'a schema of just a namespace selects by namespace');
    assert.ok(!found('{MyNamespace,Other} MetricName="CustomCount1"'), 'a schema with dimensions names the exact dimension set');
    assert.ok(!found('{OtherNamespace} count'));
    assert.ok(found('InstanceId="i-1234567890123456" Namespace="MyNamespace"'));
    assert.ok(!found('MetricName="CustomCount1" NOT i-1234567890123456'));
    assert.ok(found('(EC2 OR custom) AND MetricName=CustomCount1'));
    assert.ok(found('NOT Namespace=AWS'));
    assert.throws(() => parseSearch('(count'), /Missing \)/);
  });
});

describe('statistics', () => {
  const agg = (pairs: Array<[number, number]>, extra: Partial<PeriodAggregate> = {}): PeriodAggregate => ({
    count: pairs.reduce((a, [, w]) => a + w, 0), sum: pairs.reduce((a, [v, w]) => a + v * w, 0),
    min: Math.min(...pairs.map(([v]) => v)), max: Math.max(...pairs.map(([v]) => v)), nonSample: 0, values: pairs, ...extra,
  });
  const oneToTen = agg(Array.from({ length: 10 }, (_, i) => [i + 1, 1] as [number, number]));
  it('parses the documented statistic forms', () => {
    for (const s of ['SampleCount', 'Average', 'p99', 'p99.9', 'p0', 'p100', 'tm90', 'wm95', 'tc50', 'ts10', 'IQM', 'TM(10%:90%)', 'TM(:95%)', 'TM(150:1000)', 'PR(:300)', 'TC(0.005:0.030)', 'WM(10%:)']) {
      assert.ok(parseStat(s), s);
    }
    for (const s of ['p101', 'average', 'TM(10%:90)', 'PR(10%:20%)', 'TM(:)', 'TM(90%:10%)', 'p']) assert.equal(parseStat(s), undefined, s);
  });
  it('computes nearest-rank percentiles and trimmed statistics', () => {
    assert.equal(weightedPercentile(oneToTen.values!, 90), 9);
    assert.equal(weightedPercentile(oneToTen.values!, 50), 5);
    assert.equal(weightedPercentile(oneToTen.values!, 100), 10);
    assert.equal(weightedPercentile([[1, 1], [2, 1], [3, 2]], 50), 2);
    assert.equal(computeStat(parseStat('p90')!, oneToTen), 9);
    assert.equal(computeStat(parseStat('TM(10%:90%)')!, oneToTen), 5.5);
    assert.equal(computeStat(parseStat('IQM')!, oneToTen), 5.5);
    assert.equal(computeStat(parseStat('tm50')!, oneToTen), 3);
    assert.equal(computeStat(parseStat('TC(:5)')!, oneToTen), 5);
    assert.equal(computeStat(parseStat('TS(5:)')!, oneToTen), 40);
    assert.equal(computeStat(parseStat('PR(:3)')!, oneToTen), 30);
    assert.equal(computeStat(parseStat('WM(10%:90%)')!, oneToTen), (2 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 9) / 10);
    assert.equal(computeStat(parseStat('Average')!, oneToTen), 5.5);
  });
  it('gives no percentile over statistic sets or negative values', () => {
    assert.equal(computeStat(parseStat('p50')!, agg([[1, 1]], { nonSample: 3 })), undefined);
    assert.equal(computeStat(parseStat('p50')!, agg([[-1, 1], [2, 1]])), undefined);
    assert.equal(computeStat(parseStat('Sum')!, agg([[1, 1]], { nonSample: 3 })), 1);
  });
});
