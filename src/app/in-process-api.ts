/**
 * The AWS operations called from inside the server (built-in content, the demo): the same handlers and the
 * same input decoding an HTTP request gets, without a network round trip or credentials.
 */
import type { CallContext } from '../api/context.js';
import { logsOperations } from '../api/logs/index.js';
import { cloudwatchService } from '../api/cloudwatch/index.js';
import { snsService } from '../api/sns/index.js';
import { fromDocument } from '../api/protocols/codec.js';
import type { ProtocolService } from '../api/protocols/types.js';
import { OperationUnavailable, type PackApi } from '../packs/install.js';

export interface InProcessApi extends PackApi {
  logs(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  sns(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

function protocolCall(service: ProtocolService, ctx: CallContext) {
  return async (op: string, input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const def = Object.prototype.hasOwnProperty.call(service.operations, op) ? service.operations[op] : undefined;
    if (!def) throw new OperationUnavailable(op);
    // The decoding a JSON request gets, so the handler sees canonical values (Dates, numbers).
    const decoded = def.input ? fromDocument(def.input, input, '') as Record<string, unknown> : {};
    return def.handler(decoded, ctx);
  };
}

export function inProcessApi(ctx: CallContext): InProcessApi {
  return {
    async logs(op, input) {
      const h = Object.prototype.hasOwnProperty.call(logsOperations, op) ? logsOperations[op] : undefined;
      if (!h) throw new OperationUnavailable(op);
      return h(input, ctx);
    },
    cloudwatch: protocolCall(cloudwatchService, ctx),
    sns: protocolCall(snsService, ctx),
  };
}
