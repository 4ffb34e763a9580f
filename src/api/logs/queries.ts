/**
 * Logs Insights API: StartQuery, GetQueryResults, StopQuery, DescribeQueries, GetLogRecord and
 * saved queries (Put/Describe/DeleteQueryDefinition).
 */
import { randomUUID } from 'node:crypto';
import type { Handler, CallContext } from '../context.js';
import { AwsError, notFoundGroup } from '../errors.js';
import { LOG_GROUP_IDENTIFIER, LOG_GROUP_NAME, Validator } from '../validate.js';
import { nameFromIdentifier } from './resolve.js';
import { MalformedQueryError, type QueryLogGroup } from '../../query/insights/contract.js';
import { QueryLimitError } from '../../query/query-manager.js';
import { decodePointer } from '../../query/insights/pointer.js';
import { flattenJson } from '../../query/json-fields.js';
import { rows } from '../../store/engine.js';
import type { GroupMeta } from '../../store/metadata.js';
import { exactTextFields } from '../../sources/registry.js';

/**
 * A group as the Insights compiler sees it. Every row of a format's table carries its typed columns (the
 * store derives them for events appended without), so its exactText columns may stand in for fields.
 */
function queryGroup(ctx: CallContext, g: GroupMeta): QueryLogGroup {
  const table = ctx.store.tableOf(g);
  return { id: g.id, name: g.name, logGroupClass: g.logGroupClass, table, typedFields: exactTextFields(table) };
}

const MAX_QUERY_CHARS = 10_000;

async function validateQueryText(text: string): Promise<void> {
  const { validateQuery } = await import('../../query/insights/index.js');
  try {
    validateQuery(text);
  } catch (e) {
    if (e instanceof MalformedQueryError) {
      throw new AwsError('MalformedQueryException', e.message, 400, { queryCompileError: { location: { startCharOffset: e.location.start, endCharOffset: e.location.end }, message: e.message } });
    }
    throw e;
  }
}

export const StartQuery: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const lang = v.string('queryLanguage', { enum: ['CWLI', 'SQL', 'PPL'] }) ?? 'CWLI';
  const name = v.string('logGroupName', LOG_GROUP_NAME);
  const names = v.array<string>('logGroupNames', { min: 0, max: 50 });
  const idents = v.array<string>('logGroupIdentifiers', { min: 0, max: 50 });
  const startTime = v.integer('startTime', { required: true, min: 0 });
  const endTime = v.integer('endTime', { required: true, min: 0 });
  const queryString = v.string('queryString', { required: true, min: 0, max: MAX_QUERY_CHARS });
  const limit = v.integer('limit', { min: 1, max: 10_000 });
  v.done();
  if (lang !== 'CWLI') throw new AwsError('InvalidParameterException', `Query language ${lang} is not supported by this server; use CWLI.`);
  const given = [name !== undefined, names !== undefined, idents !== undefined].filter(Boolean).length;
  const usesSource = /^\s*(#[^\n]*\n\s*)*source\b/i.test(queryString!);
  if (given > 1) throw new AwsError('InvalidParameterException', 'Only one of logGroupName, logGroupNames or logGroupIdentifiers may be given.');
  if (given === 0 && !usesSource) throw new AwsError('InvalidParameterException', 'Either logGroupName, logGroupNames, logGroupIdentifiers or a SOURCE command is required.');
  if (endTime! < startTime!) throw new AwsError('InvalidParameterException', 'endTime must be greater than or equal to startTime.');
  const requested = name !== undefined ? [name] : names ?? (idents ?? []).map((i) => {
    if (typeof i !== 'string' || !LOG_GROUP_IDENTIFIER.pattern.test(i)) throw new AwsError('InvalidParameterException', `Invalid log group identifier: ${String(i)}`);
    return nameFromIdentifier(i);
  });
  const groups: QueryLogGroup[] = requested.map((n) => {
    const g = ctx.store.meta.groups.get(n);
    if (!g) throw notFoundGroup();
    return queryGroup(ctx, g);
  });
  await validateQueryText(queryString!);
  try {
    const rec = ctx.queries.start({
      queryString: queryString!,
      groups,
      allGroups: () => [...ctx.store.meta.groups.values()].map((g) => queryGroup(ctx, g)),
      startMs: startTime! * 1000,
      endMs: endTime! * 1000 + 999,
      limit,
      accountId: ctx.accountId,
      now: Date.now(),
    }, requested);
    return { queryId: rec.queryId };
  } catch (e) {
    if (e instanceof QueryLimitError) throw new AwsError('LimitExceededException', e.message);
    throw e;
  }
};

