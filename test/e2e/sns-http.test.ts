/**
 * SNS over HTTP/S and Slack-compatible webhooks, end to end: the AWS SDK for JS v3 (SNS client,
 * awsQuery) drives a Trailwatch server in this process; real HTTP receivers on 127.0.0.1 get the
 * deliveries. Oracles: the SNS developer guide pages "HTTP/HTTPS headers", "HTTP/HTTPS subscription
 * confirmation JSON format", "HTTP/HTTPS notification JSON format", "Verifying the signatures of
 * Amazon SNS messages", "Amazon SNS raw message delivery", "Amazon SNS message delivery retries"
 * (2xx delivered; other answers below 500 not retried; 5xx retried by the delivery policy).
 * Signatures are checked with src/sources/import/sns-signature.ts (written independently against
 * the same guide) and the certificate with openssl.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, ListSubscriptionsByTopicCommand, GetSubscriptionAttributesCommand,
  SetSubscriptionAttributesCommand, ConfirmSubscriptionCommand, GetTopicAttributesCommand, UnsubscribeCommand, DeleteTopicCommand,
  ListTopicsCommand, SetTopicAttributesCommand, ListSubscriptionsCommand,
} from '@aws-sdk/client-sns';
import { startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { SnsVerifier } from '../../src/sources/import/sns-signature.js';
import { HttpReceiver, type Received } from './sns-receivers.js';

const exec = promisify(execFile);
let srv: TestServer;
let sns: SNSClient;
let hook: HttpReceiver;
let slack: HttpReceiver;
let verifier: SnsVerifier;
let token = '';

before(async () => {
  const dataDir = tempDir('tw-sns-http-');
  // Small retry delays so the retry tests finish quickly (notify.json; the API's DeliveryPolicy takes whole seconds).
  writeFileSync(join(dataDir, 'notify.json'), JSON.stringify({ deliveryPolicy: { http: { numRetries: 3, minDelayTarget: 0.05, maxDelayTarget: 0.2 } } }));
  srv = await startTestServer({ dataDir });
  sns = new SNSClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  hook = await HttpReceiver.start('/sns');
  slack = await HttpReceiver.start('/services/T000/B000/XXXX');
  verifier = new SnsVerifier({ certHosts: [new URL(srv.url).host] });
  const r = await fetch(`${srv.url}/api/v1/session`, { method: 'POST', body: JSON.stringify(TEST_KEY) });
  token = ((await r.json()) as { token: string }).token;
});
after(async () => {
  sns?.destroy();
  await hook?.close();
  await slack?.close();
  await srv?.cleanup();
});

const byType = (type: string, extra: (r: Received) => boolean = () => true) => (r: Received) => r.headers['x-amz-sns-message-type'] === type && extra(r);

async function deliveries(q = ''): Promise<{ deliveries: Array<Record<string, unknown>>; counters: Record<string, number> }> {
  const r = await fetch(`${srv.url}/api/v1/notifications/deliveries${q}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  return r.json() as Promise<{ deliveries: Array<Record<string, unknown>>; counters: Record<string, number> }>;
}

/** A delivery's final state, waited for through the read API (the worker records it before answering). */
async function settled(messageId: string): Promise<Record<string, unknown>> {
  for (;;) {
    const d = (await deliveries(`?messageId=${messageId}`)).deliveries[0];
    if (d && d.status !== 'pending') return d;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('topics (SDK v3)', () => {
  it('CreateTopic is idempotent by name and GetTopicAttributes answers SNS attributes', async () => {
    const a = await sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' }, Tags: [{ Key: 'team', Value: 'ops' }] }));
    assert.equal(a.TopicArn, 'arn:aws:sns:us-east-1:000000000000:orders');
    const b = await sns.send(new CreateTopicCommand({ Name: 'orders' }));
    assert.equal(b.TopicArn, a.TopicArn);
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn }))).Attributes!;
    assert.equal(attrs.TopicArn, a.TopicArn);
    assert.equal(attrs.DisplayName, 'Orders');
    assert.equal(attrs.Owner, '000000000000');
    assert.equal(attrs.SubscriptionsConfirmed, '0');
    const effective = JSON.parse(attrs.EffectiveDeliveryPolicy!) as { http: { defaultHealthyRetryPolicy: { numRetries: number }; defaultRequestPolicy: { headerContentType: string } } };
    assert.equal(effective.http.defaultHealthyRetryPolicy.numRetries, 3);
    assert.equal(effective.http.defaultRequestPolicy.headerContentType, 'text/plain; charset=UTF-8');
    assert.ok(JSON.parse(attrs.Policy!).Statement[0].Action.includes('SNS:Publish'));
    await assert.rejects(sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Other' } })),
      (e: Error & { name: string }) => e.name === 'InvalidParameterException' && /already exists with different attributes/.test(e.message));
    const topics = (await sns.send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn);
    assert.ok(topics.includes(a.TopicArn));
  });

  it('answers SNS errors: NotFound, InvalidParameter naming the parameter, refused attributes', async () => {
    await assert.rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope' })),
      (e: Error & { name: string; $metadata: { httpStatusCode?: number } }) => e.name === 'NotFoundException' && e.message === 'Topic does not exist' && e.$metadata.httpStatusCode === 404);
    await assert.rejects(sns.send(new CreateTopicCommand({ Name: 'bad name!' })), (e: Error & { name: string }) => e.name === 'InvalidParameterException' && e.message === 'Invalid parameter: Topic Name');
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: 'not-an-arn', Message: 'x' })), (e: Error) => e.message === 'Invalid parameter: TopicArn');
    const t = (await sns.send(new CreateTopicCommand({ Name: 'errs' }))).TopicArn!;
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: t, Message: '' })), (e: Error) => e.message === 'Invalid parameter: Empty message');
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: t, Message: 'x', Subject: 'line\nbreak' })), (e: Error) => e.message === 'Invalid parameter: Subject');
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: t, Message: 'x'.repeat(262_145) })), (e: Error) => e.message === 'Invalid parameter: Message too long');
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: t, Message: '{"http":"x"}', MessageStructure: 'json' })),
      (e: Error) => e.message === 'Invalid parameter: Message Structure - No default entry in JSON message body');
    await assert.rejects(sns.send(new SubscribeCommand({ TopicArn: t, Protocol: 'carrier-pigeon', Endpoint: 'x' })),
      (e: Error) => e.message === 'Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon');
    await assert.rejects(sns.send(new SubscribeCommand({ TopicArn: t, Protocol: 'https', Endpoint: 'http://127.0.0.1/x' })),
      (e: Error) => e.message === 'Invalid parameter: Endpoint must match the specified protocol');
    await assert.rejects(sns.send(new SubscribeCommand({ TopicArn: t, Protocol: 'email', Endpoint: 'ops@example.com' })),
      (e: Error) => /SMTP relay/.test(e.message), 'email without a relay is refused, not accepted and never delivered');
    await assert.rejects(sns.send(new SetTopicAttributesCommand({ TopicArn: t, AttributeName: 'KmsMasterKeyId', AttributeValue: 'alias/x' })), (e: Error) => /not supported by Trailwatch/.test(e.message));
    await assert.rejects(sns.send(new SetTopicAttributesCommand({ TopicArn: t, AttributeName: 'Colour', AttributeValue: 'x' })), (e: Error) => e.message === 'Invalid parameter: AttributeName');
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:theirs', Message: 'x' })),
      (e: Error & { name: string }) => e.name === 'AuthorizationErrorException' && /is not authorized to perform: SNS:Publish/.test(e.message));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: t, Message: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } } })),
      (e: Error) => e.message === "Invalid parameter: Could not cast message attribute 'n' value to number.");
    // MaximumMessageSize (large-message-payloads): honoured up to 256 KiB; above, SNS delivers only to SQS/Lambda/Firehose.
    await sns.send(new SetTopicAttributesCommand({ TopicArn: t, AttributeName: 'MaximumMessageSize', AttributeValue: '2048' }));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: t, Message: 'x'.repeat(2049) })), (e: Error) => e.message === 'Invalid parameter: Message too long');
    await assert.rejects(sns.send(new SetTopicAttributesCommand({ TopicArn: t, AttributeName: 'MaximumMessageSize', AttributeValue: '1048576' })), (e: Error) => /not supported by Trailwatch/.test(e.message));
    await assert.rejects(sns.send(new SetTopicAttributesCommand({ TopicArn: t, AttributeName: 'MaximumMessageSize', AttributeValue: '12' })), (e: Error) => /MaximumMessageSize/.test(e.message));
    // DeleteTopic is idempotent (DeleteTopic API reference).
    await sns.send(new DeleteTopicCommand({ TopicArn: t }));
    await sns.send(new DeleteTopicCommand({ TopicArn: t }));
  });
});

