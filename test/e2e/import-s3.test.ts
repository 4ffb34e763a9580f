/**
 * Import from S3 and from S3 event notifications, against real S3- and SQS-compatible servers running here:
 * s3rver (an S3 server for Node) through the AWS SDK v3 S3 client, and fauxqs (an SQS/SNS emulator speaking
 * the SQS JSON protocol, in its own process) through the AWS SDK v3 SQS client. s3rver's own S3 event notifications (the AWS
 * `Records` shape) are forwarded into the SQS queue, as a bucket notification configuration would.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import S3rver from 's3rver';
import { startTestServer, tempDir, TEST_KEY, awsEnv, REPO_ROOT, type TestServer } from '../helpers/server.js';
import { ACCOUNTS, REGIONS, cloudTrailFile, cloudTrailTree, digestFile, vpcFlowFile, type LogFile } from '../fixtures/import/aws-logs.js';
import { api, countRows, duplicateRows, importCli, startCli } from '../fixtures/import/helpers.js';
import { parseAwsLogFileName } from '../../src/sources/file-names.js';

const NOW = Date.now();
const BUCKET = 'trail-logs';
const events = (files: LogFile[]) => files.reduce((n, f) => n + f.events, 0);
const suppressible = (files: LogFile[]) => files.reduce((n, f) => n + f.suppressible, 0);

let srv: TestServer;
let s3rver: { run(): Promise<AddressInfo>; close(): Promise<void>; on(e: string, f: (ev: unknown) => void): void };
let s3Url: string;
let s3: S3Client;
let fq: ChildProcess;
let sqsUrl: string;
let sqs: SQSClient;
const forward: { queueUrl?: string; prefix: string } = { prefix: 'live/' };

/** Messages in a queue: visible, in flight, delayed (SQS's approximate counts; exact on an emulator). */
async function depth(queueUrl: string): Promise<{ visible: number; inflight: number; delayed: number }> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }))).Attributes ?? {};
  return { visible: Number(a.ApproximateNumberOfMessages), inflight: Number(a.ApproximateNumberOfMessagesNotVisible), delayed: Number(a.ApproximateNumberOfMessagesDelayed) };
}

async function put(f: LogFile, prefix = '', metadata?: Record<string, string>): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: prefix + f.key, Body: f.body, Metadata: metadata }));
}

