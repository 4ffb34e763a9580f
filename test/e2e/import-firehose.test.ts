/**
 * The Kinesis Data Firehose HTTP endpoint destination (aws-facts 7.5) with CloudWatch Logs subscription
 * payloads inside the records (gzip, base64), as CloudWatch Logs → Firehose → Trailwatch delivers them.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { cloudTrailRecord, SERVICE_EVERY } from '../fixtures/import/aws-logs.js';
import { TOKEN, api, countRows } from '../fixtures/import/helpers.js';
import { rows } from '../../src/store/engine.js';

const NOW = Date.now();
const ARN = 'arn:aws:firehose:us-east-1:123456789012:deliverystream/cwl-to-trailwatch';
let srv: TestServer;

before(async () => {
  const dataDir = tempDir();
  writeFileSync(join(dataDir, 'import.json'), JSON.stringify({ firehose: { maxBodyBytes: 512 * 1024 } }));
  srv = await startTestServer({ dataDir });
});
after(async () => { await srv.cleanup(); });

function payload(logGroup: string, logStream: string, messages: string[], base = NOW - 60_000): Buffer {
  return gzipSync(JSON.stringify({
    messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup, logStream, subscriptionFilters: ['to-firehose'],
    logEvents: messages.map((message, i) => ({ id: String(36000000000000000000000000000000000000000000000000000000n + BigInt(base + i)), timestamp: base + i * 10, message })),
  }));
}

const control = gzipSync(JSON.stringify({ messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [], logEvents: [{ id: '', timestamp: NOW, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] }));

async function deliver(records: Buffer[], o: { requestId?: string; accessKey?: string; gzip?: boolean; body?: Buffer } = {}): Promise<{ status: number; json: Record<string, unknown>; requestId: string }> {
  const requestId = o.requestId ?? randomUUID();
  let body = o.body ?? Buffer.from(JSON.stringify({ requestId, timestamp: NOW, records: records.map((r) => ({ data: r.toString('base64') })) }));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amz-firehose-protocol-version': '1.0',
    'x-amz-firehose-request-id': requestId,
    'x-amz-firehose-source-arn': ARN,
    'x-amz-firehose-common-attributes': JSON.stringify({ commonAttributes: { env: 'test' } }),
  };
  if (o.accessKey !== '') headers['x-amz-firehose-access-key'] = o.accessKey ?? TOKEN;
  if (o.gzip) { body = gzipSync(body); headers['content-encoding'] = 'gzip'; }
  const r = await fetch(`${srv.url}/firehose`, { method: 'POST', headers, body });
  assert.equal(r.headers.get('content-type'), 'application/json');
  return { status: r.status, json: await r.json() as Record<string, unknown>, requestId };
}

test('CloudWatch Logs subscription payloads land in groups named after their origin, 200 only after storing', { timeout: 60_000 }, async () => {
  const trail = Array.from({ length: 40 }, (_, i) => JSON.stringify(cloudTrailRecord('fh', i, '123456789012', 'us-east-1', NOW - 60_000 + i)));
  const app = ['START RequestId: 1', 'payment accepted order=42', 'END RequestId: 1'];
  const r = await deliver([payload('CloudTrail/logs', '123456789012_CloudTrail_us-east-1', trail), payload('/aws/lambda/checkout', '2026/11/22/[$LATEST]abc', app), control]);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.requestId, r.requestId);
  assert.equal(typeof r.json.timestamp, 'number');
  assert.equal(r.json.errorMessage, undefined);

  // CloudTrail messages are typed as CloudTrail (service chatter diverted by the built-in rules)…
  const ct = srv.store.meta.groups.get('CloudTrail/logs');
  assert.ok(ct);
  assert.equal(ct.table, 'events_cloudtrail');
  assert.ok(ct.streams.has('123456789012_CloudTrail_us-east-1'));
  const service = trail.filter((_, i) => i % SERVICE_EVERY === 0).length;
  assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group = 'CloudTrail/logs'"), 40 - service);
  assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group = 'CloudTrail/logs/suppressed'"), service);
  // …and other messages keep their origin in the subscription table.
  const lambda = srv.store.meta.groups.get('/aws/lambda/checkout');
  assert.ok(lambda);
  assert.equal(lambda.table, 'events_cwl_subscription');
  const got = await rows<{ message: string; origin_log_group: string; origin_owner: string; timestamp: string }>(srv.store.engine, "SELECT message, origin_log_group, origin_owner, timestamp FROM events_cwl_subscription WHERE log_group = '/aws/lambda/checkout' ORDER BY timestamp");
  assert.deepEqual(got.map((x) => x.message), app);
  assert.equal(got[0].origin_log_group, '/aws/lambda/checkout');
  assert.equal(got[0].origin_owner, '123456789012');
  assert.equal(Number(got[0].timestamp), NOW - 60_000);

  // A retry of the same request id is acknowledged without storing anything again.
  const before = await countRows(srv.store, 'events_cwl_subscription');
  const again = await deliver([payload('/aws/lambda/checkout', '2026/11/22/[$LATEST]abc', app)], { requestId: r.requestId });
  assert.equal(again.status, 200);
  assert.equal(await countRows(srv.store, 'events_cwl_subscription'), before);
});

test('gzip request bodies; access key as accessKeyId:secret', { timeout: 30_000 }, async () => {
  const r = await deliver([payload('/app/gz', 's1', ['one', 'two'])], { gzip: true, accessKey: `${TEST_KEY.accessKeyId}:${TEST_KEY.secretAccessKey}` });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(await countRows(srv.store, 'events_cwl_subscription', "log_group = '/app/gz'"), 2);
});

test('a missing or wrong access key is refused with errorMessage; nothing stored', { timeout: 30_000 }, async () => {
  for (const accessKey of ['', 'tw1.AKIATESTTRAILWATCH01.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `${TEST_KEY.accessKeyId}:wrong`]) {
    const r = await deliver([payload('/app/denied', 's', ['x'])], { accessKey });
    assert.equal(r.status, 401);
    assert.equal(r.json.requestId, r.requestId);
    assert.equal(typeof r.json.timestamp, 'number');
    assert.match(String(r.json.errorMessage), /access key/i);
  }
  assert.equal(srv.store.meta.groups.get('/app/denied'), undefined);
});

test('413 for a body over the limit (Firehose does not retry it); 400 for a malformed one', { timeout: 30_000 }, async () => {
  const big = Array.from({ length: 8 }, (_, i) => Buffer.from(`${i}`.repeat(100_000)));
  const r = await deliver(big);
  assert.equal(r.status, 413);
  assert.equal(r.json.requestId, r.requestId);
  assert.match(String(r.json.errorMessage), /exceeds/);
  // Over the limit once decompressed, too.
  const zipped = await deliver(big, { gzip: true });
  assert.equal(zipped.status, 413);
  const bad = await deliver([], { body: Buffer.from('{"requestId": ') });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.errorMessage);
  const mismatch = await deliver([], { body: Buffer.from(JSON.stringify({ requestId: 'other', timestamp: NOW, records: [] })) });
  assert.equal(mismatch.status, 400);
});

test('deliveries are counted in the import stats', { timeout: 30_000 }, async () => {
  const st = await api(srv.url, '/api/v1/import/stats');
  assert.equal(st.status, 200);
  assert.ok((st.json.firehose as { requests: number }).requests >= 2);
});
