/**
 * Dashboard body validation. Oracle: CloudWatch API Reference, "Dashboard Body Structure and
 * Syntax", and the PutDashboard error bodies AWS is observed to answer (docs/dashboards.md):
 * messages and JSON-pointer data paths as AWS prints them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDashboardBody, RELATIVE_TIME } from '../../src/dashboards/body-validator.js';
import { AWS_DOC_EXAMPLE } from '../helpers/dashboard-examples.js';

const metricWidget = (properties: Record<string, unknown>) => ({ widgets: [{ type: 'metric', properties }] });

describe('dashboard body validation', () => {
  it('accepts the AWS documentation example without errors or warnings', () => {
    assert.deepEqual(checkDashboardBody(AWS_DOC_EXAMPLE), { errors: [], warnings: [] });
  });

  it('accepts an empty widgets array but requires the array', () => {
    assert.deepEqual(checkDashboardBody({ widgets: [] }).errors, []);
    assert.deepEqual(checkDashboardBody({}).errors, [{ dataPath: '', message: "Should have required property 'widgets'" }]);
  });

  it('a metric widget with no metrics: the three messages AWS answers', () => {
    assert.deepEqual(checkDashboardBody(metricWidget({ region: 'us-east-1' })).errors, [
      { dataPath: '/widgets/0/properties', message: "Should have required property 'metrics'" },
      { dataPath: '/widgets/0/properties', message: 'The metric widget should have specified a region and a data source or an alarm annotation' },
      { dataPath: '/widgets/0/properties', message: "Should have required property 'annotations'" },
    ]);
  });

  it('a metric widget needs a region', () => {
    assert.deepEqual(checkDashboardBody(metricWidget({ metrics: [['NS', 'M']] })).errors, [
      { dataPath: '/widgets/0/properties', message: "Should have required property 'region'" },
    ]);
  });

  it('metric rows: a misplaced or invalid rendering object, a non-string field', () => {
    const { errors } = checkDashboardBody(metricWidget({
      region: 'us-east-1',
      metrics: [
        ['AWS/EC2', 'CPUUtilization', { InstanceId: 'i-1' }, { stat: 'Sum' }],
        ['ECSLogs', 'Errors', { label: 'Errors', color: 'red' }],
        ['NS', 'M', 'Dim', 7],
        ['NS', 'M', { stat: 'p99', color: '#ff0000', yAxis: 'right', id: 'm1', visible: true, period: 60 }],
        [{ expression: 'SUM(METRICS())', label: 'Total', id: 'e1' }],
        ['...', 'i-2'],
        ['.', 'Other', '.', 'x'],
      ],
    }));
    assert.deepEqual(errors, [
      { dataPath: '/widgets/0/properties/metrics/0', message: 'Should NOT have more than 2 items' },
      { dataPath: '/widgets/0/properties/metrics/1', message: 'Should NOT have more than 2 items' },
      { dataPath: '/widgets/0/properties/metrics/2/3', message: 'Invalid metric field type, only "String" type is allowed' },
    ]);
  });

  it('widget geometry and enumerations', () => {
    const { errors } = checkDashboardBody({
      periodOverride: 'sometimes',
      widgets: [
        { type: 'graph', x: 24, width: 25, height: 0, properties: {} },
        { type: 'metric', properties: { metrics: [['A', 'B']], region: 'r', view: 'donut', legend: { position: 'top' } } },
        { type: 'text', properties: {} },
        { type: 'alarm', properties: { alarms: [], states: ['BROKEN'] } },
        { type: 'log', properties: { query: 7 } },
      ],
    });
    assert.deepEqual(errors, [
      { dataPath: '/periodOverride', message: 'Should be equal to one of the allowed values' },
      { dataPath: '/widgets/0/type', message: 'Should be equal to one of the allowed values' },
      { dataPath: '/widgets/0/x', message: 'Should be <= 23' },
      { dataPath: '/widgets/0/width', message: 'Should be <= 24' },
      { dataPath: '/widgets/0/height', message: 'Should be >= 1' },
      { dataPath: '/widgets/1/properties/view', message: 'Should be equal to one of the allowed values' },
      { dataPath: '/widgets/1/properties/legend/position', message: 'Should be equal to one of the allowed values' },
      { dataPath: '/widgets/2/properties', message: "Should have required property 'markdown'" },
      { dataPath: '/widgets/3/properties/alarms', message: 'Should NOT have fewer than 1 items' },
      { dataPath: '/widgets/3/properties/states/0', message: 'Should be equal to one of the allowed values' },
      { dataPath: '/widgets/4/properties', message: "Should have required property 'region'" },
      { dataPath: '/widgets/4/properties/query', message: 'Should be string' },
    ]);
  });

  it('time range: relative durations and absolute timestamps; end needs start', () => {
    for (const ok of ['-PT3H', '-P7D', '-PT15M', '-P1W', '-PT30S', '-P1DT12H']) assert.ok(RELATIVE_TIME.test(ok), ok);
    for (const bad of ['PT3H', '-P', '-PT', '-3h', '-PT3X']) assert.ok(!RELATIVE_TIME.test(bad), bad);
    assert.deepEqual(checkDashboardBody({ widgets: [], start: '2018-04-25T18:00:00.000Z', end: '2018-04-26T18:00:00.000Z' }).errors, []);
    assert.deepEqual(checkDashboardBody({ widgets: [], end: '2018-04-26T18:00:00.000Z' }).errors, [
      { dataPath: '', message: 'Should have property start when property end is present' },
    ]);
    assert.equal(checkDashboardBody({ widgets: [], start: 'yesterday' }).errors[0].dataPath, '/start');
    assert.equal(checkDashboardBody({ widgets: [], start: '-PT3H', end: '-PT1H' }).errors[0].dataPath, '/end');
  });

  it('unknown properties are warnings, not errors (the body is stored)', () => {
    const r = checkDashboardBody({ widgets: [{ type: 'text', properties: { markdown: 'x' }, colour: 'blue' }], theme: 'dark' });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, [
      { dataPath: '', message: 'The "theme" property is not expected, will be ignored' },
      { dataPath: '/widgets/0', message: 'The "colour" property is not expected to be part of a widget definition, will be ignored' },
    ]);
  });

  it('limits: 500 widgets, 100 alarms per alarm widget', () => {
    const many = Array.from({ length: 501 }, () => ({ type: 'text', properties: { markdown: '' } }));
    assert.deepEqual(checkDashboardBody({ widgets: many }).errors, [{ dataPath: '/widgets', message: 'Should NOT have more than 500 items' }]);
    const alarms = Array.from({ length: 101 }, (_, i) => `arn:aws:cloudwatch:us-east-1:000000000000:alarm:a${i}`);
    assert.deepEqual(checkDashboardBody({ widgets: [{ type: 'alarm', properties: { alarms } }] }).errors, [
      { dataPath: '/widgets/0/properties/alarms', message: 'Should NOT have more than 100 items' },
    ]);
  });
});
