/** Log group operations: create, delete, describe, retention, tags. */
import type { Handler, CallContext } from '../context.js';
import { AwsError, notFoundGroup } from '../errors.js';
import { LOG_GROUP_NAME, Validator } from '../validate.js';
import { groupArn, nameFromIdentifier, resolveGroup } from './resolve.js';
import type { GroupMeta } from '../../store/metadata.js';

export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const MAX_TAGS = 50;

function checkTags(v: Validator, name: string, tags: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!tags) return out;
  for (const [k, val] of Object.entries(tags)) {
    if (typeof val !== 'string') throw new AwsError('SerializationException', `Unexpected value type for '${name}.${k}': expected string`);
    if (k.length < 1 || k.length > 128 || !/^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$/u.test(k)) v.add(`${name}`, k, 'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$]');
    if (val.length > 256) v.add(`${name}`, val, 'Map value must satisfy constraint: [Member must have length less than or equal to 256]');
    out[k] = val;
  }
  return out;
}

function describe(g: GroupMeta, ctx: CallContext): Record<string, unknown> {
  let storedBytes = 0;
  for (const s of g.streams.values()) storedBytes += s.storedBytes;
  const out: Record<string, unknown> = {
    logGroupName: g.name,
    creationTime: g.creationTime,
    metricFilterCount: ctx.metricFilters.count(g.name),
    arn: groupArn(ctx, g.name),
    storedBytes,
    logGroupClass: g.logGroupClass,
    logGroupArn: groupArn(ctx, g.name, false),
  };
  if (g.retentionInDays) out.retentionInDays = g.retentionInDays;
  if (g.kmsKeyId) out.kmsKeyId = g.kmsKeyId;
  return out;
}

function encodeToken(s: string): string { return Buffer.from(s).toString('base64url'); }
function decodeToken(t: string): string {
  const s = Buffer.from(t, 'base64url').toString('utf8');
  if (!t || encodeToken(s) !== t) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  return s;
}

export const CreateLogGroup: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const name = v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  const kmsKeyId = v.string('kmsKeyId', { max: 256 });
  const cls = v.string('logGroupClass', { enum: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] });
  const tags = checkTags(v, 'tags', v.map('tags'));
  v.done();
  if (name!.startsWith('aws/')) throw new AwsError('InvalidParameterException', "Log group names starting with 'aws/' are reserved for AWS services.");
  if (Object.keys(tags).length > MAX_TAGS) throw new AwsError('InvalidParameterException', `1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`);
  if (ctx.store.meta.groups.has(name!)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
  ctx.store.meta.createGroup(name!, Date.now(), cls ?? 'STANDARD', tags, kmsKeyId);
  return {};
};

export const DeleteLogGroup: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const name = v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  v.done();
  const g = ctx.store.meta.groups.get(name!);
  if (!g) throw notFoundGroup();
  ctx.store.meta.deleteGroup(g);
  ctx.metricFilters.deleteGroup(g.name);
  // Rows of a deleted group are invisible at once (queries select by group id); purge them in the background.
  ctx.store.deleteGroupData(g.id).catch((e: unknown) => ctx.log.warn({ err: String(e) }, 'purging deleted log group failed'));
  return {};
};

