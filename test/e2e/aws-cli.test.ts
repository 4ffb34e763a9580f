/**
 * End to end with the real AWS CLI: Debian's CLI 2.x (/usr/bin/aws) for the full set of
 * `aws logs` calls, and the pip-installed CLI 1.x (botocore) for a subset when it exists.
 * The server runs in this process, so the CLI is always run with async execFile.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { awsEnv, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { AWS_CLI2, cliJson, expectCliError, findAwsCli1, runAwsCli, type CliRun } from '../helpers/aws-cli.js';

const exec = promisify(execFile);
const CLI2 = AWS_CLI2;
const HOUR = 3_600_000;

let srv: TestServer;
let work: string;

before(async () => {
  srv = await startTestServer();
  work = tempDir('tw-cli-');
});
after(async () => { await srv?.cleanup(); });

/** Runs `aws --endpoint-url <srv> --output json <args>`; never throws on a non-zero exit. */
const aws = (bin: string, args: string[]): Promise<CliRun> => runAwsCli(bin, srv.url, args);

/** Runs a call that must succeed and returns its parsed JSON output ({} when the CLI prints nothing). */
const ok = async <T = Record<string, unknown>>(bin: string, args: string[]): Promise<T> => cliJson<T>(await aws(bin, args), args);

/** Runs a call that must fail with a service error and checks the code and message the CLI prints. */
async function fails(bin: string, args: string[], code: string, op: string, message: RegExp): Promise<void> {
  const r = await aws(bin, args);
  expectCliError(r, code, op, message);
  assert.equal(r.stdout.trim(), '');
}

interface Group { logGroupName: string; creationTime: number; arn: string; retentionInDays?: number; storedBytes?: number; metricFilterCount?: number }
interface Stream { logStreamName: string; firstEventTimestamp?: number; lastEventTimestamp?: number; arn: string }
interface Ev { timestamp: number; message: string; ingestionTime: number; logStreamName?: string; eventId?: string }

