/**
 * Fuzzing the AWS JSON 1.1 endpoint with properly signed requests for a bounded time: random
 * JSON values, truncated JSON, random bytes, huge numbers, deep nesting, and valid inputs with
 * random fields and types mixed in. Every answer must be a 200 or a 4xx in AWS's error shape
 * (never a 5xx), no answer may carry a stack trace or a source path, and the server must still
 * serve at the end. The PRNG is seeded: set TRAILWATCH_FUZZ_SEED to replay a run (the seed is
 * printed), TRAILWATCH_FUZZ_MS / TRAILWATCH_FUZZ_MAX to change the budget.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { logsOperations } from '../../src/api/logs/index.js';
import { bearerToken } from '../../src/auth/access-keys.js';
import { REPO_ROOT, startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';
import { mulberry32 } from '../../src/demo/random.js';

const SEED = Number(process.env.TRAILWATCH_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BUDGET_MS = Number(process.env.TRAILWATCH_FUZZ_MS ?? 15_000);
const MAX_REQUESTS = Number(process.env.TRAILWATCH_FUZZ_MAX ?? 20_000);
const WORKERS = 6;

const prng = mulberry32;

class Gen {
  constructor(readonly r: () => number) {}
  int(n: number): number { return Math.floor(this.r() * n); }
  chance(p: number): boolean { return this.r() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }

  string(): string {
    switch (this.int(12)) {
      case 0: return '';
      case 1: return this.pick(['/fuzz/g', 's1', 's2', 'ERROR', 'aws/x', '/', '.', '-', '#', 'null', 'undefined', '__proto__', 'constructor']);
      case 2: return 'x'.repeat(this.pick([511, 512, 513, 1024, 2049, 10_000]));
      case 3: return this.pick(['ünïcödé', '日本語', '🚀🔥', 'e\u0301', '\u200b', '\u0000', '\ud800', '\udfff', 'a\u2028b', '\r\n', '\t']);
      case 4: return this.pick(['{$.a = 1}', '[ip, user]', '%ERROR%', '"unterminated', '"a b" -c ?d', '?', '-', '""', '" "', '{', '}', '[]', 'a*b', 'a:b', '%%']);
      case 5: return this.pick(['f/0000000000000000000000000000000000000000000', `f/${'9'.repeat(42)}`, 'b/1', 'eyJ0IjoxfQ', 'eyJvIjotMX0', Buffer.from('{"t":1e300,"i":0,"s":0,"x":0}').toString('base64url'), Buffer.from('/fuzz/g').toString('base64url')]);
      case 6: return this.pick(['arn:aws:logs:us-east-1:000000000000:log-group:/fuzz/g', 'arn:aws:logs:us-east-1:000000000000:log-group:/fuzz/g:*', 'arn:aws:logs:::log-group:', 'arn:aws:logs:us-east-1:000000000000:destination:x', 'arn:']);
      default: {
        const alphabet = 'abcXYZ019/._-#:*?"\\ {}[]%$=&|!<>\'`~@+,;^()';
        let s = '';
        const n = this.int(this.chance(0.1) ? 300 : 20);
        for (let i = 0; i < n; i++) s += this.chance(0.05) ? String.fromCharCode(this.int(0x3000)) : alphabet[this.int(alphabet.length)];
        return s;
      }
    }
  }

  number(): number {
    return this.pick([
      0, -0, 1, -1, 7, 50, 51, 10_000, 10_001, 0.5, -1.5, 1e15, Date.now(), Date.now() - 15 * 86_400_000, Date.now() + 3 * 3_600_000,
      Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, -(2 ** 63), 2 ** 64, 1e20, 1e300, -1e300, 5e-324, 2 ** 31, 2 ** 32, -(2 ** 31) - 1,
      this.int(1_000_000), -this.int(1_000_000), this.r() * 1e6,
    ]);
  }

  json(depth = 0): unknown {
    const k = this.int(depth > 3 ? 5 : 8);
    switch (k) {
      case 0: return null;
      case 1: return this.chance(0.5);
      case 2: return this.number();
      case 3: case 4: return this.string();
      case 5: return Array.from({ length: this.int(5) }, () => this.json(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = this.int(5); i > 0; i--) o[this.chance(0.5) ? this.pick(FIELDS) : this.string()] = this.json(depth + 1);
        return o;
      }
    }
  }
}

const FIELDS = ['logGroupName', 'logStreamName', 'logEvents', 'timestamp', 'message', 'logGroupIdentifier', 'logGroupNamePrefix', 'logGroupNamePattern', 'logStreamNamePrefix',
  'logStreamNames', 'filterPattern', 'startTime', 'endTime', 'nextToken', 'limit', 'startFromHead', 'interleaved', 'unmask', 'orderBy', 'descending', 'retentionInDays',
  'tags', 'tagKeys', 'resourceArn', 'kmsKeyId', 'logGroupClass', 'sequenceToken', 'logGroupIdentifiers', 'accountIdentifiers', 'includeLinkedAccounts', 'entity'];

const OPS = [...Object.keys(logsOperations), 'StartQuery', 'NoSuchOperation', 'constructor', '__proto__'];

/** Valid inputs per operation, for mutation into almost-valid ones. */
function templates(g: Gen): Record<string, Record<string, unknown>> {
  const now = Date.now();
  const events = Array.from({ length: 1 + g.int(4) }, (_, i) => ({ timestamp: now - 1000 + i, message: `fuzz ${g.string()} ${i}` }));
  return {
    CreateLogGroup: { logGroupName: `/fuzz/new-${g.int(50)}`, tags: { k: 'v' } },
    DeleteLogGroup: { logGroupName: `/fuzz/new-${g.int(50)}` },
    CreateLogStream: { logGroupName: '/fuzz/g', logStreamName: `s-${g.int(50)}` },
    DeleteLogStream: { logGroupName: '/fuzz/g', logStreamName: `s-${g.int(50)}` },
    PutLogEvents: { logGroupName: '/fuzz/g', logStreamName: g.pick(['s1', 's2']), logEvents: events },
    GetLogEvents: { logGroupName: '/fuzz/g', logStreamName: 's1', startFromHead: true, limit: 5 },
    FilterLogEvents: { logGroupName: '/fuzz/g', filterPattern: 'fuzz', limit: 10, startTime: now - 3_600_000, endTime: now },
    DescribeLogGroups: { logGroupNamePrefix: '/fuzz', limit: 5 },
    DescribeLogStreams: { logGroupName: '/fuzz/g', orderBy: 'LogStreamName', limit: 5 },
    PutRetentionPolicy: { logGroupName: '/fuzz/g', retentionInDays: 30 },
    DeleteRetentionPolicy: { logGroupName: '/fuzz/g' },
    TagResource: { resourceArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/fuzz/g', tags: { a: 'b' } },
    UntagResource: { resourceArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/fuzz/g', tagKeys: ['a'] },
    ListTagsForResource: { resourceArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/fuzz/g' },
  };
}

function mutate(g: Gen, v: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = structuredClone(v);
  for (let n = 1 + g.int(3); n > 0; n--) {
    const keys = Object.keys(o);
    switch (g.int(6)) {
      case 0: if (keys.length) delete o[g.pick(keys)]; break;
      case 1: o[g.pick(FIELDS)] = g.json(); break;
      case 2: o[g.string()] = g.json(); break;
      case 3: if (keys.length) o[g.pick(keys)] = g.pick([g.string(), g.number(), null, true, [], {}]); break;
      case 4: {
        const ev = o.logEvents;
        if (Array.isArray(ev) && ev.length) {
          const i = g.int(ev.length);
          ev[i] = g.chance(0.3) ? g.json() : { ...(ev[i] as object), [g.pick(['timestamp', 'message', g.string()])]: g.chance(0.5) ? g.number() : g.string() };
        } else {
          o.logEvents = Array.from({ length: g.int(3) }, () => ({ timestamp: g.number(), message: g.string() }));
        }
        break;
      }
      default: if (keys.length) o[g.pick(keys)] = g.string(); break;
    }
  }
  return o;
}

interface Body { bytes: Buffer; gzip: boolean; kind: string }

function body(g: Gen, op: string): Body {
  const tpl = templates(g);
  const random = g.json();
  const valid: Record<string, unknown> = Object.hasOwn(tpl, op) ? tpl[op] : typeof random === 'object' && random !== null && !Array.isArray(random) ? random as Record<string, unknown> : { value: random };
  const text = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null');
  let b: Body;
  switch (g.int(10)) {
    case 0: b = { bytes: text(g.json()), gzip: false, kind: 'random-json' }; break;
    case 1: { const t = text(g.chance(0.5) ? valid : mutate(g, valid)); b = { bytes: t.subarray(0, g.int(t.length)), gzip: false, kind: 'truncated' }; break; }
    case 2: { const n = g.int(2000); const x = Buffer.alloc(n); for (let i = 0; i < n; i++) x[i] = g.int(256); b = { bytes: x, gzip: false, kind: 'random-bytes' }; break; }
    case 3: {
      const n = g.pick([100, 1000, 10_000, 100_000]);
      const nested = g.chance(0.5) ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n);
      b = { bytes: Buffer.from(g.chance(0.5) ? nested : `{"logGroupName":"/fuzz/g","tags":${nested}}`), gzip: false, kind: 'deep' };
      break;
    }
    case 4: {
      const huge = g.pick(['1e400', '-1e400', '123456789012345678901234567890', '9223372036854775808', '-9223372036854775809', '1.7976931348623157e309', '0.0000000000000000000001', '1E2', '-0']);
      const field = g.pick(['timestamp', 'startTime', 'endTime', 'limit', 'retentionInDays']);
      const raw = field === 'timestamp'
        ? `{"logGroupName":"/fuzz/g","logStreamName":"s1","logEvents":[{"timestamp":${huge},"message":"huge"}]}`
        : `{"logGroupName":"/fuzz/g","logStreamName":"s1","${field}":${huge}}`;
      b = { bytes: Buffer.from(raw), gzip: false, kind: 'huge-number' };
      break;
    }
    case 5: b = { bytes: text(valid), gzip: false, kind: 'valid' }; break;
    default: b = { bytes: text(mutate(g, valid)), gzip: false, kind: 'mutated' }; break;
  }
  if (g.chance(0.05)) {
    // Compressed (sometimes corrupt) bodies go through the gzip path.
    const z = gzipSync(b.bytes);
    b = { bytes: g.chance(0.8) ? z : z.subarray(0, g.int(z.length)), gzip: true, kind: `${b.kind}+gzip` };
  }
  return b;
}

class Sha256 {
  private h: Hash | Hmac;
  constructor(private readonly secret?: string | Uint8Array) { this.h = this.make(); }
  private make(): Hash | Hmac { return this.secret ? createHmac('sha256', this.secret) : createHash('sha256'); }
  update(d: string | Uint8Array): void { this.h.update(d); }
  async digest(): Promise<Uint8Array> { return new Uint8Array(this.h.digest()); }
  reset(): void { this.h = this.make(); }
}

let srv: TestServer;
const bearer = bearerToken(TEST_KEY);
const signer = new SignatureV4({ credentials: TEST_KEY, region: 'us-east-1', service: 'logs', sha256: Sha256, applyChecksum: false });

async function send(op: string, b: Body): Promise<{ status: number; text: string; errorType: string | null }> {
  const u = new URL(srv.url);
  const headers: Record<string, string> = { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${op}` };
  if (b.gzip) headers['content-encoding'] = 'gzip';
  const signed = await signer.sign(new HttpRequest({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', headers, body: b.bytes }));
  const r = await fetch(`${srv.url}/`, { method: 'POST', headers: signed.headers, body: b.bytes, signal: AbortSignal.timeout(20_000) });
  return { status: r.status, text: await r.text(), errorType: r.headers.get('x-amzn-errortype') };
}

/** The native endpoints (console session, NDJSON/plain ingest) get a share of the noise too. */
async function sendNative(g: Gen, b: Body): Promise<{ status: number; text: string; errorType: string | null; where: string }> {
  let path: string;
  const headers: Record<string, string> = {};
  if (g.chance(0.3)) {
    path = '/api/v1/session';
    headers['content-type'] = 'application/json';
  } else {
    // (encodeURIComponent throws on lone surrogates, so those are dropped from random names.)
    const name = g.chance(0.3) ? g.pick(['%E0%A4%A', '%', '%2', '%ZZ', '%00', '..%2F..', '%2Ffuzz%2Fnative']) : encodeURIComponent(g.string().replace(/[\uD800-\uDFFF]/g, ''));
    const q = new URLSearchParams();
    if (g.chance(0.7)) q.set('stream', g.string().replace(/[\uD800-\uDFFF]/g, ''));
    if (g.chance(0.7)) q.set('create', g.pick(['1', 'true', '0', 'yes', '']));
    path = `/api/v1/ingest/${name}?${q}`;
    headers.authorization = `Bearer ${bearer}`;
    if (b.gzip) headers['content-encoding'] = 'gzip';
  }
  const r = await fetch(`${srv.url}${path}`, { method: 'POST', headers, body: b.bytes, signal: AbortSignal.timeout(20_000) });
  const text = await r.text();
  let type: string | null = null;
  try { type = (JSON.parse(text) as { __type?: string }).__type ?? null; } catch { /* checked by the caller */ }
  return { status: r.status, text, errorType: `${type} (native)`, where: `POST ${path.slice(0, 80)}` };
}

/** Stack frames, engine/runtime internals, or this checkout's paths must never reach a client. */
const LEAK = new RegExp([
  String.raw`\n\s+at `,
  String.raw`\bat (?:[\w.$<>\[\] ]+ )?\((?:\/|file:|node:)[^)]*:\d+:\d+\)`,
  String.raw`node:internal`,
  String.raw`node_modules`,
  REPO_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  String.raw`\/src\/(?:api|store|ingest|auth|query|app)\/`,
  String.raw`DB::Exception|Code: \d+\. DB::`,
].join('|'));

before(async () => {
  srv = await startTestServer();
  const setup: [string, unknown][] = [
    ['CreateLogGroup', { logGroupName: '/fuzz/g' }],
    ['CreateLogStream', { logGroupName: '/fuzz/g', logStreamName: 's1' }],
    ['CreateLogStream', { logGroupName: '/fuzz/g', logStreamName: 's2' }],
    ['PutLogEvents', { logGroupName: '/fuzz/g', logStreamName: 's1', logEvents: Array.from({ length: 20 }, (_, i) => ({ timestamp: Date.now() - 60_000 + i, message: `fuzz seed event ${i}` })) }],
    // A group the generator never names, checked at the end.
    ['CreateLogGroup', { logGroupName: '/keep/intact' }],
    ['CreateLogStream', { logGroupName: '/keep/intact', logStreamName: 'k' }],
    ['PutLogEvents', { logGroupName: '/keep/intact', logStreamName: 'k', logEvents: Array.from({ length: 20 }, (_, i) => ({ timestamp: Date.now() - 60_000 + i, message: `kept event ${i}` })) }],
  ];
  for (const [op, input] of setup) {
    const r = await send(op, { bytes: Buffer.from(JSON.stringify(input)), gzip: false, kind: 'setup' });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await srv?.cleanup(); });

describe('fuzz', () => {
  it(`survives random signed requests (seed ${SEED})`, async (t) => {
    t.diagnostic(`seed ${SEED}: replay with TRAILWATCH_FUZZ_SEED=${SEED}`);
    console.log(`# fuzz seed ${SEED} (replay with TRAILWATCH_FUZZ_SEED=${SEED})`);
    const deadline = Date.now() + BUDGET_MS;
    let sent = 0;
    const statuses = new Map<string, number>();
    const failures: string[] = [];

    async function worker(w: number): Promise<void> {
      const g = new Gen(prng(SEED * 31 + w));
      for (let i = 0; Date.now() < deadline && sent < MAX_REQUESTS && failures.length < 20; i++) {
        // Random operation names stay within what an HTTP header can carry (visible ASCII).
        const op = g.chance(0.97) ? g.pick(OPS) : Array.from({ length: g.int(40) }, () => String.fromCharCode(0x21 + g.int(94))).join('');
        const b = body(g, op);
        const native = g.chance(0.05);
        sent++;
        let where = `worker ${w} request ${i} ${native ? '' : op.slice(0, 60)} [${b.kind}] ${JSON.stringify(b.bytes.subarray(0, 160).toString('latin1'))}`;
        let r: Awaited<ReturnType<typeof send>>;
        try {
          if (native) { const n = await sendNative(g, b); where = `${where} ${n.where}`; r = n; } else r = await send(op, b);
        } catch (e) { failures.push(`${where}: request failed: ${(e as Error).message}`); continue; }
        const key = r.status === 200 ? '200' : `${r.status} ${r.errorType}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (LEAK.test(r.text)) failures.push(`${where}: leaked internals: ${r.text.slice(0, 300)}`);
        if (r.status === 200) {
          try { JSON.parse(r.text); } catch { failures.push(`${where}: 200 with a non-JSON body: ${r.text.slice(0, 200)}`); }
          continue;
        }
        if (r.status < 400 || r.status >= 500) { failures.push(`${where}: status ${r.status}: ${r.text.slice(0, 300)}`); continue; }
        let j: { __type?: unknown; message?: unknown };
        try { j = JSON.parse(r.text) as typeof j; } catch { failures.push(`${where}: ${r.status} with a non-JSON body: ${r.text.slice(0, 200)}`); continue; }
        if (typeof j.__type !== 'string' || !j.__type || typeof j.message !== 'string') failures.push(`${where}: error without __type/message: ${r.text.slice(0, 200)}`);
        else if (!native && r.errorType !== j.__type) failures.push(`${where}: x-amzn-ErrorType ${r.errorType} != __type ${j.__type}`);
      }
    }
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

    t.diagnostic(`${sent} requests: ${[...statuses].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    assert.deepEqual(failures, [], `seed ${SEED}: ${failures.length} bad answers`);
    assert.ok(sent >= 200, `only ${sent} requests were sent`);
    assert.ok((statuses.get('200') ?? 0) > 0, 'some requests were valid');
    assert.ok([...statuses.keys()].some((k) => k.startsWith('400 SerializationException')), 'some were malformed');
    assert.ok([...statuses.keys()].some((k) => k.startsWith('400 InvalidParameterException')), 'some were invalid');

    // Still serving, and the fixture data is intact.
    const d = await send('DescribeLogGroups', { bytes: Buffer.from('{}'), gzip: false, kind: 'final' });
    assert.equal(d.status, 200, d.text);
    assert.ok((JSON.parse(d.text) as { logGroups: { logGroupName: string }[] }).logGroups.some((x) => x.logGroupName === '/keep/intact'));
    const f = await send('FilterLogEvents', { bytes: Buffer.from('{"logGroupName":"/keep/intact","filterPattern":"\\"kept event\\""}'), gzip: false, kind: 'final' });
    assert.equal(f.status, 200, f.text);
    assert.equal((JSON.parse(f.text) as { events: unknown[] }).events.length, 20);
  });
});
