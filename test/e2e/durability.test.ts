/**
 * Acknowledged means durable: batches acknowledged by PutLogEvents survive kill -9 of every
 * Trailwatch process (server and engine) mid-load, and a retry of the same batch after the
 * restart is stored once (issue 2, "Durable acknowledgement").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { spawnServer, tempDir, TEST_KEY, type ServerProcess } from '../helpers/server.js';

function client(url: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({ endpoint: url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
}

async function countAll(c: CloudWatchLogsClient, group: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  let nextToken: string | undefined;
  do {
    const r = await c.send(new FilterLogEventsCommand({ logGroupName: group, nextToken, limit: 10000 }));
    for (const e of r.events ?? []) seen.set(e.message!, (seen.get(e.message!) ?? 0) + 1);
    nextToken = r.nextToken;
  } while (nextToken);
  return seen;
}

/** kill -9 of the server and its engine, without warning; then the writers finish (their requests fail). */
async function killEverything(srv: ServerProcess, writers: Promise<unknown>[]): Promise<void> {
  process.kill(srv.child.pid!, 'SIGKILL');
  if (srv.enginePid) { try { process.kill(srv.enginePid, 'SIGKILL'); } catch { /* already gone with its parent */ } }
  await Promise.all(writers);
  await new Promise((r) => setTimeout(r, 200));
}

