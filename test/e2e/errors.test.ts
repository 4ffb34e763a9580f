/**
 * Bad input over raw, properly SigV4-signed HTTP (signed with @smithy/signature-v4, as the SDKs
 * do): every failure must be a 4xx in AWS's JSON 1.1 error shape (`__type`, `message`, header
 * `x-amzn-ErrorType`), and a refused request must leave nothing behind.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { bearerToken } from '../../src/auth/access-keys.js';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';

let srv: TestServer;
const G = '/errors/app';
before(async () => {
  srv = await startTestServer();
  assert.equal((await op('CreateLogGroup', { logGroupName: G })).status, 200);
  assert.equal((await op('CreateLogStream', { logGroupName: G, logStreamName: 's' })).status, 200);
});
after(async () => { await srv?.cleanup(); });

class Sha256 {
  private h: Hash | Hmac;
  constructor(private readonly secret?: string | Uint8Array) { this.h = this.make(); }
  private make(): Hash | Hmac { return this.secret ? createHmac('sha256', this.secret) : createHash('sha256'); }
  update(d: string | Uint8Array): void { this.h.update(d); }
  async digest(): Promise<Uint8Array> { return new Uint8Array(this.h.digest()); }
  reset(): void { this.h = this.make(); }
}

/** A stack frame ("at f (/x/y.ts:1:2)", "at /x:1:2", "at node:internal/...") or a source path. */
const STACK = /\bat (?:[\w.$<>\[\] ]+ )?\(?(?:\/|file:|node:)[^)\s]*:\d+(?::\d+)?|\/src\/|node:internal|\.[cm]?[jt]s:\d+/;

interface Reply { status: number; headers: Headers; text: string; json: Record<string, unknown> | undefined }

