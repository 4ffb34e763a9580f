/**
 * Message signing. Oracles: openssl (parses and verifies the hand-encoded X.509 certificate and
 * the signatures) and src/sources/import/sns-signature.ts's canonical string, written separately
 * from the SNS guide "Verifying the signatures of Amazon SNS messages".
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate, createVerify } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { canonicalString, openSigner } from '../../src/notify/signing.js';
import { stringToSign } from '../../src/sources/import/sns-signature.js';
import { tempDir } from '../helpers/server.js';

const exec = promisify(execFile);

describe('signing', () => {
  it('mints a self-signed X.509 v3 certificate that openssl accepts, and keeps it across restarts', async () => {
    const dir = tempDir('tw-notify-sig-');
    const s = openSigner(dir);
    const cert = new X509Certificate(s.certPem);
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.match(cert.subject, /CN=Trailwatch/);
    assert.ok(Date.parse(cert.validTo) > Date.now() + 365 * 86400_000);
    writeFileSync(join(dir, 'c.pem'), s.certPem);
    const { stdout } = await exec('openssl', ['verify', '-CAfile', join(dir, 'c.pem'), join(dir, 'c.pem')]);
    assert.match(stdout, /OK/);
    assert.equal(statSync(join(dir, 'signing-key.pem')).mode & 0o777, 0o600);
    const again = openSigner(dir);
    assert.equal(again.certPem, s.certPem);
    assert.equal(again.certName, s.certName);
    assert.equal(readFileSync(join(dir, 'signing-cert.pem'), 'utf8'), s.certPem);
  });

  it('signs SNS canonical strings with SHA1withRSA (v1) and SHA256withRSA (v2); openssl verifies', async () => {
    const dir = tempDir('tw-notify-sig-');
    const s = openSigner(dir);
    const msg = { Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Subject: 'S', Message: 'line1\nline2 ünïcode', Timestamp: '2026-01-01T00:00:00.000Z' };
    const canon = canonicalString(msg);
    assert.equal(canon, stringToSign(msg));
    assert.equal(canonicalString({ ...msg, Subject: undefined }), stringToSign({ ...msg, Subject: undefined }));
    const conf = { Type: 'SubscriptionConfirmation', MessageId: 'c', Token: 'tok', TopicArn: 'arn:x', Message: 'm', SubscribeURL: 'http://h/?a', Timestamp: 't' };
    assert.equal(canonicalString(conf), stringToSign(conf));
    const cert = new X509Certificate(s.certPem);
    for (const [v, alg] of [['1', 'RSA-SHA1'], ['2', 'RSA-SHA256']] as const) {
      const sig = s.sign(canon, v);
      assert.ok(createVerify(alg).update(canon, 'utf8').verify(cert.publicKey, sig, 'base64'));
      writeFileSync(join(dir, 'data'), canon);
      writeFileSync(join(dir, 'sig'), Buffer.from(sig, 'base64'));
      await exec('sh', ['-c', `openssl x509 -in "${join(dir, 'signing-cert.pem')}" -pubkey -noout > "${join(dir, 'pub.pem')}"`]);
      const { stdout } = await exec('openssl', ['dgst', v === '1' ? '-sha1' : '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'data')]);
      assert.match(stdout, /Verified OK/);
    }
  });
});
