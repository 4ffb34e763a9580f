/**
 * The whole alerting path, end to end with real parts: PutMetricData (AWS SDK v3) → one alarm
 * evaluation (`alarms.evaluateAll(now)` on the in-process server, background loop stopped so the
 * test owns the clock) → the alarm's SNS topic → an HTTP subscription on a real local receiver
 * (confirmed by following the SubscribeURL it was sent) and an email subscription through a real
 * SMTP sink (smtp-server; confirmed by following the link in the mail).
 * Oracles: fact sheet /work/shared/reference/aws-facts.md §4.8 (the alarm JSON in `Message`:
 * AlarmName, NewStateValue, NewStateReason in AWS's words, OldStateValue, Region as the long name,
 * Trigger with the statistic upper-cased and dimensions as {value,name}; subject
 * `ALARM: "<name>" in <region long name>`), §4.2 (the datapoints decide), the SNS developer guide
 * (HTTP/S confirmation by visiting SubscribeURL; notifications signed, `x-amz-sns-message-type`).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { SnsVerifier } from '../../src/sources/import/sns-signature.js';
import { HttpReceiver, SmtpSink, type Mail, type Received } from './sns-receivers.js';

const MIN = 60_000;
const REGION = 'US East (N. Virginia)';
let srv: TestServer;
let cw: CloudWatchClient;
let sns: SNSClient;
let hook: HttpReceiver;
let smtp: SmtpSink;

before(async () => {
  hook = await HttpReceiver.start('/alerts');
  smtp = await SmtpSink.start();
  const dataDir = tempDir('tw-alarm-notify-');
  // The SMTP relay is configured as docs/notifications.md describes (notify.json in the data directory).
  writeFileSync(join(dataDir, 'notify.json'), JSON.stringify({
    smtp: { url: smtp.url, from: 'Trailwatch Alerts <alerts@example.test>' },
    deliveryPolicy: { email: { minDelayTarget: 0.05, maxDelayTarget: 0.1, numRetries: 3, numMinDelayRetries: 0, numMaxDelayRetries: 0 } },
  }));
  srv = await startTestServer({ dataDir });
  srv.alarms.stopLoop();
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
  sns = new SNSClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
});
after(async () => {
  cw?.destroy();
  sns?.destroy();
  await srv?.cleanup();
  await hook?.close();
  await smtp?.close();
});

/** `dd/MM/yy HH:mm:ss` UTC, how AWS prints datapoint times in a StateReason (§4.8 example: `22/11/19 15:38:00`). */
function awsReasonTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const notification = (alarm: string, state: string) => (r: Received) =>
  r.headers['x-amz-sns-message-type'] === 'Notification' && (JSON.parse(r.body) as { Subject?: string }).Subject === `${state}: "${alarm}" in ${REGION}`;
const mailTo = (addr: string, subject: string) => (m: Mail) => m.to.includes(addr) && m.subject === subject;

interface AlarmMessage {
  AlarmName: string; AlarmDescription: string; AWSAccountId: string; NewStateValue: string; NewStateReason: string; OldStateValue: string;
  StateChangeTime: string; Region: string; AlarmArn: string; AlarmActions: string[]; OKActions: string[];
  Trigger: Record<string, unknown>;
}

