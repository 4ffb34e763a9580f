/**
 * End to end with the AWS SDK for JavaScript v3 (@aws-sdk/client-cloudwatch-logs) against an
 * in-process Trailwatch: every call goes through the SDK's real serializer, SigV4 signer and
 * error deserializer, so the wire format has to be what AWS sends and answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
  paginateGetLogEvents,
  type FilteredLogEvent,
  type InputLogEvent,
  type OutputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let srv: TestServer;
let cw: CloudWatchLogsClient;

before(async () => {
  srv = await startTestServer();
  cw = new CloudWatchLogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
});
after(async () => {
  cw?.destroy();
  await srv?.cleanup();
});

let n = 0;
/** A fresh group (and optionally streams) for one test. */
async function group(streams: string[] = [], prefix = '/sdk/t'): Promise<string> {
  const name = `${prefix}${++n}-${Date.now()}`;
  await cw.send(new CreateLogGroupCommand({ logGroupName: name }));
  for (const s of streams) await cw.send(new CreateLogStreamCommand({ logGroupName: name, logStreamName: s }));
  return name;
}

/** Every event of a stream, oldest first (forward paging until the token repeats). */
async function allEvents(logGroupName: string, logStreamName: string): Promise<OutputLogEvent[]> {
  const out: OutputLogEvent[] = [];
  for await (const page of paginateGetLogEvents({ client: cw, stopOnSameToken: true }, { logGroupName, logStreamName, startFromHead: true })) out.push(...(page.events ?? []));
  return out;
}

/** Asserts an SDK call failed with the modelled exception class, HTTP 400 and a message matching `msg`. */
async function rejectsWith(p: Promise<unknown>, cls: abstract new (...a: never[]) => Error, name: string, msg: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    const err = e as Error & { $metadata: { httpStatusCode?: number; requestId?: string }; $fault: string };
    assert.equal(err.name, name);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.$fault, 'client');
    assert.ok(err.$metadata.requestId, 'x-amzn-requestid is read by the SDK');
    assert.match(err.message, msg);
    return true;
  });
}

