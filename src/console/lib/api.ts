/**
 * Talks to the server: sign-in on the native API, everything else as AWS operations with the
 * session's bearer token: CloudWatch Logs over AWS JSON 1.1, CloudWatch (metrics, alarms,
 * dashboards) over AWS JSON 1.0.
 */
import type { Session } from './session';

/** An error answered by the server (`{__type, message}`) or a failure to reach it. */
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status = 0, readonly body: Record<string, unknown> = {}) {
    super(message);
  }
}

/** Called when the server no longer accepts the session's token. */
let onUnauthorized: (err: ApiError) => void = () => {};
export function setUnauthorizedHandler(fn: (err: ApiError) => void): void {
  onUnauthorized = fn;
}

let token: string | null = null;
export function setToken(t: string | null): void {
  token = t;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let body: { __type?: unknown; message?: unknown; Message?: unknown } & Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === 'object') body = parsed as typeof body;
  } catch { /* not JSON */ }
  // __type may be qualified ("com.amazonaws...#Code") on some servers.
  const code = typeof body.__type === 'string' ? body.__type.split('#').pop()! : `HTTP ${res.status}`;
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : res.statusText || 'The request failed.';
  return new ApiError(code, message, res.status, body);
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    throw new ApiError('NetworkError', 'Could not reach the Trailwatch server. Check that it is running and try again.');
  }
}

export async function signIn(accessKeyId: string, secretAccessKey: string): Promise<Session> {
  const res = await send('/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ accessKeyId, secretAccessKey }),
  });
  if (!res.ok) throw await errorFrom(res);
  return await res.json() as Session;
}

async function callAws<T>(target: string, contentType: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  const res = await send('/', {
    method: 'POST',
    headers: { 'X-Amz-Target': target, 'Content-Type': contentType, Authorization: `Bearer ${token ?? ''}` },
    body: JSON.stringify(input),
    signal,
  });
  if (!res.ok) {
    const err = await errorFrom(res);
    if (err.code === 'UnrecognizedClientException' || err.status === 401) onUnauthorized(err);
    throw err;
  }
  return await res.json() as T;
}

/** Calls one CloudWatch Logs operation (`X-Amz-Target: Logs_20140328.<operation>`). */
export function callLogs<T>(operation: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  return callAws<T>(`Logs_20140328.${operation}`, 'application/x-amz-json-1.1', input, signal);
}

/**
 * Calls one CloudWatch operation over AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<operation>`).
 * Timestamps travel as epoch seconds both ways.
 */
export function callCloudWatch<T>(operation: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  return callAws<T>(`GraniteServiceVersion20100801.${operation}`, 'application/x-amz-json-1.0', input, signal);
}

export interface LogGroup {
  logGroupName: string;
  creationTime?: number;
  retentionInDays?: number;
  storedBytes?: number;
  arn?: string;
  logGroupClass?: string;
}

export interface LogStream {
  logStreamName: string;
  creationTime?: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
}

export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime?: number;
  logStreamName?: string;
  eventId?: string;
}

/** One cell of a Logs Insights result row: every value is a string; missing values are left out. */
export interface ResultField { field: string; value: string }

export type QueryStatus = 'Scheduled' | 'Running' | 'Complete' | 'Failed' | 'Cancelled' | 'Timeout' | 'Unknown';

export interface QueryStatistics {
  recordsMatched?: number;
  recordsScanned?: number;
  bytesScanned?: number;
  estimatedRecordsSkipped?: number;
  estimatedBytesSkipped?: number;
  logGroupsScanned?: number;
}

export interface QueryInfo {
  queryId: string;
  queryString: string;
  status: QueryStatus;
  createTime?: number;
  logGroupName?: string;
}

export interface QueryDefinition {
  queryDefinitionId: string;
  name: string;
  queryString: string;
  lastModified?: number;
  logGroupNames?: string[];
}

/** A MalformedQueryException's position: character offsets, end exclusive. */
export interface CompileError { start: number; end: number; message: string }

