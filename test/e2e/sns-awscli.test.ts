/**
 * SNS with the real AWS CLI (Debian's 2.x; the pip 1.x too when installed): create-topic,
 * subscribe, confirm-subscription, list-subscriptions-by-topic, publish (with message attributes,
 * which the CLI sends as `MessageAttributes.entry.N.Name/Value`), attributes, errors. Oracle: the
 * SNS API reference (operations, error codes NotFound/InvalidParameter) and the CLI's own error
 * format `An error occurred (<Code>) when calling the <Op> operation: <Message>`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { awsEnv, startTestServer, type TestServer } from '../helpers/server.js';
import { runAwsCli, type CliRun } from '../helpers/aws-cli.js';
import { HttpReceiver } from './sns-receivers.js';

const exec = promisify(execFile);
const CLIS: Array<[string, string]> = [['aws CLI 2.x', '/usr/bin/aws'], ['aws CLI 1.x', '/root/.pyenv/shims/aws']];
let srv: TestServer;
let hook: HttpReceiver;
const usable = new Set<string>();

before(async () => {
  srv = await startTestServer();
  hook = await HttpReceiver.start('/cli');
  for (const [, bin] of CLIS) {
    if (!existsSync(bin)) continue;
    try { await exec(bin, ['--version'], { env: awsEnv(), timeout: 60_000 }); usable.add(bin); } catch { /* not runnable here */ }
  }
});
after(async () => { await hook?.close(); await srv?.cleanup(); });

for (const [label, bin] of CLIS) {
  describe(label, () => {
    const aws = (args: string[]): Promise<CliRun> => runAwsCli(bin, srv.url, ['sns', ...args]);
    async function ok<T = Record<string, unknown>>(args: string[]): Promise<T> {
      const r = await aws(args);
      assert.equal(r.code, 0, `aws sns ${args.join(' ')}: ${r.stderr}`);
      return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
    }
    const name = label.includes('2.x') ? 'cli2' : 'cli1';

    it('topics, subscriptions and publish round-trip', async (t) => {
      if (!usable.has(bin)) { t.skip(`${bin} not runnable`); return; }
      const { TopicArn } = await ok<{ TopicArn: string }>(['create-topic', '--name', `${name}-topic`, '--attributes', 'DisplayName=Cli', '--tags', 'Key=env,Value=test']);
      assert.equal(TopicArn, `arn:aws:sns:us-east-1:000000000000:${name}-topic`);
      const sub = await ok<{ SubscriptionArn: string }>(['subscribe', '--topic-arn', TopicArn, '--protocol', 'http', '--notification-endpoint', `${hook.url}?${name}`]);
      assert.equal(sub.SubscriptionArn, 'pending confirmation');
      const conf = await hook.next((r) => r.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation' && r.path.endsWith(`?${name}`));
      const confirmed = await ok<{ SubscriptionArn: string }>(['confirm-subscription', '--topic-arn', TopicArn, '--token', String(hook.json(conf).Token)]);
      assert.match(confirmed.SubscriptionArn, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));

      const listed = await ok<{ Subscriptions: Array<Record<string, string>> }>(['list-subscriptions-by-topic', '--topic-arn', TopicArn]);
      assert.deepEqual(listed.Subscriptions, [{ SubscriptionArn: confirmed.SubscriptionArn, Owner: '000000000000', Protocol: 'http', Endpoint: `${hook.url}?${name}`, TopicArn }]);

      const attrs = await ok<{ Attributes: Record<string, string> }>(['get-topic-attributes', '--topic-arn', TopicArn]);
      assert.equal(attrs.Attributes.DisplayName, 'Cli');
      assert.equal(attrs.Attributes.SubscriptionsConfirmed, '1');
      const tags = await ok<{ Tags: unknown[] }>(['list-tags-for-resource', '--resource-arn', TopicArn]);
      assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'test' }]);

      const pub = await ok<{ MessageId: string }>(['publish', '--topic-arn', TopicArn, '--subject', 'from the cli', '--message', 'hello "world" & <friends>',
        '--message-attributes', JSON.stringify({ source: { DataType: 'String', StringValue: 'cli' }, n: { DataType: 'Number', StringValue: '7' } })]);
      const n = hook.json(await hook.next((r) => r.headers['x-amz-sns-message-id'] === pub.MessageId));
      assert.equal(n.Message, 'hello "world" & <friends>');
      assert.equal(n.Subject, 'from the cli');
      assert.deepEqual(n.MessageAttributes, { source: { Type: 'String', Value: 'cli' }, n: { Type: 'Number', Value: '7' } });

      await ok(['set-subscription-attributes', '--subscription-arn', confirmed.SubscriptionArn, '--attribute-name', 'RawMessageDelivery', '--attribute-value', 'true']);
      const sattrs = await ok<{ Attributes: Record<string, string> }>(['get-subscription-attributes', '--subscription-arn', confirmed.SubscriptionArn]);
      assert.equal(sattrs.Attributes.RawMessageDelivery, 'true');
      const raw = await ok<{ MessageId: string }>(['publish', '--topic-arn', TopicArn, '--message', 'raw body']);
      assert.equal((await hook.next((r) => r.headers['x-amz-sns-message-id'] === raw.MessageId)).body, 'raw body');

      const topics = await ok<{ Topics: Array<{ TopicArn: string }> }>(['list-topics']);
      assert.ok(topics.Topics.some((x) => x.TopicArn === TopicArn));
      await ok(['unsubscribe', '--subscription-arn', confirmed.SubscriptionArn]);
      await ok(['delete-topic', '--topic-arn', TopicArn]);
    });

    it('errors carry SNS codes and messages', async (t) => {
      if (!usable.has(bin)) { t.skip(`${bin} not runnable`); return; }
      let r = await aws(['get-topic-attributes', '--topic-arn', 'arn:aws:sns:us-east-1:000000000000:missing']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /An error occurred \(NotFound\) when calling the GetTopicAttributes operation: Topic does not exist/);
      r = await aws(['create-topic', '--name', 'no spaces allowed']);
      assert.match(r.stderr, /An error occurred \(InvalidParameter\) when calling the CreateTopic operation: Invalid parameter: Topic Name/);
      const { TopicArn } = await ok<{ TopicArn: string }>(['create-topic', '--name', `${name}-errs`]);
      r = await aws(['subscribe', '--topic-arn', TopicArn, '--protocol', 'sms', '--notification-endpoint', '+15555550100']);
      assert.match(r.stderr, /\(InvalidParameter\).*Trailwatch cannot deliver to protocol sms/);
      r = await aws(['publish', '--topic-arn', TopicArn, '--message', 'x', '--message-structure', 'json']);
      assert.match(r.stderr, /\(InvalidParameter\) when calling the Publish operation: Invalid parameter: Message Structure - JSON message body failed to parse/);
      r = await aws(['publish', '--topic-arn', 'arn:aws:sns:eu-west-1:000000000000:elsewhere', '--message', 'x']);
      assert.match(r.stderr, /\(InvalidParameter\) when calling the Publish operation: Invalid parameter: TopicArn/);
      r = await aws(['set-topic-attributes', '--topic-arn', TopicArn, '--attribute-name', 'DeliveryPolicy', '--attribute-value', '{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":10}}}']);
      assert.match(r.stderr, /\(InvalidParameter\).*Attributes Reason: DeliveryPolicy: http\.defaultHealthyRetryPolicy\.minDelayTarget must be less than or equal to maxDelayTarget/);
    });
  });
}
