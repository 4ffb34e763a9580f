/**
 * Talks to the server: sign-in on the native API, everything else as CloudWatch Logs
 * operations over AWS JSON 1.1 with the session's bearer token.
 */
import type { Session } from './session';

/** An error answered by the server (`{__type, message}`) or a failure to reach it. */
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status = 0) {
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
  let body: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try { body = await res.json() as typeof body; } catch { /* not JSON */ }
  // __type may be qualified ("com.amazonaws...#Code") on some servers.
  const code = typeof body.__type === 'string' ? body.__type.split('#').pop()! : `HTTP ${res.status}`;
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : res.statusText || 'The request failed.';
  return new ApiError(code, message, res.status);
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

/** Calls one CloudWatch Logs operation (`X-Amz-Target: Logs_20140328.<operation>`). */
export async function callLogs<T>(operation: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  const res = await send('/', {
    method: 'POST',
    headers: {
      'X-Amz-Target': `Logs_20140328.${operation}`,
      'Content-Type': 'application/x-amz-json-1.1',
      Authorization: `Bearer ${token ?? ''}`,
    },
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
