/** Log stream operations: create, delete, describe. */
import type { Handler } from '../context.js';
import { AwsError } from '../errors.js';
import { LOG_GROUP_NAME, LOG_STREAM_NAME, Validator } from '../validate.js';
import { groupArn, resolveGroup, resolveStream } from './resolve.js';

export const CreateLogStream: Handler = async (input, ctx) => {
  const v = new Validator(input);
  v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  const name = v.string('logStreamName', { required: true, ...LOG_STREAM_NAME });
  v.done();
  const g = resolveGroup(input, ctx, v)!;
  if (g.streams.has(name!)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  ctx.store.meta.createStream(g, name!, Date.now());
  return {};
};

export const DeleteLogStream: Handler = async (input, ctx) => {
  const v = new Validator(input);
  v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  const name = v.string('logStreamName', { required: true, ...LOG_STREAM_NAME });
  v.done();
  const g = resolveGroup(input, ctx, v)!;
  const s = resolveStream(g, name!);
  ctx.store.meta.deleteStream(g, s);
  ctx.store.deleteStreamData(g.id, s.id).catch((e: unknown) => ctx.log.warn({ err: String(e) }, 'purging deleted log stream failed'));
  return {};
};

interface StreamToken { o: number }

export const DescribeLogStreams: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const prefix = v.string('logStreamNamePrefix', LOG_STREAM_NAME);
  const orderBy = v.string('orderBy', { enum: ['LogStreamName', 'LastEventTime'] }) ?? 'LogStreamName';
  const descending = v.boolean('descending') ?? false;
  const limit = v.integer('limit', { min: 1, max: 50 }) ?? 50;
  const token = v.string('nextToken', { min: 1 });
  v.done();
  if (prefix !== undefined && orderBy === 'LastEventTime') {
    throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const g = resolveGroup(input, ctx, v)!;
  let offset = 0;
  if (token) {
    try { offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as StreamToken).o; } catch { offset = NaN; }
    if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  }
  const streams = [...g.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
  if (orderBy === 'LogStreamName') streams.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  else streams.sort((a, b) => (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || (a.name < b.name ? -1 : 1));
  if (descending) streams.reverse();
  const page = streams.slice(offset, offset + limit);
  const logStreams = page.map((s) => {
    const o: Record<string, unknown> = {
      logStreamName: s.name,
      creationTime: s.creationTime,
      arn: `${groupArn(ctx, g.name, false)}:log-stream:${s.name}`,
      storedBytes: 0,
    };
    if (s.firstEventTimestamp !== undefined) o.firstEventTimestamp = s.firstEventTimestamp;
    if (s.lastEventTimestamp !== undefined) o.lastEventTimestamp = s.lastEventTimestamp;
    if (s.lastIngestionTime !== undefined) o.lastIngestionTime = s.lastIngestionTime;
    o.uploadSequenceToken = String(s.id).padStart(56, '4');
    return o;
  });
  const out: Record<string, unknown> = { logStreams };
  if (offset + limit < streams.length) out.nextToken = Buffer.from(JSON.stringify({ o: offset + limit })).toString('base64url');
  return out;
};
