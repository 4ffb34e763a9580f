/** PutLogEvents acceptance rules (aws-facts.md §3.1 "PutLogEvents acceptance rules"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBatch, batchHash, MAX_BATCH_BYTES, EVENT_OVERHEAD_BYTES } from '../../src/ingest/log-batch.js';
import { AwsError } from '../../src/api/errors.js';
import { chunkEvents, linesToEvents, timestampOf } from '../../src/ingest/lines.js';

const now = Date.UTC(2026, 10, 21, 12);
const H = 3600_000;
const D = 24 * H;

test('too old prefix (exclusive end) and too new suffix (inclusive start) are rejected, the rest accepted', () => {
  const ev = [now - 15 * D, now - 14 * D - 1, now - H, now, now + 3 * H].map((timestamp, i) => ({ timestamp, message: `m${i}` }));
  // The 24 h span rule applies to the whole batch first, so this batch is split into two checks.
  assert.throws(() => checkBatch(ev, now), (e: AwsError) => e.code === 'InvalidParameterException' && /24 hours/.test(e.message));
  const old = checkBatch(ev.slice(0, 2).concat([]), now);
  assert.deepEqual(old.rejected, { tooOldLogEventEndIndex: 2 });
  assert.equal(old.accepted.length, 0);
  const mixed = checkBatch(ev.slice(2), now);
  assert.deepEqual(mixed.rejected, { tooNewLogEventStartIndex: 2 });
  assert.deepEqual(mixed.accepted.map((e) => e.message), ['m2', 'm3']);
});

test('expired events: older than the group retention', () => {
  const ev = [now - 1.05 * D, now - 1.02 * D, now - 0.5 * D].map((timestamp, i) => ({ timestamp, message: `m${i}` }));
  const r = checkBatch(ev, now, 1);
  assert.deepEqual(r.rejected, { expiredLogEventEndIndex: 2 });
  assert.deepEqual(r.accepted.map((e) => e.message), ['m2']);
});

test('out of order, oversize and over-count batches fail whole', () => {
  assert.throws(() => checkBatch([{ timestamp: now, message: 'a' }, { timestamp: now - 1, message: 'b' }], now), /chronological order/);
  const big = 'x'.repeat(200_000);
  const many = Array.from({ length: 6 }, () => ({ timestamp: now, message: big }));
  assert.throws(() => checkBatch(many, now), (e: AwsError) => /Upload too large/.test(e.message) && e.code === 'InvalidParameterException');
  assert.throws(() => checkBatch(Array.from({ length: 10_001 }, () => ({ timestamp: now, message: 'a' })), now), /less than or equal to 10000/);
  assert.throws(() => checkBatch([{ timestamp: now, message: 'y'.repeat(262_144) }], now), /Log event too large/);
});

test('exactly 1,048,576 bytes (message + 26 each) is accepted', () => {
  const per = MAX_BATCH_BYTES / 4 - EVENT_OVERHEAD_BYTES;
  const ev = Array.from({ length: 4 }, () => ({ timestamp: now, message: 'z'.repeat(per) }));
  assert.equal(checkBatch(ev, now).accepted.length, 4);
});

test('batch hash identifies content, group and stream', () => {
  const ev = [{ timestamp: now, message: 'a' }];
  assert.equal(batchHash(1, 2, ev), batchHash(1, 2, [{ timestamp: now, message: 'a' }]));
  assert.notEqual(batchHash(1, 2, ev), batchHash(1, 3, ev));
  assert.notEqual(batchHash(1, 2, ev), batchHash(1, 2, [{ timestamp: now + 1, message: 'a' }]));
});

test('lines: JSON timestamps in seconds, ms and ISO; plain lines get the fallback; chunks respect limits', () => {
  assert.equal(timestampOf('{"time":"2026-11-21T12:00:00Z"}', 5), now);
  assert.equal(timestampOf(`{"timestamp":${now / 1000}}`, 5), now);
  assert.equal(timestampOf(`{"ts":${now}}`, 5), now);
  assert.equal(timestampOf('plain line', 5), 5);
  assert.equal(linesToEvents('a\r\n\n b\n', 7).map((e) => e.message).join('|'), 'a| b');
  const ev = Array.from({ length: 25_000 }, (_, i) => ({ timestamp: now + i, message: 'm' }));
  assert.deepEqual(chunkEvents(ev).map((c) => c.length), [10_000, 10_000, 5_000]);
  const span = [{ timestamp: now, message: 'a' }, { timestamp: now + 25 * H, message: 'b' }];
  assert.equal(chunkEvents(span).length, 2);
});