/** The `queryCompileError` of a MalformedQueryException, if the error is one. */
export function compileErrorOf(e: ApiError): CompileError | null {
  if (e.code !== 'MalformedQueryException') return null;
  const qce = e.body.queryCompileError as { location?: { startCharOffset?: unknown; endCharOffset?: unknown }; message?: unknown } | undefined;
  const start = qce?.location?.startCharOffset;
  const end = qce?.location?.endCharOffset;
  if (typeof start !== 'number' || typeof end !== 'number') return null;
  return { start, end: Math.max(start, end), message: typeof qce?.message === 'string' ? qce.message : e.message };
}

export const insights = {
  /** startTime/endTime in epoch SECONDS (inclusive). */
  startQuery: (input: { logGroupNames?: string[]; startTime: number; endTime: number; queryString: string; limit?: number }, signal?: AbortSignal) =>
    callLogs<{ queryId: string }>('StartQuery', { ...input, queryLanguage: 'CWLI' }, signal),
  getQueryResults: (queryId: string, signal?: AbortSignal) =>
    callLogs<{ results: ResultField[][]; statistics?: QueryStatistics; status: QueryStatus }>('GetQueryResults', { queryId }, signal),
  stopQuery: (queryId: string) => callLogs<{ success: boolean }>('StopQuery', { queryId }),
  describeQueries: (input: { maxResults?: number; status?: QueryStatus; logGroupName?: string }, signal?: AbortSignal) =>
    callLogs<{ queries: QueryInfo[]; nextToken?: string }>('DescribeQueries', input, signal),
  getLogRecord: (logRecordPointer: string, signal?: AbortSignal) =>
    callLogs<{ logRecord: Record<string, string> }>('GetLogRecord', { logRecordPointer }, signal),
  putQueryDefinition: (input: { name: string; queryString: string; logGroupNames?: string[]; queryDefinitionId?: string }) =>
    callLogs<{ queryDefinitionId: string }>('PutQueryDefinition', { ...input, queryLanguage: 'CWLI' }),
  describeQueryDefinitions: (input: { queryDefinitionNamePrefix?: string; maxResults?: number }, signal?: AbortSignal) =>
    callLogs<{ queryDefinitions: QueryDefinition[]; nextToken?: string }>('DescribeQueryDefinitions', input, signal),
  deleteQueryDefinition: (queryDefinitionId: string) =>
    callLogs<{ success: boolean }>('DeleteQueryDefinition', { queryDefinitionId }),
};

export const logs = {
  describeLogGroups: (input: { logGroupNamePattern?: string; logGroupIdentifiers?: string[]; nextToken?: string; limit?: number }, signal?: AbortSignal) =>
    callLogs<{ logGroups: LogGroup[]; nextToken?: string }>('DescribeLogGroups', input, signal),
  describeLogStreams: (input: { logGroupName: string; orderBy?: 'LogStreamName' | 'LastEventTime'; descending?: boolean; logStreamNamePrefix?: string; nextToken?: string; limit?: number }, signal?: AbortSignal) =>
    callLogs<{ logStreams: LogStream[]; nextToken?: string }>('DescribeLogStreams', input, signal),
  filterLogEvents: (input: { logGroupName: string; startTime?: number; endTime?: number; filterPattern?: string; nextToken?: string; limit?: number; logStreamNames?: string[] }, signal?: AbortSignal) =>
    callLogs<{ events: LogEvent[]; nextToken?: string }>('FilterLogEvents', input, signal),
  getLogEvents: (input: { logGroupName: string; logStreamName: string; startFromHead?: boolean; nextToken?: string; limit?: number }, signal?: AbortSignal) =>
    callLogs<{ events: LogEvent[]; nextForwardToken?: string; nextBackwardToken?: string }>('GetLogEvents', input, signal),
};

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/** Whatever was thrown, as an ApiError to show. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError('Error', e instanceof Error ? e.message : String(e));
}

export interface Dimension { Name: string; Value: string }
export interface Metric { Namespace: string; MetricName: string; Dimensions?: Dimension[] }
export interface MetricDataQuery {
  Id: string;
  MetricStat?: { Metric: Metric; Period: number; Stat: string; Unit?: string };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}
export interface MetricDataResult { Id: string; Label?: string; Timestamps: number[]; Values: number[]; StatusCode?: string; Messages?: { Code?: string; Value?: string }[] }
export interface DashboardEntry { DashboardName: string; DashboardArn?: string; LastModified?: number; Size?: number }

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
/** DescribeAlarms → MetricAlarms[] (the fields the console reads). */
export interface MetricAlarm {
  AlarmName: string;
  AlarmArn?: string;
  AlarmDescription?: string;
  StateValue: AlarmState;
  StateReason?: string;
  StateReasonData?: string;
  StateUpdatedTimestamp?: number;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: Dimension[];
  Period?: number;
  Unit?: string;
  EvaluationPeriods?: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ThresholdMetricId?: string;
  ComparisonOperator?: string;
  TreatMissingData?: string;
  Metrics?: MetricDataQuery[];
  ActionsEnabled?: boolean;
  AlarmActions?: string[];
}
export interface CompositeAlarm { AlarmName: string; AlarmArn?: string; AlarmDescription?: string; AlarmRule?: string; StateValue: AlarmState; StateReason?: string; StateUpdatedTimestamp?: number }
export interface AlarmHistoryItem { AlarmName?: string; AlarmType?: string; Timestamp: number; HistoryItemType?: string; HistorySummary?: string; HistoryData?: string }

