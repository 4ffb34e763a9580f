/**
 * CloudWatch alarms end to end with the AWS SDK for JavaScript v3 (@aws-sdk/client-cloudwatch,
 * AWS JSON 1.0) against an in-process Trailwatch whose evaluation is driven by
 * `alarms.evaluateAll(now)` after real PutMetricData calls (the background loop is stopped so the
 * test owns the clock). Oracles: fact sheet /work/shared/reference/aws-facts.md §3.2 (operations,
 * errors), §4.1 (model), §4.2 (TreatMissingData), §4.3 (composite), §4.8 (notification payload
 * and subject), and AWS's PutMetricAlarm ValidationError messages seen in the wild
 * ("DatapointsToAlarm must be less than or equal to EvaluationPeriods", "Exactly one element of
 * the metrics list should return data.").
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, DescribeAlarmsForMetricCommand,
  DisableAlarmActionsCommand, EnableAlarmActionsCommand, ListTagsForResourceCommand, PutCompositeAlarmCommand, PutMetricAlarmCommand,
  PutMetricDataCommand, SetAlarmStateCommand, TagResourceCommand, UntagResourceCommand, paginateDescribeAlarms, type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { ConfirmSubscriptionCommand, CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';
import type { AlarmStateChangeEvent } from '../../src/alarms/state-change.js';

const MIN = 60_000;
let srv: TestServer;
let cw: CloudWatchClient;
let n = 0;
const uniq = (p: string) => `${p}-${++n}-${Date.now()}`;
/** The evaluation clock: 30 s into the current minute. */
const NOW = () => Math.floor(Date.now() / MIN) * MIN + 30_000;
const minute = (now: number, back: number) => new Date(Math.floor(now / MIN) * MIN - back * MIN);
const events: AlarmStateChangeEvent[] = [];

before(async () => {
  srv = await startTestServer();
  srv.alarms.stopLoop();
  srv.alarms.onStateChange((e) => events.push(e));
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
});
after(async () => {
  cw?.destroy();
  await srv?.cleanup();
});

async function rejects(p: Promise<unknown>, code: string, message: RegExp, status = 400): Promise<void> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { Code?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.Code ?? err.name, code, `${err.name}: ${err.message}`);
    assert.match(err.message, message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    return;
  }
  assert.fail('expected an error');
}

async function put(namespace: string, metric: string, now: number, values: Array<number | undefined>, dims = [{ Name: 'Host', Value: 'a' }]): Promise<void> {
  // values[i] is the datapoint i minutes before the last complete minute (values[0] = newest).
  const data = values.flatMap((v, i) => (v === undefined ? [] : [{ MetricName: metric, Dimensions: dims, Timestamp: minute(now, i + 1), Value: v }]));
  if (data.length) await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
}

const describeOne = async (name: string) => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] })));
const metricAlarm = async (name: string) => (await describeOne(name)).MetricAlarms![0];

