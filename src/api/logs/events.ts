/** Event operations: PutLogEvents, GetLogEvents, FilterLogEvents. */
import type { Handler } from '../context.js';
import { AwsError } from '../errors.js';
import { LOG_GROUP_NAME, LOG_STREAM_NAME, Validator } from '../validate.js';
import { resolveGroup, resolveStream } from './resolve.js';
import { batchHash, checkBatch, type LogEventInput } from '../../ingest/log-batch.js';
import { reportRejected, runProcessors } from '../../ingest/processors.js';
import type { Cursor, StoredEvent } from '../../store/log-store.js';
import { compileSql, FilterPatternError, parse as parseFilterPattern, type SqlPredicate } from '../../query/patterns/filter-pattern.js';

const PAGE_BYTES = 1_048_576;

function readEvents(v: Validator, input: Record<string, unknown>): LogEventInput[] {
  const list = v.array<unknown>('logEvents', { required: true, min: 1 }) ?? [];
  const events: LogEventInput[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new AwsError('SerializationException', `Unexpected value type for 'logEvents.${i + 1}': expected structure`);
    const { timestamp, message } = e;
    if (timestamp === undefined || timestamp === null) v.add(`logEvents.${i + 1}.member.timestamp`, undefined, 'Member must not be null');
    else if (typeof timestamp !== 'number' || !Number.isInteger(timestamp)) throw new AwsError('SerializationException', `Unexpected value type for 'logEvents.${i + 1}.timestamp': expected long`);
    if (message === undefined || message === null) v.add(`logEvents.${i + 1}.member.message`, undefined, 'Member must not be null');
    else if (typeof message !== 'string') throw new AwsError('SerializationException', `Unexpected value type for 'logEvents.${i + 1}.message': expected string`);
    else if (message.length === 0) v.add(`logEvents.${i + 1}.member.message`, message, 'Member must have length greater than or equal to 1');
    events[i] = { timestamp: timestamp as number, message: message as string };
  }
  void input;
  return events;
}

export const PutLogEvents: Handler = async (input, ctx) => {
  const v = new Validator(input);
  v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  const streamName = v.string('logStreamName', { required: true, ...LOG_STREAM_NAME });
  v.string('sequenceToken', { min: 1 }); // accepted and ignored, as AWS does since 2023
  const events = readEvents(v, input);
  v.done();
  const g = resolveGroup(input, ctx, v)!;
  const s = resolveStream(g, streamName!);
  const { accepted, rejected } = checkBatch(events, Date.now(), g.retentionInDays);
  reportRejected(ctx.store, events.length - accepted.length);
  const out: Record<string, unknown> = {};
  let seq = 0;
  if (accepted.length) {
    const r = await ctx.store.append(g, s, accepted, batchHash(g.id, s.id, events), rejected as Record<string, number> | undefined);
    seq = r.seq;
    if (r.rejected) out.rejectedLogEventsInfo = r.rejected;
    // Post-append processors (EMF metrics, later metric filters) see each durable batch once.
    if (!r.duplicate) await runProcessors(ctx.store, { group: g, stream: s, events: accepted });
  } else if (rejected) {
    out.rejectedLogEventsInfo = rejected;
  }
  out.nextSequenceToken = String(seq).padStart(56, '4');
  return out;
};

// GetLogEvents tokens: "f/" or "b/" then digits encoding (timestamp, seq, idx) of the boundary event.
function encodeCursor(dir: 'f' | 'b', c: Cursor): string {
  return `${dir}/${String(c.timestamp).padStart(16, '0')}${String(c.seq).padStart(20, '0')}${String(c.idx).padStart(6, '0')}`;
}
function decodeCursor(token: string): { dir: 'f' | 'b'; c: Cursor } {
  const m = /^([fb])\/(\d{16})(\d{20})(\d{6})$/.exec(token);
  // A forged 20-digit seq beyond UInt64/2^53 used to reach the engine and answer 500: refuse it as a bad token.
  const c = { timestamp: Number(m?.[2]), seq: Number(m?.[3]), idx: Number(m?.[4]) };
  if (!m || !Number.isSafeInteger(c.timestamp) || !Number.isSafeInteger(c.seq)) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  return { dir: m[1] as 'f' | 'b', c };
}
const START: Cursor = { timestamp: 0, seq: 0, idx: 0 };

/** Keeps events up to the 1 MB response budget (always at least one). */
function fitPage(events: StoredEvent[], fromHead: boolean): StoredEvent[] {
  let bytes = 0;
  const ordered = fromHead ? events : [...events].reverse();
  let n = 0;
  for (; n < ordered.length; n++) {
    bytes += Buffer.byteLength(ordered[n].message) + 26;
    if (bytes > PAGE_BYTES && n > 0) break;
  }
  const kept = ordered.slice(0, n);
  return fromHead ? kept : kept.reverse();
}

