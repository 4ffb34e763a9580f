/**
 * Verifies the signature SNS puts on every message it delivers over HTTP/S (Notification,
 * SubscriptionConfirmation, UnsubscribeConfirmation), as the SNS developer guide describes:
 * the canonical string is the message's own fields, each `Name\nvalue\n`, in a fixed order per type
 * (Subject only when present); SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA; the key is
 * the X.509 certificate at SigningCertURL, which must be an SNS endpoint (HTTPS on
 * `sns.<region>.amazonaws.com`) or a host the operator allowed. Certificates are cached per URL.
 */
import { X509Certificate, createVerify } from 'node:crypto';

export class SnsSignatureError extends Error {}

const SNS_TYPES = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);

const FIELDS: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** Whether a parsed body is an SNS envelope (and so must carry a valid signature). */
export function isSnsEnvelope(m: unknown): m is Record<string, unknown> {
  return typeof m === 'object' && m !== null && !Array.isArray(m) && SNS_TYPES.has(String((m as Record<string, unknown>).Type));
}

/** The string SNS signs for a message of this type. */
export function stringToSign(m: Record<string, unknown>): string {
  const type = String(m.Type);
  const fields = FIELDS[type];
  if (!fields) throw new SnsSignatureError(`Type ${type} is not an SNS message type`);
  let s = '';
  for (const f of fields) {
    const v = m[f];
    if (v === undefined || v === null) {
      if (f === 'Subject') continue;
      throw new SnsSignatureError(`The SNS message has no ${f}`);
    }
    if (typeof v !== 'string') throw new SnsSignatureError(`The SNS message field ${f} is not a string`);
    s += `${f}\n${v}\n`;
  }
  return s;
}

export interface SnsVerifierOptions {
  /** Extra hosts (host[:port]) SigningCertURL may point at, over HTTP or HTTPS; AWS's SNS hosts are always allowed over HTTPS. */
  certHosts?: string[];
}

const AWS_SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const MAX_CERTS = 100;

export class SnsVerifier {
  private readonly certs = new Map<string, Promise<X509Certificate>>();

  constructor(private readonly o: SnsVerifierOptions = {}) {}

  private certUrl(raw: unknown): URL {
    if (typeof raw !== 'string') throw new SnsSignatureError('The SNS message has no SigningCertURL');
    let u: URL;
    try { u = new URL(raw); } catch { throw new SnsSignatureError('SigningCertURL is not a URL'); }
    const aws = u.protocol === 'https:' && AWS_SNS_HOST.test(u.hostname) && u.pathname.endsWith('.pem');
    const allowed = (u.protocol === 'https:' || u.protocol === 'http:') && (this.o.certHosts ?? []).includes(u.host);
    if (!aws && !allowed) throw new SnsSignatureError(`SigningCertURL host ${u.host} is not an SNS endpoint (add it to notifications.certHosts to allow it)`);
    return u;
  }

  private cert(u: URL): Promise<X509Certificate> {
    const key = u.href;
    let p = this.certs.get(key);
    if (!p) {
      p = (async () => {
        const r = await fetch(u, { signal: AbortSignal.timeout(10_000) });
        if (!r.ok) throw new SnsSignatureError(`fetching the signing certificate returned HTTP ${r.status}`);
        try { return new X509Certificate(Buffer.from(await r.arrayBuffer())); } catch { throw new SnsSignatureError('the signing certificate is not a PEM X.509 certificate'); }
      })();
      // A failed fetch is not cached; the cache is bounded (SNS rotates few certificates).
      p.catch(() => this.certs.delete(key));
      if (this.certs.size >= MAX_CERTS) this.certs.delete(this.certs.keys().next().value!);
      this.certs.set(key, p);
    }
    return p;
  }

  /** Throws SnsSignatureError unless the message carries a valid SNS signature. */
  async verify(m: Record<string, unknown>): Promise<void> {
    const version = m.SignatureVersion;
    const algorithm = version === '1' ? 'RSA-SHA1' : version === '2' ? 'RSA-SHA256' : undefined;
    if (!algorithm) throw new SnsSignatureError(`SignatureVersion ${String(version)} is not supported (1 or 2)`);
    if (typeof m.Signature !== 'string' || !m.Signature) throw new SnsSignatureError('The SNS message is not signed');
    const text = stringToSign(m);
    const cert = await this.cert(this.certUrl(m.SigningCertURL));
    const now = Date.now();
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) throw new SnsSignatureError('the signing certificate is not valid now');
    const ok = createVerify(algorithm).update(text, 'utf8').verify(cert.publicKey, m.Signature, 'base64');
    if (!ok) throw new SnsSignatureError('The SNS message signature does not match its content');
  }
}
