/**
 * Authentication end to end: SigV4 failures over raw HTTP (each with AWS's code and message),
 * the SDK's view of them (including its clock-skew correction), bearer tokens on the AWS and
 * native endpoints, and the console's session endpoint.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand, UnrecognizedClientException } from '@aws-sdk/client-cloudwatch-logs';
import { bearerToken } from '../../src/auth/access-keys.js';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => { srv = await startTestServer(); });
after(async () => { await srv?.cleanup(); });

class Sha256 {
  private h: Hash | Hmac;
  constructor(private readonly secret?: string | Uint8Array) { this.h = this.make(); }
  private make(): Hash | Hmac { return this.secret ? createHmac('sha256', this.secret) : createHash('sha256'); }
  update(d: string | Uint8Array): void { this.h.update(d); }
  async digest(): Promise<Uint8Array> { return new Uint8Array(this.h.digest()); }
  reset(): void { this.h = this.make(); }
}

interface Reply { status: number; headers: Headers; json: Record<string, unknown>; text: string }

interface SignOpts { key?: { accessKeyId: string; secretAccessKey: string }; date?: Date; service?: string; path?: string; query?: Record<string, string>; contentSha256?: boolean }

/** Headers of a SigV4-signed POST (as the SDK would send them). */
async function signedHeaders(target: string | undefined, body: string, o: SignOpts = {}): Promise<Record<string, string>> {
  const u = new URL(srv.url);
  const headers: Record<string, string> = { host: u.host, 'content-type': 'application/x-amz-json-1.1' };
  if (target) headers['x-amz-target'] = target;
  // applyChecksum adds a signed x-amz-content-sha256 header (as S3-style signers do); the Logs SDK client does not.
  const signer = new SignatureV4({ credentials: o.key ?? TEST_KEY, region: 'us-east-1', service: o.service ?? 'logs', sha256: Sha256, applyChecksum: o.contentSha256 ?? false });
  const req = new HttpRequest({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: o.path ?? '/', query: o.query, headers, body });
  return (await signer.sign(req, o.date ? { signingDate: o.date } : undefined)).headers;
}

async function post(path: string, headers: Record<string, string>, body: string): Promise<Reply> {
  const r = await fetch(`${srv.url}${path}`, { method: 'POST', headers, body });
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: JSON.parse(text) as Record<string, unknown>, text };
}

const DESCRIBE = 'Logs_20140328.DescribeLogGroups';

function assertAuthError(r: Reply, type: string, message: RegExp, status = 400): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.__type, type, r.text);
  assert.match(r.json.message as string, message);
  if (status === 400) assert.equal(r.headers.get('x-amzn-errortype'), type);
  assert.ok(!('logGroups' in r.json), 'no data leaks with an error');
}