export const GetLogEvents: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const streamName = v.string('logStreamName', { required: true, ...LOG_STREAM_NAME });
  const start = v.integer('startTime', { min: 0 });
  const end = v.integer('endTime', { min: 0 });
  const token = v.string('nextToken', { min: 1 });
  const limit = v.integer('limit', { min: 1, max: 10000 }) ?? 10000;
  const startFromHead = v.boolean('startFromHead') ?? false;
  v.boolean('unmask');
  const g = resolveGroup(input, ctx, v)!;
  const s = resolveStream(g, streamName!);
  const t = token ? decodeCursor(token) : undefined;
  let events: StoredEvent[];
  if (t?.dir === 'f' || (!t && startFromHead)) {
    events = fitPage(await ctx.store.readStream(g.id, s.id, { start, end, after: t?.c, limit, fromHead: true }), true);
  } else {
    events = fitPage(await ctx.store.readStream(g.id, s.id, { start, end, before: t?.c, limit, fromHead: false }), false);
  }
  const first = events[0];
  const last = events[events.length - 1];
  const cur = (e: StoredEvent): Cursor => ({ timestamp: e.timestamp, seq: e.seq, idx: e.idx });
  // An exhausted direction hands back the token it was given, which is how clients detect the end.
  const nextForwardToken = last ? encodeCursor('f', cur(last)) : t ? encodeCursor('f', t.c) : encodeCursor('f', START);
  const nextBackwardToken = first ? encodeCursor('b', cur(first)) : t ? encodeCursor('b', t.c) : encodeCursor('b', START);
  return {
    events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken,
    nextBackwardToken,
  };
};

interface FilterToken { t: number; i: number; s: number; x: number }

function eventId(e: StoredEvent): string {
  return `${String(e.timestamp).padStart(20, '0')}${String(e.seq).padStart(30, '0')}${String(e.idx).padStart(6, '0')}`;
}

export const FilterLogEvents: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const names = v.array<string>('logStreamNames', { min: 1, max: 100, of: 'string' });
  const prefix = v.string('logStreamNamePrefix', LOG_STREAM_NAME);
  const start = v.integer('startTime', { min: 0 });
  const end = v.integer('endTime', { min: 0 });
  const pattern = v.string('filterPattern', { min: 0, max: 1024 });
  const token = v.string('nextToken', { min: 1 });
  const limit = v.integer('limit', { min: 1, max: 10000 }) ?? 10000;
  v.boolean('interleaved');
  v.boolean('unmask');
  names?.forEach((n, i) => { if (typeof n !== 'string') throw new AwsError('SerializationException', `Unexpected value type for 'logStreamNames.${i + 1}': expected string`); });
  const g = resolveGroup(input, ctx, v)!;
  if (names && prefix !== undefined) throw new AwsError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive');
  let compiled: SqlPredicate | null = null;
  try {
    const p = parseFilterPattern(pattern ?? '');
    // The match-everything pattern needs no predicate (and no scan of message text).
    if (p.kind !== 'all') compiled = compileSql(p);
  } catch (e) {
    if (e instanceof FilterPatternError) throw new AwsError('InvalidParameterException', e.message);
    throw e;
  }
  let after: FilterToken | undefined;
  if (token) {
    try { after = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as FilterToken; } catch { after = undefined; }
    // Non-negative safe integers only (x is a UInt32 index): a forged token with 1e300 or -1 used to answer 500 from the engine.
    if (!after || typeof after !== 'object' || ![after.t, after.i, after.s, after.x].every((n) => Number.isSafeInteger(n) && n >= 0) || after.x > 0xffffffff) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  }
  let streams = [...g.streams.values()];
  if (names) streams = streams.filter((s) => names.includes(s.name));
  else if (prefix !== undefined) streams = streams.filter((s) => s.name.startsWith(prefix));
  const restricted = names !== undefined || prefix !== undefined;
  const found = restricted && streams.length === 0 ? [] : await ctx.store.filter(g.id, {
    streamIds: restricted ? streams.map((s) => s.id) : undefined,
    start, end,
    predicate: compiled?.sql,
    predicateParams: compiled?.params as Record<string, unknown> | undefined,
    after: after ? { timestamp: after.t, ingestionTime: after.i, seq: after.s, idx: after.x } : undefined,
    limit,
  });
  const events = fitPage(found, true);
  const out: Record<string, unknown> = {
    events: events.map((e) => ({ logStreamName: e.logStream, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: eventId(e) })),
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
  };
  if (events.length && (found.length === limit || events.length < found.length)) {
    const l = events[events.length - 1];
    out.nextToken = Buffer.from(JSON.stringify({ t: l.timestamp, i: l.ingestionTime, s: l.seq, x: l.idx })).toString('base64url');
  }
  return out;
};