/** POST / signed with SigV4 over exactly these bytes; `target` undefined sends no X-Amz-Target. */
async function send(target: string | undefined, body: string | Buffer, extraHeaders: Record<string, string> = {}): Promise<Reply> {
  const u = new URL(srv.url);
  const headers: Record<string, string> = { host: u.host, 'content-type': 'application/x-amz-json-1.1', ...extraHeaders };
  if (target !== undefined) headers['x-amz-target'] = target;
  const signer = new SignatureV4({ credentials: TEST_KEY, region: 'us-east-1', service: 'logs', sha256: Sha256 });
  const signed = await signer.sign(new HttpRequest({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', headers, body }));
  const r = await fetch(`${srv.url}/`, { method: 'POST', headers: signed.headers, body });
  const text = await r.text();
  let json: Record<string, unknown> | undefined;
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json };
}
const op = (name: string, input: unknown) => send(`Logs_20140328.${name}`, typeof input === 'string' ? input : JSON.stringify(input));

/** Asserts the AWS JSON 1.1 error shape and returns the message. */
function assertError(r: Reply, type: string, message?: RegExp, status = 400): string {
  assert.equal(r.status, status, `status for ${r.text}`);
  assert.ok(r.json, `error body is JSON: ${r.text}`);
  assert.equal(r.json.__type, type, r.text);
  assert.equal(typeof r.json.message, 'string');
  assert.equal(r.headers.get('x-amzn-errortype'), type);
  assert.ok(r.headers.get('x-amzn-requestid'), 'x-amzn-RequestId header');
  assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1');
  assert.doesNotMatch(r.text, STACK, 'no stack trace or source path');
  if (message) assert.match(r.json.message as string, message);
  return r.json.message as string;
}

async function events(group: string, stream: string): Promise<string[]> {
  const r = await op('GetLogEvents', { logGroupName: group, logStreamName: stream, startFromHead: true });
  assert.equal(r.status, 200, r.text);
  return (r.json!.events as { message: string }[]).map((e) => e.message);
}

async function groupExists(name: string): Promise<boolean> {
  const r = await op('DescribeLogGroups', { logGroupNamePrefix: name });
  assert.equal(r.status, 200, r.text);
  return (r.json!.logGroups as { logGroupName: string }[]).some((g) => g.logGroupName === name);
}

describe('protocol errors', () => {
  it('answers malformed JSON with SerializationException', async () => {
    for (const body of ['{', '{"logGroupName": }', '{"a":1,}', "{'logGroupName':'x'}", 'not json', '\u00ef\u00bb\u00bf{}x', '{"logGroupName":"x"}}']) {
      assertError(await op('CreateLogGroup', body), 'SerializationException', /JSON|parse/i);
    }
    for (const body of ['[]', '"str"', '42', 'null', 'true']) {
      assertError(await op('DescribeLogGroups', body), 'SerializationException', /structure/);
    }
  });

  it('answers wrongly typed members with SerializationException', async () => {
    const now = Date.now();
    const cases: [string, unknown][] = [
      ['PutLogEvents', { logGroupName: G, logStreamName: 's', logEvents: [{ timestamp: String(now), message: 'x' }] }],
      ['PutLogEvents', { logGroupName: G, logStreamName: 's', logEvents: [{ timestamp: now + 0.5, message: 'x' }] }],
      ['PutLogEvents', { logGroupName: G, logStreamName: 's', logEvents: [{ timestamp: now, message: 42 }] }],
      ['PutLogEvents', { logGroupName: G, logStreamName: 's', logEvents: { timestamp: now, message: 'x' } }],
      ['PutLogEvents', { logGroupName: G, logStreamName: 's', logEvents: ['x'] }],
      ['CreateLogGroup', { logGroupName: 123 }],
      ['CreateLogGroup', { logGroupName: ['a'] }],
      ['CreateLogGroup', { logGroupName: '/x', tags: { a: 1 } }],
      ['CreateLogGroup', { logGroupName: '/x', tags: ['a'] }],
      ['GetLogEvents', { logGroupName: G, logStreamName: 's', limit: '10' }],
      ['GetLogEvents', { logGroupName: G, logStreamName: 's', startFromHead: 'true' }],
      ['GetLogEvents', { logGroupName: G, logStreamName: 's', startTime: 1e20 }],
      ['FilterLogEvents', { logGroupName: G, logStreamNames: 'single' }],
      ['FilterLogEvents', { logGroupName: G, logStreamNames: [1] }],
      ['FilterLogEvents', { logGroupName: G, endTime: 1e300 }],
      ['PutRetentionPolicy', { logGroupName: G, retentionInDays: '7' }],
      // Non-string list members: a deeply nested one used to overflow the stack (500).
      ['UntagLogGroup', `{"logGroupName":"${G}","tags":[${'['.repeat(20_000)}${']'.repeat(20_000)}]}`],
      ['UntagLogGroup', { logGroupName: G, tags: [1] }],
      ['UntagResource', { resourceArn: `arn:aws:logs:us-east-1:000000000000:log-group:${G}`, tagKeys: [['a']] }],
      ['DescribeLogGroups', { logGroupIdentifiers: [{}] }],
    ];
    for (const [name, input] of cases) assertError(await op(name, input), 'SerializationException');
    assert.equal(await groupExists('/x'), false);
  });

  it('answers unknown or missing operations with UnknownOperationException', async () => {
    for (const target of ['Logs_20140328.NoSuchOperation', 'Logs_20140328.', 'Logs_20140328', 'Logs_20140328.constructor', 'Logs_20140328.__proto__', 'Logs_20140328.toString',
      'Logs_20140328.hasOwnProperty', 'Logs_20150101.CreateLogGroup', 'AWSEvents.PutEvents', '.CreateLogGroup', 'logs_20140328.CreateLogGroup', '']) {
      assertError(await send(target, '{}'), 'UnknownOperationException');
    }
    assertError(await send(undefined, '{}'), 'UnknownOperationException', /X-Amz-Target/);
  });

  it('validates names against the AWS patterns with the AWS message', async () => {
    assertError(await op('CreateLogGroup', { logGroupName: 'has space' }), 'InvalidParameterException',
      /^1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\\.\\-_\/#A-Za-z0-9\]\+$/);
    for (const name of ['a:b', 'ünï', 'a*b', 'tab\tname', 'x'.repeat(513), '']) assertError(await op('CreateLogGroup', { logGroupName: name }), 'InvalidParameterException', /validation error/);
    assertError(await op('CreateLogGroup', {}), 'InvalidParameterException', /^1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null$/);
    assertError(await op('CreateLogGroup', { logGroupName: 'aws/reserved' }), 'InvalidParameterException', /aws\//);
    for (const s of ['a:b', 'a*b', 'x'.repeat(513), '']) assertError(await op('CreateLogStream', { logGroupName: G, logStreamName: s }), 'InvalidParameterException', /at 'logStreamName'/);
    // Every violation is listed.
    const m = assertError(await op('CreateLogStream', { logGroupName: 'bad group', logStreamName: 'bad:stream' }), 'InvalidParameterException');
    assert.match(m, /^2 validation errors detected: Value 'bad group' at 'logGroupName' .*; Value 'bad:stream' at 'logStreamName' /);
    assertError(await op('DescribeLogStreams', { logGroupIdentifier: 'has space' }), 'InvalidParameterException', /at 'logGroupIdentifier'/);
    assertError(await op('DescribeLogStreams', { logGroupName: G, logGroupIdentifier: G }), 'InvalidParameterException', /mutually exclusive/);
    assertError(await op('GetLogEvents', { logGroupName: G, logStreamName: 's', limit: 0 }), 'InvalidParameterException', /at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1/);
    assertError(await op('GetLogEvents', { logGroupName: G, logStreamName: 's', limit: 10_001 }), 'InvalidParameterException', /less than or equal to 10000/);
    assertError(await op('DescribeLogGroups', { limit: 51 }), 'InvalidParameterException', /less than or equal to 50/);
    assertError(await op('DescribeLogGroups', { nextToken: 'not-a-token!' }), 'InvalidParameterException', /nextToken/);
    assertError(await op('FilterLogEvents', { logGroupName: G, nextToken: 'eyJ0IjotMX0' }), 'InvalidParameterException', /nextToken/);
    assertError(await op('DescribeLogStreams', { logGroupName: G, orderBy: 'Name' }), 'InvalidParameterException', /enum value set: \[LogStreamName, LastEventTime\]/);
    assertError(await op('CreateLogGroup', { logGroupName: '/e/tags', tags: { ['k'.repeat(129)]: 'v' } }), 'InvalidParameterException', /tags/);
    assertError(await op('CreateLogGroup', { logGroupName: '/e/tags', tags: { k: 'v'.repeat(257) } }), 'InvalidParameterException', /256/);
    assert.equal(await groupExists('/e/tags'), false, 'a refused CreateLogGroup creates nothing');
  });

  it('answers missing resources with ResourceNotFoundException', async () => {
    assertError(await op('PutLogEvents', { logGroupName: '/errors/none', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'x' }] }), 'ResourceNotFoundException', /^The specified log group does not exist\.$/);
    assertError(await op('PutLogEvents', { logGroupName: G, logStreamName: 'none', logEvents: [{ timestamp: Date.now(), message: 'x' }] }), 'ResourceNotFoundException', /^The specified log stream does not exist\.$/);
    assertError(await op('DeleteLogGroup', { logGroupName: '/errors/none' }), 'ResourceNotFoundException');
    assertError(await op('ListTagsForResource', { resourceArn: 'arn:aws:logs:us-east-1:000000000000:destination:d' }), 'ResourceNotFoundException');
  });
});

describe('atomicity', () => {
  it('stores nothing from a PutLogEvents batch that fails validation anywhere', async () => {
    await op('CreateLogStream', { logGroupName: G, logStreamName: 'atomic' });
    const now = Date.now();
    const good = (i: number) => ({ timestamp: now - 1000 + i, message: `good-${i}` });
    const bad: unknown[][] = [
      [good(0), good(1), { timestamp: now, message: '' }, good(3)],
      [good(0), good(1), { timestamp: now }, good(3)],
      [good(0), good(1), { message: 'no time' }],
      [good(0), good(1), { timestamp: 'now', message: 'x' }],
      [good(0), good(2), good(1)],
      [{ timestamp: now - 25 * 3600_000, message: 'old' }, good(1)],
      [good(0), { timestamp: now, message: 'x'.repeat(300_000) }],
    ];
    for (const logEvents of bad) {
      const r = await op('PutLogEvents', { logGroupName: G, logStreamName: 'atomic', logEvents });
      assert.equal(r.status, 400, r.text);
      assert.ok(['InvalidParameterException', 'SerializationException'].includes(r.json!.__type as string), r.text);
    }
    assert.deepEqual(await events(G, 'atomic'), []);
    const streams = await op('DescribeLogStreams', { logGroupName: G, logStreamNamePrefix: 'atomic' });
    assert.equal((streams.json!.logStreams as Record<string, unknown>[])[0].lastEventTimestamp, undefined);
    // The same stream takes a good batch afterwards.
    assert.equal((await op('PutLogEvents', { logGroupName: G, logStreamName: 'atomic', logEvents: [good(0), good(1)] })).status, 200);
    assert.deepEqual(await events(G, 'atomic'), ['good-0', 'good-1']);
  });
});

describe('body handling', () => {
  it('accepts a gzip-compressed body (Content-Encoding: gzip), signed over the compressed bytes', async () => {
    await op('CreateLogStream', { logGroupName: G, logStreamName: 'gz' });
    const now = Date.now();
    const input = { logGroupName: G, logStreamName: 'gz', logEvents: Array.from({ length: 50 }, (_, i) => ({ timestamp: now - 100 + i, message: `compressed ✓ ${i} ${'z'.repeat(200)}` })) };
    const r = await send('Logs_20140328.PutLogEvents', gzipSync(Buffer.from(JSON.stringify(input))), { 'content-encoding': 'gzip' });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json?.nextSequenceToken);
    const got = await events(G, 'gz');
    assert.equal(got.length, 50);
    assert.equal(got[49], `compressed ✓ 49 ${'z'.repeat(200)}`);
  });

  it('refuses a corrupt gzip body and an unknown encoding', async () => {
    assertError(await send('Logs_20140328.DescribeLogGroups', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }), 'SerializationException');
    const gz = gzipSync(Buffer.from('{}'));
    assertError(await send('Logs_20140328.DescribeLogGroups', gz.subarray(0, gz.length - 6), { 'content-encoding': 'gzip' }), 'SerializationException');
    const r = await send('Logs_20140328.DescribeLogGroups', Buffer.from('{}'), { 'content-encoding': 'br' });
    assert.ok(r.status >= 400 && r.status < 500, r.text);
    assert.equal(r.headers.get('x-amzn-errortype'), r.json?.__type);
  });

  it('answers an oversize body with 413 (declared length, and chunked without one)', async () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 0x20);
    assertError(await send('Logs_20140328.DescribeLogGroups', big), 'RequestEntityTooLargeException', /exceeds/, 413);
    const stream = new ReadableStream<Uint8Array>({ start(c) { for (let i = 0; i < 9; i++) c.enqueue(new Uint8Array(1024 * 1024).fill(32)); c.close(); } });
    const r = await fetch(`${srv.url}/`, { method: 'POST', headers: { authorization: `Bearer ${bearerToken(TEST_KEY)}`, 'x-amz-target': 'Logs_20140328.DescribeLogGroups' }, body: stream, duplex: 'half' } as RequestInit);
    assert.equal(r.status, 413);
    assert.equal(((await r.json()) as { __type: string }).__type, 'RequestEntityTooLargeException');
    assert.equal((await op('DescribeLogGroups', {})).status, 200, 'still serving');
  });

  it('treats an empty body as an empty structure', async () => {
    const r = await op('DescribeLogGroups', '');
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.json!.logGroups));
    assertError(await op('CreateLogGroup', ''), 'InvalidParameterException', /Value null at 'logGroupName'/);
  });
});

