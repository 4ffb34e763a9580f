/**
 * AWS JSON 1.0: `POST /`, `Content-Type: application/x-amz-json-1.0`,
 * `X-Amz-Target: <ServiceShapeName>.<Op>`; JSON bodies with timestamps as epoch seconds.
 * Errors: `{"__type": <Smithy shape>, "message": …}` plus `x-amzn-query-error` (awsQueryCompatible).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from '../errors.js';
import { fromDocument, toDocument } from './codec.js';
import { errorInfo, type ProtocolRequest, type ProtocolService } from './types.js';

export const JSON_10 = 'application/x-amz-json-1.0';

function send(res: ServerResponse, status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': JSON_10, 'content-length': data.length, 'x-amzn-requestid': requestId, ...extra });
  res.end(data);
}

export function operationOf(req: IncomingMessage): string | undefined {
  const target = String(req.headers['x-amz-target'] ?? '');
  const dot = target.lastIndexOf('.');
  return dot > 0 ? target.slice(dot + 1) : undefined;
}

export function decode(req: IncomingMessage, _url: URL, body: Buffer, services: ProtocolService[]): ProtocolRequest {
  const target = String(req.headers['x-amz-target'] ?? '');
  const dot = target.lastIndexOf('.');
  const service = services.find((s) => s.name === target.slice(0, dot));
  const operation = target.slice(dot + 1);
  if (!service || !Object.prototype.hasOwnProperty.call(service.operations, operation)) {
    throw new AwsError('UnknownOperationException', `Unknown operation ${target}`);
  }
  const text = body.toString('utf8');
  let doc: unknown;
  try { doc = text.trim() === '' ? {} : JSON.parse(text); } catch { throw new AwsError('SerializationException', 'Unable to parse the request body as JSON'); }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new AwsError('SerializationException', 'Start of structure or map expected at the top level of the request');
  const def = service.operations[operation];
  const input = def.input ? (fromDocument(def.input, doc, '') as Record<string, unknown>) : {};
  return { service, operation, input };
}

export function sendResult(res: ServerResponse, call: ProtocolRequest, output: Record<string, unknown>, requestId: string): void {
  const shape = call.service.operations[call.operation].output;
  send(res, 200, shape ? toDocument(shape, output, 'json') : {}, requestId);
}

export function sendError(res: ServerResponse, err: AwsError, service: ProtocolService | undefined, requestId: string): void {
  const info = errorInfo(err, service);
  send(res, info.status, { __type: err.code, message: err.message, ...err.extra }, requestId, {
    'x-amzn-query-error': `${info.queryCode};${info.fault}`,
    'x-amzn-errortype': err.code,
  });
}
