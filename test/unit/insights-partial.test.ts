/**
 * Time slicing of Logs Insights event queries (src/query/insights/time-slices.ts; docs/insights.md "Partial
 * results and early stop"): the slices cover the range exactly, newest (or oldest) first, on hour/day
 * boundaries; only queries whose answer is the first N events by @timestamp are sliced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SLICES, sliceDirection, timeSlices, type TimeSlice } from '../../src/query/insights/time-slices.js';
import { parseQuery } from '../../src/query/insights/parser.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function assertCovers(slices: TimeSlice[], startMs: number, endMs: number, dir: 'asc' | 'desc'): void {
  const ordered = dir === 'desc' ? [...slices].reverse() : slices;
  assert.equal(ordered[0].startMs, startMs);
  assert.equal(ordered[ordered.length - 1].endMs, endMs);
  for (let i = 0; i < ordered.length; i++) {
    assert.ok(ordered[i].startMs <= ordered[i].endMs, JSON.stringify(ordered[i]));
    if (i > 0) assert.equal(ordered[i].startMs, ordered[i - 1].endMs + 1, 'no gap, no overlap');
  }
}

test('desc: newest first, growing, inner boundaries on whole hours then whole UTC days, exact cover', () => {
  const end = Date.UTC(2026, 10, 22, 10, 37, 12, 999);
  const start = end - 7 * DAY;
  const s = timeSlices(start, end, 'desc');
  assertCovers(s, start, end, 'desc');
  assert.deepEqual(s[0], { startMs: Date.UTC(2026, 10, 22, 9), endMs: end });
  assert.deepEqual(s[1], { startMs: Date.UTC(2026, 10, 22, 6), endMs: Date.UTC(2026, 10, 22, 9) - 1 });
  for (const sl of s.slice(0, -1)) assert.equal(sl.startMs % HOUR, 0);
  for (const sl of s.slice(3, -1)) assert.equal(sl.startMs % DAY, 0);
  for (let i = 1; i < s.length - 1; i++) assert.ok(s[i].endMs - s[i].startMs >= s[i - 1].endMs - s[i - 1].startMs, 'slices grow');
});

test('asc: oldest first, exact cover, inner boundaries aligned', () => {
  const start = Date.UTC(2026, 10, 1, 3, 20);
  const end = start + 10 * DAY + 1234;
  const s = timeSlices(start, end, 'asc');
  assertCovers(s, start, end, 'asc');
  assert.deepEqual(s[0], { startMs: start, endMs: Date.UTC(2026, 10, 1, 5) - 1 });
  for (const sl of s.slice(0, -1)) assert.equal((sl.endMs + 1) % HOUR, 0);
});

test('short and huge ranges: one slice under an hour; at most MAX_SLICES since 1970', () => {
  assert.deepEqual(timeSlices(1000, 2000, 'desc'), [{ startMs: 1000, endMs: 2000 }]);
  assert.deepEqual(timeSlices(1000, 2000, 'asc'), [{ startMs: 1000, endMs: 2000 }]);
  assert.deepEqual(timeSlices(5, 4, 'desc'), []);
  const end = Date.UTC(2026, 10, 22);
  for (const dir of ['asc', 'desc'] as const) {
    const s = timeSlices(0, end, dir);
    assert.ok(s.length <= MAX_SLICES && s.length > 10, String(s.length));
    assertCovers(s, 0, end, dir);
  }
});

test('sliceDirection: default and explicit @timestamp order are sliced; everything else runs in one piece', () => {
  const dir = (t: string) => sliceDirection(parseQuery(t));
  assert.equal(dir('fields @timestamp, @message | limit 25'), 'desc');
  assert.equal(dir('fields @timestamp, @message | sort @timestamp desc | limit 25'), 'desc');
  assert.equal(dir('filter level = "error" | sort @timestamp asc'), 'asc');
  assert.equal(dir('parse @message "a=*" as a | filter a > 1 | display a | limit 3'), 'desc');
  assert.equal(dir('fields x | limit 10 | fields x * 2 as y | limit 5'), 'desc');
  assert.equal(dir('filter @message like /x/'), 'desc');
  assert.equal(dir('sort x desc | limit 3'), null);
  assert.equal(dir('sort @timestamp desc, x asc | sort x'), null);
  assert.equal(dir('stats count(*) by bin(1h)'), null);
  assert.equal(dir('dedup x'), null);
  assert.equal(dir('unnest a into b'), null);
  assert.equal(dir('pattern @message'), null);
  assert.equal(dir('fields x | limit any'), null);
  assert.equal(dir('limit 5 | filter x = 1'), null);
  assert.equal(dir('limit 5 | sort @timestamp asc'), null);
  assert.equal(dir('fields @message as @timestamp | sort @timestamp desc'), null);
  assert.equal(dir('parse @message "* *" as @timestamp, b'), null);
  assert.equal(dir('display @message as @timestamp'), null);
});