describe('HTTP/S subscriptions', () => {
  let topicArn = '';
  let subArn = '';

  it('sends a signed SubscriptionConfirmation; visiting SubscribeURL confirms', async () => {
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
    const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: hook.url }));
    assert.equal(sub.SubscriptionArn, 'pending confirmation');
    const listed = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
    assert.deepEqual(listed.map((s) => [s.SubscriptionArn, s.Protocol, s.Endpoint]), [['PendingConfirmation', 'http', hook.url]]);

    const conf = await hook.next(byType('SubscriptionConfirmation', (r) => r.headers['x-amz-sns-topic-arn'] === topicArn));
    assert.equal(conf.headers['x-amz-sns-topic-arn'], topicArn);
    assert.match(String(conf.headers['x-amz-sns-message-id']), /^[0-9a-f-]{36}$/);
    assert.equal(conf.headers['content-type'], 'text/plain; charset=UTF-8');
    const body = hook.json(conf);
    assert.deepEqual(Object.keys(body), ['Type', 'MessageId', 'Token', 'TopicArn', 'Message', 'SubscribeURL', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL']);
    assert.equal(body.Type, 'SubscriptionConfirmation');
    assert.equal(body.MessageId, conf.headers['x-amz-sns-message-id']);
    assert.equal(body.Message, `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`);
    assert.equal(body.SignatureVersion, '1');
    await verifier.verify(body);
    // A tampered message does not verify.
    await assert.rejects(verifier.verify({ ...body, Token: 'x' + String(body.Token) }));

    const visit = await fetch(String(body.SubscribeURL));
    assert.equal(visit.status, 200);
    const xml = await visit.text();
    assert.match(xml, /<ConfirmSubscriptionResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:us-east-1:000000000000:alerts:[0-9a-f-]{36}<\/SubscriptionArn>/);
    subArn = /<SubscriptionArn>([^<]+)</.exec(xml)![1];
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subArn }))).Attributes!;
    assert.equal(attrs.PendingConfirmation, 'false');
    assert.equal(attrs.ConfirmationWasAuthenticated, 'false');
    assert.equal(attrs.RawMessageDelivery, 'false');
    // ConfirmSubscription with the token again answers the same subscription (idempotent).
    const again = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: String(body.Token) }));
    assert.equal(again.SubscriptionArn, subArn);
    await assert.rejects(sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: 'bogus' })), (e: Error) => e.message === 'Invalid parameter: Token');
  });

  it('serves a real X.509 certificate at SigningCertURL (openssl reads it)', async () => {
    const conf = await hook.next(byType('SubscriptionConfirmation'));
    const url = String(hook.json(conf).SigningCertURL);
    assert.match(url, /\/SimpleNotificationService-[0-9a-f]+\.pem$/);
    const pem = await (await fetch(url)).text();
    const dir = tempDir('tw-sns-cert-');
    writeFileSync(join(dir, 'cert.pem'), pem);
    const { stdout } = await exec('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-subject', '-text']);
    assert.match(stdout, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(stdout, /Public-Key: \(2048 bit\)/);
  });

  it('delivers Notifications in SNS JSON with Subject, MessageAttributes and UnsubscribeURL', async () => {
    const pub = await sns.send(new PublishCommand({
      TopicArn: topicArn, Subject: 'Disk full', Message: 'volume /data is 98% full',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' }, count: { DataType: 'Number', StringValue: '3' } },
    }));
    const n = await hook.next(byType('Notification', (r) => r.headers['x-amz-sns-message-id'] === pub.MessageId));
    assert.equal(n.headers['x-amz-sns-subscription-arn'], subArn);
    assert.equal(n.headers['x-amz-sns-topic-arn'], topicArn);
    assert.equal(n.headers['user-agent'], 'Amazon Simple Notification Service Agent');
    const body = hook.json(n);
    assert.deepEqual(Object.keys(body), ['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL', 'MessageAttributes']);
    assert.equal(body.Message, 'volume /data is 98% full');
    assert.equal(body.Subject, 'Disk full');
    assert.match(String(body.Timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(body.MessageAttributes, { severity: { Type: 'String', Value: 'high' }, count: { Type: 'Number', Value: '3' } });
    assert.equal(body.UnsubscribeURL, `${srv.url}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subArn)}`);
    await verifier.verify(body);
    // SNS lays the document out as `"Name" : value` with two-space indents.
    assert.match(n.body, /^\{\n {2}"Type" : "Notification",\n/);
  });

  it('signs with SHA256withRSA when the topic asks for SignatureVersion 2', async () => {
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
    const pub = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'v2 signed' }));
    const body = hook.json(await hook.next((r) => r.headers['x-amz-sns-message-id'] === pub.MessageId));
    assert.equal(body.SignatureVersion, '2');
    assert.equal('Subject' in body, false, 'no Subject member when none was published');
    await verifier.verify(body);
  });

  it('MessageStructure=json picks the protocol\'s message', async () => {
    const pub = await sns.send(new PublishCommand({ TopicArn: topicArn, MessageStructure: 'json', Message: JSON.stringify({ default: 'plain', http: 'for http', email: 'for email' }) }));
    const body = hook.json(await hook.next((r) => r.headers['x-amz-sns-message-id'] === pub.MessageId));
    assert.equal(body.Message, 'for http');
  });

  it('RawMessageDelivery sends the bare message', async () => {
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' }));
    const pub = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: '{"raw":true}', Subject: 'ignored in raw' }));
    const n = await hook.next((r) => r.headers['x-amz-sns-message-id'] === pub.MessageId);
    assert.equal(n.body, '{"raw":true}');
    assert.equal(n.headers['x-amz-sns-rawdelivery'], 'true');
    await assert.rejects(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'yes' })),
      (e: Error) => e.message === 'Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [yes]. Must be true or false.');
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'false' }));
  });

  it('retries a failing endpoint with backoff and delivers once it recovers (nothing lost)', async () => {
    hook.failures = 2;
    const before = hook.requests.length;
    const pub = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'after two failures' }));
    const d = await settled(pub.MessageId!);
    assert.equal(d.status, 'delivered');
    const attempts = d.attempts as Array<{ ok: boolean; status?: number; at: number; error?: string }>;
    assert.deepEqual(attempts.map((a) => [a.ok, a.status]), [[false, 500], [false, 500], [true, 200]]);
    assert.ok(attempts[1].at > attempts[0].at && attempts[2].at > attempts[1].at);
    const got = hook.requests.slice(before).filter((r) => r.headers['x-amz-sns-message-id'] === pub.MessageId);
    assert.equal(got.length, 3);
    // Every attempt carries the same MessageId and the same document (SNS: retries reuse the message id).
    assert.equal(new Set(got.map((r) => r.body)).size, 1);
  });

  it('dead-letters after the retry budget, and does not retry 4xx answers', async () => {
    hook.down = true;
    const pub = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'never lands' }));
    const d = await settled(pub.MessageId!);
    hook.down = false;
    assert.equal(d.status, 'dead');
    assert.equal((d.attempts as unknown[]).length, 4, 'the first attempt and numRetries=3 retries');
    const dead = await deliveries('?status=dead');
    assert.ok(dead.deliveries.some((x) => x.messageId === pub.MessageId));
    assert.ok(dead.counters.deadLettered >= 1);

    hook.failures = 1;
    hook.failStatus = 404;
    const pub2 = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'refused' }));
    const d2 = await settled(pub2.MessageId!);
    hook.failStatus = 500;
    assert.equal(d2.status, 'rejected');
    assert.equal((d2.attempts as unknown[]).length, 1);

    // "Amazon SNS considers all 5XX errors and 429 (too many requests sent) errors as retryable."
    hook.failures = 1;
    hook.failStatus = 429;
    const pub3 = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'slow down' }));
    const d3 = await settled(pub3.MessageId!);
    hook.failStatus = 500;
    assert.equal(d3.status, 'delivered');
    assert.deepEqual((d3.attempts as Array<{ status?: number }>).map((a) => a.status), [429, 200]);
  });

  it('a subscription DeliveryPolicy sets its retries', async () => {
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'DeliveryPolicy', AttributeValue: JSON.stringify({ healthyRetryPolicy: { numRetries: 0, minDelayTarget: 1, maxDelayTarget: 1 } }) }));
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subArn }))).Attributes!;
    const effective = JSON.parse(attrs.EffectiveDeliveryPolicy!) as { healthyRetryPolicy: { numRetries: number }; throttlePolicy: unknown };
    assert.equal(effective.healthyRetryPolicy.numRetries, 0);
    assert.equal(effective.throttlePolicy, null);
    hook.failures = 1;
    const pub = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'one shot' }));
    const d = await settled(pub.MessageId!);
    assert.equal(d.status, 'dead');
    assert.equal((d.attempts as unknown[]).length, 1);
    await assert.rejects(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'DeliveryPolicy', AttributeValue: JSON.stringify({ healthyRetryPolicy: { minDelayTarget: 0 } }) })),
      (e: Error) => /minDelayTarget/.test(e.message));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'DeliveryPolicy', AttributeValue: '' }));
  });

  it('a throttle policy spaces deliveries to a subscription (maxReceivesPerSecond)', async () => {
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'DeliveryPolicy', AttributeValue: JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 4 } }) }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await sns.send(new PublishCommand({ TopicArn: topicArn, Message: `throttled ${i}` }))).MessageId!);
    const starts: number[] = [];
    for (const id of ids) starts.push(((await settled(id)).attempts as Array<{ at: number }>)[0].at);
    starts.sort((a, b) => a - b);
    // A lower bound only: the throttle can make deliveries slower, never faster.
    assert.ok(starts[1] - starts[0] >= 249 && starts[2] - starts[1] >= 249, JSON.stringify(starts));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'DeliveryPolicy', AttributeValue: '' }));
  });

  it('visiting UnsubscribeURL removes the subscription; later messages are not sent', async () => {
    const pub = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'last one' }));
    const body = hook.json(await hook.next((r) => r.headers['x-amz-sns-message-id'] === pub.MessageId));
    const r = await fetch(String(body.UnsubscribeURL));
    assert.equal(r.status, 200);
    assert.match(await r.text(), /<UnsubscribeResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><ResponseMetadata>/);
    const left = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
    assert.equal(left.length, 0);
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes!;
    assert.equal(attrs.SubscriptionsDeleted, '1');
    await assert.rejects(sns.send(new UnsubscribeCommand({ SubscriptionArn: subArn })), (e: Error & { name: string }) => e.name === 'NotFoundException');

    // The endpoint is told, with a link that restores the subscription (UnsubscribeConfirmation).
    const bye = await hook.next(byType('UnsubscribeConfirmation'));
    assert.equal(bye.headers['x-amz-sns-subscription-arn'], subArn);
    const u = hook.json(bye);
    assert.deepEqual(Object.keys(u), ['Type', 'MessageId', 'Token', 'TopicArn', 'Message', 'SubscribeURL', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL']);
    assert.equal(u.Message, `You have chosen to deactivate subscription ${subArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`);
    await verifier.verify(u);
    const restore = await fetch(String(u.SubscribeURL));
    assert.equal(restore.status, 200);
    assert.ok((await restore.text()).includes(`<SubscriptionArn>${subArn}</SubscriptionArn>`));
    const back = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
    assert.deepEqual(back.map((x) => x.SubscriptionArn), [subArn]);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subArn }));
    const bye2 = hook.json(await hook.nth(byType('UnsubscribeConfirmation'), 2));

    // Subscribed again since: the old restore link answers the live subscription instead of adding a twin.
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: hook.url }));
    const again = hook.json(await hook.nth(byType('SubscriptionConfirmation', (r) => r.headers['x-amz-sns-topic-arn'] === topicArn), 2));
    assert.equal((await fetch(String(again.SubscribeURL))).status, 200);
    const live = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
    assert.equal(live.length, 1);
    const restored = await fetch(String(bye2.SubscribeURL));
    assert.ok((await restored.text()).includes(`<SubscriptionArn>${live[0].SubscriptionArn}</SubscriptionArn>`));
    assert.equal((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!.length, 1);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: live[0].SubscriptionArn }));
    const quiet = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'to nobody' }));
    assert.match(quiet.MessageId!, /^[0-9a-f-]{36}$/);
    assert.equal((await deliveries(`?messageId=${quiet.MessageId}`)).deliveries.length, 0);
  });

  it('ListSubscriptions pages by 100', async () => {
    const t = (await sns.send(new CreateTopicCommand({ Name: 'many' }))).TopicArn!;
    for (let i = 0; i < 105; i++) await sns.send(new SubscribeCommand({ TopicArn: t, Protocol: 'slack', Endpoint: `${slack.url}?n=${i}` }));
    const p1 = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: t }));
    assert.equal(p1.Subscriptions!.length, 100);
    assert.ok(p1.NextToken);
    const p2 = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: t, NextToken: p1.NextToken }));
    assert.equal(p2.Subscriptions!.length, 5);
    assert.equal(p2.NextToken, undefined);
    const all = await sns.send(new ListSubscriptionsCommand({}));
    assert.equal(all.Subscriptions!.length, 100);
    // A webhook URL is a credential: lists show its origin only (GetSubscriptionAttributes has it whole).
    assert.ok(p1.Subscriptions!.every((x) => x.Endpoint === `${new URL(slack.url).origin}/…`), p1.Subscriptions![0].Endpoint);
    const full = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: p1.Subscriptions![0].SubscriptionArn }))).Attributes!;
    assert.match(full.Endpoint, new RegExp(`^${slack.url.replace(/[.?]/g, '\\$&')}\\?n=\\d+$`));
    await assert.rejects(sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: t, NextToken: Buffer.from('100').toString('base64') })), (e: Error) => e.message === 'Invalid parameter: NextToken');
    await sns.send(new DeleteTopicCommand({ TopicArn: t }));
  });
});