describe('PutMetricData → alarm → SNS → HTTP endpoint and email', () => {
  it('delivers AWS\'s alarm notification to both subscribers, on ALARM and back on OK', { timeout: 120_000 }, async () => {
    const verifier = new SnsVerifier({ certHosts: [new URL(srv.url).host] });
    const topic = (await sns.send(new CreateTopicCommand({ Name: 'ops-alarms' }))).TopicArn!;

    // HTTP: the confirmation carries a SubscribeURL; visiting it confirms, as with SNS.
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'http', Endpoint: hook.url }));
    const conf = hook.json(await hook.next((r) => r.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation')) as Record<string, string>;
    assert.equal(conf.TopicArn, topic);
    await verifier.verify(conf);
    assert.equal((await fetch(conf.SubscribeURL)).status, 200);

    // Email: the confirmation mail carries the confirm link.
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'email', Endpoint: 'oncall@example.test' }));
    const confMail = await smtp.next(mailTo('oncall@example.test', 'AWS Notification - Subscription Confirmation'));
    const link = /(http:\/\/\S+Action=ConfirmSubscription\S+)/.exec(confMail.text)?.[1];
    assert.ok(link, confMail.text);
    assert.equal((await fetch(link)).status, 200);
    const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }))).Subscriptions!;
    assert.deepEqual(subs.map((s) => [s.Protocol, s.SubscriptionArn!.startsWith(`${topic}:`)]).sort(), [['email', true], ['http', true]], 'both confirmed');

    // The alarm: average CPU above 80 for 2 of 2 minutes, notifying the topic on ALARM and on OK.
    const name = 'web-cpu-high';
    const ns = 'Notify/EC2';
    const dims = [{ Name: 'InstanceId', Value: 'i-0abc' }];
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: name, AlarmDescription: 'web tier CPU', Namespace: ns, MetricName: 'CPUUtilization', Dimensions: dims, Statistic: 'Average',
      Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [topic], OKActions: [topic],
    }));
    const now = Math.floor(Date.now() / MIN) * MIN + 30_000;
    const minute = (back: number) => Math.floor(now / MIN) * MIN - back * MIN;
    // Two minutes ago: 90 and 100 (average 95); last minute: 91.
    await cw.send(new PutMetricDataCommand({ Namespace: ns, MetricData: [
      { MetricName: 'CPUUtilization', Dimensions: dims, Timestamp: new Date(minute(2) + 10_000), Value: 90 },
      { MetricName: 'CPUUtilization', Dimensions: dims, Timestamp: new Date(minute(2) + 40_000), Value: 100 },
      { MetricName: 'CPUUtilization', Dimensions: dims, Timestamp: new Date(minute(1) + 20_000), Value: 91 },
    ] }));
    await srv.alarms.evaluateAll(now);
    const alarmArn = `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`;
    const reason = `Threshold Crossed: 2 out of the last 2 datapoints [91.0 (${awsReasonTime(minute(1))}), 95.0 (${awsReasonTime(minute(2))})] were greater than the threshold (80.0) (minimum 2 datapoints for INSUFFICIENT_DATA -> ALARM transition).`;

    // The HTTP receiver gets the SNS envelope with the alarm JSON as Message.
    const got = await hook.next(notification(name, 'ALARM'));
    const envelope = hook.json(got) as Record<string, string>;
    await verifier.verify(envelope);
    assert.equal(envelope.Type, 'Notification');
    assert.equal(envelope.TopicArn, topic);
    const msg = JSON.parse(envelope.Message) as AlarmMessage;
    assert.equal(msg.AlarmName, name);
    assert.equal(msg.AlarmDescription, 'web tier CPU');
    assert.equal(msg.AWSAccountId, '000000000000');
    assert.equal(msg.NewStateValue, 'ALARM');
    assert.equal(msg.OldStateValue, 'INSUFFICIENT_DATA');
    assert.equal(msg.NewStateReason, reason);
    assert.equal(msg.Region, REGION);
    assert.equal(msg.AlarmArn, alarmArn);
    assert.deepEqual([msg.AlarmActions, msg.OKActions], [[topic], [topic]]);
    assert.match(msg.StateChangeTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.deepEqual(msg.Trigger, {
      MetricName: 'CPUUtilization', Namespace: ns, StatisticType: 'Statistic', Statistic: 'AVERAGE', Unit: null,
      Dimensions: [{ value: 'i-0abc', name: 'InstanceId' }], Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanThreshold', Threshold: 80, TreatMissingData: 'missing', EvaluateLowSampleCountPercentile: '',
    });
    assert.match(envelope.Message, /"Threshold":80\.0/, 'numbers printed as AWS does (Java doubles)');

    // The email: AWS's subject, CloudWatch's alarm email text.
    const mail = await smtp.next(mailTo('oncall@example.test', `ALARM: "${name}" in ${REGION}`));
    const lines = mail.text.split('\n');
    assert.ok(lines[0].startsWith(`You are receiving this email because your Amazon CloudWatch Alarm "${name}" in the ${REGION} region has entered the ALARM state, because "${reason}" at "`), lines[0]);
    for (const l of ['- State Change:               INSUFFICIENT_DATA -> ALARM', `- Alarm Arn:                  ${alarmArn}`, '- Statistic:                           Average']) {
      assert.ok(lines.includes(l), `missing line ${JSON.stringify(l)} in\n${mail.text}`);
    }
    const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: 'Action' }));
    assert.deepEqual(history.AlarmHistoryItems!.map((h) => h.HistorySummary), [`Successfully executed action ${topic}`]);

    // A minute later the CPU is back to 10: 1 of the last 2 breaches, under DatapointsToAlarm → OK, notified the same way.
    await cw.send(new PutMetricDataCommand({ Namespace: ns, MetricData: [{ MetricName: 'CPUUtilization', Dimensions: dims, Timestamp: new Date(minute(0) + 5_000), Value: 10 }] }));
    await srv.alarms.evaluateAll(now + MIN);
    assert.equal((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms![0].StateValue, 'OK');
    const ok = JSON.parse((hook.json(await hook.next(notification(name, 'OK'))) as { Message: string }).Message) as AlarmMessage;
    assert.deepEqual([ok.OldStateValue, ok.NewStateValue], ['ALARM', 'OK']);
    assert.equal(ok.NewStateReason, `Threshold Crossed: 1 out of the last 2 datapoints [10.0 (${awsReasonTime(minute(0))})] was not greater than the threshold (80.0) (minimum 1 datapoint for ALARM -> OK transition).`);
    const okMail = await smtp.next(mailTo('oncall@example.test', `OK: "${name}" in ${REGION}`));
    assert.ok(okMail.text.includes('- State Change:               ALARM -> OK'), okMail.text);
    assert.equal(hook.requests.filter(notification(name, 'ALARM')).length, 1, 'one delivery per transition');
  });
});