describe('AWS CLI 2.x (/usr/bin/aws)', () => {
  const G = '/cli2/app';

  it('is installed and is version 2', async () => {
    const r = await exec(CLI2, ['--version'], { env: awsEnv() });
    assert.match(r.stdout + r.stderr, /^aws-cli\/2\./);
  });

  it('creates groups and streams and describes them by prefix and pattern', async () => {
    assert.deepEqual(await ok(CLI2, ['logs', 'create-log-group', '--log-group-name', G, '--tags', 'team=sec,env=test']), {});
    await ok(CLI2, ['logs', 'create-log-group', '--log-group-name', '/cli2/other-App']);
    await ok(CLI2, ['logs', 'create-log-stream', '--log-group-name', G, '--log-stream-name', 'web-1']);
    await ok(CLI2, ['logs', 'create-log-stream', '--log-group-name', G, '--log-stream-name', 'web-2']);

    const byPrefix = await ok<{ logGroups: Group[] }>(CLI2, ['logs', 'describe-log-groups', '--log-group-name-prefix', '/cli2/']);
    assert.deepEqual(byPrefix.logGroups.map((g) => g.logGroupName), ['/cli2/app', '/cli2/other-App']);
    const g = byPrefix.logGroups[0];
    assert.equal(g.arn, 'arn:aws:logs:us-east-1:000000000000:log-group:/cli2/app:*');
    assert.equal(g.metricFilterCount, 0);
    assert.ok(Math.abs(g.creationTime - Date.now()) < 60_000, `creationTime ${g.creationTime}`);

    const byPattern = await ok<{ logGroups: Group[] }>(CLI2, ['logs', 'describe-log-groups', '--log-group-name-pattern', 'App']);
    assert.deepEqual(byPattern.logGroups.map((x) => x.logGroupName), ['/cli2/other-App'], 'pattern is a case-sensitive substring');
    assert.deepEqual(Object.keys(byPattern.logGroups[0]).sort(), ['arn', 'creationTime', 'logGroupName']);

    const streams = await ok<{ logStreams: Stream[] }>(CLI2, ['logs', 'describe-log-streams', '--log-group-name', G]);
    assert.deepEqual(streams.logStreams.map((s) => s.logStreamName), ['web-1', 'web-2']);
    assert.equal(streams.logStreams[0].arn, 'arn:aws:logs:us-east-1:000000000000:log-group:/cli2/app:log-stream:web-1');
    const pref = await ok<{ logStreams: Stream[] }>(CLI2, ['logs', 'describe-log-streams', '--log-group-name', G, '--log-stream-name-prefix', 'web-2']);
    assert.deepEqual(pref.logStreams.map((s) => s.logStreamName), ['web-2']);
  });

  it('puts events from shorthand and from a JSON file, and reads them back intact', async () => {
    const t0 = Date.now() - HOUR;
    const r1 = await ok<{ nextSequenceToken: string; rejectedLogEventsInfo?: unknown }>(CLI2, ['logs', 'put-log-events', '--log-group-name', G, '--log-stream-name', 'web-1',
      '--log-events', `timestamp=${t0},message=GET /a 200`, `timestamp=${t0 + 1000},message=POST /b 500 ERROR`, `timestamp=${t0 + 2000},message=GET /c 200`]);
    assert.match(r1.nextSequenceToken, /^\d+$/);
    assert.equal(r1.rejectedLogEventsInfo, undefined);

    const fileEvents = [
      { timestamp: t0 + 500, message: '{"level":"error","msg":"disk full, retrying","n":[1,2,3]}' },
      { timestamp: t0 + 1500, message: 'ünïcödé ✓ 日本語 "quoted", commas, = signs' },
      { timestamp: t0 + 2500, message: 'line one\nline two\ttabbed' },
      { timestamp: t0 + 3500, message: 'ERROR timeout talking to upstream' },
    ];
    const file = join(work, 'events.json');
    writeFileSync(file, JSON.stringify(fileEvents));
    await ok(CLI2, ['logs', 'put-log-events', '--log-group-name', G, '--log-stream-name', 'web-2', '--log-events', `file://${file}`]);

    const got = await ok<{ events: Ev[]; nextForwardToken: string; nextBackwardToken: string }>(CLI2, ['logs', 'get-log-events', '--log-group-name', G, '--log-stream-name', 'web-2', '--start-from-head']);
    assert.deepEqual(got.events.map((e) => ({ timestamp: e.timestamp, message: e.message })), fileEvents);
    assert.ok(got.events.every((e) => e.ingestionTime >= t0));
    assert.match(got.nextForwardToken, /^f\//);
    assert.match(got.nextBackwardToken, /^b\//);

    const streams = await ok<{ logStreams: Stream[] }>(CLI2, ['logs', 'describe-log-streams', '--log-group-name', G]);
    const web1 = streams.logStreams.find((s) => s.logStreamName === 'web-1')!;
    assert.equal(web1.firstEventTimestamp, t0);
    assert.equal(web1.lastEventTimestamp, t0 + 2000);
  });

  it('pages get-log-events forward with --next-token until the token repeats', async () => {
    const latest = await ok<{ events: Ev[] }>(CLI2, ['logs', 'get-log-events', '--log-group-name', G, '--log-stream-name', 'web-1', '--limit', '2']);
    assert.deepEqual(latest.events.map((e) => e.message), ['POST /b 500 ERROR', 'GET /c 200'], 'without --start-from-head the latest events come back');

    const seen: string[] = [];
    let token: string | undefined;
    for (let calls = 0; ; calls++) {
      assert.ok(calls < 6, 'paging must end');
      const r = await ok<{ events: Ev[]; nextForwardToken: string }>(CLI2, ['logs', 'get-log-events', '--log-group-name', G, '--log-stream-name', 'web-1', '--start-from-head', '--limit', '2', ...(token ? ['--next-token', token] : [])]);
      seen.push(...r.events.map((e) => e.message));
      if (r.nextForwardToken === token) break;
      token = r.nextForwardToken;
    }
    assert.deepEqual(seen, ['GET /a 200', 'POST /b 500 ERROR', 'GET /c 200']);
  });

  it('filters by pattern, time range and stream names, with automatic paging', async () => {
    const all = await ok<{ events: Ev[]; searchedLogStreams: unknown[] }>(CLI2, ['logs', 'filter-log-events', '--log-group-name', G]);
    assert.equal(all.events.length, 7);
    const ts = all.events.map((e) => e.timestamp);
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b), 'sorted by time across streams');

    const errs = await ok<{ events: Ev[] }>(CLI2, ['logs', 'filter-log-events', '--log-group-name', G, '--filter-pattern', 'ERROR']);
    assert.deepEqual(errs.events.map((e) => [e.logStreamName, e.message]), [['web-1', 'POST /b 500 ERROR'], ['web-2', 'ERROR timeout talking to upstream']]);
    const phrase = await ok<{ events: Ev[] }>(CLI2, ['logs', 'filter-log-events', '--log-group-name', G, '--filter-pattern', '"GET /c"']);
    assert.deepEqual(phrase.events.map((e) => e.message), ['GET /c 200']);

    const t0 = all.events[0].timestamp;
    const ranged = await ok<{ events: Ev[] }>(CLI2, ['logs', 'filter-log-events', '--log-group-name', G, '--start-time', String(t0 + 1000), '--end-time', String(t0 + 2500)]);
    assert.deepEqual(ranged.events.map((e) => e.timestamp - t0), [1000, 1500, 2000, 2500]);

    const oneStream = await ok<{ events: Ev[] }>(CLI2, ['logs', 'filter-log-events', '--log-group-name', G, '--log-stream-names', 'web-1', '--filter-pattern', 'GET']);
    assert.deepEqual(oneStream.events.map((e) => e.message), ['GET /a 200', 'GET /c 200']);

    // --page-size makes the CLI follow nextToken itself; the merged output must be the full set.
    const paged = await ok<{ events: Ev[] }>(CLI2, ['logs', 'filter-log-events', '--log-group-name', G, '--page-size', '2']);
    assert.deepEqual(paged.events.map((e) => e.eventId), all.events.map((e) => e.eventId));
    const capped = await ok<{ events: Ev[]; NextToken?: string }>(CLI2, ['logs', 'filter-log-events', '--log-group-name', G, '--max-items', '3', '--page-size', '2']);
    assert.equal(capped.events.length, 3);
    assert.ok(capped.NextToken, 'the CLI hands back a resume token');
    const rest = await ok<{ events: Ev[] }>(CLI2, ['logs', 'filter-log-events', '--log-group-name', G, '--starting-token', capped.NextToken!, '--page-size', '2']);
    assert.deepEqual([...capped.events, ...rest.events].map((e) => e.eventId), all.events.map((e) => e.eventId));

    await fails(CLI2, ['logs', 'filter-log-events', '--log-group-name', G, '--log-stream-names', 'web-1', '--log-stream-name-prefix', 'web'], 'InvalidParameterException', 'FilterLogEvents', /mutually exclusive/);
  });

  it('sets and deletes a retention policy, refusing invalid values', async () => {
    await ok(CLI2, ['logs', 'put-retention-policy', '--log-group-name', G, '--retention-in-days', '14']);
    let g = (await ok<{ logGroups: Group[] }>(CLI2, ['logs', 'describe-log-groups', '--log-group-name-prefix', G])).logGroups[0];
    assert.equal(g.retentionInDays, 14);
    await fails(CLI2, ['logs', 'put-retention-policy', '--log-group-name', G, '--retention-in-days', '10'], 'InvalidParameterException', 'PutRetentionPolicy',
      /^1 validation error detected: Value '10' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: \[1, 3, 5, 7, 14,/);
    await ok(CLI2, ['logs', 'delete-retention-policy', '--log-group-name', G]);
    g = (await ok<{ logGroups: Group[] }>(CLI2, ['logs', 'describe-log-groups', '--log-group-name-prefix', G])).logGroups[0];
    assert.equal(g.retentionInDays, undefined);
  });

  it('tags, lists and untags a log group by ARN', async () => {
    const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${G}`;
    let t = await ok<{ tags: Record<string, string> }>(CLI2, ['logs', 'list-tags-for-resource', '--resource-arn', arn]);
    assert.deepEqual(t.tags, { team: 'sec', env: 'test' }, 'tags given at creation');
    await ok(CLI2, ['logs', 'tag-resource', '--resource-arn', arn, '--tags', 'env=prod,owner=secops']);
    t = await ok(CLI2, ['logs', 'list-tags-for-resource', '--resource-arn', arn]);
    assert.deepEqual(t.tags, { team: 'sec', env: 'prod', owner: 'secops' });
    await ok(CLI2, ['logs', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'team', 'owner']);
    t = await ok(CLI2, ['logs', 'list-tags-for-resource', '--resource-arn', arn]);
    assert.deepEqual(t.tags, { env: 'prod' });
  });

  it('answers errors the way AWS does', async () => {
    await fails(CLI2, ['logs', 'describe-log-streams', '--log-group-name', '/cli2/missing'], 'ResourceNotFoundException', 'DescribeLogStreams', /^The specified log group does not exist\.$/);
    await fails(CLI2, ['logs', 'put-log-events', '--log-group-name', G, '--log-stream-name', 'nope', '--log-events', `timestamp=${Date.now()},message=x`], 'ResourceNotFoundException', 'PutLogEvents', /^The specified log stream does not exist\.$/);
    await fails(CLI2, ['logs', 'create-log-group', '--log-group-name', G], 'ResourceAlreadyExistsException', 'CreateLogGroup', /^The specified log group already exists$/);
    await fails(CLI2, ['logs', 'create-log-stream', '--log-group-name', G, '--log-stream-name', 'web-1'], 'ResourceAlreadyExistsException', 'CreateLogStream', /^The specified log stream already exists$/);
    await fails(CLI2, ['logs', 'create-log-group', '--log-group-name', 'bad name!'], 'InvalidParameterException', 'CreateLogGroup',
      /^1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\\.\\-_\/#A-Za-z0-9\]\+$/);
    const now = Date.now();
    await fails(CLI2, ['logs', 'put-log-events', '--log-group-name', G, '--log-stream-name', 'web-1', '--log-events', `timestamp=${now},message=b`, `timestamp=${now - 10},message=a`], 'InvalidParameterException', 'PutLogEvents', /chronological order/);
    const groups = await ok<{ logGroups: Group[] }>(CLI2, ['logs', 'describe-log-groups', '--log-group-name-prefix', 'bad']);
    assert.deepEqual(groups.logGroups, []);
  });

  it('reports rejected events in put-log-events output', async () => {
    const now = Date.now();
    const r = await ok<{ rejectedLogEventsInfo: Record<string, number> }>(CLI2, ['logs', 'put-log-events', '--log-group-name', G, '--log-stream-name', 'web-1',
      '--log-events', `timestamp=${now},message=fine`, `timestamp=${now + 3 * HOUR},message=future`]);
    assert.deepEqual(r.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
  });

  it('deletes a stream and a group', async () => {
    await ok(CLI2, ['logs', 'delete-log-stream', '--log-group-name', G, '--log-stream-name', 'web-2']);
    const s = await ok<{ logStreams: Stream[] }>(CLI2, ['logs', 'describe-log-streams', '--log-group-name', G]);
    assert.deepEqual(s.logStreams.map((x) => x.logStreamName), ['web-1']);
    await fails(CLI2, ['logs', 'get-log-events', '--log-group-name', G, '--log-stream-name', 'web-2'], 'ResourceNotFoundException', 'GetLogEvents', /log stream does not exist/);
    await ok(CLI2, ['logs', 'delete-log-group', '--log-group-name', G]);
    const g = await ok<{ logGroups: Group[] }>(CLI2, ['logs', 'describe-log-groups', '--log-group-name-prefix', '/cli2/']);
    assert.deepEqual(g.logGroups.map((x) => x.logGroupName), ['/cli2/other-App']);
    await fails(CLI2, ['logs', 'delete-log-group', '--log-group-name', G], 'ResourceNotFoundException', 'DeleteLogGroup', /^The specified log group does not exist\.$/);
  });
});

describe('AWS CLI 1.x (pip, botocore)', () => {
  let cli1: string | undefined;
  const G = '/cli1/app';
  before(async () => { cli1 = await findAwsCli1(); });

  it('runs the core calls', async (t) => {
    if (!cli1) { t.skip('AWS CLI 1.x not found on PATH (pip install awscli to run this subset)'); return; }
    const t0 = Date.now() - HOUR;
    await ok(cli1, ['logs', 'create-log-group', '--log-group-name', G]);
    await ok(cli1, ['logs', 'create-log-stream', '--log-group-name', G, '--log-stream-name', 's']);
    const file = join(work, 'events1.json');
    writeFileSync(file, JSON.stringify([{ timestamp: t0, message: 'alpha ERROR one' }, { timestamp: t0 + 1, message: 'beta ✓ two' }, { timestamp: t0 + 2, message: 'gamma ERROR three' }]));
    const put = await ok<{ nextSequenceToken: string }>(cli1, ['logs', 'put-log-events', '--log-group-name', G, '--log-stream-name', 's', '--log-events', `file://${file}`]);
    assert.match(put.nextSequenceToken, /^\d+$/);

    const groups = await ok<{ logGroups: Group[] }>(cli1, ['logs', 'describe-log-groups', '--log-group-name-prefix', '/cli1/']);
    assert.deepEqual(groups.logGroups.map((g) => g.logGroupName), [G]);
    assert.equal(groups.logGroups[0].storedBytes, 'alpha ERROR one'.length + Buffer.byteLength('beta ✓ two') + 'gamma ERROR three'.length);

    const got = await ok<{ events: Ev[] }>(cli1, ['logs', 'get-log-events', '--log-group-name', G, '--log-stream-name', 's', '--start-from-head', '--limit', '2']);
    assert.deepEqual(got.events.map((e) => e.message), ['alpha ERROR one', 'beta ✓ two']);

    const f = await ok<{ events: Ev[] }>(cli1, ['logs', 'filter-log-events', '--log-group-name', G, '--filter-pattern', 'ERROR', '--page-size', '1']);
    assert.deepEqual(f.events.map((e) => e.message), ['alpha ERROR one', 'gamma ERROR three']);

    await ok(cli1, ['logs', 'put-retention-policy', '--log-group-name', G, '--retention-in-days', '7']);
    await fails(cli1, ['logs', 'put-retention-policy', '--log-group-name', G, '--retention-in-days', '8'], 'InvalidParameterException', 'PutRetentionPolicy', /^1 validation error detected: Value '8' at 'retentionInDays'/);

    const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${G}`;
    await ok(cli1, ['logs', 'tag-resource', '--resource-arn', arn, '--tags', 'a=1']);
    assert.deepEqual((await ok<{ tags: Record<string, string> }>(cli1, ['logs', 'list-tags-for-resource', '--resource-arn', arn])).tags, { a: '1' });

    await fails(cli1, ['logs', 'describe-log-streams', '--log-group-name', '/cli1/missing'], 'ResourceNotFoundException', 'DescribeLogStreams', /^The specified log group does not exist\.$/);
    await fails(cli1, ['logs', 'create-log-group', '--log-group-name', G], 'ResourceAlreadyExistsException', 'CreateLogGroup', /already exists/);
    await fails(cli1, ['logs', 'create-log-group', '--log-group-name', 'a:b'], 'InvalidParameterException', 'CreateLogGroup', /^1 validation error detected: Value 'a:b' at 'logGroupName'/);

    await ok(cli1, ['logs', 'delete-log-group', '--log-group-name', G]);
    assert.deepEqual((await ok<{ logGroups: Group[] }>(cli1, ['logs', 'describe-log-groups', '--log-group-name-prefix', '/cli1/'])).logGroups, []);
  });
});