test('acknowledged batches survive kill -9 of server and engine; retries are not duplicated', { timeout: 180_000 }, async () => {
  const dataDir = tempDir('tw-durability-');
  const group = '/test/durability';
  let srv = await spawnServer(dataDir);
  let c = client(srv.url);
  await c.send(new CreateLogGroupCommand({ logGroupName: group }));
  const streams = ['s0', 's1', 's2', 's3'];
  for (const s of streams) await c.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));

  const acked: { stream: string; messages: string[] }[] = [];
  const unacked: { stream: string; timestamp: number; messages: string[] }[] = [];
  let batchNo = 0;
  const base = Date.now();
  let killed = false;
  const writers = streams.map(async (stream) => {
    while (!killed) {
      const n = batchNo++;
      const messages = Array.from({ length: 500 }, (_, i) => `batch=${n} i=${i} stream=${stream} ${'x'.repeat(200)}`);
      const timestamp = base + n;
      try {
        await c.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: messages.map((message) => ({ timestamp, message })) }));
        acked.push({ stream, messages });
      } catch {
        unacked.push({ stream, timestamp, messages });
        return;
      }
    }
  });
  // Let load build up, then kill every Trailwatch process without warning.
  while (acked.length < 40) await new Promise((r) => setTimeout(r, 20));
  killed = true;
  await killEverything(srv, writers);

  srv = await spawnServer(dataDir);
  c = client(srv.url);
  try {
    const seen = await countAll(c, group);
    for (const b of acked) for (const m of b.messages) assert.equal(seen.get(m), 1, `acknowledged event lost or duplicated: ${m.slice(0, 30)}`);
    // A client retrying its unacknowledged batches after the restart gets each stored exactly once.
    for (const u of unacked) {
      await c.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: u.stream, logEvents: u.messages.map((message) => ({ timestamp: u.timestamp, message })) }));
      await c.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: u.stream, logEvents: u.messages.map((message) => ({ timestamp: u.timestamp, message })) }));
    }
    const after = await countAll(c, group);
    for (const u of unacked) for (const m of u.messages) assert.equal(after.get(m), 1, `retried event missing or duplicated: ${m.slice(0, 30)}`);
    assert.ok(acked.length >= 40);
  } finally {
    await srv.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a killed engine process is restarted and the write-ahead log replayed while the server keeps running', { timeout: 240_000 }, async () => {
  const dataDir = tempDir('tw-engine-crash-');
  const srv = await spawnServer(dataDir);
  const c = client(srv.url);
  try {
    await c.send(new CreateLogGroupCommand({ logGroupName: '/test/engine-crash' }));
    await c.send(new CreateLogStreamCommand({ logGroupName: '/test/engine-crash', logStreamName: 's' }));
    const now = Date.now();
    // Several crashes in a row: recovery used to race the 1-second checkpoint timer (a batch was deleted
    // past the old checkpoint but not replayed past the new one), which one crash hits only sometimes.
    for (let k = 0; k < 4; k++) {
      await c.send(new PutLogEventsCommand({ logGroupName: '/test/engine-crash', logStreamName: 's', logEvents: [{ timestamp: now + 2 * k, message: `before crash ${k}` }] }));
      // The engine child of the moment (it has a new pid after every restart).
      const enginePid = Number(readFileSync(`/proc/${srv.child.pid}/task/${srv.child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      assert.ok(enginePid > 0, 'engine child not found');
      process.kill(enginePid, 'SIGKILL');
      // Requests during the restart may fail; acknowledged ones must be there afterwards.
      let ok = false;
      // Restart plus WAL replay can take a while on a loaded machine: allow a minute.
      for (let i = 0; i < 600 && !ok; i++) {
        try {
          await c.send(new PutLogEventsCommand({ logGroupName: '/test/engine-crash', logStreamName: 's', logEvents: [{ timestamp: now + 2 * k + 1, message: `after crash ${k}` }] }));
          ok = true;
        } catch { await new Promise((r) => setTimeout(r, 100)); }
      }
      assert.ok(ok, 'server never recovered from the engine crash');
      const seen = await countAll(c, '/test/engine-crash');
      for (let j = 0; j <= k; j++) {
        assert.equal(seen.get(`before crash ${j}`), 1, `before crash ${j} after ${k + 1} crashes`);
        assert.equal(seen.get(`after crash ${j}`), 1, `after crash ${j} after ${k + 1} crashes`);
      }
    }
  } finally {
    await srv.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('native ingest: acknowledged bodies survive kill -9 of server and engine; a retried body is stored once', { timeout: 180_000 }, async () => {
  const { bearerToken } = await import('../../src/auth/access-keys.js');
  const dataDir = tempDir('tw-durability-native-');
  const group = '/test/durability-native';
  let srv = await spawnServer(dataDir);
  const post = (url: string, stream: string, body: string) => fetch(`${url}/api/v1/ingest/${encodeURIComponent(group)}?stream=${stream}&create=true`, {
    method: 'POST', headers: { authorization: `Bearer ${bearerToken(TEST_KEY)}`, 'content-type': 'application/x-ndjson' }, body,
  }).then(async (r) => { if (r.status !== 200) throw new Error(`status ${r.status}`); return r.json() as Promise<{ ingested: number }>; });
  const acked: string[][] = [];
  const unacked: { stream: string; body: string; lines: string[] }[] = [];
  let bodyNo = 0;
  let killed = false;
  const base = Date.now() - 60_000;
  const writers = ['n0', 'n1', 'n2'].map(async (stream) => {
    while (!killed) {
      const n = bodyNo++;
      // Timed JSON lines: the body's content alone decides its retry hash.
      const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ timestamp: base + n, body: n, i, stream, pad: 'y'.repeat(150) }));
      const body = lines.join('\n') + '\n';
      try {
        const r = await post(srv.url, stream, body);
        assert.equal(r.ingested, lines.length);
        acked.push(lines);
      } catch {
        unacked.push({ stream, body, lines });
        return;
      }
    }
  });
  while (acked.length < 15) await new Promise((r) => setTimeout(r, 20));
  killed = true;
  await killEverything(srv, writers);

  srv = await spawnServer(dataDir);
  const c = client(srv.url);
  try {
    const seen = await countAll(c, group);
    for (const lines of acked) for (const m of lines) assert.equal(seen.get(m), 1, `acknowledged event lost or duplicated: ${m.slice(0, 60)}`);
    for (const u of unacked) { await post(srv.url, u.stream, u.body); await post(srv.url, u.stream, u.body); }
    const after = await countAll(c, group);
    for (const u of unacked) for (const m of u.lines) assert.equal(after.get(m), 1, `retried event missing or duplicated: ${m.slice(0, 60)}`);
  } finally {
    await srv.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
