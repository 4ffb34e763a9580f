/** The outbox journal: durable adds and attempts, replay, a torn last line, a damaged line, compaction and retention. */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Outbox } from '../../src/notify/outbox.js';
import type { Delivery } from '../../src/notify/model.js';
import { tempDir } from '../helpers/server.js';

const mk = (id: string): Delivery => ({
  id, kind: 'Notification', messageId: `m-${id}`, topicArn: 'arn:aws:sns:us-east-1:000000000000:t', subscriptionArn: 'arn:aws:sns:us-east-1:000000000000:t:s',
  protocol: 'http', endpoint: 'http://127.0.0.1:1/', message: `message ${id}`, timestamp: '2026-01-01T00:00:00.000Z', raw: false,
  status: 'pending', attempts: [], nextAttemptAt: 1,
});

describe('outbox', () => {
  it('replays adds and attempts after a reopen', () => {
    const dir = tempDir('tw-outbox-');
    const o = new Outbox(dir, 100);
    o.open();
    o.add([mk('a'), mk('b'), mk('c')]);
    o.record('a', { at: 10, ok: false, status: 500, error: 'boom' }, 'pending', 50);
    o.record('a', { at: 60, ok: true, status: 200 }, 'delivered', 0);
    o.record('b', { at: 11, ok: false, error: 'ECONNREFUSED' }, 'dead', 0);
    o.close();
    const p = new Outbox(dir, 100);
    p.open();
    assert.deepEqual(p.pending().map((d) => d.id), ['c']);
    assert.equal(p.get('a')!.status, 'delivered');
    assert.deepEqual(p.get('a')!.attempts.map((x) => x.ok), [false, true]);
    assert.equal(p.get('b')!.status, 'dead');
    assert.deepEqual(p.list({ status: 'dead' }).map((d) => d.id), ['b']);
    assert.equal(p.depth, 1);
    p.close();
  });

  it('cuts a torn last line (kill -9 mid-append) and keeps appending cleanly', () => {
    const dir = tempDir('tw-outbox-');
    const o = new Outbox(dir, 100);
    o.open();
    o.add([mk('a')]);
    o.close();
    appendFileSync(join(dir, 'outbox.jsonl'), '{"t":"try","id":"a","a":{"at":1,"ok":tr');
    const p = new Outbox(dir, 100);
    p.open();
    assert.equal(p.get('a')!.status, 'pending');
    p.record('a', { at: 2, ok: true, status: 200 }, 'delivered', 0);
    p.close();
    const lines = readFileSync(join(dir, 'outbox.jsonl'), 'utf8').trim().split('\n');
    assert.ok(lines.every((l) => JSON.parse(l)), 'every line parses');
    const q = new Outbox(dir, 100);
    q.open();
    assert.equal(q.get('a')!.status, 'delivered');
    q.close();
  });

  it('forgets the oldest finished deliveries past the retention, keeps pending and more dead letters', () => {
    const dir = tempDir('tw-outbox-');
    const o = new Outbox(dir, 5);
    o.open();
    const ids = Array.from({ length: 40 }, (_, i) => `d${i}`);
    o.add(ids.map(mk));
    ids.slice(0, 20).forEach((id, i) => o.record(id, { at: 100 + i, ok: true, status: 200 }, 'delivered', 0));
    ids.slice(20, 35).forEach((id, i) => o.record(id, { at: 200 + i, ok: false, status: 500 }, 'dead', 0));
    const delivered = o.list({ status: 'delivered', limit: 1000 });
    assert.ok(delivered.length <= 10 && delivered.length >= 5, String(delivered.length));
    assert.ok(delivered.some((d) => d.id === 'd19'), 'the newest are kept');
    assert.equal(o.list({ status: 'dead', limit: 1000 }).length, 15);
    assert.equal(o.depth, 5);
    o.close();
    const p = new Outbox(dir, 5);
    p.open();
    assert.equal(p.depth, 5);
    assert.equal(p.list({ status: 'dead', limit: 1000 }).length, 15);
    const lines = readFileSync(join(dir, 'outbox.jsonl'), 'utf8').trim().split('\n').length;
    assert.ok(lines < 40 + 35, `compacted (${lines} lines)`);
    p.close();
  });

  it('skips a damaged line in the middle and keeps every good line after it', () => {
    const dir = tempDir('tw-outbox-');
    const o = new Outbox(dir, 100);
    o.open();
    o.add([mk('a')]);
    o.close();
    // Damage that is not a torn tail: a garbage line followed by good records.
    appendFileSync(join(dir, 'outbox.jsonl'), '{"t":"add","d":{"id":"x"\n' + JSON.stringify({ t: 'add', d: mk('b') }) + '\n');
    const p = new Outbox(dir, 100);
    p.open();
    assert.equal(p.damagedLines, 1);
    assert.deepEqual(p.pending().map((d) => d.id).sort(), ['a', 'b'], 'the record after the damage survives');
    p.close();
  });

  it('dead letters under their retention do not make every finish rewrite the journal', () => {
    const dir = tempDir('tw-outbox-');
    const o = new Outbox(dir, 5);
    o.open();
    const ids = Array.from({ length: 40 }, (_, i) => `x${i}`);
    o.add(ids.map(mk));
    ids.forEach((id, i) => o.record(id, { at: 100 + i, ok: false, status: 500 }, 'dead', 0));
    o.close();
    // 40 dead letters are within the dead-letter retention (10 x 5): nothing to forget, so no compaction;
    // the journal still holds the 40 adds and the 40 attempts as appended.
    assert.equal(readFileSync(join(dir, 'outbox.jsonl'), 'utf8').trim().split('\n').length, 80);
  });
});