function queryOf(input: Record<string, unknown>, ctx: CallContext) {
  const v = new Validator(input);
  const id = v.string('queryId', { required: true, min: 0, max: 256 });
  v.done();
  const rec = ctx.queries.get(id!);
  if (!rec) throw new AwsError('ResourceNotFoundException', `Query ${id} does not exist.`);
  return rec;
}

/** GetQueryResults pages (maxItems/nextToken): a token names its query and offset and lasts an hour (API reference). */
const RESULTS_TOKEN_TTL_MS = 3600_000;

function resultsToken(queryId: string, offset: number): string {
  return Buffer.from(JSON.stringify({ q: queryId, o: offset, t: Date.now() })).toString('base64url');
}

function resultsOffset(token: string, queryId: string): number {
  let t: { q?: unknown; o?: unknown; t?: unknown };
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof t;
  } catch {
    t = {};
  }
  if (t?.q !== queryId || !Number.isInteger(t.o) || (t.o as number) < 0 || typeof t.t !== 'number') throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  if (Date.now() - t.t > RESULTS_TOKEN_TTL_MS) throw new AwsError('InvalidParameterException', 'The specified nextToken has expired.');
  return t.o as number;
}

export const GetQueryResults: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const id = v.string('queryId', { required: true, min: 0, max: 256 });
  // At most 10,000 rows per response (API reference: maxItems).
  const maxItems = v.integer('maxItems', { min: 1, max: 10_000 });
  const token = v.string('nextToken', { min: 1 });
  v.done();
  const rec = ctx.queries.get(id!);
  if (!rec) throw new AwsError('ResourceNotFoundException', `Query ${id} does not exist.`);
  const offset = token ? resultsOffset(token, rec.queryId) : 0;
  // While Running, rec.result is the latest partial result (QueryManager); a Cancelled or Timeout query keeps it.
  const rows = rec.result?.rows ?? [];
  const end = maxItems === undefined ? rows.length : Math.min(rows.length, offset + maxItems);
  const stats = rec.result?.statistics ?? { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 };
  const out: Record<string, unknown> = {
    queryLanguage: 'CWLI',
    results: rows.slice(offset, end),
    statistics: { recordsMatched: stats.recordsMatched, recordsScanned: stats.recordsScanned, estimatedRecordsSkipped: stats.estimatedRecordsSkipped ?? 0, bytesScanned: stats.bytesScanned, estimatedBytesSkipped: stats.estimatedBytesSkipped ?? 0, logGroupsScanned: stats.logGroupsScanned ?? rec.logGroupNames.length },
    status: rec.status,
  };
  if (end < rows.length) out.nextToken = resultsToken(rec.queryId, end);
  return out;
};

export const StopQuery: Handler = async (input, ctx) => {
  const rec = queryOf(input, ctx);
  if (!ctx.queries.stop(rec.queryId)) throw new AwsError('InvalidParameterException', `Query ${rec.queryId} is not running.`);
  return { success: true };
};

export const DescribeQueries: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const name = v.string('logGroupName', LOG_GROUP_NAME);
  const status = v.string('status', { enum: ['Scheduled', 'Running', 'Complete', 'Failed', 'Cancelled', 'Timeout', 'Unknown'] });
  const max = v.integer('maxResults', { min: 1, max: 1000 }) ?? 1000;
  const token = v.string('nextToken', { min: 1 });
  v.string('queryLanguage', { enum: ['CWLI', 'SQL', 'PPL'] });
  v.done();
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  const all = ctx.queries.list().filter((q) => (!status || q.status === status) && (!name || q.logGroupNames.includes(name)));
  const page = all.slice(offset, offset + max);
  const out: Record<string, unknown> = {
    queries: page.map((q) => ({ queryLanguage: 'CWLI', queryId: q.queryId, queryString: q.queryString, status: q.status, createTime: q.createTime, logGroupName: q.logGroupNames[0] })),
  };
  if (offset + max < all.length) out.nextToken = Buffer.from(String(offset + max)).toString('base64url');
  return out;
};