describe('malformed HTTP', () => {
  /** Writes raw bytes and returns the status line and body of the answer. */
  function raw(request: string): Promise<{ statusLine: string; body: string }> {
    const u = new URL(srv.url);
    return new Promise((resolve, reject) => {
      const sock = connect(Number(u.port), u.hostname, () => sock.write(request));
      let data = '';
      sock.setEncoding('utf8');
      sock.on('data', (c: string) => { data += c; });
      sock.on('end', () => resolve({ statusLine: data.split('\r\n')[0], body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
      sock.on('error', reject);
      sock.setTimeout(5000, () => { sock.destroy(); reject(new Error(`no answer to ${JSON.stringify(request.slice(0, 40))}`)); });
    });
  }

  it('answers a request target that is not a valid URL with 400 and keeps running', async () => {
    // These used to throw from `new URL` in the request listener and crash the whole process.
    for (const target of ['http://[/', 'http://[::1', 'http://a b/', 'http://:99999999/']) {
      const r = await raw(`POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      assert.match(r.statusLine, /^HTTP\/1\.1 400 /, `${target}: ${r.statusLine}`);
      assert.doesNotMatch(r.body, STACK);
    }
    assert.equal((await op('DescribeLogGroups', {})).status, 200, 'the server survived');
  });

  it('answers a badly percent-encoded native ingest path with 400, not 500', async () => {
    const r = await fetch(`${srv.url}/api/v1/ingest/%E0%A4%A?create=1`, { method: 'POST', headers: { authorization: `Bearer ${bearerToken(TEST_KEY)}` }, body: 'line' });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { __type: string }).__type, 'InvalidParameterException');
  });
});
