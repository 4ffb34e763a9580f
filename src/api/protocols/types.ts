/**
 * What a protocol module needs to know about a service: its Smithy shapes (to read typed input
 * from a form, JSON or CBOR and to write typed output), its operations (one handler set for every
 * protocol) and its error table (Smithy shape name → awsQuery code, HTTP status, fault).
 *
 * Canonical values handed to and returned by handlers: strings, numbers (integers and doubles),
 * booleans, arrays, plain objects, and `Date` for timestamps.
 */
import type { Handler } from '../context.js';
import type { AwsError } from '../errors.js';

export type Shape =
  | { type: 'string' }
  | { type: 'integer' }
  | { type: 'long' }
  | { type: 'double' }
  | { type: 'boolean' }
  | { type: 'timestamp' }
  | { type: 'list'; member: Shape }
  | { type: 'map'; key: Shape; value: Shape }
  | StructureShape;

export interface StructureShape { type: 'structure'; members: Record<string, Shape> }

export const str: Shape = { type: 'string' };
export const int: Shape = { type: 'integer' };
export const long: Shape = { type: 'long' };
export const dbl: Shape = { type: 'double' };
export const bool: Shape = { type: 'boolean' };
export const ts: Shape = { type: 'timestamp' };
export const list = (member: Shape): Shape => ({ type: 'list', member });
export const map = (value: Shape): Shape => ({ type: 'map', key: str, value });
export const struct = (members: Record<string, Shape>): StructureShape => ({ type: 'structure', members });

export interface OperationDef {
  /** Absent: the operation takes no input. */
  input?: StructureShape;
  /** Absent: the operation returns nothing (awsQuery answers no `<OpResult>`, CBOR an empty body). */
  output?: StructureShape;
  handler: Handler;
}

export interface ErrorDef {
  /** The legacy awsQuery error code (also sent in `x-amzn-query-error`). */
  queryCode: string;
  status: number;
  fault: 'Sender' | 'Receiver';
}

export interface ProtocolService {
  /** The Smithy service shape name: the CBOR path segment and the JSON 1.0 target prefix. */
  name: string;
  /** SigV4 signing name (credential scope service). */
  signingName: string;
  /** awsQuery `Version`. */
  version: string;
  xmlNamespace: string;
  operations: Record<string, OperationDef>;
  /** By Smithy error shape name (the code handlers throw). */
  errors: Record<string, ErrorDef>;
}

/** A decoded request, ready for its handler. */
export interface ProtocolRequest {
  service: ProtocolService;
  operation: string;
  input: Record<string, unknown>;
}

/** The awsQuery code, HTTP status and fault of an error, by the service's table. */
export function errorInfo(err: AwsError, service: ProtocolService | undefined): ErrorDef {
  const def = service?.errors[err.code];
  if (def) return def;
  return { queryCode: err.code, status: err.status, fault: err.status >= 500 ? 'Receiver' : 'Sender' };
}