before(async () => {
  // s3rver checks signatures against its own key pairs: give it the test key, so one set of credentials serves both.
  const require = createRequire(import.meta.url);
  (require('s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } }).DUMMY_ACCOUNT.createKeyPair(TEST_KEY.accessKeyId, TEST_KEY.secretAccessKey);
  s3rver = new (S3rver as unknown as new (o: Record<string, unknown>) => typeof s3rver)({ port: 0, address: '127.0.0.1', directory: tempDir('tw-s3rver-'), silent: true });
  const addr = await s3rver.run();
  s3Url = `http://127.0.0.1:${addr.port}`;
  s3 = new S3Client({ endpoint: s3Url, region: 'us-east-1', forcePathStyle: true, credentials: TEST_KEY, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  fq = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/fixtures/import/fauxqs-child.ts')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: fq.stdout! }).once('line', resolve);
    fq.once('exit', (code) => reject(new Error(`fauxqs exited with ${code}`)));
  });
  sqsUrl = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
  sqs = new SQSClient({ endpoint: sqsUrl, region: 'us-east-1', credentials: TEST_KEY });
  // The bucket's notification configuration: ObjectCreated under live/ → the queue (s3rver emits AWS's event shape).
  s3rver.on('event', (ev) => {
    const key = (ev as { Records: { s3: { object: { key: string } } }[] }).Records[0].s3.object.key;
    if (forward.queueUrl && key.startsWith(forward.prefix)) void sqs.send(new SendMessageCommand({ QueueUrl: forward.queueUrl, MessageBody: JSON.stringify(ev) }));
  });

  // The server also reads S3 itself, for notifications delivered over HTTPS.
  process.env.AWS_ACCESS_KEY_ID = TEST_KEY.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = TEST_KEY.secretAccessKey;
  const dataDir = tempDir();
  // Unsigned SNS envelopes here: signature checking has its own suite (import-sns-signature.test.ts).
  writeFileSync(join(dataDir, 'import.json'), JSON.stringify({ s3: { endpoint: s3Url, region: 'us-east-1', forcePathStyle: true }, notifications: { subscribeHosts: [], verifySignatures: false } }));
  srv = await startTestServer({ dataDir });
});

after(async () => {
  await srv.cleanup();
  const exited = new Promise((r) => fq.once('exit', r));
  fq.kill('SIGTERM');
  await exited;
  await s3rver.close();
  s3.destroy();
  sqs.destroy();
});

describe('s3://bucket/prefix', () => {
  const files = cloudTrailTree({ end: NOW, days: 8, perDay: 1, records: 20, seed: 's3' });
  const flow = vpcFlowFile(ACCOUNTS[2], REGIONS[0], NOW, 4000, 's3');
  const digest = digestFile(ACCOUNTS[0], REGIONS[1], NOW);

  test('lists the AWS layout through the SDK, bounded by --since; the rest later; nothing twice', { timeout: 120_000 }, async () => {
    for (const f of [...files, flow]) await put(f, 'org/');
    await put(digest, 'org/', { signature: 'abc123', 'signature-algorithm': 'SHA256withRSA' });
    const since = NOW - 4 * 86_400_000;
    const recent = files.filter((f) => parseAwsLogFileName(f.key)!.time! >= since);
    const first = await importCli(srv.url, [`s3://${BUCKET}/org/`, '--endpoint-url', s3Url, '--since', '4d', '--concurrency', '4']);
    assert.equal(first.objects.imported, recent.length + 1);
    assert.equal(first.objects.keptAside, 1);
    assert.equal(first.events.received, events(recent) + flow.events);

    const all = await importCli(srv.url, [`s3://${BUCKET}/org/AWSLogs/`, '--endpoint-url', s3Url]);
    assert.equal(all.objects.imported, files.length - recent.length);
    assert.equal(all.objects.skipped, recent.length + 2);
    const again = await importCli(srv.url, [`s3://${BUCKET}/org`, '--endpoint-url', s3Url]);
    assert.equal(again.objects.imported, 0);
    assert.equal(again.objects.skipped, files.length + 2);

    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group LIKE '/aws/cloudtrail/%'"), events(files));
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group LIKE '%/suppressed'"), suppressible(files));
    assert.equal(await countRows(srv.store, 'events_vpcflow'), flow.events);
    assert.equal(await duplicateRows(srv.store, 'events_cloudtrail'), 0);
    // The digest is kept with its S3 signature metadata (what log file validation needs).
    const kept = join(srv.dataDir, 'digests', BUCKET, `org/${digest.key}`.replace(/\.gz$/, ''));
    assert.ok(existsSync(kept));
    const meta = JSON.parse(readFileSync(kept + '.meta.json', 'utf8')) as { metadata: Record<string, string> };
    assert.equal(meta.metadata.signature, 'abc123');
  });

  test('--poll lists again and picks up objects written later', { timeout: 120_000 }, async () => {
    const early = cloudTrailFile('313131313131', 'us-west-2', NOW, 10, 'poll1');
    const late = cloudTrailFile('313131313131', 'us-west-2', NOW - 300_000, 10, 'poll2');
    await put(early, 'poll/');
    const run = startCli(srv.url, ['--json', 'import', `s3://${BUCKET}/poll/`, '--endpoint-url', s3Url, '--poll', '--interval', '1s', '--max-polls', '4']);
    for (let i = 0; i < 200 && !srv.store.meta.groups.get('/aws/cloudtrail/313131313131'); i++) await new Promise((r) => setTimeout(r, 50));
    await put(late, 'poll/');
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { mode: string; objects: { imported: number } };
    assert.equal(s.mode, 'poll');
    assert.equal(s.objects.imported, 2);
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group LIKE '/aws/cloudtrail/313131313131%'"), 20);
  });
});

describe('SQS notifications', () => {
  test('S3, SNS-wrapped and EventBridge notifications; visibility extended; deleted after ack; dead letters', { timeout: 180_000 }, async () => {
    const q = await sqs.send(new CreateQueueCommand({ QueueName: 'imports' }));
    forward.queueUrl = q.QueueUrl!;
    const direct = [cloudTrailFile('515151515151', 'us-east-1', NOW, 30, 'sqs1'), cloudTrailFile('515151515151', 'us-east-1', NOW - 300_000, 30, 'sqs2')];
    // Large enough to take longer than the 1 s visibility timeout: only extension keeps it from being redelivered.
    const big = vpcFlowFile('515151515151', 'us-east-1', NOW, 60_000, 'sqsbig');
    for (const f of [...direct, big]) await put(f, 'live/');
    forward.queueUrl = undefined;
    const viaSns = cloudTrailFile('515151515151', 'eu-west-1', NOW, 25, 'sns');
    const viaEb = cloudTrailFile('515151515151', 'eu-west-1', NOW - 300_000, 25, 'eb');
    await put(viaSns, 'other/');
    await put(viaEb, 'other/');
    const s3Event = (key: string, size: number) => ({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventTime: new Date().toISOString(), eventName: 'ObjectCreated:Put', s3: { s3SchemaVersion: '1.0', configurationId: 'tw', bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size, sequencer: '0055AED6DCD90281E5' } } }] });
    const sns = { Type: 'Notification', MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324', TopicArn: 'arn:aws:sns:us-east-1:123456789012:s3-events', Subject: 'Amazon S3 Notification', Message: JSON.stringify(s3Event(`other/${viaSns.key}`, viaSns.body.length)), Timestamp: new Date().toISOString(), SignatureVersion: '1', Signature: 'EXAMPLE', SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem', UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe' };
    const eb = { version: '0', id: '17793124-05d4-b198-2fde-7ededc63b103', 'detail-type': 'Object Created', source: 'aws.s3', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [`arn:aws:s3:::${BUCKET}`], detail: { version: '0', bucket: { name: BUCKET }, object: { key: `other/${viaEb.key}`, size: viaEb.body.length, sequencer: '00617F0829' }, 'request-id': 'N4N7GDK58NMKJ12R', requester: '123456789012', reason: 'PutObject' } };
    for (const body of [sns, eb, { Service: 'Amazon S3', Event: 's3:TestEvent', Time: new Date().toISOString(), Bucket: BUCKET }, s3Event('live/missing/object.json.gz', 10)]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl!, MessageBody: JSON.stringify(body) }));
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl!, MessageBody: 'this is not a notification' }));
    // Let the forwarded S3 events land.
    for (let i = 0; i < 100 && (await depth(q.QueueUrl!)).visible < 8; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await depth(q.QueueUrl!)).visible, 8);

    const s = await importCli(srv.url, ['--sqs-queue-url', q.QueueUrl!, '--sqs-endpoint-url', sqsUrl, '--endpoint-url', s3Url, '--visibility-timeout', '1', '--max-receives', '2', '--wait-time', '1', '--idle-exit', '3s', '--concurrency', '4']);
    assert.equal(s.mode, 'sqs');
    assert.equal(s.objects.imported, 5, JSON.stringify(s));
    assert.equal(s.sqs!.deadLettered, 2, 'the missing object after 2 receives, the non-JSON body at once');
    assert.equal(s.sqs!.ignored, 1, 'the s3:TestEvent');
    assert.ok(s.sqs!.visibilityExtensions > 0, 'visibility extended while the big object was imported');
    // Every message but the failing one was received exactly once (the big one was never redelivered).
    assert.equal(s.sqs!.messages, 9);
    assert.equal(s.sqs!.deleted, 6);
    assert.deepEqual(await depth(q.QueueUrl!), { visible: 0, inflight: 0, delayed: 0 }, 'every message deleted');

    assert.equal(await countRows(srv.store, 'events_vpcflow', "log_stream = '515151515151_vpcflowlogs_us-east-1'"), big.events);
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group LIKE '/aws/cloudtrail/515151515151%'"), 110);
    const dl = await api(srv.url, '/api/v1/import/dead-letters');
    const letters = dl.json.deadLetters as { bucket: string; key: string; reason: string; attempts: number; source: string }[];
    const missing = letters.find((d) => d.key === 'live/missing/object.json.gz');
    assert.ok(missing, JSON.stringify(letters));
    assert.equal(missing.attempts, 2);
    assert.equal(missing.source, q.QueueUrl);
    assert.match(missing.reason, /NoSuchKey|not exist/i);
    assert.ok(letters.some((d) => d.bucket === 'sqs' && /not JSON/.test(d.reason)));
  });

  test('a message is not deleted when the server does not acknowledge the import', { timeout: 60_000 }, async () => {
    const failing: Server = createServer((req, res) => { req.resume(); res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"__type":"ServiceUnavailableException","message":"down"}'); });
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', () => r()));
    const q = await sqs.send(new CreateQueueCommand({ QueueName: 'unacked' }));
    const f = cloudTrailFile('616161616161', 'us-east-1', NOW, 5, 'unacked');
    await put(f, 'unacked/');
    await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl!, MessageBody: JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key: `unacked/${f.key}`, size: f.body.length } } }] }) }));
    const r = await startCli(`http://127.0.0.1:${(failing.address() as AddressInfo).port}`, ['--json', 'import', '--sqs-queue-url', q.QueueUrl!, '--sqs-endpoint-url', sqsUrl, '--endpoint-url', s3Url, '--visibility-timeout', '30', '--max-receives', '100', '--wait-time', '1', '--idle-exit', '2s'], awsEnv()).done;
    failing.close();
    const s = JSON.parse(r.stdout) as { sqs: { deleted: number; retried: number } };
    assert.equal(s.sqs.deleted, 0);
    assert.ok(s.sqs.retried >= 1);
    const left = await depth(q.QueueUrl!);
    assert.equal(left.visible + left.inflight + left.delayed, 1, 'the message stays in the queue');
  });
});