describe('log groups', () => {
  it('creates, describes by prefix and by pattern, and refuses duplicates', async () => {
    const before = Date.now();
    await cw.send(new CreateLogGroupCommand({ logGroupName: '/sdk/groups/Alpha', tags: { team: 'sec' } }));
    await cw.send(new CreateLogGroupCommand({ logGroupName: '/sdk/groups/beta', logGroupClass: 'INFREQUENT_ACCESS' }));
    await cw.send(new CreateLogGroupCommand({ logGroupName: '/sdk/other/AlphaBeta' }));

    const byPrefix = await cw.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/sdk/groups/' }));
    assert.deepEqual(byPrefix.logGroups?.map((g) => g.logGroupName), ['/sdk/groups/Alpha', '/sdk/groups/beta']);
    const a = byPrefix.logGroups![0];
    assert.equal(a.arn, 'arn:aws:logs:us-east-1:000000000000:log-group:/sdk/groups/Alpha:*');
    assert.equal(a.logGroupArn, 'arn:aws:logs:us-east-1:000000000000:log-group:/sdk/groups/Alpha');
    assert.equal(a.logGroupClass, 'STANDARD');
    assert.equal(byPrefix.logGroups![1].logGroupClass, 'INFREQUENT_ACCESS');
    assert.ok(a.creationTime! >= before - 1000 && a.creationTime! <= Date.now(), `creationTime ${a.creationTime}`);
    assert.equal(a.storedBytes, 0);
    assert.equal(a.retentionInDays, undefined);
    assert.equal(byPrefix.nextToken, undefined);

    // The pattern is a case-sensitive substring match and returns only three fields.
    const byPattern = await cw.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'Alpha' }));
    assert.deepEqual(byPattern.logGroups?.map((g) => g.logGroupName), ['/sdk/groups/Alpha', '/sdk/other/AlphaBeta']);
    assert.deepEqual(Object.keys(byPattern.logGroups![0]).filter((k) => byPattern.logGroups![0][k as 'arn'] !== undefined).sort(), ['arn', 'creationTime', 'logGroupName']);
    assert.deepEqual((await cw.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'alpha' }))).logGroups, []);

    await rejectsWith(cw.send(new CreateLogGroupCommand({ logGroupName: '/sdk/groups/Alpha' })), ResourceAlreadyExistsException, 'ResourceAlreadyExistsException', /^The specified log group already exists$/);
    await rejectsWith(cw.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/sdk', logGroupNamePattern: 'x' })), InvalidParameterException, 'InvalidParameterException', /mutually exclusive/);
  });

  it('validates names with the AWS validation message', async () => {
    await rejectsWith(cw.send(new CreateLogGroupCommand({ logGroupName: 'bad:name' })), InvalidParameterException, 'InvalidParameterException',
      /^1 validation error detected: Value 'bad:name' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
    await rejectsWith(cw.send(new CreateLogGroupCommand({ logGroupName: 'x'.repeat(513) })), InvalidParameterException, 'InvalidParameterException',
      /at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512/);
    await rejectsWith(cw.send(new CreateLogGroupCommand({ logGroupName: '' })), InvalidParameterException, 'InvalidParameterException', /Member must have length greater than or equal to 1/);
    const g = await group();
    await rejectsWith(cw.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 'a:b' })), InvalidParameterException, 'InvalidParameterException',
      /^1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\^:\*\]\*$/);
    const r = await cw.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'bad' }));
    assert.deepEqual(r.logGroups, [], 'nothing was created by the failed calls');
  });

  it('sets and deletes retention, refusing values outside the AWS list', async () => {
    const g = await group();
    await cw.send(new PutRetentionPolicyCommand({ logGroupName: g, retentionInDays: 30 }));
    let d = await cw.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }));
    assert.equal(d.logGroups![0].retentionInDays, 30);
    await rejectsWith(cw.send(new PutRetentionPolicyCommand({ logGroupName: g, retentionInDays: 2 })), InvalidParameterException, 'InvalidParameterException',
      /^1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: \[1, 3, 5, 7, 14, 30/);
    d = await cw.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }));
    assert.equal(d.logGroups![0].retentionInDays, 30, 'a refused value leaves the policy unchanged');
    await cw.send(new DeleteRetentionPolicyCommand({ logGroupName: g }));
    d = await cw.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }));
    assert.equal(d.logGroups![0].retentionInDays, undefined);
    await rejectsWith(cw.send(new PutRetentionPolicyCommand({ logGroupName: `${g}-missing`, retentionInDays: 1 })), ResourceNotFoundException, 'ResourceNotFoundException', /^The specified log group does not exist\.$/);
  });

  it('tags by ARN (with and without :*) and untags', async () => {
    const g = await group();
    const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${g}`;
    await cw.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'prod', owner: 'secops' } }));
    await cw.send(new TagResourceCommand({ resourceArn: `${arn}:*`, tags: { env: 'dev' } }));
    assert.deepEqual((await cw.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { env: 'dev', owner: 'secops' });
    await cw.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env', 'absent'] }));
    assert.deepEqual((await cw.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { owner: 'secops' });
    await rejectsWith(cw.send(new ListTagsForResourceCommand({ resourceArn: `${arn}-missing` })), ResourceNotFoundException, 'ResourceNotFoundException', /does not exist/);
  });

  it('deletes streams and groups, after which they are not found', async () => {
    const g = await group(['s1', 's2']);
    await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 's1', logEvents: [{ timestamp: Date.now(), message: 'bye' }] }));
    await cw.send(new DeleteLogStreamCommand({ logGroupName: g, logStreamName: 's1' }));
    const s = await cw.send(new DescribeLogStreamsCommand({ logGroupName: g }));
    assert.deepEqual(s.logStreams?.map((x) => x.logStreamName), ['s2']);
    await rejectsWith(cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's1' })), ResourceNotFoundException, 'ResourceNotFoundException', /^The specified log stream does not exist\.$/);
    await rejectsWith(cw.send(new DeleteLogStreamCommand({ logGroupName: g, logStreamName: 's1' })), ResourceNotFoundException, 'ResourceNotFoundException', /log stream does not exist/);
    await cw.send(new DeleteLogGroupCommand({ logGroupName: g }));
    assert.deepEqual((await cw.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }))).logGroups, []);
    await rejectsWith(cw.send(new DeleteLogGroupCommand({ logGroupName: g })), ResourceNotFoundException, 'ResourceNotFoundException', /^The specified log group does not exist\.$/);
    await rejectsWith(cw.send(new FilterLogEventsCommand({ logGroupName: g })), ResourceNotFoundException, 'ResourceNotFoundException', /log group does not exist/);
    // A group re-created under the same name starts empty.
    await cw.send(new CreateLogGroupCommand({ logGroupName: g }));
    assert.deepEqual((await cw.send(new FilterLogEventsCommand({ logGroupName: g }))).events, []);
  });

  it('paginates DescribeLogGroups in ASCII order without gaps or repeats', async () => {
    const names = ['/sdk/page/B', '/sdk/page/a', '/sdk/page/A', '/sdk/page/_x', '/sdk/page/9', '/sdk/page/a.b', '/sdk/page/a-b'];
    for (const name of names) await cw.send(new CreateLogGroupCommand({ logGroupName: name }));
    const pages: string[][] = [];
    for await (const page of paginateDescribeLogGroups({ client: cw, pageSize: 2 }, { logGroupNamePrefix: '/sdk/page/' })) pages.push(page.logGroups!.map((g) => g.logGroupName!));
    assert.deepEqual(pages.flat(), [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    assert.deepEqual(pages.map((p) => p.length), [2, 2, 2, 1]);
  });
});

describe('log streams', () => {
  it('describes streams with event times, by prefix, ordered and paged', async () => {
    const g = await group(['web-2', 'web-1', 'db-1']);
    const t0 = Date.now() - HOUR;
    await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 'web-2', logEvents: [{ timestamp: t0, message: 'a' }, { timestamp: t0 + 5, message: 'b' }] }));
    await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 'db-1', logEvents: [{ timestamp: t0 + 100, message: 'c' }] }));

    const all = await cw.send(new DescribeLogStreamsCommand({ logGroupName: g }));
    assert.deepEqual(all.logStreams?.map((s) => s.logStreamName), ['db-1', 'web-1', 'web-2']);
    const web2 = all.logStreams!.find((s) => s.logStreamName === 'web-2')!;
    assert.equal(web2.firstEventTimestamp, t0);
    assert.equal(web2.lastEventTimestamp, t0 + 5);
    assert.ok(web2.lastIngestionTime! >= web2.creationTime!);
    assert.equal(web2.arn, `arn:aws:logs:us-east-1:000000000000:log-group:${g}:log-stream:web-2`);
    const web1 = all.logStreams!.find((s) => s.logStreamName === 'web-1')!;
    assert.equal(web1.firstEventTimestamp, undefined, 'a stream without events has no event times');

    const prefixed = await cw.send(new DescribeLogStreamsCommand({ logGroupName: g, logStreamNamePrefix: 'web', descending: true }));
    assert.deepEqual(prefixed.logStreams?.map((s) => s.logStreamName), ['web-2', 'web-1']);
    const byTime = await cw.send(new DescribeLogStreamsCommand({ logGroupName: g, orderBy: 'LastEventTime', descending: true }));
    assert.deepEqual(byTime.logStreams?.slice(0, 2).map((s) => s.logStreamName), ['db-1', 'web-2']);
    await rejectsWith(cw.send(new DescribeLogStreamsCommand({ logGroupName: g, logStreamNamePrefix: 'web', orderBy: 'LastEventTime' })), InvalidParameterException, 'InvalidParameterException', /LastEventTime/);

    const p1 = await cw.send(new DescribeLogStreamsCommand({ logGroupName: g, limit: 2 }));
    assert.equal(p1.logStreams?.length, 2);
    assert.ok(p1.nextToken);
    const p2 = await cw.send(new DescribeLogStreamsCommand({ logGroupName: g, limit: 2, nextToken: p1.nextToken }));
    assert.deepEqual(p2.logStreams?.map((s) => s.logStreamName), ['web-2']);
    assert.equal(p2.nextToken, undefined);

    // logGroupIdentifier takes the ARN.
    const byArn = await cw.send(new DescribeLogStreamsCommand({ logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${g}`, logStreamNamePrefix: 'db' }));
    assert.deepEqual(byArn.logStreams?.map((s) => s.logStreamName), ['db-1']);

    await rejectsWith(cw.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 'web-1' })), ResourceAlreadyExistsException, 'ResourceAlreadyExistsException', /^The specified log stream already exists$/);
    await rejectsWith(cw.send(new CreateLogStreamCommand({ logGroupName: `${g}-nope`, logStreamName: 'x' })), ResourceNotFoundException, 'ResourceNotFoundException', /log group does not exist/);
  });
});

