/** Write-ahead log: records round-trip, a torn tail (crash mid-write) is cut off, segments are released. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WriteAheadLog, encodeRecord, type WalHeader } from '../../src/store/wal.js';
import { tempDir } from '../helpers/server.js';

const header = (seq: number): WalHeader => ({ seq, groupId: 1, streamId: 2, hash: `h${seq}`, count: 1, minTs: seq, maxTs: seq, bytes: 3, ingestionTime: Date.now() });

test('records written and synced are read back in order', async () => {
  const dir = tempDir('tw-wal-');
  const wal = new WriteAheadLog(dir);
  assert.deepEqual(wal.recover(), []);
  await wal.open(1);
  await Promise.all([1, 2, 3].map((s) => wal.append(header(s), Buffer.from(`{"row":${s}}\n`))));
  await wal.close();
  const again = new WriteAheadLog(dir).recover();
  assert.deepEqual(again.map((r) => r.header.seq), [1, 2, 3]);
  assert.equal(again[2].body.toString(), '{"row":3}\n');
  rmSync(dir, { recursive: true, force: true });
});

test('a torn record at the tail is discarded and truncated; earlier records survive', async () => {
  const dir = tempDir('tw-wal-');
  const wal = new WriteAheadLog(dir);
  wal.recover();
  await wal.open(1);
  await wal.append(header(1), Buffer.from('a\n'));
  await wal.close();
  const seg = join(dir, readdirSync(dir)[0]);
  const good = statSync(seg).size;
  const partial = encodeRecord(header(2), Buffer.from('b\n')).subarray(0, 20);
  appendFileSync(seg, partial);
  const recs = new WriteAheadLog(dir).recover();
  assert.deepEqual(recs.map((r) => r.header.seq), [1]);
  assert.equal(statSync(seg).size, good, 'torn tail truncated');
  rmSync(dir, { recursive: true, force: true });
});

test('a record with a corrupted checksum ends recovery of that segment', async () => {
  const dir = tempDir('tw-wal-');
  const wal = new WriteAheadLog(dir);
  wal.recover();
  await wal.open(1);
  await wal.append(header(1), Buffer.from('a\n'));
  await wal.close();
  const seg = join(dir, readdirSync(dir)[0]);
  const bad = encodeRecord(header(2), Buffer.from('b\n'));
  bad[bad.length - 2] ^= 0xff;
  appendFileSync(seg, bad);
  assert.deepEqual(new WriteAheadLog(dir).recover().map((r) => r.header.seq), [1]);
  rmSync(dir, { recursive: true, force: true });
});
