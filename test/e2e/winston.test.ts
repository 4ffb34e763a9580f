/**
 * End to end with winston + winston-cloudwatch (which drives the AWS SDK v3 itself): the
 * transport creates the group and stream, ships batches with PutLogEvents, and the messages
 * must come back unchanged through FilterLogEvents.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import winston from 'winston';
import WinstonCloudWatch from 'winston-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeLogStreamsCommand, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let cw: CloudWatchLogsClient;

before(async () => {
  srv = await startTestServer();
  cw = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
});
after(async () => {
  cw?.destroy();
  await srv?.cleanup();
});

type TransportOptions = ConstructorParameters<typeof WinstonCloudWatch>[0];

/** A logger with one CloudWatch transport pointed at Trailwatch; collects transport errors. */
function makeLogger(o: TransportOptions): { logger: winston.Logger; transport: WinstonCloudWatch; errors: unknown[] } {
  const errors: unknown[] = [];
  const transport = new WinstonCloudWatch({
    uploadRate: 200,
    level: 'debug',
    errorHandler: (e: unknown) => { errors.push(e); },
    awsOptions: { endpoint: srv.url, region: 'us-east-1', credentials: { accessKeyId: TEST_KEY.accessKeyId, secretAccessKey: TEST_KEY.secretAccessKey }, maxAttempts: 2 },
    ...o,
  });
  const logger = winston.createLogger({ level: 'debug', transports: [transport] });
  return { logger, transport, errors };
}

/** Flushes everything queued in the transport (its documented way to stop and drain). */
function flush(t: WinstonCloudWatch): Promise<void> {
  return new Promise((resolve, reject) => t.kthxbye((e?: Error) => (e ? reject(e) : resolve())));
}

async function filterAll(logGroupName: string, logStreamNames?: string[]): Promise<FilteredLogEvent[]> {
  const r = await cw.send(new FilterLogEventsCommand({ logGroupName, logStreamNames }));
  return r.events ?? [];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long messages are compared by length and hash so a failure prints something readable. */
const digest = (m: string) => (m.length > 200 ? `${m.slice(0, 40)}… (${m.length} chars, sha256 ${createHash('sha256').update(m).digest('hex').slice(0, 16)})` : m);

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('winston-cloudwatch', () => {
  it('creates the group and stream and ships text messages intact, in order', async () => {
    const group = '/winston/text';
    const { logger, transport, errors } = makeLogger({ logGroupName: group, logStreamName: 'app-1' });
    const sent = [
      'service started',
      'ünïcödé ✓ 日本語 — "quotes", commas, and = signs',
      'multi\nline\tmessage',
      'x'.repeat(100_000),
      'ERROR something broke: code=42',
    ];
    const before = Date.now();
    // The transport stamps events with Date.now() and sorts them with an unstable comparator,
    // so give each its own millisecond to make the order well defined.
    const levels = ['info', 'warn', 'debug', 'info', 'error'] as const;
    for (let i = 0; i < sent.length; i++) { logger.log(levels[i], sent[i]); await sleep(3); }
    await flush(transport);
    assert.deepEqual(errors, []);

    const events = await filterAll(group);
    assert.deepEqual(events.map((e) => digest(e.message!)), sent.map((m, i) => digest(`${levels[i]} - ${m}`)));
    assert.ok(events.every((e) => e.logStreamName === 'app-1'));
    assert.ok(events.every((e) => e.timestamp! >= before - 1000 && e.timestamp! <= Date.now()), 'timestamps are the log times');
    const streams = await cw.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    assert.deepEqual(streams.logStreams?.map((s) => s.logStreamName), ['app-1']);
    // Filtering through the SDK finds the error line by term.
    const errs = await cw.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'ERROR code=42' }));
    assert.deepEqual(errs.events?.map((e) => e.message), [`error - ${sent[4]}`]);
  });

  it('ships JSON messages (jsonMessage) that parse back to the logged object', async () => {
    const group = '/winston/json';
    const { logger, transport, errors } = makeLogger({ logGroupName: group, logStreamName: 'json-1', jsonMessage: true });
    logger.info('user login', { user: 'alice', sourceIp: '203.0.113.7', mfa: true, attempts: 3 });
    await sleep(3);
    logger.error('payment failed', { order: { id: 'o-1', amount: 12.5, items: ['a', 'b'] }, tags: null });
    await sleep(3);
    logger.warn('weird chars', { text: 'tab\there "q" \\ back ✓' });
    await flush(transport);
    assert.deepEqual(errors, []);

    const events = await filterAll(group);
    assert.equal(events.length, 3);
    const parsed = events.map((e) => JSON.parse(e.message!) as Record<string, unknown>);
    assert.deepEqual(parsed[0], { level: 'info', message: 'user login', user: 'alice', sourceIp: '203.0.113.7', mfa: true, attempts: 3 });
    assert.deepEqual(parsed[1], { level: 'error', message: 'payment failed', order: { id: 'o-1', amount: 12.5, items: ['a', 'b'] }, tags: null });
    assert.deepEqual(parsed[2], { level: 'warn', message: 'weird chars', text: 'tab\there "q" \\ back ✓' });
    // The pretty-printed JSON text itself is preserved byte for byte (indentation and newlines included).
    assert.equal(events[0].message, JSON.stringify(parsed[0], null, '  '));
  });

  it('writes to an existing group, sets retention on a new one, and uses a custom formatter', async () => {
    const group = '/winston/custom';
    const { logger, transport, errors } = makeLogger({
      logGroupName: group,
      logStreamName: () => 'dynamic-stream',
      retentionInDays: 7,
      messageFormatter: (l: winston.LogEntry) => `[${l.level.toUpperCase()}] ${l.message} ${JSON.stringify({ rid: l.requestId })}`,
    });
    logger.info('first', { requestId: 'r-1' });
    await flush(transport);
    // A second logger on the same, now existing, group and stream.
    const second = makeLogger({ logGroupName: group, logStreamName: 'dynamic-stream', messageFormatter: (l: winston.LogEntry) => `second ${l.message}` });
    second.logger.info('hello again');
    await flush(second.transport);
    assert.deepEqual([...errors, ...second.errors], []);

    assert.deepEqual((await filterAll(group, ['dynamic-stream'])).map((e) => e.message), ['[INFO] first {"rid":"r-1"}', 'second hello again']);
    // The retention is set asynchronously by the transport after it creates the group.
    const days = await waitFor('retention', async () => {
      const g = await cw.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
      return g.logGroups?.[0]?.retentionInDays;
    });
    assert.equal(days, 7);
  });

  it('ships many messages across several upload batches without loss or duplication', async () => {
    const group = '/winston/bulk';
    const { logger, transport, errors } = makeLogger({ logGroupName: group, logStreamName: 'bulk' });
    const N = 1500;
    // ~1.2 MB in total: more than one PutLogEvents batch (the transport caps batches at ~1 MB).
    for (let i = 0; i < N; i++) logger.info(`event ${String(i).padStart(5, '0')} ${'p'.repeat(800)}`);
    await flush(transport);
    assert.deepEqual(errors, []);

    const got: string[] = [];
    let nextToken: string | undefined;
    do {
      const r = await cw.send(new FilterLogEventsCommand({ logGroupName: group, nextToken }));
      got.push(...(r.events ?? []).map((e) => e.message!));
      nextToken = r.nextToken;
    } while (nextToken);
    assert.equal(got.length, N);
    assert.equal(new Set(got).size, N, 'no duplicates');
    const ids = got.map((m) => Number(/^info - event (\d+) /.exec(m)![1])).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: N }, (_, i) => i));
  });
});
