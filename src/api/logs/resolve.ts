/** Looks up log groups and streams from request fields (name, or identifier = name or ARN). */
import type { CallContext } from '../context.js';
import type { GroupMeta, StreamMeta } from '../../store/metadata.js';
import { AwsError, notFoundGroup, notFoundStream } from '../errors.js';
import { LOG_GROUP_IDENTIFIER, LOG_GROUP_NAME, Validator } from '../validate.js';

export function groupArn(ctx: CallContext, name: string, star = true): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}${star ? ':*' : ''}`;
}

/** Resolves `logGroupName` or `logGroupIdentifier` (mutually exclusive) to a group. */
export function resolveGroup(input: Record<string, unknown>, ctx: CallContext, v: Validator, required = true): GroupMeta | undefined {
  const name = v.string('logGroupName', LOG_GROUP_NAME);
  const ident = v.string('logGroupIdentifier', LOG_GROUP_IDENTIFIER);
  if (name !== undefined && ident !== undefined) {
    v.done();
    throw new AwsError('InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (name === undefined && ident === undefined) {
    if (!required) return undefined;
    v.add('logGroupName', undefined, 'Member must not be null');
  }
  v.done();
  const n = name ?? nameFromIdentifier(ident!);
  const g = ctx.store.meta.groups.get(n);
  if (!g) throw notFoundGroup();
  return g;
}

export function nameFromIdentifier(ident: string): string {
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(ident);
  return m ? m[1] : ident;
}

export function resolveStream(g: GroupMeta, name: string): StreamMeta {
  const s = g.streams.get(name);
  if (!s) throw notFoundStream();
  return s;
}
