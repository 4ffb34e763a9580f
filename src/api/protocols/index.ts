/**
 * The three wire protocols current CloudWatch clients use, in front of one handler set:
 * - awsQuery: `POST /`, `application/x-www-form-urlencoded`, `Action=…&Version=…`, XML answers;
 * - AWS JSON 1.0: `POST /`, `application/x-amz-json-1.0`, `X-Amz-Target: <Service>.<Op>`;
 * - Smithy RPC v2 CBOR: `POST /service/<Service>/operation/<Op>`, `application/cbor`.
 * JSON 1.0 and CBOR errors are awsQueryCompatible: `__type` is the Smithy shape name and
 * `x-amzn-query-error: <awsQuery code>;Sender|Receiver` carries the legacy code.
 * Every request is authenticated (SigV4 with the service's signing name, or a bearer token)
 * before its body is decompressed or parsed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessKey } from '../../auth/access-keys.js';
import { AuthError } from '../../auth/sigv4.js';
import { AwsError } from '../errors.js';
import { BodyTooLarge, inflate, readBody } from '../request-body.js';
import type { CallContext, ServiceContext } from '../context.js';
import type { ProtocolRequest, ProtocolService } from './types.js';
import * as query from './aws-query.js';
import * as json10 from './json10.js';
import * as cbor from './cbor.js';

/** Largest request body read (compressed or not); operations may set lower limits. */
export const MAX_PROTOCOL_BODY_BYTES = 8 * 1024 * 1024;

export type ProtocolKind = 'query' | 'json10' | 'cbor';

export interface Authenticated { key: AccessKey; region: string; service?: string }

export interface ProtocolOptions {
  services: ProtocolService[];
  authenticate(req: IncomingMessage, url: URL, body: Buffer): Promise<Authenticated>;
  context: ServiceContext;
  /** Per-operation request size limits in bytes (as received), e.g. PutMetricData's 1 MB. */
  maxBodyBytes?: Record<string, number>;
}

/** What a protocol module implements. */
export interface Protocol {
  /** Decodes a (decompressed) body into an operation call. */
  decode(req: IncomingMessage, url: URL, body: Buffer, services: ProtocolService[]): ProtocolRequest;
  /** The operation name before the body is parsed, when the protocol carries it outside the body. */
  operationOf?(req: IncomingMessage, url: URL): string | undefined;
  sendResult(res: ServerResponse, call: ProtocolRequest, output: Record<string, unknown>, requestId: string): void;
  sendError(res: ServerResponse, err: AwsError, service: ProtocolService | undefined, requestId: string): void;
}

const PROTOCOLS: Record<ProtocolKind, Protocol> = { query, json10, cbor };


function contentType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * awsQuery auth failures carry the codes query services have always answered with; the JSON and
 * CBOR protocols keep the JSON-style codes (with the query code in `x-amzn-query-error`).
 */
const AUTH_QUERY_CODES: Record<string, { code: string; status: number }> = {
  UnrecognizedClientException: { code: 'InvalidClientTokenId', status: 403 },
  InvalidSignatureException: { code: 'SignatureDoesNotMatch', status: 403 },
  MissingAuthenticationTokenException: { code: 'MissingAuthenticationToken', status: 403 },
  IncompleteSignatureException: { code: 'IncompleteSignature', status: 400 },
};

export interface ProtocolHandler {
  /** Which protocol module a request belongs to, if any (nothing is read from the body). */
  match(req: IncomingMessage, url: URL): ProtocolKind | undefined;
  handle(kind: ProtocolKind, req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void>;
}

export function createProtocolHandler(o: ProtocolOptions): ProtocolHandler {
  const byName = new Map(o.services.map((s) => [s.name, s]));
  const log = o.context.log;

  function match(req: IncomingMessage, url: URL): ProtocolKind | undefined {
    if (req.method !== 'POST') return undefined;
    if (url.pathname.startsWith('/service/')) {
      const svc = url.pathname.split('/')[2];
      return byName.has(svc) ? 'cbor' : undefined;
    }
    if (url.pathname !== '/') return undefined;
    const ct = contentType(req);
    if (ct === 'application/x-www-form-urlencoded') return 'query';
    if (ct === 'application/x-amz-json-1.0') {
      const target = String(req.headers['x-amz-target'] ?? '');
      const dot = target.lastIndexOf('.');
      return dot > 0 && byName.has(target.slice(0, dot)) ? 'json10' : undefined;
    }
    return undefined;
  }

  async function handle(kind: ProtocolKind, req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    const proto = PROTOCOLS[kind];
    const started = Date.now();
    let service: ProtocolService | undefined = kind === 'query' ? o.services[0] : undefined;
    let op: string | undefined;
    try {
      if (kind === 'cbor') service = byName.get(url.pathname.split('/')[2]);
      if (kind === 'json10') service = byName.get(String(req.headers['x-amz-target']).split('.')[0]);
      op = proto.operationOf?.(req, url);
      let raw: Buffer;
      try { raw = await readBody(req, MAX_PROTOCOL_BODY_BYTES); } catch (e) {
        if (e instanceof BodyTooLarge) throw new AwsError('RequestEntityTooLarge', `Request size exceeded ${MAX_PROTOCOL_BODY_BYTES} bytes`, 413);
        throw e;
      }
      const who = await o.authenticate(req, url, raw);
      const body = await inflate(req, raw, 'InvalidParameterValueException');
      const call = proto.decode(req, url, body, o.services);
      service = call.service;
      op = call.operation;
      if (who.service !== undefined && who.service !== call.service.signingName) {
        throw new AuthError('InvalidSignatureException', `Credential should be scoped to correct service: '${call.service.signingName}'.`);
      }
      const limit = o.maxBodyBytes?.[op];
      if (limit !== undefined && raw.length > limit) throw new AwsError('RequestEntityTooLarge', `Request size ${raw.length} exceeded ${limit} bytes`, 413);
      const ctx: CallContext = { ...o.context, region: who.region, principal: who.key.user };
      const def = call.service.operations[op];
      const output = await def.handler(call.input, ctx);
      proto.sendResult(res, call, output, requestId);
      log.debug({ protocol: kind, op, ms: Date.now() - started, requestId }, 'request');
    } catch (err) {
      let e: AwsError;
      if (err instanceof AwsError) e = err;
      else if (err instanceof AuthError) {
        const q = kind === 'query' ? AUTH_QUERY_CODES[err.code] : undefined;
        // A request without any credentials is 403 in every AWS protocol.
        e = q ? new AwsError(q.code, err.message, q.status) : new AwsError(err.code, err.message, err.code === 'MissingAuthenticationTokenException' ? 403 : err.status);
      } else {
        log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), requestId, op }, 'internal error');
        e = new AwsError('InternalServiceFault', 'The service cannot complete the request.', 500);
      }
      if (e.status >= 500) log.error({ protocol: kind, op, code: e.code, requestId }, 'request failed');
      proto.sendError(res, e, service, requestId);
    }
  }

  return { match, handle };
}

