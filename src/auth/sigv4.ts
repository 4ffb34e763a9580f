/**
 * AWS Signature Version 4 verification. The signature is recomputed with the same signing
 * library the AWS SDKs use (@smithy/signature-v4) over the headers the client says it signed,
 * then compared in constant time.
 */
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { type AccessKey, type AccessKeyStore, safeEqual } from './access-keys.js';
import { NodeSha256 } from './node-sha256.js';

/** AWS allows 15 minutes between the signing time and the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export class AuthError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) { super(message); }
}



export interface SignedRequestParts {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

interface ParsedAuth { accessKeyId: string; date: string; region: string; service: string; signedHeaders: string[]; signature: string }

function parseAuthorization(value: string): ParsedAuth {
  if (!value.startsWith('AWS4-HMAC-SHA256 ')) {
    throw new AuthError('IncompleteSignatureException', `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${value.split(' ')[0]}`);
  }
  const fields: Record<string, string> = {};
  for (const part of value.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  for (const need of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!fields[need]) throw new AuthError('IncompleteSignatureException', `Authorization header requires '${need}' parameter. Authorization=AWS4-HMAC-SHA256`);
  }
  const cred = fields.Credential.split('/');
  if (cred.length !== 5 || cred[4] !== 'aws4_request') {
    throw new AuthError('IncompleteSignatureException', `Credential should be scoped to a valid region. Credential=${fields.Credential.replace(/^[^/]*/, '')}`);
  }
  return { accessKeyId: cred[0], date: cred[1], region: cred[2], service: cred[3], signedHeaders: fields.SignedHeaders.split(';'), signature: fields.Signature };
}

function header(h: SignedRequestParts['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function parseAmzDate(s: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/** Returns the access key that signed the request, or throws an AuthError shaped as AWS's. */
export async function verifySigV4(req: SignedRequestParts, keys: AccessKeyStore, now = Date.now()): Promise<{ key: AccessKey; region: string; service: string }> {
  const authorization = header(req.headers, 'authorization');
  if (!authorization) throw new AuthError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const auth = parseAuthorization(authorization);
  const amzDate = header(req.headers, 'x-amz-date');
  if (!amzDate) throw new AuthError('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw new AuthError('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  const key = keys.get(auth.accessKeyId);
  if (!key) throw new AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const fmt = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  // AWS words a signing time in the future differently from one in the past.
  if (signingDate.getTime() - now > MAX_CLOCK_SKEW_MS) {
    throw new AuthError('InvalidSignatureException', `Signature not yet current: ${amzDate} is still later than ${fmt(new Date(now + MAX_CLOCK_SKEW_MS))} (${fmt(new Date(now))} + 15 min.)`);
  }
  if (now - signingDate.getTime() > MAX_CLOCK_SKEW_MS) {
    throw new AuthError('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${fmt(new Date(now - MAX_CLOCK_SKEW_MS))} (${fmt(new Date(now))} - 15 min.)`);
  }
  if (!auth.signedHeaders.includes('host')) throw new AuthError('InvalidSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const v = header(req.headers, name);
    if (v !== undefined) headers[name] = v;
  }
  // The signer takes a client-sent x-amz-content-sha256 as the payload hash without looking at
  // the body, so a captured request could be replayed with any body (found by the e2e auth suite).
  // The declared hash must be the body's real hash.
  const declared = header(req.headers, 'x-amz-content-sha256');
  if (declared !== undefined && declared !== createHash('sha256').update(req.body).digest('hex')) {
    throw new AuthError('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const request = new HttpRequest({ method: req.method, hostname: headers.host ?? '', path: req.path, query: req.query, headers, body: req.body });
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(request, { signingDate, signableHeaders: new Set(auth.signedHeaders) });
  const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (!safeEqual(expected, auth.signature)) {
    throw new AuthError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  }
  return { key, region: auth.region, service: auth.service };
}
