/**
 * awsQuery: `POST /` with a form body `Action=<Op>&Version=<ver>&…` (lists flattened as
 * `Name.member.N`, maps as `Name.entry.N.key/value`); answers are XML in the service's namespace:
 * `<OpResponse><OpResult>…</OpResult><ResponseMetadata><RequestId>…` and errors
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from '../errors.js';
import { fromQuery, toXmlContent, xmlEscape } from './codec.js';
import { errorInfo, type ProtocolRequest, type ProtocolService } from './types.js';

const XML = 'text/xml';

function send(res: ServerResponse, status: number, xml: string, requestId: string, extra: Record<string, string> = {}): void {
  const data = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  res.writeHead(status, { 'content-type': XML, 'content-length': data.length, 'x-amzn-requestid': requestId, ...extra });
  res.end(data);
}

export function decode(_req: IncomingMessage, _url: URL, body: Buffer, services: ProtocolService[]): ProtocolRequest {
  const params = new URLSearchParams(body.toString('utf8'));
  const action = params.get('Action');
  const version = params.get('Version');
  if (!action) throw new AwsError('MissingAction', 'Missing Action', 400);
  const service = services.find((s) => s.version === version);
  if (!service || !Object.prototype.hasOwnProperty.call(service.operations, action)) {
    throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`, 400);
  }
  const def = service.operations[action];
  const rest: Array<[string, string]> = [];
  for (const [k, v] of params) if (k !== 'Action' && k !== 'Version') rest.push([k, v]);
  const input = def.input ? fromQuery(def.input, rest) : {};
  return { service, operation: action, input };
}

export function sendResult(res: ServerResponse, call: ProtocolRequest, output: Record<string, unknown>, requestId: string): void {
  const { service, operation } = call;
  const shape = service.operations[operation].output;
  const result = shape ? `<${operation}Result>${toXmlContent(shape, output)}</${operation}Result>` : '';
  send(res, 200, `<${operation}Response xmlns="${service.xmlNamespace}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`, requestId);
}

export function sendError(res: ServerResponse, err: AwsError, service: ProtocolService | undefined, requestId: string): void {
  const info = errorInfo(err, service);
  const ns = service ? ` xmlns="${service.xmlNamespace}"` : '';
  send(res, info.status, `<ErrorResponse${ns}><Error><Type>${info.fault}</Type><Code>${xmlEscape(info.queryCode)}</Code><Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`, requestId);
}
