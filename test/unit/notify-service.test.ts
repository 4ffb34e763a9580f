/**
 * The notification service as the alarm engine uses it (in process, no API caller): publish to a
 * topic reaches a real local HTTP receiver; the outbox carries a pending delivery across a
 * close/reopen; counters report outcomes and depth. Oracle: SNS Publish semantics (NotFound for
 * an unknown topic; one delivery per confirmed subscription; retries keep the MessageId).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { NotificationService, SnsError } from '../../src/notify/service.js';
import type { AppDeps } from '../../src/app/deps.js';
import { tempDir } from '../helpers/server.js';
import { HttpReceiver } from '../e2e/sns-receivers.js';

const caller = { region: 'us-east-1', principal: 'admin' };
/** The service only uses these members of AppDeps (the engine, stores and metrics belong to others). */
const depsFor = (dataDir: string) => ({ dataDir, log: pino({ level: 'silent' }), accountId: '000000000000', region: 'us-east-1' }) as unknown as AppDeps;

let hook: HttpReceiver;
after(async () => { await hook?.close(); });

async function confirmed(svc: NotificationService, topicArn: string, endpoint: string): Promise<string> {
  svc.subscribe(caller, topicArn, 'http', endpoint);
  const conf = await hook.next((r) => r.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation' && r.headers['x-amz-sns-topic-arn'] === topicArn);
  const body = hook.json(conf);
  return svc.confirmSubscription(undefined, topicArn, String(body.Token));
}

describe('NotificationService (in process)', () => {
  it('publish from the alarm engine reaches confirmed subscribers; unknown topics are NotFound', async () => {
    hook = await HttpReceiver.start('/svc');
    const dir = tempDir('tw-notify-svc-');
    writeFileSync(join(dir, 'notify.json'), JSON.stringify({ publicUrl: 'http://trailwatch.test:4566', deliveryPolicy: { http: { minDelayTarget: 0.02, maxDelayTarget: 0.02, numRetries: 50 } } }));
    let svc = await NotificationService.open(depsFor(dir));
    await assert.rejects(svc.publish({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope', Message: 'x' }), (e: SnsError) => e instanceof SnsError && e.code === 'NotFoundException');
    const topic = svc.createTopic(caller, 'alarms');
    const sub = await confirmed(svc, topic, hook.url);
    assert.match(sub, /^arn:aws:sns:us-east-1:000000000000:alarms:/);

    const { MessageId } = await svc.publish({ TopicArn: topic, Subject: 'ALARM: "x" in US East (N. Virginia)', Message: '{"AlarmName":"x"}' });
    const n = hook.json(await hook.next((r) => r.headers['x-amz-sns-message-id'] === MessageId));
    assert.equal(n.Subject, 'ALARM: "x" in US East (N. Virginia)');
    assert.equal(n.UnsubscribeURL, `http://trailwatch.test:4566/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(sub)}`, 'the configured public URL is used in links');
    assert.match(String(n.SigningCertURL), /^http:\/\/trailwatch\.test:4566\/SimpleNotificationService-[0-9a-f]+\.pem$/);

    // Down receiver: the delivery stays pending in the outbox across close and reopen, then lands once.
    hook.down = true;
    const m2 = (await svc.publish({ TopicArn: topic, Message: 'survives a restart' })).MessageId;
    await hook.nth((r) => r.headers['x-amz-sns-message-id'] === m2, 2);
    assert.equal(svc.counters().outboxDepth, 1);
    assert.ok(svc.counters().failedAttempts >= 1);
    await svc.close();
    hook.down = false;
    svc = await NotificationService.open(depsFor(dir));
    const landed = await hook.next((r) => r.headers['x-amz-sns-message-id'] === m2 && r.status === 200);
    assert.equal(hook.json(landed).Message, 'survives a restart');
    for (;;) { if (svc.counters().outboxDepth === 0) break; await new Promise((r) => setTimeout(r, 10)); }
    assert.equal(svc.counters().delivered, 1);
    assert.equal(svc.deliveries({ messageId: m2 })[0].status, 'delivered');
    assert.equal(hook.requests.filter((r) => r.headers['x-amz-sns-message-id'] === MessageId).length, 1, 'the first message was not sent again');
    await svc.close();
  });
});