describe('SigV4 over raw HTTP', () => {
  it('accepts a correctly signed request', async () => {
    const body = '{}';
    const r = await post('/', await signedHeaders(DESCRIBE, body), body);
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.json.logGroups));
  });

  it('answers an unsigned request with MissingAuthenticationTokenException', async () => {
    const r = await post('/', { 'x-amz-target': DESCRIBE, 'content-type': 'application/x-amz-json-1.1' }, '{}');
    assertAuthError(r, 'MissingAuthenticationTokenException', /^Missing Authentication Token$/);
  });

  it('answers an unknown access key id with UnrecognizedClientException', async () => {
    const h = await signedHeaders(DESCRIBE, '{}', { key: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: TEST_KEY.secretAccessKey } });
    assertAuthError(await post('/', h, '{}'), 'UnrecognizedClientException', /^The security token included in the request is invalid\.$/);
  });

  it('answers a wrong secret with InvalidSignatureException', async () => {
    const h = await signedHeaders(DESCRIBE, '{}', { key: { accessKeyId: TEST_KEY.accessKeyId, secretAccessKey: `${TEST_KEY.secretAccessKey}x` } });
    assertAuthError(await post('/', h, '{}'), 'InvalidSignatureException', /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\./);
  });

  it('answers malformed Authorization headers with IncompleteSignatureException', async () => {
    const good = await signedHeaders(DESCRIBE, '{}');
    const auth = good.authorization;
    const variants = [
      'AWS4-HMAC-SHA256',
      'AWS4-HMAC-SHA256 ',
      'AWS4-HMAC-SHA256 Credential=AKIATESTTRAILWATCH01/20260101/us-east-1/logs/aws4_request',
      auth.replace(/Signature=[0-9a-f]+/, ''),
      auth.replace(/SignedHeaders=[^,]+,/, ''),
      auth.replace(/\/aws4_request/, ''),
      auth.replace(/Credential=[^/]+\//, 'Credential='),
      'Basic dXNlcjpwYXNz',
      'garbage',
    ];
    for (const a of variants) {
      const r = await post('/', { ...good, authorization: a }, '{}');
      assertAuthError(r, 'IncompleteSignatureException', /./);
    }
    const { 'x-amz-date': _d, ...noDate } = good;
    assertAuthError(await post('/', noDate, '{}'), 'IncompleteSignatureException', /X-Amz-Date/);
    assertAuthError(await post('/', { ...good, 'x-amz-date': '2026-01-01T00:00:00Z' }, '{}'), 'IncompleteSignatureException', /ISO-8601/);
  });

  it('answers a signing time 20 minutes off with InvalidSignatureException', async () => {
    const past = await signedHeaders(DESCRIBE, '{}', { date: new Date(Date.now() - 20 * 60_000) });
    assertAuthError(await post('/', past, '{}'), 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const future = await signedHeaders(DESCRIBE, '{}', { date: new Date(Date.now() + 20 * 60_000) });
    assertAuthError(await post('/', future, '{}'), 'InvalidSignatureException', /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/);
    // Within the 15 minutes it is fine.
    const near = await signedHeaders(DESCRIBE, '{}', { date: new Date(Date.now() - 10 * 60_000) });
    assert.equal((await post('/', near, '{}')).status, 200);
  });

  for (const contentSha256 of [false, true]) {
    it(`detects any change after signing: body, target, or signed header (${contentSha256 ? 'with' : 'without'} x-amz-content-sha256)`, async () => {
      const body = '{"logGroupNamePrefix":"/a"}';
      const h = await signedHeaders(DESCRIBE, body, { contentSha256 });
      assert.equal('x-amz-content-sha256' in h, contentSha256);
      const mismatch = /^The request signature we calculated does not match|^The provided 'x-amz-content-sha256' header does not match what was computed\.$/;
      const sigMismatch = /^The request signature we calculated does not match/;
      assertAuthError(await post('/', h, '{"logGroupNamePrefix":"/b"}'), 'InvalidSignatureException', mismatch);
      assertAuthError(await post('/', h, `${body} `), 'InvalidSignatureException', mismatch);
      assertAuthError(await post('/', { ...h, 'x-amz-target': 'Logs_20140328.DeleteLogGroup' }, body), 'InvalidSignatureException', sigMismatch);
      const otherDate = h['x-amz-date'].replace(/\d(?=Z$)/, (d) => String((Number(d) + 1) % 10));
      assert.notEqual(otherDate, h['x-amz-date']);
      assertAuthError(await post('/', { ...h, 'x-amz-date': otherDate }, body), 'InvalidSignatureException', sigMismatch);
      assertAuthError(await post('/?x=1', h, body), 'InvalidSignatureException', sigMismatch);
      // A signature over nothing but the date does not authenticate the request.
      assertAuthError(await post('/', { ...h, authorization: h.authorization.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-date') }, body), 'InvalidSignatureException', /Host/);
      if (contentSha256) {
        // Replacing the body and its declared hash together still breaks the signature (the hash header is signed).
        const other = '{"logGroupNamePrefix":"/b"}';
        const forged = { ...h, 'x-amz-content-sha256': createHash('sha256').update(other).digest('hex') };
        assertAuthError(await post('/', forged, other), 'InvalidSignatureException', sigMismatch);
      } else {
        // Adding an (unsigned) hash header for a different body does not help either.
        const other = '{"logGroupNamePrefix":"/b"}';
        assertAuthError(await post('/', { ...h, 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') }, other), 'InvalidSignatureException', mismatch);
      }
      // Unchanged, it passes.
      assert.equal((await post('/', h, body)).status, 200);
    });
  }

  it('refuses a tampered PutLogEvents body and stores nothing', async () => {
    const mk = async (target: string, input: unknown) => { const b = JSON.stringify(input); return post('/', await signedHeaders(target, b), b); };
    assert.equal((await mk('Logs_20140328.CreateLogGroup', { logGroupName: '/auth/tamper' })).status, 200);
    assert.equal((await mk('Logs_20140328.CreateLogStream', { logGroupName: '/auth/tamper', logStreamName: 's' })).status, 200);
    for (const contentSha256 of [false, true]) {
      const body = JSON.stringify({ logGroupName: '/auth/tamper', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'original' }] });
      const h = await signedHeaders('Logs_20140328.PutLogEvents', body, { contentSha256 });
      assertAuthError(await post('/', h, body.replace('original', 'forged!!')), 'InvalidSignatureException', /signature|x-amz-content-sha256/);
    }
    // A captured DeleteLogGroup cannot be turned against another group.
    const del = JSON.stringify({ logGroupName: '/auth/does-not-matter' });
    const dh = await signedHeaders('Logs_20140328.DeleteLogGroup', del, { contentSha256: true });
    assertAuthError(await post('/', dh, JSON.stringify({ logGroupName: '/auth/tamper' })), 'InvalidSignatureException', /x-amz-content-sha256/);
    const got = await mk('Logs_20140328.FilterLogEvents', { logGroupName: '/auth/tamper' });
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.json.events, []);
  });
});

describe('SigV4 through the SDK', () => {
  it('surfaces UnrecognizedClientException and InvalidSignatureException', async () => {
    const bad = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIANOPE000000000000', secretAccessKey: 'x' }, maxAttempts: 1 });
    await assert.rejects(bad.send(new DescribeLogGroupsCommand({})), (e: unknown) => {
      assert.ok(e instanceof UnrecognizedClientException, String(e));
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
    bad.destroy();
    const wrong = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: { accessKeyId: TEST_KEY.accessKeyId, secretAccessKey: 'wrong' }, maxAttempts: 1 });
    await assert.rejects(wrong.send(new DescribeLogGroupsCommand({})), (e: unknown) => {
      assert.equal((e as Error).name, 'InvalidSignatureException');
      assert.match((e as Error).message, /signature we calculated does not match/);
      return true;
    });
    wrong.destroy();
  });

  it('lets the SDK correct a skewed clock from the answer and retry', async () => {
    // The SDK reads the server's Date header after a "Signature expired" answer, adjusts its
    // clock offset and retries; this needs a standard Date header and error code.
    const skewed = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, systemClockOffset: -20 * 60_000, maxAttempts: 3 });
    const r = await skewed.send(new DescribeLogGroupsCommand({}));
    assert.ok(Array.isArray(r.logGroups));
    assert.ok((r.$metadata.attempts ?? 1) >= 2, `attempts: ${r.$metadata.attempts}`);
    assert.ok(Math.abs(skewed.config.systemClockOffset ?? 0) < 60_000, `offset corrected to ${skewed.config.systemClockOffset}`);
    skewed.destroy();
  });
});

describe('bearer tokens and sessions', () => {
  const token = () => bearerToken(TEST_KEY);

  it('issues a session token for a valid key and refuses a bad secret with 401', async () => {
    const ok = await post('/api/v1/session', { 'content-type': 'application/json' }, JSON.stringify(TEST_KEY));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.token, token());
    assert.equal(ok.json.accessKeyId, TEST_KEY.accessKeyId);
    assert.ok(!ok.text.includes(TEST_KEY.secretAccessKey), 'the secret is never echoed');

    const bad = await post('/api/v1/session', { 'content-type': 'application/json' }, JSON.stringify({ ...TEST_KEY, secretAccessKey: 'nope' }));
    assert.equal(bad.status, 401);
    assert.equal(bad.json.__type, 'UnrecognizedClientException');
    assert.equal(bad.json.token, undefined);
    const unknown = await post('/api/v1/session', { 'content-type': 'application/json' }, JSON.stringify({ accessKeyId: 'AKIANOBODY', secretAccessKey: TEST_KEY.secretAccessKey }));
    assert.equal(unknown.status, 401);
    const empty = await post('/api/v1/session', { 'content-type': 'application/json' }, '{}');
    assert.equal(empty.status, 401);
    const garbage = await post('/api/v1/session', { 'content-type': 'application/json' }, '{nope');
    assert.equal(garbage.status, 400);
    assert.equal(garbage.json.__type, 'SerializationException');
    // These used to answer 500.
    for (const b of ['null', '[1]', '"key"']) {
      const x = await post('/api/v1/session', { 'content-type': 'application/json' }, b);
      assert.equal(x.status, 400, `${b}: ${x.text}`);
      assert.equal(x.json.__type, 'SerializationException');
    }
    const huge = await post('/api/v1/session', { 'content-type': 'application/json' }, JSON.stringify({ accessKeyId: 'A'.repeat(70_000), secretAccessKey: 'x' }));
    assert.equal(huge.status, 413, huge.text);
    assert.equal(huge.json.__type, 'RequestEntityTooLargeException');
  });

  it('accepts the bearer token on POST / (AWS JSON) and refuses a forged one', async () => {
    const r = await post('/', { authorization: `Bearer ${token()}`, 'x-amz-target': 'Logs_20140328.CreateLogGroup' }, '{"logGroupName":"/auth/bearer"}');
    assert.equal(r.status, 200, r.text);
    const forged = token().replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    for (const t of [forged, 'tw1.AKIATESTTRAILWATCH01.short', 'nonsense', '']) {
      const x = await post('/', { authorization: `Bearer ${t}`, 'x-amz-target': DESCRIBE }, '{}');
      assert.equal(x.status, 400, x.text);
      assert.match(x.json.__type as string, /UnrecognizedClientException|IncompleteSignatureException/);
    }
  });

  it('accepts the bearer token and SigV4 on native ingest, and refuses anonymous and forged callers', async () => {
    const body = 'plain line one\n{"level":"error","msg":"json line"}\n';
    const r = await post('/api/v1/ingest/%2Fauth%2Fnative?stream=s1&create=1', { authorization: `Bearer ${token()}`, 'content-type': 'text/plain' }, body);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual({ group: r.json.logGroupName, stream: r.json.logStreamName, ingested: r.json.ingested }, { group: '/auth/native', stream: 's1', ingested: 2 });

    // SigV4 over the path and query, as Trailwatch's own CLI client signs it.
    const query = { stream: 's2', create: '1' };
    const h = await signedHeaders(undefined, 'signed line', { path: '/api/v1/ingest/%2Fauth%2Fnative', query });
    const s = await post('/api/v1/ingest/%2Fauth%2Fnative?stream=s2&create=1', h, 'signed line');
    assert.equal(s.status, 200, s.text);
    // ...and the signature covers the query: changing the stream breaks it.
    const t = await post('/api/v1/ingest/%2Fauth%2Fnative?stream=s3&create=1', h, 'signed line');
    assert.equal(t.json.__type, 'InvalidSignatureException');

    const anon = await post('/api/v1/ingest/%2Fauth%2Fnative?stream=s1', {}, 'sneaky');
    assert.ok(anon.status === 400 || anon.status === 401, anon.text);
    assert.equal(anon.json.__type, 'MissingAuthenticationTokenException');
    const forged = await post('/api/v1/ingest/%2Fauth%2Fnative?stream=s1', { authorization: `Bearer ${token().slice(0, -2)}xx` }, 'sneaky');
    assert.equal(forged.status, 401);
    assert.equal(forged.json.__type, 'UnrecognizedClientException');

    const cw = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
    const ev = await cw.send(new FilterLogEventsCommand({ logGroupName: '/auth/native' }));
    cw.destroy();
    assert.deepEqual(ev.events?.map((e) => [e.logStreamName, e.message]).sort(), [['s1', 'plain line one'], ['s1', '{"level":"error","msg":"json line"}'], ['s2', 'signed line']]);
  });
});