export const cloudwatch = {
  listDashboards: (input: { DashboardNamePrefix?: string; NextToken?: string }, signal?: AbortSignal) =>
    callCloudWatch<{ DashboardEntries?: DashboardEntry[]; NextToken?: string }>('ListDashboards', input, signal),
  getDashboard: (name: string, signal?: AbortSignal) =>
    callCloudWatch<{ DashboardName: string; DashboardArn?: string; DashboardBody: string }>('GetDashboard', { DashboardName: name }, signal),
  listMetrics: (input: { Namespace?: string; MetricName?: string; Dimensions?: { Name: string; Value?: string }[]; NextToken?: string }, signal?: AbortSignal) =>
    callCloudWatch<{ Metrics?: Metric[]; NextToken?: string }>('ListMetrics', input, signal),
  /** StartTime/EndTime in epoch ms (sent as seconds). */
  getMetricData: (input: { MetricDataQueries: MetricDataQuery[]; StartTime: number; EndTime: number; NextToken?: string; ScanBy?: string }, signal?: AbortSignal) =>
    callCloudWatch<{ MetricDataResults?: MetricDataResult[]; NextToken?: string; Messages?: unknown[] }>('GetMetricData', { ...input, StartTime: input.StartTime / 1000, EndTime: input.EndTime / 1000 }, signal),
  describeAlarms: (input: { AlarmNames?: string[]; AlarmNamePrefix?: string; AlarmTypes?: string[]; StateValue?: string; MaxRecords?: number; NextToken?: string }, signal?: AbortSignal) =>
    callCloudWatch<{ MetricAlarms?: MetricAlarm[]; CompositeAlarms?: CompositeAlarm[]; NextToken?: string }>('DescribeAlarms', input, signal),
  describeAlarmHistory: (input: { AlarmName?: string; HistoryItemType?: string; MaxRecords?: number; NextToken?: string; ScanBy?: string; AlarmTypes?: string[] }, signal?: AbortSignal) =>
    callCloudWatch<{ AlarmHistoryItems?: AlarmHistoryItem[]; NextToken?: string }>('DescribeAlarmHistory', input, signal),
};

/** Every page of a paginated call, up to `max` pages. */
export async function allPages<T, R extends { NextToken?: string }>(call: (token: string | undefined) => Promise<R>, items: (r: R) => T[] | undefined, max = 20): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < max; i++) {
    const r = await call(token);
    out.push(...(items(r) ?? []));
    token = r.NextToken;
    if (!token) break;
  }
  return out;
}
