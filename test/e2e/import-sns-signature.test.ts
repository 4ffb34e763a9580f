/**
 * SNS message signatures on S3 notifications delivered over HTTP/S (`POST /api/v1/import/notifications`).
 * Oracle: the SNS developer guide, "Verifying the signatures of Amazon SNS messages": the signed string is
 * `Name\nvalue\n` for Message, MessageId, Subject (if present), Timestamp, TopicArn, Type (notifications) or
 * Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type (confirmations); SignatureVersion 1 =
 * SHA1withRSA, 2 = SHA256withRSA; the certificate comes from SigningCertURL. The test plays SNS with its own
 * key and certificate (made by openssl), served from a local HTTP server the config allows.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let web: Server;
let host = '';
let key = '';
const confirmations: string[] = [];
const basic = `Basic ${Buffer.from(`${TEST_KEY.accessKeyId}:${TEST_KEY.secretAccessKey}`).toString('base64')}`;

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

before(async () => {
  const dir = tempDir('tw-sns-sig-');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=sns.amazonaws.com']);
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  const cert = readFileSync(join(dir, 'cert.pem'));
  web = createServer((req, res) => {
    if (req.url === '/SimpleNotificationService-test.pem') { res.writeHead(200, { 'content-type': 'application/x-pem-file' }); res.end(cert); return; }
    if (req.url?.startsWith('/confirm')) { confirmations.push(req.url); res.writeHead(200); res.end('<ConfirmSubscriptionResponse/>'); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
  host = `127.0.0.1:${(web.address() as AddressInfo).port}`;
  const dataDir = tempDir();
  writeFileSync(join(dataDir, 'import.json'), JSON.stringify({ notifications: { certHosts: [host], subscribeHosts: [host] } }));
  srv = await startTestServer({ dataDir });
});
after(async () => {
  await srv.cleanup();
  await new Promise<void>((r) => web.close(() => r()));
});

/** The canonical strings, written out as the SNS guide lists the fields. */
function canonical(m: Record<string, string>): string {
  if (m.Type === 'Notification') {
    return `Message\n${m.Message}\nMessageId\n${m.MessageId}\n${m.Subject !== undefined ? `Subject\n${m.Subject}\n` : ''}Timestamp\n${m.Timestamp}\nTopicArn\n${m.TopicArn}\nType\n${m.Type}\n`;
  }
  return `Message\n${m.Message}\nMessageId\n${m.MessageId}\nSubscribeURL\n${m.SubscribeURL}\nTimestamp\n${m.Timestamp}\nToken\n${m.Token}\nTopicArn\n${m.TopicArn}\nType\n${m.Type}\n`;
}

function signed(m: Record<string, string>, version: '1' | '2' = '2'): Record<string, string> {
  const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256').update(canonical(m)).sign(key, 'base64');
  return { ...m, SignatureVersion: version, Signature: signature, SigningCertURL: `http://${host}/SimpleNotificationService-test.pem` };
}

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${srv.url}/api/v1/import/notifications`, { method: 'POST', headers: { authorization: basic, 'content-type': 'text/plain; charset=UTF-8' }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() as Record<string, unknown> };
}

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:trail-notices';

test('a signed subscription confirmation is confirmed; a tampered or unsigned one is refused', { timeout: 60_000 }, async () => {
  const conf = { Type: 'SubscriptionConfirmation', MessageId: 'c1', Token: 'tok-1', TopicArn: TOPIC, Message: 'You have chosen to subscribe to the topic.', SubscribeURL: `http://${host}/confirm?Token=tok-1`, Timestamp: '2026-11-22T03:00:00.000Z' };
  const ok = await post(signed(conf));
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.confirmed, true);
  assert.deepEqual(confirmations, ['/confirm?Token=tok-1']);

  // Another SubscribeURL under the same signature: the check must fail before the URL is visited.
  const tampered = { ...signed(conf), SubscribeURL: `http://${host}/confirm?Token=evil` };
  const bad = await post(tampered);
  assert.equal(bad.status, 403);
  assert.equal(bad.json.__type, 'InvalidSignature');
  assert.match(String(bad.json.message), /does not match/);
  const unsigned = await post(conf);
  assert.equal(unsigned.status, 403);
  assert.equal(confirmations.length, 1, 'no refused message was acted on');
});

test('notifications: SignatureVersion 1 and 2, with and without Subject; the certificate host must be allowed', { timeout: 60_000 }, async () => {
  const test = { Type: 'Notification', MessageId: 'n1', TopicArn: TOPIC, Message: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'trail-logs' }), Timestamp: '2026-11-22T03:01:00.000Z' };
  for (const v of ['1', '2'] as const) {
    const r = await post(signed(test, v));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.kind, 'test');
  }
  const withSubject = await post(signed({ ...test, MessageId: 'n2', Subject: 'Amazon S3 Notification' }));
  assert.equal(withSubject.status, 200, JSON.stringify(withSubject.json));
  // The Subject is part of what is signed.
  const changed = await post({ ...signed({ ...test, MessageId: 'n3', Subject: 'a' }), Subject: 'b' });
  assert.equal(changed.status, 403);
  // A certificate anywhere else is not trusted, whatever it says.
  const elsewhere = await post({ ...signed(test), SigningCertURL: 'https://example.com/SimpleNotificationService-test.pem' });
  assert.equal(elsewhere.status, 403);
  assert.match(String(elsewhere.json.message), /not an SNS endpoint/);
  const version3 = await post({ ...signed(test), SignatureVersion: '3' });
  assert.equal(version3.status, 403);
  // Messages that are not SNS envelopes (EventBridge API destinations) are authenticated by credentials alone.
  const eb = await post({ version: '0', 'detail-type': 'Object Deleted', source: 'aws.s3', detail: { bucket: { name: 'b' }, object: { key: 'k' } } });
  assert.equal(eb.status, 200, JSON.stringify(eb.json));
});