describe('HTTP basic authentication in the endpoint URL', () => {
  it('sends the credentials to the endpoint and shows ListSubscriptions the URL with the password masked', async () => {
    // SNS: "specify a username and password in the HTTPS URL ... https://user:password@domain.com"; HTTPS URLs are
    // only retrievable from GetSubscriptionAttributes.
    const t = (await sns.send(new CreateTopicCommand({ Name: 'basic-auth' }))).TopicArn!;
    const u = new URL(hook.url);
    const endpoint = `http://ops:s3cret@${u.host}/basic`;
    await sns.send(new SubscribeCommand({ TopicArn: t, Protocol: 'http', Endpoint: endpoint }));
    const conf = await hook.next(byType('SubscriptionConfirmation', (r) => r.headers['x-amz-sns-topic-arn'] === t));
    assert.equal(conf.headers.authorization, `Basic ${Buffer.from('ops:s3cret').toString('base64')}`);
    const listed = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: t }))).Subscriptions!;
    assert.deepEqual(listed.map((x) => x.Endpoint), [`http://ops:****@${u.host}/basic`]);
    const d = (await deliveries(`?topicArn=${encodeURIComponent(t)}`)).deliveries;
    assert.ok(d.length >= 1 && d.every((x) => !String(x.endpoint).includes('s3cret')));
    await sns.send(new DeleteTopicCommand({ TopicArn: t }));
  });
});

