/**
 * The delivery outbox survives kill -9: a message whose endpoint is down when Trailwatch is killed
 * is delivered after the restart (nothing lost), and a message delivered before the kill is not
 * sent again (nothing sent twice). Oracle: SNS's delivery semantics (a published message is
 * retried by the delivery policy until delivered or the policy is spent; retries keep the MessageId).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand } from '@aws-sdk/client-sns';
import { spawnServer, tempDir, TEST_KEY, type ServerProcess } from '../helpers/server.js';
import { HttpReceiver, type Received } from './sns-receivers.js';

let hook: HttpReceiver | undefined;
const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await hook?.close();
});

function killHard(s: ServerProcess): Promise<void> {
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  process.kill(s.child.pid!, 'SIGKILL');
  if (s.enginePid) { try { process.kill(s.enginePid, 'SIGKILL'); } catch { /* gone with its parent */ } }
  return exited;
}

test('pending deliveries resume after kill -9; delivered ones are not sent again', { timeout: 180_000 }, async () => {
  hook = await HttpReceiver.start('/sns');
  const dataDir = tempDir('tw-sns-restart-');
  // Many quick retries, so the message stays pending across the crash.
  writeFileSync(join(dataDir, 'notify.json'), JSON.stringify({ deliveryPolicy: { http: { numRetries: 100, minDelayTarget: 0.05, maxDelayTarget: 0.2 } } }));
  let srv = await spawnServer(dataDir);
  servers.push(srv);
  let sns = new SNSClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'restart' }))).TopicArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: hook.url }));
  const conf = await hook.next((r) => r.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation');
  assert.equal((await fetch(String(hook.json(conf).SubscribeURL))).status, 200);

  const ok = (id: string) => (r: Received) => r.headers['x-amz-sns-message-id'] === id && r.status === 200;
  const any = (id: string) => (r: Received) => r.headers['x-amz-sns-message-id'] === id;

  const m1 = (await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'before the crash' }))).MessageId!;
  await hook.next(ok(m1));

  hook.down = true;
  const m2 = (await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'pending across the crash' }))).MessageId!;
  // At least two failed attempts, so attempts are being recorded when the process dies.
  await hook.nth(any(m2), 2);
  sns.destroy();
  await killHard(srv);
  const failedBefore = hook.requests.filter(any(m2)).length;

  hook.down = false;
  srv = await spawnServer(dataDir);
  servers.push(srv);
  sns = new SNSClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
  const delivered = await hook.next(ok(m2));
  assert.equal(hook.json(delivered).Message, 'pending across the crash');
  // A later message goes through the same worker: by the time it arrives, a wrongful resend of m1 would have too.
  const m3 = (await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'after the restart' }))).MessageId!;
  await hook.next(ok(m3));

  assert.equal(hook.requests.filter(ok(m1)).length, 1, 'm1 was delivered once, before the crash, and never again');
  assert.equal(hook.requests.filter(ok(m2)).length, 1, 'm2 was delivered exactly once');
  assert.equal(hook.requests.filter(any(m1)).length, 1);
  assert.ok(failedBefore >= 2, `failed before: ${failedBefore}`);

  // The record kept the attempts from before the crash.
  const session = await (await fetch(`${srv.url}/api/v1/session`, { method: 'POST', body: JSON.stringify(TEST_KEY) })).json() as { token: string };
  const r = await fetch(`${srv.url}/api/v1/notifications/deliveries?messageId=${m2}`, { headers: { authorization: `Bearer ${session.token}` } });
  const d = ((await r.json()) as { deliveries: Array<{ status: string; attempts: Array<{ ok: boolean }> }> }).deliveries[0];
  assert.equal(d.status, 'delivered');
  // A retry is scheduled only after the previous attempt is on disk, so the first failure was recorded
  // (the last one may have been cut by the kill: then it simply ran again).
  assert.ok(d.attempts.filter((a) => !a.ok).length >= 1, JSON.stringify(d));
  assert.equal(d.attempts.filter((a) => a.ok).length, 1);
  sns.destroy();
});
