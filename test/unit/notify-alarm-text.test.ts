/**
 * Alarm notification renderings. Oracle: aws-facts.md §4.8 (the SNS message CloudWatch publishes,
 * subject `ALARM: "<name>" in <region long name>`) and CloudWatch's alarm email layout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alarmEmailText, alarmSlackMessage, alarmSubject, alarmTime, parseAlarm } from '../../src/notify/alarm-text.js';

const ALARM = {
  AlarmName: 'HighCPU', AlarmDescription: null, AWSAccountId: '123456789012', NewStateValue: 'OK', NewStateReason: 'Threshold Crossed: no datapoints were received',
  StateChangeTime: '2019-11-22T15:43:51.730+0000', AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:HighCPU', OldStateValue: 'ALARM',
  OKActions: ['arn:aws:sns:eu-west-1:123456789012:a', 'arn:aws:sns:eu-west-1:123456789012:b'], AlarmActions: [], InsufficientDataActions: [],
  Trigger: { MetricName: 'Latency', Namespace: 'App', Statistic: 'SAMPLE_COUNT', Unit: 'Milliseconds', Dimensions: [], Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 2, ComparisonOperator: 'LessThanThreshold', Threshold: 0.5, TreatMissingData: 'breaching' },
};

describe('alarm texts', () => {
  it('recognises alarm payloads and nothing else', () => {
    assert.ok(parseAlarm(JSON.stringify(ALARM)));
    assert.equal(parseAlarm('{"AlarmName":"x"}'), undefined);
    assert.equal(parseAlarm('plain text'), undefined);
    assert.equal(parseAlarm('{not json'), undefined);
  });

  it('subject uses the region long name, derived from the ARN when Region is absent', () => {
    assert.equal(alarmSubject(parseAlarm(JSON.stringify(ALARM))!), 'OK: "HighCPU" in EU (Ireland)');
    assert.equal(alarmSubject({ ...ALARM, Region: 'US East (N. Virginia)', NewStateValue: 'INSUFFICIENT_DATA' } as never), 'INSUFFICIENT_DATA: "HighCPU" in US East (N. Virginia)');
    assert.ok(alarmSubject({ ...ALARM, AlarmName: 'x'.repeat(200) } as never).length < 100, 'SNS subjects are under 100 characters');
  });

  it('writes times as CloudWatch does', () => {
    assert.equal(alarmTime('2019-11-22T15:43:51.730+0000'), 'Friday 22 November, 2019 15:43:51 UTC');
    assert.equal(alarmTime('2026-01-05T03:04:05Z'), 'Monday 5 January, 2026 03:04:05 UTC');
  });

  it('email text: details, threshold, metric and actions', () => {
    const t = alarmEmailText(parseAlarm(JSON.stringify(ALARM))!).split('\n');
    assert.equal(t[0], 'You are receiving this email because your Amazon CloudWatch Alarm "HighCPU" in the EU (Ireland) region has entered the OK state, because "Threshold Crossed: no datapoints were received" at "Friday 22 November, 2019 15:43:51 UTC".');
    assert.ok(t.includes('- State Change:               ALARM -> OK'));
    assert.ok(t.includes('- The alarm is in the ALARM state when the metric is LessThanThreshold 0.5 for at least 2 of the last 3 period(s) of 60 seconds.'));
    assert.ok(t.includes('- Statistic:                           SampleCount'));
    assert.ok(t.includes('- Unit:                                Milliseconds'));
    assert.ok(t.includes('- TreatMissingData:                    breaching'));
    assert.ok(t.includes('- OK: [arn:aws:sns:eu-west-1:123456789012:a, arn:aws:sns:eu-west-1:123456789012:b]'));
    assert.ok(t.includes('- ALARM: '));
  });

  it('composite alarms show their rule', () => {
    const c = { AlarmName: 'Both', NewStateValue: 'ALARM', OldStateValue: 'OK', AlarmArn: 'arn:aws:cloudwatch:us-east-1:1:alarm:Both', AlarmRule: 'ALARM("a") AND ALARM("b")' };
    const t = alarmEmailText(parseAlarm(JSON.stringify(c))!);
    assert.ok(t.includes('Alarm Rule:\n- ALARM("a") AND ALARM("b")'));
    const s = alarmSlackMessage(parseAlarm(JSON.stringify(c))!);
    assert.ok(JSON.stringify(s.blocks).includes('*Rule*\\nALARM(\\"a\\") AND ALARM(\\"b\\")'));
  });

  it('slack text escapes Slack control characters', () => {
    const s = alarmSlackMessage({ ...ALARM, AlarmName: '<b>&x' } as never);
    assert.ok(s.text.includes('"&lt;b&gt;&amp;x"'));
  });
});