describe('PutLogEvents', () => {
  it('stores a batch and returns a sequence token', async () => {
    const g = await group(['s']);
    const t = Date.now() - 1000;
    const messages = ['plain', 'ünïcödé ✓ 日本語', '{"json":true,"n":[1,2]}', 'multi\nline\ttabs', ' leading and trailing spaces '];
    const r = await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 's', logEvents: messages.map((message, i) => ({ timestamp: t + i, message })) }));
    assert.match(r.nextSequenceToken ?? '', /^\d+$/);
    assert.equal(r.rejectedLogEventsInfo, undefined);
    const got = await allEvents(g, 's');
    assert.deepEqual(got.map((e) => [e.timestamp, e.message]), messages.map((m, i) => [t + i, m]));
    for (const e of got) assert.ok(e.ingestionTime! >= t && e.ingestionTime! <= Date.now());
    // The sequence token is accepted and ignored (AWS no longer checks it).
    await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 's', sequenceToken: 'whatever', logEvents: [{ timestamp: t + 10, message: 'later' }] }));
    assert.equal((await allEvents(g, 's')).length, messages.length + 1);
  });

  it('stores lone UTF-16 surrogates as U+FFFD without failing concurrent batches', async () => {
    // The SDK sends a lone surrogate as a "\ud800" JSON escape; it has no UTF-8 form.
    const g = await group(['s', 'other']);
    const t = Date.now() - 1000;
    const put = (logStreamName: string, message: string) => cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName, logEvents: [{ timestamp: t, message }] }));
    const results = await Promise.allSettled([put('other', 'good before'), put('s', 'lone \ud800 high, \udfff low, pair \ud83d\ude80'), put('other', 'good after')]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled'], JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))));
    assert.deepEqual((await allEvents(g, 's')).map((e) => e.message), ['lone \ufffd high, \ufffd low, pair 🚀']);
    assert.deepEqual((await allEvents(g, 'other')).map((e) => e.message).sort(), ['good after', 'good before']);
    // In a stream name too.
    await cw.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 'x\udc00y' }));
    await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 'x\ufffdy', logEvents: [{ timestamp: t, message: 'named' }] }));
    assert.deepEqual((await cw.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: 'named' }))).events?.map((e) => e.logStreamName), ['x\ufffdy']);
  });

  it('reports too-old events with an exclusive end index and stores the rest', async () => {
    const g = await group(['s']);
    const now = Date.now();
    const events: InputLogEvent[] = [
      { timestamp: now - 14 * DAY - 2 * HOUR, message: 'old-0' },
      { timestamp: now - 14 * DAY - HOUR, message: 'old-1' },
      { timestamp: now - 14 * DAY + HOUR, message: 'ok-2' },
      { timestamp: now - 14 * DAY + 2 * HOUR, message: 'ok-3' },
    ];
    const r = await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 's', logEvents: events }));
    assert.deepEqual(r.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 2 });
    assert.deepEqual((await allEvents(g, 's')).map((e) => e.message), ['ok-2', 'ok-3']);

    // now - 15 days: the whole batch is too old; nothing is stored.
    const r2 = await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 's', logEvents: [{ timestamp: now - 15 * DAY, message: 'x' }, { timestamp: now - 15 * DAY + 1, message: 'y' }] }));
    assert.deepEqual(r2.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 2 });
    assert.equal((await allEvents(g, 's')).length, 2);
  });

  it('reports too-new events with an inclusive start index and stores the rest', async () => {
    const g = await group(['s']);
    const now = Date.now();
    const r = await cw.send(new PutLogEventsCommand({
      logGroupName: g, logStreamName: 's', logEvents: [
        { timestamp: now - 1000, message: 'ok-0' },
        { timestamp: now + HOUR, message: 'ok-1' },
        { timestamp: now + 3 * HOUR, message: 'new-2' },
        { timestamp: now + 4 * HOUR, message: 'new-3' },
      ],
    }));
    assert.deepEqual(r.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 2 });
    assert.deepEqual((await allEvents(g, 's')).map((e) => e.message), ['ok-0', 'ok-1']);
  });

  it('reports events older than the retention as expired', async () => {
    const g = await group(['s']);
    await cw.send(new PutRetentionPolicyCommand({ logGroupName: g, retentionInDays: 1 }));
    const now = Date.now();
    const r = await cw.send(new PutLogEventsCommand({
      logGroupName: g, logStreamName: 's', logEvents: [
        { timestamp: now - DAY - 2 * HOUR, message: 'exp-0' },
        { timestamp: now - DAY - HOUR, message: 'exp-1' },
        { timestamp: now - 3 * HOUR, message: 'ok-2' },
      ],
    }));
    assert.deepEqual(r.rejectedLogEventsInfo, { expiredLogEventEndIndex: 2 });
    assert.deepEqual((await allEvents(g, 's')).map((e) => e.message), ['ok-2']);
  });

  it('fails whole batches that break the limits, storing nothing', async () => {
    const g = await group(['s']);
    const now = Date.now();
    const put = (logEvents: InputLogEvent[]) => cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 's', logEvents }));
    await rejectsWith(put([{ timestamp: now, message: 'b' }, { timestamp: now - 1, message: 'a' }]), InvalidParameterException, 'InvalidParameterException', /chronological order/);
    await rejectsWith(put([{ timestamp: now - 25 * HOUR, message: 'a' }, { timestamp: now, message: 'b' }]), InvalidParameterException, 'InvalidParameterException', /24 hours/);
    const many = Array.from({ length: 10_001 }, (_, i) => ({ timestamp: now - 20_000 + i, message: `m${i}` }));
    await rejectsWith(put(many), InvalidParameterException, 'InvalidParameterException', /^1 validation error detected: Value '\[10001 items\]' at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000/);
    // Five events of 250,000 bytes: each is under the 256 KB event limit, together over 1 MiB.
    const big = Array.from({ length: 5 }, (_, i) => ({ timestamp: now - 10 + i, message: String(i).repeat(250_000) }));
    await rejectsWith(put(big), InvalidParameterException, 'InvalidParameterException', /1048576/);
    await rejectsWith(put([{ timestamp: now, message: 'x'.repeat(262_144) }]), InvalidParameterException, 'InvalidParameterException', /too large/i);
    await rejectsWith(put([{ timestamp: now, message: 'ok' }, { timestamp: now, message: '' }]), InvalidParameterException, 'InvalidParameterException',
      /^1 validation error detected: Value '' at 'logEvents\.2\.member\.message' failed to satisfy constraint: Member must have length greater than or equal to 1$/);
    await rejectsWith(put([]), InvalidParameterException, 'InvalidParameterException', /at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1/);
    await rejectsWith(cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 'missing', logEvents: [{ timestamp: now, message: 'x' }] })), ResourceNotFoundException, 'ResourceNotFoundException', /log stream does not exist/);
    assert.deepEqual(await allEvents(g, 's'), [], 'no refused batch left anything behind');
    // Exactly at the limits is fine: 10,000 events, one batch.
    const max = Array.from({ length: 10_000 }, (_, i) => ({ timestamp: now - 20_000 + i, message: `m${i}` }));
    const ok = await put(max);
    assert.equal(ok.rejectedLogEventsInfo, undefined);
    const stored = await allEvents(g, 's');
    assert.equal(stored.length, 10_000);
    assert.equal(stored[9_999].message, 'm9999');
  });

  it('stores a retried identical batch once', async () => {
    const g = await group(['s']);
    const t = Date.now() - 5000;
    const input = { logGroupName: g, logStreamName: 's', logEvents: [{ timestamp: t, message: 'once-a' }, { timestamp: t + 1, message: 'once-b' }] };
    const r1 = await cw.send(new PutLogEventsCommand(input));
    const r2 = await cw.send(new PutLogEventsCommand(input));
    assert.ok(r1.nextSequenceToken && r2.nextSequenceToken);
    assert.deepEqual((await allEvents(g, 's')).map((e) => e.message), ['once-a', 'once-b']);
    // The same events in a different stream are a different batch.
    await cw.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 's2' }));
    await cw.send(new PutLogEventsCommand({ ...input, logStreamName: 's2' }));
    assert.equal((await allEvents(g, 's2')).length, 2);
    // Concurrent duplicates too.
    const input3 = { ...input, logEvents: [{ timestamp: t + 2, message: 'race' }] };
    await Promise.all([cw.send(new PutLogEventsCommand(input3)), cw.send(new PutLogEventsCommand(input3)), cw.send(new PutLogEventsCommand(input3))]);
    assert.deepEqual((await allEvents(g, 's')).map((e) => e.message), ['once-a', 'once-b', 'race']);
  });
});

