/**
 * The AWS JSON 1.1 protocol: `POST /`, operation in `X-Amz-Target`, JSON body, errors as
 * `{"__type": code, "message": ...}` with the code also in `x-amzn-ErrorType`.
 */
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AwsError } from './errors.js';
import type { CallContext, Handler } from './context.js';

export const JSON_11 = 'application/x-amz-json-1.1';

export function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string, contentType = JSON_11): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': contentType, 'content-length': data.length, 'x-amzn-requestid': requestId });
  res.end(data);
}

export function sendAwsError(res: ServerResponse, err: AwsError, requestId: string): void {
  const data = Buffer.from(JSON.stringify({ __type: err.code, message: err.message, ...err.extra }));
  res.writeHead(err.status, { 'content-type': JSON_11, 'content-length': data.length, 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code });
  res.end(data);
}

export function newRequestId(): string { return randomUUID(); }

/**
 * JSON escapes can spell lone UTF-16 surrogates ("\ud800"), which have no UTF-8 form. The engine
 * refused rows holding one and the whole group-committed insert failed with a 500, taking
 * concurrent clients' batches with it (found by the e2e fuzz suite). Every string is made
 * well-formed (U+FFFD, as any UTF-8 encoder does) before a handler sees it; the cheap test on
 * the raw text keeps the slower reviver off the common path.
 */
const LONE_SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(SURROGATE, '\uFFFD') : value;
}

/** Parses the body and runs the operation named by the target; every failure is an AwsError. */
export async function dispatchJson(services: Record<string, Record<string, Handler>>, target: string | undefined, body: Buffer, ctx: CallContext): Promise<Record<string, unknown>> {
  const dot = target ? target.lastIndexOf('.') : -1;
  const service = target && dot > 0 ? services[target.slice(0, dot)] : undefined;
  const handler = service && Object.prototype.hasOwnProperty.call(service, target!.slice(dot + 1)) ? service[target!.slice(dot + 1)] : undefined;
  if (!handler) throw new AwsError('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header');
  let input: unknown;
  const text = body.toString('utf8');
  try {
    input = text.trim() === '' ? {} : LONE_SURROGATE_ESCAPE.test(text) ? JSON.parse(text, wellFormed) : JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'Unable to parse the request body as JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AwsError('SerializationException', 'Start of structure or map expected at the top level of the request');
  return handler(input as Record<string, unknown>, ctx);
}