describe('Slack-compatible webhooks (Trailwatch protocol "slack")', () => {
  it('posts plain messages as {text} and alarms as a readable summary with blocks', async () => {
    const t = (await sns.send(new CreateTopicCommand({ Name: 'chatops' }))).TopicArn!;
    const sub = await sns.send(new SubscribeCommand({ TopicArn: t, Protocol: 'slack', Endpoint: slack.url }));
    assert.match(sub.SubscriptionArn!, /^arn:aws:sns:us-east-1:000000000000:chatops:/, 'a webhook subscription is confirmed at once');
    await assert.rejects(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' })),
      (e: Error) => e.message === 'Invalid parameter: Attributes Reason: Delivery protocol [slack] does not support raw message delivery.');

    const onSlack = (r: Received) => r.path === new URL(slack.url).pathname;
    await sns.send(new PublishCommand({ TopicArn: t, Subject: 'Deploy', Message: 'shipped <v2> & done' }));
    const plain = await slack.nth(onSlack, 1);
    assert.equal(plain.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(plain.body), { text: '*Deploy*\nshipped &lt;v2&gt; &amp; done' });

    // The SNS message CloudWatch publishes for an alarm (aws-facts.md §4.8).
    const alarm = {
      AlarmName: 'HighCPU', AlarmDescription: 'CPU above 50%', AWSAccountId: '000000000000', NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [55.0 (22/11/19 15:38:00)] was greater than the threshold (50.0).',
      StateChangeTime: '2019-11-22T15:43:51.730+0000', Region: 'US East (N. Virginia)', AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:HighCPU',
      OldStateValue: 'OK', OKActions: [], AlarmActions: [t], InsufficientDataActions: [],
      Trigger: { MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', StatisticType: 'Statistic', Statistic: 'AVERAGE', Unit: null, Dimensions: [{ value: 'i-1', name: 'InstanceId' }], Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1, ComparisonOperator: 'GreaterThanThreshold', Threshold: 50.0, TreatMissingData: 'missing', EvaluateLowSampleCountPercentile: '' },
    };
    await sns.send(new PublishCommand({ TopicArn: t, Subject: 'ALARM: "HighCPU" in US East (N. Virginia)', Message: JSON.stringify(alarm) }));
    const a = JSON.parse((await slack.nth(onSlack, 2)).body) as { text: string; blocks: Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }> };
    assert.match(a.text, /^:rotating_light: \*ALARM\*: "HighCPU" in US East \(N\. Virginia\)\nThreshold Crossed/);
    assert.equal(a.blocks[0].text!.text, ':rotating_light: *ALARM*: "HighCPU" in US East (N. Virginia)');
    const fields = a.blocks.find((b) => b.fields)!.fields!.map((f) => f.text);
    assert.ok(fields.includes('*State change*\nOK → ALARM'));
    assert.ok(fields.includes('*Metric*\nAWS/EC2 CPUUtilization'));
    assert.ok(fields.includes('*Threshold*\nGreaterThanThreshold 50.0'));

    // The read API does not reveal webhook URLs (they are credentials).
    const listed = await deliveries(`?subscriptionArn=${encodeURIComponent(sub.SubscriptionArn!)}`);
    assert.equal(listed.deliveries.length, 2);
    assert.ok(listed.deliveries.every((d) => d.endpoint === `${new URL(slack.url).origin}/…` && d.status === 'delivered'));
  });

  it('the read API needs credentials', async () => {
    const r = await fetch(`${srv.url}/api/v1/notifications/deliveries`);
    assert.ok(r.status === 401 || r.status === 403, String(r.status));
    const s = await fetch(`${srv.url}/api/v1/notifications/stats`, { headers: { authorization: `Bearer ${token}` } });
    const stats = await s.json() as Record<string, number>;
    assert.ok(stats.delivered >= 1 && typeof stats.outboxDepth === 'number');
  });
});