describe('GetLogEvents', () => {
  let g: string;
  let t0: number;
  before(async () => {
    g = await group(['s', 'empty']);
    t0 = Date.now() - HOUR;
    await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 's', logEvents: Array.from({ length: 10 }, (_, i) => ({ timestamp: t0 + i * 1000, message: `e${i}` })) }));
  });

  it('returns the latest events by default and the oldest with startFromHead', async () => {
    const latest = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', limit: 3 }));
    assert.deepEqual(latest.events?.map((e) => e.message), ['e7', 'e8', 'e9']);
    const head = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', limit: 3, startFromHead: true }));
    assert.deepEqual(head.events?.map((e) => e.message), ['e0', 'e1', 'e2']);
    assert.match(head.nextForwardToken!, /^f\//);
    assert.match(head.nextBackwardToken!, /^b\//);
  });

  it('pages forward until the token repeats', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let calls = 0;
    for (;;) {
      const r = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', limit: 4, startFromHead: true, nextToken: token }));
      calls++;
      seen.push(...r.events!.map((e) => e.message!));
      if (r.nextForwardToken === token) { assert.deepEqual(r.events, [], 'the last page is empty'); break; }
      token = r.nextForwardToken;
      assert.ok(calls < 10, 'paging must end');
    }
    assert.deepEqual(seen, Array.from({ length: 10 }, (_, i) => `e${i}`));
    assert.equal(calls, 4);
    // Asking again with the final token still answers the same token.
    const again = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', startFromHead: true, nextToken: token }));
    assert.equal(again.nextForwardToken, token);
    // New events after the end are picked up from the saved token.
    await cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: 's', logEvents: [{ timestamp: t0 + 20_000, message: 'e10' }] }));
    const more = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', startFromHead: true, nextToken: token }));
    assert.deepEqual(more.events?.map((e) => e.message), ['e10']);
    assert.notEqual(more.nextForwardToken, token);
  });

  it('pages backward from the latest events', async () => {
    const first = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', limit: 4, endTime: t0 + 10_000 }));
    assert.deepEqual(first.events?.map((e) => e.message), ['e6', 'e7', 'e8', 'e9']);
    const back = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', limit: 4, nextToken: first.nextBackwardToken }));
    assert.deepEqual(back.events?.map((e) => e.message), ['e2', 'e3', 'e4', 'e5']);
  });

  it('honours startTime (inclusive) and endTime (exclusive)', async () => {
    const r = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', startTime: t0 + 2000, endTime: t0 + 5000, startFromHead: true }));
    assert.deepEqual(r.events?.map((e) => e.message), ['e2', 'e3', 'e4']);
  });

  it('answers an empty stream with tokens that end paging at once', async () => {
    const r = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 'empty', startFromHead: true }));
    assert.deepEqual(r.events, []);
    assert.ok(r.nextForwardToken && r.nextBackwardToken);
    const r2 = await cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 'empty', startFromHead: true, nextToken: r.nextForwardToken }));
    assert.equal(r2.nextForwardToken, r.nextForwardToken);
  });

  it('works through paginateGetLogEvents', async () => {
    const pages: string[][] = [];
    for await (const p of paginateGetLogEvents({ client: cw, pageSize: 3, stopOnSameToken: true }, { logGroupName: g, logStreamName: 's', startFromHead: true })) pages.push(p.events!.map((e) => e.message!));
    assert.deepEqual(pages.flat().slice(0, 11), [...Array.from({ length: 10 }, (_, i) => `e${i}`), 'e10']);
    assert.deepEqual(pages.map((p) => p.length), [3, 3, 3, 2, 0]);
  });

  it('refuses a forged token', async () => {
    await rejectsWith(cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', nextToken: 'f/garbage' })), InvalidParameterException, 'InvalidParameterException', /nextToken/);
    await rejectsWith(cw.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', nextToken: `f/${'9'.repeat(42)}` })), InvalidParameterException, 'InvalidParameterException', /nextToken/);
  });
});

