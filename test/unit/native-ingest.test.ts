/**
 * Native ingest of one body on the real store and engine: lines, times, the per-event PutLogEvents
 * acceptance rules (aws-facts.md §3.1 "PutLogEvents acceptance rules": too old > 14 days, too new
 * > 2 hours, expired = older than the retention), one batch per body and its retry hash (docs/ingest.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LogStore } from '../../src/store/log-store.js';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { ingestLines } from '../../src/ingest/native-ingest.js';
import { tempDir } from '../helpers/server.js';

const H = 3600_000, D = 24 * H;

test('a body: lines, their times, per-event rejections, order, retry of the same body stored once', { timeout: 60_000 }, async () => {
  const dir = tempDir('tw-native-');
  const store = new LogStore(join(dir, 'store'), new EmbeddedEngine({ dataDir: join(dir, 'engine') }));
  await store.open();
  try {
    const now = Date.UTC(2026, 10, 22, 12) + (Date.now() % 1000);
    await ingestLines(store, { group: '/n', stream: 'warm-up', create: true, body: 'creates the group\n', now: Date.now() });
    store.meta.setRetention(store.meta.groups.get('/n')!, 3);
    const lines = [
      JSON.stringify({ ts: (now - 10 * 60_000) / 1000, msg: 'seconds' }),
      'plain line takes the arrival time\r',
      '',
      '   \t ',
      JSON.stringify({ msg: 'later', timestamp: new Date(now - 5 * 60_000).toISOString() }),
      JSON.stringify({ '@timestamp': now - 15 * D, msg: 'too old' }),
      JSON.stringify({ time: now - 5 * D, msg: 'expired (retention 3 days)' }),
      JSON.stringify({ eventTime: now + 3 * H, msg: 'too new' }),
      `{"timestamp": ${now - 20 * 60_000}, "msg": "malformed" ,}`,
      'x'.repeat(262_144 - 26 + 1),
      JSON.stringify({ timestamp: now - 10 * 60_000, msg: 'same ms as the first, after it' }),
      'ünïcødé ✓',
    ];
    const body = lines.join('\n') + '\n';
    const r = await ingestLines(store, { group: '/n', stream: 's', create: false, body, now });
    assert.deepEqual(r, { logGroupName: '/n', logStreamName: 's', received: 10, ingested: 6, rejected: { tooOld: 1, tooNew: 1, expired: 1, tooLarge: 1 } });
    const g = store.meta.groups.get('/n')!;
    const s = g.streams.get('s')!;
    const read = async () => (await store.readStream(g.id, s.id, { start: now - D, limit: 100, fromHead: true })).map((e) => [e.timestamp, e.message]);
    const expected = [
      [now - 10 * 60_000, lines[0]],
      [now - 10 * 60_000, lines[10]],
      [now - 5 * 60_000, lines[4]],
      [now, 'plain line takes the arrival time'],
      [now, lines[8]],
      [now, lines[11]],
    ];
    assert.deepEqual(await read(), expected);
    assert.equal(s.storedBytes, expected.reduce((n, e) => n + Buffer.byteLength(e[1] as string), 0));
    // The same body again (its untimed lines got the same arrival time): answered, not stored twice.
    const again = await ingestLines(store, { group: '/n', stream: 's', create: false, body, now });
    assert.equal(again.ingested, 6);
    assert.deepEqual(await read(), expected);
    // Sent at another time it is another batch: its untimed lines got another time.
    await ingestLines(store, { group: '/n', stream: 's', create: false, body, now: now + 1 });
    assert.equal((await read()).length, 12);
    // A body of timed lines alone is the same batch whenever it is retried.
    const timed = lines[0] + '\n' + lines[4] + '\n';
    await ingestLines(store, { group: '/n', stream: 't', create: false, body: timed, now });
    await ingestLines(store, { group: '/n', stream: 't', create: false, body: timed, now: now + 5000 });
    const t = g.streams.get('t')!;
    assert.equal((await store.readStream(g.id, t.id, { limit: 100, fromHead: true })).length, 2);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
