/** The log store on the real embedded engine: recovery, retention, deletes, retry dedup across restarts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogStore } from '../../src/store/log-store.js';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { EVENTS_TABLE } from '../../src/store/schema.js';
import { rows } from '../../src/store/engine.js';
import { tempDir } from '../helpers/server.js';

async function open(dir: string): Promise<LogStore> {
  const s = new LogStore(join(dir, 'store'), new EmbeddedEngine({ dataDir: join(dir, 'engine') }));
  await s.open();
  return s;
}

async function messages(s: LogStore, groupId: number): Promise<string[]> {
  return (await s.filter(groupId, { limit: 10_000 })).map((e) => e.message);
}

test('metadata, events and retry hashes survive a restart; a retried batch is stored once', { timeout: 60_000 }, async () => {
  const dir = tempDir('tw-store-');
  let s = await open(dir);
  const g = s.meta.createGroup('/g', Date.now(), 'STANDARD', { team: 'a' });
  s.meta.setRetention(g, 7);
  const st = s.meta.createStream(g, 'st', Date.now());
  const now = Date.now();
  const r1 = await s.append(g, st, [{ timestamp: now, message: 'one' }, { timestamp: now + 1, message: 'two' }], 'hash-1');
  assert.equal(r1.duplicate, false);
  await s.close();

  s = await open(dir);
  const g2 = s.meta.groups.get('/g')!;
  assert.equal(g2.retentionInDays, 7);
  assert.deepEqual(g2.tags, { team: 'a' });
  const st2 = g2.streams.get('st')!;
  assert.equal(st2.lastEventTimestamp, now + 1);
  assert.deepEqual(await messages(s, g2.id), ['one', 'two']);
  const again = await s.append(g2, st2, [{ timestamp: now, message: 'one' }, { timestamp: now + 1, message: 'two' }], 'hash-1');
  assert.equal(again.duplicate, true);
  assert.deepEqual(await messages(s, g2.id), ['one', 'two']);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('rows past the checkpoint (a half-done insert) are replaced by the WAL replay, exactly once', { timeout: 60_000 }, async () => {
  const dir = tempDir('tw-store-');
  let s = await open(dir);
  const g = s.meta.createGroup('/g', Date.now(), 'STANDARD', {});
  const st = s.meta.createStream(g, 'st', Date.now());
  const now = Date.now();
  await s.append(g, st, [{ timestamp: now, message: 'a' }, { timestamp: now, message: 'b' }], 'h1');
  await s.close();
  // Pretend the engine never confirmed seq 1: checkpoint back to 0, and a stray partial row for seq 1 exists.
  writeFileSync(join(dir, 'store', 'checkpoint.json'), JSON.stringify({ seq: 0 }));
  const e = new EmbeddedEngine({ dataDir: join(dir, 'engine') });
  await e.insert({ table: EVENTS_TABLE, values: Buffer.from(JSON.stringify({ group_id: g.id, stream_id: st.id, log_group: '/g', log_stream: 'st', timestamp: now, ingestion_time: now, seq: 1, idx: 0, message: 'a' }) + '\n'), format: 'JSONEachRow' });
  await e.close();
  s = await open(dir);
  assert.deepEqual((await messages(s, g.id)).sort(), ['a', 'b']);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('retention sweep deletes only events older than each group retention', { timeout: 60_000 }, async () => {
  const dir = tempDir('tw-store-');
  const s = await open(dir);
  const g = s.meta.createGroup('/short', Date.now(), 'STANDARD', {});
  const keep = s.meta.createGroup('/forever', Date.now(), 'STANDARD', {});
  s.meta.setRetention(g, 1);
  const now = Date.now();
  for (const grp of [g, keep]) {
    const st = s.meta.createStream(grp, 'st', now);
    await s.append(grp, st, [{ timestamp: now - 2 * 86_400_000, message: 'old' }, { timestamp: now - 1000, message: 'new' }], `h-${grp.id}`);
  }
  assert.equal(await s.enforceRetention(now), 1);
  assert.deepEqual(await messages(s, g.id), ['new']);
  assert.deepEqual(await messages(s, keep.id), ['old', 'new']);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a deleted and recreated group does not show its predecessor events', { timeout: 60_000 }, async () => {
  const dir = tempDir('tw-store-');
  const s = await open(dir);
  const g = s.meta.createGroup('/g', Date.now(), 'STANDARD', {});
  const st = s.meta.createStream(g, 'st', Date.now());
  await s.append(g, st, [{ timestamp: Date.now(), message: 'before' }], 'x');
  s.meta.deleteGroup(g);
  const g2 = s.meta.createGroup('/g', Date.now(), 'STANDARD', {});
  assert.notEqual(g2.id, g.id);
  assert.deepEqual(await messages(s, g2.id), []);
  await s.deleteGroupData(g.id);
  const [{ n }] = await rows<{ n: string }>(s.engine, `SELECT count() AS n FROM ${EVENTS_TABLE} WHERE group_id = {g:UInt64}`, { g: g.id });
  assert.equal(Number(n), 0);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a group of a known format stores typed hot columns in its own table, and replays there', { timeout: 60_000 }, async () => {
  const dir = tempDir('tw-store-');
  const spec = { name: 'demo_events', columns: [{ name: 'event_name', type: 'LowCardinality(String)' }, { name: 'bytes', type: 'Nullable(UInt64)' }] };
  const mk = async () => { const s = new LogStore(join(dir, 'store'), new EmbeddedEngine({ dataDir: join(dir, 'engine') }), [spec]); await s.open(); return s; };
  let s = await mk();
  const g = s.meta.createGroup('/typed', Date.now(), 'STANDARD', {}, undefined, 'demo_events');
  const st = s.meta.createStream(g, 'st', Date.now());
  const now = Date.now();
  await s.append(g, st, [{ timestamp: now, message: 'raw 1', columns: { event_name: 'StopLogging', bytes: 42 } }, { timestamp: now + 1, message: 'raw 2', columns: { event_name: 'x', bytes: null } }], 't1');
  await s.close();
  writeFileSync(join(dir, 'store', 'checkpoint.json'), JSON.stringify({ seq: 0 }));
  s = await mk();
  const got = await rows<{ event_name: string; bytes: string | null; message: string }>(s.engine, 'SELECT event_name, bytes, message FROM demo_events ORDER BY timestamp');
  assert.deepEqual(got.map((r) => [r.event_name, r.bytes === null ? null : Number(r.bytes), r.message]), [['StopLogging', 42, 'raw 1'], ['x', null, 'raw 2']]);
  assert.equal(s.tableOf(s.meta.groups.get('/typed')!), 'demo_events');
  assert.deepEqual((await s.filter(g.id, { limit: 10 })).map((e) => e.message), ['raw 1', 'raw 2']);
  const [{ n }] = await rows<{ n: string }>(s.engine, `SELECT count() AS n FROM ${EVENTS_TABLE}`);
  assert.equal(Number(n), 0);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a record the engine refuses fails alone, never the batches coalesced with it, and never blocks a restart', { timeout: 60_000 }, async () => {
  const dir = tempDir('tw-store-');
  let s = await open(dir);
  const g = s.meta.createGroup('/g', Date.now(), 'STANDARD', {});
  const st = s.meta.createStream(g, 'st', Date.now());
  const now = Date.now();
  // A lone UTF-16 surrogate is not valid UTF-8 for the engine: that batch is refused.
  const results = await Promise.allSettled([
    s.append(g, st, [{ timestamp: now, message: 'good one' }], 'ok1'),
    s.append(g, st, [{ timestamp: now, message: 'bad \ud800 record' }], 'bad'),
    s.append(g, st, [{ timestamp: now, message: 'good two' }], 'ok2'),
  ]);
  const bad = results[1].status === 'rejected';
  assert.equal(results[0].status, 'fulfilled');
  assert.equal(results[2].status, 'fulfilled');
  const stored = (await messages(s, g.id)).sort();
  assert.deepEqual(stored.filter((m) => m.startsWith('good')), ['good one', 'good two']);
  await s.close();
  // Restart replays the WAL from the checkpoint: forcing a full replay must skip the refused record.
  writeFileSync(join(dir, 'store', 'checkpoint.json'), JSON.stringify({ seq: 0 }));
  s = await open(dir);
  const again = (await messages(s, g.id)).sort();
  assert.deepEqual(again.filter((m) => m.startsWith('good')), ['good one', 'good two']);
  assert.equal(again.length, bad ? 2 : 3);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('generic-table rows travel as RowBinary: any message bytes and every row arrive, live and on WAL replay', { timeout: 60_000 }, async () => {
  // chDB ends inline insert data at a blank line (bytes 0A 0A) without an error; binary rows hold such
  // bytes all the time (idx 2570 = 0x0A0A), so they must go through a file. 3,000 events cross idx 2570.
  const dir = tempDir('tw-store-');
  let s = await open(dir);
  const g = s.meta.createGroup('/bin', Date.now(), 'STANDARD', {});
  const st = s.meta.createStream(g, 'st-ü', Date.now());
  const now = Date.now();
  const special = ['two\n\nnewlines', 'tab\there', 'back\\slash "quoted"', 'ünïcødé ✓ 𝄞', 'x'.repeat(200_000), '\r\n\r\n', '{"a":1}'];
  const events = Array.from({ length: 3000 }, (_, i) => ({ timestamp: now - 3000 + i, message: i < special.length ? special[i] : `line ${i}` }));
  await s.append(g, st, events, 'bin-1');
  const read = async () => (await s.readStream(g.id, st.id, { limit: 10_000, fromHead: true })).map((e) => [e.timestamp, e.idx, e.message, e.logStream]);
  const expected = events.map((e, i) => [e.timestamp, i, e.message, 'st-ü']);
  assert.deepEqual(await read(), expected);
  assert.equal(st.storedBytes, events.reduce((n, e) => n + Buffer.byteLength(e.message), 0));
  await s.close();
  // Force a replay of the RowBinary WAL record: still exactly once.
  writeFileSync(join(dir, 'store', 'checkpoint.json'), JSON.stringify({ seq: 0 }));
  s = await open(dir);
  assert.deepEqual(await read(), expected);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});
