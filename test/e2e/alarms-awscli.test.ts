/**
 * CloudWatch alarms end to end with Debian's AWS CLI 2.x (/usr/bin/aws, awsQuery to CloudWatch):
 * put-metric-alarm, describe-alarms, set-alarm-state, describe-alarm-history, put-composite-alarm
 * (cycles included), delete-alarms, errors, and kill -9 durability of what the API acknowledged. Evaluation is driven through
 * `alarms.evaluateAll(now)` after put-metric-data. Oracles: fact sheet
 * /work/shared/reference/aws-facts.md §3.2 (operations and errors), §4.1–4.3, §4.8.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { spawnServer, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { cliJson, expectCliError, runAwsCli, type CliRun } from '../helpers/aws-cli.js';

const CLI = '/usr/bin/aws';
const MIN = 60_000;
let srv: TestServer;

before(async () => {
  srv = await startTestServer();
  srv.alarms.stopLoop();
});
after(async () => { await srv?.cleanup(); });

const aws = (args: string[], url = srv.url): Promise<CliRun> => runAwsCli(CLI, url, args);

const ok = async <T = Record<string, unknown>>(args: string[], url?: string): Promise<T> => cliJson<T>(await aws(args, url), args);
const fails = async (args: string[], code: string, op: string, message: RegExp): Promise<void> => expectCliError(await aws(args), code, op, message);

interface MetricAlarmOut { AlarmName: string; StateValue: string; StateReason: string; StateReasonData?: string; Threshold: number; EvaluationPeriods: number; DatapointsToAlarm?: number; Dimensions: unknown[]; TreatMissingData?: string; AlarmArn: string }
interface CompositeOut { AlarmName: string; StateValue: string; AlarmRule: string }
type Described = { MetricAlarms: MetricAlarmOut[]; CompositeAlarms: CompositeOut[] };

let n = 0;
const uniq = (p: string) => `${p}-${++n}-${Date.now()}`;

describe('alarms with the AWS CLI 2.x', () => {
  it('put-metric-alarm, put-metric-data, evaluation, describe-alarms, set-alarm-state and history', async () => {
    const ns = uniq('CliAlarm');
    const name = uniq('cpu-high');
    const now = Date.now(); // history is ordered by time: evaluate at the real clock, before set-alarm-state
    await ok(['cloudwatch', 'put-metric-alarm', '--alarm-name', name, '--alarm-description', 'CPU over 80',
      '--namespace', ns, '--metric-name', 'CPUUtilization', '--dimensions', 'Name=InstanceId,Value=i-1', '--statistic', 'Average',
      '--period', '60', '--evaluation-periods', '3', '--datapoints-to-alarm', '2', '--threshold', '80',
      '--comparison-operator', 'GreaterThanOrEqualToThreshold', '--treat-missing-data', 'notBreaching']);
    // Three complete minutes: 90, 50, 95 (oldest first) — 2 of 3 breach.
    for (const [back, v] of [[3, 90], [2, 50], [1, 95]]) {
      await ok(['cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-name', 'CPUUtilization', '--dimensions', 'InstanceId=i-1',
        '--timestamp', new Date(Math.floor(now / MIN) * MIN - back * MIN + 5000).toISOString(), '--value', String(v)]);
    }
    await srv.alarms.evaluateAll(now);
    let d = await ok<Described>(['cloudwatch', 'describe-alarms', '--alarm-names', name]);
    assert.equal(d.MetricAlarms.length, 1);
    const a = d.MetricAlarms[0];
    assert.equal(a.StateValue, 'ALARM');
    assert.equal(a.Threshold, 80);
    assert.equal(a.DatapointsToAlarm, 2);
    assert.equal(a.TreatMissingData, 'notBreaching');
    assert.match(a.StateReason, /^Threshold Crossed: 2 out of the last 3 datapoints \[95\.0 \(.+\), 90\.0 \(.+\)\] were greater than or equal to the threshold \(80\.0\) \(minimum 2 datapoints for INSUFFICIENT_DATA -> ALARM transition\)\.$/);
    assert.deepEqual((JSON.parse(a.StateReasonData!) as { recentDatapoints: number[] }).recentDatapoints, [90, 50, 95]);

    await ok(['cloudwatch', 'set-alarm-state', '--alarm-name', name, '--state-value', 'OK', '--state-reason', 'manual reset']);
    d = await ok<Described>(['cloudwatch', 'describe-alarms', '--alarm-names', name, '--state-value', 'OK']);
    assert.equal(d.MetricAlarms[0].StateReason, 'manual reset');
    await srv.alarms.evaluateAll(Math.max(now, Date.now()) + 1);
    d = await ok<Described>(['cloudwatch', 'describe-alarms', '--alarm-names', name]);
    assert.equal(d.MetricAlarms[0].StateValue, 'ALARM', 'the next evaluation decides again');

    const h = await ok<{ AlarmHistoryItems: Array<{ HistoryItemType: string; HistorySummary: string; AlarmType: string; HistoryData: string }> }>(
      ['cloudwatch', 'describe-alarm-history', '--alarm-name', name, '--history-item-type', 'StateUpdate', '--scan-by', 'TimestampAscending']);
    assert.deepEqual(h.AlarmHistoryItems.map((x) => x.HistorySummary), ['Alarm updated from INSUFFICIENT_DATA to ALARM', 'Alarm updated from ALARM to OK', 'Alarm updated from OK to ALARM']);
    assert.equal(h.AlarmHistoryItems[0].AlarmType, 'MetricAlarm');
    const all = await ok<{ AlarmHistoryItems: Array<{ HistoryItemType: string }> }>(['cloudwatch', 'describe-alarm-history', '--alarm-name', name]);
    assert.deepEqual([...new Set(all.AlarmHistoryItems.map((x) => x.HistoryItemType))].sort(), ['ConfigurationUpdate', 'StateUpdate']);

    const forMetric = await ok<{ MetricAlarms: MetricAlarmOut[] }>(['cloudwatch', 'describe-alarms-for-metric', '--namespace', ns, '--metric-name', 'CPUUtilization', '--dimensions', 'Name=InstanceId,Value=i-1']);
    assert.deepEqual(forMetric.MetricAlarms.map((x) => x.AlarmName), [name]);
  });

  it('composite alarms through the CLI', async () => {
    const ns = uniq('CliComp');
    const [x, y] = [uniq('x'), uniq('y')];
    for (const a of [x, y]) {
      await ok(['cloudwatch', 'put-metric-alarm', '--alarm-name', a, '--namespace', ns, '--metric-name', 'M', '--statistic', 'Sum',
        '--period', '60', '--evaluation-periods', '1', '--threshold', '1', '--comparison-operator', 'GreaterThanThreshold']);
    }
    const comp = uniq('both');
    await ok(['cloudwatch', 'put-composite-alarm', '--alarm-name', comp, '--alarm-rule', `ALARM(${x}) AND ALARM(${y})`, '--alarm-description', 'both down']);
    for (const a of [x, y]) await ok(['cloudwatch', 'set-alarm-state', '--alarm-name', a, '--state-value', 'ALARM', '--state-reason', 'test']);
    const d = await ok<Described>(['cloudwatch', 'describe-alarms', '--alarm-names', comp, '--alarm-types', 'CompositeAlarm']);
    assert.deepEqual(d.CompositeAlarms.map((c) => [c.AlarmName, c.StateValue, c.AlarmRule]), [[comp, 'ALARM', `ALARM(${x}) AND ALARM(${y})`]]);
    assert.deepEqual(d.MetricAlarms, []);
    const h = await ok<{ AlarmHistoryItems: Array<{ AlarmType: string; HistorySummary: string }> }>(['cloudwatch', 'describe-alarm-history', '--alarm-name', comp, '--alarm-types', 'CompositeAlarm', '--history-item-type', 'StateUpdate']);
    assert.equal(h.AlarmHistoryItems[0].HistorySummary, 'Alarm updated from OK to ALARM');
    assert.equal(h.AlarmHistoryItems[0].AlarmType, 'CompositeAlarm');
    await fails(['cloudwatch', 'put-composite-alarm', '--alarm-name', uniq('c'), '--alarm-rule', 'ALARM(missing-child)'], 'ValidationError', 'PutCompositeAlarm', /in the alarm rule do not exist/);
  });

  it('a cycle of composites: created, not evaluated, no actions, undeletable until one rule is set to FALSE', async () => {
    // Oracle: PutCompositeAlarm and DeleteAlarms API reference (fact sheet §4.3): a cycle can be
    // created; "the evaluation of composite alarms stops if CloudWatch detects a cycle in the
    // evaluation path"; no alarm in it can be deleted "because there is always still a composite
    // alarm that depends on that alarm"; "the simplest change to make to break a cycle is to change
    // the AlarmRule of one of the alarms to false"; at most one composite alarm per DeleteAlarms.
    const ns = uniq('CliCycle');
    const [m, a, b] = [uniq('cyc-metric'), uniq('cyc-a'), uniq('cyc-b')];
    const { TopicArn: topic } = await ok<{ TopicArn: string }>(['sns', 'create-topic', '--name', uniq('cycle-topic')]);
    // TreatMissingData ignore: evaluating this metric-less alarm keeps the state the test sets.
    await ok(['cloudwatch', 'put-metric-alarm', '--alarm-name', m, '--namespace', ns, '--metric-name', 'M', '--statistic', 'Sum',
      '--period', '60', '--evaluation-periods', '1', '--threshold', '1', '--comparison-operator', 'GreaterThanThreshold', '--treat-missing-data', 'ignore']);
    await ok(['cloudwatch', 'put-composite-alarm', '--alarm-name', a, '--alarm-rule', `ALARM(${m})`, '--alarm-actions', topic]);
    await ok(['cloudwatch', 'put-composite-alarm', '--alarm-name', b, '--alarm-rule', `ALARM(${a})`, '--alarm-actions', topic]);
    const composites = async () => {
      const d = await ok<{ CompositeAlarms: Array<CompositeOut & { StateReason: string }> }>(['cloudwatch', 'describe-alarms', '--alarm-names', a, b, '--alarm-types', 'CompositeAlarm']);
      return Object.fromEntries(d.CompositeAlarms.map((c) => [c.AlarmName === a ? 'a' : 'b', c]));
    };
    const history = async (name: string, type: string) => (await ok<{ AlarmHistoryItems: Array<{ HistorySummary: string }> }>(
      ['cloudwatch', 'describe-alarm-history', '--alarm-name', name, '--alarm-types', 'CompositeAlarm', '--history-item-type', type])).AlarmHistoryItems;
    let c = await composites();
    assert.deepEqual([c.a.StateValue, c.b.StateValue], ['OK', 'OK'], 'both evaluated at creation');

    // A now also depends on B, which depends on A: accepted.
    const cyclic = `ALARM(${m}) OR ALARM(${b})`;
    await ok(['cloudwatch', 'put-composite-alarm', '--alarm-name', a, '--alarm-rule', cyclic, '--alarm-actions', topic]);
    c = await composites();
    assert.equal(c.a.AlarmRule, cyclic);
    for (const x of [c.a, c.b]) {
      assert.equal(x.StateValue, 'OK', 'the state is kept');
      assert.equal(x.StateReason, `Evaluation stopped: a cycle of composite alarms was detected in the evaluation path (alarms in the cycle: ${[a, b].sort().join(', ')}). Change one AlarmRule in the cycle (for example to FALSE) to break it.`);
    }
    const parents = await ok<{ CompositeAlarms: CompositeOut[] }>(['cloudwatch', 'describe-alarms', '--parents-of-alarm-name', a]);
    assert.deepEqual(parents.CompositeAlarms.map((x) => x.AlarmName), [b]);

    // The child goes to ALARM: A's rule is now TRUE, but nothing in the cycle is evaluated, nothing runs.
    await ok(['cloudwatch', 'set-alarm-state', '--alarm-name', m, '--state-value', 'ALARM', '--state-reason', 'broken']);
    await srv.alarms.evaluateAll(Date.now());
    c = await composites();
    assert.deepEqual([c.a.StateValue, c.b.StateValue], ['OK', 'OK']);
    for (const x of [a, b]) {
      assert.deepEqual((await history(x, 'StateUpdate')).map((h) => h.HistorySummary), ['Alarm updated from INSUFFICIENT_DATA to OK'], x);
      assert.deepEqual(await history(x, 'Action'), [], `${x}: no action ran`);
    }

    // Neither can be deleted: each still has a composite depending on it; both at once is two composites.
    await fails(['cloudwatch', 'delete-alarms', '--alarm-names', a], 'ValidationError', 'DeleteAlarms', new RegExp(`^Cannot delete ${a} as there are composite alarm\\(s\\) depending on it\\.$`));
    await fails(['cloudwatch', 'delete-alarms', '--alarm-names', b], 'ValidationError', 'DeleteAlarms', /depending on it/);
    await fails(['cloudwatch', 'delete-alarms', '--alarm-names', a, b], 'ValidationError', 'DeleteAlarms', /at most one composite alarm/);
    await fails(['cloudwatch', 'delete-alarms', '--alarm-names', m], 'ValidationError', 'DeleteAlarms', /depending on it/);
    assert.equal(Object.keys(await composites()).length, 2, 'nothing was deleted');

    // The way out: B's rule set to FALSE. Both are evaluated again at once; A's actions run.
    await ok(['cloudwatch', 'put-composite-alarm', '--alarm-name', b, '--alarm-rule', 'FALSE', '--alarm-actions', topic]);
    c = await composites();
    assert.equal(c.b.StateValue, 'OK');
    assert.equal(c.b.StateReason, 'The alarm rule evaluated to FALSE', 'same state, the stopped reason is replaced');
    assert.equal(c.a.StateValue, 'ALARM');
    assert.match(c.a.StateReason, new RegExp(`:alarm:${m} transitioned to ALARM at `));
    assert.deepEqual((await history(a, 'Action')).map((h) => h.HistorySummary), [`Successfully executed action ${topic}`]);
    assert.deepEqual(await history(b, 'Action'), []);

    // No cycle, nothing depends on A any more: it can go, then B, then the metric alarm.
    await ok(['cloudwatch', 'delete-alarms', '--alarm-names', a]);
    await ok(['cloudwatch', 'delete-alarms', '--alarm-names', b, m]);
    const left = await ok<Described>(['cloudwatch', 'describe-alarms', '--alarm-names', a, b, m, '--alarm-types', 'MetricAlarm', 'CompositeAlarm']);
    assert.deepEqual([left.MetricAlarms, left.CompositeAlarms], [[], []]);
  });

  it('errors as AWS gives them', async () => {
    await fails(['cloudwatch', 'put-metric-alarm', '--alarm-name', 'bad', '--namespace', 'N', '--metric-name', 'M', '--statistic', 'Sum',
      '--period', '60', '--evaluation-periods', '2', '--datapoints-to-alarm', '3', '--threshold', '1', '--comparison-operator', 'GreaterThanThreshold'],
    'ValidationError', 'PutMetricAlarm', /^DatapointsToAlarm must be less than or equal to EvaluationPeriods$/);
    await fails(['cloudwatch', 'set-alarm-state', '--alarm-name', uniq('ghost'), '--state-value', 'OK', '--state-reason', 'x'], 'ResourceNotFound', 'SetAlarmState', /not found/);
    await fails(['cloudwatch', 'describe-alarms', '--max-records', '101'], 'InvalidParameterValue', 'DescribeAlarms', /MaxRecords/);
  });
});

describe('alarm durability', () => {
  it('acknowledged alarms, states and history survive kill -9 of the server', { timeout: 180_000 }, async () => {
    const dataDir = tempDir('tw-alarm-kill-');
    let proc = await spawnServer(dataDir);
    try {
      await ok(['cloudwatch', 'put-metric-alarm', '--alarm-name', 'durable', '--namespace', 'Durable', '--metric-name', 'M', '--statistic', 'Sum',
        '--period', '60', '--evaluation-periods', '1', '--threshold', '1', '--comparison-operator', 'GreaterThanThreshold', '--tags', 'Key=k,Value=v'], proc.url);
      await ok(['cloudwatch', 'put-composite-alarm', '--alarm-name', 'durable-comp', '--alarm-rule', 'ALARM(durable)'], proc.url);
      await ok(['cloudwatch', 'set-alarm-state', '--alarm-name', 'durable', '--state-value', 'ALARM', '--state-reason', 'before the crash'], proc.url);
      // A cycle of composites, acknowledged: it must come back as a cycle, still not evaluated.
      await ok(['cloudwatch', 'put-composite-alarm', '--alarm-name', 'durable-loop', '--alarm-rule', 'ALARM(durable-comp)'], proc.url);
      await ok(['cloudwatch', 'put-composite-alarm', '--alarm-name', 'durable-comp', '--alarm-rule', 'ALARM(durable) AND ALARM(durable-loop)'], proc.url);
      process.kill(proc.child.pid!, 'SIGKILL');
      if (proc.enginePid) { try { process.kill(proc.enginePid, 'SIGKILL'); } catch { /* gone with its parent */ } }
      await new Promise((r) => proc.child.once('exit', r));
      proc = await spawnServer(dataDir);
      const d = await ok<Described>(['cloudwatch', 'describe-alarms', '--alarm-names', 'durable', 'durable-comp', '--alarm-types', 'MetricAlarm', 'CompositeAlarm'], proc.url);
      assert.deepEqual(d.MetricAlarms.map((a) => [a.AlarmName, a.StateValue, a.StateReason]), [['durable', 'ALARM', 'before the crash']]);
      assert.deepEqual(d.CompositeAlarms.map((a) => [a.AlarmName, a.StateValue]), [['durable-comp', 'ALARM']]);
      const loop = await ok<{ CompositeAlarms: Array<CompositeOut & { StateReason: string }> }>(['cloudwatch', 'describe-alarms', '--alarm-names', 'durable-comp', 'durable-loop', '--alarm-types', 'CompositeAlarm'], proc.url);
      assert.deepEqual(loop.CompositeAlarms.map((a) => [a.AlarmName, a.AlarmRule, a.StateValue]), [['durable-comp', 'ALARM(durable) AND ALARM(durable-loop)', 'ALARM'], ['durable-loop', 'ALARM(durable-comp)', 'ALARM']]);
      for (const a of loop.CompositeAlarms) assert.match(a.StateReason, /^Evaluation stopped: a cycle of composite alarms was detected in the evaluation path \(alarms in the cycle: durable-comp, durable-loop\)/);
      const tags = await ok<{ Tags: unknown[] }>(['cloudwatch', 'list-tags-for-resource', '--resource-arn', 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:durable'], proc.url);
      assert.deepEqual(tags.Tags, [{ Key: 'k', Value: 'v' }]);
      const h = await ok<{ AlarmHistoryItems: Array<{ HistorySummary: string }> }>(['cloudwatch', 'describe-alarm-history', '--alarm-name', 'durable', '--history-item-type', 'StateUpdate'], proc.url);
      assert.equal(h.AlarmHistoryItems[0].HistorySummary, 'Alarm updated from INSUFFICIENT_DATA to ALARM');
      await ok(['cloudwatch', 'set-alarm-state', '--alarm-name', 'durable', '--state-value', 'OK', '--state-reason', 'after the crash'], proc.url);
      const still = await ok<Described>(['cloudwatch', 'describe-alarms', '--alarm-names', 'durable-comp', '--alarm-types', 'CompositeAlarm'], proc.url);
      assert.equal(still.CompositeAlarms[0].StateValue, 'ALARM', 'still on the cycle after the restart: not evaluated');
    } finally {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
