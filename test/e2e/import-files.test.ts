/**
 * `trailwatch import` from local directories in AWS's key layouts, against a real server (in this process,
 * real embedded engine): CloudTrail across accounts and regions, VPC Flow Logs with header lines, digests kept
 * aside, idempotency across runs, restarts and concurrent importers, bounded backfill, a killed import resumed,
 * an object interrupted mid-upload resumed after its stored chunks, suppression counters.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { spawnServer, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { ACCOUNTS, REGIONS, SERVICE_EVERY, cloudTrailFile, cloudTrailTree, digestFile, vpcFlowFile, writeFiles, type LogFile } from '../fixtures/import/aws-logs.js';
import { TOKEN, api, countRows, duplicateRows, importCli, startCli } from '../fixtures/import/helpers.js';
import { parseAwsLogFileName } from '../../src/sources/file-names.js';
import { rows } from '../../src/store/engine.js';

const NOW = Date.now();
const suppressible = (files: LogFile[]) => files.reduce((n, f) => n + f.suppressible, 0);
const events = (files: LogFile[]) => files.reduce((n, f) => n + f.events, 0);

describe('directory import', () => {
  let srv: TestServer;
  let dataDir: string;
  const dir = tempDir('tw-import-dir-');
  const trail = cloudTrailTree({ end: NOW, days: 2, perDay: 2, records: 40 });
  const flows = [vpcFlowFile(ACCOUNTS[0], REGIONS[0], NOW, 3000), vpcFlowFile(ACCOUNTS[1], REGIONS[1], NOW - 600_000, 2500)];
  const digest = digestFile(ACCOUNTS[0], REGIONS[0], NOW);
  const junk: LogFile = { key: `AWSLogs/${ACCOUNTS[0]}/ConfigWritabilityCheckFile`, body: Buffer.from('not a log\n'), events: 0, suppressible: 0 };

  before(async () => {
    writeFiles(dir, [...trail, ...flows, digest, junk]);
    srv = await startTestServer();
    dataDir = srv.dataDir;
  });
  after(async () => { await srv.cleanup(); });

  test('CloudTrail across accounts and regions, VPC flow with header lines, a digest kept aside', { timeout: 120_000 }, async () => {
    const s = await importCli(srv.url, [dir, '--concurrency', '3']);
    assert.equal(s.objects.listed, trail.length + flows.length + 2);
    assert.equal(s.objects.imported, trail.length + flows.length);
    assert.equal(s.objects.keptAside, 1);
    assert.equal(s.objects.unrecognized, 1);
    assert.equal(s.objects.failed, 0);
    assert.equal(s.events.received, events(trail) + events(flows));
    assert.equal(s.events.suppressed, suppressible(trail));
    assert.equal(s.events.diverted, suppressible(trail));
    assert.equal(s.events.stored, events(trail) - suppressible(trail) + events(flows));

    // Every account has its group, one stream per region named as AWS names CloudTrail streams in CloudWatch Logs.
    for (const a of ACCOUNTS) {
      const g = srv.store.meta.groups.get(`/aws/cloudtrail/${a}`);
      assert.ok(g, `group for ${a}`);
      assert.equal(g.table, 'events_cloudtrail');
      assert.deepEqual([...g.streams.keys()].sort(), REGIONS.map((r) => `${a}_CloudTrail_${r}`).sort());
      assert.ok(srv.store.meta.groups.get(`/aws/cloudtrail/${a}/suppressed`), 'suppressed events are kept aside, not dropped');
    }
    assert.equal(await countRows(srv.store, 'events_cloudtrail'), events(trail));
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group LIKE '%/suppressed'"), suppressible(trail));
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group LIKE '%/suppressed' AND user_type != 'AWSService'"), 0);
    // Typed columns are filled from the records.
    const byName = await rows<{ n: string }>(srv.store.engine, "SELECT count() AS n FROM events_cloudtrail WHERE event_name = 'CreateUser' AND user_type = 'AssumedRole' AND aws_region IN ('us-east-1','eu-west-1')");
    assert.ok(Number(byName[0].n) > 0);
    // VPC flow lines: every line but the header, with typed columns.
    assert.equal(await countRows(srv.store, 'events_vpcflow'), events(flows));
    const [flow] = await rows<{ n: string; r: string }>(srv.store.engine, "SELECT count() AS n, countIf(action = 'REJECT') AS r FROM events_vpcflow WHERE dst_port IN (22, 443, 80, 3389, 53) AND protocol IN (6, 17)");
    assert.equal(Number(flow.n), events(flows));
    assert.ok(Number(flow.r) > 0);
    assert.equal(await countRows(srv.store, 'events_vpcflow', "startsWith(message, 'version ')"), 0, 'header lines are not events');
    // The digest file is stored, uncompressed, with its metadata.
    const kept = join(dataDir, 'digests', 'local', digest.key.replace(/\.gz$/, ''));
    assert.ok(existsSync(kept), kept);
    assert.equal(readFileSync(kept, 'utf8'), gunzipSync(digest.body).toString('utf8'));
    assert.equal(await duplicateRows(srv.store, 'events_cloudtrail'), 0);
  });

  test('a second run, and a run after a server restart, import nothing twice', { timeout: 120_000 }, async () => {
    const again = await importCli(srv.url, [dir]);
    assert.equal(again.objects.imported, 0);
    assert.equal(again.objects.skipped, again.objects.listed);
    const before = await countRows(srv.store, 'events_cloudtrail');
    await srv.close();
    srv = Object.assign(await startTestServer({ dataDir }), {});
    const afterRestart = await importCli(srv.url, [dir]);
    assert.equal(afterRestart.objects.imported, 0);
    assert.equal(afterRestart.objects.skipped, afterRestart.objects.listed);
    assert.equal(await countRows(srv.store, 'events_cloudtrail'), before);
    assert.equal(await countRows(srv.store, 'events_vpcflow'), events(flows));
    // The ledger's counters survived the restart too.
    const st = await api(srv.url, '/api/v1/import/stats');
    const rules = st.json.suppression as { id: string; matched: number }[];
    assert.equal(rules.reduce((n, r) => n + r.matched, 0), suppressible(trail));
  });

  test('a file moved elsewhere in an AWS layout keeps its identity (key from AWSLogs/)', { timeout: 60_000 }, async () => {
    const sub = join(dir, 'AWSLogs', ACCOUNTS[0]);
    const s = await importCli(srv.url, [sub]);
    assert.equal(s.objects.imported, 0);
    assert.ok(s.objects.skipped > 0);
  });
});

describe('concurrency, bounds, interruption', () => {
  let srv: TestServer;
  before(async () => { srv = await startTestServer(); });
  after(async () => { await srv.cleanup(); });

  test('two importers at once store every event exactly once', { timeout: 120_000 }, async () => {
    const dir = tempDir('tw-import-conc-');
    const files = cloudTrailTree({ end: NOW, days: 2, perDay: 4, records: 60, seed: 'conc' });
    writeFiles(dir, files);
    const [a, b] = await Promise.all([importCli(srv.url, [dir, '--concurrency', '4']), importCli(srv.url, [dir, '--concurrency', '4'])]);
    assert.equal(a.objects.imported + b.objects.imported, files.length, 'each object imported by exactly one importer');
    assert.equal(a.objects.failed + b.objects.failed, 0);
    assert.equal(a.events.received + b.events.received, events(files));
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group NOT LIKE '/x/%'"), events(files));
    assert.equal(await duplicateRows(srv.store, 'events_cloudtrail'), 0);
  });

  test('--since, --account and --region bound the backfill', { timeout: 120_000 }, async () => {
    const dir = tempDir('tw-import-since-');
    const files = cloudTrailTree({ end: NOW, days: 10, perDay: 1, records: 5, seed: 'since', accounts: ['123412341234', '567856785678'] });
    writeFiles(dir, files);
    const since = NOW - 3 * 86_400_000;
    const expected = files.filter((f) => parseAwsLogFileName(f.key)!.time! >= since && f.key.includes('/123412341234/') && f.key.includes('/eu-west-1/'));
    assert.ok(expected.length >= 3 && expected.length < files.length / 4);
    const s = await importCli(srv.url, [dir, '--since', '3d', '--account', '123412341234', '--region', 'eu-west-1', '--group', '/x/since']);
    assert.equal(s.objects.listed, expected.length);
    assert.equal(s.objects.imported, expected.length);
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group = '/x/since'"), events(expected) - suppressible(expected));
  });

  test('an import killed part-way is completed by running it again', { timeout: 180_000 }, async () => {
    const dir = tempDir('tw-import-kill-');
    const files = cloudTrailTree({ end: NOW, days: 3, perDay: 12, records: 150, seed: 'kill', accounts: ['222233334444'] });
    writeFiles(dir, files);
    const run = startCli(srv.url, ['--json', 'import', dir, '--concurrency', '2', '--group', '/x/kill']);
    // Kill it once some (but not all) objects are in.
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if ((srv.store.meta.groups.get('/x/kill')?.streams.size ?? 0) > 0 && await countRows(srv.store, 'events_cloudtrail', "log_group = '/x/kill'") > 600) break;
    }
    run.child.kill('SIGKILL');
    const killed = await run.done;
    assert.equal(killed.signal, 'SIGKILL');
    const partial = await countRows(srv.store, 'events_cloudtrail', "log_group = '/x/kill'");
    assert.ok(partial > 0 && partial < events(files) - suppressible(files), `partial import (${partial})`);
    const s = await importCli(srv.url, [dir, '--group', '/x/kill']);
    assert.ok(s.objects.skipped > 0, 'objects done before the kill are skipped');
    assert.equal(s.objects.imported + s.objects.skipped, files.length);
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group = '/x/kill'"), events(files) - suppressible(files));
    assert.equal(await duplicateRows(srv.store, 'events_cloudtrail'), 0);
  });
});

describe('chunked objects and suppression rules from the config', () => {
  let srv: TestServer;
  before(async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'import.json'), JSON.stringify({
      chunkBytes: 64 * 1024,
      groups: { vpcflow: '/flows/{account}/{region}' },
      suppression: {
        disable: ['aws-service-sts-reads'],
        rules: [{ id: 'count-describes', source: 'cloudtrail', match: { eventName: 'Describe*', 'tlsDetails.tlsVersion': 'TLSv1.3' }, reason: 'read-only inventory noise', action: 'count' }],
      },
    }));
    srv = await startTestServer({ dataDir });
  });
  after(async () => { await srv.cleanup(); });

  test('rules are counted per rule and shown in the answer and in /api/v1/import/stats', { timeout: 60_000 }, async () => {
    const f = cloudTrailFile('999988887777', 'us-east-1', NOW, 450, 'rules');
    const r = await api(srv.url, `/api/v1/import?bucket=b&key=${encodeURIComponent(f.key)}&etag=e1`, { method: 'POST', body: f.body });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const sup = r.json.suppressed as Record<string, number>;
    // Records 0,5,10… are service calls, alternating KMS/STS; DescribeInstances is every 9th record.
    const kms = Array.from({ length: 450 }, (_, i) => i).filter((i) => i % SERVICE_EVERY === 0 && (i / SERVICE_EVERY) % 2 === 0).length;
    const describes = Array.from({ length: 450 }, (_, i) => i).filter((i) => i % SERVICE_EVERY !== 0 && i % 9 === 0).length;
    assert.deepEqual(sup, { 'aws-service-kms-reads': kms, 'count-describes': describes });
    assert.equal(r.json.diverted, kms, 'divert rules keep events in …/suppressed; count rules only count');
    assert.equal(r.json.stored, 450 - kms - describes);
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "event_name = 'DescribeInstances'"), 0);
    assert.equal(await countRows(srv.store, 'events_cloudtrail', "log_group = '/aws/cloudtrail/999988887777/suppressed'"), kms);
    const st = await api(srv.url, '/api/v1/import/stats');
    const rules = st.json.suppression as { id: string; matched: number; action: string }[];
    assert.deepEqual(rules.map((x) => [x.id, x.matched, x.action]), [['aws-service-kms-reads', kms, 'divert'], ['count-describes', describes, 'count']]);
    assert.equal((st.json.events as Record<string, number>).suppressed, kms + describes);
  });

  test('an object whose upload broke off resumes after its durably stored chunks, without duplicates', { timeout: 60_000 }, async () => {
    const f = vpcFlowFile('121212121212', 'eu-west-1', NOW, 30_000, 'resume');
    const plain = gunzipSync(f.body);
    const q = `bucket=b&key=${encodeURIComponent(f.key)}&etag=plain1`;
    const url = new URL(`${srv.url}/api/v1/import?${q}`);
    // Send 70% of the object, give the server time to store the chunks it has, then drop the connection.
    await new Promise<void>((resolve) => {
      const req = http.request({ method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers: { authorization: `Bearer ${TOKEN}` } });
      req.on('error', () => resolve());
      req.write(plain.subarray(0, Math.floor(plain.length * 0.7)));
      setTimeout(() => { req.destroy(); resolve(); }, 1500);
    });
    // The server works through what it received, then lets the object go (importers wait out a 409 likewise).
    for (let i = 0; i < 200; i++) {
      const c = await api(srv.url, '/api/v1/import/check', { method: 'POST', body: JSON.stringify({ objects: [{ bucket: 'b', key: f.key, etag: 'plain1' }] }) });
      if ((c.json.objects as { status: string }[])[0].status !== 'in-progress') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const partial = await countRows(srv.store, 'events_vpcflow', "log_group = '/flows/121212121212/eu-west-1'");
    assert.ok(partial > 0 && partial < 30_000, `some chunks stored (${partial})`);
    const r = await api(srv.url, `/api/v1/import?${q}`, { method: 'POST', body: plain });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.ok((r.json.resumedFromChunk as number) > 0, 'resumed after the stored chunks');
    assert.equal(r.json.received, 30_000);
    assert.equal(await countRows(srv.store, 'events_vpcflow', "log_group = '/flows/121212121212/eu-west-1'"), 30_000);
    assert.equal(await duplicateRows(srv.store, 'events_vpcflow'), 0);
    // And the object is now done.
    const again = await api(srv.url, `/api/v1/import?${q}`, { method: 'POST', body: plain });
    assert.equal(again.json.status, 'skipped');
  });

  test('bad input: no key, bad gzip, unknown format; no credentials', { timeout: 30_000 }, async () => {
    assert.equal((await api(srv.url, '/api/v1/import?bucket=b', { method: 'POST', body: 'x' })).status, 400);
    const badGzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(40, 7)]);
    const g = await api(srv.url, '/api/v1/import?bucket=b&key=bad.json.gz&etag=x1', { method: 'POST', body: badGzip });
    assert.equal(g.status, 400);
    assert.equal(g.json.__type, 'InvalidObjectException');
    assert.equal((await api(srv.url, '/api/v1/import?bucket=b&key=k&etag=x2&format=nope', { method: 'POST', body: '{}' })).status, 400);
    const anon = await fetch(`${srv.url}/api/v1/import?bucket=b&key=k&etag=x3`, { method: 'POST', body: 'x' });
    assert.equal(anon.status, 401);
    // A failed object is not recorded as done: it can be retried.
    const check = await api(srv.url, '/api/v1/import/check', { method: 'POST', body: JSON.stringify({ objects: [{ bucket: 'b', key: 'bad.json.gz', etag: 'x1' }] }) });
    assert.equal((check.json.objects as { status: string }[])[0].status, 'new');
  });
});

test('a server killed (SIGKILL) in the middle of an object: the retry after restart resumes, nothing lost or doubled', { timeout: 180_000 }, async () => {
  const dataDir = tempDir();
  writeFileSync(join(dataDir, 'import.json'), JSON.stringify({ chunkBytes: 64 * 1024 }));
  const f = vpcFlowFile('343434343434', 'us-west-2', NOW, 30_000, 'crash');
  const plain = gunzipSync(f.body);
  const q = `bucket=b&key=${encodeURIComponent(f.key)}&etag=crash1`;
  let proc = await spawnServer(dataDir);
  const url = new URL(`${proc.url}/api/v1/import?${q}`);
  const req = http.request({ method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers: { authorization: `Bearer ${TOKEN}` } });
  req.on('error', () => { /* the server dies */ });
  req.write(plain.subarray(0, Math.floor(plain.length * 0.8)));
  // Wait for a few durable chunks (progress records in the ledger), then kill the server and its engine.
  const ledger = join(dataDir, 'import', 'ledger.jsonl');
  for (let i = 0; i < 400; i++) {
    await new Promise((r) => setTimeout(r, 25));
    if (existsSync(ledger) && (readFileSync(ledger, 'utf8').match(/"op":"progress"/g) ?? []).length >= 3) break;
  }
  process.kill(proc.child.pid!, 'SIGKILL');
  if (proc.enginePid) { try { process.kill(proc.enginePid, 'SIGKILL'); } catch { /* gone with its parent */ } }
  await new Promise((r) => proc.child.once('exit', r));
  req.destroy();
  proc = await spawnServer(dataDir);
  const r = await api(proc.url, `/api/v1/import?${q}`, { method: 'POST', body: plain });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.ok((r.json.resumedFromChunk as number) >= 3, `resumed after the stored chunks (${r.json.resumedFromChunk})`);
  assert.equal(r.json.received, 30_000);
  await proc.stop();
  const srv = await startTestServer({ dataDir });
  try {
    assert.equal(await countRows(srv.store, 'events_vpcflow', "log_stream = '343434343434_vpcflowlogs_us-west-2'"), 30_000);
    assert.equal(await duplicateRows(srv.store, 'events_vpcflow'), 0);
  } finally {
    await srv.cleanup();
  }
});
