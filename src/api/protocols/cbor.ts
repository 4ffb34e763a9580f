/**
 * Smithy RPC v2 CBOR: `POST /service/<ServiceShapeName>/operation/<Op>`, `Content-Type:
 * application/cbor`, `smithy-protocol: rpc-v2-cbor` on request and response; timestamps are CBOR
 * tag 1 (epoch seconds), decoded and encoded by cbor-x as `Date`. An operation without output
 * answers an empty body. Errors: a CBOR map `{__type, message}` plus `x-amzn-query-error`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Decoder, Encoder } from 'cbor-x';
import { AwsError } from '../errors.js';
import { fromDocument, toDocument } from './codec.js';
import { errorInfo, type ProtocolRequest, type ProtocolService } from './types.js';

export const CBOR = 'application/cbor';
const decoder = new Decoder({ mapsAsObjects: true, useRecords: false });
const encoder = new Encoder({ mapsAsObjects: true, useRecords: false, tagUint8Array: false });

function send(res: ServerResponse, status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): void {
  const data = body === undefined ? Buffer.alloc(0) : Buffer.from(encoder.encode(body));
  const headers: Record<string, string | number> = { 'smithy-protocol': 'rpc-v2-cbor', 'content-length': data.length, 'x-amzn-requestid': requestId, ...extra };
  if (data.length) headers['content-type'] = CBOR;
  res.writeHead(status, headers);
  res.end(data);
}

function parts(url: URL): { service: string; operation: string } | undefined {
  const m = /^\/service\/([^/]+)\/operation\/([^/]+)$/.exec(url.pathname);
  return m ? { service: m[1], operation: m[2] } : undefined;
}

export function operationOf(_req: IncomingMessage, url: URL): string | undefined {
  return parts(url)?.operation;
}

export function decode(_req: IncomingMessage, url: URL, body: Buffer, services: ProtocolService[]): ProtocolRequest {
  const p = parts(url);
  const service = p && services.find((s) => s.name === p.service);
  if (!p || !service || !Object.prototype.hasOwnProperty.call(service.operations, p.operation)) {
    throw new AwsError('UnknownOperationException', `Unknown operation ${url.pathname}`, 404);
  }
  const def = service.operations[p.operation];
  let doc: unknown = {};
  if (body.length) {
    try { doc = decoder.decode(body); } catch { throw new AwsError('SerializationException', 'Unable to parse the request body as CBOR'); }
  }
  if (doc instanceof Map) doc = Object.fromEntries(doc);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new AwsError('SerializationException', 'Expected a CBOR map at the top level of the request');
  const input = def.input ? (fromDocument(def.input, doc, '') as Record<string, unknown>) : {};
  return { service, operation: p.operation, input };
}

export function sendResult(res: ServerResponse, call: ProtocolRequest, output: Record<string, unknown>, requestId: string): void {
  const shape = call.service.operations[call.operation].output;
  send(res, 200, shape ? toDocument(shape, output, 'cbor') : undefined, requestId);
}

export function sendError(res: ServerResponse, err: AwsError, service: ProtocolService | undefined, requestId: string): void {
  const info = errorInfo(err, service);
  send(res, info.status, { __type: err.code, message: err.message, ...err.extra }, requestId, {
    'x-amzn-query-error': `${info.queryCode};${info.fault}`,
  });
}
