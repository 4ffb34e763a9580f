/**
 * Message signing as SNS does it: an RSA key and a self-signed X.509 certificate served at
 * SigningCertURL; SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA, over SNS's canonical string
 * (`Name\nValue\n` pairs, in the documented order). Node cannot mint certificates, so the
 * certificate is encoded here in DER by hand (a handful of ASN.1 types); Node's X509Certificate
 * parses and verifies it in the tests. Key and certificate persist under `<data>/notify/` (0600).
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileDurably } from '../store/durable-file.js';

// ---------------------------------------------------------------- minimal DER

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const nul = (): Buffer => Buffer.from([0x05, 0x00]);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bitString = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const explicit = (n: number, body: Buffer): Buffer => tlv(0xa0 | n, body);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) stack.unshift(0x80 | (v & 0x7f));
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'));
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';

/** A self-signed X.509 v3 certificate (PEM) for `key`, valid for `days`. */
export function selfSignedCertificate(key: KeyObject, publicDer: Buffer, commonName: string, days = 3650, now = new Date()): string {
  const name = seq(set(seq(oid(ORGANIZATION), utf8('Trailwatch'))), set(seq(oid(COMMON_NAME), utf8(commonName))));
  const alg = seq(oid(SHA256_WITH_RSA), nul());
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    alg,
    name,
    seq(time(new Date(now.getTime() - 3600_000)), time(new Date(now.getTime() + days * 86400_000))),
    name,
    publicDer,
  );
  const der = seq(tbs, alg, bitString(sign('sha256', tbs, key)));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

// ---------------------------------------------------------------- signer

export interface Signer {
  /** The certificate file name served at `<publicUrl>/<certName>`. */
  certName: string;
  certPem: string;
  /** Base64 signature of the canonical string; version '1' = SHA1withRSA, '2' = SHA256withRSA. */
  sign(canonical: string, version: '1' | '2'): string;
}

/** Loads the signing key and certificate from `dir`, creating them on first start. */
export function openSigner(dir: string): Signer {
  const keyPath = join(dir, 'signing-key.pem');
  const certPath = join(dir, 'signing-cert.pem');
  let key: KeyObject;
  let certPem: string;
  if (existsSync(keyPath) && existsSync(certPath)) {
    key = createPrivateKey(readFileSync(keyPath, 'utf8'));
    certPem = readFileSync(certPath, 'utf8');
  } else {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = pair.privateKey;
    certPem = selfSignedCertificate(key, pair.publicKey.export({ type: 'spki', format: 'der' }), 'Trailwatch SNS-compatible notifications');
    // Key first: a crash before the certificate is written makes the next start mint both again.
    replaceFileDurably(keyPath, key.export({ type: 'pkcs8', format: 'pem' }) as string);
    replaceFileDurably(certPath, certPem);
  }
  // Named like SNS's certificates (SimpleNotificationService-<hash>.pem) so path checks that only look at the file name pass.
  const certName = `SimpleNotificationService-${createHash('sha256').update(certPem).digest('hex').slice(0, 32)}.pem`;
  return {
    certName,
    certPem,
    sign: (canonical, version) => sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(canonical, 'utf8'), key).toString('base64'),
  };
}

/**
 * SNS's string to sign: for Notification `Message, MessageId, Subject (if any), Timestamp, TopicArn, Type`;
 * for SubscriptionConfirmation and UnsubscribeConfirmation `Message, MessageId, SubscribeURL, Timestamp,
 * Token, TopicArn, Type` — each as `Name\nValue\n` (sns-verify-signature-of-message).
 */
export function canonicalString(m: Record<string, string | undefined>): string {
  const keys = m.Type === 'Notification'
    ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  let s = '';
  for (const k of keys) if (m[k] !== undefined) s += `${k}\n${m[k]}\n`;
  return s;
}