describe('FilterLogEvents', () => {
  let g: string;
  let t0: number;
  before(async () => {
    g = await group(['api-1', 'api-2', 'worker']);
    t0 = Date.now() - 2 * HOUR;
    const put = (s: string, ev: [number, string][]) => cw.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: ev.map(([dt, message]) => ({ timestamp: t0 + dt, message })) }));
    await put('api-1', [[0, 'GET /a 200'], [3000, 'POST /b 500 ERROR boom'], [6000, 'GET /c 200']]);
    await put('api-2', [[1000, 'GET /d 404 WARN'], [4000, 'ERROR timeout upstream'], [7000, 'GET /e 200']]);
    await put('worker', [[2000, 'job started'], [5000, 'job ERROR retrying'], [8000, 'job done']]);
  });

  const msgs = (events: FilteredLogEvent[] | undefined) => (events ?? []).map((e) => e.message);

  it('interleaves all streams by timestamp', async () => {
    const r = await cw.send(new FilterLogEventsCommand({ logGroupName: g }));
    assert.deepEqual(r.events?.map((e) => e.timestamp! - t0), [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
    assert.deepEqual(r.events?.map((e) => e.logStreamName), ['api-1', 'api-2', 'worker', 'api-1', 'api-2', 'worker', 'api-1', 'api-2', 'worker']);
    assert.equal(new Set(r.events!.map((e) => e.eventId)).size, 9, 'event ids are unique');
    assert.equal(r.nextToken, undefined);
  });

  it('matches terms, phrases, exclusions and alternatives', async () => {
    assert.deepEqual(msgs((await cw.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: 'ERROR' }))).events), ['POST /b 500 ERROR boom', 'ERROR timeout upstream', 'job ERROR retrying']);
    assert.deepEqual(msgs((await cw.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: 'ERROR job' }))).events), ['job ERROR retrying']);
    assert.deepEqual(msgs((await cw.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: '"GET /c"' }))).events), ['GET /c 200']);
    assert.deepEqual(msgs((await cw.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: 'GET -200' }))).events), ['GET /d 404 WARN']);
    assert.deepEqual(msgs((await cw.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: '?WARN ?boom' }))).events), ['GET /d 404 WARN', 'POST /b 500 ERROR boom']);
    assert.deepEqual(msgs((await cw.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: 'error' }))).events), [], 'terms are case-sensitive');
  });

  it('restricts by time range and streams', async () => {
    const r = await cw.send(new FilterLogEventsCommand({ logGroupName: g, startTime: t0 + 2000, endTime: t0 + 5000 }));
    assert.deepEqual(r.events?.map((e) => e.timestamp! - t0), [2000, 3000, 4000, 5000]);
    const s = await cw.send(new FilterLogEventsCommand({ logGroupName: g, logStreamNames: ['api-2', 'worker'], filterPattern: 'ERROR' }));
    assert.deepEqual(msgs(s.events), ['ERROR timeout upstream', 'job ERROR retrying']);
    const p = await cw.send(new FilterLogEventsCommand({ logGroupName: g, logStreamNamePrefix: 'api' }));
    assert.equal(p.events?.length, 6);
    assert.ok(p.events!.every((e) => e.logStreamName!.startsWith('api')));
    await rejectsWith(cw.send(new FilterLogEventsCommand({ logGroupName: g, logStreamNames: ['api-1'], logStreamNamePrefix: 'api' })), InvalidParameterException, 'InvalidParameterException', /mutually exclusive/);
    const byArn = await cw.send(new FilterLogEventsCommand({ logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${g}`, filterPattern: 'done' }));
    assert.deepEqual(msgs(byArn.events), ['job done']);
  });

  it('pages with nextToken through paginateFilterLogEvents', async () => {
    const pages: FilteredLogEvent[][] = [];
    for await (const page of paginateFilterLogEvents({ client: cw, pageSize: 2 }, { logGroupName: g })) pages.push(page.events ?? []);
    const all = pages.flat();
    assert.equal(all.length, 9);
    assert.deepEqual(all.map((e) => e.timestamp! - t0), [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
    assert.ok(pages.length >= 5, `pages: ${pages.length}`);
    assert.ok(pages.every((p) => p.length <= 2));
  });

  it('refuses unsupported or broken patterns instead of matching everything', async () => {
    await rejectsWith(cw.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: '"unterminated' })), InvalidParameterException, 'InvalidParameterException', /pattern/i);
  });
});