function basic(name: string, namespace: string, extra: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput {
  return {
    AlarmName: name, Namespace: namespace, MetricName: 'Errors', Dimensions: [{ Name: 'Host', Value: 'a' }], Statistic: 'Maximum',
    Period: 60, EvaluationPeriods: 1, Threshold: 3, ComparisonOperator: 'GreaterThanThreshold', ...extra,
  };
}

describe('metric alarms with @aws-sdk/client-cloudwatch', () => {
  it('starts in INSUFFICIENT_DATA, crosses the threshold on evaluation, and says why in AWS words (§4.1, §4.8)', async () => {
    const ns = uniq('Alarm/Sdk');
    const name = uniq('high-errors');
    const now = NOW();
    await cw.send(new PutMetricAlarmCommand(basic(name, ns, { AlarmDescription: 'too many errors' })));
    let a = await metricAlarm(name);
    assert.equal(a.StateValue, 'INSUFFICIENT_DATA');
    assert.equal(a.AlarmArn, `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`);
    assert.equal(a.Statistic, 'Maximum');
    assert.equal(a.DatapointsToAlarm, undefined, 'not given, not returned');

    await put(ns, 'Errors', now, [1]);
    await srv.alarms.evaluateAll(now);
    a = await metricAlarm(name);
    assert.equal(a.StateValue, 'OK');
    await put(ns, 'Errors', now + MIN, [5]);
    await srv.alarms.evaluateAll(now + MIN);
    a = await metricAlarm(name);
    assert.equal(a.StateValue, 'ALARM');
    const t = minute(now + MIN, 1);
    const d = (x: Date) => `${String(x.getUTCDate()).padStart(2, '0')}/${String(x.getUTCMonth() + 1).padStart(2, '0')}/${String(x.getUTCFullYear() % 100).padStart(2, '0')} ${String(x.getUTCHours()).padStart(2, '0')}:${String(x.getUTCMinutes()).padStart(2, '0')}:00`;
    assert.equal(a.StateReason, `Threshold Crossed: 1 out of the last 1 datapoints [5.0 (${d(t)})] was greater than the threshold (3.0) (minimum 1 datapoint for OK -> ALARM transition).`);
    const data = JSON.parse(a.StateReasonData!) as Record<string, unknown>;
    assert.equal(data.version, '1.0');
    assert.equal(data.statistic, 'Maximum');
    assert.equal(data.period, 60);
    assert.equal(data.threshold, 3);
    assert.deepEqual(data.recentDatapoints, [5]);
    assert.match(a.StateReasonData!, /"threshold":3\.0/);
    assert.ok(a.StateTransitionedTimestamp instanceof Date);
    // The EventBridge-shaped event went to the listener.
    const e = events.filter((x) => x.detail.alarmName === name).pop()!;
    assert.equal(e.source, 'aws.cloudwatch');
    assert.equal(e['detail-type'], 'CloudWatch Alarm State Change');
    assert.deepEqual(e.resources, [a.AlarmArn]);
    assert.equal((e.detail.state as { value: string }).value, 'ALARM');
    assert.equal((e.detail.previousState as { value: string }).value, 'OK');
  });

  it('M of N with every TreatMissingData value (§4.2, N=3 M=2 row "- - - X -")', async () => {
    const ns = uniq('Alarm/Missing');
    const now = NOW();
    // Newest first: "- - - X -" oldest first = [-, -, -, X, -].
    await put(ns, 'Errors', now, [undefined, 9]);
    const expected: Record<string, string> = { missing: 'ALARM', ignore: 'INSUFFICIENT_DATA', breaching: 'ALARM', notBreaching: 'OK' };
    for (const tmd of Object.keys(expected)) {
      await cw.send(new PutMetricAlarmCommand(basic(`${ns}-${tmd}`, ns, { EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: tmd })));
    }
    await srv.alarms.evaluateAll(now);
    for (const [tmd, state] of Object.entries(expected)) {
      const a = await metricAlarm(`${ns}-${tmd}`);
      assert.equal(a.StateValue, state, tmd);
      assert.equal(a.TreatMissingData, tmd);
    }
  });

  it('refuses invalid alarms with AWS errors and messages', async () => {
    const ns = uniq('Alarm/Bad');
    await rejects(cw.send(new PutMetricAlarmCommand(basic('x', ns, { EvaluationPeriods: 1, DatapointsToAlarm: 2 }))), 'ValidationError', /^DatapointsToAlarm must be less than or equal to EvaluationPeriods$/);
    await rejects(cw.send(new PutMetricAlarmCommand(basic('x', ns, { Period: 45 }))), 'InvalidParameterValue', /Period must be 10, 20, 30, or a multiple of 60/);
    await rejects(cw.send(new PutMetricAlarmCommand(basic('x', ns, { Period: 3000, EvaluationPeriods: 30 }))), 'ValidationError', /^Metrics cannot be checked across more than a day \(EvaluationPeriods \* Period must be <= 86400\)$/);
    await rejects(cw.send(new PutMetricAlarmCommand(basic('x', ns, { ExtendedStatistic: 'p99' }))), 'InvalidParameterCombination', /Statistic and ExtendedStatistic are mutually exclusive/);
    await rejects(cw.send(new PutMetricAlarmCommand(basic('x', ns, { Statistic: 'Median' }))), 'InvalidParameterValue', /The value Median for parameter Statistic is invalid/);
    await rejects(cw.send(new PutMetricAlarmCommand(basic('x', ns, { ComparisonOperator: 'Bigger' }))), 'InvalidParameterValue', /ComparisonOperator/);
    await rejects(cw.send(new PutMetricAlarmCommand(basic('x', ns, { Threshold: undefined }))), 'ValidationError', /Threshold must not be null/);
    await rejects(cw.send(new PutMetricAlarmCommand(basic('x', ns, { AlarmActions: ['arn:aws:lambda:us-east-1:000000000000:function:f'] }))), 'ValidationError', /only SNS topic actions/);
    await rejects(cw.send(new PutMetricAlarmCommand(basic('x', ns, { AlarmActions: Array.from({ length: 6 }, (_, i) => `arn:aws:sns:us-east-1:000000000000:t${i}`) }))), 'InvalidParameterValue', /AlarmActions must not have a size greater than 5/);
    await rejects(cw.send(new PutMetricAlarmCommand({ AlarmName: 'x', EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Sum',
      Metrics: [{ Id: 'm1', MetricStat: { Metric: { Namespace: ns, MetricName: 'A' }, Period: 60, Stat: 'Sum' } }] })), 'ValidationError', /^Statistic should not be set if list of Metrics is set\.$/);
    await rejects(cw.send(new PutMetricAlarmCommand({ AlarmName: 'x', EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold',
      Metrics: [{ Id: 'm1', MetricStat: { Metric: { Namespace: ns, MetricName: 'A' }, Period: 60, Stat: 'Sum' } }, { Id: 'e1', Expression: 'm1 * 2' }] })), 'ValidationError', /^Exactly one element of the metrics list should return data\.$/);
    await rejects(cw.send(new PutMetricAlarmCommand({ AlarmName: 'x', EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanUpperThreshold',
      Metrics: [{ Id: 'm1', MetricStat: { Metric: { Namespace: ns, MetricName: 'A' }, Period: 60, Stat: 'Sum' } }] })), 'ValidationError', /ThresholdMetricId must be set/);
    await rejects(cw.send(new PutMetricAlarmCommand({ AlarmName: 'x', EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanUpperThreshold', ThresholdMetricId: 'e1',
      Metrics: [{ Id: 'm1', MetricStat: { Metric: { Namespace: ns, MetricName: 'A' }, Period: 60, Stat: 'Sum' } }, { Id: 'e1', Expression: 'm1 * 2' }] })), 'ValidationError', /ANOMALY_DETECTION_BAND/);
    const none = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['x'] }));
    assert.equal(none.MetricAlarms!.length, 0, 'nothing was created');
  });

  it('metric math alarms evaluate the returned expression (§4.6)', async () => {
    const ns = uniq('Alarm/Math');
    const name = uniq('error-rate');
    const now = NOW();
    await put(ns, 'Errors', now, [5, 5, 5]);
    await put(ns, 'Requests', now, [10, 10, 10]);
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: name, EvaluationPeriods: 3, Threshold: 40, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: [
        { Id: 'e', MetricStat: { Metric: { Namespace: ns, MetricName: 'Errors', Dimensions: [{ Name: 'Host', Value: 'a' }] }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'r', MetricStat: { Metric: { Namespace: ns, MetricName: 'Requests', Dimensions: [{ Name: 'Host', Value: 'a' }] }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'rate', Expression: '100 * e / r', Label: 'Error rate', ReturnData: true },
      ],
    }));
    await srv.alarms.evaluateAll(now);
    const a = await metricAlarm(name);
    assert.equal(a.StateValue, 'ALARM');
    assert.match(a.StateReason!, /^Threshold Crossed: 3 out of the last 3 datapoints \[50\.0 .*, 50\.0 .*, 50\.0 .*\] were greater than or equal to the threshold \(40\.0\) \(minimum 3 datapoints for INSUFFICIENT_DATA -> ALARM transition\)\.$/);
    assert.equal(a.Metrics!.length, 3);
    assert.equal(a.Metrics![2].Expression, '100 * e / r');
    assert.deepEqual(a.Dimensions, []);
    const forMetric = await cw.send(new DescribeAlarmsForMetricCommand({ Namespace: ns, MetricName: 'Requests', Dimensions: [{ Name: 'Host', Value: 'a' }] }));
    assert.deepEqual(forMetric.MetricAlarms!.map((x) => x.AlarmName), [name]);
  });

  it('anomaly band alarms: ThresholdMetricId with ANOMALY_DETECTION_BAND (§4.4)', async () => {
    const ns = uniq('Alarm/Band');
    const name = uniq('band');
    const now = NOW();
    // Two hours of a steady metric, then a spike in the newest minute.
    await put(ns, 'Errors', now, [100, ...Array.from({ length: 120 }, (_, i) => 10 + (i % 3))]);
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: name, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanUpperThreshold', ThresholdMetricId: 'ad1',
      Metrics: [
        { Id: 'm1', MetricStat: { Metric: { Namespace: ns, MetricName: 'Errors', Dimensions: [{ Name: 'Host', Value: 'a' }] }, Period: 60, Stat: 'Maximum' }, ReturnData: true },
        { Id: 'ad1', Expression: 'ANOMALY_DETECTION_BAND(m1, 2)', ReturnData: true },
      ],
    }));
    await srv.alarms.evaluateAll(now);
    const a = await metricAlarm(name);
    assert.equal(a.ThresholdMetricId, 'ad1');
    assert.equal(a.Threshold, undefined);
    assert.equal(a.StateValue, 'ALARM', a.StateReason);
    assert.match(a.StateReason!, /^Thresholds Crossed: 1 out of the last 1 datapoints \[100\.0 \(.+\)\] was greater than the upper thresholds \[[0-9.E]+\] \(minimum 1 datapoint for INSUFFICIENT_DATA -> ALARM transition\)\.$/);
    const data = JSON.parse(a.StateReasonData!) as { recentUpperThresholds: number[]; recentDatapoints: number[] };
    assert.deepEqual(data.recentDatapoints, [100]);
    assert.ok(data.recentUpperThresholds[0] < 100 && data.recentUpperThresholds[0] > 10, String(data.recentUpperThresholds));
  });

  it('percentile alarms: EvaluateLowSampleCountPercentile ignore keeps the state on few samples (§4.2)', async () => {
    const ns = uniq('Alarm/Pct');
    const now = NOW();
    const t = minute(now, 1);
    await cw.send(new PutMetricDataCommand({ Namespace: ns, MetricData: [{ MetricName: 'Errors', Dimensions: [{ Name: 'Host', Value: 'a' }], Timestamp: t, Values: [1, 2, 3, 50], Counts: [1, 1, 1, 1] }] }));
    for (const mode of ['evaluate', 'ignore']) {
      await cw.send(new PutMetricAlarmCommand(basic(`${ns}-${mode}`, ns, { Statistic: undefined, ExtendedStatistic: 'p99', EvaluateLowSampleCountPercentile: mode })));
    }
    await srv.alarms.evaluateAll(now);
    assert.equal((await metricAlarm(`${ns}-evaluate`)).StateValue, 'ALARM', 'p99 of 4 samples = 50 > 3');
    const ignored = await metricAlarm(`${ns}-ignore`);
    assert.equal(ignored.StateValue, 'INSUFFICIENT_DATA', '4 samples < 1000 needed for p99: the state is kept');
    assert.equal(ignored.ExtendedStatistic, 'p99');
    assert.equal(ignored.EvaluateLowSampleCountPercentile, 'ignore');
  });

  it('high-resolution alarms: 10-second periods on 1-second data, aligned to the period (§4.1)', async () => {
    const ns = uniq('Alarm/HiRes');
    const name = uniq('hires');
    const now = Math.floor(Date.now() / 10_000) * 10_000 + 5_000;
    const end = now - 5_000;
    // Newest complete 10 s period [end-10 s, end): 9 > 3; the one before: 1.
    await cw.send(new PutMetricDataCommand({ Namespace: ns, MetricData: [
      { MetricName: 'Errors', Dimensions: [{ Name: 'Host', Value: 'a' }], Timestamp: new Date(end - 7_000), Value: 9, StorageResolution: 1 },
      { MetricName: 'Errors', Dimensions: [{ Name: 'Host', Value: 'a' }], Timestamp: new Date(end - 17_000), Value: 1, StorageResolution: 1 },
    ] }));
    await cw.send(new PutMetricAlarmCommand(basic(name, ns, { Period: 10 })));
    await srv.alarms.evaluateAll(end - 5_000);
    assert.equal((await metricAlarm(name)).StateValue, 'OK', 'five seconds earlier the newest complete period held 1');
    await srv.alarms.evaluateAll(now);
    const a = await metricAlarm(name);
    assert.equal(a.StateValue, 'ALARM');
    assert.equal(a.Period, 10);
    await rejects(cw.send(new PutMetricAlarmCommand(basic(uniq('x'), ns, { Period: 5 }))), 'InvalidParameterValue', /Period must be 10, 20, 30/);
  });

  it('SetAlarmState holds until the next evaluation, which decides again; history records both', async () => {
    const ns = uniq('Alarm/Set');
    const name = uniq('set-me');
    const now = Date.now(); // history is ordered by time: evaluate at the real clock, before SetAlarmState
    await put(ns, 'Errors', now, [1]);
    await cw.send(new PutMetricAlarmCommand(basic(name, ns)));
    await srv.alarms.evaluateAll(now);
    assert.equal((await metricAlarm(name)).StateValue, 'OK');
    await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'testing', StateReasonData: '{"a":1}' }));
    let a = await metricAlarm(name);
    assert.equal(a.StateValue, 'ALARM');
    assert.equal(a.StateReason, 'testing');
    assert.equal(a.StateReasonData, '{"a":1}');
    // Evaluated after the SetAlarmState (history is in time order); the datapoint is still in the range.
    await srv.alarms.evaluateAll(Math.max(now, Date.now()) + 1);
    a = await metricAlarm(name);
    assert.equal(a.StateValue, 'OK', 'the next evaluation decides');
    await rejects(cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'x', StateReasonData: '{nope' })), 'InvalidFormat', /not valid JSON/);
    await rejects(cw.send(new SetAlarmStateCommand({ AlarmName: uniq('ghost'), StateValue: 'ALARM', StateReason: 'x' })), 'ResourceNotFound', /not found/, 404);

    const h = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: 'StateUpdate', ScanBy: 'TimestampAscending' }));
    assert.deepEqual(h.AlarmHistoryItems!.map((x) => x.HistorySummary), ['Alarm updated from INSUFFICIENT_DATA to OK', 'Alarm updated from OK to ALARM', 'Alarm updated from ALARM to OK']);
    const doc = JSON.parse(h.AlarmHistoryItems![1].HistoryData!) as { version: string; oldState: { stateValue: string }; newState: { stateValue: string; stateReason: string } };
    assert.equal(doc.version, '1.0');
    assert.equal(doc.oldState.stateValue, 'OK');
    assert.deepEqual([doc.newState.stateValue, doc.newState.stateReason], ['ALARM', 'testing']);
    const cfg = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: 'ConfigurationUpdate' }));
    assert.equal(cfg.AlarmHistoryItems![0].HistorySummary, `Alarm "${name}" created`);
    assert.equal((JSON.parse(cfg.AlarmHistoryItems![0].HistoryData!) as { type: string }).type, 'Create');
    // Paging: one item per page, descending by default.
    const p1 = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name, MaxRecords: 1 }));
    assert.equal(p1.AlarmHistoryItems!.length, 1);
    assert.ok(p1.NextToken);
    const p2 = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name, MaxRecords: 1, NextToken: p1.NextToken }));
    assert.ok(p2.AlarmHistoryItems![0].Timestamp! <= p1.AlarmHistoryItems![0].Timestamp!);
    await rejects(cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'other', MaxRecords: 1, NextToken: p1.NextToken })), 'InvalidNextToken', /NextToken/);
  });

  it('DescribeAlarms filters and pages', async () => {
    const prefix = uniq('page');
    const ns = uniq('Alarm/Page');
    for (let i = 0; i < 5; i++) await cw.send(new PutMetricAlarmCommand(basic(`${prefix}-${i}`, ns, { AlarmActions: i % 2 ? ['arn:aws:sns:us-east-1:000000000000:pager'] : [] })));
    const names: string[] = [];
    for await (const page of paginateDescribeAlarms({ client: cw, pageSize: 2 }, { AlarmNamePrefix: prefix, MaxRecords: 2 })) {
      assert.ok(page.MetricAlarms!.length <= 2);
      names.push(...page.MetricAlarms!.map((a) => a.AlarmName!));
    }
    assert.deepEqual(names, [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`));
    const withAction = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, ActionPrefix: 'arn:aws:sns:us-east-1:000000000000:pag' }));
    assert.deepEqual(withAction.MetricAlarms!.map((a) => a.AlarmName), [`${prefix}-1`, `${prefix}-3`]);
    const insufficient = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, StateValue: 'INSUFFICIENT_DATA' }));
    assert.equal(insufficient.MetricAlarms!.length, 5);
    const composites = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, AlarmTypes: ['CompositeAlarm'] }));
    assert.deepEqual([composites.MetricAlarms, composites.CompositeAlarms], [[], []]);
    await rejects(cw.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' })), 'InvalidParameterCombination', /mutually exclusive/);
    await cw.send(new DisableAlarmActionsCommand({ AlarmNames: [`${prefix}-1`] }));
    assert.equal((await metricAlarm(`${prefix}-1`)).ActionsEnabled, false);
    await cw.send(new EnableAlarmActionsCommand({ AlarmNames: [`${prefix}-1`] }));
    assert.equal((await metricAlarm(`${prefix}-1`)).ActionsEnabled, true);
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: [`${prefix}-0`, `${prefix}-1`] }));
    const left = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }));
    assert.equal(left.MetricAlarms!.length, 3);
    await rejects(cw.send(new DeleteAlarmsCommand({ AlarmNames: [`${prefix}-2`, uniq('ghost')] })), 'ResourceNotFound', /do not exist/, 404);
    // DeleteAlarms API reference: "the alarms you specify with correct names are still deleted".
    assert.deepEqual((await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }))).MetricAlarms!.map((a) => a.AlarmName).sort(), [`${prefix}-3`, `${prefix}-4`]);
  });

  it('tags alarms by ARN; an update keeps the tags', async () => {
    const ns = uniq('Alarm/Tags');
    const name = uniq('tagged');
    await cw.send(new PutMetricAlarmCommand(basic(name, ns, { Tags: [{ Key: 'team', Value: 'core' }] })));
    const arn = (await metricAlarm(name)).AlarmArn!;
    await cw.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'env', Value: 'prod' }] }));
    await cw.send(new PutMetricAlarmCommand(basic(name, ns, { Threshold: 4, Tags: [{ Key: 'ignored', Value: 'on update' }] })));
    let tags = await cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'core' }, { Key: 'env', Value: 'prod' }]);
    await cw.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['team'] }));
    tags = await cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'prod' }]);
    await rejects(cw.send(new ListTagsForResourceCommand({ ResourceARN: `${arn}-nope` })), 'ResourceNotFoundException', /does not exist/, 404);
    assert.equal((await metricAlarm(name)).Threshold, 4);
  });
});

describe('composite alarms (§4.3)', () => {
  it('evaluates the rule over children, names or ARNs, accepts cycles, and refuses unknown children and deleting a referenced child', async () => {
    const ns = uniq('Alarm/Comp');
    const [cpu, disk, deploy] = ['cpu', 'disk', 'deploy'].map((x) => uniq(x));
    for (const a of [cpu, disk, deploy]) await cw.send(new PutMetricAlarmCommand(basic(a, ns)));
    const cpuArn = (await metricAlarm(cpu)).AlarmArn!;
    const comp = uniq('comp');
    const rule = `(ALARM("${cpuArn}") OR ALARM(${disk})) AND NOT ALARM(${deploy})`;
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: comp, AlarmRule: rule }));
    let c = (await describeOne(comp)).CompositeAlarms![0];
    assert.equal(c.StateValue, 'OK', 'evaluated at once: no child in ALARM');
    assert.equal(c.AlarmRule, rule);
    await cw.send(new SetAlarmStateCommand({ AlarmName: disk, StateValue: 'ALARM', StateReason: 'test' }));
    c = (await describeOne(comp)).CompositeAlarms![0];
    assert.equal(c.StateValue, 'ALARM');
    assert.match(c.StateReason!, new RegExp(`alarm:${disk} transitioned to ALARM`));
    assert.equal((JSON.parse(c.StateReasonData!) as { triggeringAlarms: Array<{ arn: string }> }).triggeringAlarms[0].arn.endsWith(disk), true);
    await cw.send(new SetAlarmStateCommand({ AlarmName: deploy, StateValue: 'ALARM', StateReason: 'deploying' }));
    assert.equal((await describeOne(comp)).CompositeAlarms![0].StateValue, 'OK');

    const kids = await cw.send(new DescribeAlarmsCommand({ ChildrenOfAlarmName: comp }));
    assert.deepEqual(kids.MetricAlarms!.map((a) => a.AlarmName).sort(), [cpu, disk, deploy].sort());
    const parents = await cw.send(new DescribeAlarmsCommand({ ParentsOfAlarmName: disk }));
    assert.deepEqual(parents.CompositeAlarms!.map((a) => a.AlarmName), [comp]);

    await rejects(cw.send(new PutCompositeAlarmCommand({ AlarmName: uniq('c'), AlarmRule: 'ALARM(no-such-alarm)' })), 'ValidationError', /alarms \[no-such-alarm\] in the alarm rule do not exist/);
    await rejects(cw.send(new PutCompositeAlarmCommand({ AlarmName: uniq('c'), AlarmRule: `ALARM(${cpu}) AND` })), 'ValidationError', /Error in alarm rule/);
    await rejects(cw.send(new PutCompositeAlarmCommand({ AlarmName: uniq('c'), AlarmRule: 'X'.repeat(10_241) })), 'InvalidParameterValue', /AlarmRule must be between 1 and 10240/);
    const outer = uniq('outer');
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: outer, AlarmRule: `ALARM(${comp})` }));
    // A cycle is accepted, as AWS does, and not evaluated (its members keep their states).
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: comp, AlarmRule: `ALARM(${outer}) OR ${rule}` }));
    const cyc = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [comp, outer], AlarmTypes: ['CompositeAlarm'] }))).CompositeAlarms!;
    assert.deepEqual(cyc.map((x) => x.StateValue), ['OK', 'OK']);
    for (const x of cyc) assert.match(x.StateReason!, /^Evaluation stopped: a cycle of composite alarms was detected/);
    await rejects(cw.send(new DeleteAlarmsCommand({ AlarmNames: [outer] })), 'ValidationError', /^Cannot delete .* as there are composite alarm\(s\) depending on it\.$/);
    await rejects(cw.send(new DeleteAlarmsCommand({ AlarmNames: [disk, cpu] })), 'ValidationError', new RegExp(`^Cannot delete ${disk},${cpu} as there are composite alarm\\(s\\) depending on them\\.$`));
    // Broken again by restoring the rule; the composite no one depends on can then go.
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: comp, AlarmRule: rule }));
    assert.match((await describeOne(comp)).CompositeAlarms![0].StateReason!, /transitioned to/);
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: [outer] }));
  });

  it('composite action suppression needs both periods', async () => {
    const ns = uniq('Alarm/Sup');
    const child = uniq('child');
    await cw.send(new PutMetricAlarmCommand(basic(child, ns)));
    await rejects(cw.send(new PutCompositeAlarmCommand({ AlarmName: uniq('c'), AlarmRule: `ALARM(${child})`, ActionsSuppressor: child })), 'InvalidParameterCombination', /required when ActionsSuppressor/);
    const c = uniq('sup');
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: c, AlarmRule: 'TRUE', ActionsSuppressor: child, ActionsSuppressorWaitPeriod: 60, ActionsSuppressorExtensionPeriod: 120 }));
    const got = (await describeOne(c)).CompositeAlarms![0];
    assert.deepEqual([got.StateValue, got.ActionsSuppressor, got.ActionsSuppressorWaitPeriod, got.ActionsSuppressorExtensionPeriod], ['ALARM', child, 60, 120]);
  });
});

describe('alarm actions publish to SNS (§4.8)', () => {
  let receiver: Server;
  const received: Array<Record<string, string>> = [];
  let url = '';
  let topic = '';
  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => { try { received.push(JSON.parse(body) as Record<string, string>); } catch { /* not JSON */ } res.end('ok'); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(async () => { await new Promise<void>((r) => receiver.close(() => r())); });

  async function waitFor<T>(f: () => T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const v = f();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('a transition publishes the alarm JSON with AWS subject to the topic; disabled actions do not run', async () => {
    const sns = new SNSClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
    topic = (await sns.send(new CreateTopicCommand({ Name: uniq('alarms') }))).TopicArn!;
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'http', Endpoint: url }));
    const confirm = await waitFor(() => received.find((m) => m.Type === 'SubscriptionConfirmation'), 'the subscription confirmation');
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topic, Token: confirm.Token }));
    sns.destroy();

    const ns = uniq('Alarm/Act');
    const name = uniq('notify-me');
    const now = NOW();
    await put(ns, 'Errors', now, [10]);
    await cw.send(new PutMetricAlarmCommand(basic(name, ns, { AlarmActions: [topic], OKActions: [topic] })));
    await srv.alarms.evaluateAll(now);
    const note = await waitFor(() => received.find((m) => m.Type === 'Notification' && m.Subject?.includes(name)), 'the alarm notification');
    assert.equal(note.Subject, `ALARM: "${name}" in US East (N. Virginia)`);
    const msg = JSON.parse(note.Message) as Record<string, unknown> & { Trigger: Record<string, unknown> };
    assert.equal(msg.AlarmName, name);
    assert.equal(msg.NewStateValue, 'ALARM');
    assert.equal(msg.OldStateValue, 'INSUFFICIENT_DATA');
    assert.equal(msg.Region, 'US East (N. Virginia)');
    assert.equal(msg.AWSAccountId, '000000000000');
    assert.equal(msg.Trigger.Statistic, 'MAXIMUM', 'upper case in SNS messages');
    assert.equal(msg.Trigger.StatisticType, 'Statistic');
    assert.deepEqual(msg.Trigger.Dimensions, [{ value: 'a', name: 'Host' }]);
    assert.match(note.Message, /"Threshold":3\.0/);
    const actions = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: 'Action' }));
    assert.equal(actions.AlarmHistoryItems![0].HistorySummary, `Successfully executed action ${topic}`);

    // Disabled actions: the transition happens, nothing is published.
    await cw.send(new DisableAlarmActionsCommand({ AlarmNames: [name] }));
    const before = received.length;
    await put(ns, 'Errors', now + MIN, [0]);
    await srv.alarms.evaluateAll(now + MIN);
    assert.equal((await metricAlarm(name)).StateValue, 'OK');
    const after = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: 'Action' }));
    assert.equal(after.AlarmHistoryItems!.length, 1, 'no action ran');
    assert.equal(received.length, before);
  });

  it('composite actions: suppressed while the ActionsSuppressor is in ALARM, delayed by the wait period otherwise', async () => {
    assert.ok(topic, 'the previous test created the topic');
    const ns = uniq('Alarm/Supp');
    const [child, maint] = [uniq('child'), uniq('maintenance')];
    // TreatMissingData ignore: evaluations of these metric-less alarms keep the states the test sets.
    for (const a of [child, maint]) await cw.send(new PutMetricAlarmCommand(basic(a, ns, { TreatMissingData: 'ignore' })));
    const comp = uniq('comp-sup');
    await cw.send(new PutCompositeAlarmCommand({ AlarmName: comp, AlarmRule: `ALARM(${child})`, AlarmActions: [topic], ActionsSuppressor: maint, ActionsSuppressorWaitPeriod: 60, ActionsSuppressorExtensionPeriod: 60 }));
    const history = async () => (await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: comp, AlarmTypes: ['CompositeAlarm'], HistoryItemType: 'Action' }))).AlarmHistoryItems!;
    // Suppressor in ALARM: the composite goes to ALARM, its actions do not run.
    await cw.send(new SetAlarmStateCommand({ AlarmName: maint, StateValue: 'ALARM', StateReason: 'maintenance window' }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: child, StateValue: 'ALARM', StateReason: 'broken' }));
    let c = (await describeOne(comp)).CompositeAlarms![0];
    assert.equal(c.StateValue, 'ALARM');
    assert.equal(c.ActionsSuppressedBy, 'Alarm');
    assert.equal(c.ActionsSuppressedReason, 'Actions suppressed by Alarm');
    assert.equal((await history()).length, 0);
    const ev = events.filter((e) => e.detail.alarmName === comp).pop()!;
    assert.equal((ev.detail.state as { actionsSuppressedBy?: string }).actionsSuppressedBy, 'Alarm');
    // Suppressor OK: the next ALARM waits out the wait period, then runs.
    await cw.send(new SetAlarmStateCommand({ AlarmName: child, StateValue: 'OK', StateReason: 'fixed' }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: maint, StateValue: 'OK', StateReason: 'done' }));
    // Still inside the extension period (60 s after the suppressor left ALARM): suppressed.
    await cw.send(new SetAlarmStateCommand({ AlarmName: child, StateValue: 'ALARM', StateReason: 'broken again' }));
    c = (await describeOne(comp)).CompositeAlarms![0];
    assert.equal(c.ActionsSuppressedBy, 'ExtensionPeriod');
    assert.equal((await history()).length, 0);
    await cw.send(new SetAlarmStateCommand({ AlarmName: child, StateValue: 'OK', StateReason: 'fixed' }));
    // After the extension period: the wait period applies first.
    const later = Date.now() + 61_000;
    await srv.alarms.setAlarmState(child, 'ALARM', 'broken a third time', undefined, later);
    c = (await describeOne(comp)).CompositeAlarms![0];
    assert.equal(c.ActionsSuppressedBy, 'WaitPeriod');
    assert.equal((await history()).length, 0);
    await srv.alarms.evaluateAll(later + 61_000);
    c = (await describeOne(comp)).CompositeAlarms![0];
    assert.equal(c.ActionsSuppressedBy, 'None');
    const h = await history();
    assert.equal(h.length, 1);
    assert.equal(h[0].HistorySummary, `Successfully executed action ${topic}`);
    const note = await waitFor(() => received.find((m) => m.Type === 'Notification' && m.Subject?.includes(comp)), 'the composite notification');
    assert.equal(note.Subject, `ALARM: "${comp}" in US East (N. Virginia)`);
    assert.equal((JSON.parse(note.Message) as { AlarmRule: string }).AlarmRule, `ALARM(${child})`);
  });
});
