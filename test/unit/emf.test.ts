/** EMF extraction (fact sheet 4.7): directives, dimension sets, targets, limits, invalid documents. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractEmfMetrics, parseEmf } from '../../src/metrics/emf.js';

const NOW = Date.UTC(2025, 0, 1, 12);

describe('extractEmfMetrics', () => {
  it('extracts the fact sheet example', () => {
    const msg = JSON.stringify({
      _aws: { Timestamp: NOW - 1000, CloudWatchMetrics: [{ Namespace: 'lambda-function-metrics', Dimensions: [['functionVersion']], Metrics: [{ Name: 'time', Unit: 'Milliseconds', StorageResolution: 60 }] }] },
      functionVersion: '$LATEST', time: 100, requestId: '989ffbf8-9ace-4817-a57c-e4dd734019ee',
    });
    assert.deepEqual(extractEmfMetrics(msg, '/aws/lambda/f', 's', NOW), [{
      namespace: 'lambda-function-metrics', metricName: 'time', dimensions: [{ Name: 'functionVersion', Value: '$LATEST' }],
      timestamp: NOW - 1000, unit: 'Milliseconds', resolution: 60, samples: [{ value: 100, count: 1 }],
    }]);
  });

  it('makes one metric per dimension set and metric, with arrays, defaults and exact member names', () => {
    const msg = JSON.stringify({
      _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'App', Dimensions: [['Service'], ['Service', 'A.a'], []], Metrics: [{ Name: 'Latency' }, { Name: 'Hits', Unit: 'Count', StorageResolution: 1 }] }] },
      Service: 'api', 'A.a': 'dotted', A: { a: 'nested' }, Latency: [1, 2, 3], Hits: 4,
    });
    const d = extractEmfMetrics(msg, 'g', 's', NOW);
    assert.equal(d.length, 6);
    assert.deepEqual(d.map((x) => `${x.metricName}:${x.dimensions.map((y) => `${y.Name}=${y.Value}`).join(',')}:${x.unit}:${x.resolution}`), [
      'Latency:Service=api:None:60', 'Latency:Service=api,A.a=dotted:None:60', 'Latency::None:60',
      'Hits:Service=api:Count:1', 'Hits:Service=api,A.a=dotted:Count:1', 'Hits::Count:1',
    ]);
    assert.deepEqual(d[0].samples, [{ value: 1, count: 1 }, { value: 2, count: 1 }, { value: 3, count: 1 }]);
  });

  it('skips a text prefix before the JSON object (Lambda)', () => {
    const msg = `2025-01-01T12:00:00.000Z\tabc\tINFO\t${JSON.stringify({ _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [[]], Metrics: [{ Name: 'x' }] }] }, x: 1 })}`;
    assert.equal(extractEmfMetrics(msg, 'g', 's', NOW).length, 1);
  });

  it('ignores events that are not EMF and reports invalid EMF', () => {
    assert.deepEqual(parseEmf('plain text', 'g', 's', NOW), { emf: false, datums: [], errors: [] });
    assert.deepEqual(parseEmf('{"level":"info"}', 'g', 's', NOW).emf, false);
    const bad = (doc: unknown) => parseEmf(typeof doc === 'string' ? doc : JSON.stringify(doc), 'g', 's', NOW);
    assert.equal(bad('{"_aws": nope').errors[0].kind, 'parse');
    assert.match(bad({ _aws: { CloudWatchMetrics: [] } }).errors[0].message, /Timestamp/);
    assert.match(bad({ _aws: { Timestamp: NOW - 15 * 86_400_000, CloudWatchMetrics: [] } }).errors[0].message, /two weeks/);
    const tooMany = bad({ _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [[]], Metrics: Array.from({ length: 101 }, (_, i) => ({ Name: `m${i}` })) }] } });
    assert.equal(tooMany.datums.length, 0);
    assert.match(tooMany.errors[0].message, /at most 100/);
    const dims = Array.from({ length: 31 }, (_, i) => `d${i}`);
    const wide = bad({ _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [dims, ['d0']], Metrics: [{ Name: 'x' }] }] }, x: 1, ...Object.fromEntries(dims.map((d) => [d, 'v'])) });
    assert.equal(wide.datums.length, 1, 'the valid dimension set still counts');
    assert.match(wide.errors[0].message, /more than 30/);
    const missing = bad({ _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['nope']], Metrics: [{ Name: 'x' }, { Name: 'y' }] }] }, x: 1, y: 'text' });
    assert.equal(missing.datums.length, 0);
    assert.equal(missing.errors.length, 2);
    const badUnit = bad({ _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [[]], Metrics: [{ Name: 'x', Unit: 'Parsecs' }] }] }, x: 1 });
    assert.match(badUnit.errors[0].message, /Unit/);
  });
});
