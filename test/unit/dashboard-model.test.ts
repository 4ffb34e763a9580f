/**
 * How the console reads a dashboard body (src/console/lib/dashboard-model.ts). Oracle: CloudWatch
 * API Reference, "Dashboard Body Structure and Syntax": metric rows (`.` repeats the value above
 * at that position, `...` the rest of the row above, a last object holds rendering properties),
 * `start`/`end` (ISO 8601 durations before now or timestamps), `periodOverride`, log widget
 * queries prefixed with `SOURCE 'group' |`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  durationMs, effectivePeriod, expandMetricRows, metricQueries, parseDashboard, rangeOf, splitLogQuery, alarmNameOf,
} from '../../src/console/lib/dashboard-model.js';

describe('console dashboard model', () => {
  it('expands . and ... against the row above', () => {
    const rows = expandMetricRows([
      ['AWS/EC2', 'CPUUtilization', 'InstanceId', 'i-012345'],
      ['...', 'i-0987654'],
      ['.', 'NetworkIn', '.', '.', { stat: 'Sum', yAxis: 'right' }],
      [{ expression: 'SUM(METRICS())', label: 'Total', id: 'e1' }],
    ]);
    assert.deepEqual(rows.map((r) => r.metric), [
      { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'InstanceId', Value: 'i-012345' }] },
      { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'InstanceId', Value: 'i-0987654' }] },
      { Namespace: 'AWS/EC2', MetricName: 'NetworkIn', Dimensions: [{ Name: 'InstanceId', Value: 'i-0987654' }] },
      undefined,
    ]);
    assert.deepEqual(rows[2].options, { stat: 'Sum', yAxis: 'right' });
    assert.equal(rows[3].options.expression, 'SUM(METRICS())');
  });

  it('turns a metric widget into GetMetricData queries: widget stat/period defaults, row overrides, hidden rows', () => {
    const { queries, series } = metricQueries({
      stat: 'Sum', period: 60,
      metrics: [['NS', 'A', { id: 'a' }], ['NS', 'B', { visible: false, id: 'b', stat: 'p99', period: 300 }], [{ expression: 'a + b', id: 'sum', label: 'A+B' }]],
    }, (own) => own ?? 300);
    assert.deepEqual(queries, [
      { Id: 'a', MetricStat: { Metric: { Namespace: 'NS', MetricName: 'A', Dimensions: [] }, Period: 60, Stat: 'Sum' }, Label: 'A', ReturnData: true },
      { Id: 'b', MetricStat: { Metric: { Namespace: 'NS', MetricName: 'B', Dimensions: [] }, Period: 300, Stat: 'p99' }, Label: 'B', ReturnData: false },
      { Id: 'sum', Expression: 'a + b', Label: 'A+B', ReturnData: true, Period: 60 },
    ]);
    assert.deepEqual(series.map((s) => s.id), ['a', 'sum']);
  });

  it('time: durations, relative and absolute ranges', () => {
    assert.equal(durationMs('-PT6H'), 6 * 3600_000);
    assert.equal(durationMs('-P1DT12H'), 36 * 3600_000);
    assert.equal(durationMs('-P1W'), 7 * 86_400_000);
    assert.ok(Number.isNaN(durationMs('6h')));
    assert.deepEqual(rangeOf('-PT3H', undefined), { kind: 'relative', ms: 3 * 3600_000 });
    assert.deepEqual(rangeOf('2018-04-25T18:00:00.000Z', '2018-04-26T18:00:00.000Z'), { kind: 'absolute', from: Date.parse('2018-04-25T18:00:00.000Z'), to: Date.parse('2018-04-26T18:00:00.000Z') });
    assert.equal(rangeOf(undefined, undefined), undefined);
  });

  it('periods: auto follows the range, inherit keeps the widget period within 1,440 points', () => {
    assert.equal(effectivePeriod(3 * 3600_000, undefined, 'auto'), 60);
    assert.equal(effectivePeriod(7 * 86_400_000, undefined, 'auto'), 3600);
    assert.equal(effectivePeriod(3 * 3600_000, 10, 'inherit'), 10);
    assert.equal(effectivePeriod(7 * 86_400_000, 60, 'inherit'), 900);
  });

  it('log widget queries: SOURCE clauses become the log groups', () => {
    assert.deepEqual(splitLogQuery("SOURCE 'a/b' | SOURCE \"c\" | fields @message | limit 5"), { groups: ['a/b', 'c'], query: 'fields @message | limit 5' });
    assert.deepEqual(splitLogQuery('fields @message'), { groups: [], query: 'fields @message' });
  });

  it('widgets get AWS default sizes; alarm ARNs give names', () => {
    const m = parseDashboard(JSON.stringify({ widgets: [{ type: 'text', properties: { markdown: 'x' } }], periodOverride: 'inherit' }));
    assert.deepEqual(m.widgets[0], { index: 0, type: 'text', x: undefined, y: undefined, width: 6, height: 6, properties: { markdown: 'x' } });
    assert.equal(m.periodOverride, 'inherit');
    assert.equal(alarmNameOf('arn:aws:cloudwatch:us-east-1:123456789012:alarm:my:alarm'), 'my:alarm');
  });
});