export const DescribeLogGroups: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const prefix = v.string('logGroupNamePrefix', LOG_GROUP_NAME);
  const pattern = v.string('logGroupNamePattern', { min: 0, max: 512, pattern: /^[.\-_/#A-Za-z0-9]*$/, patternText: '[\\.\\-_/#A-Za-z0-9]*' });
  const limit = v.integer('limit', { min: 1, max: 50 }) ?? 50;
  const token = v.string('nextToken', { min: 1 });
  const cls = v.string('logGroupClass', { enum: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] });
  const identifiers = v.array<string>('logGroupIdentifiers', { min: 1, max: 50, of: 'string' });
  v.boolean('includeLinkedAccounts');
  v.array('accountIdentifiers', { max: 20, of: 'string' });
  v.done();
  if (prefix !== undefined && pattern !== undefined) throw new AwsError('InvalidParameterException', 'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  const after = token ? decodeToken(token) : undefined;
  const wanted = identifiers ? new Set(identifiers.map(nameFromIdentifier)) : undefined;
  const names = [...ctx.store.meta.groups.keys()]
    .filter((n) => (prefix === undefined || n.startsWith(prefix)) && (pattern === undefined || n.includes(pattern)) && (!wanted || wanted.has(n)))
    .filter((n) => !cls || ctx.store.meta.groups.get(n)!.logGroupClass === cls)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .filter((n) => after === undefined || n > after);
  const page = names.slice(0, limit);
  const logGroups = page.map((n) => {
    const g = ctx.store.meta.groups.get(n)!;
    // With a name pattern AWS returns only these three fields.
    return pattern !== undefined ? { logGroupName: g.name, creationTime: g.creationTime, arn: groupArn(ctx, g.name) } : describe(g, ctx);
  });
  const out: Record<string, unknown> = { logGroups };
  if (names.length > limit) out.nextToken = encodeToken(page[page.length - 1]);
  return out;
};

export const PutRetentionPolicy: Handler = async (input, ctx) => {
  const v = new Validator(input);
  v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  const days = v.integer('retentionInDays', { required: true });
  v.done();
  if (!RETENTION_DAYS.includes(days!)) {
    throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
  }
  const g = resolveGroup(input, ctx, v);
  ctx.store.meta.setRetention(g!, days!);
  return {};
};

export const DeleteRetentionPolicy: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const g = resolveGroup(input, ctx, v);
  ctx.store.meta.setRetention(g!, null);
  return {};
};

function groupFromArn(arn: string, ctx: CallContext): GroupMeta {
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(arn);
  if (!m) {
    // Destinations and other resource types are not stored by this server yet.
    throw new AwsError('ResourceNotFoundException', `The specified resource does not exist: ${arn}`);
  }
  const g = ctx.store.meta.groups.get(m[1]);
  if (!g) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
  return g;
}

export const TagResource: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const arn = v.string('resourceArn', { required: true, min: 1, max: 1011 });
  const tags = checkTags(v, 'tags', v.map('tags', { required: true }));
  v.done();
  const g = groupFromArn(arn!, ctx);
  const merged = { ...g.tags, ...tags };
  if (Object.keys(merged).length > MAX_TAGS) throw new AwsError('TooManyTagsException', `A resource can have no more than ${MAX_TAGS} tags.`, 400, { resourceName: arn });
  ctx.store.meta.setTags(g, merged);
  return {};
};

export const UntagResource: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const arn = v.string('resourceArn', { required: true, min: 1, max: 1011 });
  const keys = v.array<string>('tagKeys', { required: true, min: 0, max: 50, of: 'string' });
  v.done();
  const g = groupFromArn(arn!, ctx);
  const next = { ...g.tags };
  for (const k of keys!) delete next[k];
  ctx.store.meta.setTags(g, next);
  return {};
};

export const ListTagsForResource: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const arn = v.string('resourceArn', { required: true, min: 1, max: 1011 });
  v.done();
  return { tags: { ...groupFromArn(arn!, ctx).tags } };
};

/** The deprecated group-name forms of the tag operations, still sent by older tools. */
export const TagLogGroup: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const name = v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  const tags = checkTags(v, 'tags', v.map('tags', { required: true }));
  v.done();
  const g = ctx.store.meta.groups.get(name!);
  if (!g) throw notFoundGroup();
  ctx.store.meta.setTags(g, { ...g.tags, ...tags });
  return {};
};

export const UntagLogGroup: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const name = v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  const keys = v.array<string>('tags', { required: true, min: 1, of: 'string' });
  v.done();
  const g = ctx.store.meta.groups.get(name!);
  if (!g) throw notFoundGroup();
  const next = { ...g.tags };
  for (const k of keys!) delete next[k];
  ctx.store.meta.setTags(g, next);
  return {};
};

export const ListTagsLogGroup: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const name = v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  v.done();
  const g = ctx.store.meta.groups.get(name!);
  if (!g) throw notFoundGroup();
  return { tags: { ...g.tags } };
};
