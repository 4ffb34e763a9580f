/**
 * The `trailwatch` client commands against a real server. The server runs in this process, so the
 * CLI runs as a child process through async spawn (a synchronous spawn would block the server).
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { awsEnv, REPO_ROOT, startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { lineChunks, streamNameFor } from '../../src/cli/ingest.js';
import { parseTime } from '../../src/cli/format.js';
import { parseIni, resolveCredentials } from '../../src/cli/credentials.js';
import { LogsClient } from '../../src/cli/client.js';

interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

let srv: TestServer;
let dir: string;

function cli(args: string[], o: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), '--endpoint', srv.url, ...args], {
      cwd: REPO_ROOT,
      env: o.env ?? awsEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(o.input ?? '');
  });
}

/** Runs and requires success; returns stdout. */
async function ok(args: string[], o: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await cli(args, o);
  assert.equal(r.code, 0, `trailwatch ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const jsonLines = (s: string) => s.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

interface Summary { logGroupName: string; files: number; streams: number; requests: number; received: number; ingested: number; rejected: Record<string, number>; seconds: number; eventsPerSecond: number; inputs: { path: string; stream: string; format: string; gzip: boolean }[] }

const NOW = Date.now();
const ndjson = (n: number, tag: string, base = NOW - 60_000) => Array.from({ length: n }, (_, i) => JSON.stringify({ timestamp: base + i * 1000, level: 'info', tag, n: i })).join('\n') + '\n';

before(async () => {
  srv = await startTestServer();
  dir = tempDir('tw-cli-');
});

after(async () => {
  await srv.cleanup();
});

describe('ingest', () => {
  test('an NDJSON file: its own timestamps, stream named after the file', async () => {
    const f = join(dir, 'app.ndjson');
    writeFileSync(f, ndjson(3, 'nd'));
    const s = JSON.parse(await ok(['--json', 'ingest', f, '--group', '/cli/ingest', '--create'])) as Summary;
    assert.equal(s.logGroupName, '/cli/ingest');
    assert.equal(s.files, 1);
    assert.equal(s.received, 3);
    assert.equal(s.ingested, 3);
    assert.equal(s.rejected.total, 0);
    assert.equal(s.inputs[0].stream, 'app.ndjson');
    assert.equal(s.inputs[0].format, 'ndjson');
    assert.equal(s.inputs[0].gzip, false);
    assert.ok(typeof s.seconds === 'number' && typeof s.eventsPerSecond === 'number');
    const events = jsonLines(await ok(['--json', 'get-events', '-g', '/cli/ingest', '-s', 'app.ndjson', '--head']));
    assert.deepEqual(events.map((e) => e.timestamp), [NOW - 60_000, NOW - 59_000, NOW - 58_000]);
    assert.equal((JSON.parse(events[0].message as string) as { tag: string }).tag, 'nd');
  });

  test('a plain text file, text summary; the group must exist without --create', async () => {
    const f = join(dir, 'plain.log');
    writeFileSync(f, 'first plain line\r\nsecond plain line\n\nthird plain line');
    const out = await ok(['ingest', f, '-g', '/cli/ingest']);
    assert.match(out, /received:\s+3 events/);
    assert.match(out, /ingested:\s+3 events/);
    assert.match(out, /rejected:\s+0 events/);
    assert.match(out, /events\/s/);
    const text = await ok(['get-events', '-g', '/cli/ingest', '-s', 'plain.log', '--head']);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z first plain line$/);
    assert.match(lines[2], / third plain line$/);

    const missing = await cli(['ingest', f, '-g', '/cli/no-such-group']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^trailwatch: ResourceNotFoundException: /);
  });

  test('gzip input is detected by its magic bytes, with or without .gz', async () => {
    writeFileSync(join(dir, 'zipped.log.gz'), gzipSync('zipped one\nzipped two\n'));
    writeFileSync(join(dir, 'noext'), gzipSync(ndjson(2, 'gz-noext')));
    writeFileSync(join(dir, 'fake.gz'), 'not compressed at all\n');
    const s = JSON.parse(await ok(['--json', 'ingest', join(dir, 'zipped.log.gz'), join(dir, 'noext'), join(dir, 'fake.gz'), '-g', '/cli/gzip', '--create'])) as Summary;
    assert.equal(s.files, 3);
    assert.equal(s.received, 5);
    assert.equal(s.ingested, 5);
    assert.deepEqual(s.inputs.map((i) => [i.stream, i.gzip, i.format]), [['zipped.log', true, 'text'], ['noext', true, 'ndjson'], ['fake', false, 'text']]);
    const zipped = await ok(['get-events', '-g', '/cli/gzip', '-s', 'zipped.log']);
    assert.match(zipped, / zipped one\n.* zipped two\n$/);
    const fake = await ok(['get-events', '-g', '/cli/gzip', '-s', 'fake']);
    assert.match(fake, / not compressed at all\n$/);
  });

  test('a directory: every file, recursively, one stream per file name', async () => {
    const d = join(dir, 'tree');
    mkdirSync(join(d, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(d, 'a.log'), 'a1\na2\n');
    writeFileSync(join(d, 'sub', 'b.ndjson'), ndjson(4, 'b'));
    writeFileSync(join(d, 'sub', 'deeper', 'c.log.gz'), gzipSync('c1\n'));
    writeFileSync(join(d, 'sub', 'empty.log'), '');
    const s = JSON.parse(await ok(['--json', 'ingest', d, '-g', '/cli/dir', '--create'])) as Summary;
    assert.equal(s.files, 4);
    assert.equal(s.received, 7);
    assert.equal(s.ingested, 7);
    const streams = JSON.parse(await ok(['--json', 'streams', '-g', '/cli/dir'])) as { logStreams: { logStreamName: string }[] };
    // The empty file sent nothing, so its stream was never created.
    assert.deepEqual(streams.logStreams.map((x) => x.logStreamName), ['a.log', 'b.ndjson', 'c.log']);
  });

  test('stdin (-): stream "stdin" by default, or --stream', async () => {
    const s = JSON.parse(await ok(['--json', 'ingest', '-', '-g', '/cli/stdin', '--create'], { input: 'from stdin 1\nfrom stdin 2\n' })) as Summary;
    assert.equal(s.received, 2);
    assert.equal(s.inputs[0].stream, 'stdin');
    await ok(['ingest', '-', '-g', '/cli/stdin', '--stream', 'named'], { input: gzipSync(ndjson(2, 'stdin-gz')) });
    const named = jsonLines(await ok(['--json', 'get-events', '-g', '/cli/stdin', '-s', 'named']));
    assert.equal(named.length, 2);
    assert.match(named[0].message as string, /stdin-gz/);
    assert.match(await ok(['get-events', '-g', '/cli/stdin', '-s', 'stdin']), / from stdin 1\n.* from stdin 2\n$/);
  });

  test('large input: ~4 MiB bodies on line boundaries, order kept, oversized lines rejected', async () => {
    const f = join(dir, 'large.log');
    const filler = 'x'.repeat(150);
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) lines.push(`line ${String(i).padStart(6, '0')} ${filler}`);
    lines.splice(30_000, 0, 'y'.repeat(5 * 1024 * 1024)); // too large to be an event, and larger than a body
    lines.splice(10_000, 0, 'z'.repeat(300 * 1024)); // too large to be an event (256 KiB), sent and refused
    writeFileSync(f, lines.join('\n') + '\n');
    const s = JSON.parse(await ok(['--json', 'ingest', f, '-g', '/cli/large', '--create', '--compress'])) as Summary;
    assert.equal(s.received, 60_002);
    assert.equal(s.ingested, 60_000);
    assert.equal(s.rejected.tooLarge, 2);
    assert.ok(s.requests >= 3, `expected several bodies, got ${s.requests}`);
    const events = jsonLines(await ok(['--json', 'get-events', '-g', '/cli/large', '-s', 'large.log', '--head']));
    assert.equal(events.length, 60_000);
    for (let i = 0; i < events.length; i++) assert.ok((events[i].message as string).startsWith(`line ${String(i).padStart(6, '0')} `), `event ${i} out of order`);
  });
});

describe('listing and reading', () => {
  before(async () => {
    await ok(['ingest', '-', '-g', '/cli/read/app', '--create', '-s', 'web-1'], { input: ndjson(5, 'web', NOW - 30 * 60_000) });
    await ok(['ingest', '-', '-g', '/cli/read/app', '-s', 'web-2'], { input: 'hello from web-2\nERROR something broke\n' });
    await ok(['ingest', '-', '-g', '/cli/read/db', '--create', '-s', 'db'], { input: 'db line\n' });
  });

  test('groups: table and --json, --prefix', async () => {
    const text = await ok(['groups', '--prefix', '/cli/read/']);
    const rows = text.trimEnd().split('\n');
    assert.match(rows[0], /^NAME\s+RETENTION\s+STORED\s+CREATED$/);
    assert.equal(rows.length, 3);
    assert.match(rows[1], /^\/cli\/read\/app\s+never\s+\d+(\.\d)? (B|KiB)\s+\d{4}-\d{2}-\d{2}T/);
    assert.match(rows[2], /^\/cli\/read\/db\s/);
    const j = JSON.parse(await ok(['groups', '--prefix', '/cli/read/', '--json'])) as { logGroups: { logGroupName: string; storedBytes: number; creationTime: number }[] };
    assert.deepEqual(j.logGroups.map((g) => g.logGroupName), ['/cli/read/app', '/cli/read/db']);
    assert.ok(j.logGroups[0].storedBytes > 0);
    assert.ok(j.logGroups[0].creationTime <= Date.now());
  });

  test('groups pages through DescribeLogGroups (more than 50)', async () => {
    const client = new LogsClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY });
    try {
      await Promise.all(Array.from({ length: 55 }, (_, i) => client.call('CreateLogGroup', { logGroupName: `/cli/many/g${String(i).padStart(2, '0')}` })));
    } finally {
      client.close();
    }
    const j = JSON.parse(await ok(['--json', 'groups', '--prefix', '/cli/many/'])) as { logGroups: { logGroupName: string }[] };
    assert.equal(j.logGroups.length, 55);
    assert.equal(j.logGroups[54].logGroupName, '/cli/many/g54');
  });

  test('streams: table and --json, --prefix, --order time', async () => {
    const text = await ok(['streams', '-g', '/cli/read/app']);
    const rows = text.trimEnd().split('\n');
    assert.match(rows[0], /^NAME\s+FIRST EVENT\s+LAST EVENT\s+LAST INGESTION$/);
    assert.match(rows[1], /^web-1\s+\S+Z\s+\S+Z\s+\S+Z$/);
    assert.match(rows[2], /^web-2\s/);
    const byTime = JSON.parse(await ok(['--json', 'streams', '-g', '/cli/read/app', '--order', 'time'])) as { logStreams: { logStreamName: string; firstEventTimestamp: number; lastEventTimestamp: number }[] };
    assert.deepEqual(byTime.logStreams.map((s) => s.logStreamName), ['web-2', 'web-1']); // most recent first
    assert.equal(byTime.logStreams[1].firstEventTimestamp, NOW - 30 * 60_000);
    const prefixed = JSON.parse(await ok(['--json', 'streams', '-g', '/cli/read/app', '--prefix', 'web-2'])) as { logStreams: unknown[] };
    assert.equal(prefixed.logStreams.length, 1);
  });

  test('get-events: text and --json, --start/--end (relative, ISO, epoch ms), --limit, --head', async () => {
    const all = jsonLines(await ok(['--json', 'get-events', '-g', '/cli/read/app', '-s', 'web-1']));
    assert.equal(all.length, 5);
    assert.deepEqual(Object.keys(all[0]).sort(), ['ingestionTime', 'logStreamName', 'message', 'timestamp']);
    const text = await ok(['get-events', '-g', '/cli/read/app', '-s', 'web-1']);
    assert.equal(text.trimEnd().split('\n').length, 5);
    assert.ok(text.startsWith(`${new Date(NOW - 30 * 60_000).toISOString()} {`));
    // Events at NOW-30m + 0..4 s: from the third one on, up to (excluding) the fifth.
    const t2 = NOW - 30 * 60_000 + 2000;
    const mid = jsonLines(await ok(['--json', 'get-events', '-g', '/cli/read/app', '-s', 'web-1', '--start', new Date(t2).toISOString(), '--end', String(t2 + 2000)]));
    assert.deepEqual(mid.map((e) => e.timestamp), [t2, t2 + 1000]);
    const recent = jsonLines(await ok(['--json', 'get-events', '-g', '/cli/read/app', '-s', 'web-1', '--start', '10m']));
    assert.equal(recent.length, 0);
    const older = jsonLines(await ok(['--json', 'get-events', '-g', '/cli/read/app', '-s', 'web-1', '--start', '1h', '--end', '10m']));
    assert.equal(older.length, 5);
    const latest = jsonLines(await ok(['--json', 'get-events', '-g', '/cli/read/app', '-s', 'web-1', '--limit', '2']));
    assert.deepEqual(latest.map((e) => e.timestamp), [NOW - 30 * 60_000 + 3000, NOW - 30 * 60_000 + 4000]);
    const head = jsonLines(await ok(['--json', 'get-events', '-g', '/cli/read/app', '-s', 'web-1', '--limit', '2', '--head']));
    assert.deepEqual(head.map((e) => e.timestamp), [NOW - 30 * 60_000, NOW - 30 * 60_000 + 1000]);
  });

  test('tail: text and --json, --since, --stream, --filter', async () => {
    const text = await ok(['tail', '-g', '/cli/read/app']);
    const lines = text.trimEnd().split('\n');
    // The default window is 10 minutes: only web-2's lines.
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^\d{4}-\d{2}-\d{2}T\S+Z web-2 hello from web-2$/);
    const wide = jsonLines(await ok(['--json', 'tail', '-g', '/cli/read/app', '--since', '1h']));
    assert.equal(wide.length, 7);
    assert.deepEqual(Object.keys(wide[0]).sort(), ['eventId', 'ingestionTime', 'logStreamName', 'message', 'timestamp']);
    assert.equal(wide[0].logStreamName, 'web-1');
    const one = jsonLines(await ok(['--json', 'tail', '-g', '/cli/read/app', '--since', '1h', '--stream', 'web-1']));
    assert.equal(one.length, 5);
    const errors = await ok(['tail', '-g', '/cli/read/app', '--since', '1h', '--filter', 'ERROR']);
    assert.match(errors, /^\S+Z web-2 ERROR something broke\n$/);
  });

  test('tail --follow prints new events once each, until SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), '--endpoint', srv.url, '--json', 'tail', '-g', '/cli/read/app', '--follow', '--since', '1h'], { cwd: REPO_ROOT, env: awsEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
    const waitFor = async (pred: () => boolean, what: string) => {
      const deadline = Date.now() + 20_000;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout=${stdout} stderr=${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor(() => jsonLines(stdout).length >= 7, 'the initial events');
      // An event stamped in the future (accepted up to 2 h ahead) must not hide the ones after it.
      await ok(['ingest', '-', '-g', '/cli/read/app', '-s', 'future'], { input: JSON.stringify({ timestamp: Date.now() + 30 * 60_000, msg: 'from the future' }) + '\n' });
      await waitFor(() => stdout.includes('from the future'), 'the future event');
      await ok(['ingest', '-', '-g', '/cli/read/app', '-s', 'web-2'], { input: 'followed line 1\n' });
      await ok(['ingest', '-', '-g', '/cli/read/app', '-s', 'web-3'], { input: 'followed line 2\n' });
      await waitFor(() => stdout.includes('followed line 2') && stdout.includes('followed line 1'), 'the new events');
      // A few more polls: nothing is printed twice.
      await new Promise((r) => setTimeout(r, 2500));
    } finally {
      child.kill('SIGINT');
    }
    const { code } = await exited;
    assert.equal(code, 0, stderr);
    const events = jsonLines(stdout);
    assert.equal(events.length, 10);
    assert.equal(new Set(events.map((e) => e.eventId)).size, 10);
    assert.deepEqual(events.slice(8).map((e) => e.message).sort(), ['followed line 1', 'followed line 2']);
  });
});

describe('errors', () => {
  test('an unknown group: AWS code on stderr, exit 1; --json: JSON on stdout', async () => {
    const r = await cli(['streams', '-g', '/cli/does-not-exist']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'trailwatch: ResourceNotFoundException: The specified log group does not exist.\n');
    for (const args of [['--json', 'get-events', '-g', '/cli/does-not-exist', '-s', 'x'], ['--json', 'tail', '-g', '/cli/does-not-exist']]) {
      const j = await cli(args);
      assert.equal(j.code, 1);
      assert.deepEqual(JSON.parse(j.stdout), { error: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
    }
  });

  test('a wrong secret, a bad time, a missing file, an unreachable endpoint', async () => {
    const bad = await cli(['groups'], { env: awsEnv({ AWS_SECRET_ACCESS_KEY: 'wrong' }) });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^trailwatch: InvalidSignatureException: /);
    const time = await cli(['--json', 'get-events', '-g', '/cli/read/app', '-s', 'web-1', '--start', 'yesterday']);
    assert.equal(time.code, 1);
    assert.equal((JSON.parse(time.stdout) as { error: string }).error, 'InvalidArgument');
    const file = await cli(['ingest', join(dir, 'nope.log'), '-g', '/cli/ingest']);
    assert.equal(file.code, 1);
    assert.match(file.stderr, /^trailwatch: FileNotFound: /);
    const down = await cli(['--endpoint', 'http://127.0.0.1:1', 'groups']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^trailwatch: NetworkingError: .*ECONNREFUSED/);
  });

  test('credentials from a profile in the shared credentials file', async () => {
    const creds = join(dir, 'credentials');
    writeFileSync(creds, `[default]\naws_access_key_id = nobody\naws_secret_access_key = nothing\n\n[tw]\naws_access_key_id = ${TEST_KEY.accessKeyId}\naws_secret_access_key = ${TEST_KEY.secretAccessKey}\n`);
    const env = awsEnv({ AWS_SHARED_CREDENTIALS_FILE: creds });
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    assert.match(await ok(['--profile', 'tw', 'groups', '--prefix', '/cli/read/'], { env }), /\/cli\/read\/app/);
    assert.match(await ok(['groups', '--prefix', '/cli/read/'], { env: { ...env, AWS_PROFILE: 'tw' } }), /\/cli\/read\/app/);
    const def = await cli(['groups'], { env });
    assert.equal(def.code, 1);
    assert.match(def.stderr, /^trailwatch: UnrecognizedClientException: /);
  });
});

describe('helpers', () => {
  test('parseTime: ISO, epoch ms, relative', () => {
    const now = Date.UTC(2024, 4, 1, 12, 0, 0);
    assert.equal(parseTime('1700000000000', now), 1700000000000);
    assert.equal(parseTime('2024-05-01T11:00:00Z', now), now - 3_600_000);
    assert.equal(parseTime('2024-05-01T11:00:00', now), now - 3_600_000);
    assert.equal(parseTime('2024-05-01', now), now - 12 * 3_600_000);
    assert.equal(parseTime('1h', now), now - 3_600_000);
    assert.equal(parseTime('30m', now), now - 1_800_000);
    assert.equal(parseTime('2d', now), now - 2 * 86_400_000);
    assert.throws(() => parseTime('soon', now), /Invalid time/);
  });

  test('lineChunks: bodies end on line boundaries and keep every byte', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i} ${'a'.repeat(i % 37)}`).join('\n') + '\nlast without newline';
    const pieces = Array.from({ length: 40 }, (_, i) => Buffer.from(text.slice(i * Math.ceil(text.length / 40), (i + 1) * Math.ceil(text.length / 40))));
    let oversize = 0;
    const chunks: Buffer[] = [];
    for await (const c of lineChunks(Readable.from(pieces), 1000, () => oversize++)) chunks.push(c);
    assert.equal(oversize, 0);
    assert.ok(chunks.length > 10);
    for (const c of chunks.slice(0, -1)) { assert.ok(c.length <= 1000); assert.equal(c[c.length - 1], 10); }
    assert.equal(Buffer.concat(chunks).toString(), text);
  });

  test('streamNameFor, parseIni, resolveCredentials', () => {
    assert.equal(streamNameFor('/var/log/app.log.gz'), 'app.log');
    assert.equal(streamNameFor('a:b*c.log'), 'a_b_c.log');
    const ini = parseIni('# c\n[default]\naws_access_key_id = A\n[profile x]\nregion=eu-west-1\ns3 =\n  max_concurrent_requests = 5\naws_secret_access_key = S\n');
    assert.deepEqual(ini.get('default'), { aws_access_key_id: 'A' });
    assert.deepEqual(ini.get('profile x'), { region: 'eu-west-1', s3: '', aws_secret_access_key: 'S' });
    assert.deepEqual(resolveCredentials({ env: { AWS_ACCESS_KEY_ID: 'K', AWS_SECRET_ACCESS_KEY: 'S', AWS_SESSION_TOKEN: 'T', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_CONFIG_FILE: '/dev/null' } }), { accessKeyId: 'K', secretAccessKey: 'S', sessionToken: 'T' });
    assert.throws(() => resolveCredentials({ env: { AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_CONFIG_FILE: '/dev/null' } }), /Unable to locate credentials/);
  });
});