export const GetLogRecord: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const ptr = v.string('logRecordPointer', { required: true });
  v.boolean('unmask');
  v.done();
  const p = decodePointer(ptr!);
  const g = p ? ctx.store.meta.groupById(p.groupId) : undefined;
  if (!p || !g) throw new AwsError('InvalidParameterException', 'The specified logRecordPointer is invalid.');
  const found = await rows<{ log_stream: string; timestamp: string; ingestion_time: string; message: string }>(ctx.store.engine,
    `SELECT log_stream, timestamp, ingestion_time, message FROM ${ctx.store.tableOf(g)} WHERE group_id = {g:UInt64} AND stream_id = {s:UInt64} AND timestamp = {t:Int64} AND seq = {q:UInt64} AND idx = {i:UInt32} LIMIT 1`,
    { g: p.groupId, s: p.streamId, t: p.timestamp, q: p.seq, i: p.idx });
  if (!found.length) throw new AwsError('ResourceNotFoundException', 'The specified log record does not exist.');
  const e = found[0];
  const record: Record<string, string> = {
    ...(flattenJson(e.message) ?? {}),
    '@timestamp': String(e.timestamp),
    '@ingestionTime': String(e.ingestion_time),
    '@logStream': e.log_stream,
    '@log': `${ctx.accountId}:${g.name}`,
    '@message': e.message,
  };
  return { logRecord: record };
};

export const PutQueryDefinition: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const name = v.string('name', { required: true, min: 1, max: 255 });
  const id = v.string('queryDefinitionId', { min: 0, max: 256 });
  const groups = v.array<string>('logGroupNames', { max: 50 });
  const queryString = v.string('queryString', { required: true, min: 1, max: MAX_QUERY_CHARS });
  v.string('clientToken', { min: 36, max: 128 });
  const lang = v.string('queryLanguage', { enum: ['CWLI', 'SQL', 'PPL'] }) ?? 'CWLI';
  v.done();
  if (id && !ctx.savedQueries.get(id)) throw new AwsError('ResourceNotFoundException', `Query definition ${id} does not exist.`);
  const queryDefinitionId = id || randomUUID();
  ctx.savedQueries.put({ queryDefinitionId, name: name!, queryString: queryString!, lastModified: Date.now(), logGroupNames: groups, queryLanguage: lang });
  return { queryDefinitionId };
};

export const DescribeQueryDefinitions: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const prefix = v.string('queryDefinitionNamePrefix', { min: 1, max: 255 });
  const max = v.integer('maxResults', { min: 1, max: 1000 }) ?? 1000;
  const token = v.string('nextToken', { min: 1 });
  const lang = v.string('queryLanguage', { enum: ['CWLI', 'SQL', 'PPL'] });
  v.done();
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  const all = ctx.savedQueries.list()
    .filter((d) => (!prefix || d.name.startsWith(prefix)) && (!lang || d.queryLanguage === lang))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = all.slice(offset, offset + max);
  const out: Record<string, unknown> = { queryDefinitions: page.map((d) => ({ ...d, logGroupNames: d.logGroupNames ?? [] })) };
  if (offset + max < all.length) out.nextToken = Buffer.from(String(offset + max)).toString('base64url');
  return out;
};

export const DeleteQueryDefinition: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const id = v.string('queryDefinitionId', { required: true, min: 0, max: 256 });
  v.done();
  if (!ctx.savedQueries.delete(id!)) throw new AwsError('ResourceNotFoundException', `Query definition ${id} does not exist.`);
  return { success: true };
};
