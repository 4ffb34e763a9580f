/**
 * Email and email-json subscriptions over real SMTP: Trailwatch (configured by notify.json) sends
 * through nodemailer to an smtp-server sink on 127.0.0.1, and the test reads the received mail.
 * Oracles: the SNS developer guide (email confirmation carries the confirm link; email-json gets the
 * same JSON documents as HTTP/S) and aws-facts.md §4.8 (alarm subject `ALARM: "<name>" in <region
 * long name>`, the alarm JSON as the SNS message; the email text is CloudWatch's alarm email).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, ConfirmSubscriptionCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { SnsVerifier } from '../../src/sources/import/sns-signature.js';
import { SmtpSink, type Mail } from './sns-receivers.js';

let srv: TestServer;
let sns: SNSClient;
let smtp: SmtpSink;
let topicArn = '';

before(async () => {
  smtp = await SmtpSink.start();
  const dataDir = tempDir('tw-sns-mail-');
  writeFileSync(join(dataDir, 'notify.json'), JSON.stringify({
    smtp: { url: smtp.url, from: 'Trailwatch Alerts <alerts@example.test>' },
    deliveryPolicy: { email: { minDelayTarget: 0.05, maxDelayTarget: 0.1, numRetries: 3, numMinDelayRetries: 0, numMaxDelayRetries: 0 } },
  }));
  srv = await startTestServer({ dataDir });
  sns = new SNSClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'ops-mail', Attributes: { DisplayName: 'Ops Alerts' } }))).TopicArn!;
});
after(async () => {
  sns?.destroy();
  await srv?.cleanup();
  await smtp?.close();
});

const to = (addr: string, pred: (m: Mail) => boolean = () => true) => (m: Mail) => m.to.includes(addr) && pred(m);

const ALARM = {
  AlarmName: 'HighCPU', AlarmDescription: 'CPU above 50%', AWSAccountId: '000000000000', AlarmConfigurationUpdatedTimestamp: '2019-11-22T15:30:00.000+0000',
  NewStateValue: 'ALARM', NewStateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [55.0 (22/11/19 15:38:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).',
  StateChangeTime: '2019-11-22T15:43:51.730+0000', Region: 'US East (N. Virginia)', AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:HighCPU',
  OldStateValue: 'OK', OKActions: [], AlarmActions: ['arn:aws:sns:us-east-1:000000000000:ops-mail'], InsufficientDataActions: [],
  Trigger: { MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', StatisticType: 'Statistic', Statistic: 'AVERAGE', Unit: null, Dimensions: [{ value: 'i-0abc', name: 'InstanceId' }], Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1, ComparisonOperator: 'GreaterThanThreshold', Threshold: 50.0, TreatMissingData: 'missing', EvaluateLowSampleCountPercentile: '' },
};

describe('email', () => {
  let unsubscribeLink = '';

  it('mails a confirmation link; following it confirms', async () => {
    const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'oncall@example.test' }));
    assert.equal(sub.SubscriptionArn, 'pending confirmation');
    const mail = await smtp.next(to('oncall@example.test'));
    assert.equal(mail.subject, 'AWS Notification - Subscription Confirmation');
    assert.equal(mail.from, 'alerts@example.test');
    assert.match(mail.headers.from, /^"?Ops Alerts"? <alerts@example\.test>$/, 'the topic DisplayName is the sender name');
    assert.ok(mail.text.includes(`You have chosen to subscribe to the topic:\n${topicArn}`));
    const link = /(http:\/\/\S+Action=ConfirmSubscription\S+)/.exec(mail.text)?.[1];
    assert.ok(link, mail.text);
    assert.ok(mail.html?.includes('Confirm subscription'));
    const r = await fetch(link);
    assert.equal(r.status, 200);
    const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
    assert.match(subs.find((s) => s.Endpoint === 'oncall@example.test')!.SubscriptionArn!, /^arn:aws:sns:us-east-1:000000000000:ops-mail:/);
  });

  it('mails notifications with the subject and an unsubscribe footer', async () => {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'Backup finished', Message: 'nightly backup: 42 GB in 13 min' }));
    const mail = await smtp.next(to('oncall@example.test', (m) => m.subject === 'Backup finished'));
    const [body, footer] = mail.text.split('\n\n--\n');
    assert.equal(body, 'nightly backup: 42 GB in 13 min');
    assert.match(footer, /^If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\nhttp:\/\/127\.0\.0\.1:\d+\/\?Action=Unsubscribe&SubscriptionArn=arn%3Aaws%3Asns/);
    unsubscribeLink = /(http:\/\/\S+Action=Unsubscribe\S+)/.exec(footer)![1];
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'no subject given' }));
    const plain = await smtp.next(to('oncall@example.test', (m) => m.text.startsWith('no subject given')));
    assert.equal(plain.subject, 'AWS Notification Message');
  });

  it('renders an alarm notification as CloudWatch\'s alarm email', async () => {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'ALARM: "HighCPU" in US East (N. Virginia)', Message: JSON.stringify(ALARM) }));
    const mail = await smtp.next(to('oncall@example.test', (m) => m.subject.startsWith('ALARM')));
    assert.equal(mail.subject, 'ALARM: "HighCPU" in US East (N. Virginia)');
    const lines = mail.text.split('\n');
    assert.equal(lines[0], 'You are receiving this email because your Amazon CloudWatch Alarm "HighCPU" in the US East (N. Virginia) region has entered the ALARM state, because "Threshold Crossed: 1 out of the last 1 datapoints [55.0 (22/11/19 15:38:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition)." at "Friday 22 November, 2019 15:43:51 UTC".');
    for (const l of [
      '- Name:                       HighCPU',
      '- State Change:               OK -> ALARM',
      '- Alarm Arn:                  arn:aws:cloudwatch:us-east-1:000000000000:alarm:HighCPU',
      '- The alarm is in the ALARM state when the metric is GreaterThanThreshold 50.0 for at least 1 of the last 1 period(s) of 300 seconds.',
      '- MetricName:                          CPUUtilization',
      '- Dimensions:                          [InstanceId = i-0abc]',
      '- Statistic:                           Average',
      '- ALARM: [arn:aws:sns:us-east-1:000000000000:ops-mail]',
    ]) assert.ok(lines.includes(l), `missing line ${JSON.stringify(l)} in\n${mail.text}`);
  });

  it('retries a relay that answers 451 and delivers the mail once', async () => {
    smtp.failures = 2;
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'Relay flaky', Message: 'third time lucky' }));
    const mail = await smtp.next(to('oncall@example.test', (m) => m.subject === 'Relay flaky'));
    assert.ok(mail.text.startsWith('third time lucky'));
    assert.equal(smtp.mails.filter((m) => m.subject === 'Relay flaky').length, 1);
  });

  it('the unsubscribe link ends the subscription', async () => {
    const r = await fetch(unsubscribeLink);
    assert.equal(r.status, 200);
    const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
    assert.equal(subs.filter((s) => s.Endpoint === 'oncall@example.test').length, 0);
  });
});

describe('email-json', () => {
  it('mails the SNS JSON documents; ConfirmSubscription with the token confirms', async () => {
    const verifier = new SnsVerifier({ certHosts: [new URL(srv.url).host] });
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email-json', Endpoint: 'robot@example.test' }));
    const conf = await smtp.next(to('robot@example.test'));
    const doc = JSON.parse(conf.text) as Record<string, string>;
    assert.equal(doc.Type, 'SubscriptionConfirmation');
    assert.equal(doc.TopicArn, topicArn);
    await verifier.verify(doc);
    const c = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: doc.Token, AuthenticateOnUnsubscribe: 'true' }));
    assert.match(c.SubscriptionArn!, /^arn:aws:sns:us-east-1:000000000000:ops-mail:/);

    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'json please', Message: 'payload' }));
    const n = await smtp.next(to('robot@example.test', (m) => m.subject === 'json please'));
    const body = JSON.parse(n.text) as Record<string, string>;
    assert.equal(body.Type, 'Notification');
    assert.equal(body.Message, 'payload');
    assert.equal(body.Subject, 'json please');
    await verifier.verify(body);
    // Confirmed with AuthenticateOnUnsubscribe=true: the anonymous link is refused.
    const r = await fetch(body.UnsubscribeURL);
    assert.equal(r.status, 403);
    assert.match(await r.text(), /<Code>AuthorizationError<\/Code>/);
  });
});