describe('notifications over HTTPS (SNS subscriptions, EventBridge API destinations)', () => {
  test('the server reads announced objects from S3; auth; subscription confirmation', { timeout: 60_000 }, async () => {
    const f = cloudTrailFile('717171717171', 'ap-southeast-2', NOW, 15, 'https');
    const g = cloudTrailFile('717171717171', 'ap-southeast-2', NOW - 300_000, 15, 'https2');
    await put(f, 'https/');
    await put(g, 'https/');
    const snsBody = { Type: 'Notification', MessageId: 'm1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:s3', Message: JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:CompleteMultipartUpload', s3: { bucket: { name: BUCKET }, object: { key: `https/${f.key}`, size: f.body.length } } }] }) };
    const basic = `Basic ${Buffer.from(`${TEST_KEY.accessKeyId}:${TEST_KEY.secretAccessKey}`).toString('base64')}`;
    const anon = await fetch(`${srv.url}/api/v1/import/notifications`, { method: 'POST', headers: { 'x-amz-sns-message-type': 'Notification' }, body: JSON.stringify(snsBody) });
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /Basic/);
    const r = await fetch(`${srv.url}/api/v1/import/notifications`, { method: 'POST', headers: { authorization: basic, 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' }, body: JSON.stringify(snsBody) });
    assert.equal(r.status, 200, await r.clone().text());
    const body = await r.json() as { kind: string; objects: { status: string; received: number }[] };
    assert.equal(body.kind, 's3');
    assert.equal(body.objects[0].status, 'imported');
    const eb = { version: '0', 'detail-type': 'Object Created', source: 'aws.s3', detail: { bucket: { name: BUCKET }, object: { key: `https/${g.key}`, size: g.body.length }, reason: 'PutObject' } };
    const e = await api(srv.url, '/api/v1/import/notifications', { method: 'POST', body: JSON.stringify(eb) });
    assert.equal(e.status, 200, JSON.stringify(e.json));
    assert.equal((e.json.objects as { status: string }[])[0].status, 'imported');
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group LIKE '/aws/cloudtrail/717171717171%'"), 30);
    // A SubscribeURL outside SNS is refused unless allowed in the config.
    const conf = { Type: 'SubscriptionConfirmation', TopicArn: 'arn:aws:sns:us-east-1:123456789012:s3', Token: 't', SubscribeURL: 'http://127.0.0.1:9/confirm' };
    const c = await fetch(`${srv.url}/api/v1/import/notifications`, { method: 'POST', headers: { authorization: basic }, body: JSON.stringify(conf) });
    assert.equal(c.status, 400);
    // A notification of a missing object is an error (SNS and EventBridge retry it).
    const missing = await api(srv.url, '/api/v1/import/notifications', { method: 'POST', body: JSON.stringify({ ...eb, detail: { ...eb.detail, object: { key: 'https/nope.json.gz' } } }) });
    assert.equal(missing.status, 502);
  });
});
